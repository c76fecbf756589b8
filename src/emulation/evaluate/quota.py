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
from typing import cast

import polars as pl

from emulation.errors import EvaluationError
from emulation.evaluate.collect import collect_rules
from emulation.evaluate.columns import (
    OUTCOME_DTYPE,
    cap_column,
    denominator_column,
    entered_column,
    group_column,
    outcome_column,
    quota_name,
    rank_column,
    tied_column,
    unqualified_column,
)
from emulation.evaluate.ranking import RankColumns, group_of, rank_pool
from emulation.functions import BuildContext
from emulation.lang.compiler import Compiler
from emulation.rules.model import (
    Award,
    ParameterRef,
    ParameterValue,
    Quota,
    QuotaGroup,
    resolve,
)

Stage = Callable[[pl.LazyFrame], pl.LazyFrame]


def quota_stage(
    award: Award,
    parameters: Mapping[str, ParameterValue | None],
    compiler: Compiler,
    decided: set[str],
    outcome: str,
) -> Stage | None:
    """The step that applies ``award.quota`` (the first of its quotas), or None when the award
    has no quota switched on."""
    if award.quota is None:
        return None
    return _stage(award, award.quota, award.id, parameters, compiler, decided, outcome)


def more_quota_stages(
    award: Award,
    parameters: Mapping[str, ParameterValue | None],
    compiler: Compiler,
    decided: set[str],
    outcome: str,
) -> list[Stage]:
    """The steps that apply the quotas after the first, in the order declared: each ranks
    the subjects the quotas before it left granted."""
    stages = []
    for index, quota in enumerate(award.more_quotas, start=2):
        name = quota_name(award.id, index)
        stage = _stage(award, quota, name, parameters, compiler, decided, outcome)
        if stage is not None:
            stages.append(stage)
    return stages


def _stage(
    award: Award,
    quota: Quota,
    name: str,
    parameters: Mapping[str, ParameterValue | None],
    compiler: Compiler,
    decided: set[str],
    outcome: str,
) -> Stage | None:
    """The step that applies ``quota`` of ``award``, writing its columns under ``name``."""
    unset = unset_parameters(quota, parameters)
    if not unset and not _enabled(quota, parameters):
        return None
    group = selection_group(quota.per, quota.group_fact)
    candidate = pl.col(outcome) == "granted"
    denominator = None if quota.count_by else _denominator(quota, award, decided)
    cap = _count_by(quota, compiler) if quota.count_by else _cap(quota, parameters, denominator)
    if quota.min_cap:
        cap = pl.when(cap.is_null()).then(None).otherwise(pl.max_horizontal(cap, quota.min_cap))
    if quota.group_fact is not None:
        cap = pl.when(pl.col(quota.group_fact).is_null()).then(None).otherwise(cap)
    if unset:  # a ratio or a switch with no value: the cap is not known (quota_unknown)
        cap = pl.lit(None, pl.Int64)
    keys = [(compiler.compile(key.node), key.descending) for key in quota.rank]
    group_name = group_column(name)
    names = RankColumns(
        group=group_name,
        rank=rank_column(name),
        tied=tied_column(name),
        size=f"{group_name}::size",
    )
    everyone = quota.rank_scope == "all_candidates"
    # who this quota weighs (eligible when it starts), for the reasons of a later quota or
    # one whose cap may be unknown
    marked = name != award.id or bool(quota.count_by) or quota.group_fact is not None
    marked = marked or bool(unset)

    def apply(lazy: pl.LazyFrame) -> pl.LazyFrame:
        if marked:
            lazy = lazy.with_columns(candidate.fill_null(False).alias(entered_column(name)))
        # the rows so far, materialised, and the pool ranked on a narrow frame beside them
        ranked = rank_pool(
            collect_rules(lazy, optimize=False),
            group=group,
            pool=pl.lit(True) if everyone else candidate,
            keys=keys,
            ties=quota.ties,
            names=names,
        )
        lazy = ranked.lazy()
        over = pl.col(group_name)
        lazy = lazy.with_columns(
            cap.over(over).alias(cap_column(name)),
            (denominator.over(over) if denominator is not None else pl.lit(None, pl.Int64)).alias(
                denominator_column(name)
            ),
        )
        rank, capped = pl.col(names.rank), pl.col(cap_column(name))
        last = rank + pl.col(names.tied)
        if everyone:
            # the places within the cap held by subjects who do not qualify: not passed on
            held = ((rank <= capped) & ~candidate).cast(pl.Int64).sum().over(over)
            lazy = lazy.with_columns(held.alias(unqualified_column(name)))
        else:
            # the ranking of the eligible only: others keep no rank
            lazy = lazy.with_columns(pl.when(candidate).then(rank).alias(names.rank))
        outcome_now = (
            pl.when(candidate & capped.is_null())
            .then(pl.lit("data_missing", OUTCOME_DTYPE))
            .when(candidate & (rank > capped))
            .then(pl.lit("eligible_over_quota", OUTCOME_DTYPE))
            .when(candidate & (last > capped))
            .then(pl.lit("tied", OUTCOME_DTYPE))
            .otherwise(pl.col(outcome))
        )
        return lazy.with_columns(outcome_now.alias(outcome))

    return apply


def selection_group(per: QuotaGroup, fact: str | None) -> pl.Expr:
    """The group of a subject for a quota or a budget: a scope (:func:`group_of`), or the
    value of the fact naming it (``per = "fact"``; a subject without one is alone)."""
    if per == "fact" and fact is not None:
        return pl.coalesce(pl.col(fact).cast(pl.String), pl.lit("\x00") + pl.col("id"))
    return group_of("population" if per == "fact" else per)


def _count_by(quota: Quota, compiler: Compiler) -> pl.Expr:
    """The cap of each unit by its type: the fact ``group_type`` of the unit (the subject's
    parent) in the period, looked up in ``count_by``, or with ``per = "fact"`` the value of
    ``group_fact`` itself; null when the type is unknown or not in the table."""
    counts = dict(quota.count_by)
    if quota.per == "fact" and quota.group_fact is not None:
        # the group's own value is its type (persons of every central agency: "central")
        group = pl.col(quota.group_fact).cast(pl.String)
        return group.replace_strict(counts, default=None, return_dtype=pl.Int64)
    # the query compiles with the evaluation context, which is a build context
    context = cast("BuildContext", compiler.context)
    fact = quota.group_type
    if context is None or fact is None:  # pragma: no cover - the query always gives both
        raise EvaluationError("a count by group type needs the evaluation's population")
    default = context.fact(fact).default if _declared(context, fact) else None
    facts = context.population.facts
    types: dict[str, str] = {}
    if fact in facts.columns:
        rows = facts.filter(pl.col("period") == str(context.period)).select("subject", fact)
        types = {sid: str(value) for sid, value in rows.iter_rows() if value is not None}
    units = context.population.subjects.filter(pl.col("kind") == "collective")
    caps = {}
    for unit in units.get_column("id").to_list():
        kind = types.get(unit, None if default is None else str(default))
        if kind in counts:
            caps[unit] = counts[kind]
    return pl.col("parent").replace_strict(caps, default=None, return_dtype=pl.Int64)


def _declared(context: BuildContext, fact: str) -> bool:
    try:
        context.fact(fact)
    except KeyError:
        return False
    return True


def _enabled(quota: Quota, parameters: Mapping[str, ParameterValue | None]) -> bool:
    return bool(resolve(quota.enabled, parameters))


def unset_parameters(
    quota: Quota, parameters: Mapping[str, ParameterValue | None]
) -> tuple[str, ...]:
    """The parameters of ``quota``'s switch, count and ratio that have no value for the period:
    the eligible subjects it weighs are then ``data_missing`` (reason ``quota_unknown``)."""
    named = [
        value
        for value in (quota.enabled, quota.count, quota.ratio)
        if isinstance(value, ParameterRef)
    ]
    return tuple(ref.name for ref in named if parameters.get(ref.name) is None)


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
        # a count parameter with no value for the period: the cap is not known
        return pl.lit(resolve(quota.count, parameters), pl.Int64)
    ratio = resolve(quota.ratio, parameters)
    if ratio is None:  # no value for the period: the cap is not known
        return pl.lit(None, pl.Int64)
    numerator, divisor = Decimal(str(ratio)).as_integer_ratio()
    scaled = denominator * numerator
    if quota.rounding == "floor":
        return scaled // divisor
    if quota.rounding == "ceiling":
        return -((-scaled) // divisor)
    return (2 * scaled + divisor) // (2 * divisor)
