"""Readers for the two documented input forms: one nested JSON document, a folder of CSV tables.

Each gives the frames of the six tables by name, every row carrying its origin (file and row,
or JSON path); :meth:`~emulation.Population.from_frames` validates them. The JSON Schema of the
nested form ships as ``emulation/schemas/population.schema.json``.
"""

from __future__ import annotations

import csv
import math
from decimal import Decimal
from pathlib import Path
from typing import Any

import polars as pl

from emulation.data.cast import DECIMAL_DIGITS, explain, too_large, written
from emulation.data.decode import encoding_problem, repeated_members
from emulation.data.frames import facts_frame, text_frame
from emulation.data.schema import (
    ORIGIN,
    RESERVED_FACT_NAMES,
    SCHEMAS,
    TABLES,
    absent_table,
)
from emulation.errors import DataError, PeriodError, Problem
from emulation.i18n import Message, said
from emulation.period import Period

#: The value of the ``format`` member of the JSON form, required in a file or a text.
JSON_FORMAT = "emulation.population/1"


_NESTED = ("evidence", "awards", "service", "discipline", "registrations", "votes")
_SUBJECT_KEYS = set(SCHEMAS["subjects"]) | {"facts", *_NESTED}
_TEXT_KEYS = ("id", "kind", "name", "parent", "cluster", "gender", "staff_category", "level")


def json_frames(
    document: Any, source: str, *, require_format: bool = False
) -> dict[str, pl.DataFrame]:
    """The six frames of a parsed JSON document of the nested form.

    ``require_format``: the document must name its form in ``format`` (true for a file or a
    text; a document built in memory by a program may leave it out).
    """
    problems: list[Problem] = []
    if not isinstance(document, dict) or not isinstance(document.get("subjects"), list):
        raise DataError(
            [
                Problem(
                    file=source,
                    message=Message('expected an object with a "subjects" list'),
                    code="not_a_population",
                )
            ]
        )
    _check_repeats(document, source, "", problems)
    top = sorted(set(document) - {"format", "subjects"})
    if top:
        problems.append(
            Problem(
                file=source,
                message=Message(
                    'unknown top-level members {top}; expected "format" and "subjects"', top=top
                ),
                code="unknown_member",
            )
        )
    if "format" not in document:
        if require_format:
            problems.append(
                Problem(
                    file=source,
                    location="format",
                    message=Message(
                        'missing; the document must begin with "format": "{json_format}"',
                        json_format=JSON_FORMAT,
                    ),
                    code="missing_format",
                )
            )
    elif document["format"] != JSON_FORMAT:
        problems.append(
            Problem(
                file=source,
                location="format",
                message=Message(
                    "expected {json_format}, got {format}",
                    json_format=repr(JSON_FORMAT),
                    format=repr(document["format"]),
                ),
                code="unknown_format",
            )
        )
    rows: dict[str, list[dict[str, Any]]] = {table: [] for table in TABLES}
    fact_origins: list[str] = []
    for index, entry in enumerate(document["subjects"]):
        where = f"subjects[{index}]"
        if not _shaped(entry, dict, Message("an object"), source, where, problems):
            continue
        _check_repeats(entry, source, where, problems)
        _read_subject(entry, rows["subjects"], problems, source, where)
        _read_facts(entry, rows["facts"], fact_origins, problems, source, where)
        for table in _NESTED:
            _read_nested(table, entry, rows[table], problems, source, where)
    if problems:
        raise DataError(problems)
    frames = {table: text_frame(table, rows[table]) for table in TABLES if table != "facts"}
    frames["facts"] = facts_frame(rows["facts"], fact_origins)
    return frames


def _check_repeats(value: Any, source: str, where: str, problems: list[Problem]) -> None:
    for name in repeated_members(value):
        problems.append(
            Problem(
                file=source,
                location=f"{where}.{name}" if where else name,
                message=Message("member given more than once; JSON keeps only the last"),
                code="repeated_member",
            )
        )


def _check_value(value: Any, source: str, location: str, problems: list[Problem]) -> bool:
    """Whether ``value`` is a single value the engine can hold; a located problem if not.

    A list or an object is not a single value; ``NaN`` and the infinities (which Python's
    parser admits, JSON does not) are not numbers; a number of more than
    :data:`~emulation.data.cast.DECIMAL_DIGITS` digits before the point fits no type of the
    engine. Everything else is judged by the casting rules once its type is known.
    """
    if isinstance(value, (dict, list)):
        kind = Message("an object") if isinstance(value, dict) else Message("a list")
        problems.append(
            Problem(
                file=source,
                location=location,
                message=Message("expected a single value, got {kind}", kind=kind),
                code="not_a_scalar",
            )
        )
        return False
    if isinstance(value, float) and not math.isfinite(value):
        code, reason = explain(value, numeric=True, whole=False)
        problems.append(
            Problem(
                file=source,
                location=location,
                message=Message("{value}: {reason}", value=repr(value), reason=reason),
                code=code,
            )
        )
        return False
    number = isinstance(value, (int, Decimal)) and not isinstance(value, bool)
    if number and too_large(Decimal(value)):
        problems.append(
            Problem(
                file=source,
                location=location,
                message=Message(
                    "{value} is too large: no type of the engine holds more than {decimal_digits} digits before the decimal point",
                    value=written(value),
                    decimal_digits=DECIMAL_DIGITS,
                ),
                code="number_too_large",
            )
        )
        return False
    return True


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
                message=Message(
                    "unknown members {unknown}; expected some of {known}",
                    unknown=unknown,
                    known=sorted(_SUBJECT_KEYS),
                ),
                code="unknown_member",
            )
        )
    sid = entry.get("id")
    if not isinstance(sid, str) or not sid.strip():
        problems.append(
            Problem(
                file=source,
                location=f"{where}.id",
                message=Message("expected a non-empty text id"),
                code="wrong_type",
            )
        )
    for key in SCHEMAS["subjects"]:
        value = entry.get(key)
        if not _check_value(value, source, f"{where}.{key}", problems):
            continue
        if key in _TEXT_KEYS and value is not None and not isinstance(value, str):
            problems.append(
                Problem(
                    file=source,
                    location=f"{where}.{key}",
                    message=Message("expected text, got {value}", value=written(value)),
                    code="wrong_type",
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
    if not _shaped(
        facts, dict, Message("an object of periods"), source, f"{where}.facts", problems
    ):
        return
    _check_repeats(facts, source, f"{where}.facts", problems)
    for period, values in facts.items():
        location = f"{where}.facts.{period}"
        try:
            canonical = str(Period.parse(period))
        except PeriodError as error:
            problems.append(
                Problem(file=source, location=location, message=said(error), code="bad_period")
            )
            continue
        if not _shaped(
            values, dict, Message("an object of fact values"), source, location, problems
        ):
            continue
        _check_repeats(values, source, location, problems)
        reserved = sorted(set(values) & RESERVED_FACT_NAMES)
        if reserved:
            problems.append(
                Problem(
                    file=source,
                    location=location,
                    message=Message(
                        "{reserved} are record columns or subject attributes, not facts; give them on the subject",
                        reserved=reserved,
                    ),
                    code="reserved_fact_name",
                )
            )
            continue
        # every value is checked, so that every bad one is reported
        checked = [
            _check_value(value, source, f"{location}.{name}", problems)
            for name, value in values.items()
        ]
        if all(checked):
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
    if not _shaped(items, list, Message("a list"), source, f"{where}.{table}", problems):
        return
    columns = set(SCHEMAS[table])
    for position, item in enumerate(items):
        location = f"{where}.{table}[{position}]"
        if not _shaped(item, dict, Message("an object"), source, location, problems):
            continue
        _check_repeats(item, source, location, problems)
        extra = sorted(set(item) - columns | ({"subject"} & set(item)))
        if extra:
            problems.append(
                Problem(
                    file=source,
                    location=location,
                    message=Message(
                        "unknown members {extra}; expected some of {known}",
                        extra=extra,
                        known=sorted(columns - {"subject"}),
                    ),
                    code="unknown_member",
                )
            )
        for key in columns & set(item):
            _check_value(item[key], source, f"{location}.{key}", problems)
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
            problems.extend(absent_table(table, file))
            continue
        try:
            header = _header(file)
            separator = _other_separator(header)
            if separator is not None:
                problems.append(
                    Problem(
                        file=f"{file}: row 1",
                        message=Message(
                            "the columns are separated by {separator}, not by commas: save the "
                            'table again as CSV with commas (in Excel: "CSV UTF-8")',
                            separator=repr(separator),
                        ),
                        code="wrong_delimiter",
                    )
                )
                continue
            repeated = sorted({name for name in header if header.count(name) > 1})
            frame = pl.read_csv(file, infer_schema=False, encoding="utf8") if not repeated else None
        except UnicodeDecodeError:
            problems.append(encoding_problem(file))
            continue
        except (pl.exceptions.PolarsError, OSError, csv.Error) as error:
            if isinstance(error, pl.exceptions.ComputeError) and "utf-8" in str(error).lower():
                problems.append(encoding_problem(file))
                continue
            first = (
                str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
            )
            problems.append(
                Problem(
                    file=str(file),
                    message=Message("cannot read CSV: {first}", first=first),
                    code="unreadable_csv",
                )
            )
            continue
        if frame is None:
            problems.append(
                Problem(
                    file=f"{file}: row 1",
                    message=Message("columns {repeated} given more than once", repeated=repeated),
                    code="duplicate_column",
                )
            )
            continue
        frames[table] = (
            frame.with_row_index("_row", offset=2)
            .with_columns(pl.format("{}: row {}", pl.lit(str(file)), pl.col("_row")).alias(ORIGIN))
            .drop("_row")
        )
    if problems:
        raise DataError(problems)
    return frames


#: Separators a spreadsheet may write instead of commas (a semicolon where the decimal mark
#: is a comma, as in Vietnamese settings).
_OTHER_SEPARATORS = (";", "\t", "|")


def _other_separator(header: list[str]) -> str | None:
    """The separator a one-column header is really split by, when it is not a comma."""
    if len(header) != 1:
        return None
    found = [sep for sep in _OTHER_SEPARATORS if sep in header[0]]
    return found[0] if found else None


def _header(file: Path) -> list[str]:
    """The column names of the first row of ``file``, as written (trimmed)."""
    with file.open(encoding="utf-8-sig", newline="") as stream:
        first = next(csv.reader(stream), [])
    return [name.strip() for name in first]


def _shaped(
    value: Any, shape: type, what: str, source: str, location: str, problems: list[Problem]
) -> bool:
    """Whether ``value`` is of ``shape`` (a JSON object or list); if not, a ``wrong_shape``
    problem saying ``expected <what>`` at ``location``."""
    if isinstance(value, shape):
        return True
    problems.append(
        Problem(
            file=source,
            location=location,
            message=Message("expected {what}", what=what),
            code="wrong_shape",
        )
    )
    return False
