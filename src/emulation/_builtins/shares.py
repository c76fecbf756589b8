"""Built-in plugin: shares and counts of a collective's members, or of its child collectives,
meeting a condition, among those meeting another.

``member_share_where("in_training", where = "enterprise_worker and months_in_post >= 6")``
reads the collective's members (persons); ``child_share('granted("gdht")', where =
'unit_type == "family"')`` reads the collectives below it. Both conditions are rule-language
expressions checked when the ruleset is loaded (``condition`` arguments) and evaluated over the
member's (or child's) own row: its declared facts, its subject attributes (``gender``,
``birth_year`` …), the parameters of the ruleset, and the functions of the language as they
would read that subject — ``granted("x")`` is the member's decision for ``x`` taken earlier in
the same evaluation, else the award history of the period.

Three-valued: a member whose ``where`` is unknown, or who is kept and whose condition is
unknown, makes the share unknown; a member filtered out by a ``where`` known to be false is
left out whatever its condition. No member kept → an unknown share, and a count of 0.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import polars as pl

from emulation._builtins.collectives import SCOPES, memberships
from emulation.evaluate.columns import call_key
from emulation.functions import Argument, BuildContext, FunctionSpec
from emulation.hookspecs import hookimpl
from emulation.lang.compiler import DECIMAL

_KIND = {"member": "person", "child": "collective"}


def _values(
    context: BuildContext,
    kind: str,
    arguments: Mapping[str, Any],
    decisions: pl.DataFrame | None,
) -> pl.LazyFrame:
    """``member, ok, keep`` for every candidate of ``kind``: the condition and the filter."""
    ok = context.condition_values(kind, arguments["condition"], decisions).rename(
        {"subject": "member", "value": "ok"}
    )
    where = arguments["where"]
    if not where:
        return ok.lazy().with_columns(pl.lit(True).alias("keep"))
    keep = context.condition_values(kind, where, decisions).rename(
        {"subject": "member", "value": "keep"}
    )
    return ok.lazy().join(keep.lazy(), on="member", how="left")


def rollup(pairs: pl.LazyFrame, key: str, share: bool) -> pl.LazyFrame:
    """Per collective (``subject``): the count, or the share, of kept members meeting the
    condition; null when a member that could count is unknown.

    ``pairs`` has the columns ``collective``, ``keep`` (the filter) and ``ok`` (the
    condition), true, false or null, one row per member and collective. A collective with no
    member kept has no row (its share is unknown; give its count of 0 yourself). Reusable
    wherever the same three-valued share is wanted (a KPI over a tree of collectives).
    """
    keep, met = pl.col("keep"), pl.col("keep") & pl.col("ok")  # Kleene: false & null is false
    if share:
        pairs = pairs.filter(keep.is_null() | keep)
        value = (
            pl.when(keep.is_null().any() | met.is_null().any())
            .then(None)
            .otherwise(met.sum().cast(DECIMAL) / pl.len().cast(DECIMAL))
        )
    else:
        value = pl.when(met.is_null().any()).then(None).otherwise(met.sum().cast(pl.Int64))
    return pairs.group_by(pl.col("collective").alias("subject")).agg(value.alias(key))


def _builder(prefix: str, share: bool) -> Any:
    kind = _KIND[prefix]
    name = f"{prefix}_{'share' if share else 'count'}{'_where' if prefix == 'member' else ''}"

    def build(arguments: Mapping[str, Any], context: BuildContext) -> pl.Expr:
        scope = arguments["scope"]
        key = call_key(
            name, condition=arguments["condition"], where=arguments["where"], scope=scope
        )

        def rolled(decisions: pl.DataFrame | None) -> pl.LazyFrame:
            values = _values(context, kind, arguments, decisions)
            # a pair whose member has no row (set aside) has an unknown condition
            pairs = memberships(context, scope, kind).join(values, on="member", how="left")
            found = rollup(pairs, key, share)
            if share:
                return found  # no member kept: no row, an unknown share
            # no member counted is 0, but an unknown count stays unknown: the zero is given
            # here, to the collectives without a row, not by filling every null
            collectives = context.population.subjects.lazy().filter(pl.col("kind") == "collective")
            return (
                collectives.select(pl.col("id").alias("subject"))
                .join(found.with_columns(pl.lit(True).alias("found")), on="subject", how="left")
                .select(
                    "subject",
                    pl.when(pl.col("found").is_null()).then(0).otherwise(pl.col(key)).alias(key),
                )
            )

        if kind == "person":
            return context.derived(key, lambda: rolled(None))
        # child collectives are decided in the frame being built: read the decisions so far
        return context.derived_from_decisions(key, rolled)

    return build


def _arguments(what: str, example: str) -> tuple[Argument, ...]:
    return (
        Argument(
            name="condition",
            kind="condition",
            doc=f"what is counted: a true/false expression over the {what}'s row, e.g. {example}",
        ),
        Argument(
            name="where",
            kind="condition",
            default="",
            doc=f"which {what}s are counted at all (the denominator); default: every {what}",
        ),
        Argument(
            name="scope",
            kind="choice",
            choices=SCOPES,
            default="direct",
            doc=f"{what}s directly under the collective, or anywhere in its subtree",
        ),
    )


_MEMBER = _arguments("member", "'in_training' or 'gender == \"female\"'")
_CHILD = _arguments("child collective", "'granted(\"gdht\")'")

MEMBER_SHARE_WHERE = FunctionSpec(
    name="member_share_where",
    arguments=_MEMBER,
    returns="decimal",
    build=_builder("member", share=True),
    reads="members' facts, attributes and decisions",
    doc="The share (0 to 1, exact) of the collective's members meeting ``condition`` among "
    "those meeting ``where``; unknown when a member's value is unknown or no member is kept. "
    'Write ``member_share_where("in_training", where = "enterprise_worker") >= 0.65`` for '
    "'at least 65 % of enterprise workers in training', and "
    "``member_share_where('gender == \"female\"') >= 0.7`` for '70 % of members are women'.",
)

MEMBER_COUNT_WHERE = FunctionSpec(
    name="member_count_where",
    arguments=_MEMBER,
    returns="int",
    build=_builder("member", share=False),
    reads="members' facts, attributes and decisions",
    doc="How many of the collective's members meet both ``condition`` and ``where``; unknown "
    'when a member that could count is unknown. ``member_count_where("true", where = '
    '"enterprise_worker")`` counts the enterprise workers.',
)

CHILD_SHARE = FunctionSpec(
    name="child_share",
    arguments=_CHILD,
    returns="decimal",
    build=_builder("child", share=True),
    reads="child collectives' facts, attributes and decisions",
    doc="The share (0 to 1, exact) of the collectives under this one meeting ``condition`` "
    'among those meeting ``where``; ``granted("x")`` in a condition reads the child\'s '
    "decision taken earlier in the same evaluation. Unknown when a child's value is unknown or "
    "no child is kept. Write ``child_share('granted(\"gdht\")', where = 'unit_type == "
    "\"family\"') >= 0.5`` for 'half the clan's families are learning families'.",
)

CHILD_COUNT = FunctionSpec(
    name="child_count",
    arguments=_CHILD,
    returns="int",
    build=_builder("child", share=False),
    reads="child collectives' facts, attributes and decisions",
    doc="How many collectives under this one meet both ``condition`` and ``where``; unknown "
    "when a child that could count is unknown.",
)


@hookimpl(trylast=True)
def emulation_register_functions() -> list[FunctionSpec]:
    """Filtered shares: member_share_where, member_count_where, child_share, child_count."""
    return [MEMBER_SHARE_WHERE, MEMBER_COUNT_WHERE, CHILD_SHARE, CHILD_COUNT]
