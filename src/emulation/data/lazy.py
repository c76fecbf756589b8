"""A population read a chunk at a time: folders of CSV or Parquet tables scanned lazily, only
the rows of the chunk's subjects collected, and each chunk validated as a population of its own.

:func:`open_tables` scans a folder as the CSV or Parquet reader reads it — every column as the
text a CSV cell holds, every row with its origin (file and row) — without reading the rows.
:mod:`emulation.data.grouping` reads the few columns that make the groups (``id, kind,
parent, cluster`` and evidence given to several subjects) a slice at a time, keeping a row a
unit, not a row a subject; :mod:`emulation.data.partition` writes the tables once more by chunk
and reads each chunk's rows back, validated by :meth:`Population.from_frames`.
:meth:`LazyTables.plan` reads those columns as one frame, a row a subject (what the groups of a
population in memory are made from, and what the tests check the grouping against). A folder whose files the lazy scan cannot take as they are (a missing table, a table
given twice, another separator, a repeated column, a nested Parquet column) is not scanned:
:func:`open_tables` returns None and the caller reads it whole, which reports the problem.

:func:`split` cuts a population already in memory (the JSON form) the same way.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import attrs
import polars as pl

from emulation.data.chunks import PLAN_COLUMNS
from emulation.data.parquet import SUFFIX, is_parquet_dir
from emulation.data.population import Population
from emulation.data.schema import ORIGIN, TABLES
from emulation.errors import PeriodError
from emulation.period import Period

#: Rows of the ``subjects`` table read at a time for the plan.
PLAN_SLICE = 1_000_000

_NESTED = (pl.List, pl.Array, pl.Struct, pl.Binary, pl.Object)
_OTHER_SEPARATORS = (";", "\t", "|")


def subject_key(table: str) -> str:
    return "id" if table == "subjects" else "subject"


def name_of(column: str) -> pl.Expr:
    """A name as the validator reads it: NFC, trimmed."""
    return pl.col(column).str.normalize("NFC").str.strip_chars()


@attrs.frozen
class LazyTables:
    """The tables of a folder, scanned, not read."""

    source: str
    tables: dict[str, pl.LazyFrame]
    #: The rows ``start`` to ``start + length`` of each table, as ``tables`` has them: read
    #: from the file a slice at a time (a slice of the scan itself, then made text with its
    #: origins, so that only that slice is read).
    slices: dict[str, Callable[[int, int], pl.LazyFrame]] = attrs.field(factory=dict)

    def rows(self, table: str, start: int, length: int) -> pl.LazyFrame:
        """Rows ``start`` to ``start + length`` of ``table``."""
        found = self.slices.get(table)
        if found is None:
            return self.tables[table].slice(start, length)
        return found(start, length)

    def height(self, table: str) -> int:
        """The number of rows of ``table``."""
        return int(self.tables[table].select(pl.len()).collect().item())

    def plan(self, facts: tuple[str, ...] = ()) -> tuple[pl.DataFrame, pl.DataFrame]:
        """The subjects' ``id, kind, parent, cluster`` (names normalised, blanks as none),
        and the :func:`links` of the evidence and of the ``facts`` that name groups."""
        subjects = self.tables["subjects"]
        columns = plan_columns(subjects.collect_schema().names())
        # a slice of rows at a time: only the plan is held, not the table read to make it
        parts = [
            self.rows("subjects", start, PLAN_SLICE).select(columns).collect()
            for start in range(0, self.height("subjects"), PLAN_SLICE)
        ]
        frame = pl.concat(parts) if parts else subjects.select(columns).collect()
        return frame, links(self.tables.get("evidence"), self.tables["facts"], facts)


def plan_columns(present: list[str]) -> list[pl.Expr]:
    """The expressions of the columns ``id, kind, parent, cluster`` of a ``subjects`` table
    whose columns are ``present``: names normalised, a blank parent or cluster none."""
    columns = []
    for column in PLAN_COLUMNS:
        if column not in present:
            columns.append(pl.lit(None, dtype=pl.String).alias(column))
        elif column == "kind":
            # two values: four bytes a subject as a category, sixteen as text
            columns.append(pl.col(column).str.strip_chars().cast(pl.Categorical))
        elif column == "id":
            columns.append(name_of(column))
        else:  # parent, cluster: a blank name is none
            value = name_of(column)
            columns.append(pl.when(value == "").then(None).otherwise(value).alias(column))
    return columns


def open_tables(path: Path) -> LazyTables | None:
    """The tables of the folder ``path`` scanned lazily, or None when it must be read whole."""
    if not path.is_dir():
        return None
    parquet = is_parquet_dir(path)
    tables: dict[str, pl.LazyFrame] = {}
    slices: dict[str, Callable[[int, int], pl.LazyFrame]] = {}
    for table in TABLES:
        file = path / f"{table}{SUFFIX if parquet else '.csv'}"
        twin = path / f"{table}{'.csv' if parquet else SUFFIX}"
        if twin.exists() and parquet:
            return None
        if not file.exists():
            if table in ("subjects", "facts"):
                return None
            continue
        scanned = _scan_parquet(file) if parquet else _scan_csv(file)
        if scanned is None:
            return None
        tables[table] = scanned[0]
        slices[table] = scanned[1]
    return LazyTables(source=str(path), tables=tables, slices=slices)


#: A table scanned: its rows, and a slice of them (``start``, ``length``).
_Scanned = tuple[pl.LazyFrame, Callable[[int, int], pl.LazyFrame]]


def _scan_csv(file: Path) -> _Scanned | None:
    try:
        with file.open(encoding="utf-8-sig", newline="") as stream:
            header = [name.strip() for name in stream.readline().rstrip("\r\n").split(",")]
    except (OSError, UnicodeDecodeError):
        return None
    if len(header) != len(set(header)):
        return None
    if len(header) == 1 and any(sep in header[0] for sep in _OTHER_SEPARATORS):
        return None
    if any('"' in name for name in header):
        return None  # a quoted header: let the whole reader take it

    def rows(start: int, length: int | None) -> pl.LazyFrame:
        lazy = pl.scan_csv(file, infer_schema=False, encoding="utf8")
        lazy = lazy if length is None else lazy.slice(start, length)
        return _with_origin(lazy, file, first=start + 2)  # the header is row 1

    return rows(0, None), rows


def _scan_parquet(file: Path) -> _Scanned | None:
    try:
        lazy = pl.scan_parquet(file)
        schema = lazy.collect_schema()
    except (pl.exceptions.PolarsError, OSError):
        return None
    if any(isinstance(dtype, _NESTED) for dtype in schema.values()):
        return None
    columns = []
    for name, dtype in schema.items():
        column = pl.col(name)
        if dtype == pl.Boolean:
            column = pl.when(column).then(pl.lit("true")).when(~column).then(pl.lit("false"))
        elif dtype == pl.Date:
            column = column.dt.strftime("%Y-%m-%d")
        columns.append(column.cast(pl.String).alias(name))

    def rows(start: int, length: int | None) -> pl.LazyFrame:
        scan = pl.scan_parquet(file)
        scan = scan if length is None else scan.slice(start, length)
        return _with_origin(scan.select(columns), file, first=start + 1)

    return rows(0, None), rows


def _with_origin(lazy: pl.LazyFrame, file: Path, *, first: int) -> pl.LazyFrame:
    """``lazy`` with the origin of each row (``file: row N``), its first row row ``first``."""
    return (
        lazy.with_row_index("_row", offset=first)
        .with_columns(pl.format("{}: row {}", pl.lit(str(file)), pl.col("_row")).alias(ORIGIN))
        .drop("_row")
    )


def split(population: Population, ids: pl.Series, context: pl.Series) -> Population:
    """The part of ``population`` (already validated) about the subjects ``ids``, with the
    ``subjects`` rows of ``context`` (the collectives above them)."""
    wanted = ids.implode()
    frames = {
        table: getattr(population, table).filter(
            pl.col(subject_key(table)).is_in(wanted)
            | (pl.col(subject_key(table)).is_in(context.implode()) & (table == "subjects"))
        )
        for table in TABLES
    }
    chosen = set(ids.to_list())
    aside = tuple(item for item in population.set_aside if item.subject in chosen)
    return attrs.evolve(population, **frames, set_aside=aside)


def plan_of(
    population: Population, facts: tuple[str, ...] = ()
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """The :meth:`LazyTables.plan` of a population in memory."""
    subjects = population.subjects.select(PLAN_COLUMNS)
    return subjects, links(population.evidence.lazy(), population.facts.lazy(), facts)


def ancestors(subjects: pl.DataFrame, ids: pl.Series) -> pl.Series:
    """The collectives above the subjects ``ids`` (their parents, and theirs, to the top)
    that are not among ``ids``."""
    above = dict(subjects.filter(pl.col("kind") == "collective").select("id", "parent").iter_rows())
    owned = subjects.filter(pl.col("id").is_in(ids.implode()))
    parents = owned.get_column("parent").drop_nulls().unique().to_list()
    return pl.Series("id", ancestors_outside(above, parents, ids), dtype=pl.String)


def ancestors_outside(
    above: dict[str, str | None], parents: list[str], ids: pl.Series
) -> list[str]:
    """The collectives above ``parents`` (``above``: a collective's parent), the parents
    themselves included, that are not among ``ids``, sorted."""
    todo = set(parents)
    found: set[str] = set()
    while todo:
        node = todo.pop()
        if node in found:
            continue
        found.add(node)
        parent = above.get(node)
        if parent is not None:
            todo.add(parent)
    return sorted(found - set(ids.to_list()))


def has_period(facts: pl.LazyFrame, period: Period) -> bool:
    """Whether some facts row is of ``period`` (written in any form ``Period.parse`` reads)."""
    # the streaming engine: one row a distinct period held, never the column
    texts = facts.select(pl.col("period").cast(pl.String)).unique().collect(engine="streaming")
    return any(_same_period(text, str(period)) for text in texts.get_column("period").to_list())


def _same_period(text: str | None, wanted: str) -> bool:
    """Whether the period written ``text`` is ``wanted``; an unreadable one may be, to be safe."""
    try:
        return text is None or str(Period.parse(text.strip())) == wanted
    except PeriodError:
        return True


def candidates(facts: pl.LazyFrame, subjects: pl.DataFrame, period: Period) -> frozenset[str]:
    """The collectives of ``subjects`` with a facts row in ``period`` (a period written in
    any form ``Period.parse`` reads; one it cannot read counts, to be safe)."""
    collectives = subjects.filter(pl.col("kind") == "collective").get_column("id")
    rows = (
        facts.select(name_of("subject").alias("subject"), pl.col("period").cast(pl.String))
        .filter(pl.col("subject").is_in(collectives.implode()))
        .unique()
        .collect(engine="streaming")
    )
    wanted = str(period)
    return frozenset(subject for subject, text in rows.iter_rows() if _same_period(text, wanted))


def links(
    evidence: pl.LazyFrame | None, facts: pl.LazyFrame, names: tuple[str, ...]
) -> pl.DataFrame:
    """``id, subject``: subjects that must be decided together because they share a link
    ``id`` — an evidence item given to several subjects (``e:<id>``), or a value of a fact
    that names a quota's or a budget's group (``f:<fact>:<value>``, in any period, compared
    in NFC, trimmed and in lower case: joining too much is safe, too little is not)."""
    parts = link_pairs("evidence", evidence, names) if evidence is not None else []
    parts += link_pairs("facts", facts, names)
    if not parts:
        return pl.DataFrame(schema={"id": pl.String, "subject": pl.String})
    return shared_only(pl.concat(parts)).collect()


def link_pairs(table: str, rows: pl.LazyFrame, names: tuple[str, ...]) -> list[pl.LazyFrame]:
    """The ``id, subject`` pairs of :func:`links` that the rows of ``table`` give (the
    ``evidence`` table, or the ``facts`` table and the facts ``names``), each pair once
    or more."""
    present = set(rows.collect_schema().names())
    parts = []
    if table == "evidence" and {"id", "subject"} <= present:
        parts.append(
            rows.select(
                (pl.lit("e:") + name_of("id").cast(pl.String)).alias("id"),
                name_of("subject").alias("subject"),
            )
        )
    for fact in names if table == "facts" else ():
        if fact in present:
            value = pl.col(fact).cast(pl.String).str.normalize("NFC").str.strip_chars()
            parts.append(
                rows.select(
                    (pl.lit(f"f:{fact}:") + value.str.to_lowercase()).alias("id"),
                    name_of("subject").alias("subject"),
                )
            )
    return [
        part.filter(pl.col("id").is_not_null() & pl.col("subject").is_not_null()) for part in parts
    ]


def shared_only(pairs: pl.LazyFrame) -> pl.LazyFrame:
    """The distinct ``pairs`` whose ``id`` more than one subject shares."""
    return pairs.unique().filter(pl.len().over("id") > 1)
