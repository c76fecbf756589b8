"""The columns of the tabular decision outputs — ``csv`` and ``parquet`` — written once.

One row per decision, then one per subject set aside. :func:`decision_values` and
:func:`set_aside_values` give a row as typed values (``None`` where a column does not apply);
:func:`csv_cells` writes them as the CSV's text cells (``None`` an empty cell) and
:func:`parquet_frame` as a Polars frame of :func:`parquet_schema` (``rank`` and ``cap``
integers, ``bonus`` and ``score`` exact decimals, the rest text, nulls where not applicable).
The columns are :data:`DECISION_COLUMNS`, then ``score`` and ``band`` when score sheets were
computed and ``path`` when an award evaluated has paths (:func:`header`).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import polars as pl

from emulation.lang.compiler import DECIMAL
from emulation.results.decision import Decision, rendered
from emulation.types import Language

#: The columns every tabular output has, in order.
DECISION_COLUMNS = (
    "subject",
    "name",
    "award",
    "label",
    "period",
    "outcome",
    "rank",
    "cap",
    "bonus",
    "reason_codes",
    "reasons",
    "ruleset",
    "version",
)

#: Columns of whole numbers and of exact decimals in the Parquet form.
INTEGER_COLUMNS = ("rank", "cap")
DECIMAL_COLUMNS = ("bonus", "score")

#: A row as typed values: text, whole numbers, exact decimals as their text, or None.
Row = tuple[str | int | None, ...]


def header(*, scored: bool, routed: bool) -> list[str]:
    """The columns of an output with score sheets (``scored``) and awards with paths
    (``routed``)."""
    return [*DECISION_COLUMNS, *(("score", "band") if scored else ()), *(("path",) * routed)]


def decision_values(
    decision: Decision, lang: Language, name: str | None, *, scored: bool, routed: bool
) -> Row:
    """One decision's row; ``name`` is its subject's name (None when it has none)."""
    reasons = decision.reasons
    values: list[str | int | None] = [
        decision.subject,
        name or None,
        decision.award,
        decision.award_label.get(lang),
        decision.period,
        decision.outcome,
        decision.rank,
        decision.cap,
        None if decision.bonus is None else str(decision.bonus),
        ";".join(reason.code for reason in reasons),
        " | ".join(rendered(reason, lang) for reason in reasons),
        decision.ruleset.id,
        decision.ruleset.version,
    ]
    if scored:
        values += _sheet_values(decision)
    if routed:
        values.append(decision.path)
    return tuple(values)


def _sheet_values(decision: Decision) -> list[str | None]:
    """The ``score`` and ``band`` of a decision: the sheet's total and band, or ``ID=value``
    joined by ``;`` for several sheets (text: not a number); None when it reads none."""
    sheets = [sheet.to_dict("en") for sheet in decision.scores]
    if not sheets:
        return [None, None]
    if len(sheets) == 1:
        return [sheets[0]["total"], sheets[0]["band"]]
    return [";".join(f"{s['score']}={s[key] or ''}" for s in sheets) for key in ("total", "band")]


def set_aside_values(
    subject: str,
    name: str | None,
    period: str,
    code: str,
    message: str,
    *,
    scored: bool,
    routed: bool,
) -> Row:
    """The row of a subject set aside: no award, the outcome ``set_aside``, its code and
    message as the reasons."""
    values: list[str | int | None] = [subject, name or None, None, None, period, "set_aside"]
    values += [None, None, None, code, message, None, None]
    return tuple(values + [None, None] * scored + [None] * routed)


def csv_cells(values: Row) -> list[str]:
    """A row as CSV text cells: None as an empty cell, numbers as their digits."""
    return ["" if value is None else str(value) for value in values]


def parquet_schema(columns: Sequence[str]) -> dict[str, pl.DataType]:
    """The Parquet type of each of ``columns``: Int64, Decimal(38, 6) or String."""
    return {
        column: pl.Int64()
        if column in INTEGER_COLUMNS
        else DECIMAL
        if column in DECIMAL_COLUMNS
        else pl.String()
        for column in columns
    }


def parquet_frame(columns: Sequence[str], rows: Sequence[Row]) -> pl.DataFrame:
    """``rows`` as a frame of :func:`parquet_schema`. A ``score`` that is not one number (an
    award reading several sheets: ``ID=value;…``) is null here; the JSON output has each."""
    text: dict[str, Any] = {
        column: pl.Int64() if column in INTEGER_COLUMNS else pl.String() for column in columns
    }
    frame = pl.DataFrame(list(rows), schema=text, orient="row")
    return frame.with_columns(
        _decimal(column) for column in DECIMAL_COLUMNS if column in frame.columns
    )


def _decimal(column: str) -> pl.Expr:
    """The text of an exact decimal as Decimal(38, 6); null for anything else."""
    value = pl.col(column)
    number = value.str.contains(r"^-?[0-9]+(\.[0-9]+)?$")
    return pl.when(number).then(value).cast(DECIMAL, strict=False).alias(column)
