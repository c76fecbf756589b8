"""Readers for the two documented input forms: one nested JSON document, a folder of CSV tables.

Each gives the frames of the six tables by name, every row carrying its origin (file and row,
or JSON path); :meth:`~emulation.Population.from_frames` validates them. The JSON Schema of the
nested form ships as ``emulation/schemas/population.schema.json``.
"""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import polars as pl

from emulation.data.frames import facts_frame, text_frame
from emulation.data.schema import ORIGIN, RESERVED_FACT_NAMES, SCHEMAS, TABLES
from emulation.errors import DataError, PeriodError, Problem
from emulation.period import Period

#: The value of the optional ``format`` member of the JSON form.
JSON_FORMAT = "emulation.population/1"

_NESTED = ("evidence", "awards", "service", "discipline")
_SUBJECT_KEYS = set(SCHEMAS["subjects"]) | {"facts", *_NESTED}
_TEXT_KEYS = ("id", "kind", "name", "parent", "cluster", "gender", "staff_category")


def load_json(path: Path) -> Any:
    """The JSON document in the file ``path``, numbers with a fraction read as exact decimals."""
    try:
        raw = path.read_bytes()
    except OSError as error:
        raise DataError(
            [Problem(file=str(path), message=f"cannot read: {error.strerror}")]
        ) from None
    try:
        return json.loads(raw.decode("utf-8"), parse_float=Decimal)
    except UnicodeDecodeError as error:
        raise DataError(
            [Problem(file=str(path), location=f"byte {error.start}", message="not UTF-8 text")]
        ) from None
    except json.JSONDecodeError as error:
        raise DataError(
            [
                Problem(
                    file=str(path),
                    location=f"line {error.lineno}",
                    column=error.colno,
                    message=f"invalid JSON: {error.msg}",
                )
            ]
        ) from None


def parse_json(text: str, source: str) -> Any:
    """The JSON document written in ``text``, numbers with a fraction read as exact decimals."""
    try:
        return json.loads(text, parse_float=Decimal)
    except json.JSONDecodeError as error:
        raise DataError(
            [Problem(file=source, location=f"line {error.lineno}", message=error.msg)]
        ) from None


def json_frames(document: Any, source: str) -> dict[str, pl.DataFrame]:
    """The six frames of a parsed JSON document of the nested form."""
    problems: list[Problem] = []
    if not isinstance(document, dict) or not isinstance(document.get("subjects"), list):
        raise DataError([Problem(file=source, message='expected an object with a "subjects" list')])
    top = sorted(set(document) - {"format", "subjects"})
    if top:
        problems.append(
            Problem(
                file=source,
                message=f'unknown top-level members {top}; expected "format" and "subjects"',
            )
        )
    fmt = document.get("format", JSON_FORMAT)
    if fmt != JSON_FORMAT:
        problems.append(
            Problem(
                file=source, location="format", message=f"expected {JSON_FORMAT!r}, got {fmt!r}"
            )
        )
    rows: dict[str, list[dict[str, Any]]] = {table: [] for table in TABLES}
    fact_origins: list[str] = []
    for index, entry in enumerate(document["subjects"]):
        where = f"subjects[{index}]"
        if not isinstance(entry, dict):
            problems.append(Problem(file=source, location=where, message="expected an object"))
            continue
        _read_subject(entry, rows["subjects"], problems, source, where)
        _read_facts(entry, rows["facts"], fact_origins, problems, source, where)
        for table in _NESTED:
            _read_nested(table, entry, rows[table], problems, source, where)
    if problems:
        raise DataError(problems)
    frames = {table: text_frame(table, rows[table]) for table in TABLES if table != "facts"}
    frames["facts"] = facts_frame(rows["facts"], fact_origins)
    return frames


def _read_subject(
    entry: dict[str, Any],
    rows: list[dict[str, Any]],
    problems: list[Problem],
    source: str,
    where: str,
) -> None:
    unknown = sorted(set(entry) - _SUBJECT_KEYS)
    if unknown:
        problems.append(
            Problem(
                file=source,
                location=where,
                message=f"unknown members {unknown}; expected some of {sorted(_SUBJECT_KEYS)}",
            )
        )
    sid = entry.get("id")
    if not isinstance(sid, str) or not sid.strip():
        problems.append(
            Problem(file=source, location=f"{where}.id", message="expected a non-empty text id")
        )
    for key in _TEXT_KEYS:
        value = entry.get(key)
        if value is not None and not isinstance(value, str):
            problems.append(
                Problem(
                    file=source, location=f"{where}.{key}", message=f"expected text, got {value!r}"
                )
            )
    subject = {key: entry.get(key) for key in SCHEMAS["subjects"]}
    subject[ORIGIN] = f"{source}: {where}"
    rows.append(subject)


def _read_facts(
    entry: dict[str, Any],
    rows: list[dict[str, Any]],
    origins: list[str],
    problems: list[Problem],
    source: str,
    where: str,
) -> None:
    facts = entry.get("facts", {})
    if not isinstance(facts, dict):
        problems.append(
            Problem(file=source, location=f"{where}.facts", message="expected an object of periods")
        )
        return
    for period, values in facts.items():
        location = f"{where}.facts.{period}"
        try:
            canonical = str(Period.parse(period))
        except PeriodError as error:
            problems.append(Problem(file=source, location=location, message=str(error)))
            continue
        reserved = sorted(set(values) & RESERVED_FACT_NAMES) if isinstance(values, dict) else []
        if reserved:
            problems.append(
                Problem(
                    file=source,
                    location=location,
                    message=f"{reserved} are record columns or subject attributes, not facts; "
                    "give them on the subject",
                )
            )
            continue
        if not isinstance(values, dict):
            problems.append(
                Problem(file=source, location=location, message="expected an object of fact values")
            )
            continue
        rows.append({**values, "subject": entry.get("id"), "period": canonical})
        origins.append(f"{source}: {location}")


def _read_nested(
    table: str,
    entry: dict[str, Any],
    rows: list[dict[str, Any]],
    problems: list[Problem],
    source: str,
    where: str,
) -> None:
    items = entry.get(table, [])
    if not isinstance(items, list):
        problems.append(
            Problem(file=source, location=f"{where}.{table}", message="expected a list")
        )
        return
    columns = set(SCHEMAS[table])
    for position, item in enumerate(items):
        location = f"{where}.{table}[{position}]"
        if not isinstance(item, dict):
            problems.append(Problem(file=source, location=location, message="expected an object"))
            continue
        extra = sorted(set(item) - columns | ({"subject"} & set(item)))
        if extra:
            problems.append(
                Problem(
                    file=source,
                    location=location,
                    message=f"unknown members {extra}; expected some of {sorted(columns - {'subject'})}",
                )
            )
        record = {key: item.get(key) for key in SCHEMAS[table]}
        record["subject"] = entry.get("id")
        record[ORIGIN] = f"{source}: {location}"
        rows.append(record)


def csv_frames(path: Path) -> dict[str, pl.DataFrame]:
    """The frames of a folder holding ``subjects.csv``, ``facts.csv`` and optionally the other
    tables, every column as text."""
    problems: list[Problem] = []
    frames: dict[str, pl.DataFrame] = {}
    for table in TABLES:
        file = path / f"{table}.csv"
        if not file.exists():
            if table in ("subjects", "facts"):
                problems.append(Problem(file=str(file), message="required table is missing"))
            continue
        try:
            frame = pl.read_csv(file, infer_schema=False, encoding="utf8")
        except (pl.exceptions.PolarsError, OSError, UnicodeDecodeError) as error:
            problems.append(Problem(file=str(file), message=f"cannot read CSV: {error}"))
            continue
        frames[table] = (
            frame.with_row_index("_row", offset=2)
            .with_columns(pl.format("{}: row {}", pl.lit(str(file)), pl.col("_row")).alias(ORIGIN))
            .drop("_row")
        )
    if problems:
        raise DataError(problems)
    return frames
