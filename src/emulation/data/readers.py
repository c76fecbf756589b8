"""Readers for the two documented input forms: one nested JSON document, a folder of CSV tables.

Both end in :meth:`Population.from_frames`, which validates every row and reports each problem
with its file and row (CSV) or JSON path.
"""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import polars as pl

from emulation.data.population import ORIGIN, SCHEMAS, TABLES, Population, facts_frame
from emulation.errors import DataError, PeriodError, Problem
from emulation.period import Period

#: The value of the optional ``format`` member of the JSON form.
JSON_FORMAT = "emulation.population/1"

_NESTED = ("evidence", "awards", "service", "discipline")

#: Names a fact may not take: columns of the records and attributes of the subject.
RESERVED_FACT_NAMES = frozenset(
    {
        "id",
        "kind",
        "name",
        "parent",
        "subject",
        "period",
        "cluster",
        "gender",
        "birth_year",
        "staff_category",
        "hardship_area",
    }
)
_SUBJECT_KEYS = set(SCHEMAS["subjects"]) | {"facts", *_NESTED}


def read_json_file(path: Path) -> Population:
    """Read the nested JSON form from ``path``."""
    try:
        raw = path.read_bytes()
    except OSError as error:
        raise DataError(
            [Problem(file=str(path), message=f"cannot read: {error.strerror}")]
        ) from None
    try:
        document = json.loads(raw.decode("utf-8"), parse_float=Decimal)
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
    return population_from_json(document, str(path))


def population_from_json(document: Any, source: str) -> Population:
    """Build a population from a parsed JSON document of the nested form."""
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
        for key in ("id", "kind", "name", "parent", "cluster", "gender", "staff_category"):
            value = entry.get(key)
            if value is not None and not isinstance(value, str):
                problems.append(
                    Problem(
                        file=source,
                        location=f"{where}.{key}",
                        message=f"expected text, got {value!r}",
                    )
                )
        subject = {key: entry.get(key) for key in SCHEMAS["subjects"]}
        subject[ORIGIN] = f"{source}: {where}"
        rows["subjects"].append(subject)
        facts = entry.get("facts", {})
        if not isinstance(facts, dict):
            problems.append(
                Problem(
                    file=source, location=f"{where}.facts", message="expected an object of periods"
                )
            )
            facts = {}
        for period, values in facts.items():
            try:
                canonical = str(Period.parse(period))
            except PeriodError as error:
                problems.append(
                    Problem(file=source, location=f"{where}.facts.{period}", message=str(error))
                )
                continue
            reserved = sorted(set(values) & RESERVED_FACT_NAMES) if isinstance(values, dict) else []
            if reserved:
                problems.append(
                    Problem(
                        file=source,
                        location=f"{where}.facts.{period}",
                        message=f"{reserved} are record columns or subject attributes, not facts; "
                        "give them on the subject",
                    )
                )
                continue
            if not isinstance(values, dict):
                problems.append(
                    Problem(
                        file=source,
                        location=f"{where}.facts.{period}",
                        message="expected an object of fact values",
                    )
                )
                continue
            rows["facts"].append({**values, "subject": sid, "period": canonical})
            fact_origins.append(f"{source}: {where}.facts.{period}")
        for table in _NESTED:
            items = entry.get(table, [])
            if not isinstance(items, list):
                problems.append(
                    Problem(file=source, location=f"{where}.{table}", message="expected a list")
                )
                continue
            for position, item in enumerate(items):
                location = f"{where}.{table}[{position}]"
                if not isinstance(item, dict):
                    problems.append(
                        Problem(file=source, location=location, message="expected an object")
                    )
                    continue
                extra = sorted(set(item) - set(SCHEMAS[table]) | ({"subject"} & set(item)))
                if extra:
                    problems.append(
                        Problem(
                            file=source,
                            location=location,
                            message=f"unknown members {extra}; expected some of {sorted(set(SCHEMAS[table]) - {'subject'})}",
                        )
                    )
                record = {key: item.get(key) for key in SCHEMAS[table]}
                record["subject"] = sid
                record[ORIGIN] = f"{source}: {location}"
                rows[table].append(record)
    if problems:
        raise DataError(problems)
    frames = {table: _text_frame(table, rows[table]) for table in TABLES if table != "facts"}
    frames["facts"] = facts_frame(rows["facts"], fact_origins)
    return Population.from_frames(source, **frames)


def _text_frame(table: str, rows: list[dict[str, Any]]) -> pl.DataFrame:
    """Columns as text (numbers and booleans as JSON wrote them); the validator casts them."""
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


def read_csv_dir(path: Path) -> Population:
    """Read a folder holding ``subjects.csv``, ``facts.csv`` and optionally the other tables."""
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
        frame = (
            frame.with_row_index("_row", offset=2)
            .with_columns(pl.format("{}: row {}", pl.lit(str(file)), pl.col("_row")).alias(ORIGIN))
            .drop("_row")
        )
        frames[table] = frame
    if problems:
        raise DataError(problems)
    return Population.from_frames(str(path), **frames)
