"""The ``emulation`` command line: check, list, evaluate, explain, replay, diff, kpis,
standings, scores, test, catalogue, new.

Every subcommand builds the engine from the installed plugins (``--rulesets`` adds files or
folders). Bad input prints one line per problem, naming the file and row, and exits non-zero;
``-o`` files are written whole or not at all (see :mod:`emulation._output`).
"""

from __future__ import annotations

import argparse
import importlib.util
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import attrs

from emulation import (
    _authoring_cli,
    _diff_cli,
    _evaluate_cli,
    _kpis_cli,
    _list_cli,
    _scores_cli,
    _standings_cli,
    _unconfirmed_cli,
)
from emulation import _tables_cli as tables
from emulation._output import write_atomically as write_atomically
from emulation._plugins import blocked_except
from emulation._version import __version__
from emulation.engine import Engine, assemble, build_engine
from emulation.errors import EmulationError, ProblemsError
from emulation.evaluate.inputs import NO_FILE
from emulation.period import Period
from emulation.results.text import explain_text
from emulation.types import LANGUAGES

#: Exit statuses; argparse itself exits with 2 on a usage error.
EXIT_OK, EXIT_PROBLEMS = 0, 1


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status."""
    parser = _parser()
    args = parser.parse_args(argv)
    try:
        status: int = args.handler(args)
        return status
    except ProblemsError as error:
        for problem in error.problems:
            print(f"emulation: {problem}", file=sys.stderr)
        return EXIT_PROBLEMS
    except EmulationError as error:
        print(f"emulation: {error}", file=sys.stderr)
        return EXIT_PROBLEMS
    except BrokenPipeError:
        # the reader went away (``emulation list | head``): stop quietly
        sys.stderr.close()
        return EXIT_OK
    except OSError as error:
        where = f"{error.filename}: " if error.filename else ""
        print(f"emulation: {where}{error.strerror}", file=sys.stderr)
        return EXIT_PROBLEMS


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="emulation",
        description="Evaluate Vietnamese emulation and commendation rules (thi đua – khen thưởng).",
    )
    parser.add_argument("--version", action="version", version=f"emulation {__version__}")
    commands = parser.add_subparsers(dest="command", required=True)

    check = commands.add_parser("check", help="validate installed or given rulesets")
    check.add_argument(
        "paths", nargs="*", type=Path, help="ruleset files or folders (default: installed)"
    )
    check.set_defaults(handler=_check)

    listing = commands.add_parser("list", help="list plugins, rulesets and awards")
    listing.add_argument("--format", choices=("table", "json"), default="table")
    listing.add_argument("--lang", choices=LANGUAGES, default="vi")
    _unconfirmed_cli.add_unconfirmed_options(listing)
    _rulesets_option(listing)
    listing.set_defaults(handler=_list)

    evaluate = commands.add_parser("evaluate", help="decide awards for a period")
    evaluate.add_argument(
        "data", type=Path, help="a population: JSON file or folder of CSV or Parquet tables"
    )
    evaluate.add_argument(
        "--period",
        required=True,
        help="2024 (calendar year), 2023-2024 (school year), term:2023-2028 or phase:2026-2030",
    )
    evaluate.add_argument(
        "--award", action="append", dest="awards", metavar="ID", help="only this award (repeatable)"
    )
    evaluate.add_argument(
        "--format",
        default="table",
        help="table, json, jsonl, csv or parquet (plugins may add more)",
    )
    tables.add_detail_option(evaluate)
    evaluate.add_argument("--lang", choices=LANGUAGES, default="vi")
    evaluate.add_argument(
        "--strict", action="store_true", help="treat the input's warnings as errors (exit 1)"
    )
    _output_option(evaluate)
    _as_of_option(evaluate)
    _decision_date_option(evaluate)
    _parameter_option(evaluate)
    _rulesets_option(evaluate)
    _evaluate_cli.add_chunk_option(evaluate)
    evaluate.set_defaults(handler=_evaluate)

    explain = commands.add_parser(
        "explain", help="explain one decision, or a KPI at a node, in full"
    )
    explain.add_argument("data", type=Path)
    explain.add_argument("--period", required=True)
    explain.add_argument("--subject", required=True, help="the subject (for --kpi: the node)")
    which = explain.add_mutually_exclusive_group(required=True)
    which.add_argument("--award", help="the award decided for the subject")
    which.add_argument("--kpi", metavar="ID", help="a KPI evaluated at the node --subject")
    explain.add_argument("--lang", choices=LANGUAGES, default="vi")
    _as_of_option(explain)
    _decision_date_option(explain)
    _parameter_option(explain)
    _rulesets_option(explain)
    explain.set_defaults(handler=_explain)

    replay = commands.add_parser(
        "replay", help="derive the decisions of a decisions file again and compare them"
    )
    replay.add_argument("decisions", type=Path, help="the JSON that evaluate --format json wrote")
    replay.add_argument("data", type=Path, help="the population the decisions were made from")
    _parameter_option(replay)
    _rulesets_option(replay)
    replay.set_defaults(handler=_replay)

    _diff_parser(commands)

    kpis = _kpis_cli.add_kpis_parser(commands)
    _output_option(kpis)
    _parameter_option(kpis)
    _rulesets_option(kpis)
    kpis.set_defaults(handler=_kpis)
    _movement_parsers(commands)

    testing = commands.add_parser(
        "test", help="run the case files and properties of rulesets, with criterion coverage"
    )
    testing.add_argument(
        "targets",
        nargs="*",
        metavar="PLUGIN|PATH",
        help="installed plugin names or ruleset folders (default: every plugin with rulesets)",
    )
    testing.add_argument(
        "--min-coverage",
        type=float,
        default=0.0,
        metavar="PCT",
        help="fail when the case files cover fewer rules, in percent",
    )
    testing.add_argument(
        "--examples",
        type=int,
        default=20,
        metavar="N",
        help="generated examples per property (default 20; 0 skips the properties)",
    )
    testing.set_defaults(handler=_test)
    _new_parser(commands)
    return parser


def _diff_parser(commands: Any) -> None:
    diff = _diff_cli.add_diff_parser(commands)
    _output_option(diff)
    _as_of_option(diff)
    _decision_date_option(diff)
    _parameter_option(diff)
    _rulesets_option(diff)
    diff.set_defaults(handler=_diff)


def _movement_parsers(commands: Any) -> None:
    for parser, text in (
        (_standings_cli.add_standings_parser(commands), _standings_cli.standings_text),
        (_scores_cli.add_scores_parser(commands), _scores_cli.scores_text),
    ):
        _output_option(parser)
        _as_of_option(parser)
        _parameter_option(parser)
        _rulesets_option(parser)
        parser.set_defaults(handler=_movement, text=text)


def _new_parser(commands: Any) -> None:
    catalogue = _authoring_cli.add_catalogue_parser(commands)
    _rulesets_option(catalogue)
    _output_option(catalogue)
    catalogue.set_defaults(handler=_catalogue)
    _authoring_cli.add_new_parser(commands)


def _rulesets_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--rulesets",
        action="append",
        type=Path,
        default=[],
        metavar="PATH",
        help="also load rulesets from this file or folder (repeatable)",
    )
    parser.add_argument(
        "--plugin",
        action="append",
        dest="plugins",
        default=[],
        metavar="NAME",
        help="use only these installed plugins' rulesets (repeatable; default: every one)",
    )


def _output_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "-o", "--output", type=Path, help="write to this file (atomically) instead of stdout"
    )


def _as_of_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--as-of",
        dest="as_of",
        metavar="YYYY-MM-DD",
        help="the round's cut-off within the period: service and months in operation are "
        "counted to this day (default: the period's last day)",
    )


def _decision_date_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--decision-date",
        dest="decision_date",
        metavar="YYYY-MM-DD",
        help="the day the awards are decided, on or after the cut-off: bonus money uses the "
        "base salary and coefficients in force that day (default: the cut-off, --as-of or "
        "the period's last day)",
    )


def _parameter_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--set",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        dest="parameters",
        help="override a ruleset parameter for this run (repeatable)",
    )


def _engine(args: argparse.Namespace) -> Engine:
    chosen = getattr(args, "plugins", None)
    blocked = blocked_except(chosen) if chosen else None
    return build_engine(ruleset_paths=getattr(args, "rulesets", []), blocked=blocked)


def _parameters(
    args: argparse.Namespace, dest: str = "parameters", option: str = "--set"
) -> dict[str, str]:
    values = {}
    for item in getattr(args, dest):
        name, sep, value = item.partition("=")
        if not sep or not name:
            raise EmulationError(f"{option} expects NAME=VALUE, got {item!r}")
        values[name.strip()] = value.strip()
    return values


# -- subcommands -------------------------------------------------------------------------------


def _check(args: argparse.Namespace) -> int:
    engine = assemble(ruleset_paths=args.paths, installed="ignore") if args.paths else _engine(args)
    rulesets = engine.rulesets
    for warning in engine.warnings:
        print(f"emulation: warning: {warning}", file=sys.stderr)
    awards = sum(len(r.awards) for r in rulesets)
    rules = sum(len(a.rules) for r in rulesets for a in r.awards.values())
    print(
        f"ok: {_count(len(rulesets), 'ruleset')}, {_count(awards, 'award')}, {_count(rules, 'rule')}"
    )
    return EXIT_OK


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'' if number == 1 else 's'}"


def _list(args: argparse.Namespace) -> int:
    engine = _engine(args)
    if args.unconfirmed is not None:
        print(_unconfirmed_cli.list_unconfirmed(args, engine))
        return EXIT_OK
    print(_list_cli.listing(engine, args.lang, args.format))
    return EXIT_OK


def _evaluate(args: argparse.Namespace) -> int:
    engine = _engine(args)
    period = Period.parse(args.period)
    tables.check_evaluate_options(args, engine)
    if _evaluate_cli.streams(args):
        return _evaluate_cli.run(args, engine, _parameters(args))
    with tables.working(args.lang):
        population = engine.read_population(args.data)
        evaluation = engine.evaluate(
            population,
            period,
            args.awards,
            parameters=_parameters(args),
            as_of=args.as_of,
            decision_date=args.decision_date,
        )
    # a population read from a file with no row names no file: name the one given
    warnings = [
        attrs.evolve(w, file=str(args.data)) if w.file == NO_FILE else w
        for w in evaluation.warnings
    ]
    if args.strict and warnings:
        raise ProblemsError(warnings)
    for warning in warnings:
        print(f"emulation: warning: {warning}", file=sys.stderr)
    _write(args, tables.evaluation_output(args, engine, evaluation))
    return EXIT_OK


def _explain(args: argparse.Namespace) -> int:
    engine = _engine(args)
    if args.kpi:
        sys.stdout.write(_kpis_cli.explain_kpi_text(args, engine, _parameters(args)))
        return EXIT_OK
    period = Period.parse(args.period)
    population = engine.read_population(args.data)
    evaluation = engine.evaluate(
        population,
        period,
        [args.award],
        parameters=_parameters(args),
        as_of=args.as_of,
        decision_date=args.decision_date,
    )
    decision = evaluation.decision(args.subject, args.award)
    sys.stdout.write(explain_text(decision, args.lang))
    return EXIT_OK


def _kpis(args: argparse.Namespace) -> int:
    engine, parameters = _engine(args), _parameters(args)
    _write(args, tables.tabular(args, lambda a: _kpis_cli.kpis_text(a, engine, parameters)))
    return EXIT_OK


def _movement(args: argparse.Namespace) -> int:
    engine, parameters = _engine(args), _parameters(args)
    _write(args, tables.tabular(args, lambda a: args.text(a, engine, parameters)))
    return EXIT_OK


def _replay(args: argparse.Namespace) -> int:
    engine = _engine(args)
    population = engine.read_population(args.data)
    result = engine.replay(args.decisions, population, parameters=_parameters(args))
    sys.stdout.write(result.report())
    return EXIT_OK if result.ok else EXIT_PROBLEMS


def _diff(args: argparse.Namespace) -> int:
    after = None
    if args.after_rulesets:
        after = assemble(
            ruleset_paths=args.after_rulesets, installed="replace", replaceable=args.rulesets
        )
    before = _engine(args)
    parameters = _parameters(args), _parameters(args, "after_parameters", "--after-set")
    _write(args, tables.tabular(args, lambda a: _diff_cli.diff_text(a, before, after, *parameters)))
    return EXIT_OK


def _test(args: argparse.Namespace) -> int:
    # lazy: the test runner loads Hypothesis, which the other commands never need
    from emulation._testing import runner as _suite

    targets = _suite.resolve(args.targets)
    if not targets:
        raise EmulationError("no installed plugin contributes rulesets; name a ruleset folder")
    if args.examples > 0 and importlib.util.find_spec("hypothesis") is None:
        raise EmulationError(
            "the properties need Hypothesis: install the test extra "
            "(pip install 'emulation[test]'), or run the case files alone with --examples 0"
        )
    failed = False
    for target in targets:
        result = _suite.run(target, examples=args.examples, properties=args.examples > 0)
        print(_suite.report(result, min_coverage=args.min_coverage))
        failed |= not result.passed or result.coverage.percent < args.min_coverage
    return EXIT_PROBLEMS if failed else EXIT_OK


def _catalogue(args: argparse.Namespace) -> int:
    _write(args, _engine(args).catalogue(args.plugin))
    return EXIT_OK


def _write(args: argparse.Namespace, text: str | bytes) -> None:
    """``text`` to the ``-o`` file (whole or not at all), or to standard output."""
    if args.output:
        write_atomically(args.output, text)
    elif isinstance(text, str):
        sys.stdout.write(text)


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
