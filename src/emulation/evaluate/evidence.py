"""Evidence used up by awards: no achievement counts twice.

An award with ``[awards.<id>.consumes]`` uses, for each period it is held, the oldest matching
evidence items of its window (by period, then id). Holdings come from the award history and
from the awards granted earlier in the same evaluation. Each holding takes its items on its
own, so two holdings whose windows overlap may name the same item; an item counts as used
as soon as one holding names it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import polars as pl

from emulation.data.cast import cast_column, cast_expression
from emulation.data.records import SCOPES
from emulation.evaluate.collect import collect
from emulation.evaluate.columns import outcome_column
from emulation.lang.compiler import Compiler, dtype_of
from emulation.lang.nodes import Node
from emulation.period import period_start_year
from emulation.rules.model import Consumption, FactDecl

_HOLDINGS = {"subject": pl.String, "award": pl.String, "period": pl.String}


def matching(evidence: pl.LazyFrame, kinds: tuple[str, ...], min_scope: str) -> pl.LazyFrame:
    """Items of ``kinds`` recognised at ``min_scope`` or wider."""
    scopes = list(SCOPES[SCOPES.index(min_scope) :])
    return evidence.filter(pl.col("kind").is_in(list(kinds)) & pl.col("scope").is_in(scopes))


def used_by(
    holdings: pl.LazyFrame,
    evidence: pl.LazyFrame,
    consumers: Mapping[str, Consumption],
    facts: pl.LazyFrame | None = None,
    declared: Mapping[str, FactDecl] | None = None,
) -> pl.LazyFrame:
    """``subject, evidence, award, period``: the items each holding of a consumer award uses.

    A consumer with an ``unless`` condition uses nothing for a holding whose period's facts
    (from ``facts``, cast to the ``declared`` types) meet the condition.
    """
    parts = []
    for award, spec in sorted(consumers.items()):
        chosen = holdings.filter(pl.col("award") == award)
        if spec.unless is not None and facts is not None:
            chosen = _without_exempt(chosen, spec.unless, facts, declared or {})
        held = chosen.select(
            "subject",
            pl.col("period").alias("held_period"),
            pl.col("period").str.len_chars().alias("_shape"),
            period_start_year().alias("_held_year"),
        )
        items = matching(evidence, spec.kinds, spec.min_scope).select(
            "subject",
            pl.col("id").alias("evidence"),
            pl.col("period").alias("item_period"),
            pl.col("period").str.len_chars().alias("_shape"),
            period_start_year().alias("_item_year"),
        )
        offset = pl.col("_held_year") - pl.col("_item_year")
        taken = (
            held.join(items, on=["subject", "_shape"], how="inner")
            .filter((offset >= 0) & (offset < spec.window))
            .sort("subject", "held_period", "item_period", "evidence")
            .with_columns(pl.int_range(pl.len()).over("subject", "held_period").alias("_rank"))
            .filter(pl.col("_rank") < spec.count)
            .select(
                "subject",
                "evidence",
                pl.lit(award).alias("award"),
                pl.col("held_period").alias("period"),
            )
        )
        parts.append(taken)
    if not parts:
        return pl.LazyFrame(
            schema={"subject": pl.String, "evidence": pl.String, **_HOLDINGS}
        ).select("subject", "evidence", "award", "period")
    return pl.concat(parts)


def _without_exempt(
    holdings: pl.LazyFrame, unless: Node, facts: pl.LazyFrame, declared: Mapping[str, FactDecl]
) -> pl.LazyFrame:
    """The ``holdings`` whose period's facts do not meet ``unless`` (a fact missing from the
    facts is unknown: the holding is kept)."""
    names = sorted(unless.facts)
    schema = facts.collect_schema()
    present = [n for n in names if n in schema]
    values = facts.select("subject", "period", *present)
    joined = holdings.join(values, on=["subject", "period"], how="left")
    exempt = Compiler({}).compile(unless).fill_null(False)
    if len(present) == len(names):  # one query: the facts cast as they are read
        casts = [
            cast_expression(name, schema[name], dtype).alias(name)
            for name, dtype in _declared_types(names, declared).items()
            if schema[name] != dtype
        ]
        return joined.with_columns(casts).filter(~exempt).select("subject", "award", "period")
    # a fact the input does not have: its column of nulls written out before it is compared
    # (Polars' in-memory engine refuses a typed literal compared with a column of one value)
    frame = collect(joined)
    for name, dtype in _declared_types(names, declared).items():
        column = (
            frame.get_column(name)
            if name in frame.columns
            else pl.Series(name, [None] * frame.height, dtype=dtype)
        )
        frame = frame.with_columns(cast_column(column, dtype).alias(name))
    return frame.lazy().filter(~exempt).select("subject", "award", "period")


def _declared_types(
    names: Iterable[str], declared: Mapping[str, FactDecl]
) -> dict[str, pl.DataType]:
    """The declared type of each of ``names`` that is declared."""
    return {
        name: dtype_of(decl.type, decl.values)
        for name in names
        if (decl := declared.get(name)) is not None
    }


def holdings_of(history: pl.DataFrame, current: pl.LazyFrame | None = None) -> pl.LazyFrame:
    """Award history rows, plus this evaluation's grants, as ``subject, award, period``."""
    rows = history.lazy().select("subject", "award", "period")
    if current is not None:
        rows = pl.concat([rows, current.select("subject", "award", "period")])
    return rows.unique()


def granted_in(frame: pl.DataFrame, awards: Iterable[str], period: str) -> pl.LazyFrame | None:
    """The grants of ``awards`` in the result frame ``frame`` as ``subject, award, period``
    rows (None when ``frame`` grants none of them: no holding to add, no query to build)."""
    grants = [
        frame.lazy()
        .filter(pl.col(outcome_column(award)) == "granted")
        .select(
            pl.col("id").alias("subject"),
            pl.lit(award).alias("award"),
            pl.lit(period).alias("period"),
        )
        for award in awards
        if outcome_column(award) in frame.columns
        and (frame.get_column(outcome_column(award)) == "granted").any()
    ]
    return pl.concat(grants) if grants else None


def unused(
    items: pl.LazyFrame,
    award: str,
    period: str,
    *,
    history: pl.DataFrame,
    granted_now: pl.LazyFrame | None,
    evidence: pl.LazyFrame,
    consumers: Mapping[str, Consumption],
    facts: pl.LazyFrame | None = None,
    declared: Mapping[str, FactDecl] | None = None,
) -> pl.LazyFrame:
    """The evidence ``items`` no holding other than ``award`` in ``period`` has used.

    The holdings are those of the award ``history`` (but this one) and the awards
    ``granted_now`` in this evaluation; what each uses follows :func:`used_by`. Both the
    function ``evidence_unused`` (counting) and the decisions (naming the items an award
    takes) ask this.
    """
    if history.height == 0 and granted_now is None:  # no holding: nothing is used
        return items
    earlier = history.filter(~((pl.col("award") == award) & (pl.col("period") == period)))
    used = used_by(holdings_of(earlier, granted_now), evidence, consumers, facts, declared)
    used = used.select("subject", "evidence").unique()
    return items.join(used, left_on=["subject", "id"], right_on=["subject", "evidence"], how="anti")


def taken_by(
    award: str,
    spec: Consumption,
    period: str,
    periods: list[str],
    subjects: list[str],
    *,
    history: pl.DataFrame,
    granted_before: pl.LazyFrame | None,
    evidence: pl.DataFrame,
    consumers: Mapping[str, Consumption],
    facts: pl.DataFrame | None = None,
    declared: Mapping[str, FactDecl] | None = None,
) -> dict[str, tuple[str, ...]]:
    """The evidence ids ``award`` uses for each granted subject in ``period`` (none for a
    subject whose facts meet the award's ``unless`` condition)."""
    lazy = evidence.lazy()
    items = matching(lazy, spec.kinds, spec.min_scope).filter(
        pl.col("period").is_in(periods) & pl.col("subject").is_in(subjects)
    )
    if spec.unless is not None and facts is not None:
        mine = pl.LazyFrame(
            {
                "subject": subjects,
                "award": [award] * len(subjects),
                "period": [period] * len(subjects),
            },
            schema=_HOLDINGS,
        )
        # in the same query as the items: a subject whose facts meet ``unless`` takes none
        kept = _without_exempt(mine, spec.unless, facts.lazy(), declared or {})
        items = items.join(kept.select("subject"), on="subject", how="semi")
    free = unused(
        items,
        award,
        period,
        history=history,
        granted_now=granted_before,
        evidence=lazy,
        consumers=consumers,
        facts=None if facts is None else facts.lazy(),
        declared=declared,
    )
    taken = collect(
        free.sort("subject", "period", "id")
        .with_columns(pl.int_range(pl.len()).over("subject").alias("_rank"))
        .filter(pl.col("_rank") < spec.count)
        .group_by("subject")
        .agg(pl.col("id"))
    )
    return {row["subject"]: tuple(row["id"]) for row in taken.iter_rows(named=True)}
