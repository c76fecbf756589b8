"""The report side of the command line: ``emulation report``, one self-contained HTML file with
charts (:mod:`emulation.results.report`).

:mod:`emulation.cli` adds the options every subcommand shares (``--rulesets``, ``--plugin``,
``--set``, ``--as-of``, ``--decision-date``, ``-o``) and calls :func:`report_html` with the
engine it built.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import attrs

from emulation._i18n_cli import add_lang_option
from emulation.engine import Engine
from emulation.errors import EmulationError
from emulation.evaluate.inputs import NO_FILE
from emulation.i18n import N_, Message, interface_language
from emulation.i18n import gettext as _
from emulation.period import Period

#: What to do when the report's libraries are not installed.
MISSING_EXTRA = N_(
    "the report needs Jinja2 and Matplotlib: install the report extra "
    "(pip install 'emulation[report]') ({error})"
)


def add_report_parser(commands: Any) -> argparse.ArgumentParser:
    """The ``report`` subcommand's parser, without the shared options."""
    parser: argparse.ArgumentParser = commands.add_parser(
        "report",
        help=_(
            "one self-contained HTML report with charts: counts, standings, who earns what, "
            "KPIs, and every subject explained"
        ),
    )
    parser.add_argument(
        "data", type=Path, help=_("a population: JSON file or folder of CSV or Parquet tables")
    )
    parser.add_argument(
        "--period",
        required=True,
        help=_("2024 (calendar year), 2023-2024 (school year), term:2023-2028 or phase:2026-2030"),
    )
    parser.add_argument(
        "--award",
        action="append",
        dest="awards",
        metavar="ID",
        help=_("only this award (repeatable)"),
    )
    add_lang_option(parser)
    return parser


def report_html(args: argparse.Namespace, engine: Engine, parameters: Mapping[str, str]) -> str:
    """What ``emulation report`` writes; the input's warnings go to standard error, as
    ``emulation evaluate`` prints them."""
    try:
        # lazy: Jinja2 and Matplotlib are loaded for the report only, and come with its extra
        from emulation.results.report import render_report
    except ImportError as error:
        raise EmulationError(Message(MISSING_EXTRA, error=str(error))) from None
    population = engine.read_population(args.data)
    evaluation = engine.evaluate(
        population,
        Period.parse(args.period),
        args.awards,
        parameters=parameters,
        as_of=args.as_of,
        decision_date=args.decision_date,
    )
    for warning in evaluation.warnings:
        if warning.file == NO_FILE:
            warning = attrs.evolve(warning, file=str(args.data))
        line = _("warning: {warning}").format(warning=warning.translated(interface_language()))
        print(f"emulation: {line}", file=sys.stderr)
    return render_report(evaluation, args.lang)
