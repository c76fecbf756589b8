"""Compute a score sheet over the candidates of its subject kind, as columns of the query.

Each item's points are its expression's value (its ``default`` when missing), counted between
0 and its maximum; groups are capped at their subtotal maximum, the bonus and the deduction at
theirs; the total is an exact decimal, unknown when any part is. The band by points is the
best band whose ``min`` the total reaches and whose floors and condition hold (unknown when
one that matters is unknown); grade caps then hold it down and a knock-out puts it at the
lowest band, whatever the points. Every part is a column named by
:func:`~emulation.evaluate.columns.score_column`.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Mapping
from decimal import ROUND_CEILING, Decimal
from functools import reduce
from typing import Any

import polars as pl

from emulation.evaluate.columns import score_column
from emulation.evaluate.context import Context
from emulation.evaluate.quota import Stage
from emulation.lang.compiler import DECIMAL, Compiler
from emulation.rules.model import ParameterValue
from emulation.rules.scores import ScoreFloor, ScoreSheet


def _number(value: Decimal | int) -> pl.Expr:
    return pl.lit(Decimal(value), dtype=DECIMAL)


def counted(raw: pl.Expr, most: Decimal) -> pl.Expr:
    """``raw`` points counted between 0 and ``most`` (null stays null)."""
    return (
        pl.when(raw > _number(most))
        .then(_number(most))
        .when(raw < _number(0))
        .then(_number(0))
        .otherwise(raw)
        .cast(DECIMAL)
    )


def _sum(parts: list[pl.Expr]) -> pl.Expr:
    """The sum of ``parts``, null when any is null (never a silent 0)."""
    return reduce(operator.add, parts, _number(0)).cast(DECIMAL)


def _all(parts: list[pl.Expr]) -> pl.Expr:
    """Kleene ``and``: false when any is false, else null when any is null."""
    return reduce(operator.and_, parts) if parts else pl.lit(True)


def score_stages(
    sheet: ScoreSheet, values: Mapping[str, ParameterValue | None], context: Context
) -> list[Stage]:
    """The steps that compute ``sheet``: items, groups, adjustments and the total; floors,
    conditions, knock-outs and caps; the band by points; the band."""
    context.award = f"scores.{sheet.id}"
    context.late = []
    compiler = Compiler(values, context)

    def col(*parts: str) -> str:
        return score_column(sheet.id, *parts)

    raw: list[pl.Expr] = []
    for item in sheet.items:
        value = compiler.compile(item.node).cast(DECIMAL)
        if item.default is not None:
            value = value.fill_null(_number(item.default))
        raw.append(value.alias(col("item", item.id, "raw")))
    for name, adjustment in (("bonus", sheet.bonus), ("deduction", sheet.deduction)):
        if adjustment is not None:
            raw.append(compiler.compile(adjustment.node).cast(DECIMAL).alias(col(name, "raw")))
    rules = [
        compiler.compile(rule.node).alias(col(kind, rule.id))
        for kind, found in (("knockout", sheet.knockouts), ("cap", sheet.caps))
        for rule in found
    ]
    rules += [
        compiler.compile(band.condition).alias(col("condition", band.id))
        for band in sheet.bands
        if band.condition is not None
    ]
    points = [
        counted(pl.col(col("item", item.id, "raw")), item.max).alias(col("item", item.id))
        for item in sheet.items
    ]
    points += [
        counted(pl.col(col(name, "raw")), adjustment.max).alias(col(name))
        for name, adjustment in (("bonus", sheet.bonus), ("deduction", sheet.deduction))
        if adjustment is not None
    ]
    subtotals = [
        _sum([pl.col(col("item", i.id)) for i in sheet.items if i.group == group.id]).alias(
            col("group", group.id, "raw")
        )
        for group in sheet.groups
    ]
    groups = [
        counted(pl.col(col("group", group.id, "raw")), group.max).alias(col("group", group.id))
        for group in sheet.groups
    ]
    parts = [pl.col(col("group", group.id)) for group in sheet.groups]
    parts += [pl.col(col("item", item.id)) for item in sheet.items if item.group is None]
    if sheet.bonus is not None:
        parts.append(pl.col(col("bonus")))
    total = _sum(parts)
    if sheet.deduction is not None:
        total = (total - pl.col(col("deduction"))).cast(DECIMAL)
    floors = [_floor(sheet, floor, col).alias(col("floor", floor.id)) for floor in sheet.floors]
    # columns built from the decisions so far (context.late) are joined first by the query
    return [
        _columns(raw + rules),
        _columns(points),
        _columns(subtotals),
        _columns(groups),
        _columns([total.alias(col("total")), *floors]),
        _columns([_points_band(sheet, col).alias(col("points_band"))]),
        _columns([_band(sheet, col).alias(col("band"))]),
    ]


def _floor(sheet: ScoreSheet, floor: ScoreFloor, col: Callable[..., str]) -> pl.Expr:
    """Whether every item (or group) passes the floor: above 0, or at least its share."""
    if floor.of == "groups":
        measured = [(col("group", g.id), sheet.group_max(g)) for g in sheet.groups]
    else:
        measured = [(col("item", i.id), i.max) for i in sheet.items]
    tests = []
    for name, most in measured:
        if floor.kind == "no_zero":
            tests.append(pl.col(name) > _number(0))
        else:
            share = floor.share if floor.share is not None else Decimal(0)
            # points carry 6 places: they reach share × max exactly when they reach it
            # rounded up to 6 places
            least = (share * most).quantize(Decimal("0.000001"), rounding=ROUND_CEILING)
            tests.append(pl.col(name) >= _number(least))
    return _all(tests)


def _rank(sheet: ScoreSheet, band_id: str) -> int:
    """A band's place worst to best (0 = the lowest band)."""
    return sheet.band_order.index(band_id)


def _points_band(sheet: ScoreSheet, col: Callable[..., str]) -> pl.Expr:
    """The rank of the best band whose minimum the total reaches and whose floors and
    condition hold; null when the total, or a requirement that decides, is unknown."""
    total = pl.col(col("total"))
    chain: Any = pl.when(total.is_null()).then(pl.lit(None, dtype=pl.Int64))
    for band in sheet.bands:
        reached = pl.lit(True) if band.min is None else total >= _number(band.min)
        needs = [pl.col(col("floor", name)) for name in band.requires]
        if band.condition is not None:
            needs.append(pl.col(col("condition", band.id)))
        met = _all(needs)
        rank = pl.lit(_rank(sheet, band.id), dtype=pl.Int64)
        chain = chain.when(reached & met.is_null()).then(pl.lit(None, dtype=pl.Int64))
        chain = chain.when(reached & met).then(rank)
    result: pl.Expr = chain.otherwise(pl.lit(None, dtype=pl.Int64))
    return result


def _band(sheet: ScoreSheet, col: Callable[..., str]) -> pl.Expr:
    """The band: the band by points held down by every grade cap that applies, and the lowest
    band when a knock-out applies; unknown where an unknown cap or knock-out could matter."""
    rank = pl.col(col("points_band"))
    for cap in sheet.caps:
        if cap.at_most is None:
            continue
        applies = pl.col(col("cap", cap.id))
        most = pl.lit(_rank(sheet, cap.at_most), dtype=pl.Int64)
        rank = (
            pl.when(applies.fill_null(False) & (rank > most))
            .then(most)
            .when(applies.is_null() & (rank > most))
            .then(pl.lit(None, dtype=pl.Int64))
            .otherwise(rank)
        )
    knocked = [pl.col(col("knockout", rule.id)) for rule in sheet.knockouts]
    if knocked:
        out = reduce(operator.or_, knocked)
        rank = (
            pl.when(out.fill_null(False))
            .then(pl.lit(0, dtype=pl.Int64))
            .when(out.is_null() & (rank > 0))
            .then(pl.lit(None, dtype=pl.Int64))
            .otherwise(rank)
        )
    return as_band(sheet, rank)


def as_band(sheet: ScoreSheet, rank: pl.Expr) -> pl.Expr:
    """A band rank as the band, of the sheet's enum type (worst to best)."""
    dtype = band_dtype(sheet)
    chain: Any = pl.when(rank.is_null()).then(pl.lit(None, dtype=dtype))
    for index, band_id in enumerate(sheet.band_order):
        chain = chain.when(rank == index).then(pl.lit(band_id, dtype=dtype))
    result: pl.Expr = chain.otherwise(pl.lit(None, dtype=dtype))
    return result


def band_dtype(sheet: ScoreSheet) -> pl.Enum:
    """The Polars type of a band column: an enum of the band ids, worst to best."""
    return pl.Enum(list(sheet.band_order))


def _columns(exprs: list[pl.Expr]) -> Stage:
    return lambda lazy: lazy.with_columns(exprs) if exprs else lazy
