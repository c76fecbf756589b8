"""Rows of Python values → frames of the six tables, before validation.

A table's frame gets the table's columns; the wide facts frame gets one column per fact name
seen, each with one dtype that keeps every value as it arrived (floats as their text, so that
no binary fraction enters exact arithmetic). :mod:`emulation.data.validate` casts them.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import polars as pl

from emulation.data.cast import DECIMAL_PLACES, INT_MAX, places, too_large, written
from emulation.data.schema import ORIGIN, SCHEMAS


def table_frame(table: str, rows: list[dict[str, Any]], origin_prefix: str) -> pl.DataFrame:
    """A frame of ``table`` from dict rows; row ``i`` comes from ``origin_prefix[i]``."""
    schema = SCHEMAS[table]
    data = [
        {**{key: row.get(key) for key in schema}, ORIGIN: f"{origin_prefix}[{index}]"}
        for index, row in enumerate(rows)
    ]
    return pl.DataFrame(data, schema={**schema, ORIGIN: pl.String()}, orient="row")


def text_frame(table: str, rows: list[dict[str, Any]]) -> pl.DataFrame:
    """A frame of ``table`` with every column as text (numbers and booleans as JSON writes
    them); the rows carry their own ``_origin``."""
    columns = [*SCHEMAS[table], ORIGIN]
    data: dict[str, list[Any]] = {name: [] for name in columns}
    for row in rows:
        for name in columns:
            value = row.get(name)
            if value is not None and not isinstance(value, str):
                value = _text(value)
            data[name].append(value)
    return pl.DataFrame(data, schema=dict.fromkeys(columns, pl.String()))


def facts_frame(rows: list[dict[str, Any]], origins: list[str]) -> pl.DataFrame:
    """A wide facts frame from dict rows; each fact column gets one consistent dtype."""
    names: list[str] = []
    for row in rows:
        for key in row:
            if key not in names and key not in ("subject", "period"):
                names.append(key)
    columns: dict[str, pl.Series] = {
        "subject": pl.Series("subject", [row.get("subject") for row in rows], dtype=pl.String()),
        "period": pl.Series(
            "period",
            [None if row.get("period") is None else str(row.get("period")) for row in rows],
            dtype=pl.String(),
        ),
    }
    for name in sorted(names):
        columns[name] = _fact_series(name, [row.get(name) for row in rows])
    columns[ORIGIN] = pl.Series(ORIGIN, origins, dtype=pl.String())
    return pl.DataFrame(list(columns.values()))


def _fact_series(name: str, values: list[Any]) -> pl.Series:
    """One column of fact values, typed when every value fits the type exactly, else as text.

    Booleans only: a boolean column; whole numbers that all fit ``Int64``: a whole-number
    column; numbers that all fit ``Decimal(38, 6)`` exactly: a decimal column; anything else
    keeps the exact text of each value, so nothing is rounded on the way in and the casting
    rules (:mod:`emulation.data.cast`) judge every value by itself.
    """
    present = [v for v in values if v is not None]
    if present and all(isinstance(v, bool) for v in present):
        return pl.Series(name, values, dtype=pl.Boolean())
    numbers = [v for v in present if isinstance(v, (int, Decimal)) and not isinstance(v, bool)]
    if present and len(numbers) == len(present):
        if all(isinstance(v, int) and abs(v) <= INT_MAX for v in numbers):
            return pl.Series(name, values, dtype=pl.Int64())
        if all(_holdable(Decimal(v)) for v in numbers):
            return pl.Series(
                name, [None if v is None else Decimal(v) for v in values], dtype=pl.Decimal(38, 6)
            )
    return pl.Series(name, [None if v is None else _text(v) for v in values], dtype=pl.String())


def _holdable(number: Decimal) -> bool:
    """Whether ``number`` fits ``Decimal(38, 6)`` exactly."""
    return not too_large(number) and places(number) <= DECIMAL_PLACES


def _text(value: Any) -> str:
    """A value as exact text: a number as its digits, a boolean as ``true``/``false``, a float
    as Python writes it (floats never enter exact arithmetic)."""
    if isinstance(value, str):
        return value
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value) if value.bit_length() < _WRITABLE_BITS else written(value)
    return written(value)


# Python writes a whole number of at most 4,300 digits (about 14,000 bits) as text.
_WRITABLE_BITS = 14_000
