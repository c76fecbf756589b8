"""Built-in plugin: render an evaluation as a text table, JSON or CSV."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from emulation.hookspecs import hookimpl
from emulation.i18n import C_, words
from emulation.messages import outcome_label, percent
from emulation.results import columns
from emulation.results.evaluation import Evaluation
from emulation.results.kpi import KPI_OUTCOME_LABELS
from emulation.results.text import show
from emulation.results.view import cells, outcome_counts, pad, render_view, terminal_width
from emulation.types import Language

FORMATS = ("csv", "json", "table")


@hookimpl(trylast=True)
def emulation_report_formats() -> list[str]:
    """``table``, ``json`` and ``csv``."""
    return list(FORMATS)


@hookimpl(trylast=True)
def emulation_render(evaluation: Evaluation, format: str, lang: Language) -> str | None:
    """Render the built-in formats; None for any other."""
    if format == "json":
        return render_json(evaluation, lang)
    if format == "csv":
        return render_csv(evaluation, lang)
    if format == "table":
        return render_view(evaluation, lang, terminal_width())
    return None


def render_json(evaluation: Evaluation, lang: Language) -> str:
    """``{"period", "as_of", "engine_version", "lang", "decisions": [...], "set_aside":
    [...]}``, keys sorted, UTF-8. ``set_aside`` lists subjects whose records contradict each
    other; ``as_of`` is the cut-off the evaluation counted to, when one was given;
    ``decision_date`` the day bonuses were computed on, when one was given; when the
    rulesets in force rank standings, ``standings`` lists every candidate's place; when KPIs
    were evaluated, ``kpis`` lists them by node; when score sheets were computed, ``scores``
    lists every subject's sheet."""
    document: dict[str, Any] = {
        "period": str(evaluation.period),
        "engine_version": evaluation.engine_version,
        "lang": lang,
        "decisions": [decision.to_dict(lang) for decision in evaluation.decisions()],
        "set_aside": [item.to_dict(lang) for item in evaluation.population.set_aside],
    }
    if evaluation.kpi_specs:
        document["kpis"] = [result.to_dict(lang) for result in evaluation.kpi_results()]
    document.update(standings_json(evaluation, lang))
    if evaluation.as_of is not None:
        document["as_of"] = evaluation.as_of.isoformat()
    if evaluation.decision_date is not None:
        document["decision_date"] = evaluation.decision_date.isoformat()
    if evaluation.sheets:
        document["scores"] = [result.to_dict(lang) for result in evaluation.score_results()]
    return json.dumps(document, ensure_ascii=False, indent=2, sort_keys=True) + "\n"


def render_csv(evaluation: Evaluation, lang: Language) -> str:
    """One row per decision (the columns of :mod:`emulation.results.columns`: ids, the
    subject's name, the award's label, outcome, rank, cap, bonus, reason codes and rendered
    reasons, ruleset and version); then one row per subject set aside (outcome
    ``set_aside``, no award). When score sheets were computed, two more columns, ``score``
    and ``band``, give the total and band of the sheet the award reads (``ID=value`` joined by
    ``;`` when it reads several). When an award evaluated has paths, one more column,
    ``path``, gives the path used (empty when none holds)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    scored = bool(evaluation.sheets)
    routed = any(award.paths for award, _ in evaluation.awards)
    writer.writerow(columns.header(scored=scored, routed=routed))
    names = subject_names(evaluation)
    for decision in evaluation.decisions():
        values = columns.decision_values(
            decision, lang, names.get(decision.subject), scored=scored, routed=routed
        )
        writer.writerow(columns.csv_cells(values))
    period = str(evaluation.period)
    for item in evaluation.population.set_aside:
        message = str(item.to_dict(lang)["message"])
        values = columns.set_aside_values(
            item.subject,
            names.get(item.subject),
            period,
            item.code,
            message,
            scored=scored,
            routed=routed,
        )
        writer.writerow(columns.csv_cells(values))
    return buffer.getvalue()


def subject_names(evaluation: Evaluation) -> dict[str, str | None]:
    """Every subject's name by id (None for a subject without one)."""
    return dict(evaluation.population.subjects.select("id", "name").iter_rows())


#: The words of the plain-text tables (msgctxt "report").
_WORDS = {
    "subject": C_("report", "Subject"),
    "name": C_("report", "Name"),
    "award": C_("report", "Award"),
    "outcome": C_("report", "Outcome"),
    "reasons": C_("report", "Reasons"),
    "no_node": C_("report", "(no node at levels {levels})"),
    "own_target": C_("report", "the node's own target"),
    "kpi": C_("report", "KPI"),
    "basis": C_("report", "basis"),
    "period": C_("report", "Period"),
    "score_sheets": C_("report", "Score sheets:"),
    "set_aside": C_("report", "Set aside, not decided:"),
    "group": C_("report", "Group"),
}

#: The headers of the KPI table (msgctxt "kpi table").
_KPI_HEADERS = {
    "node": C_("kpi table", "Node"),
    "name": C_("kpi table", "Name"),
    "level": C_("kpi table", "Level"),
    "share": C_("kpi table", "Share"),
    "target": C_("kpi table", "Target"),
    "outcome": C_("kpi table", "Outcome"),
    "reasons": C_("kpi table", "Reasons"),
}


def render_table(evaluation: Evaluation, lang: Language) -> str:
    """The full plain-text table (``evaluate --detail``): subject, name, award, outcome and the
    deciding reasons (for an award with paths, the paths that held, the path used first),
    columns measured in terminal cells; the counts by outcome, granted first."""
    say = words(lang, "report", _WORDS)
    headers = (say["subject"], say["name"], say["award"], say["outcome"], say["reasons"])
    names = dict(evaluation.population.subjects.select("id", "name").iter_rows())
    rows = []
    for decision in evaluation.decisions():
        reasons = [r for r in decision.reasons if r.code != "criterion_met"] or list(
            decision.reasons
        )
        rows.append(
            (
                decision.subject,
                names.get(decision.subject) or "",
                decision.award_label.get(lang),
                outcome_label(decision.outcome, lang),
                "; ".join(reason.render(lang) for reason in reasons),
            )
        )
    fixed = len(headers) - 1
    widths = [max(cells(str(row[i])) for row in [headers, *rows]) for i in range(fixed)]

    def line(row: tuple[str, ...]) -> str:
        padded = [pad(c, w) for c, w in zip(row[:fixed], widths, strict=True)]
        return "  ".join([*padded, row[fixed]])

    lines = [
        say["period"] + f": {evaluation.period}",
        line(headers),
        line((*tuple("-" * w for w in widths), "-" * cells(headers[fixed]))),
        *(line(row) for row in rows),
    ]
    lines.append("")
    counts = outcome_counts(evaluation.decisions())
    lines.append(", ".join(f"{outcome_label(o, lang)}: {count}" for o, count in counts))
    results = evaluation.score_results() if evaluation.sheets else ()
    if results:
        lines.append("")
        lines.append(say["score_sheets"])
        for result in results:
            total = "∅" if result.total is None else show(result.total)
            band = "∅" if result.band_label is None else result.band_label.get(lang)
            lines.append(f"  {result.subject}  {result.score}  {total}  {band}")
    if evaluation.population.set_aside:
        lines.append("")
        lines.append(say["set_aside"])
        for item in evaluation.population.set_aside:
            data = item.to_dict(lang)
            lines.append(f"  {item.subject}: {data['message']} [{'; '.join(item.rows)}]")
    lines.extend(standings_table_lines(evaluation, lang))
    if evaluation.kpi_specs:
        lines += ["", *kpi_table_lines(evaluation, lang)]
    return "\n".join(lines) + "\n"


# -- KPIs over the organisation tree --------------------------------------------------------------

#: The columns of a KPI CSV, one row per KPI and node.
KPI_CSV_COLUMNS = (
    "kpi",
    "node",
    "level",
    "period",
    "numerator",
    "denominator",
    "unknown",
    "value",
    "target",
    "target_source",
    "outcome",
    "needed",
    "reason_codes",
    "reasons",
    "ruleset",
    "version",
)


def render_kpis(evaluation: Evaluation, format: str, lang: Language) -> str:
    """The KPI results alone, as ``emulation kpis`` writes them: ``table``, ``json`` (``{"period",
    "engine_version", "lang", "kpis": [...]}``) or ``csv`` (:data:`KPI_CSV_COLUMNS`)."""
    results = evaluation.kpi_results()
    if format == "json":
        document = {
            "period": str(evaluation.period),
            "engine_version": evaluation.engine_version,
            "lang": lang,
            "kpis": [result.to_dict(lang) for result in results],
        }
        return json.dumps(document, ensure_ascii=False, indent=2, sort_keys=True) + "\n"
    if format == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(KPI_CSV_COLUMNS)
        for result in results:
            data = result.to_dict(lang)
            writer.writerow(
                [
                    *("" if data[key] is None else data[key] for key in KPI_CSV_COLUMNS[:12]),
                    ";".join(reason.code for reason in result.reasons),
                    " | ".join(reason.render(lang) for reason in result.reasons),
                    result.ruleset,
                    result.version,
                ]
            )
        return buffer.getvalue()
    if format == "table":
        period = words(lang, "report", _WORDS)["period"] + f": {evaluation.period}"
        return "\n".join([period, "", *kpi_table_lines(evaluation, lang)]) + "\n"
    raise ValueError(f"unknown KPI format {format!r}")


def kpi_table_lines(evaluation: Evaluation, lang: Language) -> list[str]:
    """A text table per KPI: node, name, level, counts and share, target, outcome, reasons."""
    say = words(lang, "report", _WORDS)
    headers = tuple(words(lang, "kpi table", _KPI_HEADERS).values())
    lines: list[str] = []
    for kpi, _ in evaluation.kpi_specs:
        results = evaluation.kpi_results(kpi.id)
        lines.append(
            f"{say['kpi']}: {kpi.label.get(lang)} ({kpi.id}); "
            f"{say['basis']}: {kpi.basis} ({kpi.certainty})"
        )
        rows = [
            (
                result.node,
                result.node_name or "",
                result.level_label.get(lang) if result.level_label else result.level,
                _share(result.value, lang) + f" ({result.numerator}/{result.denominator})",
                _share(result.target, lang) + ("*" if result.target_source == "override" else ""),
                KPI_OUTCOME_LABELS[result.outcome].get(lang),
                "; ".join(reason.render(lang) for reason in result.reasons),
            )
            for result in results
        ]
        lines += _aligned(headers, rows)
        if not rows:
            at = ", ".join(kpi.at_levels)
            lines.append(say["no_node"].format(levels=at))
        if any(result.target_source == "override" for result in results):
            lines.append("* " + say["own_target"])
        lines.append("")
    return lines[:-1]


def _share(value: Decimal | None, lang: Language) -> str:
    return "∅" if value is None else percent(str(value), lang)


def _aligned(headers: tuple[str, ...], rows: Sequence[tuple[str, ...]]) -> list[str]:
    """Rows under their headers, every column but the last padded to its width."""
    fixed = len(headers) - 1
    widths = [max(cells(str(row[i])) for row in [headers, *rows]) for i in range(fixed)]

    def line(row: tuple[str, ...]) -> str:
        padded = [pad(c, w) for c, w in zip(row[:fixed], widths, strict=True)]
        return "  ".join([*padded, row[fixed]])

    return [
        line(headers),
        line((*tuple("-" * w for w in widths), "-" * cells(headers[fixed]))),
        *(line(row) for row in rows),
    ]


# -- standings ----------------------------------------------------------------------------


def standings_json(evaluation: Evaluation, lang: Language) -> dict[str, Any]:
    """``{"standings": [...]}`` — every candidate's place in every standings — when the
    rulesets in force rank standings; otherwise nothing."""
    if not evaluation.standings_ranked:
        return {}
    return {"standings": [item.to_dict(lang) for item in evaluation.standings_of()]}


#: The header of :func:`render_standings_csv`.
STANDINGS_CSV_HEADER = (
    "standings",
    "subject",
    "name",
    "period",
    "group",
    "rank",
    "tied_with",
    "group_size",
    "label",
)


def render_standings_csv(evaluation: Evaluation, lang: Language) -> str:
    """One row per standings and candidate, in the order of :meth:`Evaluation.standings`:
    ids, name, group, rank, the ids tied with (joined with ``;``), the group size and the
    standings' label in ``lang``."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(STANDINGS_CSV_HEADER)
    names = dict(evaluation.population.subjects.select("id", "name").iter_rows())
    for item in evaluation.standings_of():
        writer.writerow(
            [
                item.standings,
                item.subject,
                names.get(item.subject) or "",
                item.period,
                item.group or "",
                item.rank,
                ";".join(item.tied_with),
                item.group_size,
                item.label.get(lang),
            ]
        )
    return buffer.getvalue()


def standings_table_lines(evaluation: Evaluation, lang: Language) -> list[str]:
    """The standings as text for people, one block per standings and group: rank, id, name
    and "= id" for the subjects it is tied with; nothing when no standings are ranked."""
    if not evaluation.standings_ranked:
        return []
    names = dict(evaluation.population.subjects.select("id", "name").iter_rows())
    say = words(lang, "report", _WORDS)
    lines: list[str] = []
    block: tuple[str, str | None] | None = None
    for item in evaluation.standings_of():
        if (item.standings, item.group) != block:
            block = (item.standings, item.group)
            group = item.group or "—"
            head = say["group"]
            lines += ["", f"{item.label.get(lang)} — {head} {group} ({item.group_size})"]
        tied = f"  = {', '.join(item.tied_with)}" if item.tied_with else ""
        lines.append(f"  {item.rank:>4}  {item.subject}  {names.get(item.subject) or ''}{tied}")
    return lines
