"""``emulation.data.grouping``: the chunks of a folder found from its units — the same chunks as
``emulation.data.chunks`` finds from a row a subject, whatever the row order and the buckets,
while what is held in memory is a row a node (unit, cluster), never a row a person."""

from __future__ import annotations

import tempfile
from pathlib import Path

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from emulation.data import grouping
from emulation.data.chunks import chunk_of, groups, regular
from emulation.data.lazy import LazyTables, links, open_tables

SCHEMA = {"id": pl.String, "kind": pl.String, "parent": pl.String, "cluster": pl.String}
UNITS = ["u0", "u1", "u2", "u3", "u4"]


def folder_of(place: Path, subjects: pl.DataFrame, evidence: pl.DataFrame) -> LazyTables:
    """``subjects`` (and one facts row each, and ``evidence``) as a folder of CSV tables."""
    place.mkdir(parents=True)
    subjects.write_csv(place / "subjects.csv")
    facts = subjects.select(pl.col("id").alias("subject"), pl.lit("2024").alias("period"))
    facts.write_csv(place / "facts.csv")
    evidence.write_csv(place / "evidence.csv")
    tables = open_tables(place)
    assert tables is not None
    return tables


def population(persons: int, units: int = 4, *, seed: int = 0) -> pl.DataFrame:
    """``persons`` persons spread over ``units`` units, two units to a cluster."""
    people = pl.DataFrame(
        {
            "id": [f"p{i:05d}" for i in range(persons)],
            "kind": ["person"] * persons,
            "parent": [f"u{(i * 7 + seed) % units}" for i in range(persons)],
            "cluster": [None] * persons,
        },
        schema=SCHEMA,
    )
    collectives = pl.DataFrame(
        {
            "id": [f"u{i}" for i in range(units)],
            "kind": ["collective"] * units,
            "parent": [None] * units,
            "cluster": [f"k{i // 2}" for i in range(units)],
        },
        schema=SCHEMA,
    )
    return pl.concat([people, collectives])


NO_EVIDENCE = pl.DataFrame(schema={"id": pl.String, "subject": pl.String})


@settings(max_examples=40, deadline=None)
@given(
    unit_parents=st.lists(st.sampled_from([None, 0, 1, 2]), min_size=5, max_size=5),
    unit_clusters=st.lists(st.sampled_from([None, "k0", "k1"]), min_size=5, max_size=5),
    persons=st.lists(
        st.tuples(st.sampled_from([None, *UNITS]), st.sampled_from([None, "k0", "k1", "k2"])),
        min_size=1,
        max_size=40,
    ),
    shared=st.lists(st.lists(st.integers(0, 39), min_size=1, max_size=3), max_size=4),
    deep=st.booleans(),
    clusters=st.booleans(),
    decided=st.none() | st.frozensets(st.sampled_from(UNITS)),
    size=st.integers(1, 30),
    bucket_rows=st.sampled_from([3, 1000]),
    order=st.randoms(use_true_random=False),
)
def test_the_chunks_are_those_found_from_every_subject(
    unit_parents: list[int | None],
    unit_clusters: list[str | None],
    persons: list[tuple[str | None, str | None]],
    shared: list[list[int]],
    deep: bool,
    clusters: bool,
    decided: frozenset[str] | None,
    size: int,
    bucket_rows: int,
    order: object,
) -> None:
    # a tree of units (a unit's parent is one of the first three, never itself), persons in
    # units, clusters or neither, evidence given to several persons; rows in any order
    rows = [
        (unit, "collective", None if p is None or UNITS[p] == unit else UNITS[p], c)
        for unit, p, c in zip(UNITS, unit_parents, unit_clusters, strict=True)
    ]
    rows += [(f"p{i:02d}", "person", p, c) for i, (p, c) in enumerate(persons)]
    order.shuffle(rows)  # type: ignore[attr-defined]
    subjects = pl.DataFrame(rows, schema=SCHEMA, orient="row")
    evidence = pl.DataFrame(
        [(f"E{n}", f"p{i:02d}") for n, holders in enumerate(shared) for i in holders],
        schema={"id": pl.String, "subject": pl.String},
        orient="row",
    )
    with tempfile.TemporaryDirectory() as scratch, pytest.MonkeyPatch.context() as patch:
        patch.setattr(grouping, "BUCKET_ROWS", bucket_rows)
        patch.setattr(grouping, "SLICE", 7)
        tables = folder_of(Path(scratch) / "in", subjects, evidence)
        every, _ = tables.plan()
        before = links(tables.tables["evidence"], tables.tables["facts"], ())
        expected = chunk_of(
            groups(every, before, deep=deep, candidates=decided, clusters=clusters), size
        )
        plan = grouping.plan_folder(tables, Path(scratch) / "plan", clusters=clusters)
        assert plan.regular() == regular(every)
        shared_links = grouping.shared_links(tables, (), Path(scratch) / "plan")
        assert shared_links.equals(before.sort("id", "subject"))
        chunks = plan.chunks(shared_links, deep=deep, candidates=decided, size=size)
    node = grouping.node_of(clusters=clusters).alias("node")
    found = every.with_columns(node).join(chunks, on="node", how="left").select("id", "chunk")
    assert found.sort("id").equals(expected.sort("id"))


def test_what_is_held_grows_with_the_units_not_the_persons(tmp_path: Path) -> None:
    held = []
    for persons in (40, 400):
        tables = folder_of(tmp_path / f"n{persons}", population(persons), NO_EVIDENCE)
        plan = grouping.plan_folder(tables, tmp_path / f"plan{persons}", clusters=True)
        assert plan.count == persons + 4
        held.append(
            {
                "nodes": plan.nodes.height,
                "collectives": plan.collectives.height,
                "member_clusters": plan.member_clusters.height,
                "parents": plan.parents.len(),
                "clusters": plan.cluster_names.len(),
            }
        )
        # every person is on disk, in the buckets, each name once
        named = pl.concat([plan.names(bucket) for bucket in range(plan.width)])
        assert named.height == persons + 4
        assert named.get_column("name").n_unique() == persons + 4
    assert (
        held[0]
        == held[1]
        == {
            "nodes": 4,
            "collectives": 4,
            "member_clusters": 0,
            "parents": 4,
            "clusters": 2,
        }
    )


def test_the_buckets_are_as_many_as_the_rows_need(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(grouping, "BUCKET_ROWS", 100)
    tables = folder_of(tmp_path / "in", population(950), NO_EVIDENCE)
    plan = grouping.plan_folder(tables, tmp_path / "plan", clusters=False)
    assert plan.width == 10  # 954 rows of subjects and of facts
    sizes = [plan.names(bucket).height for bucket in range(plan.width)]
    assert sum(sizes) == 954
    assert max(sizes) < 200  # spread by the hash, none holding most of them


def test_only_a_regular_tree_is_cut(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(grouping, "BUCKET_ROWS", 5)  # the ids in several buckets
    good = population(30)
    cases = {
        "good": good,
        "an id twice": pl.concat([good, good.head(1)]),
        "an id spelt twice": pl.concat(
            [good, good.head(1).with_columns(pl.lit("P 00000").alias("id"))]
        ),
        "a person as parent": good.with_columns(pl.col("parent").replace("u1", "p00003")),
        "an unknown parent": good.with_columns(pl.col("parent").replace("u1", "u9")),
        "a cluster spelt twice": good.with_columns(
            pl.when(pl.col("id") == "u1").then(pl.lit("K 0")).otherwise("cluster").alias("cluster")
        ),
    }
    found = {}
    for name, subjects in cases.items():
        tables = folder_of(tmp_path / name, subjects, NO_EVIDENCE)
        plan = grouping.plan_folder(tables, tmp_path / f"plan-{name}", clusters=True)
        every, _ = tables.plan()
        assert plan.regular() == regular(every), name
        found[name] = plan.regular()
    assert found == {name: name == "good" for name in cases}
    # a subject without an id: read whole, whose validation names it
    missing = pl.concat([good, good.head(1).with_columns(pl.lit(None).alias("id"))])
    tables = folder_of(tmp_path / "missing", missing, NO_EVIDENCE)
    plan = grouping.plan_folder(tables, tmp_path / "plan-missing", clusters=True)
    assert plan.null_ids == 1
    assert not plan.regular()
