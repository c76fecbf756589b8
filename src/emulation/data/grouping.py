"""The chunks of a folder found from its units, without a row per person in memory.

A national run's persons are millions; its units, clusters and other collectives a few hundred
thousand at most. Every person hangs on one *node* — its unit (``u:<parent>``), else its
cluster (``c:<cluster>``), else itself (``s:<id>``); a collective is the node ``u:<id>`` of its
own members — and the quota groups of :mod:`emulation.data.chunks` are unions of nodes. So the
groups, and the chunks, are found from one row a node:

- :func:`plan_folder` reads the ``subjects`` table a slice at a time and keeps, for each node,
  the number of its subjects and its first id (the order of :func:`~emulation.data.chunks.
  chunk_of`), the collectives' own rows, the distinct parents and clusters, and the distinct
  unit–cluster links; each subject's name and node go to disk, in *buckets* by a hash of the
  name's spelling (:func:`bucket_of`), never into one frame;
- :meth:`FolderPlan.regular` checks what :func:`~emulation.data.chunks.regular` checks, one
  bucket at a time for the ids (two spellings of one id fall in one bucket);
- :meth:`FolderPlan.chunks` joins the nodes as :func:`~emulation.data.chunks.groups` joins the
  subjects (clusters, collectives up the tree, shared evidence and fact values) and numbers the
  chunks as :func:`~emulation.data.chunks.chunk_of` does: the same chunks, as ``node, chunk``.

Memory is then bounded by the slice, the bucket and the number of nodes, not by the number of
persons — but for persons with neither unit nor cluster, each of whom is a node (and a group)
of its own.
"""

from __future__ import annotations

from pathlib import Path

import attrs
import polars as pl

from emulation.data.chunks import UnionFind, number_chunks, read_from_above, spellings
from emulation.data.lazy import LazyTables, link_pairs, plan_columns, shared_only

#: Rows of the ``subjects`` table read at a time.
SLICE = 500_000
#: Rows a bucket holds, about: the tables are cut into ``width`` buckets so that none holds
#: much more than this.
BUCKET_ROWS = 100_000
_SEED = 20240101
_NAMES = "names"
_LINKS = "links"


def node_of(*, clusters: bool) -> pl.Expr:
    """The node a subject hangs on (columns ``id, kind, parent, cluster``, normalised):
    a person on its unit, else its cluster (when ``clusters``), else itself; a collective is
    its own unit's node."""
    person = pl.col("kind") != "collective"
    cluster = pl.col("cluster") if clusters else pl.lit(None, dtype=pl.String)
    return (
        pl.when(person & pl.col("parent").is_not_null())
        .then(pl.lit("u:") + pl.col("parent"))
        .when(person & cluster.is_not_null())
        .then(pl.lit("c:") + cluster)
        .when(person)
        .then(pl.lit("s:") + pl.col("id"))
        .otherwise(pl.lit("u:") + pl.col("id"))
    )


def bucket_of(name: pl.Expr, width: int) -> pl.Expr:
    """The bucket of a normalised name: a hash of its spelling (:func:`~emulation.data.
    chunks.spellings`), so that two spellings of one name fall in one bucket."""
    return (spellings(name).hash(seed=_SEED) % width).cast(pl.UInt32)


@attrs.frozen
class FolderPlan:
    """What the chunks of a folder are made from (see the module)."""

    #: The number of subjects, and of those without an id.
    count: int
    null_ids: int
    #: Whether a person hangs on its cluster (something ranks or spends per cluster).
    clusters: bool
    #: ``id, kind, parent, cluster`` of every collective.
    collectives: pl.DataFrame
    #: ``node, n, first``: the subjects of each node and their first id.
    nodes: pl.DataFrame
    #: ``node, cluster``: distinct links of a unit with the cluster of one of its members.
    member_clusters: pl.DataFrame
    #: The distinct parents and clusters named.
    parents: pl.Series
    cluster_names: pl.Series
    #: The folder of the buckets (``names/bucket=<b>/``: ``name, node``), and their number.
    folder: Path
    width: int

    def names(self, bucket: int) -> pl.DataFrame:
        """``name, node`` of the subjects of bucket ``bucket``."""
        place = self.folder / _NAMES / f"bucket={bucket}"
        if not place.is_dir():
            return pl.DataFrame(schema={"name": pl.String, "node": pl.String})
        return pl.read_parquet(place, hive_partitioning=False)

    def regular(self) -> bool:
        """Whether the subjects may be cut at all (:func:`~emulation.data.chunks.regular`)."""
        if self.null_ids:
            return False
        for bucket in range(self.width):
            names = self.names(bucket)
            if names.select(spellings(pl.col("name")).is_duplicated().any()).item():
                return False
        if not self.parents.is_in(self.collectives.get_column("id").implode()).all():
            return False
        for values in (self.parents, self.cluster_names):
            if (
                values.to_frame("v").select(spellings(pl.col("v")).n_unique()).item()
                != values.len()
            ):
                return False
        return True

    def chunks(
        self,
        shared: pl.DataFrame,
        *,
        deep: bool,
        candidates: frozenset[str] | None,
        size: int,
    ) -> pl.DataFrame:
        """``node, chunk``: the nodes' groups (``shared``: ``id, subject`` pairs of subjects
        sharing a link; ``deep`` and ``candidates`` as :func:`~emulation.data.chunks.groups`
        takes them) gathered into chunks of at least ``size`` subjects, as
        :func:`~emulation.data.chunks.chunk_of` gathers them."""
        union = UnionFind()
        collectives = self.collectives
        links = [self.member_clusters]
        if self.clusters:
            links.append(
                collectives.filter(pl.col("cluster").is_not_null()).select(
                    (pl.lit("u:") + pl.col("id")).alias("node"),
                    (pl.lit("c:") + pl.col("cluster")).alias("cluster"),
                )
            )
        if deep:
            above = collectives.filter(pl.col("parent").is_not_null())
            if candidates is not None:
                read = read_from_above(collectives, candidates)
                above = above.filter(pl.col("parent").is_in(sorted(read)))
            links.append(
                above.select(
                    (pl.lit("u:") + pl.col("id")).alias("node"),
                    (pl.lit("u:") + pl.col("parent")).alias("parent"),
                )
            )
        for frame in links:
            for first, second in frame.iter_rows():
                union.join(first, second)
        for _, items in self._shared_nodes(shared).group_by("id"):
            names = items.get_column("node").to_list()
            for other in names[1:]:
                union.join(names[0], other)
        nodes = self.nodes.get_column("node").to_list()
        roots = pl.Series("root", [union.find(node) for node in nodes], dtype=pl.String)
        grouped = self.nodes.with_columns(roots)
        sizes = (
            grouped.group_by("root")
            .agg(pl.col("n").sum(), pl.col("first").min())
            .sort("first", "root")
        )
        chunks = number_chunks(sizes.get_column("n").to_list(), size)
        numbered = sizes.select("root", pl.Series("chunk", chunks, dtype=pl.Int64))
        return grouped.join(numbered, on="root", how="left").select("node", "chunk")

    def _shared_nodes(self, shared: pl.DataFrame) -> pl.DataFrame:
        """``id, node``: the node of each subject of ``shared``, a bucket at a time."""
        found = [pl.DataFrame(schema={"id": pl.String, "node": pl.String})]
        if not shared.height:
            return found[0]
        keyed = shared.with_columns(bucket_of(pl.col("subject"), self.width).alias("_b"))
        for (bucket,), part in keyed.partition_by("_b", as_dict=True).items():
            names = self.names(int(bucket))
            joined = part.join(names, left_on="subject", right_on="name", how="inner")
            found.append(joined.select("id", "node"))
        return pl.concat(found)


def plan_folder(tables: LazyTables, folder: Path, *, clusters: bool) -> FolderPlan:
    """The :class:`FolderPlan` of ``tables``, its buckets written under ``folder``."""
    subjects = tables.tables["subjects"]
    columns = plan_columns(subjects.collect_schema().names())
    height = tables.height("subjects")
    width = max(1, -(-max(tables.height(table) for table in tables.tables) // BUCKET_ROWS))
    node = node_of(clusters=clusters)
    person = pl.col("kind") != "collective"
    nodes = pl.DataFrame(schema={"node": pl.String, "n": pl.Int64, "first": pl.String})
    collectives, member_clusters, parents, cluster_names = [], [], [], []
    null_ids = 0
    for number, start in enumerate(range(0, height, SLICE)):
        # a slice of rows at a time; what is kept is one row a node
        part = tables.rows("subjects", start, SLICE).select(columns).collect()
        part = part.with_columns(node.alias("node"))
        null_ids += part.get_column("id").null_count()
        collectives.append(
            part.filter(pl.col("kind") == "collective").select(
                "id", pl.col("kind").cast(pl.String), "parent", "cluster"
            )
        )
        counted = part.group_by("node").agg(
            pl.len().cast(pl.Int64).alias("n"), pl.col("id").min().alias("first")
        )
        nodes = (
            pl.concat([nodes, counted])
            .group_by("node")
            .agg(pl.col("n").sum(), pl.col("first").min())
        )
        if clusters:
            member_clusters.append(
                part.filter(
                    person & pl.col("parent").is_not_null() & pl.col("cluster").is_not_null()
                )
                .select("node", (pl.lit("c:") + pl.col("cluster")).alias("cluster"))
                .unique()
            )
        parents.append(part.get_column("parent").drop_nulls().unique())
        cluster_names.append(part.get_column("cluster").drop_nulls().unique())
        named = part.filter(pl.col("id").is_not_null()).select(
            pl.col("id").alias("name"), "node", bucket_of(pl.col("id"), width).alias("_b")
        )
        for (bucket,), piece in named.partition_by("_b", as_dict=True).items():
            place = folder / _NAMES / f"bucket={bucket}"
            place.mkdir(parents=True, exist_ok=True)
            piece.drop("_b").write_parquet(place / f"{number:06d}.parquet")
    empty_links = pl.DataFrame(schema={"node": pl.String, "cluster": pl.String})
    return FolderPlan(
        count=height,
        null_ids=null_ids,
        clusters=clusters,
        collectives=pl.concat(collectives) if collectives else _no_collectives(),
        nodes=nodes.sort("node"),
        member_clusters=pl.concat([empty_links, *member_clusters]).unique(),
        parents=_distinct(parents, "parent"),
        cluster_names=_distinct(cluster_names, "cluster"),
        folder=folder,
        width=width,
    )


def _distinct(parts: list[pl.Series], name: str) -> pl.Series:
    if not parts:
        return pl.Series(name, [], dtype=pl.String)
    found: pl.Series = pl.concat(parts).unique().sort()
    return found.rename(name)


def _no_collectives() -> pl.DataFrame:
    return pl.DataFrame(
        schema={"id": pl.String, "kind": pl.String, "parent": pl.String, "cluster": pl.String}
    )


def shared_links(tables: LazyTables, names: tuple[str, ...], folder: Path) -> pl.DataFrame:
    """:func:`~emulation.data.lazy.links` of ``tables``, a slice and a bucket at a time: each
    slice's pairs written to the bucket of their link (``folder``), then each bucket's shared
    links found — memory is set by a slice, a bucket and the links shared, not by every
    evidence item."""
    width = max(1, -(-max(tables.height(table) for table in tables.tables) // BUCKET_ROWS))
    place = folder / _LINKS
    for table in ("evidence", "facts"):
        if table not in tables.tables:
            continue
        for number, start in enumerate(range(0, tables.height(table), SLICE)):
            for index, pairs in enumerate(
                link_pairs(table, tables.rows(table, start, SLICE), names)
            ):
                found = pairs.unique().collect()
                found = found.with_columns(bucket_of(pl.col("id"), width).alias("_b"))
                for (bucket,), piece in found.partition_by("_b", as_dict=True).items():
                    where = place / f"bucket={bucket}"
                    where.mkdir(parents=True, exist_ok=True)
                    piece.drop("_b").write_parquet(where / f"{table}-{index}-{number:06d}.parquet")
    shared = [pl.DataFrame(schema={"id": pl.String, "subject": pl.String})]
    for bucket in range(width):
        where = place / f"bucket={bucket}"
        if where.is_dir():
            shared.append(shared_only(pl.scan_parquet(where, hive_partitioning=False)).collect())
    return pl.concat(shared).sort("id", "subject")
