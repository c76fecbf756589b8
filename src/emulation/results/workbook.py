"""Results as a formatted Excel workbook: ``--format xlsx -o FILE``.

:func:`evaluation_workbook` (``evaluate``) writes a summary sheet — one row per award with its
count of each outcome, the outcomes in the order of the terminal view
(:data:`~emulation.results.view.OUTCOME_ORDER`: granted first, not eligible last) — then the
decisions sheet, one row per decision with the subject's name, the award's label, the outcome in
words and as a code, rank, cap, bonus and the reasons in the chosen language, and, when there are
any, the subjects set aside. :func:`tables_workbook` (``standings``, ``kpis``) writes the rows of
a CSV output as one sheet. Every sheet has labelled headers in Vietnamese (or English), a frozen
header row, a filter on every column and widths that fit; numbers are numbers. The same input
gives the same bytes: the document's creation date is fixed
(:data:`~emulation.data.excel_columns.CREATED`).
"""

from __future__ import annotations

import csv
import io
import re
from collections import Counter
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

from emulation.data.excel_columns import CREATED
from emulation.messages import outcome_label
from emulation.results.decision import Decision
from emulation.results.evaluation import Evaluation
from emulation.results.view import OUTCOME_ORDER
from emulation.types import Language

#: Header words by column id: (Vietnamese, English).
COLUMN_WORDS: dict[str, tuple[str, str]] = {
    "subject": ("Mã", "Subject"),
    "name": ("Họ tên / đơn vị", "Name"),
    "award": ("Mã danh hiệu", "Award id"),
    "award_label": ("Danh hiệu / hình thức", "Award"),
    "period": ("Kỳ đánh giá", "Period"),
    "outcome_label": ("Kết quả", "Outcome"),
    "outcome": ("Mã kết quả", "Outcome code"),
    "rank": ("Hạng", "Rank"),
    "cap": ("Hạn mức", "Cap"),
    "bonus": ("Tiền thưởng", "Bonus"),
    "reasons": ("Lý do", "Reasons"),
    "reason_codes": ("Mã lý do", "Reason codes"),
    "ruleset": ("Bộ quy tắc", "Ruleset"),
    "version": ("Phiên bản", "Version"),
    "score": ("Điểm", "Score"),
    "band": ("Xếp loại", "Band"),
    "path": ("Con đường", "Path"),
    "total": ("Tổng", "Total"),
    "standings": ("Xếp hạng", "Standings"),
    "group": ("Nhóm", "Group"),
    "tied_with": ("Đồng hạng với", "Tied with"),
    "group_size": ("Số trong nhóm", "Group size"),
    "label": ("Tên", "Label"),
    "kpi": ("Chỉ tiêu", "KPI"),
    "node": ("Đơn vị", "Node"),
    "level": ("Cấp", "Level"),
    "numerator": ("Số đạt", "Numerator"),
    "denominator": ("Tổng số", "Denominator"),
    "unknown": ("Chưa rõ", "Unknown"),
    "value": ("Tỷ lệ", "Value"),
    "target": ("Chỉ tiêu giao", "Target"),
    "target_source": ("Nguồn chỉ tiêu", "Target source"),
    "needed": ("Cần thêm", "Needed"),
    "note": ("Lý do", "Reason"),
    "rows": ("Các dòng", "Rows"),
    "kpis": ("Chỉ tiêu", "KPIs"),
    "scores": ("Bảng điểm", "Score sheets"),
}

#: Columns whose cells are numbers.
NUMERIC = frozenset(
    {"rank", "cap", "bonus", "total", "group_size", "numerator", "denominator", "unknown", "score"}
    | {"value", "target", "needed"}
)

#: Sheet names by language.
SHEETS: dict[str, dict[str, str]] = {
    "vi": {"summary": "Tổng hợp", "decisions": "Quyết định", "set_aside": "Để riêng"},
    "en": {"summary": "Summary", "decisions": "Decisions", "set_aside": "Set aside"},
}

_NUMBER = re.compile(r"-?[0-9]+(\.[0-9]+)?")
_WIDEST = 80


def word(column: str, lang: Language) -> str:
    """The header of ``column`` in ``lang`` (the id itself when it has no words)."""
    vi, en = COLUMN_WORDS.get(column, (column, column))
    return vi if lang == "vi" else en


def evaluation_workbook(
    evaluation: Evaluation, lang: Language = "vi", tables: Mapping[str, str] | None = None
) -> bytes:
    """The workbook of an evaluation: summary, decisions, subjects set aside; then one sheet
    per CSV text of ``tables`` (sheet name → CSV with a header row), as
    :func:`tables_workbook` writes them."""
    book, buffer = _book(f"emulation {evaluation.period}")
    decisions = evaluation.decisions()
    names = dict(evaluation.population.subjects.select("id", "name").iter_rows())
    summary_columns = ["award", "award_label", *OUTCOME_ORDER, "total"]
    rows: list[list[Any]] = []
    tally: Counter[tuple[str, str]] = Counter((d.award, d.outcome) for d in decisions)
    for award, _ in evaluation.awards:
        counts = [tally[(award.id, outcome)] for outcome in OUTCOME_ORDER]
        rows.append([award.id, award.label.get(lang), *counts, sum(counts)])
    headers = [
        outcome_label(c, lang) if c in OUTCOME_ORDER else word(c, lang) for c in summary_columns
    ]
    _table(book, SHEETS[lang]["summary"], headers, rows, numeric=set(range(2, len(headers))))
    columns = _decision_columns(evaluation)
    table = [_decision_row(d, names, columns, lang) for d in decisions]
    numeric = {i for i, c in enumerate(columns) if c in NUMERIC}
    wrapped = {columns.index("reasons")}
    _table(
        book,
        SHEETS[lang]["decisions"],
        [word(c, lang) for c in columns],
        table,
        numeric=numeric,
        wrapped=wrapped,
        frozen_columns=2,
    )
    if evaluation.population.set_aside:
        aside = []
        for item in evaluation.population.set_aside:
            data = item.to_dict(lang)
            aside.append(
                [
                    item.subject,
                    names.get(item.subject) or "",
                    item.code,
                    data["message"],
                    "; ".join(item.rows),
                ]
            )
        _table(
            book,
            SHEETS[lang]["set_aside"],
            [word(c, lang) for c in ("subject", "name", "reason_codes", "note", "rows")],
            aside,
            wrapped={3, 4},
        )
    _csv_sheets(book, tables or {}, lang)
    book.close()
    return buffer.getvalue()


def tables_workbook(tables: Mapping[str, str], lang: Language = "vi") -> bytes:
    """A workbook of one sheet per CSV text of ``tables`` (sheet name → CSV with a header row),
    the header in words of ``lang``, number columns as numbers."""
    book, buffer = _book("emulation")
    _csv_sheets(book, tables, lang)
    book.close()
    return buffer.getvalue()


def _csv_sheets(book: Any, tables: Mapping[str, str], lang: Language) -> None:
    for title, text in tables.items():
        reader = csv.reader(io.StringIO(text))
        header = next(reader, [])
        numeric = {i for i, c in enumerate(header) if c in NUMERIC}
        wrapped = {i for i, c in enumerate(header) if c in ("reasons", "tied_with")}
        _table(book, title, [word(c, lang) for c in header], list(reader), numeric, wrapped)


def _book(title: str) -> tuple[Any, io.BytesIO]:
    # lazy: XlsxWriter is loaded only when a workbook is written
    import xlsxwriter

    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    book.set_properties({"title": title, "author": "emulation", "created": CREATED})
    return book, buffer


def _decision_columns(evaluation: Evaluation) -> list[str]:
    columns = ["subject", "name", "award", "award_label", "period", "outcome_label", "outcome"]
    columns += ["rank", "cap", "bonus", "reasons", "reason_codes", "ruleset", "version"]
    if evaluation.sheets:
        columns += ["score", "band"]
    if any(award.paths for award, _ in evaluation.awards):
        columns.append("path")
    return columns


def _decision_row(
    decision: Decision, names: Mapping[str, Any], columns: Sequence[str], lang: Language
) -> list[Any]:
    sheets = [sheet.to_dict("en") for sheet in decision.scores]
    cells: dict[str, Any] = {
        "subject": decision.subject,
        "name": names.get(decision.subject) or "",
        "award": decision.award,
        "award_label": decision.award_label.get(lang),
        "period": decision.period,
        "outcome_label": outcome_label(decision.outcome, lang),
        "outcome": decision.outcome,
        "rank": decision.rank,
        "cap": decision.cap,
        "bonus": decision.bonus,
        "reasons": "\n".join(reason.render(lang) for reason in decision.reasons),
        "reason_codes": ";".join(reason.code for reason in decision.reasons),
        "ruleset": decision.ruleset.id,
        "version": decision.ruleset.version,
        "score": _sheet_cell(sheets, "total"),
        "band": _sheet_cell(sheets, "band"),
        "path": decision.path or "",
    }
    return [cells[column] for column in columns]


def _sheet_cell(sheets: Sequence[Mapping[str, Any]], key: str) -> str:
    """The total or band of the one sheet a decision reads, or ``ID=value`` joined by ``;``
    for several, as in the CSV output."""
    if len(sheets) == 1:
        return str(sheets[0][key] or "")
    return ";".join(f"{s['score']}={s[key] or ''}" for s in sheets)


def _table(
    book: Any,
    name: str,
    headers: Sequence[str],
    rows: Sequence[Sequence[Any]],
    numeric: set[int] | None = None,
    wrapped: set[int] | None = None,
    frozen_columns: int = 1,
) -> None:
    """One sheet: a bold header row, frozen with the first columns, a filter on every column,
    widths that fit the longest line of each column (at most :data:`_WIDEST` characters)."""
    numeric, wrapped = numeric or set(), wrapped or set()
    sheet = book.add_worksheet(name[:31])
    head = book.add_format({"bold": True, "bg_color": "#D9E1F2", "border": 1, "text_wrap": True})
    wrap = book.add_format({"text_wrap": True, "valign": "top"})
    top = book.add_format({"valign": "top"})
    amount = book.add_format({"valign": "top", "num_format": "#,##0.######"})
    widths = [min(max(len(h), 6) + 2, _WIDEST) for h in headers]
    for index, text in enumerate(headers):
        sheet.write_string(0, index, text, head)
    for number, row in enumerate(rows, start=1):
        for index, value in enumerate(row):
            if value is None or value == "":
                continue
            if index in numeric and _writes_as_number(value):
                sheet.write_number(number, index, float(Decimal(str(value))), amount)
            else:
                text = str(value)
                sheet.write_string(number, index, text, wrap if index in wrapped else top)
                longest = max(len(line) for line in text.splitlines() or [""])
                widths[index] = min(max(widths[index], longest + 2), _WIDEST)
    for index, width in enumerate(widths):
        sheet.set_column(index, index, width)
    sheet.freeze_panes(1, frozen_columns)
    sheet.autofilter(0, 0, max(len(rows), 1), len(headers) - 1)


def _writes_as_number(value: Any) -> bool:
    """Whether ``value`` is a number a spreadsheet holds exactly (at most 15 digits)."""
    if isinstance(value, bool):
        return False
    text = str(value)
    return bool(_NUMBER.fullmatch(text)) and len(text.replace("-", "").replace(".", "")) <= 15
