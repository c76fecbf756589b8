"""``emulation diff`` on the command line: its own arguments and its text.

:mod:`emulation.cli` adds the options every subcommand shares (``--rulesets``, ``--set``,
``--as-of``, ``-o``), builds the engines before and after, and writes the text.
"""

from __future__ import annotations

import argparse
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from emulation.engine import Engine
from emulation.period import Period
from emulation.results.diff import FORMATS
from emulation.types import LANGUAGES


def add_diff_parser(commands: Any) -> argparse.ArgumentParser:
    """The ``diff`` subcommand's parser, without the shared options."""
    diff: argparse.ArgumentParser = commands.add_parser(
        "diff", help="what changes if: every decision that differs under other rules"
    )
    diff.add_argument(
        "data", type=Path, help="a population: JSON file or folder of CSV or Parquet tables"
    )
    diff.add_argument(
        "--period", required=True, help="2024, 2023-2024, term:2023-2028 or phase:2026-2030"
    )
    diff.add_argument(
        "--award", action="append", dest="awards", metavar="ID", help="only this award (repeatable)"
    )
    diff.add_argument(
        "--after-rulesets",
        action="append",
        type=Path,
        default=[],
        metavar="PATH",
        help="after: these rulesets replace those with the same id (repeatable)",
    )
    diff.add_argument(
        "--after-set",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        dest="after_parameters",
        help="after: override a ruleset parameter (repeatable)",
    )
    diff.add_argument("--format", choices=(*FORMATS, "parquet"), default="table")
    diff.add_argument("--lang", choices=LANGUAGES, default="vi")
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
