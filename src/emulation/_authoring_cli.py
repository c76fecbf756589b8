"""The rule author's side of the command line: ``emulation new plugin`` and
``emulation catalogue``.

:mod:`emulation.cli` adds the options every subcommand shares (``--rulesets``, ``-o``) and
runs the catalogue with the engine it built.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from emulation import _scaffold
from emulation.i18n import gettext as _


def add_catalogue_parser(commands: Any) -> argparse.ArgumentParser:
    """The ``catalogue`` subcommand's parser, without the shared options."""
    catalogue: argparse.ArgumentParser = commands.add_parser(
        "catalogue", help=_("write a readable catalogue of a plugin's rules (Markdown)")
    )
    catalogue.add_argument(
        "plugin", nargs="?", metavar="PLUGIN", help=_("the plugin (default: every ruleset loaded)")
    )
    return catalogue


def add_new_parser(commands: Any) -> None:
    """The ``new plugin`` subcommand, whole."""
    new = commands.add_parser("new", help=_("start a new plugin package from a scaffold"))
    kinds = new.add_subparsers(dest="kind", required=True)
    plugin = kinds.add_parser(
        "plugin", help=_("write a plugin package with one ruleset, its cases and tests to ./NAME")
    )
    plugin.add_argument("name", metavar="NAME", help=_("the plugin's name, e.g. hoi_nong_dan"))
    plugin.add_argument(
        "--organisation", help=_("the organisation the rules belong to (default: NAME)")
    )
    plugin.add_argument(
        "--label-vi",
        default=_scaffold.DEFAULT_LABEL_VI,
        metavar="TEXT",
        help=_("the award's and ruleset's title in Vietnamese"),
    )
    plugin.add_argument(
        "--label-en",
        default=_scaffold.DEFAULT_LABEL_EN,
        metavar="TEXT",
        help=_("the award's and ruleset's title in English"),
    )
    plugin.add_argument(
        "--effective-from",
        default=_scaffold.DEFAULT_EFFECTIVE_FROM,
        metavar="DATE",
        help=_("the ruleset's first day, an ISO date (default {date})").format(
            date=_scaffold.DEFAULT_EFFECTIVE_FROM
        ),
    )
    plugin.add_argument(
        "--into",
        type=Path,
        default=Path("."),
        metavar="DIR",
        help=_("write the package to DIR/NAME (default: the current folder)"),
    )
    plugin.set_defaults(handler=new_plugin)


def new_plugin(args: argparse.Namespace) -> int:
    """``emulation new plugin NAME``: write the scaffold and say how to check it."""
    target = _scaffold.create(
        args.name,
        args.into,
        organisation=args.organisation,
        label_vi=args.label_vi,
        label_en=args.label_en,
        effective_from=args.effective_from,
    )
    rulesets = target / "src" / f"emulation_{args.name}" / "rulesets"
    print(f"created {target}: run `emulation test {rulesets}` to check it")
    return 0
