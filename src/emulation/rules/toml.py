"""The one module that reads TOML (``tomllib`` on Python 3.11+, ``tomli`` before).

A ruleset is written by hand, so the reader refuses what no hand writes, with our own located
error and before anything else looks at the document: a file over :data:`MAX_TOML_BYTES`,
nesting deeper than :data:`MAX_TOML_DEPTH`, and an integer outside the 64 bits TOML allows.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path
from typing import Any

from emulation.errors import Problem, RulesetError
from emulation.i18n import Message, os_reason

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on Python 3.10 only
    import tomli as tomllib

#: The largest TOML file read, in bytes (10 MiB). The largest bundled file is under 40 KB;
#: this is hundreds of times more, and keeps the time and memory of a load bounded.
MAX_TOML_BYTES = 10 * 1024 * 1024

#: The deepest nesting of tables and arrays read. The deepest path of the ruleset format is
#: six levels (``awards.ID.quota.rank[0].expr``) and of a case file fewer; 32 leaves room
#: and stops documents built to exhaust the stack of whatever walks them.
MAX_TOML_DEPTH = 32

#: The range of a TOML integer (the TOML specification: 64-bit signed).
INT64_MIN, INT64_MAX = -(2**63), 2**63 - 1


def read_toml(path: Path) -> tuple[dict[str, Any], bytes]:
    """The parsed document and the raw bytes of ``path``; our own error on any failure."""
    try:
        with path.open("rb") as file:
            raw = file.read(MAX_TOML_BYTES + 1)
    except OSError as error:
        raise RulesetError(
            [
                Problem(
                    file=str(path),
                    message=Message("cannot read: {reason}", reason=os_reason(error)),
                    code="unreadable",
                )
            ]
        ) from None
    return parse_toml(raw, str(path)), raw


def parse_toml(raw: bytes, source: str) -> dict[str, Any]:
    """Parse TOML bytes; decode and syntax errors, and documents over the limits of this
    module, become a located :class:`RulesetError`."""
    if len(raw) > MAX_TOML_BYTES:
        raise _error(
            source,
            f"the file is larger than {MAX_TOML_BYTES // (1024 * 1024)} MiB, the most read",
            code="too_large",
        )
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        bad = raw[: error.start].count(b"\n") + 1
        raise _error(source, "not UTF-8 text", code="not_utf8", line=bad) from None
    try:
        document: dict[str, Any] = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        message = str(error)
        line: int | None = getattr(error, "lineno", None)
        column: int | None = getattr(error, "colno", None)
        if line is None:
            match = re.search(r"\(at line (\d+), column (\d+)\)", message)
            if match:
                line, column = int(match.group(1)), int(match.group(2))
        message = message.split(" (at line")[0]
        raise _error(
            source,
            Message("invalid TOML: {problem}", problem=message),
            code="invalid_toml",
            line=line,
            column=column,
        ) from None
    except RecursionError:
        raise _error(
            source,
            f"arrays or inline tables nested too deeply (at most {MAX_TOML_DEPTH} levels)",
            code="too_deep",
        ) from None
    except ValueError:
        # Python refuses to convert an integer of thousands of digits
        digits = re.search(r"[0-9a-fA-F_]{1000,}", text)
        raise _error(
            source,
            "integer outside the 64-bit range TOML allows (thousands of digits)",
            code="out_of_range",
            line=text.count("\n", 0, digits.start()) + 1 if digits else None,
        ) from None
    problem = _beyond_limits(document, source)
    if problem is not None:
        raise RulesetError([problem])
    return document


def _beyond_limits(document: dict[str, Any], source: str) -> Problem | None:
    """The first place, in document order, nested deeper than :data:`MAX_TOML_DEPTH` or
    holding an integer outside 64 bits; walked without recursion."""
    stack: list[tuple[str, int, Any]] = [("", 0, document)]
    while stack:
        path, depth, value = stack.pop()
        if isinstance(value, dict | list):
            if depth >= MAX_TOML_DEPTH:
                return Problem(
                    file=source,
                    location=path,
                    message=Message(
                        "tables or arrays nested more than {most} levels deep",
                        most=MAX_TOML_DEPTH,
                    ),
                    code="too_deep",
                )
            items = (
                [(f"{path}.{key}" if path else str(key), item) for key, item in value.items()]
                if isinstance(value, dict)
                else [(f"{path}[{index}]", item) for index, item in enumerate(value)]
            )
            stack.extend((where, depth + 1, item) for where, item in reversed(items))
        elif isinstance(value, int) and not INT64_MIN <= value <= INT64_MAX:
            return Problem(
                file=source,
                location=path,
                message=Message(
                    "integer outside the 64-bit range TOML allows ({least} to {most})",
                    least=INT64_MIN,
                    most=INT64_MAX,
                ),
                code="out_of_range",
            )
    return None


def _error(
    source: str, message: str, *, code: str, line: int | None = None, column: int | None = None
) -> RulesetError:
    return RulesetError(
        [Problem(file=source, line=line, column=column, message=message, code=code)]
    )
