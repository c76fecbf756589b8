"""Quotas with ranking: cap the granted subjects of an award per unit, cluster or population.

After an award's outcome is known, the subjects of each group are ranked by the quota's keys
(:mod:`emulation.evaluate.ranking`): the eligible ones (``granted``), or with
``rank_scope = "all_candidates"`` every candidate, so that a place within the cap held by a
subject who does not qualify is not passed on ("the leader must qualify"). The cap is the
quota's ``count``, or its ``ratio`` × the denominator rounded as the ruleset says, computed
exactly in integers. An eligible subject ranked beyond the cap becomes
``eligible_over_quota``; one whose tie (after every key) straddles the cap becomes ``tied``,
for the competent authority to settle, unless the quota breaks ties by subject id
(``ties = "id"``).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from decimal import Decimal

import polars as pl

from emulation.errors import EvaluationError
from emulation.evaluate.columns import (
    OUTCOME_DTYPE,
    cap_column,
    denominator_column,
    group_column,
    outcome_column,
    rank_column,
    tied_column,
    unqualified_column,
)
from emulation.evaluate.ranking import RankColumns, group_of, rank_in_groups
from emulation.lang.compiler import Compiler
from emulation.rules.model import Award, ParameterValue, Quota, resolve

Stage = Callable[[pl.LazyFrame], pl.LazyFrame]


def quota_stage(
    award: Award,
    parameters: Mapping[str, ParameterValue | None],
    compiler: Compiler,
    decided: set[str],
    outcome: str,
) -> Stage | None:
    """The step that applies ``award.quota``, or None when the award has no quota switched on."""
    quota = award.quota
    if quota is None or not _enabled(quota, parameters):
        return None
    group = group_of(quota.per)
    candidate = pl.col(outcome) == "granted"
    denominator = _denominator(quota, award, decided)
    cap = _cap(quota, parameters, denominator)
    keys = [(compiler.compile(key.node), key.descending) for key in quota.rank]
    group_name = group_column(award.id)
    names = RankColumns(
        group=group_name,
        rank=rank_column(award.id),
        tied=tied_column(award.id),
        size=f"{group_name}::size",
    )
    everyone = quota.rank_scope == "all_candidates"

    def apply(lazy: pl.LazyFrame) -> pl.LazyFrame:
        lazy = rank_in_groups(
            lazy,
            group=group,
            pool=pl.lit(True) if everyone else candidate,
            keys=keys,
            ties=quota.ties,
            names=names,
        )
        over = pl.col(group_name)
        lazy = lazy.with_columns(
            cap.over(over).alias(cap_column(award.id)),
            (denominator.over(over) if denominator is not None else pl.lit(None, pl.Int64)).alias(
                denominator_column(award.id)
            ),
        )
        rank, capped = pl.col(names.rank), pl.col(cap_column(award.id))
        last = rank + pl.col(names.tied)
        if everyone:
            # the places within the cap held by subjects who do not qualify: not passed on
            held = ((rank <= capped) & ~candidate).cast(pl.Int64).sum().over(over)
            lazy = lazy.with_columns(held.alias(unqualified_column(award.id)))
        else:
            # the ranking of the eligible only: others keep no rank
            lazy = lazy.with_columns(pl.when(candidate).then(rank).alias(names.rank))
        outcome_now = (
            pl.when(candidate & (rank > capped))
            .then(pl.lit("eligible_over_quota"))
            .when(candidate & (last > capped))
            .then(pl.lit("tied"))
            .otherwise(pl.col(outcome).cast(pl.String))
            .cast(OUTCOME_DTYPE)
        )
        return lazy.with_columns(outcome_now.alias(outcome)).drop(names.size)

    return apply


def _enabled(quota: Quota, parameters: Mapping[str, ParameterValue | None]) -> bool:
    return bool(resolve(quota.enabled, parameters))


def _denominator(quota: Quota, award: Award, decided: set[str]) -> pl.Expr | None:
    if quota.count is not None:
        return None
    if quota.of == "headcount":
        return pl.len().cast(pl.Int64)
    if quota.of not in decided:
        raise EvaluationError(
            f'the quota of "{award.id}" counts holders of "{quota.of}", which is not decided '
            "for the same subjects in this evaluation"
        )
    return (pl.col(outcome_column(quota.of)) == "granted").cast(pl.Int64).sum()


def _cap(
    quota: Quota, parameters: Mapping[str, ParameterValue | None], denominator: pl.Expr | None
) -> pl.Expr:
    if quota.count is not None or denominator is None:
        return pl.lit(quota.count, pl.Int64)
    ratio = resolve(quota.ratio, parameters)
    if ratio is None:
        raise EvaluationError(f"quota ratio {str(quota.ratio)!r} has no value")
    numerator, divisor = Decimal(str(ratio)).as_integer_ratio()
    scaled = denominator * numerator
    if quota.rounding == "floor":
        return scaled // divisor
    if quota.rounding == "ceiling":
        return -((-scaled) // divisor)
    return (2 * scaled + divisor) // (2 * divisor)
