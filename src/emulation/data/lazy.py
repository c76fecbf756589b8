"""A population read a chunk at a time: folders of CSV or Parquet tables scanned lazily, only
the rows of the chunk's subjects collected, and each chunk validated as a population of its own.

:func:`open_tables` scans a folder as the CSV or Parquet reader reads it — every column as the
text a CSV cell holds, every row with its origin (file and row) — without reading the rows.
:meth:`LazyTables.plan` reads the few columns that make the groups (``id, kind, parent,
cluster`` and evidence given to several subjects); :meth:`LazyTables.population` the rows of
some subjects, validated by :meth:`Population.from_frames`. Rows naming no subject of the
``subjects`` table go with the first chunk, so that its validation reports them as a whole run
would. A folder whose files the lazy scan cannot take as they are (a missing table, a table
given twice, another separator, a repeated column, a nested Parquet column) is not scanned:
:func:`open_tables` returns None and the caller reads it whole, which reports the problem.

:func:`split` cuts a population already in memory (the JSON form) the same way.
"""

from __future__ import annotations

from pathlib import Path

import attrs
import polars as pl

from emulation.data.chunks import PLAN_COLUMNS
from emulation.data.parquet import SUFFIX, is_parquet_dir
from emulation.data.population import Population
from emulation.data.schema import ORIGIN, TABLES
from emulation.data.tree import normalise_names

_NESTED = (pl.List, pl.Array, pl.Struct, pl.Binary, pl.Object)
_OTHER_SEPARATORS = (";", "\t", "|")


def _key(table: str) -> str:
    return "id" if table == "subjects" else "subject"


def _name(column: str) -> pl.Expr:
    """A name as the validator reads it: NFC, trimmed."""
    return pl.col(column).str.normalize("NFC").str.strip_chars()


@attrs.frozen
class LazyTables:
    """The tables of a folder, scanned, not read."""

    source: str
    tables: dict[str, pl.LazyFrame]

    def plan(self) -> tuple[pl.DataFrame, pl.DataFrame]:
        """The subjects' ``id, kind, parent, cluster`` (names normalised, blanks as none),
        and ``id, subject`` of every evidence item given to more than one subject."""
        subjects = self.tables["subjects"]
        present = subjects.collect_schema().names()
        columns = [
            pl.col(c) if c in present else pl.lit(None, dtype=pl.String).alias(c)
            for c in PLAN_COLUMNS
        ]
        frame = normalise_names("subjects", subjects.select(columns).collect())
        frame = frame.with_columns(pl.col("kind").str.strip_chars())
        evidence = self.tables.get("evidence")
        shared = pl.DataFrame(schema={"id": pl.String, "subject": pl.String})
        if evidence is not None and {"id", "subject"} <= set(evidence.collect_schema().names()):
            shared = (
                evidence.select(_name("id").alias("id"), _name("subject").alias("subject"))
                .filter(pl.col("id").is_not_null() & (pl.col("id") != ""))
                .unique()
                .filter(pl.len().over("id") > 1)
                .collect()
            )
        return frame, shared

    def population(self, ids: pl.Series, known: pl.Series | None = None) -> Population:
        """The population of the subjects ``ids``; with ``known`` (every subject id), also
        the rows naming no known subject."""
        frames = {}
        for table, lazy in self.tables.items():
            name = _name(_key(table))
            keep = name.is_in(ids.implode())
            if known is not None:
                keep = keep | ~name.is_in(known.implode()).fill_null(value=False)
                keep = keep | pl.col(_key(table)).is_null()
            frames[table] = lazy.filter(keep).collect()
        return Population.from_frames(self.source, **frames)


def open_tables(path: Path) -> LazyTables | None:
    """The tables of the folder ``path`` scanned lazily, or None when it must be read whole."""
    if not path.is_dir():
        return None
    parquet = is_parquet_dir(path)
    tables: dict[str, pl.LazyFrame] = {}
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
        tables[table] = scanned
    return LazyTables(source=str(path), tables=tables)


def _scan_csv(file: Path) -> pl.LazyFrame | None:
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
    return (
        pl.scan_csv(file, infer_schema=False, encoding="utf8")
        .with_row_index("_row", offset=2)
        .with_columns(pl.format("{}: row {}", pl.lit(str(file)), pl.col("_row")).alias(ORIGIN))
        .drop("_row")
    )


def _scan_parquet(file: Path) -> pl.LazyFrame | None:
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
    return (
        lazy.select(columns)
        .with_row_index("_row", offset=1)
        .with_columns(pl.format("{}: row {}", pl.lit(str(file)), pl.col("_row")).alias(ORIGIN))
        .drop("_row")
    )


def split(population: Population, ids: pl.Series) -> Population:
    """The part of ``population`` (already validated) about the subjects ``ids``."""
    wanted = ids.implode()
    frames = {
        table: getattr(population, table).filter(pl.col(_key(table)).is_in(wanted))
        for table in TABLES
    }
    chosen = set(ids.to_list())
    aside = tuple(item for item in population.set_aside if item.subject in chosen)
    return attrs.evolve(population, **frames, set_aside=aside)


def plan_of(population: Population) -> tuple[pl.DataFrame, pl.DataFrame]:
    """The :meth:`LazyTables.plan` of a population in memory."""
    subjects = population.subjects.select(PLAN_COLUMNS)
    evidence = population.evidence
    shared = (
        evidence.select("id", "subject")
        .filter(pl.col("id").is_not_null())
        .unique()
        .filter(pl.len().over("id") > 1)
    )
    return subjects, shared
