"""The one set of casting rules: how a value as it arrived becomes a value of its column's type.

Text is read as the user wrote it: booleans from ``true/false/1/0/yes/no/có/không``, decimals
exactly from their digits, dates as ISO ``YYYY-MM-DD``; blank text is missing. Numbers and
booleans cast among themselves; any other value of the wrong kind cannot be read. A value that
cannot be read becomes null, and the caller reports it. The rules are written once, as a lazy
expression (:func:`cast_expression`); :func:`cast_column` applies that expression to a Series.
"""

from __future__ import annotations

import polars as pl

_TRUE = ("true", "1", "yes", "y", "có", "co", "x")
_FALSE = ("false", "0", "no", "n", "không", "khong")


def cast_expression(name: str, source: pl.DataType, dtype: pl.DataType) -> pl.Expr:
    """Column ``name``, of dtype ``source``, cast to ``dtype`` by the rules of this module."""
    column = pl.col(name)
    if source == dtype:
        return column
    if source == pl.String():
        text = column.str.strip_chars()
        text = pl.when(text == "").then(None).otherwise(text)
        if dtype == pl.Boolean():
            lowered = text.str.to_lowercase()
            return (
                pl.when(lowered.is_in(list(_TRUE)))
                .then(True)
                .when(lowered.is_in(list(_FALSE)))
                .then(False)
                .otherwise(None)
            )
        if dtype == pl.Date():
            return text.str.to_date("%Y-%m-%d", strict=False)
        return text.cast(dtype, strict=False)
    if isinstance(dtype, pl.Enum):
        return column.cast(pl.String()).cast(dtype, strict=False)
    if source == pl.Null() or _castable(source, dtype):
        return column.cast(dtype, strict=False)
    return pl.lit(None, dtype=dtype)


def _castable(source: pl.DataType, dtype: pl.DataType) -> bool:
    numeric = source.is_numeric() or source == pl.Boolean()
    return numeric and (dtype.is_numeric() or dtype == pl.Boolean())


def cast_column(column: pl.Series, dtype: pl.DataType) -> pl.Series:
    """``column`` cast to ``dtype`` by the rules of this module; values that cannot be read
    become null."""
    if column.dtype == dtype:
        return column
    expression = cast_expression(column.name, column.dtype, dtype).alias(column.name)
    return column.to_frame().with_columns(expression).to_series()


def type_name(dtype: pl.DataType) -> str:
    """How a value of ``dtype`` is described to the person who wrote one that cannot be read."""
    names = {
        pl.Boolean(): "true/false",
        pl.Int64(): "a whole number",
        pl.Date(): "a date (YYYY-MM-DD)",
        pl.String(): "text",
    }
    if isinstance(dtype, pl.Decimal):
        return "an exact decimal number"
    return names.get(dtype, str(dtype))
