"""The workbook an officer fills: ``emulation template --period P``.

One sheet per table (:data:`~emulation.data.schema.TABLES`), laid out as the reader
(:mod:`emulation.data.excel`) reads it: row 1 the column ids, row 2 the labels in Vietnamese and
English, row 3 an example row (of the subject :data:`~emulation.data.excel_columns.EXAMPLE_SUBJECT`,
which the reader refuses, so it must be deleted or written over). The ``facts`` sheet has one
column per fact the rulesets in force for the period declare. Enumerated columns and true/false
columns get a drop-down list (a value outside it is warned about, not blocked: the reader also
accepts ``có``/``không`` …); text columns are formatted as text, so ``001`` stays ``001``; date
columns as ``YYYY-MM-DD``. A last sheet explains each column: its label, type, whether it is
required, its allowed values, its default, and for a fact the legal basis and certainty of the
rules that read it.

Why xlsxwriter: it writes drop-down validation, cell formats, frozen panes and notes, it is
maintained and pure Python (Polars' ``write_excel`` uses it too), and it writes the same bytes for
the same workbook once the document's creation date is fixed (:data:`CREATED`).
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

import polars as pl

from emulation.data.excel_columns import (
    CREATED,
    EXPLANATION_SHEETS,
    FIRST_DATA_ROW,
    LABELS,
    TABLE_LABELS,
    example_values,
    header_label,
)
from emulation.data.schema import ENUMS, REQUIRED, SCHEMAS, TABLES
from emulation.evaluate.plan import nodes_read
from emulation.lang.nodes import Node
from emulation.lang.scope import FactDecl
from emulation.period import Period
from emulation.rules.model import Ruleset
from emulation.types import CERTAINTIES, Label, Language

#: How many rows below the header the drop-down lists and formats reach.
DATA_ROWS = 5000

#: The basis entries shown for one fact before "and N more".
BASES_SHOWN = 8

_TYPES: dict[str, Label] = {
    "text": Label(vi="văn bản", en="text"),
    "int": Label(vi="số nguyên", en="whole number"),
    "decimal": Label(vi="số thập phân (dấu chấm: 7.5)", en="decimal (point: 7.5)"),
    "bool": Label(vi="đúng/sai (true/false)", en="true/false"),
    "date": Label(vi="ngày (YYYY-MM-DD)", en="date (YYYY-MM-DD)"),
    "enum": Label(vi="một giá trị trong danh sách", en="one value of the list"),
}

_HEAD: dict[str, tuple[str, ...]] = {
    "vi": (
        "Bảng",
        "Mã cột",
        "Nhãn (tiếng Việt)",
        "Nhãn (tiếng Anh)",
        "Kiểu",
        "Bắt buộc",
        "Giá trị cho phép",
        "Mặc định khi để trống",
        "Đơn vị",
        "Căn cứ pháp lý",
        "Mức chắc chắn",
    ),
    "en": (
        "Sheet",
        "Column id",
        "Label (Vietnamese)",
        "Label (English)",
        "Type",
        "Required",
        "Allowed values",
        "Default when empty",
        "Unit",
        "Legal basis",
        "Certainty",
    ),
}

_NOTES: dict[str, tuple[str, ...]] = {
    "vi": (
        "Dòng 1: mã cột (chương trình đọc dòng này, không sửa). Dòng 2: nhãn (không được đọc). "
        "Dữ liệu bắt đầu từ dòng 3.",
        "Dòng 3 của mỗi bảng là dòng ví dụ (đối tượng VÍ-DỤ): xóa hoặc ghi đè trước khi xét.",
        "Ngày: YYYY-MM-DD hoặc ô kiểu ngày của Excel. Số thập phân dùng dấu chấm. "
        "Ô để trống là thiếu dữ liệu.",
        "Căn cứ pháp lý của một dữ kiện là căn cứ của các tiêu chí đọc nó. Các cột cố định "
        "là định dạng dữ liệu của chương trình.",
    ),
    "en": (
        "Row 1: column ids (read by the program; do not change). Row 2: labels (not read). "
        "Data starts on row 3.",
        "Row 3 of each sheet is an example (subject VÍ-DỤ): delete it or write over it.",
        "Dates: YYYY-MM-DD or an Excel date cell. Decimals with a point. An empty cell is a "
        "missing value.",
        "A fact's legal basis is that of the rules that read it. The fixed columns are the "
        "engine's input format.",
    ),
}

_WORDS: dict[str, dict[str, str]] = {
    "vi": {"title": "Mẫu nhập liệu cho kỳ", "rulesets": "Bộ quy tắc", "yes": "có", "more": "và"},
    "en": {"title": "Input template for", "rulesets": "Rulesets", "yes": "yes", "more": "and"},
}


def template_workbook(rulesets: Sequence[Ruleset], period: Period, lang: Language = "vi") -> bytes:
    """The workbook to fill for ``period`` under ``rulesets`` (those in force for it, as
    :meth:`~emulation.Engine.rulesets_for` gives them), labels in ``lang`` first."""
    facts = _facts(rulesets)
    award = next((a for r in rulesets for a in r.awards), None)
    examples = example_values(str(period), period.start, award)
    examples["facts"].update({name: _example(decl) for name, decl in facts.items()})
    # lazy: XlsxWriter is loaded only when a workbook is written
    import xlsxwriter

    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    book.set_properties(
        {"title": f"emulation template {period}", "author": "emulation", "created": CREATED}
    )
    styles = _styles(book)
    for table in TABLES:
        columns = _columns(table, facts)
        _sheet(book, styles, table, columns, examples[table], lang)
    _explanation(book, styles, rulesets, period, facts, lang)
    book.close()
    return buffer.getvalue()


def _facts(rulesets: Sequence[Ruleset]) -> dict[str, FactDecl]:
    """The facts the rulesets declare, ruleset by ruleset in declaration order; the first
    declaration of a name wins (two that differ stop an evaluation anyway)."""
    facts: dict[str, FactDecl] = {}
    for ruleset in sorted(rulesets, key=lambda r: r.id):
        for name, decl in ruleset.facts.items():
            facts.setdefault(name, decl)
    return facts


#: A column of a sheet: id, label, type name (a key of ``_TYPES``), allowed values, default,
#: unit.
Column = tuple[str, Label, str, tuple[str, ...], Any, str | None]


def _columns(table: str, facts: dict[str, FactDecl]) -> list[Column]:
    columns: list[Column] = []
    for name, dtype in SCHEMAS[table].items():
        values = ENUMS.get((table, name), ())
        kind = "enum" if values else _type_of(dtype)
        columns.append((name, LABELS[table][name], kind, values, None, None))
    if table == "facts":
        for name, decl in facts.items():
            values = decl.values if decl.type == "enum" else ()
            columns.append((name, decl.label, decl.type, values, decl.default, decl.unit))
    return columns


def _type_of(dtype: pl.DataType) -> str:
    if dtype == pl.Boolean():
        return "bool"
    if dtype == pl.Date():
        return "date"
    if dtype.is_integer():
        return "int"
    if dtype.is_numeric():
        return "decimal"
    return "text"


def _example(decl: FactDecl) -> Any:
    if decl.default is not None:
        return decl.default
    if decl.type == "bool":
        return True
    if decl.type == "enum":
        return decl.values[-1] if decl.values else None
    if decl.type in ("int", "decimal"):
        low = decl.minimum if decl.minimum is not None else Decimal(0)
        return int(low) if decl.type == "int" else low
    return None


def _styles(book: Any) -> dict[str, Any]:
    return {
        "id": book.add_format({"bold": True, "bg_color": "#D9E1F2", "border": 1}),
        "label": book.add_format(
            {"bold": True, "text_wrap": True, "valign": "top", "bg_color": "#EDF2F9", "border": 1}
        ),
        "example": book.add_format({"italic": True, "font_color": "#7F7F7F"}),
        "example_date": book.add_format(
            {"italic": True, "font_color": "#7F7F7F", "num_format": "yyyy-mm-dd"}
        ),
        "text": book.add_format({"num_format": "@"}),
        "date": book.add_format({"num_format": "yyyy-mm-dd"}),
        "int": book.add_format({"num_format": "0"}),
        "wrap": book.add_format({"text_wrap": True, "valign": "top"}),
        "title": book.add_format({"bold": True, "font_size": 13}),
    }


def _sheet(
    book: Any,
    styles: dict[str, Any],
    table: str,
    columns: list[Column],
    example: dict[str, Any],
    lang: Language,
) -> None:
    sheet = book.add_worksheet(table)
    last = FIRST_DATA_ROW - 2 + DATA_ROWS  # zero-based, inclusive
    for index, (name, label, kind, values, default, unit) in enumerate(columns):
        text = header_label(label, lang)
        width = min(max(len(name), len(text) // 2, 12), 40)
        sheet.set_column(index, index, width, styles.get(kind))
        sheet.write_string(0, index, name, styles["id"])
        sheet.write_string(1, index, text, styles["label"])
        _write_example(sheet, styles, index, kind, example.get(name))
        prompt = _prompt(label, kind, values, default, unit, lang)
        options: dict[str, Any] = {"input_title": name[:32], "input_message": prompt}
        choices = list(values) if kind == "enum" else ["true", "false"]
        if kind in ("enum", "bool") and _fits_a_list(choices):
            options.update(
                validate="list",
                source=choices,
                error_type="warning",
                error_title=name[:32],
                error_message=prompt,
            )
        else:
            options["validate"] = "any"
        sheet.data_validation(FIRST_DATA_ROW - 1, index, last, index, options)
    sheet.set_row(1, 45)
    sheet.freeze_panes(FIRST_DATA_ROW - 1, 1)


def _fits_a_list(choices: list[str]) -> bool:
    """Whether Excel can offer ``choices`` as a drop-down list written in the rule itself: at
    most 255 characters in all, no value holding the comma that separates them. A longer
    enumeration gets the note that names its values, not a list."""
    return len(",".join(choices)) <= 255 and not any("," in choice for choice in choices)


def _write_example(sheet: Any, styles: dict[str, Any], column: int, kind: str, value: Any) -> None:
    row = FIRST_DATA_ROW - 1
    if value is None or value == "":
        return
    if isinstance(value, dt.date):
        sheet.write_datetime(
            row, column, dt.datetime.combine(value, dt.time()), styles["example_date"]
        )
    elif isinstance(value, bool):
        sheet.write_string(row, column, "true" if value else "false", styles["example"])
    elif isinstance(value, (int, Decimal)) and kind in ("int", "decimal"):
        sheet.write_number(row, column, float(value), styles["example"])
    else:
        sheet.write_string(row, column, str(value), styles["example"])


def _prompt(
    label: Label, kind: str, values: tuple[str, ...], default: Any, unit: str | None, lang: Language
) -> str:
    """The note Excel shows when a cell of the column is selected (at most 255 characters)."""
    parts = [label.get(lang), _TYPES[kind].get(lang)]
    if values:
        parts.append(", ".join(values))
    if unit:
        parts.append(unit)
    if default is not None:
        parts.append(("mặc định: " if lang == "vi" else "default: ") + _shown(default))
    text = " — ".join(parts)
    return text if len(text) <= 255 else text[:254] + "…"


def _shown(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _explanation(
    book: Any,
    styles: dict[str, Any],
    rulesets: Sequence[Ruleset],
    period: Period,
    facts: dict[str, FactDecl],
    lang: Language,
) -> None:
    words = _WORDS[lang]
    sheet = book.add_worksheet(EXPLANATION_SHEETS[0] if lang == "vi" else EXPLANATION_SHEETS[1])
    sheet.write_string(0, 0, f"{words['title']} {period}", styles["title"])
    names = ", ".join(f"{r.id} {r.version}" for r in sorted(rulesets, key=lambda r: r.id))
    sheet.write_string(1, 0, f"{words['rulesets']}: {names or '—'}")
    for offset, note in enumerate(_NOTES[lang]):
        sheet.write_string(2 + offset, 0, note)
    top = 3 + len(_NOTES[lang])
    head = _HEAD[lang]
    for index, text in enumerate(head):
        sheet.write_string(top, index, text, styles["id"])
    readers = _readers(rulesets)
    row = top + 1
    for table in TABLES:
        for name, label, kind, values, default, unit in _columns(table, facts):
            basis, certainty = _basis(readers.get(name, []), words["more"])
            cells = (
                f"{table} — {TABLE_LABELS[table].get(lang)}",
                name,
                label.vi,
                label.en,
                _TYPES[kind].get(lang),
                words["yes"] if name in REQUIRED[table] else "",
                ", ".join(values),
                "" if default is None else _shown(default),
                unit or "",
                basis,
                certainty,
            )
            for index, text in enumerate(cells):
                sheet.write_string(row, index, text, styles["wrap"])
            row += 1
    for index, width in enumerate((26, 20, 30, 30, 22, 9, 30, 14, 8, 70, 10)):
        sheet.set_column(index, index, width)
    sheet.freeze_panes(top + 1, 2)
    sheet.autofilter(top, 0, row - 1, len(head) - 1)


#: A rule that reads a column: ``(award.rule, basis, certainty)``.
Reader = tuple[str, str, str]


def _readers(rulesets: Sequence[Ruleset]) -> dict[str, list[Reader]]:
    """For each fact (and subject attribute) name, what of ``rulesets`` reads it, each with its
    own basis: award rules, quota ranking keys and group facts, standings, score sheet items,
    knock-outs, caps, bonus and deduction, and KPI conditions."""
    found: dict[str, list[Reader]] = {}

    def add(where: str, nodes: Iterable[Node], basis: str, certainty: str) -> None:
        for name in sorted(nodes_read(nodes)):
            found.setdefault(name, []).append((where, basis, certainty))

    for ruleset in sorted(rulesets, key=lambda r: r.id):
        for award in ruleset.awards.values():
            for rule in award.rules:
                add(f"{award.id}.{rule.id}", [rule.node], rule.basis, rule.certainty)
            for number, quota in enumerate(award.quotas, start=1):
                nodes = [key.node for key in quota.rank]
                add(f"{award.id}.quota[{number}]", nodes, quota.basis, quota.certainty)
                if quota.group_fact:
                    where = f"{award.id}.quota[{number}]"
                    found.setdefault(quota.group_fact, []).append(
                        (where, quota.basis, quota.certainty)
                    )
        for standings in ruleset.standings.values():
            nodes = [key.node for key in standings.rank]
            add(f"standings.{standings.id}", nodes, standings.basis, standings.certainty)
        for sheet in ruleset.scores.values():
            for item in sheet.items:
                add(f"scores.{sheet.id}.{item.id}", [item.node], item.basis, item.certainty)
            for check in (*sheet.knockouts, *sheet.caps):
                add(f"scores.{sheet.id}.{check.id}", [check.node], check.basis, check.certainty)
            for side, adjustment in (("bonus", sheet.bonus), ("deduction", sheet.deduction)):
                if adjustment is not None:
                    where = f"scores.{sheet.id}.{side}"
                    add(where, [adjustment.node], adjustment.basis, adjustment.certainty)
        for kpi in ruleset.kpis.values():
            conditions = [kpi.numerator, *([kpi.denominator] if kpi.denominator else [])]
            nodes = [condition.node for condition in conditions]
            add(f"kpis.{kpi.id}", nodes, kpi.basis, kpi.certainty)
    return found


def _basis(readers: list[Reader], more: str) -> tuple[str, str]:
    """The basis cell (one line per rule that reads the column) and the certainty cell (the
    certainties of those rules, strongest first); dashes when no rule reads it directly."""
    if not readers:
        return "—", "—"
    lines = [f"{where}: {basis} [{certainty}]" for where, basis, certainty in readers]
    if len(lines) > BASES_SHOWN:
        lines = [*lines[:BASES_SHOWN], f"… {more} {len(lines) - BASES_SHOWN}"]
    found = {certainty for _, _, certainty in readers}
    return "\n".join(lines), ", ".join(c for c in CERTAINTIES if c in found)
