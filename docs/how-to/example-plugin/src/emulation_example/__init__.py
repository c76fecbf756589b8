"""An example plugin: a folder of TOML rulesets and one rule-language function.

Installed, it is registered through the ``emulation`` entry point under the name ``example``;
block it with ``EMULATION_DISABLE_PLUGINS=example``.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import polars as pl

import emulation

RULESETS = Path(__file__).parent / "rulesets"


@emulation.hookimpl
def emulation_ruleset_paths() -> list[Path]:
    """This plugin's rulesets: every ``*.toml`` under ``rulesets/``."""
    return [RULESETS]


def _month(day: pl.Expr) -> pl.Expr:
    """A month as one number (year × 12 + month − 1), so months can be counted."""
    return day.dt.year().cast(pl.Int64) * 12 + day.dt.month().cast(pl.Int64) - 1


def _months_served(arguments: Mapping[str, Any], context: emulation.BuildContext) -> pl.Expr:
    kind = arguments["kind"]
    start, end = context.period.start, context.period.end
    key = f"fn::example_months_served(kind={kind!r})"

    def make() -> pl.LazyFrame:
        spells = context.population.service.lazy().filter(
            (pl.col("kind") == kind)
            & (pl.col("start") <= end)
            & (pl.col("end").is_null() | (pl.col("end") >= start))
        )
        first = pl.max_horizontal(_month(pl.col("start")), _month(pl.lit(start, dtype=pl.Date)))
        last = pl.min_horizontal(
            _month(pl.col("end").fill_null(pl.lit(end, dtype=pl.Date))),
            _month(pl.lit(end, dtype=pl.Date)),
        )
        months = spells.select("subject", pl.int_ranges(first, last + 1).alias("month"))
        return (
            months.explode("month")
            .group_by("subject")
            .agg(pl.col("month").n_unique().cast(pl.Int64).alias(key))
        )

    return context.derived(key, make, default=0)


MONTHS_SERVED = emulation.FunctionSpec(
    name="example_months_served",
    arguments=(
        emulation.Argument(
            name="kind", kind="text", default="full_time", doc="the kind of service spell"
        ),
    ),
    returns="int",
    build=_months_served,
    doc=(
        "The number of calendar months of the evaluation period with at least one day of "
        "service of ``kind`` (an open spell runs on to the end of the period)."
    ),
    reads="service spells",
)


@emulation.hookimpl
def emulation_register_functions() -> list[emulation.FunctionSpec]:
    """The function ``example_months_served``."""
    return [MONTHS_SERVED]
