"""The one set of casting rules: how a value as it arrived becomes a value of its column's type.

A value is accepted only when it denotes exactly one value of the type; nothing is rounded,
truncated or guessed. Text is read as the user wrote it (trimmed, in Unicode NFC): booleans
from ``true/false/1/0/yes/no/có/không`` and the other words of :data:`TRUE_WORDS` and
:data:`FALSE_WORDS`, whole numbers from their digits (a fraction of zeros, ``12.0``, is allowed;
``12.5`` is not), decimals from their digits with at most :data:`DECIMAL_PLACES` places that are
not zero and at most :data:`DECIMAL_DIGITS` before the point, dates as ISO ``YYYY-MM-DD``;
blank text is missing. A value of another type is first written as text (a number as its
shortest exact digits, a boolean as ``true``/``false``) and then read by the same rules, so the
outcome of a value never depends on the other values of its column; only the widening of a
whole number to a decimal is cast directly. ``NaN`` and infinities are never numbers.

A value that cannot be read becomes null, and the caller reports it; :func:`explain` says why,
in words and with a stable problem code. The rules are written once, as a lazy expression
(:func:`cast_expression`); :func:`cast_column` applies that expression to a Series.
"""

from __future__ import annotations

import re
from decimal import MAX_EMAX, MAX_PREC, MIN_EMIN, Context, Decimal, InvalidOperation
from typing import Any

import polars as pl

from emulation.i18n import Message

#: Words read as true and as false, in any letter case (``docs/reference/file-formats.md``).
TRUE_WORDS = ("true", "1", "yes", "y", "có", "co", "x")
FALSE_WORDS = ("false", "0", "no", "n", "không", "khong")

#: Places after the decimal point an exact decimal keeps: the engine's ``Decimal(38, 6)``.
DECIMAL_PLACES = 6
#: Digits before the point an exact decimal can hold: 38 digits in all, 6 of them places.
DECIMAL_DIGITS = 38 - DECIMAL_PLACES
#: The largest whole number (a signed 64-bit integer, Polars' ``Int64``).
INT_MAX = 2**63 - 1

# Decimal.normalize and abs() round to the context's 28 digits; this context never rounds.
_EXACT = Context(prec=MAX_PREC, Emax=MAX_EMAX, Emin=MIN_EMIN)

_WHOLE = r"^[+-]?[0-9]+(\.0*)?$"
_DECIMAL = rf"^[+-]?([0-9]{{1,{DECIMAL_DIGITS}}}(\.[0-9]{{0,{DECIMAL_PLACES}}}0*)?|\.[0-9]{{1,{DECIMAL_PLACES}}}0*)$"
_NUMBER = re.compile(r"^[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)$")
#: Whole numbers longer than this are described, not quoted (Python refuses to write a number
#: of more than 4,300 digits, and nobody reads one).
_LONGEST_QUOTED_BITS = 200
_NOT_A_NUMBER = ("nan", "+nan", "-nan", "inf", "+inf", "-inf", "infinity", "+infinity", "-infinity")


def cast_expression(
    name: str, source: pl.DataType, dtype: pl.DataType, *, ascii_only: bool = False
) -> pl.Expr:
    """Column ``name``, of dtype ``source``, cast to ``dtype`` by the rules of this module.

    ``ascii_only`` says the caller knows the column holds no character outside ASCII, so the
    Unicode normalisation (the costliest step, and a no-op on ASCII) can be left out."""
    column = pl.col(name)
    if source == dtype:
        return column
    if source == pl.Null():
        return column.cast(dtype)
    if source.is_nested() or source == pl.Object():
        return pl.lit(None, dtype=dtype)
    if source.is_integer() and (dtype == pl.Int64() or isinstance(dtype, pl.Decimal)):
        return column.cast(dtype, strict=False)
    text = as_text(column, source).str.strip_chars()
    if not ascii_only:
        text = text.str.normalize("NFC")
    text = pl.when(text == "").then(None).otherwise(text)
    if dtype == pl.Boolean():
        lowered = text.str.to_lowercase()
        return (
            pl.when(lowered.is_in(list(TRUE_WORDS)))
            .then(True)
            .when(lowered.is_in(list(FALSE_WORDS)))
            .then(False)
            .otherwise(None)
        )
    if dtype == pl.Date():
        return text.str.to_date("%Y-%m-%d", strict=False)
    if dtype == pl.Int64():
        whole = text.str.replace(r"\.0*$", "").cast(dtype, strict=False)
        return pl.when(text.str.contains(_WHOLE)).then(whole).otherwise(None)
    if isinstance(dtype, pl.Decimal):
        exact = text.cast(dtype, strict=False)
        return pl.when(text.str.contains(_DECIMAL)).then(exact).otherwise(None)
    return text.cast(dtype, strict=False)


def is_ascii(column: pl.Series) -> bool:
    """Whether every value of a text column is plain ASCII (one byte per character)."""
    return bool((column.str.len_bytes() == column.str.len_chars()).all())


def as_text(column: pl.Expr, source: pl.DataType) -> pl.Expr:
    """``column`` written as text: a decimal or a float without trailing zeros (``12.500000``
    → ``12.5``, ``1.0`` → ``1``), a boolean as ``true``/``false``."""
    if source == pl.String():
        return column
    if source == pl.Boolean():
        return pl.when(column).then(pl.lit("true")).when(~column).then(pl.lit("false"))
    text = column.cast(pl.String())
    if isinstance(source, pl.Decimal) or source.is_float():
        return (
            pl.when(text.str.contains(r"^[+-]?[0-9]*\.[0-9]*$"))
            .then(text.str.replace(r"\.?0+$", ""))
            .otherwise(text)
        )
    return text


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
        pl.Boolean(): Message("true/false"),
        pl.Int64(): Message("a whole number"),
        pl.Date(): Message("a date (YYYY-MM-DD)"),
        pl.String(): Message("text"),
    }
    if isinstance(dtype, pl.Decimal):
        return Message("an exact decimal number")
    return names.get(dtype, str(dtype))


def written(value: Any) -> str:
    """A value as it is quoted back to the person who wrote it: text in quotes, a number as
    its digits (without the trailing zeros a decimal column adds), a boolean as
    ``true``/``false``."""
    if isinstance(value, str):
        return repr(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Decimal):
        return _plain(value)
    if isinstance(value, int) and value.bit_length() > _LONGEST_QUOTED_BITS:
        return f"a number of about {value.bit_length() * 30103 // 100000 + 1} digits"
    return repr(value) if isinstance(value, float) else str(value)


def explain(value: Any, numeric: bool, whole: bool) -> tuple[str, str]:
    """The problem code of a value that could not be read, and the reason in words when there
    is more to say than "cannot read" (else an empty string). ``numeric`` and ``whole`` tell
    whether a number, and a whole one, was expected."""
    if not numeric:
        return "unreadable_value", ""
    text = (value if isinstance(value, str) else written(value)).strip()
    if text.lower() in _NOT_A_NUMBER:
        return (
            "not_a_number",
            Message("NaN and infinities are not numbers; leave the value empty if it is unknown"),
        )
    if not _NUMBER.match(text):
        return "unreadable_value", ""
    try:
        number = Decimal(text)
    except InvalidOperation:  # pragma: no cover - the pattern admits only plain digits
        return "unreadable_value", ""
    if whole:
        if number != number.to_integral_value():
            return "unreadable_value", Message("not a whole number")
        if number.copy_abs() > INT_MAX:
            return "number_too_large", Message("a whole number is at most {max}", max=INT_MAX)
        return "unreadable_value", ""
    if places(number) > DECIMAL_PLACES:
        return "too_many_decimal_places", Message(
            "more than {places} decimal places", places=DECIMAL_PLACES
        )
    if too_large(number):
        return "number_too_large", Message(
            "more than {digits} digits before the decimal point", digits=DECIMAL_DIGITS
        )
    return "unreadable_value", ""


def _plain(number: Decimal) -> str:
    """The digits of ``number`` without exponent or trailing zeros (scientific notation only
    when the plain form would be absurdly long)."""
    if not number.is_finite():
        return str(number)
    normal = stripped(number)
    exponent = normal.as_tuple().exponent
    if isinstance(exponent, int) and abs(exponent) > 2 * DECIMAL_DIGITS:
        return str(normal)
    text = format(normal, "f")
    return "0" if text in ("-0", "") else text


def stripped(number: Decimal) -> Decimal:
    """``number`` without trailing zeros, exactly (``Decimal.normalize`` alone would round it
    to 28 digits)."""
    return number.normalize(_EXACT)


def places(number: Decimal) -> int:
    """How many places after the point ``number`` needs (``12.50`` needs 1, ``1E+3`` none)."""
    exponent = stripped(number).as_tuple().exponent
    return max(0, -exponent) if isinstance(exponent, int) and number else 0


def too_large(number: Decimal) -> bool:
    """Whether ``number`` has more than :data:`DECIMAL_DIGITS` digits before the point (or is
    not finite): no type of the engine holds it."""
    return not number.is_finite() or number.copy_abs() >= _DECIMAL_LIMIT


_DECIMAL_LIMIT = Decimal(10) ** DECIMAL_DIGITS
