"""``emulation.data.chunks``: the groups decided together (a unit and its members, a cluster,
shared evidence or a fact's value), and chunks that never split a group."""

from __future__ import annotations

import polars as pl
from hypothesis import given
from hypothesis import strategies as st

from emulation.data.chunks import chunk_of, groups, regular

SUBJECTS = pl.DataFrame(
    {
        "id": ["p1", "p2", "p3", "p4", "p5", "u1", "u2", "u3", "top", "p6"],
        "kind": ["person"] * 5 + ["collective"] * 4 + ["person"],
        "parent": ["u1", "u1", "u2", None, None, "top", "top", None, None, "u3"],
        "cluster": [None, None, None, "k1", None, None, "k9", "k9", None, None],
    }
)
NO_LINKS = pl.DataFrame(schema={"id": pl.String, "subject": pl.String})


def together(frame: pl.DataFrame) -> set[frozenset[str]]:
    return {frozenset(part.get_column("id").to_list()) for part in frame.partition_by("group")}


def test_a_unit_its_members_and_clusters_are_one_group() -> None:
    found = together(groups(SUBJECTS, NO_LINKS, deep=False))
    assert found == {
        frozenset({"p1", "p2", "u1"}),
        frozenset({"p3", "u2", "u3", "p6"}),  # u2 and u3 share cluster k9
        frozenset({"p4"}),
        frozenset({"p5"}),
        frozenset({"top"}),
    }


def test_collective_awards_join_a_collective_to_the_one_above() -> None:
    found = together(groups(SUBJECTS, NO_LINKS, deep=True))
    assert frozenset({"p1", "p2", "u1", "p3", "u2", "u3", "p6", "top"}) in found


def test_shared_evidence_and_a_fact_value_join_groups() -> None:
    links = pl.DataFrame(
        {"id": ["e:x", "e:x", "f:org:a", "f:org:a"], "subject": ["p4", "p5", "p5", "p1"]}
    )
    found = together(groups(SUBJECTS, links, deep=False))
    assert frozenset({"p1", "p2", "u1", "p4", "p5"}) in found


@given(
    parents=st.lists(st.sampled_from([None, "u0", "u1", "u2", "u3"]), min_size=1, max_size=40),
    size=st.integers(1, 50),
)
def test_chunks_hold_whole_groups_and_enough_subjects(parents: list[str | None], size: int) -> None:
    persons = pl.DataFrame(
        {
            "id": [f"p{i:03d}" for i in range(len(parents))],
            "kind": ["person"] * len(parents),
            "parent": parents,
            "cluster": [None] * len(parents),
        },
        schema={"id": pl.String, "kind": pl.String, "parent": pl.String, "cluster": pl.String},
    )
    units = pl.DataFrame(
        {
            "id": ["u0", "u1", "u2", "u3"],
            "kind": ["collective"] * 4,
            "parent": [None] * 4,
            "cluster": ["k", "k", None, None],
        },
        schema=persons.schema,
    )
    subjects = pl.concat([persons, units])
    grouped = groups(subjects, NO_LINKS, deep=False)
    chunks = chunk_of(grouped, size)
    assert sorted(chunks.get_column("id").to_list()) == sorted(subjects.get_column("id").to_list())
    joined = grouped.join(chunks, on="id")
    # a group is never split across chunks
    assert joined.group_by("group").agg(pl.col("chunk").n_unique()).get_column("chunk").max() == 1
    sizes = joined.group_by("chunk").len().sort("chunk").get_column("len").to_list()
    assert all(n >= size for n in sizes[:-1])
    assert joined.get_column("chunk").unique().sort().to_list() == list(range(len(sizes)))


def test_only_a_regular_tree_is_cut() -> None:
    assert regular(SUBJECTS)
    person_as_parent = SUBJECTS.with_columns(
        pl.when(pl.col("id") == "p6").then(pl.lit("p1")).otherwise("parent").alias("parent")
    )
    assert not regular(person_as_parent)
    unknown_parent = SUBJECTS.with_columns(pl.col("parent").replace("u1", "u9"))
    assert not regular(unknown_parent)
    spelt_twice = SUBJECTS.with_columns(pl.col("cluster").replace("k9", "K 9"))
    assert regular(spelt_twice)
    spelt_twice = pl.concat(
        [
            spelt_twice,
            SUBJECTS.filter(pl.col("id") == "p5").with_columns(
                pl.lit("p7").alias("id"), pl.lit("k9").alias("cluster")
            ),
        ]
    )
    assert not regular(spelt_twice)
    assert not regular(pl.concat([SUBJECTS, SUBJECTS.head(1)]))
