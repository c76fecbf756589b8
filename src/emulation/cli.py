"""The ``emulation`` command line: check, list, evaluate, explain, replay, diff, kpis,
standings, scores, report, test, catalogue, new, serve, template.

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
    _report_cli,
    _scores_cli,
    _serve_cli,
    _standings_cli,
    _template_cli,
    _unconfirmed_cli,
)
from emulation import _tables_cli as tables
from emulation._i18n_cli import add_lang_option, argparse_speaks
from emulation._options_cli import as_of_option as _as_of_option
from emulation._options_cli import decision_date_option as _decision_date_option
from emulation._options_cli import output_option as _output_option
from emulation._options_cli import parameter_option as _parameter_option
from emulation._options_cli import rulesets_option as _rulesets_option
from emulation._output import write_atomically as write_atomically
from emulation._plugins import blocked_except
from emulation._version import __version__
from emulation.engine import Engine, assemble, build_engine
from emulation.errors import EmulationError, Problem, ProblemsError
from emulation.evaluate.inputs import NO_FILE
from emulation.i18n import (
    Message,
    interface,
    interface_language,
    language_from,
    localise,
    ngettext,
    os_reason,
)
from emulation.i18n import gettext as _
from emulation.period import Period
from emulation.results.text import explain_text
from emulation.types import Language

#: Exit statuses; argparse itself exits with 2 on a usage error.
EXIT_OK, EXIT_PROBLEMS = 0, 1


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status."""
    arguments = sys.argv[1:] if argv is None else list(argv)
    lang = language_from(arguments)
    with interface(lang), argparse_speaks():
        args = _parser().parse_args(arguments)
        return _run(args, lang)


def _run(args: argparse.Namespace, lang: Language) -> int:
    try:
        status: int = args.handler(args)
        return status
    except ProblemsError as error:
        # lazy: openpyxl is loaded only to name the cells of problems in a workbook
        from emulation.data.excel import name_cells

        for problem in name_cells(error.problems):
            print(f"emulation: {problem.translated(lang)}", file=sys.stderr)
        return EXIT_PROBLEMS
    except EmulationError as error:
        text = localise(error.args[0], lang) if len(error.args) == 1 else str(error)
        print(f"emulation: {text}", file=sys.stderr)
        return EXIT_PROBLEMS
    except BrokenPipeError:
        # the reader went away (``emulation list | head``): stop quietly
        sys.stderr.close()
        return EXIT_OK
    except OSError as error:
        where = f"{error.filename}: " if error.filename else ""
        print(f"emulation: {where}{localise(os_reason(error), lang)}", file=sys.stderr)
        return EXIT_PROBLEMS


def warn(warning: object) -> None:
    """``emulation: warning: …`` on standard error, in the interface language."""
    text = warning.translated(interface_language()) if isinstance(warning, Problem) else warning
    line = _("warning: {warning}").format(warning=text)
    print(f"emulation: {line}", file=sys.stderr)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="emulation",
        description=_(
            "Evaluate Vietnamese emulation and commendation rules (thi đua – khen thưởng)."
        ),
    )
    parser.add_argument(
        "--version",
        action="version",
        version=f"emulation {__version__}",
        help=_("show the version and exit"),
    )
    commands = parser.add_subparsers(dest="command", required=True)

    check = commands.add_parser("check", help=_("validate installed or given rulesets"))
    check.add_argument(
        "paths", nargs="*", type=Path, help=_("ruleset files or folders (default: installed)")
    )
    check.set_defaults(handler=_check)

    listing = commands.add_parser("list", help=_("list plugins, rulesets and awards"))
    listing.add_argument("--format", choices=("table", "json"), default="table")
    add_lang_option(listing)
    _unconfirmed_cli.add_unconfirmed_options(listing)
    _rulesets_option(listing)
    listing.set_defaults(handler=_list)

    evaluate = commands.add_parser("evaluate", help=_("decide awards for a period"))
    evaluate.add_argument(
        "data",
        type=Path,
        help=_("a population: JSON file, Excel workbook or folder of CSV or Parquet tables"),
    )
    evaluate.add_argument(
        "--period",
        required=True,
        help=_("2024 (calendar year), 2023-2024 (school year), term:2023-2028 or phase:2026-2030"),
    )
    evaluate.add_argument(
        "--award",
        action="append",
        dest="awards",
        metavar="ID",
        help=_("only this award (repeatable)"),
    )
    evaluate.add_argument(
        "--format",
        default="table",
        help=_("table, json, jsonl, csv, parquet or xlsx (plugins may add more)"),
    )
    tables.add_detail_option(evaluate)
    add_lang_option(evaluate)
    evaluate.add_argument(
        "--strict", action="store_true", help=_("treat the input's warnings as errors (exit 1)")
    )
    _output_option(evaluate)
    _as_of_option(evaluate)
    _decision_date_option(evaluate)
    _parameter_option(evaluate)
    _rulesets_option(evaluate)
    _evaluate_cli.add_chunk_option(evaluate)
    evaluate.set_defaults(handler=_evaluate)

    explain = commands.add_parser(
        "explain", help=_("explain one decision, or a KPI at a node, in full")
    )
    explain.add_argument("data", type=Path)
    explain.add_argument("--period", required=True)
    explain.add_argument("--subject", required=True, help=_("the subject (for --kpi: the node)"))
    which = explain.add_mutually_exclusive_group(required=True)
    which.add_argument("--award", help=_("the award decided for the subject"))
    which.add_argument("--kpi", metavar="ID", help=_("a KPI evaluated at the node --subject"))
    add_lang_option(explain)
    _as_of_option(explain)
    _decision_date_option(explain)
    _parameter_option(explain)
    _rulesets_option(explain)
    explain.set_defaults(handler=_explain)

    replay = commands.add_parser(
        "replay", help=_("derive the decisions of a decisions file again and compare them")
    )
    replay.add_argument(
        "decisions", type=Path, help=_("the JSON that evaluate --format json wrote")
    )
    replay.add_argument("data", type=Path, help=_("the population the decisions were made from"))
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
    report = _report_cli.add_report_parser(commands)
    for option in (_output_option, _as_of_option, _decision_date_option, _parameter_option):
        option(report)
    _rulesets_option(report)
    report.set_defaults(handler=_report)

    testing = commands.add_parser(
        "test", help=_("run the case files and properties of rulesets, with criterion coverage")
    )
    testing.add_argument(
        "targets",
        nargs="*",
        metavar="PLUGIN|PATH",
        help=_("installed plugin names or ruleset folders (default: every plugin with rulesets)"),
    )
    testing.add_argument(
        "--min-coverage",
        type=float,
        default=0.0,
        metavar="PCT",
        help=_("fail when the case files cover fewer rules, in percent"),
    )
    testing.add_argument(
        "--examples",
        type=int,
        default=20,
        metavar="N",
        help=_("generated examples per property (default 20; 0 skips the properties)"),
    )
    testing.set_defaults(handler=_test)
    _new_parser(commands)
    _rulesets_option(serving := _serve_cli.add_serve_parser(commands))
    serving.set_defaults(handler=lambda args: _serve_cli.run(args, _engine))
    template = _template_cli.add_template_parser(commands)
    _rulesets_option(template)
    template.set_defaults(handler=lambda args: _template_cli.template(args, _engine(args)))
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
            raise EmulationError(
                Message("{option} expects NAME=VALUE, got {item}", option=option, item=repr(item))
            )
        values[name.strip()] = value.strip()
    return values


# -- subcommands -------------------------------------------------------------------------------


def _check(args: argparse.Namespace) -> int:
    engine = assemble(ruleset_paths=args.paths, installed="ignore") if args.paths else _engine(args)
    rulesets = engine.rulesets
    for warning in engine.warnings:
        warn(warning)
    awards = sum(len(r.awards) for r in rulesets)
    rules = sum(len(a.rules) for r in rulesets for a in r.awards.values())
    counts = (
        ngettext("{n} ruleset", "{n} rulesets", len(rulesets)).format(n=len(rulesets)),
        ngettext("{n} award", "{n} awards", awards).format(n=awards),
        ngettext("{n} rule", "{n} rules", rules).format(n=rules),
    )
    print(_("ok: {counts}").format(counts=", ".join(counts)))
    return EXIT_OK


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
        warn(warning)
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


def _report(args: argparse.Namespace) -> int:
    _write(args, _report_cli.report_html(args, _engine(args), _parameters(args)))
    return EXIT_OK


def _replay(args: argparse.Namespace) -> int:
    engine = _engine(args)
    population = engine.read_population(args.data)
    result = engine.replay(args.decisions, population, parameters=_parameters(args))
    sys.stdout.write(result.report(interface_language()))
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
        raise EmulationError(
            Message("no installed plugin contributes rulesets; name a ruleset folder")
        )
    if args.examples > 0 and importlib.util.find_spec("hypothesis") is None:
        raise EmulationError(
            Message(
                "the properties need Hypothesis: install the test extra "
                "(pip install 'emulation[test]'), or run the case files alone with --examples 0"
            )
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
