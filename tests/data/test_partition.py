"""The input cut by chunk (``data/partition.py``): every row in the chunk of the subject it
names, rows naming no subject with the first chunk, each chunk's rows in the order of the input
with their origins, the collectives above a chunk given with it — keyed by hash or, when two
names share a hash, by the names themselves."""

from __future__ import annotations

import shutil
from pathlib import Path

import polars as pl
import pytest

from emulation.data import partition as cut
from emulation.data.lazy import open_tables
from emulation.data.schema import ORIGIN
from emulation.errors import DataError

UNION = Path(__file__).resolve().parents[2] / "examples" / "union"


@pytest.mark.parametrize("form", ["csv", "parquet"])
@pytest.mark.parametrize("exact", [False, True])
def test_every_row_goes_with_its_subject(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, exact: bool, form: str
) -> None:
    monkeypatch.setattr(cut, "collide", lambda hashed: exact)
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
    persons = subjects.filter(pl.col("kind") == "person").get_column("id").sort()
    # persons in two chunks by the parity of their place; collectives in chunk 2
    chunks = subjects.select(
        "id",
        pl.when(pl.col("kind") == "collective")
        .then(2)
        .otherwise(pl.col("id").rank("ordinal") % 2)
        .cast(pl.Int64)
        .alias("chunk"),
    )
    parents = subjects.get_column("parent").drop_nulls().unique()
    done = cut.partition(tables, chunks, parents, tmp_path / "parts")
    whole = {table: lazy.collect() for table, lazy in tables.tables.items() if table != "subjects"}
    seen = 0
    for chunk in (0, 1, 2):
        expected = set(chunks.filter(pl.col("chunk") == chunk).get_column("id").to_list())
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
