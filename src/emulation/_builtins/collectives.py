"""Built-in plugin: functions a collective's criteria use to read its members.

Members are the persons whose ``parent`` is the collective (``scope="direct"``) or any
collective below it (``scope="subtree"``), and who are candidates in the evaluation period
(they have a facts row). People are decided before the collectives that read them, in the same
evaluation; a member award not decided in it is read from the award history of the period.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import polars as pl

from emulation.data.records import DISCIPLINE_LEVELS
from emulation.errors import EvaluationError
from emulation.evaluate.columns import call_key, outcome_column
from emulation.functions import Argument, BuildContext, FunctionSpec
from emulation.hookspecs import hookimpl

SCOPES = ("direct", "subtree")
_DEPTH = 12


def memberships(context: BuildContext, scope: str, kind: str = "person") -> pl.LazyFrame:
    """``member, collective`` pairs of candidate subjects of ``kind`` in the period: persons
    (members) or collectives (child collectives), under their parent (``scope="direct"``) or
    any collective above them (``"subtree"``); built once per evaluation, scope and kind."""
    pairs: pl.DataFrame = context.memo(
        ("memberships", scope, kind), lambda: _memberships(context, scope, kind)
    )
    return pairs.lazy()


def _memberships(context: BuildContext, scope: str, kind: str) -> pl.DataFrame:
    subjects = context.population.subjects.select("id", "kind", "parent")
    candidates = (
        context.population.facts.filter(pl.col("period") == str(context.period))
        .select(pl.col("subject").alias("member"))
        .unique()
    )
    pairs = (
        subjects.filter((pl.col("kind") == kind) & pl.col("parent").is_not_null())
        .select(pl.col("id").alias("member"), pl.col("parent").alias("collective"))
        .join(candidates, on="member", how="semi")
    )
    if scope != "subtree":
        return pairs
    parents = subjects.filter(pl.col("parent").is_not_null()).select(
        pl.col("id").alias("collective"), pl.col("parent").alias("up")
    )
    found, level = [pairs], pairs
    for _ in range(_DEPTH):
        level = level.join(parents, on="collective", how="inner").select(
            "member", pl.col("up").alias("collective")
        )
        if level.height == 0:
            break
        found.append(level)
    return pl.concat(found).unique()


def _member_granted(context: BuildContext, award: str) -> pl.LazyFrame:
    """``member, granted`` (true/false/null) for every candidate person."""
    frame = context.decided_frame("person")
    column = outcome_column(award)
    if frame is not None and column in frame.columns:
        outcome = pl.col(column)
        return frame.lazy().select(
            pl.col("id").alias("member"),
            pl.when(outcome == "data_missing")
            .then(None)
            .otherwise(outcome == "granted")
            .alias("granted"),
        )
    held = (
        context.population.awards.lazy()
        .filter((pl.col("award") == award) & (pl.col("period") == str(context.period)))
        .select(pl.col("subject").alias("member"))
        .unique()
        .with_columns(pl.lit(True).alias("granted"))
    )
    return held


def _member_count(arguments: Mapping[str, Any], context: BuildContext) -> pl.Expr:
    award, scope = arguments["award"], arguments["scope"]
    key = call_key("member_count", award=award, scope=scope)

    def make() -> pl.LazyFrame:
        pairs = memberships(context, scope)
        if award:
            granted = _member_granted(context, award).filter(pl.col("granted"))
            pairs = pairs.join(granted, on="member", how="semi")
        return pairs.group_by(pl.col("collective").alias("subject")).agg(
            pl.len().cast(pl.Int64).alias(key)
        )

    return context.derived(key, make, default=0)


def _member_share(arguments: Mapping[str, Any], context: BuildContext) -> pl.Expr:
    award, scope = arguments["award"], arguments["scope"]
    key = call_key("member_share", award=award, scope=scope)

    def make() -> pl.LazyFrame:
        pairs = memberships(context, scope).join(
            _member_granted(context, award), on="member", how="left"
        )
        granted = (
            pl.col("granted").fill_null(False)
            if _history_only(context, award)
            else pl.col("granted")
        )
        share = (
            pl.when(granted.is_null().any())
            .then(None)
            .otherwise(
                granted.cast(pl.Int64).sum().cast(pl.Decimal(38, 6))
                / pl.len().cast(pl.Decimal(38, 6))
            )
        )
        return pairs.group_by(pl.col("collective").alias("subject")).agg(share.alias(key))

    return context.derived(key, make)


def _history_only(context: BuildContext, award: str) -> bool:
    frame = context.decided_frame("person")
    return frame is None or outcome_column(award) not in frame.columns


def _members_disciplined(arguments: Mapping[str, Any], context: BuildContext) -> pl.Expr:
    level, scope = arguments["level"], arguments["scope"]
    heavier = list(DISCIPLINE_LEVELS[DISCIPLINE_LEVELS.index(level) :])
    period = context.period
    key = call_key("members_disciplined", level=level, scope=scope)

    def make() -> pl.LazyFrame:
        disciplined = (
            context.population.discipline.lazy()
            .filter(
                pl.col("level").is_in(heavier)
                & (pl.col("start") <= period.end)
                & (pl.col("end").is_null() | (pl.col("end") >= period.start))
            )
            .select(pl.col("subject").alias("member"))
            .unique()
        )
        pairs = memberships(context, scope).join(disciplined, on="member", how="semi")
        return pairs.group_by(pl.col("collective").alias("subject")).agg(
            pl.len().cast(pl.Int64).alias(key)
        )

    return context.derived(key, make, default=0)


def _member_fact_share(arguments: Mapping[str, Any], context: BuildContext) -> pl.Expr:
    fact, at_least, scope = arguments["fact"], arguments["at_least"], arguments["scope"]
    decl = context.fact(fact)
    if at_least not in decl.values or not decl.ordered:
        raise EvaluationError(
            f'member_fact_share: "{at_least}" is not a value of the ordered fact {fact} '
            f"({list(decl.values)})"
        )
    dtype = pl.Enum(list(decl.values))
    period = str(context.period)
    key = call_key("member_fact_share", fact=fact, at_least=at_least, scope=scope)

    def make() -> pl.LazyFrame:
        if fact not in context.population.facts.columns:
            return pl.LazyFrame(schema={"subject": pl.String, key: pl.Decimal(38, 6)})
        values = (
            context.population.facts.lazy()
            .filter(pl.col("period") == period)
            .select(
                pl.col("subject").alias("member"),
                (
                    pl.col(fact).cast(pl.String).cast(dtype, strict=False)
                    >= pl.lit(at_least, dtype)
                ).alias("ok"),
            )
        )
        pairs = memberships(context, scope).join(values, on="member", how="left")
        ok = pl.col("ok")
        share = (
            pl.when(ok.is_null().any())
            .then(None)
            .otherwise(ok.cast(pl.Int64).sum().cast(_DECIMAL) / pl.len().cast(_DECIMAL))
        )
        return pairs.group_by(pl.col("collective").alias("subject")).agg(share.alias(key))

    return context.derived(key, make)


_DECIMAL = pl.Decimal(38, 6)

_SCOPE = Argument(
    name="scope",
    kind="choice",
    choices=SCOPES,
    default="direct",
    doc="direct members, or every person in the collective's subtree",
)

MEMBER_COUNT = FunctionSpec(
    name="member_count",
    arguments=(
        Argument(
            name="award", kind="award", default="", doc="count only members granted this award"
        ),
        _SCOPE,
    ),
    returns="int",
    build=_member_count,
    reads="members and their decisions",
    doc="How many members the collective has in the period, or how many of them are granted "
    "``award``.",
)

MEMBER_SHARE = FunctionSpec(
    name="member_share",
    arguments=(Argument(name="award", kind="award", doc="an award of persons"), _SCOPE),
    returns="decimal",
    build=_member_share,
    reads="members and their decisions",
    doc="The share (0 to 1, exact) of the collective's members granted ``award`` in the period; "
    "unknown when a member's decision lacks data or the collective has no members. Write "
    "``member_share(\"ldtt\") >= 0.7`` for '70 % of members hold LĐTT'.",
)

MEMBERS_DISCIPLINED = FunctionSpec(
    name="members_disciplined",
    arguments=(
        Argument(
            name="level",
            kind="choice",
            choices=DISCIPLINE_LEVELS,
            default="warning",
            doc="the lightest level that counts",
        ),
        _SCOPE,
    ),
    returns="int",
    build=_members_disciplined,
    reads="members' discipline records",
    doc="How many members have a discipline record of ``level`` or heavier in force during "
    "the period.",
)


MEMBER_FACT_SHARE = FunctionSpec(
    name="member_fact_share",
    arguments=(
        Argument(name="fact", kind="fact", doc="an ordered enum fact of persons, e.g. rating"),
        Argument(name="at_least", kind="text", doc="the lowest value that counts"),
        _SCOPE,
    ),
    returns="decimal",
    build=_member_fact_share,
    reads="members' facts",
    doc="The share (0 to 1, exact) of the collective's members whose ``fact`` is at least "
    "``at_least`` in the period; unknown when a member's value is missing. Write "
    '``member_fact_share("rating", "HT") == 1`` for \'every member completed their tasks\'. '
    "For any other condition on members, or a filter, use ``member_share_where``.",
)


@hookimpl(trylast=True)
def emulation_register_functions() -> list[FunctionSpec]:
    """Collective roll-ups: member_count, member_share, member_fact_share, members_disciplined."""
    return [MEMBER_COUNT, MEMBER_SHARE, MEMBER_FACT_SHARE, MEMBERS_DISCIPLINED]
