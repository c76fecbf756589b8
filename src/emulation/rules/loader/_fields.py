"""The loader's problem collector and its typed field readers.

Each reader takes the table a field sits in and the field's TOML path, reports what is wrong
with the field to the :class:`Collector` and returns the value, or None when there is none
worth building on (the caller goes on reading, so every problem is found in one pass).
"""

from __future__ import annotations

import datetime as dt
import keyword
import re
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from emulation.errors import Problem, suggest
from emulation.lang.checker import Checker
from emulation.lang.limits import value_problem
from emulation.lang.nodes import Node
from emulation.lang.scope import Scope
from emulation.rules.model import Label, ParameterValue
from emulation.types import ValueType, within_scale

#: The form of every name a ruleset gives: facts, parameters, awards, rule ids.
NAME = re.compile(r"^[a-z][a-z0-9_]*$")


class Collector:
    """The problems of one ruleset file, each located by TOML path and, when it can be
    found, line."""

    def __init__(self, source: str, text: str) -> None:
        self.source = source
        self.lines = text.splitlines()
        self.problems: list[Problem] = []

    def add(
        self,
        location: str,
        message: str,
        column: int | None = None,
        find: str | None = None,
        code: str = "",
    ) -> None:
        """Report ``message`` at ``location``; ``find`` is the offending text, to find the line;
        ``code`` the problem's stable name, where one is assigned."""
        self.problems.append(
            Problem(
                file=self.source,
                location=location,
                line=self.line_of(find, location),
                column=column,
                message=message,
                code=code,
            )
        )

    def line_of(self, needle: str | None, location: str) -> int | None:
        """The first line holding ``needle`` (the offending text), when it can be found."""
        if needle:
            first = needle.strip().splitlines()[0] if needle.strip() else needle
            hits = [n for n, line in enumerate(self.lines, start=1) if first in line]
            key = location.rsplit(".", 1)[-1].split("[")[0] if location else ""
            keyed = [n for n in hits if key and self.lines[n - 1].lstrip().startswith(key)]
            found = keyed or hits
            return found[0] if found else None
        return None


def check_unknown_keys(out: Collector, where: str, table: Any, allowed: set[str]) -> None:
    """Report each key of ``table`` not in ``allowed``, with the nearest allowed one."""
    if not isinstance(table, dict):
        return
    for key in table:
        if key not in allowed:
            location = f"{where}.{key}" if where else key
            out.add(location, f'unknown key "{key}"{suggest(key, allowed)}', find=f"{key} =")


def read_table(
    out: Collector, document: Mapping[str, Any], key: str, required: bool = True
) -> dict[str, Any]:
    """The table ``[key]`` of ``document`` (empty when missing or not a table)."""
    value = document.get(key)
    if value is None:
        if required:
            out.add(key, f"missing table [{key}]")
        return {}
    if not isinstance(value, dict):
        out.add(key, f"[{key}] must be a table")
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
            out.add(path, "required text is missing")
        return None
    if not isinstance(value, str) or not value.strip():
        out.add(path, f"expected non-empty text, got {value!r}")
        return None
    if pattern and not pattern.match(value):
        out.add(path, f"{value!r} is not valid{': ' + hint if hint else ''}")
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
            out.add(path, "required date is missing (YYYY-MM-DD, unquoted)")
        return None
    if not isinstance(value, dt.date) or isinstance(value, dt.datetime):
        out.add(path, f"expected a TOML date such as 2024-01-01 (unquoted), got {value!r}")
        return None
    return value


def read_label(
    out: Collector, table: Mapping[str, Any], path: str, required: bool = True
) -> Label | None:
    """A ``{ vi = "…", en = "…" }`` label with both texts."""
    key = path.rsplit(".", 1)[-1]
    value = table.get(key)
    if value is None:
        if required:
            out.add(path, 'missing label: write { vi = "…", en = "…" }')
        return None
    if (
        not isinstance(value, dict)
        or set(value) != {"vi", "en"}
        or not all(isinstance(v, str) and v.strip() for v in value.values())
    ):
        out.add(path, 'expected { vi = "…", en = "…" } with both texts')
        return None
    return Label(vi=value["vi"], en=value["en"])


def read_choice(
    out: Collector, table: Mapping[str, Any], path: str, choices: tuple[Any, ...]
) -> Any:
    """One of ``choices`` (required)."""
    key = path.rsplit(".", 1)[-1]
    value = table.get(key)
    if value not in choices:
        got = "missing" if value is None else f"got {value!r}"
        hint = suggest(value, [str(c) for c in choices]) if isinstance(value, str) else ""
        out.add(path, f"expected one of {list(choices)}, {got}{hint}")
        return None
    return value


def check_identifier(out: Collector, where: str, name: str) -> bool:
    """Whether ``name`` is a valid lower_snake_case name (reported when it is not)."""
    if not NAME.match(name) or keyword.iskeyword(name) or name in ("true", "false"):
        out.add(where, f'"{name}" is not a valid name: use lower_snake_case letters, digits and _')
        return False
    return True


def read_value(
    out: Collector, path: str, value: Any, kind: str, values: tuple[str, ...]
) -> ParameterValue | None:
    """``value`` as a value of type ``kind`` (``values``: the allowed ones of an enum);
    decimals are written as text or whole numbers and are exact to 6 places."""
    too_large = value_problem(value, kind)
    if too_large is not None:
        out.add(path, too_large, code="literal_out_of_range")
        return None
    if kind == "bool" and isinstance(value, bool):
        return value
    if kind == "int" and isinstance(value, int) and not isinstance(value, bool):
        return value
    if kind == "decimal":
        if isinstance(value, int) and not isinstance(value, bool):
            return Decimal(value)
        if isinstance(value, str):
            try:
                number = Decimal(value)
            except ArithmeticError:
                number = None
            if number is not None and number.is_finite():
                if not within_scale(number):
                    out.add(
                        path, f'"{value}" has more than 6 decimal places; decimals are exact to 6'
                    )
                    return None
                return number
        if isinstance(value, float):
            out.add(path, f'write decimals as text so they stay exact, e.g. "{value}"')
            return None
    if kind == "text" and isinstance(value, str):
        return value
    if kind == "enum" and isinstance(value, str) and value in values:
        return value
    out.add(path, f"{value!r} is not a valid {kind} value")
    return None


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
        out.add(at, error.message + hint, column=error.column, find=text, code=error.code)
    return node
