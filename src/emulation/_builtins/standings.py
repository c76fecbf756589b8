"""Built-in plugin: the functions a ranking uses to break ties the way the law says.

``women_priority()`` is the priority Decree 152/2025/NĐ-CP Art 4(6) gives when several
candidates are equally qualified: "lựa chọn cá nhân nữ hoặc tập thể có tỷ lệ nữ từ 70 % trở
lên" — a woman, or a collective whose members are at least 70 % women. Write it as a ranking
key: ``{ expr = "women_priority()", order = "desc" }``.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

import polars as pl

from emulation._builtins.collectives import SCOPES, memberships
from emulation.evaluate.columns import call_key
from emulation.functions import Argument, BuildContext, FunctionSpec
from emulation.hookspecs import hookimpl
from emulation.lang.compiler import DECIMAL

#: The share of women that gives a collective the priority (Decree 152/2025/NĐ-CP Art 4(6),
#: certainty C: "tập thể có tỷ lệ nữ từ 70 % trở lên").
WOMEN_SHARE = Decimal("0.7")


def _women_priority(arguments: Mapping[str, Any], context: BuildContext) -> pl.Expr:
    scope = arguments["scope"]
    at_least = arguments["at_least"]
    threshold = at_least if isinstance(at_least, pl.Expr) else pl.lit(at_least, DECIMAL)
    key = call_key("women_priority", scope=scope)

    def make() -> pl.LazyFrame:
        subjects = context.population.subjects.lazy().select("id", "kind", "gender")
        female = (pl.col("gender") == "female").cast(pl.Int64)
        persons = subjects.filter(pl.col("kind") == "person").select(
            pl.col("id").alias("subject"),
            pl.lit(True).alias("person"),
            female.alias("women"),
            pl.lit(1, pl.Int64).alias("members"),
        )
        genders = subjects.select(pl.col("id").alias("member"), female.alias("woman"))
        counted = (
            memberships(context, scope)
            .join(genders, on="member", how="left")
            .group_by("collective")
            .agg(
                # a member whose gender is not known makes the share unknown
                pl.when(pl.col("woman").is_null().any())
                .then(None)
                .otherwise(pl.col("woman").sum())
                .cast(pl.Int64)
                .alias("women"),
                pl.len().cast(pl.Int64).alias("members"),
            )
        )
        collectives = (
            subjects.filter(pl.col("kind") == "collective")
            .select(pl.col("id").alias("collective"))
            .join(counted, on="collective", how="left")
            .select(
                pl.col("collective").alias("subject"),
                pl.lit(False).alias("person"),
                "women",
                "members",
            )
        )
        return pl.concat([persons, collectives]).select(
            "subject", pl.struct("person", "women", "members").alias(key)
        )

    counts = context.derived(key, make)
    person = counts.struct.field("person")
    women = counts.struct.field("women")
    members = counts.struct.field("members")
    # exact: women ≥ share × members, in decimals; a collective without members is unknown
    collective = (
        pl.when(members.is_null() | (members == 0))
        .then(None)
        .otherwise(women.cast(DECIMAL) >= threshold * members.cast(DECIMAL))
    )
    return pl.when(person).then(women == 1).otherwise(collective)


WOMEN_PRIORITY = FunctionSpec(
    name="women_priority",
    arguments=(
        Argument(
            name="at_least",
            kind="value",
            accepts=("decimal", "int"),
            default=WOMEN_SHARE,
            doc="the share of women (0 to 1) that gives a collective the priority; default "
            "0.7, Decree 152/2025/NĐ-CP Art 4(6) (C)",
        ),
        Argument(
            name="scope",
            kind="choice",
            choices=SCOPES,
            default="direct",
            doc="direct members, or every person in the collective's subtree",
        ),
    ),
    returns="bool",
    build=_women_priority,
    reads="subjects' gender and collectives' members",
    doc="The priority the law gives when candidates are equally qualified (Decree "
    "152/2025/NĐ-CP Art 4(6): a woman, or a collective whose members are at least 70 % "
    "women). For a person: true for a woman, false for a man, unknown when the gender is not "
    "given. For a collective: whether at least ``at_least`` of its members in the period "
    "(persons with a facts row whose ``parent`` it is) are women, compared exactly; unknown "
    "when a member's gender is not given or it has no members. Use it as a ranking key: "
    '``{ expr = "women_priority()", order = "desc" }``.',
)


@hookimpl(trylast=True)
def emulation_register_functions() -> list[FunctionSpec]:
    """Ranking functions: women_priority."""
    return [WOMEN_PRIORITY]
