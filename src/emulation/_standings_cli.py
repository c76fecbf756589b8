"""The standings side of the command line: ``emulation standings``.

Every candidate's place in each ``[standings.<id>]`` of the rulesets in force, one block per
standings and group (unit or cluster), with the subjects each is tied with and — when the
ranking keys read a score sheet — the total and band of that sheet. :mod:`emulation.cli` adds
the options every subcommand shares (``--rulesets``, ``--set``, ``-o``, ``--as-of``) and calls
:func:`standings_text` with the engine it built.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
from collections.abc import Mapping, Sequence
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import polars as pl

from emulation._builtins.reporters import STANDINGS_CSV_HEADER
from emulation._i18n_cli import add_lang_option
from emulation.engine import Engine
from emulation.errors import EmulationError, suggest
from emulation.i18n import C_, Message, format_decimal, words
from emulation.i18n import gettext as _
from emulation.messages import points
from emulation.period import Period
from emulation.results.evaluation import Evaluation
from emulation.results.standing import Standing, fact_values, key_fact, standings_of
from emulation.results.text import show
from emulation.rules.model import Ruleset, Standings
from emulation.rules.scores import reads
from emulation.types import Language

#: The formats ``emulation standings`` and ``emulation scores`` write.
FORMATS = ("table", "json", "csv", "parquet", "xlsx")

#: The columns :func:`render_standings` adds to :data:`STANDINGS_CSV_HEADER` in CSV: the
#: sheet the ranking keys read, its total and its band (empty when they read none).
SHEET_COLUMNS = ("score", "total", "band")


def add_standings_parser(commands: Any) -> argparse.ArgumentParser:
    """The ``standings`` subcommand's parser, without the shared options."""
    parser: argparse.ArgumentParser = commands.add_parser(
        "standings",
        help=_("every candidate's place in its unit or cluster, ties named"),
    )
    parser.add_argument(
        "data",
        type=Path,
        help=_("a population: JSON file, Excel workbook or folder of CSV or Parquet tables"),
    )
    parser.add_argument("--period", required=True, help=_("2024 (calendar year) or 2023-2024"))
    parser.add_argument(
        "--standings",
        action="append",
        dest="standings",
        metavar="ID",
        help=_("only these standings (repeatable)"),
    )
    parser.add_argument(
        "--group",
        action="append",
        dest="groups",
        metavar="ID",
        help=_("only this unit or cluster (repeatable)"),
    )
    parser.add_argument("--format", choices=FORMATS, default="table")
    add_lang_option(parser)
    return parser


def standings_text(args: argparse.Namespace, engine: Engine, parameters: Mapping[str, str]) -> str:
    """What ``emulation standings`` writes."""
    period = Period.parse(args.period)
    in_force = {
        s.id: s for ruleset in engine.rulesets_for(period) for s in ruleset.standings.values()
    }
    if not in_force:
        raise EmulationError(
            Message("no ruleset in force for {period} defines standings", period=period)
        )
    for name in args.standings or ():
        if name not in in_force:
            raise EmulationError(
                Message(
                    'unknown standings "{name}" for {period}{suggestion}; standings in force: '
                    "{known}",
                    name=name,
                    period=period,
                    suggestion=suggest(name, in_force),
                    known=", ".join(sorted(in_force)),
                )
            )
    # only what the ranking keys read is decided first: the awards (granted("x")) and the
    # sheets (score("s"), band("s")), with everything those read in turn
    awards, sheets = reads(key.node for item in in_force.values() for key in item.rank)
    available = {a for ruleset in engine.rulesets_for(period) for a in ruleset.awards}
    population = engine.read_population(args.data)
    evaluation = engine.evaluate(
        population,
        period,
        sorted(awards & available),
        parameters=parameters,
        kpis=[],
        scores=sorted(sheets),
        as_of=args.as_of,
    )
    frame = evaluation.standings()
    if args.standings:
        frame = frame.filter(pl.col("standings").is_in(args.standings))
    if args.groups:
        groups = sorted({g for g in frame.get_column("group").to_list() if g is not None})
        for name in args.groups:
            if name not in groups:
                raise EmulationError(
                    Message(
                        'no group "{name}" in the standings{suggestion}; groups ranked: {known}',
                        name=name,
                        suggestion=suggest(name, groups),
                        known=", ".join(groups) or Message("(none)"),
                    )
                )
        frame = frame.filter(pl.col("group").is_in(args.groups))
    places = standings_of(frame, evaluation.standings_ranked)
    return render_standings(evaluation, places, args.format, args.lang)


def sheet_of(standings: Standings) -> str | None:
    """The score sheet the ranking keys of ``standings`` read, the first key's first; None
    when they read none."""
    for key in standings.rank:
        found = sorted(reads([key.node])[1])
        if found:
            return found[0]
    return None


def _sheet_values(evaluation: Evaluation) -> dict[tuple[str, str], tuple[str, str]]:
    """``(subject, sheet) → (total, band)`` as text (empty when unknown)."""
    scores = evaluation.scores()
    return {
        (subject, score): ("" if total is None else show(total), band or "")
        for subject, score, total, band in scores.select(
            "subject", "score", "total", "band"
        ).iter_rows()
    }


def render_standings(
    evaluation: Evaluation, places: Sequence[Standing], format: str, lang: Language
) -> str:
    """``places`` as ``table``, ``json`` or ``csv``."""
    specs: dict[str, tuple[Standings, Ruleset]] = {
        item.id: (item, ruleset) for item, ruleset in evaluation.standings_ranked
    }
    sheets = {name: sheet_of(item) for name, (item, _) in specs.items()}
    values = _sheet_values(evaluation) if any(sheets.values()) else {}
    names = dict(evaluation.population.subjects.select("id", "name").iter_rows())

    def sheet_cells(place: Standing) -> tuple[str, str, str]:
        sheet = sheets[place.standings]
        if sheet is None:
            return "", "", ""
        total, band = values.get((place.subject, sheet), ("", ""))
        return sheet, total, band

    if format == "json":
        document: dict[str, Any] = {
            "period": str(evaluation.period),
            "engine_version": evaluation.engine_version,
            "lang": lang,
            "standings": [
                {
                    **place.to_dict(lang),
                    "name": names.get(place.subject),
                    **{
                        key: value or None
                        for key, value in zip(SHEET_COLUMNS, sheet_cells(place), strict=True)
                    },
                }
                for place in places
            ],
        }
        if evaluation.as_of is not None:
            document["as_of"] = evaluation.as_of.isoformat()
        return json.dumps(document, ensure_ascii=False, indent=2, sort_keys=True) + "\n"
    if format == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow([*STANDINGS_CSV_HEADER, *SHEET_COLUMNS])
        for place in places:
            writer.writerow(
                [
                    place.standings,
                    place.subject,
                    names.get(place.subject) or "",
                    place.period,
                    place.group or "",
                    place.rank,
                    ";".join(place.tied_with),
                    place.group_size,
                    place.label.get(lang),
                    *sheet_cells(place),
                ]
            )
        return buffer.getvalue()
    if format == "table":
        return _table(evaluation, places, specs, sheet_cells, names, lang)
    raise ValueError(f"unknown standings format {format!r}")


def _number(value: Any, lang: Language) -> str:
    """A fact's value for a reader: digits grouped (``19.000.000.000`` in Vietnamese,
    ``19,000,000,000`` in English), ``∅`` when unknown."""
    if value is None:
        return "∅"
    if isinstance(value, (str, float)):  # facts arrive as the input wrote them
        try:
            value = Decimal(str(value))
        except InvalidOperation:
            return str(value)
    if isinstance(value, bool) or not isinstance(value, (int, Decimal)):
        return str(value)
    if isinstance(value, Decimal) and value == value.to_integral_value():
        value = int(value)
    return format_decimal(value.normalize() if isinstance(value, Decimal) else value, lang)


#: The words of the standings table (msgctxt "standings").
_WORDS = {
    "period": C_("standings", "Period"),
    "as_of": C_("standings", "as of"),
    "group": C_("standings", "Group"),
    "basis": C_("standings", "basis"),
    "rank": C_("standings", "Rank"),
    "subject": C_("standings", "Subject"),
    "name": C_("standings", "Name"),
    "score": C_("standings", "Score"),
    "band": C_("standings", "Band"),
    "tied_with": C_("standings", "Tied with"),
    "nobody": C_("standings", "(nobody is ranked)"),
    "tied": C_("standings", "= tied: the order is for the competent authority to decide"),
}


def _table(
    evaluation: Evaluation,
    places: Sequence[Standing],
    specs: Mapping[str, tuple[Standings, Ruleset]],
    sheet_cells: Any,
    names: Mapping[str, str | None],
    lang: Language,
) -> str:
    """One block per standings and group: rank (``=`` when shared), id, name, total and
    band when the keys read a sheet (or the value of the fact that is the first key), and the
    subjects tied with."""
    say = words(lang, "standings", _WORDS)
    lines = [say["period"] + f": {evaluation.period}"]
    if evaluation.as_of is not None:
        lines[0] += f" ({say['as_of']} {evaluation.as_of.isoformat()})"
    blocks: dict[tuple[str, str | None], list[Standing]] = {}
    for place in places:
        blocks.setdefault((place.standings, place.group), []).append(place)
    for (name, group), members in blocks.items():
        item, ruleset = specs[name]
        scored = sheet_of(item) is not None
        fact = None if scored else key_fact(item, ruleset)
        shown_values = (
            fact_values(evaluation.population.facts, str(evaluation.period), fact) if fact else {}
        )
        head = say["group"]
        lines += [
            "",
            f"{item.label.get(lang)} ({item.id}) — {head} {group or '—'} "
            f"({members[0].group_size}); {say['basis']}: {item.basis} "
            f"({item.certainty}; {ruleset.id} {ruleset.version})",
        ]
        headers: tuple[str, ...] = (say["rank"], say["subject"], say["name"])
        if scored:
            headers += (say["score"], say["band"])
        if fact:
            headers += (ruleset.facts[fact].label.get(lang),)
        headers += (say["tied_with"],)
        rows = []
        for place in members:
            cells: tuple[str, ...] = (
                f"{place.rank}{'=' if place.tied_with else ''}",
                place.subject,
                names.get(place.subject) or "",
            )
            if scored:
                _, total, band = sheet_cells(place)
                total = total or "∅"
                cells += (points(total, lang), band or "∅")
            if fact:
                cells += (_number(shown_values.get(place.subject), lang),)
            rows.append((*cells, ", ".join(place.tied_with)))
        lines += aligned(headers, rows)
    if not places:
        lines += ["", say["nobody"]]
    if any(place.tied_with for place in places):
        lines += ["", say["tied"]]
    return "\n".join(lines) + "\n"


def aligned(headers: tuple[str, ...], rows: Sequence[tuple[str, ...]]) -> list[str]:
    """Rows under their headers, every column but the last padded to its width."""
    fixed = len(headers) - 1
    widths = [max(len(str(row[i])) for row in [headers, *rows]) for i in range(fixed)]

    def line(cells: tuple[str, ...]) -> str:
        padded = [c.ljust(w) for c, w in zip(cells[:fixed], widths, strict=True)]
        return "  ".join([*padded, cells[fixed]]).rstrip()

    return [
        line(headers),
        line((*tuple("-" * w for w in widths), "-" * len(headers[fixed]))),
        *(line(row) for row in rows),
    ]
