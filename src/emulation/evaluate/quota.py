"""Quotas with ranking: cap the granted subjects of an award per unit, cluster or population.

After an award's outcome is known, eligible subjects (``granted``) are ranked inside their
group by the quota's keys, then by subject id so that ties never depend on row order. The cap
is the quota's ``count``, or its ``ratio`` × the denominator rounded as the ruleset says,
computed exactly in integers. Those ranked beyond the cap become ``eligible_over_quota``.
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
)
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
    group = _group(quota)
    candidate = pl.col(outcome) == "granted"
    denominator = _denominator(quota, award, decided)
    cap = _cap(quota, parameters, denominator)
    keys = [compiler.compile(key.node) for key in quota.rank]
    group_name = group_column(award.id)

    def apply(lazy: pl.LazyFrame) -> pl.LazyFrame:
        lazy = lazy.with_columns(group.alias(group_name))
        over = pl.col(group_name)
        lazy = lazy.with_columns(
            cap.over(over).alias(cap_column(award.id)),
            (denominator.over(over) if denominator is not None else pl.lit(None, pl.Int64)).alias(
                denominator_column(award.id)
            ),
        )
        lazy = lazy.sort(
            [over, candidate, *keys, pl.col("id")],
            descending=[False, True, *(key.descending for key in quota.rank), False],
            nulls_last=True,
        )
        rank = candidate.cast(pl.Int64).cum_sum().over(over)
        lazy = lazy.with_columns(
            pl.when(candidate).then(rank).otherwise(None).alias(rank_column(award.id))
        )
        over_quota = candidate & (pl.col(rank_column(award.id)) > pl.col(cap_column(award.id)))
        return lazy.with_columns(
            pl.when(over_quota)
            .then(pl.lit("eligible_over_quota"))
            .otherwise(pl.col(outcome).cast(pl.String))
            .cast(OUTCOME_DTYPE)
            .alias(outcome)
        ).drop(group_name)

    return apply


def _enabled(quota: Quota, parameters: Mapping[str, ParameterValue | None]) -> bool:
    return bool(resolve(quota.enabled, parameters))


def _group(quota: Quota) -> pl.Expr:
    """The quota group; a subject with no unit (or no cluster) is a group of its own."""
    alone = pl.lit("\x00") + pl.col("id")
    if quota.per == "unit":
        return pl.coalesce(pl.col("parent"), alone)
    if quota.per == "cluster":
        return pl.coalesce(pl.col("cluster"), alone)
    return pl.lit("*")


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
