"""Built-in plugin: evidence over time — an item in each of N consecutive periods, and the
largest single amount.

The Bằng Lao động sáng tạo of the union (QĐ 1564/QĐ-TLĐ Art 16(1.1)) asks for "at least one
solution worth 80 million VND, or solutions in three consecutive years totalling 120 million":
the first is ``evidence_max("solution") >= 80000000``, the second
``evidence_streak("solution") >= 3 and evidence_sum("solution", window=3) >= 120000000``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import polars as pl

from emulation._builtins.functions import (
    EVIDENCE_ARGUMENTS,
    PART,
    _call_key,
    _evidence_filter,
    counted_amount,
    evidence_rows,
)
from emulation.data.records import SCOPES
from emulation.evaluate.columns import call_key
from emulation.evaluate.windows import HORIZON
from emulation.functions import BuildContext, FunctionSpec
from emulation.hookspecs import hookimpl
from emulation.lang.compiler import DECIMAL


def _evidence_max(arguments: Mapping[str, Any], context: BuildContext) -> pl.Expr:
    chosen = _evidence_filter("evidence_max", arguments, context)
    part = arguments["part"]
    key = _call_key("evidence_max", arguments)
    if part != "whole":
        key = call_key("evidence_max", **arguments)
    largest = counted_amount(part).filter(chosen & pl.col("amount").is_not_null()).max()
    return context.aggregate(
        "evidence",
        lambda: evidence_rows(context),
        key,
        largest.cast(DECIMAL),
        default=pl.lit(0).cast(DECIMAL),
    )


def _evidence_streak(arguments: Mapping[str, Any], context: BuildContext) -> pl.Expr:
    kind, min_scope = arguments["kind"], arguments["min_scope"]
    scopes = list(SCOPES[SCOPES.index(min_scope) :])
    period = context.period
    backs = {str(period.back(k)): k for k in range(HORIZON + 1)}
    key = call_key("evidence_streak", kind=kind, min_scope=min_scope)

    def make() -> pl.LazyFrame:
        items = context.population.evidence.lazy().filter(
            (pl.col("kind") == kind)
            & pl.col("scope").is_in(scopes)
            & (pl.col("amount").is_null() | (pl.col("amount") != 0))
        )
        found = (
            items.select(
                "subject",
                pl.col("period").replace_strict(backs, default=None, return_dtype=pl.Int64),
            )
            .rename({"period": "back"})
            .filter(pl.col("back").is_not_null())
            .unique()
        )
        return (
            found.sort("subject", "back")
            .group_by("subject")
            .agg(
                (pl.col("back") == pl.int_range(0, pl.len()))
                .cast(pl.Int64)
                .cum_prod()
                .sum()
                .alias(key)
            )
        )

    return context.derived(key, make, default=0)


EVIDENCE_MAX = FunctionSpec(
    name="evidence_max",
    arguments=(*EVIDENCE_ARGUMENTS, PART),
    returns="decimal",
    build=_evidence_max,
    reads="evidence items",
    doc=(
        "The largest single ``amount`` among the evidence items ``evidence_count`` would "
        "count (0 when none has an amount) — 'at least one solution worth 80 million VND'. "
        'With ``part="share"`` each item counts for the subject\'s ``share`` of its amount.'
    ),
)

EVIDENCE_STREAK = FunctionSpec(
    name="evidence_streak",
    arguments=EVIDENCE_ARGUMENTS[:2],
    returns="int",
    build=_evidence_streak,
    reads="evidence items",
    grows_per_period=1,
    doc=(
        "The number of consecutive periods, ending with this one, in each of which the "
        "subject has at least one evidence item of ``kind`` recognised at ``min_scope`` or "
        "wider (0 when it has none now). An item whose amount is 0 brings nothing and does "
        "not count; an item without an amount does. 'Solutions in three consecutive years "
        'totalling 120 million VND\' is ``evidence_streak("solution") >= 3 and '
        'evidence_sum("solution", window=3) >= 120000000``.'
    ),
)


@hookimpl(trylast=True)
def emulation_register_functions() -> list[FunctionSpec]:
    """Evidence over time: evidence_max, evidence_streak."""
    return [EVIDENCE_MAX, EVIDENCE_STREAK]
