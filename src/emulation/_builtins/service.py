"""Built-in plugin: length of service from the population's service spells.

``service_years("name")`` reads the ``[service.name]`` table of the ruleset: each spell counts
its whole months from ``start`` to ``end`` (or to the evaluation's cut-off, ``as_of``, by
default the last day of the period, when open or later), times the weight of its kind; months under discipline are left out when the
table says so. The result is exact decimal years (months / 12).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import polars as pl

from emulation.evaluate.columns import call_key
from emulation.functions import Argument, BuildContext, FunctionSpec
from emulation.hookspecs import hookimpl
from emulation.lang.compiler import shared
from emulation.types import ValueType

_DECIMAL = pl.Decimal(38, 6)


def whole_months(start: pl.Expr, end: pl.Expr) -> pl.Expr:
    """Whole months from ``start`` to ``end`` inclusive (null when ``end`` is before it)."""
    after = end.dt.offset_by("1d")
    months = (
        (after.dt.year() - start.dt.year()) * 12
        + (after.dt.month().cast(pl.Int32) - start.dt.month().cast(pl.Int32))
        - (after.dt.day() < start.dt.day()).cast(pl.Int32)
    )
    return pl.when(end >= start).then(months.cast(pl.Int64)).otherwise(0)


def _service_years(arguments: Mapping[str, Any], context: BuildContext) -> pl.Expr:
    name = arguments["rule"]
    rule = context.service(name)
    last = context.as_of
    key = call_key("service_years", rule=name)
    weights = dict(rule.weights)

    def make() -> pl.LazyFrame:
        spells = (
            context.population.service.lazy()
            .filter(pl.col("kind").is_in(list(weights)) & (pl.col("start") <= last))
            .with_row_index("_spell")
            .with_columns(
                pl.min_horizontal(pl.col("end").fill_null(pl.lit(last)), pl.lit(last)).alias(
                    "_end"
                ),
                pl.col("kind")
                .replace_strict({k: str(v) for k, v in weights.items()}, return_dtype=pl.String)
                .cast(_DECIMAL)
                .alias("_weight"),
            )
        )
        counted = spells.with_columns(
            whole_months(pl.col("start"), pl.col("_end")).alias("_months")
        )
        if rule.exclude_discipline:
            penalties = context.population.discipline.lazy().select(
                "subject",
                pl.col("start").alias("_d_start"),
                pl.col("end").fill_null(pl.lit(last)).alias("_d_end"),
            )
            overlap = (
                spells.join(penalties, on="subject", how="inner")
                .with_columns(
                    pl.max_horizontal("start", "_d_start").alias("_o_start"),
                    pl.min_horizontal("_end", "_d_end").alias("_o_end"),
                )
                .with_columns(whole_months(pl.col("_o_start"), pl.col("_o_end")).alias("_lost"))
                .group_by("_spell")
                .agg(pl.col("_lost").sum())
            )
            counted = counted.join(overlap, on="_spell", how="left").with_columns(
                (pl.col("_months") - pl.col("_lost").fill_null(0))
                .clip(lower_bound=0)
                .alias("_months")
            )
        return counted.group_by("subject").agg(
            (
                (pl.col("_months").cast(_DECIMAL) * pl.col("_weight")).sum()
                / pl.lit(12).cast(_DECIMAL)
            )
            .cast(_DECIMAL)
            .alias(key)
        )

    return context.derived(key, make, default=pl.lit(0).cast(_DECIMAL))


def _pair(pick: Any) -> Any:
    """The build of a two-number function: unknown when either number is (each number is
    computed once, so nesting grows the expression linearly)."""

    def unknown_if_either_is(a: pl.Expr, b: pl.Expr) -> pl.Expr:
        return pl.when(a.is_null() | b.is_null()).then(None).otherwise(pick(a, b))

    def build(arguments: Mapping[str, Any], context: BuildContext) -> pl.Expr:
        return shared(unknown_if_either_is, arguments["a"], arguments["b"])

    return build


SERVICE_YEARS = FunctionSpec(
    name="service_years",
    arguments=(Argument(name="rule", kind="service", doc="the name of a [service.<name>] table"),),
    returns="decimal",
    build=_service_years,
    reads="service spells and discipline records",
    grows_per_period=1,
    unit="year",
    doc="Years of service up to the evaluation's cut-off (``as_of``; by default the last day "
    "of the period), counted as the "
    "``[service.<rule>]`` table says: whole months of each spell × the weight of its kind, "
    "less months under discipline when ``exclude_discipline``, divided by 12 (exact).",
)


def _extreme(name: str, pick: Any, doc: str) -> FunctionSpec:
    numbers: tuple[ValueType, ...] = ("int", "decimal")
    return FunctionSpec(
        name=name,
        arguments=(
            Argument(name="a", kind="value", accepts=numbers),
            Argument(name="b", kind="value", accepts=numbers),
        ),
        returns="numeric",
        build=_pair(pick),
        doc=doc,
    )


MAX = _extreme(
    "max",
    pl.max_horizontal,
    "The larger of two numbers (unknown if either is) — 'only the highest single priority "
    "applies'.",
)
MIN = _extreme("min", pl.min_horizontal, "The smaller of two numbers (unknown if either is).")


@hookimpl(trylast=True)
def emulation_register_functions() -> list[FunctionSpec]:
    """service_years, max and min."""
    return [SERVICE_YEARS, MAX, MIN]
