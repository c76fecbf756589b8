"""Built-in plugin: functions over earlier periods — award chains, streaks and windows.

History is read from the population's ``awards`` records (awards already held) and, for the
current period, from the decision of the same evaluation when the award is decided in it.
:meth:`emulation.Engine.evaluate_periods` adds each period's granted awards to the history of
the next, so awards granted by the engine earlier in a run count. A missing period breaks a
streak; so does a lower rating.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from typing import Any

import polars as pl

from emulation.errors import EvaluationError
from emulation.evaluate.columns import call_key
from emulation.functions import Argument, BuildContext, FunctionSpec
from emulation.hookspecs import hookimpl
from emulation.period import Period

#: How far back streaks look (periods); chains in the law are at most a few years long.
HORIZON = 40


def _back_index(context: BuildContext, horizon: int) -> pl.Expr:
    """Map the text of a period ``k`` steps back (1 ≤ k ≤ horizon) to ``k``; others to null."""
    mapping = _steps_back(context.period, horizon)
    return pl.col("period").replace_strict(mapping, default=None, return_dtype=pl.Int64)


@functools.lru_cache(maxsize=256)
def _steps_back(period: Period, horizon: int) -> dict[str, int]:
    return {str(period.back(k)): k for k in range(1, horizon + 1)}


def _held_back(context: BuildContext, award: str, horizon: int = HORIZON) -> pl.LazyFrame:
    """``subject, back`` for every earlier period in which ``award`` is held."""
    records = context.population.awards.lazy().filter(pl.col("award") == award)
    return (
        records.with_columns(_back_index(context, horizon).alias("back"))
        .filter(pl.col("back").is_not_null())
        .select("subject", "back")
        .unique()
    )


def _streak_of(backs: pl.LazyFrame, key: str) -> pl.LazyFrame:
    """``subject, key``: how many consecutive steps back from 1 appear in ``backs``."""
    return (
        backs.sort("subject", "back")
        .group_by("subject")
        .agg(
            (pl.col("back") == pl.int_range(1, pl.len() + 1))
            .cast(pl.Int64)
            .cum_prod()
            .sum()
            .alias(key)
        )
    )


def held_now(context: BuildContext, award: str) -> pl.Expr:
    """True/false/unknown: is ``award`` held in the evaluation period?"""
    outcome = context.outcome(award)
    if outcome is not None:
        return pl.when(outcome == "data_missing").then(None).otherwise(outcome == "granted")
    period = str(context.period)
    key = call_key("held_now", award=award)

    def make() -> pl.LazyFrame:
        records = context.population.awards.lazy().filter(
            (pl.col("award") == award) & (pl.col("period") == period)
        )
        return records.select("subject").unique().with_columns(pl.lit(True).alias(key))

    return context.derived(key, make, default=False)


def _held(arguments: Mapping[str, Any], context: BuildContext) -> pl.Expr:
    award, back = arguments["award"], arguments["back"]
    key = call_key("held", award=award, back=back)

    def make() -> pl.LazyFrame:
        found = _held_back(context, award, back).filter(pl.col("back") == back)
        return found.select("subject").with_columns(pl.lit(True).alias(key))

    return context.derived(key, make, default=False)


def _held_before(arguments: Mapping[str, Any], context: BuildContext) -> pl.Expr:
    award = arguments["award"]
    start = context.period.start
    key = call_key("held_before", award=award)

    def make() -> pl.LazyFrame:
        records = context.population.awards.lazy().filter(pl.col("award") == award)
        year = pl.col("period").str.slice(0, 4).cast(pl.Int32)
        month = pl.when(pl.col("period").str.len_chars() > 4).then(9).otherwise(1)
        began = pl.date(year, month, 1)
        return (
            records.filter(began < pl.lit(start))
            .select("subject")
            .unique()
            .with_columns(pl.lit(True).alias(key))
        )

    return context.derived(key, make, default=False)


def _streak(arguments: Mapping[str, Any], context: BuildContext) -> pl.Expr:
    award = arguments["award"]
    key = call_key("streak_before", award=award)
    before = context.derived(key, lambda: _streak_of(_held_back(context, award), key), default=0)
    now = held_now(context, award)
    return pl.when(now.is_null()).then(None).when(now).then(before + 1).otherwise(0)


def _count_held(arguments: Mapping[str, Any], context: BuildContext) -> pl.Expr:
    award, window = arguments["award"], arguments["window"]
    key = call_key("count_held_before", award=award, window=window)

    def make() -> pl.LazyFrame:
        backs = _held_back(context, award, max(window - 1, 1)).filter(pl.col("back") < window)
        return backs.group_by("subject").agg(pl.len().cast(pl.Int64).alias(key))

    before = context.derived(key, make, default=0)
    now = held_now(context, award)
    return before + now.cast(pl.Int64)


def _periods_since(arguments: Mapping[str, Any], context: BuildContext) -> pl.Expr:
    award = arguments["award"]
    key = call_key("periods_since", award=award)

    def make() -> pl.LazyFrame:
        backs = _held_back(context, award)
        return backs.group_by("subject").agg(pl.col("back").min().alias(key))

    return context.derived(key, make)


def _fact_streak(arguments: Mapping[str, Any], context: BuildContext) -> pl.Expr:
    fact, at_least = arguments["fact"], arguments["at_least"]
    decl = context.fact(fact)
    if at_least not in decl.values:
        raise EvaluationError(
            f'fact_streak: "{at_least}" is not a value of {fact} ({list(decl.values)})'
        )
    dtype = pl.Enum(list(decl.values))
    threshold = pl.lit(at_least, dtype=dtype)
    key = call_key("fact_streak_before", fact=fact, at_least=at_least)

    def make() -> pl.LazyFrame:
        facts = context.population.facts.lazy()
        if fact not in context.population.facts.columns:
            return pl.LazyFrame(schema={"subject": pl.String, key: pl.Int64})
        rows = (
            facts.select(
                "subject", "period", pl.col(fact).cast(pl.String).cast(dtype, strict=False)
            )
            .with_columns(_back_index(context, HORIZON).alias("back"))
            .filter(pl.col("back").is_not_null() & (pl.col(fact) >= threshold))
            .select("subject", "back")
        )
        return _streak_of(rows, key)

    before = context.derived(key, make, default=0)
    now = pl.col(fact) >= threshold
    return pl.when(now.is_null()).then(None).when(now).then(before + 1).otherwise(0)


def _fact_count(arguments: Mapping[str, Any], context: BuildContext) -> pl.Expr:
    fact, at_least, window = arguments["fact"], arguments["at_least"], arguments["window"]
    decl = context.fact(fact)
    if at_least not in decl.values or window < 1:
        raise EvaluationError(
            f'fact_count: "{at_least}" must be a value of {fact} ({list(decl.values)}) and the '
            f"window at least 1 (got {window})"
        )
    dtype = pl.Enum(list(decl.values))
    threshold = pl.lit(at_least, dtype=dtype)
    key = call_key("fact_count_before", fact=fact, at_least=at_least, window=window)

    def make() -> pl.LazyFrame:
        if fact not in context.population.facts.columns:
            return pl.LazyFrame(schema={"subject": pl.String, key: pl.Int64})
        rows = (
            context.population.facts.lazy()
            .select("subject", "period", pl.col(fact).cast(pl.String).cast(dtype, strict=False))
            .with_columns(_back_index(context, max(window - 1, 1)).alias("back"))
            .filter(
                pl.col("back").is_not_null()
                & (pl.col("back") < window)
                & (pl.col(fact) >= threshold)
            )
        )
        return rows.group_by("subject").agg(pl.len().cast(pl.Int64).alias(key))

    before = context.derived(key, make, default=0)
    now = pl.col(fact) >= threshold
    return before + now.fill_null(False).cast(pl.Int64)


_AWARD = Argument(name="award", kind="award", doc="an award id")

HELD = FunctionSpec(
    name="held",
    arguments=(
        Argument(name="award", kind="award", doc="an award id", reads_current=False),
        Argument(name="back", kind="int", default=1, doc="how many periods back (≥ 1)"),
    ),
    returns="bool",
    build=_held,
    reads="award history",
    doc="True when the subject held ``award`` in the period ``back`` steps before this one.",
)

HELD_BEFORE = FunctionSpec(
    name="held_before",
    arguments=(Argument(name="award", kind="award", doc="an award id", reads_current=False),),
    returns="bool",
    build=_held_before,
    reads="award history",
    doc="True when the subject holds ``award`` for any period that started before this one "
    "(once-only awards use it).",
)

STREAK = FunctionSpec(
    name="streak",
    arguments=(_AWARD,),
    returns="int",
    build=_streak,
    reads="award history and this period's decision",
    grows_per_period=1,
    doc="The number of consecutive periods, ending with this one, in which the subject holds "
    "``award`` (0 when not held now). A period without the award breaks the streak. This "
    "period's value is the decision of the same evaluation when ``award`` is decided in it.",
)

COUNT_HELD = FunctionSpec(
    name="count_held",
    arguments=(_AWARD, Argument(name="window", kind="int", doc="window length in periods")),
    returns="int",
    build=_count_held,
    reads="award history and this period's decision",
    doc="How many of the last ``window`` periods (this one included) the subject holds "
    "``award`` in — the 'k of the last m periods' pattern.",
)

PERIODS_SINCE = FunctionSpec(
    name="periods_since",
    arguments=(Argument(name="award", kind="award", doc="an award id", reads_current=False),),
    returns="int",
    build=_periods_since,
    reads="award history",
    grows_per_period=1,
    doc="How many periods ago the subject last held ``award`` (1 = the previous period); "
    "unknown when it never did within 40 periods.",
)

FACT_STREAK = FunctionSpec(
    name="fact_streak",
    arguments=(
        Argument(name="fact", kind="fact", doc="an ordered enum fact, e.g. rating"),
        Argument(name="at_least", kind="text", doc="the lowest value that counts"),
    ),
    returns="int",
    build=_fact_streak,
    reads="facts of this and earlier periods",
    grows_per_period=1,
    doc="The number of consecutive periods, ending with this one, in which ``fact`` is at "
    "least ``at_least`` (0 when it is lower now; unknown when it is missing now). A lower "
    "value or a period without facts breaks the streak.",
)


FACT_COUNT = FunctionSpec(
    name="fact_count",
    arguments=(
        Argument(name="fact", kind="fact", doc="an ordered enum fact, e.g. rating"),
        Argument(name="at_least", kind="text", doc="the lowest value that counts"),
        Argument(name="window", kind="int", doc="window length in periods"),
    ),
    returns="int",
    build=_fact_count,
    reads="facts of this and earlier periods",
    doc="In how many of the last ``window`` periods (this one included) ``fact`` is at least "
    "``at_least`` — 'at least one year HTXS in the window'.",
)


@hookimpl(trylast=True)
def emulation_register_functions() -> list[FunctionSpec]:
    """History functions: held, held_before, streak, count_held, periods_since, fact_streak,
    fact_count."""
    return [HELD, HELD_BEFORE, STREAK, COUNT_HELD, PERIODS_SINCE, FACT_STREAK, FACT_COUNT]
