"""The input cut by chunk (``data/partition.py``): every row in the chunk of the subject it
names, rows naming no subject with the first chunk, each chunk's rows in the order of the input
with their origins, the collectives above a chunk given with it — whether the tables are cut
into one bucket or many."""

from __future__ import annotations

import shutil
from pathlib import Path

import polars as pl
import pytest

from emulation.data import grouping
from emulation.data import partition as cut
from emulation.data.lazy import open_tables
from emulation.data.schema import ORIGIN
from emulation.errors import DataError

UNION = Path(__file__).resolve().parents[2] / "examples" / "union"


@pytest.mark.parametrize("form", ["csv", "parquet"])
@pytest.mark.parametrize("bucket_rows", [1_000_000, 20])
def test_every_row_goes_with_its_subject(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, bucket_rows: int, form: str
) -> None:
    monkeypatch.setattr(grouping, "BUCKET_ROWS", bucket_rows)  # one bucket, or fifteen
    monkeypatch.setattr(grouping, "SLICE", 11)
    monkeypatch.setattr(cut, "SLICE", 7)  # several slices a table
    folder = tmp_path / "union"
    shutil.copytree(UNION, folder)
    facts = folder / "facts.csv"
    # a row naming no subject: it goes with the first chunk, to be reported there
    facts.write_text(facts.read_text(encoding="utf-8") + "nobody,2024\n", encoding="utf-8")
    if form == "parquet":
        for table in folder.glob("*.csv"):
            pl.read_csv(table, infer_schema=False).write_parquet(table.with_suffix(".parquet"))
            table.unlink()
    tables = open_tables(folder)
    assert tables is not None
    subjects, _ = tables.plan()
    plan = grouping.plan_folder(tables, tmp_path / "plan", clusters=False)
    assert plan.width == (1 if bucket_rows > 1000 else 15)
    # the nodes (units, and persons without one) in two chunks by the parity of their place,
    # the units without members in chunk 2
    chunks = plan.nodes.select(
        "node",
        pl.when(pl.col("n") == 1)
        .then(2)
        .otherwise(pl.col("node").rank("ordinal") % 2)
        .cast(pl.Int64)
        .alias("chunk"),
    )
    assert chunks.get_column("chunk").unique().sort().to_list() == [0, 1, 2]
    node = grouping.node_of(clusters=False).alias("node")
    chunks_of_ids = subjects.with_columns(node).join(chunks, on="node").select("id", "chunk")
    persons = subjects.filter(pl.col("kind") == "person").get_column("id").sort()
    done = cut.partition(tables, plan, chunks, tmp_path / "parts")
    whole = {table: lazy.collect() for table, lazy in tables.tables.items() if table != "subjects"}
    seen = 0
    for chunk in (0, 1, 2):
        expected = set(chunks_of_ids.filter(pl.col("chunk") == chunk).get_column("id").to_list())
        for table, rows in whole.items():
            found = done._read(table, chunk)
            mine = rows.filter(pl.col("subject").is_in(sorted(expected)))
            if chunk == 0:
                known = subjects.get_column("id").implode()
                mine = rows.filter(
                    pl.col("subject").is_in(sorted(expected)) | ~pl.col("subject").is_in(known)
                )
            # the same rows, in the order of the input, with their origins
            assert found.get_column(ORIGIN).to_list() == mine.get_column(ORIGIN).to_list()
            seen += found.height
        if chunk == 0:
            # the row naming nobody is reported by the first chunk's validation
            row = 299 if form == "csv" else 298  # a CSV's header is its row 1
            with pytest.raises(DataError, match=f"row {row}: subject: unknown subject 'nobody'"):
                done.population(chunk)
            continue
        ids, population = done.population(chunk)
        assert set(ids.to_list()) == expected
        # every parent of the chunk's subjects is there, decided or not
        parents_here = population.subjects.get_column("parent").drop_nulls().to_list()
        assert set(parents_here) <= set(population.subjects.get_column("id").to_list())
    assert seen == sum(rows.height for rows in whole.values())
    assert persons.len() > 10
