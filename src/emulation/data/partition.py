"""The tables of a folder written once more, cut by chunk, so that each chunk of a national run
is read from its own files instead of by filtering every row of the input again.

:func:`partition` reads each table of a :class:`~emulation.data.lazy.LazyTables` once, with
Polars' streaming engine, gives each row the chunk of the subject it names (a row naming no
subject of the plan, or none, goes with the first chunk, whose validation reports it as a whole
run would) and writes it to ``<folder>/<table>/chunk=<n>/`` (``sink_parquet`` with
``PartitionBy``); the ``subjects`` rows of every parent are also kept apart, so that a chunk
can be given the collectives above it. :meth:`Partitioned.population` then reads one chunk's
rows, in the order of the input (each row keeps its position, ``_order``), and validates them as
a population of its own. Memory while reading a chunk is then set by the chunk, not by the
input: the plan (every subject's id and chunk) is needed only while the tables are written.
"""

from __future__ import annotations

from pathlib import Path

import attrs
import polars as pl

from emulation.data.lazy import LazyTables, ancestors_outside, name_of, subject_key
from emulation.data.population import Population

_ORDER = "_order"
_CHUNK = "chunk"
_CONTEXT = "context.parquet"
_PARENTS = "parents"
_SEED = 20240101
#: Rows of a table read at a time while it is cut.
SLICE = 500_000


@attrs.frozen
class Partitioned:
    """The tables of a population written by chunk to ``folder``."""

    source: str
    folder: Path
    #: The schema of each table as scanned (every column text, with its origin).
    schemas: dict[str, pl.Schema]
    #: The parent of every collective that is a parent (normalised names).
    above: dict[str, str | None]

    def population(self, chunk: int) -> tuple[pl.Series, Population]:
        """The ids of chunk ``chunk``'s subjects and their population, with the ``subjects``
        rows of the collectives above them."""
        frames = {table: self._read(table, chunk) for table in self.schemas}
        subjects = frames["subjects"]
        ids = subjects.select(name_of("id").alias("id")).get_column("id")
        parents = subjects.select(name_of("parent").alias("parent")).get_column("parent")
        context = ancestors_outside(self.above, parents.drop_nulls().unique().to_list(), ids)
        if context:
            rows = pl.scan_parquet(self.folder / _CONTEXT).filter(
                name_of("id").is_in(pl.Series(context, dtype=pl.String).implode())
            )
            subjects = pl.concat([subjects, rows.collect().select(subjects.columns)]).sort(_ORDER)
        frames["subjects"] = subjects
        found = {table: frame.drop(_ORDER) for table, frame in frames.items()}
        return ids, Population.from_frames(self.source, **found)

    def _read(self, table: str, chunk: int) -> pl.DataFrame:
        folder = self.folder / table / f"{_CHUNK}={chunk}"
        schema = {**self.schemas[table], _ORDER: pl.UInt32()}
        if not folder.is_dir():
            return pl.DataFrame(schema=schema)
        frame = pl.scan_parquet(folder, hive_partitioning=False).collect()
        return frame.select(list(schema)).sort(_ORDER)


def partition(
    tables: LazyTables, chunks: pl.DataFrame, parents: pl.Series, folder: Path
) -> Partitioned:
    """Write ``tables`` to ``folder`` by the chunks ``chunks`` (``id, chunk`` of every
    subject, names normalised), and the ``subjects`` rows of the ``parents`` (every parent
    named, normalised)."""
    hashed = chunks.get_column("id").hash(seed=_SEED)
    # a 64-bit hash of the name is the key: eight bytes a subject instead of its name, and a
    # join on integers; should two names of the plan have one hash (about one chance in
    # 300 000 for ten million names), the names themselves are the key
    exact = collide(hashed)
    plan = pl.DataFrame(
        {"_key": chunks.get_column("id") if exact else hashed, _CHUNK: chunks.get_column(_CHUNK)}
    ).with_columns(pl.col(_CHUNK).cast(pl.UInt32))
    schemas = {}
    for table, lazy in tables.tables.items():
        schemas[table] = lazy.collect_schema()
        for number, start in enumerate(range(0, tables.height(table), SLICE)):
            # a slice at a time, read from the file as such: memory is set by the slice
            part = tables.rows(table, start, SLICE).with_row_index(_ORDER, offset=start).collect()
            key = name_of(subject_key(table))
            part = part.with_columns((key if exact else key.hash(seed=_SEED)).alias("_key"))
            # the plan's rows of this slice's subjects first: a join then builds its table
            # from a slice, not from every subject
            mine = plan.filter(pl.col("_key").is_in(part.get_column("_key").unique().implode()))
            part = part.join(mine, on="_key", how="left").drop("_key")
            part = part.with_columns(pl.col(_CHUNK).fill_null(0))
            for (chunk,), piece in part.partition_by(_CHUNK, as_dict=True).items():
                place = folder / table / f"{_CHUNK}={chunk}"
                place.mkdir(parents=True, exist_ok=True)
                piece.drop(_CHUNK).write_parquet(place / f"{number:06d}.parquet")
            if table == "subjects":
                # written, not kept: a few rows of a slice would keep the slice's text alive
                kept = part.drop(_CHUNK).filter(name_of("id").is_in(parents.implode()))
                (folder / _PARENTS).mkdir(exist_ok=True)
                kept.write_parquet(folder / _PARENTS / f"{number:06d}.parquet")
    empty = pl.DataFrame(schema={**schemas["subjects"], _ORDER: pl.UInt32()})
    subjects = (
        pl.read_parquet(folder / _PARENTS, hive_partitioning=False)
        if (folder / _PARENTS).is_dir()
        else empty
    )
    subjects.write_parquet(folder / _CONTEXT)
    above = subjects.select(
        name_of("id").alias("id"),
        pl.when(name_of("parent") == "").then(None).otherwise(name_of("parent")).alias("p"),
    )
    return Partitioned(
        source=tables.source, folder=folder, schemas=schemas, above=dict(above.iter_rows())
    )


def collide(hashed: pl.Series) -> bool:
    """Whether two names have one hash."""
    return bool(hashed.is_duplicated().any())
