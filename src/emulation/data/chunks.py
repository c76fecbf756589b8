"""A population cut into chunks of whole quota groups, for a run that evaluates it chunk by chunk.

Every subject belongs to one *group*: the subjects that must be evaluated together because one
subject's decision may read another's. Two subjects are in the same group when

- one is the other's ``parent`` (a person and its unit: the unit's quota and its members'
  shares); a collective and the collective above it only when ``deep`` — when a decision may
  read a collective's child collectives or whole subtree — and when that collective above, or
  one above it, is a candidate (``candidates``): a subtree no candidate reads is not joined
  up, so a tree whose top levels decide nothing still splits;
- they share a ``cluster``, when ``clusters`` (a quota, a budget or standings per cluster);
- they share the same unit (``parent``) — through the unit;
- they share an evidence item (an ``id`` given to several subjects with their ``share``);
- they share the value of a fact that names the group of a quota or a budget (``per =
  "fact"``).

Groups are the connected components of those links (a union–find over units, clusters and
the other links; persons hang on their unit or cluster, so the work grows with the number of
units, not of persons). A chunk is a run of whole groups holding at least ``size`` subjects (the
last may hold fewer); a group larger than ``size`` is a chunk of its own. Quotas or budgets over
the whole population, standings over the whole population, and KPIs read more than a group: the caller then evaluates one chunk (see :mod:`emulation._evaluate_cli`).
"""

from __future__ import annotations

from typing import TypeVar

import polars as pl

#: A series of names, or an expression of them.
_Names = TypeVar("_Names", pl.Series, pl.Expr)

#: Columns of the frame :func:`chunk_of` reads.
PLAN_COLUMNS = ("id", "kind", "parent", "cluster")


class UnionFind:
    """Union–find over names, by path halving."""

    def __init__(self) -> None:
        self.up: dict[str, str] = {}

    def find(self, name: str) -> str:
        up = self.up
        up.setdefault(name, name)
        while up[name] != name:
            up[name] = up[up[name]]
            name = up[name]
        return name

    def join(self, first: str, second: str) -> None:
        a, b = self.find(first), self.find(second)
        if a != b:
            self.up[max(a, b)] = min(a, b)


def groups(
    subjects: pl.DataFrame,
    shared: pl.DataFrame,
    *,
    deep: bool,
    candidates: frozenset[str] | None = None,
    clusters: bool = True,
) -> pl.DataFrame:
    """``id, group``: the group of every subject of ``subjects`` (a whole number; columns
    :data:`PLAN_COLUMNS`, names normalised). ``shared`` holds ``id, subject`` pairs: the
    subjects sharing an ``id`` (an evidence item, a fact's value) are in one group.
    ``candidates``: the collectives decided in the period (None: every one)."""
    if not clusters:
        subjects = subjects.with_columns(pl.lit(None, dtype=pl.String).alias("cluster"))
    unit = pl.lit("u:") + pl.col("id")
    person = pl.col("kind") != "collective"
    # the node a subject hangs on: a person on its unit, else its cluster, else itself;
    # a collective is its own node
    node = (
        pl.when(person & pl.col("parent").is_not_null())
        .then(pl.lit("u:") + pl.col("parent"))
        .when(person & pl.col("cluster").is_not_null())
        .then(pl.lit("c:") + pl.col("cluster"))
        .when(person)
        .then(pl.lit("s:") + pl.col("id"))
        .otherwise(unit)
    )
    # every frame below holds the distinct links only: the node of each of millions of
    # persons is computed on the way, not kept
    lazy = subjects.lazy()
    union = UnionFind()
    cluster_links = lazy.filter(pl.col("cluster").is_not_null()).select(
        node.alias("node"), pl.lit("c:") + pl.col("cluster")
    )
    parent_links = lazy.filter(
        pl.col("parent").is_not_null() & (person if not deep else pl.lit(value=True))
    )
    if deep and candidates is not None:
        read = read_from_above(subjects, candidates)
        parent_links = parent_links.filter(person | pl.col("parent").is_in(sorted(read)))
    parent_links = parent_links.select(node.alias("node"), pl.lit("u:") + pl.col("parent"))
    for frame in (cluster_links, parent_links):
        for first, second in frame.unique().collect().iter_rows():
            union.join(first, second)
    if shared.height:
        nodes = shared.lazy().join(
            lazy.select(pl.col("id").alias("subject"), node.alias("node")),
            on="subject",
            how="inner",
        )
        for _, items in nodes.collect().group_by("id"):
            names = items.get_column("node").to_list()
            for other in names[1:]:
                union.join(names[0], other)
    distinct = lazy.select(node.alias("node")).unique().collect().get_column("node").to_list()
    found = [union.find(name) for name in distinct]
    # each group as a whole number (the groups in the order of their root names)
    codes = {root: code for code, root in enumerate(sorted(set(found)))}
    roots = pl.DataFrame(
        {"node": distinct, "group": [codes[root] for root in found]},
        schema={"node": pl.String, "group": pl.UInt32},
    )
    return (
        lazy.select("id", node.alias("node"))
        .join(roots.lazy(), on="node", how="left")
        .select("id", "group")
        .collect()
    )


def read_from_above(subjects: pl.DataFrame, candidates: frozenset[str]) -> set[str]:
    """The collectives that are candidates or lie below one: their subtrees are read."""
    above = dict(subjects.filter(pl.col("kind") == "collective").select("id", "parent").iter_rows())
    found: set[str] = set()
    for start in above:
        path, node, covered = [], start, False
        seen: set[str] = set()
        while node is not None and node not in seen:
            if node in found or node in candidates:
                covered = True
                break
            seen.add(node)
            path.append(node)
            node = above.get(node)
        if covered:
            found.update(path)
    return found | (candidates & set(above))


def regular(subjects: pl.DataFrame) -> bool:
    """Whether the subjects may be cut at all: ids unique, every parent a collective of the
    table, no two spellings of an id, a parent or a cluster differing only by letter case or
    spacing. Otherwise the caller reads the population whole, whose validation reports each
    problem as it always does (a chunk would see only its part of them)."""
    ids = subjects.get_column("id")
    # on 64-bit hashes first (eight bytes a name, not the names): equal names have equal
    # hashes, so no duplicate hash means no duplicate name; a duplicate hash is checked again
    # on the names
    if _folded(ids).is_duplicated().any() and spellings(ids).is_duplicated().any():
        return False
    collectives = subjects.filter(pl.col("kind") == "collective").get_column("id")
    parents = subjects.get_column("parent").drop_nulls().unique()
    if not parents.is_in(collectives.implode()).all():
        return False
    for column in ("parent", "cluster"):
        values = subjects.get_column(column).drop_nulls().unique()
        if spellings(values).n_unique() != values.len():
            return False
    return True


def spellings(names: _Names) -> _Names:
    """``names`` (a series or an expression) in lower case without spaces: two names one
    spelling apart are equal."""
    return names.str.to_lowercase().str.replace_all(r"\s+", "")


#: Names folded a slice at a time.
_SLICE = 1_000_000


def _folded(names: pl.Series) -> pl.Series:
    """The 64-bit hash of each of ``names`` in lower case without spaces, a slice at a
    time."""
    parts = [
        spellings(names.slice(start, _SLICE)).hash(seed=0)
        for start in range(0, names.len(), _SLICE)
    ]
    return pl.concat(parts) if parts else pl.Series(dtype=pl.UInt64)


def number_chunks(counts: list[int], size: int) -> list[int]:
    """The chunk of each group, given the groups' sizes in order: a chunk takes whole groups
    until it holds at least ``size`` subjects (numbered from 0)."""
    chunks, current, filled = [], 0, 0
    for count in counts:
        chunks.append(current)
        filled += count
        if filled >= size:
            current, filled = current + 1, 0
    return chunks


def chunk_of(grouped: pl.DataFrame, size: int) -> pl.DataFrame:
    """``id, chunk``: whole groups of ``grouped`` (``id, group``) gathered into chunks of at
    least ``size`` subjects (numbered from 0, groups taken in the order of their first id)."""
    sizes = (
        grouped.group_by("group")
        .agg(pl.len().alias("n"), pl.col("id").min().alias("first"))
        .sort("first", "group")
    )
    chunks = number_chunks(sizes.get_column("n").to_list(), size)
    numbered = sizes.select("group").with_columns(pl.Series("chunk", chunks, dtype=pl.Int64))
    return grouped.join(numbered, on="group", how="left").select("id", "chunk")
