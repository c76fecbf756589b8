"""JSON text → a parsed document, with every way the parsing itself can fail made a located
:class:`~emulation.errors.DataError`.

Numbers with a fraction are read as exact decimals, whole numbers of any length exactly, an
object that repeats a member is marked so that the reader can refuse it where it knows the
location, and a document nested deeper than the parser can follow is refused with the line
and column where it passes :data:`MAX_JSON_DEPTH` levels.
"""

from __future__ import annotations

import json
import re
from decimal import Decimal
from pathlib import Path
from typing import Any

from emulation.errors import DataError, Problem
from emulation.i18n import Message, os_reason

#: How deep a JSON document may nest before it is refused as such (the form itself needs 5
#: levels: document, subjects, subject, facts, period). Only reported when the parser gives up
#: (Python's JSON parser stops at about 1,000 levels); shallower extra nesting is refused by
#: the shape checks (a fact value must be a single value).
MAX_JSON_DEPTH = 100
_LONGEST_INT = 40


def load_json(path: Path) -> Any:
    """The JSON document in the file ``path``, numbers with a fraction read as exact decimals."""
    try:
        raw = path.read_bytes()
    except OSError as error:
        raise DataError(
            [
                Problem(
                    file=str(path),
                    message=Message("cannot read: {reason}", reason=os_reason(error)),
                    code="unreadable_file",
                )
            ]
        ) from None
    try:
        # a byte-order mark is how some editors (Notepad, Excel) mark UTF-8: accepted, as in CSV
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise DataError([encoding_problem(path)]) from None
    return parse_json(text, str(path))


#: What to do about a file that is not UTF-8.
RESAVE_HINT = Message(
    'save it again as UTF-8 (in Excel: "CSV UTF-8"; in a text editor: encoding UTF-8); '
    "files written in Windows-1258, TCVN3 or UTF-16 are not read"
)

_UTF16_MARKS = (b"\xff\xfe", b"\xfe\xff")


def encoding_problem(path: Path) -> Problem:
    """The ``not_utf8`` problem of a file that could not be read as UTF-8: the line of its first
    byte that is not UTF-8 (read line by line, never the whole file at once), and how to fix
    it."""
    offset = 0
    with path.open("rb") as stream:
        for number, line in enumerate(stream, start=1):
            if number == 1 and line.startswith(_UTF16_MARKS):
                return Problem(
                    file=str(path),
                    location=Message("line {number}", number=1),
                    message=Message("UTF-16 text, not UTF-8: {hint}", hint=RESAVE_HINT),
                    code="not_utf8",
                )
            try:
                # a newline byte never occurs inside a UTF-8 sequence: lines decode alone
                line.decode("utf-8")
            except UnicodeDecodeError as error:
                byte = line[error.start : error.start + 1]
                return Problem(
                    file=str(path),
                    location=Message("line {number}", number=number),
                    message=Message(
                        "not UTF-8 text (byte {offset}, {byte}): {hint}",
                        offset=offset + error.start,
                        byte=repr(byte),
                        hint=RESAVE_HINT,
                    ),
                    code="not_utf8",
                )
            offset += len(line)
    message = Message("not UTF-8 text: {hint}", hint=RESAVE_HINT)
    return Problem(file=str(path), message=message, code="not_utf8")


def parse_json(text: str, source: str) -> Any:
    """The JSON document written in ``text``, numbers with a fraction read as exact decimals,
    whole numbers of any length read exactly (a number too long for Python's ``int`` is a
    :class:`~decimal.Decimal`), an object that repeats a member marked (see
    :func:`repeated_members`)."""
    try:
        return json.loads(text, parse_float=Decimal, parse_int=_whole, object_pairs_hook=_members)
    except json.JSONDecodeError as error:
        raise DataError(
            [
                Problem(
                    file=source,
                    location=f"line {error.lineno}",
                    column=error.colno,
                    message=Message("invalid JSON: {error_msg}", error_msg=error.msg),
                    code="invalid_json",
                )
            ]
        ) from None
    except RecursionError:
        line, column = _too_deep(text)
        raise DataError(
            [
                Problem(
                    file=source,
                    location=f"line {line}",
                    column=column,
                    message=Message(
                        "invalid JSON: nested more than {max_json_depth} levels deep (no file the engine reads needs more than a few)",
                        max_json_depth=MAX_JSON_DEPTH,
                    ),
                    code="too_deep",
                )
            ]
        ) from None


class _Members(dict[str, Any]):
    """A JSON object that repeats a member: the last value is kept, the names repeated are
    remembered so that the reader can refuse them where it knows the location."""

    repeated: tuple[str, ...] = ()


def _members(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    members = dict(pairs)
    if len(members) == len(pairs):
        return members
    marked = _Members(members)
    names = [name for name, _ in pairs]
    marked.repeated = tuple(sorted({name for name in names if names.count(name) > 1}))
    return marked


def repeated_members(value: Any) -> tuple[str, ...]:
    """The members an object of a parsed document repeats (JSON keeps only the last)."""
    return value.repeated if isinstance(value, _Members) else ()


def _whole(text: str) -> int | Decimal:
    # Python refuses to read a whole number of more than 4,300 digits: read it as a decimal,
    # which the reader then refuses as too large, with its location.
    return int(text) if len(text) <= _LONGEST_INT else Decimal(text)


def _too_deep(text: str) -> tuple[int, int]:
    """Line and column where ``text`` nests brackets more than :data:`MAX_JSON_DEPTH` deep
    (only called on a document the parser gave up on)."""
    depth = 0
    for match in re.finditer(r'"(?:[^"\\]|\\.)*"|[\[{]|[\]}]', text):
        token = match.group()
        if token in "[{":
            depth += 1
            if depth > MAX_JSON_DEPTH:
                line = text.count("\n", 0, match.start()) + 1
                return line, match.start() - (text.rfind("\n", 0, match.start()) + 1) + 1
        elif token in "]}":
            depth -= 1
    return 1, 1
