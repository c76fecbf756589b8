"""Who shares a subject's place: read again from the result frames when a decision or a
standing is built, since the frames keep only how many share it (a tie of a thousand costs
the evaluation no more than a tie of two)."""

from __future__ import annotations

from collections.abc import Sequence

import polars as pl

from emulation.evaluate.columns import (
    cap_column,
    group_column,
    outcome_column,
    rank_column,
    tied_column,
    unqualified_column,
)
from emulation.evaluate.ranking import peers
from emulation.rules.model import Award

#: ``subject -> (tied with, unqualified within the cap of its group)``, ids sorted.
Peers = dict[str, tuple[tuple[str, ...], tuple[str, ...]]]


def quota_peers(frame: pl.DataFrame, award: Award, subjects: Sequence[str]) -> Peers:
    """For each of ``subjects`` in ``frame`` (the result frame of ``award``'s subject kind):
    the subjects sharing its rank in its quota group, and — for a quota that ranks every
    candidate — those ranked within the cap of its group who do not qualify."""
    group, rank = group_column(award.id), rank_column(award.id)
    if award.quota is None or rank not in frame.columns or group not in frame.columns:
        return {}
    tied = peers(frame, group, rank, tied_column(award.id), subjects)
    unqualified: dict[str, tuple[str, ...]] = {}
    column = unqualified_column(award.id)
    if column in frame.columns:
        wanted = frame.filter(pl.col("id").is_in(list(subjects)) & (pl.col(column) > 0))
        if wanted.height:
            held = (
                frame.filter(
                    (pl.col(rank) <= pl.col(cap_column(award.id)))
                    & (pl.col(outcome_column(award.id)) != "granted")
                )
                .join(wanted.select(group).unique(), on=group, how="semi")
                .group_by(group)
                .agg(pl.col("id").sort().alias("__held"))
            )
            found = wanted.select("id", group).join(held, on=group, how="left")
            unqualified = {
                sid: tuple(ids or ()) for sid, ids in found.select("id", "__held").iter_rows()
            }
    return {
        sid: (tied.get(sid, ()), unqualified.get(sid, ())) for sid in set(tied) | set(unqualified)
    }
