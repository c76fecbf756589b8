"""Built-in plugin: how recently a discipline ended, measured to the round's cut-off.

Some rules make a person wait after a discipline ends: under TT 22/2018/TT-BGDĐT Art 6 (the
education medal before 15 February 2024), a person disciplined at reprimand or heavier is
considered only two years after the discipline ends. ``disciplined_within(24)`` is true when
a discipline record of the level or heavier is in force at the cut-off, or ended fewer than 24
whole months before it; the exclusion ``disciplined_within(wait_months)`` is that wait.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import polars as pl

from emulation._builtins.functions import DISCIPLINE_LEVEL
from emulation._builtins.service import whole_months
from emulation.data.records import DISCIPLINE_LEVELS
from emulation.evaluate.columns import call_key
from emulation.functions import Argument, BuildContext, FunctionSpec
from emulation.hookspecs import hookimpl


def _disciplined_within(arguments: Mapping[str, Any], context: BuildContext) -> pl.Expr:
    level, months = arguments["level"], arguments["months"]
    heavier = list(DISCIPLINE_LEVELS[DISCIPLINE_LEVELS.index(level) :])
    cut_off = context.as_of
    key = call_key("months_since_discipline", level=level)

    def make() -> pl.LazyFrame:
        # whole months from the day after each record ends to the cut-off; -1 while the
        # record is in force at the cut-off, so that it counts whatever the wait (even 0)
        records = context.population.discipline.lazy().filter(
            pl.col("level").is_in(heavier) & (pl.col("start") <= cut_off)
        )
        ended = pl.col("end").fill_null(pl.lit(cut_off))
        after = (
            pl.when(ended >= cut_off)
            .then(pl.lit(-1, pl.Int64))
            .otherwise(whole_months(ended.dt.offset_by("1d"), pl.lit(cut_off)))
        )
        return records.group_by("subject").agg(after.min().alias(key))

    since = context.derived(key, make)
    # no record of the level: known false, whatever the months; otherwise compare
    return pl.when(since.is_null()).then(pl.lit(False)).otherwise(since < months)


DISCIPLINED_WITHIN = FunctionSpec(
    name="disciplined_within",
    arguments=(
        Argument(
            name="months",
            kind="value",
            accepts=("int",),
            doc="the wait after a discipline ends, in whole months (a number or a parameter)",
        ),
        DISCIPLINE_LEVEL,
    ),
    returns="bool",
    build=_disciplined_within,
    reads="discipline records",
    doc=(
        "True when a discipline record of ``level`` or heavier is in force at the evaluation's "
        "cut-off (``as_of``; by default the last day of the period), or ended fewer than "
        "``months`` whole months before it; false when the subject has no such record. "
        "'Considered only two years after the discipline ends' is the exclusion "
        "``disciplined_within(24)``. A record that starts after the cut-off does not count."
    ),
)


@hookimpl(trylast=True)
def emulation_register_functions() -> list[FunctionSpec]:
    """How recently a discipline ended: disciplined_within."""
    return [DISCIPLINED_WITHIN]
