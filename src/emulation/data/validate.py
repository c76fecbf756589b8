"""Validation of the frames: every column cast to its type, every bad value located.

:func:`validate` brings frames given by table name to the schema of :mod:`emulation.data.schema`
— required columns present, unknown columns refused, every value cast by the rules of
:mod:`emulation.data.cast`, defaults filled, enumerations checked, periods written the way
:class:`~emulation.Period` writes them — and then checks the links between the tables (unique
ids, known subjects and parents). Every problem is reported at once, with the file and row (or
JSON path) it came from.
"""

from __future__ import annotations

from collections.abc import Mapping

import polars as pl

from emulation.data.cast import cast_expression, explain, type_name, written
from emulation.data.consistency import link_problems, row_problems
from emulation.data.schema import (
    DEFAULTS,
    ENUMS,
    ORIGIN,
    REQUIRED,
    RESERVED_FACT_NAMES,
    SCHEMAS,
    TABLES,
    empty_frame,
)
from emulation.data.tree import (
    levels_of_persons,
    near_duplicates,
    normalise_names,
    tree_problems,
)
from emulation.errors import DataError, PeriodError, Problem
from emulation.i18n import Message, said
from emulation.period import Period


def validate(frames: Mapping[str, pl.DataFrame], source: str) -> dict[str, pl.DataFrame]:
    """The frames normalised to the schema, or :class:`DataError` listing every problem.

    ``subjects`` and ``facts`` are always in the result (empty when not given); the other
    tables only when given.
    """
    problems: list[Problem] = []
    unknown = sorted(set(frames) - set(TABLES))
    if unknown:
        problems.append(
            Problem(
                file=source,
                message=Message("unknown tables {tables}", tables=unknown),
                code="unknown_table",
            )
        )
    normalised: dict[str, pl.DataFrame] = {}
    for table in TABLES:
        frame = frames.get(table)
        if frame is None:
            if table in ("subjects", "facts"):
                frame = empty_frame(table)
            else:
                continue
        normalised[table] = _normalise(table, frame, source, problems)
    if not problems:
        _check_links(normalised, problems)
    if problems:
        raise DataError(problems)
    return normalised


def _normalise(
    table: str, frame: pl.DataFrame, source: str, problems: list[Problem]
) -> pl.DataFrame:
    if ORIGIN not in frame.columns:
        frame = (
            frame.with_row_index("_row", offset=1)
            .with_columns(
                pl.format("{}: {} row {}", pl.lit(source), pl.lit(table), pl.col("_row")).alias(
                    ORIGIN
                )
            )
            .drop("_row")
        )
    schema = SCHEMAS[table]
    missing = [c for c in REQUIRED[table] if c not in frame.columns]
    if missing:
        problems.append(
            Problem(
                file=source,
                location=table,
                message=Message("missing required columns {columns}", columns=missing),
                code="missing_column",
            )
        )
        return empty_frame(table)
    if table != "facts":
        extra = sorted(set(frame.columns) - set(schema) - {ORIGIN})
        if extra:
            problems.append(
                Problem(
                    file=source,
                    location=table,
                    message=Message(
                        "unknown columns {columns}; expected some of {known}",
                        columns=extra,
                        known=list(schema),
                    ),
                    code="unknown_column",
                )
            )
            return empty_frame(table)
        if frame.height == 0:  # nothing to cast or check: the table's typed empty frame
            return empty_frame(table)
        frame = frame.with_columns(
            pl.lit(None, dtype=dtype).alias(name)
            for name, dtype in schema.items()
            if name not in frame.columns
        )
    frame = _cast_and_check(table, normalise_names(table, frame), problems)
    problems.extend(row_problems(table, frame))
    if table in ("service", "discipline", "registrations"):
        backwards = frame.filter(pl.col("end") < pl.col("start"))
        for origin, start, end in backwards.select(ORIGIN, "start", "end").iter_rows():
            problems.append(
                Problem(
                    file=origin,
                    location="end",
                    message=Message(
                        "ends on {end}, before it starts on {start}", end=end, start=start
                    ),
                    code="ends_before_start",
                )
            )
    if table == "evidence":
        _check_shares(frame, problems)
    if "period" in schema:
        frame = _canonical_periods(frame, problems)
    if table != "facts":
        return frame.select(*schema, ORIGIN)
    names = sorted(c for c in frame.columns if c not in schema and c != ORIGIN)
    reserved = sorted(set(names) & RESERVED_FACT_NAMES)
    if reserved:
        problems.append(
            Problem(
                file=source,
                location="facts",
                message=Message(
                    "columns {reserved} are subject attributes, not facts; give them in the subjects table",
                    reserved=reserved,
                ),
                code="reserved_fact_name",
            )
        )
    return frame.select("subject", "period", *names, ORIGIN)


def _cast_and_check(table: str, frame: pl.DataFrame, problems: list[Problem]) -> pl.DataFrame:
    """Cast every column to its type and fill defaults in one query; the rows are searched one
    by one only when something is wrong (unreadable, missing or empty required values, values
    outside an enumeration). The value as written is kept beside each check, in the same
    frame, so that a problem quotes the value of its own row."""
    schema = SCHEMAS[table]
    required = REQUIRED[table]
    values: dict[str, pl.Expr] = {}
    unreadable: dict[str, pl.Expr] = {}
    for name, dtype in schema.items():
        source = frame.schema[name]
        value = cast_expression(name, source, dtype)
        if source != dtype:
            unreadable[name] = pl.col(name).is_not_null() & value.is_null()
        if (table, name) in DEFAULTS:
            value = value.fill_null(DEFAULTS[(table, name)])
        values[name] = value
    any_unreadable = pl.any_horizontal(
        [unreadable[n] for n in required if n in unreadable] or [pl.lit(False)]
    )
    checks: dict[str, pl.Expr] = {f"unreadable::{n}": e for n, e in unreadable.items()}
    for name in required:
        checks[f"missing::{name}"] = values[name].is_null() & ~any_unreadable
        checks[f"empty::{name}"] = (values[name].cast(pl.String).str.strip_chars() == "").fill_null(
            False
        )
    for (enum_table, name), allowed in ENUMS.items():
        if enum_table == table:
            checks[f"enum::{name}"] = values[name].is_not_null() & ~values[name].is_in(
                list(allowed)
            )
    keep = [c for c in frame.columns if c not in schema]
    result = frame.select(
        *(e.alias(n) for n, e in values.items()),
        *keep,
        *(e.alias(n) for n, e in checks.items()),
        *(pl.col(n).alias(f"written::{n}") for n in unreadable),
    )
    extra = [*checks, *(f"written::{n}" for n in unreadable)]
    if result.select(pl.any_horizontal(list(checks)).any()).item():
        problems.extend(_row_problems(table, result, checks))
    return result.drop(extra)


def _check_shares(frame: pl.DataFrame, problems: list[Problem]) -> None:
    """An evidence item's ``share`` (the subject's part of its amount) is in (0, 1]."""
    wrong = frame.filter((pl.col("share") <= 0) | (pl.col("share") > 1))
    for origin, share in wrong.select(ORIGIN, "share").iter_rows():
        problems.append(
            Problem(
                file=origin,
                location="share",
                message=Message("a share of {value} is not in 0 < share ≤ 1", value=written(share)),
                code="share_out_of_range",
            )
        )


def _row_problems(table: str, result: pl.DataFrame, checks: Mapping[str, pl.Expr]) -> list[Problem]:
    found = []
    for check in checks:
        what, name = check.split("::", 1)
        for row in result.filter(pl.col(check)).iter_rows(named=True):
            origin = row[ORIGIN]
            dtype = SCHEMAS[table][name]
            if what == "unreadable":
                value = row[f"written::{name}"]
                code, reason = explain(value, dtype.is_numeric(), whole=dtype.is_integer())
                read = {"value": written(value), "type": type_name(dtype), "reason": reason}
                message = (
                    Message("cannot read {value} as {type}: {reason}", **read)
                    if reason
                    else Message("cannot read {value} as {type}", **read)
                )
            elif what == "missing":
                code, message = "missing_value", Message("required value missing")
            elif what == "empty":
                code, message = "empty_value", Message("required value is empty")
            else:
                allowed = list(ENUMS[(table, name)])
                code = "unknown_value"
                message = Message(
                    "unknown value {value}; expected one of {allowed}",
                    value=repr(row[name]),
                    allowed=allowed,
                )
            found.append(Problem(file=origin, location=name, message=message, code=code))
    return found


def _canonical_periods(frame: pl.DataFrame, problems: list[Problem]) -> pl.DataFrame:
    """Every period written as ``Period`` writes it (``2023/2024`` → ``2023-2024``)."""
    mapping: dict[str, str] = {}
    wrong: list[str] = []
    for text in frame.get_column("period").drop_nulls().unique().sort().to_list():
        try:
            mapping[text] = str(Period.parse(text))
        except PeriodError:
            wrong.append(text)
    if wrong:
        bad = frame.filter(pl.col("period").is_in(wrong))
        for origin, text in bad.select(ORIGIN, "period").iter_rows():
            try:
                Period.parse(text)
            except PeriodError as error:
                problems.append(
                    Problem(file=origin, location="period", message=said(error), code="bad_period")
                )
    if all(key == value for key, value in mapping.items()):
        return frame
    return frame.with_columns(pl.col("period").replace(mapping))


def _check_links(frames: dict[str, pl.DataFrame], problems: list[Problem]) -> None:
    subjects = frames["subjects"]
    found: list[Problem] = []
    duplicated = subjects.filter(pl.col("id").is_duplicated())
    for origin, sid in duplicated.select(ORIGIN, "id").iter_rows():
        found.append(
            Problem(
                file=origin,
                location="id",
                message=Message("duplicate subject {subject}", subject=repr(sid)),
                code="duplicate_id",
            )
        )
    known = subjects.get_column("id").implode()
    for table, frame in frames.items():
        if table == "subjects" or frame.height == 0:
            continue
        orphans = frame.filter(~pl.col("subject").is_in(known))
        for origin, sid in orphans.select(ORIGIN, "subject").iter_rows():
            found.append(
                Problem(
                    file=origin,
                    location="subject",
                    message=Message(
                        "unknown subject {subject}{suggestion}",
                        subject=repr(sid),
                        suggestion=_near(sid, subjects),
                    ),
                    code="unknown_subject",
                )
            )
    parents = subjects.filter(pl.col("parent").is_not_null() & ~pl.col("parent").is_in(known))
    for origin, parent in parents.select(ORIGIN, "parent").iter_rows():
        found.append(
            Problem(
                file=origin,
                location="parent",
                message=Message(
                    "unknown parent {parent}{suggestion}",
                    parent=repr(parent),
                    suggestion=_near(parent, subjects),
                ),
                code="unknown_parent",
            )
        )
    found.extend(link_problems(frames))
    found.extend(_repeated_rows(frames["facts"]))
    found.extend(near_duplicates(subjects, "id", Message("subject id")))
    found.extend(near_duplicates(subjects, "cluster", Message("cluster")))
    found.extend(levels_of_persons(subjects))
    if not found:
        found.extend(tree_problems(subjects))
    problems.extend(found)


def _near(name: str, subjects: pl.DataFrame) -> str:
    """`` (did you mean 'x'?)`` for an id spelt like ``name`` but for case or spacing."""
    folded = "".join(name.lower().split())
    for sid in subjects.get_column("id").to_list():
        if "".join(sid.lower().split()) == folded:
            return Message(" (did you mean {name}?)", name=repr(sid))
    return ""


def _repeated_rows(facts: pl.DataFrame) -> list[Problem]:
    """A facts row that repeats an earlier one exactly (a copy left in by mistake; two
    different rows for one period are a contradiction, see :mod:`~emulation.data.contradictions`)."""
    values = [c for c in facts.columns if c != ORIGIN]
    twins = facts.filter(pl.struct(values).is_duplicated())
    if not twins.height:
        return []
    first = twins.unique(values, keep="first", maintain_order=True).select(
        *values, pl.col(ORIGIN).alias("_first")
    )
    repeats = twins.join(first, on=values, nulls_equal=True).filter(
        pl.col(ORIGIN) != pl.col("_first")
    )
    return [
        Problem(
            file=origin,
            message=Message(
                "repeats {first_origin} exactly; remove one of them", first_origin=first_origin
            ),
            code="duplicate_row",
        )
        for origin, first_origin in repeats.select(ORIGIN, "_first").iter_rows()
    ]
