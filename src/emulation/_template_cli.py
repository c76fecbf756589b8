"""``emulation template``: the Excel workbook to fill for a period, and the ``xlsx`` output format.

:mod:`emulation.cli` adds the options every subcommand shares (``--rulesets``, ``--plugin``) and
calls :func:`template` with the engine it built. :func:`evaluation_xlsx` and :func:`table_xlsx`
are what ``--format xlsx`` writes for ``evaluate`` and for the table-writing subcommands.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from emulation._builtins.reporters import render_kpis, render_standings_csv
from emulation._output import write_atomically
from emulation.data.template import template_workbook
from emulation.engine import Engine
from emulation.errors import EmulationError
from emulation.i18n import N_, Message, results_default
from emulation.i18n import gettext as _
from emulation.period import Period
from emulation.results.evaluation import Evaluation
from emulation.results.workbook import evaluation_workbook, tables_workbook, word
from emulation.types import LANGUAGES

#: The output format of a formatted workbook.
XLSX = "xlsx"

HELP = N_("write the Excel workbook to fill for a period: one sheet per table, labels, drop-downs")
HELP_PERIOD = N_("the period whose rulesets in force give the fact columns (2024, 2023-2024 …)")
HELP_OUTPUT = N_("the workbook to write (default: template-PERIOD.xlsx, never overwritten)")
HELP_LANG = N_("the language the labels and the explanation sheet start with (both are written)")
EXISTS = N_("{path} exists: name the workbook to write with -o FILE")
WROTE = N_("wrote {path}")
NEEDS_FILE = N_("--format xlsx writes a binary file: name it with -o FILE")


def add_template_parser(commands: Any) -> argparse.ArgumentParser:
    """The ``template`` subcommand's parser, without the shared options."""
    parser: argparse.ArgumentParser = commands.add_parser("template", help=_(HELP))
    parser.add_argument("--period", required=True, help=_(HELP_PERIOD))
    parser.add_argument("-o", "--output", type=Path, help=_(HELP_OUTPUT))
    parser.add_argument("--lang", choices=LANGUAGES, default=results_default(), help=_(HELP_LANG))
    return parser


def template(args: argparse.Namespace, engine: Engine) -> int:
    """Write the workbook; without ``-o``, to ``template-<period>.xlsx`` in the current folder,
    refusing to overwrite one that exists."""
    period = Period.parse(args.period)
    path = args.output
    if path is None:
        path = Path(f"template-{str(period).replace(':', '-')}.xlsx")
        if path.exists():
            raise EmulationError(Message(EXISTS, path=str(path)))
    write_atomically(path, template_workbook(engine.rulesets_for(period), period, args.lang))
    line = _(WROTE).format(path=path)
    print(f"emulation: {line}", file=sys.stderr)
    return 0


def check_file(args: argparse.Namespace) -> None:
    """``--format xlsx`` needs ``-o``: a workbook is not written to a terminal."""
    if args.format == XLSX and not getattr(args, "output", None):
        raise EmulationError(Message(NEEDS_FILE))


def evaluation_xlsx(args: argparse.Namespace, evaluation: Evaluation) -> bytes:
    """What ``evaluate --format xlsx`` writes: the decisions, then the standings and the KPIs
    when the rulesets in force rank or count any, as their CSV rows."""
    check_file(args)
    tables = {}
    if evaluation.standings_ranked:
        tables[word("standings", args.lang)] = render_standings_csv(evaluation, args.lang)
    if evaluation.kpi_specs:
        tables[word("kpis", args.lang)] = render_kpis(evaluation, "csv", args.lang)
    return evaluation_workbook(evaluation, args.lang, tables)


def table_xlsx(args: argparse.Namespace, csv_text: str, title: str) -> bytes:
    """What ``standings``/``kpis --format xlsx`` write: the rows of their CSV form as one
    formatted sheet named ``title``."""
    check_file(args)
    return tables_workbook({title: csv_text}, args.lang)
