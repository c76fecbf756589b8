"""``emulation list --unconfirmed [PLUGIN]``: the options and the output.

:mod:`emulation.cli` adds the options to ``list`` and hands over when ``--unconfirmed`` is
given; the list itself is :func:`emulation.unconfirmed.unconfirmed_parameters`.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
from typing import Any

from emulation.i18n import gettext as _
from emulation.unconfirmed import unconfirmed_parameters, unconfirmed_table

#: ``--unconfirmed`` given without a plugin: every plugin's.
ALL_PLUGINS = "\x00all"


def add_unconfirmed_options(listing: argparse.ArgumentParser) -> None:
    """``--unconfirmed [PLUGIN]`` and ``--on`` on the ``list`` parser."""
    listing.add_argument(
        "--unconfirmed",
        nargs="?",
        const=ALL_PLUGINS,
        metavar="PLUGIN",
        help=_("only the unconfirmed parameters (of one plugin), with their value or none"),
    )
    listing.add_argument(
        "--on",
        type=_date,
        metavar="YYYY-MM-DD",
        help=_("with --unconfirmed: the day whose values are shown (default: today)"),
    )


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {text!r}") from None


def list_unconfirmed(args: argparse.Namespace, engine: Any) -> str:
    """The text ``emulation list --unconfirmed`` prints: a table or JSON."""
    plugin = None if args.unconfirmed == ALL_PLUGINS else args.unconfirmed
    day = args.on or dt.date.today()
    found = unconfirmed_parameters(engine, plugin, day)
    if args.format == "json":
        document = {
            "plugin": plugin,
            "on": day.isoformat(),
            "parameters": [p.to_dict(args.lang) for p in found],
        }
        return json.dumps(document, ensure_ascii=False, indent=2)
    return unconfirmed_table(found, args.lang)
