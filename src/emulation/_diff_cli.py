"""``emulation diff`` on the command line: its own arguments and its text.

:mod:`emulation.cli` adds the options every subcommand shares (``--rulesets``, ``--set``,
``--as-of``, ``-o``), builds the engines before and after, and writes the text.
"""

from __future__ import annotations

import argparse
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from emulation._i18n_cli import add_lang_option
from emulation.engine import Engine
from emulation.i18n import gettext as _
from emulation.period import Period
from emulation.results.diff import FORMATS


def add_diff_parser(commands: Any) -> argparse.ArgumentParser:
    """The ``diff`` subcommand's parser, without the shared options."""
    diff: argparse.ArgumentParser = commands.add_parser(
        "diff", help=_("what changes if: every decision that differs under other rules")
    )
    diff.add_argument(
        "data", type=Path, help=_("a population: JSON file or folder of CSV or Parquet tables")
    )
    diff.add_argument(
        "--period", required=True, help=_("2024, 2023-2024, term:2023-2028 or phase:2026-2030")
    )
    diff.add_argument(
        "--award",
        action="append",
        dest="awards",
        metavar="ID",
        help=_("only this award (repeatable)"),
    )
    diff.add_argument(
        "--after-rulesets",
        action="append",
        type=Path,
        default=[],
        metavar="PATH",
        help=_("after: these rulesets replace those with the same id (repeatable)"),
    )
    diff.add_argument(
        "--after-set",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        dest="after_parameters",
        help=_("after: override a ruleset parameter (repeatable)"),
    )
    diff.add_argument("--format", choices=(*FORMATS, "parquet"), default="table")
    add_lang_option(diff)
    return diff


def diff_text(
    args: argparse.Namespace,
    before: Engine,
    after: Engine | None,
    parameters: Mapping[str, str],
    after_parameters: Mapping[str, str],
) -> str:
    """The decisions of ``args.data`` for ``args.period`` that differ between ``before`` and
    ``after`` (default: ``before`` again, with ``after_parameters``), rendered."""
    population = before.read_population(args.data)
    result = before.diff(
        population,
        Period.parse(args.period),
        after,
        args.awards,
        parameters=parameters,
        after_parameters=after_parameters,
        as_of=args.as_of,
        decision_date=args.decision_date,
    )
    return result.render(args.format, args.lang)
