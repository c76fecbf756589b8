"""Built-in plugin: render an evaluation as a text table, JSON or CSV."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

from emulation.hookspecs import hookimpl
from emulation.messages import outcome_label
from emulation.results.decision import Decision
from emulation.results.evaluation import Evaluation
from emulation.results.text import show
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
        return render_table(evaluation, lang)
    return None


def render_json(evaluation: Evaluation, lang: Language) -> str:
    """``{"period", "engine_version", "lang", "decisions": [...], "set_aside": [...]}``, keys
    sorted, UTF-8. ``set_aside`` lists subjects whose records contradict each other; when
    score sheets were computed, ``scores`` lists every subject's sheet."""
    document: dict[str, Any] = {
        "period": str(evaluation.period),
        "engine_version": evaluation.engine_version,
        "lang": lang,
        "decisions": [decision.to_dict(lang) for decision in evaluation.decisions()],
        "set_aside": [item.to_dict(lang) for item in evaluation.population.set_aside],
    }
    if evaluation.sheets:
        document["scores"] = [result.to_dict(lang) for result in evaluation.score_results()]
    return json.dumps(document, ensure_ascii=False, indent=2, sort_keys=True) + "\n"


def render_csv(evaluation: Evaluation, lang: Language) -> str:
    """One row per decision: ids, outcome, reason codes and rendered reasons; then one row per
    subject set aside (outcome ``set_aside``, no award). When score sheets were computed, two
    more columns, ``score`` and ``band``, give the total and band of the sheet the award reads
    (``ID=value`` joined by ``;`` when it reads several)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    scored = bool(evaluation.sheets)
    writer.writerow(
        ["subject", "award", "period", "outcome", "reason_codes", "reasons", "ruleset", "version"]
        + (["score", "band"] if scored else [])
    )
    for decision in evaluation.decisions():
        writer.writerow(
            [
                decision.subject,
                decision.award,
                decision.period,
                decision.outcome,
                ";".join(reason.code for reason in decision.reasons),
                " | ".join(reason.render(lang) for reason in decision.reasons),
                decision.ruleset.id,
                decision.ruleset.version,
            ]
            + _sheet_cells(decision) * scored
        )
    for item in evaluation.population.set_aside:
        data = item.to_dict(lang)
        writer.writerow(
            [
                item.subject,
                "",
                str(evaluation.period),
                "set_aside",
                item.code,
                data["message"],
                "",
                "",
            ]
            + ["", ""] * scored
        )
    return buffer.getvalue()


def _sheet_cells(decision: Decision) -> list[str]:
    """The ``score`` and ``band`` cells of a decision: the sheet's total and band, or
    ``ID=value`` joined by ``;`` for several sheets; empty when it reads none."""
    sheets = [sheet.to_dict("en") for sheet in decision.scores]
    if len(sheets) == 1:
        return [sheets[0]["total"] or "", sheets[0]["band"] or ""]
    return [";".join(f"{s['score']}={s[key] or ''}" for s in sheets) for key in ("total", "band")]


def render_table(evaluation: Evaluation, lang: Language) -> str:
    """A plain-text table for people: subject, name, award, outcome and the deciding reasons."""
    headers = (
        ("Mã", "Họ tên / đơn vị", "Danh hiệu / hình thức", "Kết quả", "Lý do")
        if lang == "vi"
        else ("Subject", "Name", "Award", "Outcome", "Reasons")
    )
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
    widths = [max(len(str(row[i])) for row in [headers, *rows]) for i in range(fixed)]

    def line(cells: tuple[str, ...]) -> str:
        padded = [c.ljust(w) for c, w in zip(cells[:fixed], widths, strict=True)]
        return "  ".join([*padded, cells[fixed]])

    lines = [
        ("Kỳ đánh giá" if lang == "vi" else "Period") + f": {evaluation.period}",
        line(headers),
        line((*tuple("-" * w for w in widths), "-" * len(headers[fixed]))),
        *(line(row) for row in rows),
    ]
    counts: dict[str, int] = {}
    for row in rows:
        counts[row[3]] = counts.get(row[3], 0) + 1
    lines.append("")
    lines.append(", ".join(f"{label}: {count}" for label, count in sorted(counts.items())))
    results = evaluation.score_results() if evaluation.sheets else ()
    if results:
        lines.append("")
        lines.append("Bảng điểm:" if lang == "vi" else "Score sheets:")
        for result in results:
            total = "∅" if result.total is None else show(result.total)
            band = "∅" if result.band_label is None else result.band_label.get(lang)
            lines.append(f"  {result.subject}  {result.score}  {total}  {band}")
    if evaluation.population.set_aside:
        lines.append("")
        lines.append("Để riêng, không xét:" if lang == "vi" else "Set aside, not decided:")
        for item in evaluation.population.set_aside:
            data = item.to_dict(lang)
            lines.append(f"  {item.subject}: {data['message']} [{'; '.join(item.rows)}]")
    return "\n".join(lines) + "\n"
