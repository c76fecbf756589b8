"""Ranking inside groups: the one implementation quotas and standings share.

The subjects of a *pool* (the eligible ones, or every candidate) are sorted inside their
group by the ranking keys, first key first; a missing key value sorts last. Subjects equal on
every key share a rank, and the next rank skips (competition ranking: 1, 2, 2, 4), unless ties
are broken by subject id (``ties = "id"``), which makes every rank distinct. Nothing depends
on the order of the rows: the sort ends on the subject id, and a tie is a tie whatever order
its members arrive in.
"""

from __future__ import annotations

from collections.abc import Sequence

import attrs
import polars as pl

from emulation.evaluate.collect import collect
from emulation.rules.model import QuotaScope, Ties

_POOL = "__ranking_pool"
_BLOCK = "__ranking_block"
_POSITION = "__ranking_position"
_KEY = "__ranking_key_"
_ROW = "__ranking_row"


def group_of(per: QuotaScope) -> pl.Expr:
    """The group of a subject: its unit (``parent``), its cluster, or the whole population
    (``"*"``); a subject with no unit (or no cluster) is a group of its own."""
    alone = pl.lit("\x00") + pl.col("id")
    if per == "unit":
        return pl.coalesce(pl.col("parent"), alone)
    if per == "cluster":
        return pl.coalesce(pl.col("cluster"), alone)
    return pl.lit("*")


@attrs.frozen(kw_only=True)
class RankColumns:
    """The names of the columns :func:`rank_in_groups` writes.

    ``group``: the group of every row; ``rank``: the competition rank of a pool row (null
    outside the pool); ``tied``: how many other pool rows of the group share that rank (null
    outside the pool); ``size``: the number of pool rows in the group. Who shares a rank is
    found again from ``group`` and ``rank`` when it is asked for (:func:`peers`), so that a
    large tie costs no more than a small one until someone reads its names.
    """

    group: str
    rank: str
    tied: str
    size: str


def rank_in_groups(
    lazy: pl.LazyFrame,
    *,
    group: pl.Expr,
    pool: pl.Expr,
    keys: Sequence[tuple[pl.Expr, bool]],
    ties: Ties,
    names: RankColumns,
) -> pl.LazyFrame:
    """``lazy`` with the ranking columns ``names`` added; ``keys`` are ``(expression,
    descending)`` pairs; rows are returned sorted by group, then rank."""
    key_names = [f"{_KEY}{index}" for index in range(len(keys))]
    lazy = lazy.with_columns(
        group.alias(names.group),
        pool.fill_null(False).alias(_POOL),
        *(expr.alias(name) for (expr, _), name in zip(keys, key_names, strict=True)),
    )
    over = pl.col(names.group)
    in_pool = pl.col(_POOL)
    lazy = lazy.sort(
        [names.group, _POOL, *key_names, "id"],
        descending=[False, True, *(descending for _, descending in keys), False],
        nulls_last=True,
    )
    if ties == "id":
        # every row a block of its own: the id, last of the sort, breaks every tie
        blocks = pl.int_range(pl.len(), dtype=pl.Int64)
    else:
        same = [pl.col(name).eq_missing(pl.col(name).shift()) for name in (names.group, _POOL)]
        same += [pl.col(name).eq_missing(pl.col(name).shift()) for name in key_names]
        blocks = (~pl.all_horizontal(same).fill_null(False)).cast(pl.Int64).cum_sum()
    lazy = lazy.with_columns(
        blocks.alias(_BLOCK),
        in_pool.cast(pl.Int64).cum_sum().over(over).alias(_POSITION),
        in_pool.cast(pl.Int64).sum().over(over).alias(names.size),
    )
    block = pl.col(_BLOCK)
    lazy = lazy.with_columns(
        pl.when(in_pool).then(pl.col(_POSITION).min().over(block)).alias(names.rank),
        pl.when(in_pool).then(pl.len().over(block).cast(pl.Int64) - 1).alias(names.tied),
    )
    return lazy.drop(_POOL, _BLOCK, _POSITION, *key_names)


def rank_pool(
    frame: pl.DataFrame,
    *,
    group: pl.Expr,
    pool: pl.Expr,
    keys: Sequence[tuple[pl.Expr, bool]],
    ties: Ties,
    names: RankColumns,
) -> pl.DataFrame:
    """``frame`` with the columns ``names.group`` (every row), ``names.rank`` and
    ``names.tied`` (the rows of the pool, null elsewhere) of :func:`rank_in_groups`, in the
    frame's own row order; ``names.size`` is not written.

    Only the pool's rows are sorted, on a narrow frame (their row, id, group and key values),
    and their ranks are put back by row: a sort never carries the many columns of a result
    frame, nor the rows outside the pool, which come after the pool's in every group and so
    never change its ranks."""
    key_names = [f"{_KEY}{index}" for index in range(len(keys))]
    narrow = collect(
        frame.lazy().select(
            "id",
            group.alias(names.group),
            pool.fill_null(False).alias(_POOL),
            *(expr.alias(name) for (expr, _), name in zip(keys, key_names, strict=True)),
        )
    )
    rows = narrow.with_row_index(_ROW).filter(pl.col(_POOL))
    ranked = collect(
        rank_in_groups(
            rows.lazy(),
            group=pl.col(names.group),
            pool=pl.lit(True),
            keys=[
                (pl.col(name), descending)
                for name, (_, descending) in zip(key_names, keys, strict=True)
            ],
            ties=ties,
            names=names,
        ).select(_ROW, names.rank, names.tied)
    )
    at = ranked.get_column(_ROW)
    put_back = [
        pl.Series(name, dtype=pl.Int64)
        .extend_constant(None, frame.height)
        .scatter(at, ranked.get_column(name))
        for name in (names.rank, names.tied)
    ]
    return frame.with_columns(narrow.get_column(names.group), *put_back)


def peers(
    frame: pl.DataFrame, group: str, rank: str, tied: str, subjects: Sequence[str]
) -> dict[str, tuple[str, ...]]:
    """For each of ``subjects`` that shares its rank, the ids of the others of its group and
    rank in ``frame`` (the columns named by :class:`RankColumns`), sorted."""
    if tied not in frame.columns:
        return {}
    wanted = frame.filter(pl.col("id").is_in(list(subjects)) & (pl.col(tied) > 0))
    if wanted.height == 0:
        return {}
    together = (
        frame.filter(pl.col(tied) > 0)
        .join(wanted.select(group, rank).unique(), on=[group, rank], how="semi")
        .group_by(group, rank)
        .agg(pl.col("id").sort().alias("__members"))
    )
    found = wanted.select("id", group, rank).join(together, on=[group, rank], how="left")
    return {
        sid: tuple(m for m in members if m != sid)
        for sid, members in found.select("id", "__members").iter_rows()
    }
