"""Built-in plugin: the rule-language functions every ruleset may call.

Each function reads one kind of record of the population through a derived column, so a call
costs one join per evaluation, whatever the number of subjects.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import polars as pl

from emulation._builtins.history import held_now
from emulation._builtins.recognition import recognised_count
from emulation.data.records import DISCIPLINE_LEVELS, SCOPES
from emulation.errors import EvaluationError
from emulation.evaluate.columns import call_key
from emulation.evaluate.context import no_rows_unless
from emulation.evaluate.evidence import granted_in, matching, unused
from emulation.functions import Argument, BuildContext, FunctionSpec
from emulation.hookspecs import hookimpl
from emulation.lang.compiler import DECIMAL


def _granted(arguments: Mapping[str, Any], context: BuildContext) -> pl.Expr:
    return held_now(context, arguments["award"])


def _disciplined(arguments: Mapping[str, Any], context: BuildContext) -> pl.Expr:
    level = arguments["level"]
    period = context.period
    heavier = list(DISCIPLINE_LEVELS[DISCIPLINE_LEVELS.index(level) :])
    key = call_key("disciplined", level=level)
    overlapping = (
        pl.col("level").is_in(heavier)
        & (pl.col("start") <= period.end)
        & (pl.col("end").is_null() | (pl.col("end") >= period.start))
    )
    return context.aggregate(
        "discipline",
        lambda: _discipline_rows(context),
        key,
        overlapping.any(),
        default=False,
    )


def _discipline_rows(context: BuildContext) -> pl.LazyFrame:
    """The discipline records of the population evaluated (read when it is joined)."""
    discipline = context.population.discipline
    return no_rows_unless(discipline, discipline.lazy())


def evidence_rows(context: BuildContext) -> pl.LazyFrame:
    """The evidence of the population evaluated (read when it is joined)."""
    return context.population.evidence.lazy()


def _evidence_filter(name: str, arguments: Mapping[str, Any], context: BuildContext) -> pl.Expr:
    """Evidence rows of the call's kind, scope and window."""
    kind, min_scope, window = arguments["kind"], arguments["min_scope"], arguments["window"]
    if window < 1:
        raise EvaluationError(f"{name}: window must be at least 1, got {window}")
    scopes = list(SCOPES[SCOPES.index(min_scope) :])
    periods = [str(p) for p in context.period.window(window)]
    chosen: pl.Expr = (
        (pl.col("kind") == kind) & pl.col("period").is_in(periods) & pl.col("scope").is_in(scopes)
    )
    return chosen


def _call_key(name: str, arguments: Mapping[str, Any]) -> str:
    kind, min_scope, window = arguments["kind"], arguments["min_scope"], arguments["window"]
    return call_key(name, kind=kind, min_scope=min_scope, window=window)


def _evidence_count(arguments: Mapping[str, Any], context: BuildContext) -> pl.Expr:
    counted = _evidence_filter("evidence_count", arguments, context)
    if arguments.get("recognised_by"):
        return recognised_count(arguments, context, counted)
    key = _call_key("evidence_count", arguments)
    return context.aggregate(
        "evidence",
        lambda: evidence_rows(context),
        key,
        counted.sum().cast(pl.Int64),
        default=0,
    )


def counted_amount(part: str) -> pl.Expr:
    """The amount an evidence item counts for: its whole ``amount``, or (``part="share"``)
    the subject's ``share`` of it, rounded to 6 places half to even."""
    return pl.col("amount") if part == "whole" else pl.col("amount") * pl.col("share")


def _evidence_sum(arguments: Mapping[str, Any], context: BuildContext) -> pl.Expr:
    chosen = _evidence_filter("evidence_sum", arguments, context)
    part = arguments.get("part", "whole")
    key = _call_key("evidence_sum", arguments)
    if part != "whole":
        key = call_key("evidence_sum", **arguments)
    amount = counted_amount(part)
    total = amount.filter(chosen & pl.col("amount").is_not_null()).sum().cast(DECIMAL)
    return context.aggregate(
        "evidence",
        lambda: evidence_rows(context),
        key,
        total,
        default=pl.lit(0).cast(DECIMAL),
    )


GRANTED = FunctionSpec(
    name="granted",
    arguments=(Argument(name="award", kind="award", doc="id of an award of the same ruleset"),),
    returns="bool",
    build=_granted,
    reads="the decision on another award in the same period",
    doc=(
        "True when the subject is granted ``award`` in the evaluation period, false otherwise "
        "(not eligible, over quota or blocked), unknown when that decision lacks data. The "
        "calling award is decided after ``award``; a cycle is a load error. When ``award`` is "
        "not decided in the same evaluation (its ruleset is not in force), the award history "
        "of the period is read."
    ),
)

#: The ``level`` argument of the discipline functions: the lightest level that counts.
DISCIPLINE_LEVEL = Argument(
    name="level",
    kind="choice",
    choices=DISCIPLINE_LEVELS,
    default="reprimand",
    doc="the lightest level that counts",
)

DISCIPLINED = FunctionSpec(
    name="disciplined",
    arguments=(DISCIPLINE_LEVEL,),
    returns="bool",
    build=_disciplined,
    reads="discipline records",
    doc=(
        "True when a discipline record of ``level`` or heavier is in force on any day of the "
        "evaluation period (an open record has no end). Levels, lightest first: "
        + ", ".join(DISCIPLINE_LEVELS)
        + "."
    ),
)

#: The selection every evidence function takes: kind, narrowest scope, window.
EVIDENCE_ARGUMENTS = (
    Argument(name="kind", kind="text", doc='evidence kind, e.g. "initiative"'),
    Argument(
        name="min_scope",
        kind="choice",
        choices=SCOPES,
        default="grassroots",
        doc="the narrowest recognition scope that counts",
    ),
    Argument(
        name="window",
        kind="int",
        default=1,
        doc="how many periods, ending with this one, to count over",
    ),
)

EVIDENCE_COUNT = FunctionSpec(
    name="evidence_count",
    arguments=(
        *EVIDENCE_ARGUMENTS,
        Argument(
            name="recognised_by",
            kind="fact",
            default="",
            quiet=True,
            doc="a text fact naming the subject's issuing authority: count only items whose "
            "recognised_by is that authority (empty: any authority)",
        ),
    ),
    returns="int",
    build=_evidence_count,
    reads="evidence items",
    doc=(
        "The number of evidence items of ``kind`` dated in the last ``window`` periods (1: the "
        "evaluation period only) and recognised at ``min_scope`` or wider "
        '(grassroots < ministry_province < national). With ``recognised_by="<fact>"`` it '
        "counts only items whose ``recognised_by`` is the subject's value of that text fact in "
        "the evaluation period (the authority issuing its ministry or provincial award, Luật "
        "06/2022/QH15 Điều 22 khoản 2); an item of the selection whose authority is not "
        "recorded, or an unknown issuer, makes the count unknown."
    ),
)


#: Whether amounts count whole or as the subject's share (evidence_sum, evidence_max).
PART = Argument(
    name="part",
    kind="choice",
    choices=("whole", "share"),
    default="whole",
    quiet=True,
    doc="count each item's whole amount, or the subject's share of it (amount × share)",
)

EVIDENCE_SUM = FunctionSpec(
    name="evidence_sum",
    arguments=(*EVIDENCE_ARGUMENTS, PART),
    returns="decimal",
    build=_evidence_sum,
    reads="evidence items",
    doc=(
        "The exact sum of the ``amount`` of the evidence items ``evidence_count`` would count "
        "(items without an amount add nothing) — money thresholds over a window, such as "
        "benefits of at least 120 million VND over three consecutive years. With "
        '``part="share"`` each item counts for the subject\'s ``share`` of its amount '
        "(a co-author's part), rounded to 6 places half to even. Pair it with "
        "``evidence_streak`` to ask for an item in each of the periods."
    ),
)


def _evidence_unused(arguments: Mapping[str, Any], context: BuildContext) -> pl.Expr:
    kind, min_scope, window = arguments["kind"], arguments["min_scope"], arguments["window"]
    if window < 1:
        raise EvaluationError(f"evidence_unused: window must be at least 1, got {window}")
    period = str(context.period)
    periods = [str(p) for p in context.period.window(window)]
    award = context.current_award
    consumers = context.consumers()
    key = call_key("evidence_unused", kind=kind, min_scope=min_scope, window=window)

    def make(frame: pl.DataFrame) -> pl.LazyFrame:
        evidence = context.population.evidence.lazy()
        declared = {
            name: context.fact(name)
            for spec in consumers.values()
            if spec.unless is not None
            for name in spec.unless.facts
        }
        items = matching(evidence, (kind,), min_scope).filter(pl.col("period").is_in(periods))
        free = unused(
            items,
            award,
            period,
            history=context.population.awards,
            granted_now=granted_in(frame, sorted(consumers), period),
            evidence=evidence,
            consumers=consumers,
            facts=context.population.facts.lazy(),
            declared=declared,
        )
        return free.group_by("subject").agg(pl.len().cast(pl.Int64).alias(key))

    return context.derived_from_decisions(key, make, default=0)


EVIDENCE_UNUSED = FunctionSpec(
    name="evidence_unused",
    arguments=EVIDENCE_ARGUMENTS,
    returns="int",
    build=_evidence_unused,
    reads="evidence items and the awards that used them",
    doc=(
        "Like ``evidence_count``, but leaves out items already used by an award held in an "
        "earlier period or granted earlier in this evaluation (awards with "
        "``[awards.<id>.consumes]``) — 'two further initiatives beyond those already used'."
    ),
)


@hookimpl(trylast=True)
def emulation_register_functions() -> list[FunctionSpec]:
    """The built-in functions: granted, disciplined, evidence_count, evidence_sum,
    evidence_unused."""
    return [GRANTED, DISCIPLINED, EVIDENCE_COUNT, EVIDENCE_SUM, EVIDENCE_UNUSED]
