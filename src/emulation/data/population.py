"""A population: every record the engine reads for an evaluation, as Polars frames.

Six frames, one per kind of record (see ``docs/reference/file-formats.md``):

========== ====================================================================
subjects   ``id, kind, name, parent, cluster, gender, birth_year, staff_category, hardship_area``
facts      ``subject, period`` and one column per fact (wide)
evidence   ``id, subject, kind, period, scope, amount, description``
awards     ``subject, award, period`` — awards already held
service    ``subject, start, end, kind``
discipline ``subject, level, start, end``
========== ====================================================================

Every frame also carries an ``_origin`` column naming the file and row (or JSON path) each row
came from, so that a bad value is reported where the user can find it. Facts keep the type they
arrived with; the engine casts each one to the type its ruleset declares, at evaluation.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import attrs
import polars as pl

from emulation.errors import DataError, Problem

if TYPE_CHECKING:
    from emulation.data.contradictions import SetAside
from emulation.data.records import (
    DISCIPLINE_LEVELS,
    GENDERS,
    SCOPES,
    SUBJECT_KINDS,
    AwardRecord,
    DisciplineRecord,
    EvidenceItem,
    Fact,
    ServiceSpell,
    Subject,
)

ORIGIN = "_origin"

#: Fixed columns and dtypes of every frame but ``facts`` (whose fact columns are open).
SCHEMAS: dict[str, dict[str, pl.DataType]] = {
    "subjects": {
        "id": pl.String(),
        "kind": pl.String(),
        "name": pl.String(),
        "parent": pl.String(),
        "cluster": pl.String(),
        "gender": pl.String(),
        "birth_year": pl.Int64(),
        "staff_category": pl.String(),
        "hardship_area": pl.Boolean(),
    },
    "facts": {"subject": pl.String(), "period": pl.String()},
    "evidence": {
        "id": pl.String(),
        "subject": pl.String(),
        "kind": pl.String(),
        "period": pl.String(),
        "scope": pl.String(),
        "amount": pl.Decimal(38, 6),
        "description": pl.String(),
    },
    "awards": {"subject": pl.String(), "award": pl.String(), "period": pl.String()},
    "service": {"subject": pl.String(), "start": pl.Date(), "end": pl.Date(), "kind": pl.String()},
    "discipline": {
        "subject": pl.String(),
        "level": pl.String(),
        "start": pl.Date(),
        "end": pl.Date(),
    },
}

#: Columns that must be present and non-null in each frame.
REQUIRED: dict[str, tuple[str, ...]] = {
    "subjects": ("id", "kind"),
    "facts": ("subject", "period"),
    "evidence": ("id", "subject", "kind", "period"),
    "awards": ("subject", "award", "period"),
    "service": ("subject", "start"),
    "discipline": ("subject", "level", "start"),
}

#: Allowed values of enumerated columns.
ENUMS: dict[tuple[str, str], tuple[str, ...]] = {
    ("subjects", "kind"): SUBJECT_KINDS,
    ("subjects", "gender"): GENDERS,
    ("evidence", "scope"): SCOPES,
    ("discipline", "level"): DISCIPLINE_LEVELS,
}

#: Values of optional columns left empty.
DEFAULTS: dict[tuple[str, str], object] = {
    ("subjects", "hardship_area"): False,
    ("evidence", "scope"): "grassroots",
    ("service", "kind"): "full_time",
}

TABLES = tuple(SCHEMAS)


def empty_frame(table: str) -> pl.DataFrame:
    """An empty frame of ``table`` with its schema and the origin column."""
    return pl.DataFrame(schema={**SCHEMAS[table], ORIGIN: pl.String()})


@attrs.frozen(eq=False)
class Population:
    """Every record of an evaluation as Polars frames (see the module docs for the columns).

    Build one with :meth:`from_records`, :meth:`from_json`, :meth:`from_csv_dir` or
    :func:`emulation.read_population`; all of them validate and raise :class:`DataError` with
    the file and row of every bad record.
    """

    subjects: pl.DataFrame
    facts: pl.DataFrame
    evidence: pl.DataFrame = attrs.field(factory=lambda: empty_frame("evidence"))
    awards: pl.DataFrame = attrs.field(factory=lambda: empty_frame("awards"))
    service: pl.DataFrame = attrs.field(factory=lambda: empty_frame("service"))
    discipline: pl.DataFrame = attrs.field(factory=lambda: empty_frame("discipline"))
    #: Subjects whose records contradict each other; they get no decision (see
    #: :class:`emulation.SetAside`).
    set_aside: tuple[SetAside, ...] = ()

    # -- construction ------------------------------------------------------------------------

    @classmethod
    def from_frames(cls, source: str = "<frames>", **frames: pl.DataFrame) -> Population:
        """Validate and normalise frames given by table name (``subjects=…, facts=…``)."""
        problems: list[Problem] = []
        unknown = sorted(set(frames) - set(TABLES))
        if unknown:
            problems.append(Problem(file=source, message=f"unknown tables {unknown}"))
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
        from emulation.data.contradictions import find

        normalised, set_aside = find(normalised)
        return cls(**normalised, set_aside=set_aside)

    @classmethod
    def from_records(
        cls,
        subjects: Iterable[Subject],
        facts: Iterable[Fact] = (),
        evidence: Iterable[EvidenceItem] = (),
        awards: Iterable[AwardRecord] = (),
        service: Iterable[ServiceSpell] = (),
        discipline: Iterable[DisciplineRecord] = (),
    ) -> Population:
        """Build a population from Python objects (a subject evaluated alone is a population
        of one)."""
        wide: dict[tuple[str, str], dict[str, Any]] = {}
        for fact in facts:
            wide.setdefault((fact.subject, fact.period), {})[fact.name] = fact.value
        fact_rows = [
            {"subject": subject, "period": period, **values}
            for (subject, period), values in wide.items()
        ]
        return cls.from_frames(
            "<objects>",
            subjects=_frame("subjects", [attrs.asdict(s) for s in subjects], "subjects"),
            facts=facts_frame(fact_rows, [f"facts[{i}]" for i in range(len(fact_rows))]),
            evidence=_frame("evidence", [attrs.asdict(e) for e in evidence], "evidence"),
            awards=_frame("awards", [attrs.asdict(a) for a in awards], "awards"),
            service=_frame("service", [attrs.asdict(s) for s in service], "service"),
            discipline=_frame("discipline", [attrs.asdict(d) for d in discipline], "discipline"),
        )

    @classmethod
    def from_json(cls, document: Any, source: str = "<json>") -> Population:
        """Build a population from the nested JSON form (already parsed, or a ``str``)."""
        from emulation.data.readers import population_from_json

        if isinstance(document, str):
            try:
                document = json.loads(document, parse_float=Decimal)
            except json.JSONDecodeError as error:
                raise DataError(
                    [Problem(file=source, location=f"line {error.lineno}", message=error.msg)]
                ) from None
        return population_from_json(document, source)

    @classmethod
    def from_csv_dir(cls, path: Any) -> Population:
        """Build a population from a folder of CSV tables (``subjects.csv``, ``facts.csv`` …)."""
        from pathlib import Path

        from emulation.data.readers import read_csv_dir

        return read_csv_dir(Path(path))

    # -- queries -----------------------------------------------------------------------------

    @property
    def fact_columns(self) -> tuple[str, ...]:
        """Names of the fact columns present in the facts frame."""
        fixed = set(SCHEMAS["facts"]) | {ORIGIN}
        return tuple(name for name in self.facts.columns if name not in fixed)

    def periods(self) -> tuple[str, ...]:
        """Every period that has a facts row, sorted."""
        return tuple(sorted(self.facts.get_column("period").unique().to_list()))

    def set_aside_ids(self) -> frozenset[str]:
        """Ids of the subjects set aside."""
        return frozenset(item.subject for item in self.set_aside)

    def frames(self) -> dict[str, pl.DataFrame]:
        """The six frames by table name."""
        return {table: getattr(self, table) for table in TABLES}

    def subject_hashes(self, subject_ids: Sequence[str]) -> dict[str, str]:
        """SHA-256 of each subject's input rows, in a canonical form.

        The form does not depend on row or column order, on empty values, or on how a value
        was typed on the way in (``7``, ``"7"`` and ``7.000000`` are the same number), so the
        JSON and CSV forms of the same data hash alike.
        """
        wanted = pl.Series(list(subject_ids), dtype=pl.String())
        rows: dict[str, list[str]] = {sid: [] for sid in subject_ids}
        for table in TABLES:
            frame = getattr(self, table)
            key = "id" if table == "subjects" else "subject"
            part = frame.filter(pl.col(key).is_in(wanted.implode())).drop(ORIGIN)
            columns = sorted(part.columns)
            for record in part.select(columns).iter_rows(named=True):
                canonical = {k: _canonical(v) for k, v in record.items() if v is not None}
                text = json.dumps(canonical, sort_keys=True, ensure_ascii=False)
                rows[record[key]].append(f"{table}:{text}")
        return {
            sid: hashlib.sha256("\n".join(sorted(lines)).encode()).hexdigest()
            for sid, lines in rows.items()
        }


def _canonical(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, Decimal)):
        text = format(Decimal(value).normalize(), "f")
        return "0" if text in ("-0", "") else text
    if isinstance(value, str):
        stripped = value.strip()
        lowered = stripped.lower()
        if lowered in ("true", "false"):
            return lowered
        try:
            return _canonical(Decimal(stripped)) if stripped else stripped
        except ArithmeticError:
            return stripped
    if hasattr(value, "isoformat"):
        return str(value.isoformat())
    return str(value)


# -- helpers used by the readers ---------------------------------------------------------------


def _frame(table: str, rows: list[dict[str, Any]], origin_prefix: str) -> pl.DataFrame:
    schema = SCHEMAS[table]
    data = [
        {**{key: row.get(key) for key in schema}, ORIGIN: f"{origin_prefix}[{index}]"}
        for index, row in enumerate(rows)
    ]
    return pl.DataFrame(data, schema={**schema, ORIGIN: pl.String()}, orient="row")


def facts_frame(rows: list[dict[str, Any]], origins: list[str]) -> pl.DataFrame:
    """A wide facts frame from dict rows; each fact column gets one consistent dtype."""
    names: list[str] = []
    for row in rows:
        for key in row:
            if key not in names and key not in ("subject", "period"):
                names.append(key)
    columns: dict[str, pl.Series] = {
        "subject": pl.Series("subject", [row.get("subject") for row in rows], dtype=pl.String()),
        "period": pl.Series(
            "period",
            [None if row.get("period") is None else str(row.get("period")) for row in rows],
            dtype=pl.String(),
        ),
    }
    for name in sorted(names):
        columns[name] = _fact_series(name, [row.get(name) for row in rows])
    columns[ORIGIN] = pl.Series(ORIGIN, origins, dtype=pl.String())
    return pl.DataFrame(list(columns.values()))


def _fact_series(name: str, values: list[Any]) -> pl.Series:
    present = [v for v in values if v is not None]
    if present and all(isinstance(v, bool) for v in present):
        return pl.Series(name, values, dtype=pl.Boolean())
    if present and all(isinstance(v, int) and not isinstance(v, bool) for v in present):
        return pl.Series(name, values, dtype=pl.Int64())
    if present and all(isinstance(v, (int, Decimal)) and not isinstance(v, bool) for v in present):
        return pl.Series(
            name, [None if v is None else Decimal(v) for v in values], dtype=pl.Decimal(38, 6)
        )
    if present and any(isinstance(v, float) for v in present):
        # floats never enter exact arithmetic: keep their text, the engine casts it exactly
        return pl.Series(name, [None if v is None else repr(v) for v in values], dtype=pl.String())
    return pl.Series(name, [None if v is None else _text(v) for v in values], dtype=pl.String())


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


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
            Problem(file=source, location=table, message=f"missing required columns {missing}")
        )
        return empty_frame(table)
    if table != "facts":
        extra = sorted(set(frame.columns) - set(schema) - {ORIGIN})
        if extra:
            problems.append(
                Problem(
                    file=source,
                    location=table,
                    message=f"unknown columns {extra}; expected some of {list(schema)}",
                )
            )
            return empty_frame(table)
        frame = frame.with_columns(
            pl.lit(None, dtype=dtype).alias(name)
            for name, dtype in schema.items()
            if name not in frame.columns
        )
    frame = _cast_and_check(table, frame, problems)
    if table in ("service", "discipline"):
        backwards = frame.filter(pl.col("end") < pl.col("start"))
        for origin, start, end in backwards.select(ORIGIN, "start", "end").iter_rows():
            problems.append(
                Problem(
                    file=origin,
                    location="end",
                    message=f"ends on {end}, before it starts on {start}",
                )
            )
    if table == "facts":
        frame = _canonical_periods(frame, problems)
        reserved = sorted(set(frame.columns) & RESERVED_FACT_COLUMNS)
        if reserved:
            problems.append(
                Problem(
                    file=source,
                    location="facts",
                    message=f"columns {reserved} are subject attributes, not facts; give them in the subjects table",
                )
            )
    if table == "facts":
        order = [
            "subject",
            "period",
            *sorted(c for c in frame.columns if c not in schema and c != ORIGIN),
        ]
        return frame.select(*order, ORIGIN)
    return frame.select(*schema, ORIGIN)


def _cast_and_check(table: str, frame: pl.DataFrame, problems: list[Problem]) -> pl.DataFrame:
    """Cast every column to its type and fill defaults in one query; the rows are searched one
    by one only when something is wrong (unreadable, missing or empty required values, values
    outside an enumeration)."""
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
    )
    if result.select(pl.any_horizontal(list(checks)).any()).item():
        problems.extend(_row_problems(table, frame, result, checks))
    return result.drop(list(checks))


def _row_problems(
    table: str, raw: pl.DataFrame, result: pl.DataFrame, checks: Mapping[str, pl.Expr]
) -> list[Problem]:
    found = []
    indexed = result.with_row_index("_n")
    for check in checks:
        what, name = check.split("::", 1)
        for row in indexed.filter(pl.col(check)).iter_rows(named=True):
            origin = row[ORIGIN]
            if what == "unreadable":
                written = raw.get_column(name)[row["_n"]]
                message = f"cannot read {written!r} as {_type_name(SCHEMAS[table][name])}"
            elif what == "missing":
                message = "required value missing"
            elif what == "empty":
                message = "required value is empty"
            else:
                allowed = list(ENUMS[(table, name)])
                message = f"unknown value {row[name]!r}; expected one of {allowed}"
            found.append(Problem(file=origin, location=name, message=message))
    return found


#: Subject attributes that may not appear as fact columns.
RESERVED_FACT_COLUMNS = frozenset(
    {
        "id",
        "kind",
        "name",
        "parent",
        "cluster",
        "gender",
        "birth_year",
        "staff_category",
        "hardship_area",
    }
)


def _canonical_periods(frame: pl.DataFrame, problems: list[Problem]) -> pl.DataFrame:
    """Every period written as ``Period`` writes it (``2023/2024`` → ``2023-2024``)."""
    from emulation.errors import PeriodError
    from emulation.period import Period

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
                problems.append(Problem(file=origin, location="period", message=str(error)))
    if all(key == value for key, value in mapping.items()):
        return frame
    return frame.with_columns(pl.col("period").replace(mapping))


def _check_links(frames: dict[str, pl.DataFrame], problems: list[Problem]) -> None:
    subjects = frames["subjects"]
    duplicated = subjects.filter(pl.col("id").is_duplicated())
    for origin, sid in duplicated.select(ORIGIN, "id").iter_rows():
        problems.append(Problem(file=origin, location="id", message=f"duplicate subject {sid!r}"))
    known = subjects.get_column("id").implode()
    for table, frame in frames.items():
        if table == "subjects":
            continue
        orphans = frame.filter(~pl.col("subject").is_in(known))
        for origin, sid in orphans.select(ORIGIN, "subject").iter_rows():
            problems.append(
                Problem(file=origin, location="subject", message=f"unknown subject {sid!r}")
            )
    parents = subjects.filter(pl.col("parent").is_not_null() & ~pl.col("parent").is_in(known))
    for origin, parent in parents.select(ORIGIN, "parent").iter_rows():
        problems.append(
            Problem(file=origin, location="parent", message=f"unknown parent {parent!r}")
        )
    if "evidence" in frames:
        dup_evidence = frames["evidence"].filter(pl.col("id").is_duplicated())
        for origin, eid in dup_evidence.select(ORIGIN, "id").iter_rows():
            problems.append(
                Problem(file=origin, location="id", message=f"duplicate evidence id {eid!r}")
            )


_TRUE = ("true", "1", "yes", "y", "có", "co", "x")
_FALSE = ("false", "0", "no", "n", "không", "khong")


def cast_expression(name: str, source: pl.DataType, dtype: pl.DataType) -> pl.Expr:
    """The expression form of :func:`cast_column` for column ``name`` of dtype ``source``."""
    column = pl.col(name)
    if source == dtype:
        return column
    if source == pl.String():
        text = column.str.strip_chars()
        text = pl.when(text == "").then(None).otherwise(text)
        if dtype == pl.Boolean():
            lowered = text.str.to_lowercase()
            return (
                pl.when(lowered.is_in(list(_TRUE)))
                .then(True)
                .when(lowered.is_in(list(_FALSE)))
                .then(False)
                .otherwise(None)
            )
        if dtype == pl.Date():
            return text.str.to_date("%Y-%m-%d", strict=False)
        return text.cast(dtype, strict=False)
    if isinstance(dtype, pl.Enum):
        return column.cast(pl.String()).cast(dtype, strict=False)
    if source == pl.Null() or _castable(source, dtype):
        return column.cast(dtype, strict=False)
    return pl.lit(None, dtype=dtype)


def _castable(source: pl.DataType, dtype: pl.DataType) -> bool:
    numeric = source.is_numeric() or source == pl.Boolean()
    return numeric and (dtype.is_numeric() or dtype == pl.Boolean())


def cast_column(column: pl.Series, dtype: pl.DataType) -> pl.Series:
    """Cast ``column`` to ``dtype`` exactly; values that cannot be read become null.

    Text is read as the user wrote it: booleans from ``true/false/1/0/yes/no/có/không``,
    decimals exactly from their digits, dates as ISO ``YYYY-MM-DD``.
    """
    if column.dtype == dtype:
        return column
    if column.dtype == pl.String():
        text = column.str.strip_chars()
        if dtype == pl.Boolean():
            lowered = text.str.to_lowercase()
            result: pl.Series = (
                pl.select(
                    pl.when(lowered.is_in(list(_TRUE)))
                    .then(True)
                    .when(lowered.is_in(list(_FALSE)))
                    .then(False)
                    .otherwise(None)
                    .alias(column.name)
                )
                .to_series()
                .set(text.is_null() | (text == ""), None)
            )
            return result
        text = text.set(text == "", None)
        if dtype == pl.Date():
            result = text.str.to_date("%Y-%m-%d", strict=False)
        else:
            result = text.cast(dtype, strict=False)
        return result
    if column.dtype == pl.Null():
        result = column.cast(dtype)
    elif isinstance(dtype, pl.Enum):
        result = column.cast(pl.String()).cast(dtype, strict=False)
    else:
        try:
            result = column.cast(dtype, strict=False)
        except pl.exceptions.PolarsError:
            result = pl.Series(column.name, [None] * len(column), dtype=dtype)
    return result


def _type_name(dtype: pl.DataType) -> str:
    names = {
        pl.Boolean(): "true/false",
        pl.Int64(): "a whole number",
        pl.Date(): "a date (YYYY-MM-DD)",
        pl.String(): "text",
    }
    if isinstance(dtype, pl.Decimal):
        return "an exact decimal number"
    return names.get(dtype, str(dtype))
