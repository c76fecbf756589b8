"""Rows of Python values → frames of the six tables, before validation.

A table's frame gets the table's columns; the wide facts frame gets one column per fact name
seen, each with one dtype that keeps every value as it arrived (floats as their text, so that
no binary fraction enters exact arithmetic). :mod:`emulation.data.validate` casts them.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import polars as pl

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
            if isinstance(value, bool):
                value = "true" if value else "false"
            elif value is not None and not isinstance(value, str):
                value = str(value)
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
    present = [v for v in values if v is not None]
    if present and all(isinstance(v, bool) for v in present):
        return pl.Series(name, values, dtype=pl.Boolean())
    if present and all(isinstance(v, int) and not isinstance(v, bool) for v in present):
        return pl.Series(name, values, dtype=pl.Int64())
    if present and all(isinstance(v, (int, Decimal)) and not isinstance(v, bool) for v in present):
        return pl.Series(
            name, [None if v is None else Decimal(v) for v in values], dtype=pl.Decimal(38, 6)
        )
    if present and any(isinstance(v, float) for v in present):
        # floats never enter exact arithmetic: keep their text, the engine casts it exactly
        return pl.Series(name, [None if v is None else repr(v) for v in values], dtype=pl.String())
    return pl.Series(name, [None if v is None else _text(v) for v in values], dtype=pl.String())


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)
