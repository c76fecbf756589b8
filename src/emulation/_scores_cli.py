"""The score-sheet side of the command line: ``emulation scores``.

Every subject's sheet — total, band, points per item — as a compact table (one row per
subject, the items as columns when they fit), item by item (``--detail``), JSON (the
:meth:`~emulation.results.scores.ScoreResult.to_dict` objects) or CSV (one row per subject and
sheet, a column per item). :mod:`emulation.cli` adds the shared options.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from emulation._i18n_cli import add_lang_option
from emulation._standings_cli import FORMATS, aligned
from emulation.engine import Engine
from emulation.errors import EmulationError, suggest
from emulation.i18n import C_, Message, translator, words
from emulation.i18n import gettext as _
from emulation.messages import points
from emulation.period import Period
from emulation.results.evaluation import Evaluation
from emulation.results.scores import ScoreResult, explain_sheet
from emulation.results.text import show
from emulation.rules.scores import ScoreSheet
from emulation.types import Language

#: The first columns of :func:`render_scores` in CSV; a column per item follows (named by
#: the item id, in the order of the sheets and their items), then :data:`CSV_TAIL`.
CSV_HEAD = (
    "subject",
    "name",
    "score",
    "period",
    "total",
    "band",
    "points_band",
    "next_band",
    "short",
    "bonus",
    "deduction",
)
#: The last columns of :func:`render_scores` in CSV.
CSV_TAIL = ("reason_codes", "reasons", "ruleset", "version")

#: The compact table shows the items as columns up to this many; more: ``--detail``.
MAX_ITEM_COLUMNS = 12


def add_scores_parser(commands: Any) -> argparse.ArgumentParser:
    """The ``scores`` subcommand's parser, without the shared options."""
    parser: argparse.ArgumentParser = commands.add_parser(
        "scores", help=_("every subject's score sheet: total, band and the points of each item")
    )
    parser.add_argument(
        "data", type=Path, help=_("a population: JSON file or folder of CSV or Parquet tables")
    )
    parser.add_argument("--period", required=True, help=_("2024 (calendar year) or 2023-2024"))
    parser.add_argument(
        "--score",
        action="append",
        dest="scores",
        metavar="ID",
        help=_("only this sheet (repeatable)"),
    )
    parser.add_argument(
        "--subject",
        action="append",
        dest="subjects",
        metavar="ID",
        help=_("only this subject (repeatable)"),
    )
    parser.add_argument("--format", choices=FORMATS, default="table")
    parser.add_argument(
        "--detail", action="store_true", help=_("table: every sheet item by item, with its reasons")
    )
    add_lang_option(parser)
    return parser


def scores_text(args: argparse.Namespace, engine: Engine, parameters: Mapping[str, str]) -> str:
    """What ``emulation scores`` writes."""
    period = Period.parse(args.period)
    in_force = {s.id: s for r in engine.rulesets_for(period) for s in r.scores.values()}
    if not in_force:
        raise EmulationError(
            Message("no ruleset in force for {period} defines a score sheet", period=period)
        )
    for name in args.scores or ():
        if name not in in_force:
            raise EmulationError(
                Message(
                    'unknown score sheet "{name}" for {period}{suggestion}; sheets in force: {known}',
                    name=name,
                    period=period,
                    suggestion=suggest(name, in_force),
                    known=", ".join(sorted(in_force)),
                )
            )
    population = engine.read_population(args.data)
    named = sorted(set(args.scores or in_force))
    evaluation = engine.evaluate(
        population, period, [], parameters=parameters, kpis=[], scores=named, as_of=args.as_of
    )
    results = [r for name in named for r in evaluation.score_results(args.subjects, name)]
    if args.subjects:
        scored = {r.subject for r in results}
        for subject in args.subjects:
            if subject not in scored:
                candidates = evaluation.scores().get_column("subject").unique().to_list()
                raise EmulationError(
                    Message(
                        'no score sheet of subject "{subject}" in {period}{suggestion}: the '
                        "subject must be a candidate of the kind the sheets score ({kinds})",
                        subject=subject,
                        period=period,
                        suggestion=suggest(subject, candidates),
                        kinds=", ".join(sorted({in_force[n].subject for n in named})),
                    )
                )
    results.sort(key=lambda r: (r.score, r.subject))
    return render_scores(evaluation, results, args.format, args.lang, detail=args.detail)


def render_scores(
    evaluation: Evaluation,
    results: Sequence[ScoreResult],
    format: str,
    lang: Language,
    *,
    detail: bool = False,
) -> str:
    """``results`` as ``table`` (``detail``: item by item), ``json`` or ``csv``."""
    sheets = {sheet.id: sheet for sheet, _ in evaluation.sheets}
    names = dict(evaluation.population.subjects.select("id", "name").iter_rows())
    if format == "json":
        document: dict[str, Any] = {
            "period": str(evaluation.period),
            "engine_version": evaluation.engine_version,
            "lang": lang,
            "scores": [result.to_dict(lang) for result in results],
        }
        if evaluation.as_of is not None:
            document["as_of"] = evaluation.as_of.isoformat()
        return json.dumps(document, ensure_ascii=False, indent=2, sort_keys=True) + "\n"
    if format == "csv":
        return _csv(results, sheets, names, lang)
    if format == "table":
        say = words(lang, "scores", _WORDS)
        lines = [say["period"] + f": {evaluation.period}"]
        if detail:
            for result in results:
                name = names.get(result.subject)
                lines += ["", f"{result.subject}" + (f" ({name})" if name else "")]
                lines.append(explain_sheet(result, lang).rstrip("\n"))
        else:
            for sheet in sheets.values():
                mine = [r for r in results if r.score == sheet.id]
                if mine:
                    lines += ["", *_compact(sheet, mine, names, lang)]
        if not results:
            lines += ["", say["none"]]
        return "\n".join(lines) + "\n"
    raise ValueError(f"unknown scores format {format!r}")


#: The words of the scores table (msgctxt "scores").
_WORDS = {
    "period": C_("scores", "Period"),
    "none": C_("scores", "(no score sheet)"),
    "subject": C_("scores", "Subject"),
    "name": C_("scores", "Name"),
    "bonus": C_("scores", "Bonus"),
    "deduction": C_("scores", "Deduction"),
    "total": C_("scores", "Total"),
    "band": C_("scores", "Band"),
    "note": C_("scores", "Note"),
    "sheet": C_("scores", "Score sheet"),
    "basis": C_("scores", "basis"),
}


def _number(value: Any, lang: Language) -> str:
    text = show(value)
    return points(text, lang)


def _compact(
    sheet: ScoreSheet,
    results: Sequence[ScoreResult],
    names: Mapping[str, str | None],
    lang: Language,
) -> list[str]:
    """One sheet: a row per subject with the item points (when they fit), bonus, deduction,
    total, band and the points short of the next band."""
    say = words(lang, "scores", _WORDS)
    items = [item.id for item in sheet.items] if len(sheet.items) <= MAX_ITEM_COLUMNS else []
    adjust = [name for name in ("bonus", "deduction") if getattr(sheet, name) is not None]
    headers = (
        say["subject"],
        say["name"],
        *items,
        *(say[a] for a in adjust),
        say["total"],
        say["band"],
        say["note"],
    )
    rows = []
    for result in results:
        cells = [result.subject, names.get(result.subject) or ""]
        cells += [_number(result.item(item).points, lang) for item in items]
        cells += [_number(getattr(result, a).points, lang) for a in adjust]
        cells += [_number(result.total, lang), result.band or "∅", _note(result, lang)]
        rows.append(tuple(cells))
    lines = [
        f"{say['sheet']}: {sheet.label.get(lang)} ({sheet.id}); "
        f"{say['basis']}: {sheet.basis} ({sheet.certainty})",
        *aligned(headers, rows),
    ]
    if not items:
        count = len(sheet.items)
        lines.append(
            translator(lang)
            .npgettext(
                "scores",
                "({count} item; see it with --detail)",
                "({count} items; see them with --detail)",
                count,
            )
            .format(count=count)
        )
    return lines


def _note(result: ScoreResult, lang: Language) -> str:
    """What held the band down or how far the next band is, from the sheet's reasons."""
    shown = [
        reason.render(lang)
        for reason in result.reasons
        if reason.code != "score_total" and reason.code != "score_capped"
    ]
    return "; ".join(shown)


def _csv(
    results: Sequence[ScoreResult],
    sheets: Mapping[str, ScoreSheet],
    names: Mapping[str, str | None],
    lang: Language,
) -> str:
    items: list[str] = []
    for sheet in sheets.values():
        items += [item.id for item in sheet.items if item.id not in items]
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow([*CSV_HEAD, *items, *CSV_TAIL])

    def text(value: Any) -> str:
        return "" if value is None else show(value)

    for result in results:
        points = {item.id: text(item.points) for item in result.items}
        writer.writerow(
            [
                result.subject,
                names.get(result.subject) or "",
                result.score,
                result.period,
                text(result.total),
                result.band or "",
                result.points_band or "",
                result.next_band or "",
                text(result.short),
                "" if result.bonus is None else text(result.bonus.points),
                "" if result.deduction is None else text(result.deduction.points),
                *(points.get(item, "") for item in items),
                ";".join(reason.code for reason in result.reasons),
                " | ".join(reason.render(lang) for reason in result.reasons),
                result.ruleset.id,
                result.ruleset.version,
            ]
        )
    return buffer.getvalue()
