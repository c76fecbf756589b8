"""The one module that reads TOML (``tomllib`` on Python 3.11+, ``tomli`` before)."""

from __future__ import annotations

import re
import sys
from pathlib import Path
from typing import Any

from emulation.errors import Problem, RulesetError

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on Python 3.10 only
    import tomli as tomllib


def read_toml(path: Path) -> tuple[dict[str, Any], bytes]:
    """The parsed document and the raw bytes of ``path``; our own error on any failure."""
    try:
        raw = path.read_bytes()
    except OSError as error:
        raise RulesetError(
            [Problem(file=str(path), message=f"cannot read: {error.strerror}")]
        ) from None
    return parse_toml(raw, str(path)), raw


def parse_toml(raw: bytes, source: str) -> dict[str, Any]:
    """Parse TOML bytes; decode and syntax errors become a located :class:`RulesetError`."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        raise RulesetError(
            [
                Problem(
                    file=source,
                    line=raw[: error.start].count(b"\n") + 1,
                    message="not UTF-8 text",
                )
            ]
        ) from None
    try:
        document: dict[str, Any] = tomllib.loads(text)
        return document
    except tomllib.TOMLDecodeError as error:
        message = str(error)
        line: int | None = getattr(error, "lineno", None)
        column: int | None = getattr(error, "colno", None)
        if line is None:
            match = re.search(r"\(at line (\d+), column (\d+)\)", message)
            if match:
                line, column = int(match.group(1)), int(match.group(2))
        message = message.split(" (at line")[0]
        raise RulesetError(
            [Problem(file=source, line=line, column=column, message=f"invalid TOML: {message}")]
        ) from None
