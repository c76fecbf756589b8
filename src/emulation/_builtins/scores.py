"""Built-in plugin: the rule-language functions that read a score sheet — its total, its band
and the points of one item — computed earlier in the same evaluation (the plan puts every
sheet before the awards that read it)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import polars as pl

from emulation.evaluate.columns import score_column
from emulation.functions import Argument, BuildContext, FunctionSpec
from emulation.hookspecs import hookimpl

_SHEET = Argument(name="score", kind="score", doc="the id of a [scores.<id>] sheet")


def _total(arguments: Mapping[str, Any], context: BuildContext) -> pl.Expr:
    return pl.col(score_column(arguments["score"], "total"))


def _band(arguments: Mapping[str, Any], context: BuildContext) -> pl.Expr:
    return pl.col(score_column(arguments["score"], "band"))


def _points(arguments: Mapping[str, Any], context: BuildContext) -> pl.Expr:
    return pl.col(score_column(arguments["score"], "item", arguments["item"]))


SCORE = FunctionSpec(
    name="score",
    arguments=(_SHEET,),
    returns="decimal",
    build=_total,
    reads="the score sheet's total",
    doc=(
        "The total of the subject's score sheet: item points capped at their maxima, group "
        "caps, bonus and deduction within their caps, as an exact decimal; unknown when an "
        "item without a default is missing."
    ),
)

BAND = FunctionSpec(
    name="band",
    arguments=(_SHEET,),
    returns="enum",
    enum_from="score",
    build=_band,
    reads="the score sheet's band",
    doc=(
        "The band of the subject's score sheet after floors, knock-outs and grade caps. Bands "
        'compare by their order, worst to best: ``band("dv") >= "HTT"``; a name that is not a '
        "band of the sheet is an error when the ruleset is loaded."
    ),
)

POINTS = FunctionSpec(
    name="points",
    arguments=(
        _SHEET,
        Argument(name="item", kind="score_item", doc="the id of one item of the sheet"),
    ),
    returns="decimal",
    build=_points,
    reads="one item of the score sheet",
    doc=(
        "The points one item of the subject's score sheet counts for (capped at the item's "
        "maximum, never below 0); unknown when the item's value is missing."
    ),
)


@hookimpl(trylast=True)
def emulation_register_functions() -> list[FunctionSpec]:
    """The score-sheet functions: score, band, points."""
    return [SCORE, BAND, POINTS]
