"""The loader's problem collector and its typed field readers.

Each reader takes the table a field sits in and the field's TOML path, reports what is wrong
with the field to the :class:`Collector` and returns the value, or None when there is none
worth building on (the caller goes on reading, so every problem is found in one pass).
"""

from __future__ import annotations

import datetime as dt
import json
import keyword
import re
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from emulation.errors import suggest
from emulation.i18n import Message
from emulation.lang.checker import Checker
from emulation.lang.nodes import Node
from emulation.lang.scope import Scope
from emulation.rules.loader._collector import (
    Collector as Collector,  # re-exported: the readers' callers import it here
)
from emulation.rules.model import Label, ParameterValue
from emulation.types import DECIMAL_SCALE, ValueType, within_scale

#: The form of every name a ruleset gives: facts, parameters, awards, rule ids.
NAME = re.compile(r"^[a-z][a-z0-9_]*$")


#: The longest text quoted back in a message, in characters.
MAX_SHOWN = 60

#: The longest name (fact, parameter, award, rule, service) or ruleset id, in characters.
#: Names are typed in expressions and shown in every decision; the longest bundled one is
#: under 40 characters.
MAX_NAME = 100


def shown(value: Any) -> str:
    """``value`` as it was written in TOML, shortened: text in double quotes, ``true``,
    dates as dates; an array or a table by its kind, never its whole content."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        text = json.dumps(value, ensure_ascii=False)
        return text if len(text) <= MAX_SHOWN else text[: MAX_SHOWN - 2] + '…"'
    if isinstance(value, int):
        return str(value) if abs(value) < 10**30 else Message("a very large integer")
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, list):
        if len(value) == 1:
            return Message("an array of 1 item")
        return Message("an array of {count} items", count=len(value))
    if isinstance(value, dict):
        return Message("a table")
    return type(value).__name__


#: How a label is written, quoted in the messages about labels.
_LABEL = '{ vi = "…", en = "…" }'


def _too_long(value: Any) -> Message:
    return Message("{value} is longer than {most} characters", value=shown(value), most=MAX_NAME)


def _one_of(choices: tuple[Any, ...], value: Any, hint: str = "") -> Message:
    return Message(
        "expected one of {choices}, got {value}{hint}",
        choices=list(choices),
        value=shown(value),
        hint=hint,
    )


def _whole(least: int, value: Any) -> Message:
    return Message(
        "expected a whole number ≥ {least}, got {value}", least=least, value=shown(value)
    )


def check_unknown_keys(out: Collector, where: str, table: Any, allowed: set[str]) -> None:
    """Report each key of ``table`` not in ``allowed``, with the nearest allowed one."""
    if not isinstance(table, dict):
        return
    for key in table:
        if key not in allowed:
            location = f"{where}.{key}" if where else key
            out.add(
                location,
                ""
                if out.full
                else Message("unknown key {key}{hint}", key=shown(key), hint=suggest(key, allowed)),
                find=f"{key} =",
                code="unknown_key",
            )


def read_table(
    out: Collector, document: Mapping[str, Any], key: str, required: bool = True
) -> dict[str, Any]:
    """The table ``[key]`` of ``document`` (empty when missing or not a table)."""
    value = document.get(key)
    if value is None:
        if required:
            out.add(key, Message("missing table [{key}]", key=key), code="missing_key")
        return {}
    if not isinstance(value, dict):
        out.add(
            key,
            Message("[{key}] must be a table, got {value}", key=key, value=shown(value)),
            code="wrong_type",
        )
        return {}
    return value


def read_text(
    out: Collector,
    table: Mapping[str, Any],
    path: str,
    required: bool = True,
    pattern: re.Pattern[str] | None = None,
    hint: str = "",
) -> str | None:
    """A non-empty text, matching ``pattern`` when given (``hint`` says what it expects)."""
    key = path.rsplit(".", 1)[-1]
    value = table.get(key)
    if value is None:
        if required:
            out.add(path, Message("required text is missing"), code="missing_key")
        return None
    if not isinstance(value, str):
        out.add(path, Message("expected text, got {value}", value=shown(value)), code="wrong_type")
        return None
    if not value.strip():
        out.add(path, Message("expected non-empty text"), code="invalid_value")
        return None
    if pattern and len(value) > MAX_NAME:
        out.add(path, _too_long(value), code="too_long")
        return None
    if pattern and not pattern.match(value):
        if hint:
            message = Message("{value} is not valid: {hint}", value=shown(value), hint=hint)
        else:
            message = Message("{value} is not valid", value=shown(value))
        out.add(path, message, code="invalid_value")
        return None
    return value


def read_date(
    out: Collector, table: Mapping[str, Any], path: str, required: bool = True
) -> dt.date | None:
    """A TOML date (not a date-time, not quoted)."""
    key = path.rsplit(".", 1)[-1]
    value = table.get(key)
    if value is None:
        if required:
            out.add(
                path,
                Message("required date is missing (YYYY-MM-DD, unquoted)"),
                code="missing_key",
            )
        return None
    if not isinstance(value, dt.date) or isinstance(value, dt.datetime):
        out.add(
            path,
            Message(
                "expected a TOML date such as 2024-01-01 (unquoted), got {value}",
                value=shown(value),
            ),
            code="wrong_type",
        )
        return None
    return value


def read_label(
    out: Collector, table: Mapping[str, Any], path: str, required: bool = True
) -> Label | None:
    """A ``{ vi = "…", en = "…" }`` label with both texts; each text's mistake is reported
    at its own path (``….label.vi``)."""
    key = path.rsplit(".", 1)[-1]
    value = table.get(key)
    if value is None:
        if required:
            out.add(path, Message("missing label: write {form}", form=_LABEL), code="missing_key")
        return None
    if not isinstance(value, dict):
        out.add(
            path,
            Message("expected {form}, got {value}", form=_LABEL, value=shown(value)),
            code="wrong_type",
        )
        return None
    check_unknown_keys(out, path, value, {"vi", "en"})
    vi = read_text(out, value, f"{path}.vi")
    en = read_text(out, value, f"{path}.en")
    if vi is None or en is None or set(value) != {"vi", "en"}:
        return None
    return Label(vi=vi, en=en)


def read_choice(
    out: Collector,
    table: Mapping[str, Any],
    path: str,
    choices: tuple[Any, ...],
    default: Any = None,
) -> Any:
    """One of ``choices``; ``default`` when missing (required when ``default`` is None)."""
    key = path.rsplit(".", 1)[-1]
    value = table.get(key, default)
    if value in choices and type(value) is type(choices[0]):
        return value
    if value is None:
        out.add(
            path,
            Message("expected one of {choices}, missing", choices=list(choices)),
            code="missing_key",
        )
    elif not isinstance(value, type(choices[0])):
        out.add(path, _one_of(choices, value), code="wrong_type")
    else:
        hint = suggest(value, [str(c) for c in choices]) if isinstance(value, str) else ""
        out.add(
            path,
            _one_of(choices, value, hint),
            code="invalid_value",
        )
    return None


def read_flag(out: Collector, table: Mapping[str, Any], path: str, default: bool) -> bool:
    """``true`` or ``false``; ``default`` when missing or wrong (reported)."""
    value = table.get(path.rsplit(".", 1)[-1], default)
    if not isinstance(value, bool):
        out.add(
            path,
            Message("expected true or false, got {value}", value=shown(value)),
            code="wrong_type",
        )
        return default
    return value


def read_whole(
    out: Collector, table: Mapping[str, Any], path: str, default: int | None, least: int
) -> int | None:
    """A whole number ≥ ``least``; ``default`` when missing (required when None)."""
    value = table.get(path.rsplit(".", 1)[-1], default)
    if value is None:
        out.add(
            path,
            Message("expected a whole number ≥ {least}, missing", least=least),
            code="missing_key",
        )
    elif not isinstance(value, int) or isinstance(value, bool):
        out.add(path, _whole(least, value), code="wrong_type")
    elif value < least:
        out.add(path, _whole(least, value), code="invalid_value")
    else:
        return value
    return None


def check_identifier(out: Collector, where: str, name: str) -> bool:
    """Whether ``name`` is a valid lower_snake_case name (reported when it is not)."""
    if len(name) > MAX_NAME:
        out.add(where, _too_long(name), code="too_long")
        return False
    if not NAME.match(name) or keyword.iskeyword(name) or name in ("true", "false"):
        out.add(
            where,
            Message(
                "{name} is not a valid name: use lower_snake_case letters, digits and _",
                name=shown(name),
            ),
            code="invalid_name",
        )
        return False
    return True


#: The magnitude every decimal stays below: Polars' ``Decimal(38, 6)`` holds 32 digits before
#: the point.
DECIMAL_BOUND = Decimal(10) ** (38 - DECIMAL_SCALE)

#: What each value type accepts as written in TOML.
_WRITTEN_AS: dict[str, tuple[type, ...]] = {
    "bool": (bool,),
    "int": (int,),
    "decimal": (str, int),
    "text": (str,),
    "enum": (str,),
}


def read_value(
    out: Collector, path: str, value: Any, kind: str, values: tuple[str, ...]
) -> ParameterValue | None:
    """``value`` as a value of type ``kind`` (``values``: the allowed ones of an enum);
    decimals are written as text or whole numbers and are exact to 6 places."""
    accepted = _WRITTEN_AS.get(kind, ())
    if isinstance(value, bool) != (kind == "bool") or not isinstance(value, accepted):
        if kind == "decimal" and isinstance(value, float):
            message = Message(
                'write decimals as text so they stay exact, e.g. "{value}"', value=shown(value)
            )
        else:
            message = Message("{value} is not a valid {kind} value", value=shown(value), kind=kind)
        out.add(path, message, code="wrong_type")
        return None
    written: Any = value  # of a type ``kind`` accepts
    if kind == "decimal":
        try:
            number = Decimal(written)
        except ArithmeticError:
            number = None
        if number is None or not number.is_finite():
            out.add(
                path,
                Message("{value} is not a valid decimal value", value=shown(value)),
                code="invalid_value",
            )
            return None
        if not within_scale(number):
            out.add(
                path,
                Message(
                    "{value} has more than {scale} decimal places; decimals are exact to {scale}",
                    value=shown(value),
                    scale=DECIMAL_SCALE,
                ),
                code="inexact_decimal",
            )
            return None
        if abs(number) >= DECIMAL_BOUND:
            out.add(
                path,
                Message(
                    "{value} is too large: decimals have at most {digits} digits before the point",
                    value=shown(value),
                    digits=38 - DECIMAL_SCALE,
                ),
                code="out_of_range",
            )
            return None
        return number
    if kind == "enum" and written not in values:
        out.add(
            path,
            Message(
                "{value} is not one of {values}{hint}",
                value=shown(written),
                values=list(values),
                hint=suggest(written, values),
            ),
            code="invalid_value",
        )
        return None
    result: ParameterValue = written
    return result


def read_expression(
    out: Collector,
    at: str,
    text: str,
    scope: Scope,
    expect: ValueType | None,
    hint: str = "",
) -> Node | None:
    """Check one expression of the rule language; report each problem at ``at`` with its
    column (and ``hint`` appended)."""
    checker = Checker(text, scope)
    node = checker.check(expect)
    for error in checker.errors:
        code = getattr(error, "code", "") or "invalid_expression"
        message = (
            Message("{error}{hint}", error=error.message, hint=hint) if hint else error.message
        )
        out.add(at, message, column=error.column, find=text, code=code)
    return node
