"""The tables of a folder written once more, cut by chunk, so that each chunk of a national run
is read from its own files instead of by filtering every row of the input again.

:func:`partition` reads each table of a :class:`~emulation.data.lazy.LazyTables` a slice at a
time and gives each row the chunk of the subject it names (a row naming no subject of the plan,
or none, goes with the first chunk, whose validation reports it as a whole run would), writing
it to ``<folder>/<table>/chunk=<n>/``. A ``subjects`` row's chunk is its node's
(:func:`~emulation.data.grouping.node_of`: its unit, cluster or itself), read from the row
itself; a row of another table names its subject only, so it is first written to the bucket of
that name (:func:`~emulation.data.grouping.bucket_of`), and each bucket is then joined with the
same bucket of the plan's names (``name, node``) — an external hash join: memory is set by a
slice and a bucket, never by the number of subjects. The ``subjects`` rows of every parent are
also kept apart, so that a chunk can be given the collectives above it.
:meth:`Partitioned.population` then reads one chunk's rows, in the order of the input (each row
keeps its position, ``_order``), and validates them as a population of its own.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import attrs
import polars as pl

from emulation.data.grouping import FolderPlan, bucket_of, node_of
from emulation.data.lazy import (
    LazyTables,
    ancestors_outside,
    name_of,
    plan_columns,
    subject_key,
)
from emulation.data.population import Population

_ORDER = "_order"
_CHUNK = "chunk"
_CONTEXT = "context.parquet"
_PARENTS = "parents"
_BUCKETS = "buckets"
#: Rows of a table read at a time while it is cut.
SLICE = 100_000


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
    tables: LazyTables, plan: FolderPlan, chunks: pl.DataFrame, folder: Path
) -> Partitioned:
    """Write ``tables`` to ``folder`` by the chunks ``chunks`` (``node, chunk`` of every node
    of ``plan``), and the ``subjects`` rows of every parent."""
    schemas = {}
    parents = plan.parents.implode()
    for table, lazy in tables.tables.items():
        schemas[table] = lazy.collect_schema()
        if table == "subjects":
            _cut_subjects(tables, plan, chunks, folder, parents)
        else:
            _cut_by_bucket(tables, table, plan, chunks, folder)
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


def _cut_subjects(
    tables: LazyTables, plan: FolderPlan, chunks: pl.DataFrame, folder: Path, parents: pl.Series
) -> None:
    """The ``subjects`` rows by the chunk of their node, read from the row itself."""
    columns = plan_columns(tables.tables["subjects"].collect_schema().names())
    node = node_of(clusters=plan.clusters)
    for number, start in enumerate(range(0, tables.height("subjects"), SLICE)):
        # a slice at a time, read from the file as such: memory is set by the slice
        part = tables.rows("subjects", start, SLICE).with_row_index(_ORDER, offset=start).collect()
        nodes = part.select(columns).select(node.alias("node"))
        cut = part.with_columns(_looked_up(nodes, chunks, "node"))
        _write(cut, folder / "subjects", number)
        # written, not kept: a few rows of a slice would keep the slice's text alive
        kept = cut.drop(_CHUNK).filter(name_of("id").is_in(parents))
        (folder / _PARENTS).mkdir(exist_ok=True)
        kept.write_parquet(folder / _PARENTS / f"{number:06d}.parquet")


def _cut_by_bucket(
    tables: LazyTables, table: str, plan: FolderPlan, chunks: pl.DataFrame, folder: Path
) -> None:
    """The rows of ``table`` by the chunk of the subject they name: each slice written by
    the bucket of that name, then each bucket joined with the plan's names of that bucket."""
    key = name_of(subject_key(table))
    buckets = folder / _BUCKETS / table
    for number, start in enumerate(range(0, tables.height(table), SLICE)):
        part = tables.rows(table, start, SLICE).with_row_index(_ORDER, offset=start).collect()
        keyed = part.with_columns(bucket_of(key, plan.width).fill_null(0).alias("_b"))
        for (bucket,), piece in keyed.partition_by("_b", as_dict=True).items():
            place = buckets / f"bucket={bucket}"
            place.mkdir(parents=True, exist_ok=True)
            piece.drop("_b").write_parquet(place / f"{number:06d}.parquet")
    for bucket in range(plan.width):
        place = buckets / f"bucket={bucket}"
        if not place.is_dir():
            continue
        rows = pl.read_parquet(place, hive_partitioning=False)
        names = plan.names(bucket).join(chunks, on="node", how="left").drop("node")
        cut = rows.with_columns(_looked_up(rows.select(key.alias("name")), names, "name"))
        _write(cut, folder / table, bucket)
        shutil.rmtree(place)


def _looked_up(keys: pl.DataFrame, chunks: pl.DataFrame, on: str) -> pl.Series:
    """The ``chunk`` of each of ``keys`` (a frame of the column ``on``) in ``chunks`` (``on``
    unique), in the order of ``keys``: a join of one column, not of the rows' every column."""
    found = keys.join(chunks.select(on, _CHUNK), on=on, how="left", maintain_order="left")
    return found.get_column(_CHUNK)


def _write(rows: pl.DataFrame, folder: Path, number: int) -> None:
    """``rows`` (with their ``chunk``; none: the first) to ``folder/chunk=<n>/<number>``."""
    rows = rows.with_columns(pl.col(_CHUNK).fill_null(0).cast(pl.UInt32))
    for (chunk,), piece in rows.partition_by(_CHUNK, as_dict=True).items():
        place = folder / f"{_CHUNK}={chunk}"
        place.mkdir(parents=True, exist_ok=True)
        piece.drop(_CHUNK).write_parquet(place / f"{number:06d}.parquet")
