"""The KPI side of the command line: ``emulation kpis`` and ``emulation explain --kpi``.

:mod:`emulation.cli` adds the options every subcommand shares (``--rulesets``, ``--set``,
``-o``) and calls these with the engine it built.
"""

from __future__ import annotations

import argparse
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import attrs

from emulation._builtins.reporters import render_kpis
from emulation._i18n_cli import add_lang_option
from emulation.engine import Engine
from emulation.errors import EmulationError
from emulation.i18n import Message
from emulation.i18n import gettext as _
from emulation.period import Period
from emulation.results.kpi import explain_kpi

#: The formats ``emulation kpis`` writes.
KPI_FORMATS = ("table", "json", "csv", "parquet", "xlsx")


def add_kpis_parser(commands: Any) -> argparse.ArgumentParser:
    """The ``kpis`` subcommand's parser, without the shared options."""
    kpis: argparse.ArgumentParser = commands.add_parser(
        "kpis",
        help=_(
            "KPIs over the organisation tree: value, target, met or not, and how many are needed"
        ),
    )
    kpis.add_argument(
        "data",
        type=Path,
        help=_("a population: JSON file, Excel workbook or folder of CSV or Parquet tables"),
    )
    kpis.add_argument("--period", required=True, help=_("2024 (calendar year) or 2023-2024"))
    kpis.add_argument(
        "--kpi", action="append", dest="kpis", metavar="ID", help=_("only this KPI (repeatable)")
    )
    kpis.add_argument(
        "--node", action="append", dest="nodes", metavar="ID", help=_("only this node (repeatable)")
    )
    kpis.add_argument("--format", choices=KPI_FORMATS, default="table")
    add_lang_option(kpis)
    return kpis


def kpis_text(args: argparse.Namespace, engine: Engine, parameters: Mapping[str, str]) -> str:
    """What ``emulation kpis`` writes: every KPI in force (or those named) at every node (or
    those named)."""
    population = engine.read_population(args.data)
    evaluation = engine.evaluate(
        population, Period.parse(args.period), [], parameters=parameters, kpis=_named(args, engine)
    )
    if args.nodes:
        frame = evaluation.kpi_frame
        kept = None if frame is None else frame.filter(frame["node"].is_in(args.nodes))
        evaluation = attrs.evolve(evaluation, kpi_frame=kept)
    return render_kpis(evaluation, args.format, args.lang)


def explain_kpi_text(
    args: argparse.Namespace, engine: Engine, parameters: Mapping[str, str]
) -> str:
    """What ``emulation explain --kpi ID --subject NODE`` prints."""
    population = engine.read_population(args.data)
    evaluation = engine.evaluate(
        population, Period.parse(args.period), [], parameters=parameters, kpis=[args.kpi]
    )
    found = evaluation.kpi_results(args.kpi, [args.subject])
    if not found:
        raise EmulationError(
            Message(
                'no result of KPI "{kpi}" for node "{node}" in {period}: '
                "a node is a collective whose level is one of the KPI's at_levels",
                kpi=args.kpi,
                node=args.subject,
                period=evaluation.period,
            )
        )
    return explain_kpi(found[0], args.lang)


def _named(args: argparse.Namespace, engine: Engine) -> list[str] | None:
    """The KPIs asked for; every KPI in force when none is named (an error when there is
    none) — of the rulesets that evaluate the period's kind: a ruleset of programme phases
    (``periods = ["phase"]``) has no KPI for a year."""
    if args.kpis:
        return list(args.kpis)
    period = Period.parse(args.period)
    every = sorted(k for r in engine.rulesets_in_force(period) if r.accepts(period) for k in r.kpis)
    if not every:
        raise EmulationError(
            Message("no ruleset in force for {period} defines a KPI", period=period)
        )
    return every
