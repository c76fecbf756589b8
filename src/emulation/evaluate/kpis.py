"""Evaluate KPIs over the organisation tree, once the awards of every subject kind are decided.

For each KPI and each node — a collective whose ``level`` is one of the KPI's ``at_levels`` —
the counted subjects are the candidates of the KPI's subject kind (of ``subject_level``, for
collectives) among the node's direct members or in its whole subtree. The numerator's and the
denominator's conditions are computed on their result rows
(:func:`~emulation.evaluate.conditions.condition_columns`), so they read facts and the awards
decided in the same evaluation. Per node: the denominator (counted subjects whose denominator
condition holds), the numerator (those of them whose numerator condition holds too), how
many are unknown, the target — the node's own value of the ``override`` fact in the period
when it has one, else the parameter — and the outcome, compared exactly from the counts.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import ROUND_CEILING, ROUND_FLOOR, ROUND_HALF_UP, Decimal
from typing import Any

import attrs
import polars as pl

from emulation.data.population import Population
from emulation.data.records import SUBJECT_KINDS
from emulation.evaluate.candidates import base_frame
from emulation.evaluate.conditions import condition_columns
from emulation.evaluate.plan import EvaluationPlan
from emulation.lang.compiler import DECIMAL
from emulation.rules.kpis import Kpi
from emulation.rules.model import Ruleset

#: The columns of the KPI frame, one row per KPI and node.
KPI_SCHEMA: dict[str, pl.DataType] = {
    "kpi": pl.String(),
    "node": pl.String(),
    "level": pl.String(),
    "period": pl.String(),
    "numerator": pl.Int64(),
    "denominator": pl.Int64(),
    "unknown": pl.Int64(),
    "value": DECIMAL,
    "target": DECIMAL,
    "target_source": pl.String(),
    "outcome": pl.String(),
    "needed": pl.Int64(),
}

#: Outcomes of a KPI at a node.
KPI_OUTCOMES = ("met", "not_met", "data_missing")

_NUMERATOR, _DENOMINATOR = "kpi::numerator", "kpi::denominator"
_PLACES = Decimal("0.000001")


def evaluate_kpis(
    plan: EvaluationPlan, population: Population, frames: Mapping[str, pl.DataFrame]
) -> pl.DataFrame:
    """The KPI frame (:data:`KPI_SCHEMA`) of every KPI of ``plan``, sorted by KPI and node;
    ``frames`` are the result frames of the evaluation."""
    rows: list[dict[str, Any]] = []
    for kpi, ruleset in plan.kpis:
        rows.extend(_kpi_rows(plan, population, frames, kpi, ruleset))
    return pl.DataFrame(rows, schema=KPI_SCHEMA, orient="row").sort("kpi", "node")


def _kpi_rows(
    plan: EvaluationPlan,
    population: Population,
    frames: Mapping[str, pl.DataFrame],
    kpi: Kpi,
    ruleset: Ruleset,
) -> list[dict[str, Any]]:
    values = plan.parameters_of(ruleset)
    counts = _counts(plan, population, frames, kpi, values)
    overrides = _overrides(plan, population, kpi)
    parameter = values.get(kpi.target)
    default = None if parameter is None else Decimal(str(parameter))
    period = str(plan.period)
    rows = []
    for node, level, numerator, denominator, unknown in counts.iter_rows():
        own = overrides.get(node)
        target = own if own is not None else default
        source = None if target is None else "override" if own is not None else "parameter"
        outcome, needed, value = _judge(kpi, numerator, denominator, unknown, target)
        rows.append(
            {
                "kpi": kpi.id,
                "node": node,
                "level": level,
                "period": period,
                "numerator": numerator,
                "denominator": denominator,
                "unknown": unknown,
                "value": value,
                "target": target,
                "target_source": source,
                "outcome": outcome,
                "needed": needed,
            }
        )
    return rows


def _judge(
    kpi: Kpi, numerator: int, denominator: int, unknown: int, target: Decimal | None
) -> tuple[str, int | None, Decimal | None]:
    """``(outcome, needed, value)``: compared exactly, ``target × denominator`` against the
    numerator; ``needed`` is the smallest change of the numerator that meets the target."""
    if unknown or denominator == 0:
        return "data_missing", None, None
    value = (Decimal(numerator) / Decimal(denominator)).quantize(_PLACES, rounding=ROUND_HALF_UP)
    if target is None:
        return "data_missing", None, value
    bound = target * denominator  # exact: a decimal of 6 places times a whole number
    ceiling = int(bound.to_integral_value(rounding=ROUND_CEILING))
    floor = int(bound.to_integral_value(rounding=ROUND_FLOOR))
    if kpi.comparison == ">=":
        needed = max(0, ceiling - numerator)
    elif kpi.comparison == ">":
        needed = max(0, floor + 1 - numerator)
    elif kpi.comparison == "<=":
        needed = max(0, numerator - floor)
    else:
        needed = max(0, numerator - ceiling + 1)
    return ("met" if needed == 0 else "not_met"), needed, value


def _counts(
    plan: EvaluationPlan,
    population: Population,
    frames: Mapping[str, pl.DataFrame],
    kpi: Kpi,
    values: Mapping[str, Any],
) -> pl.DataFrame:
    """``node, level, numerator, denominator, unknown`` for every node of the KPI's levels."""
    kind = kpi.subject
    earlier: dict[str, pl.DataFrame] = {
        k: frames[k] for k in SUBJECT_KINDS[: SUBJECT_KINDS.index(kind)] if k in frames
    }
    conditions = {_NUMERATOR: kpi.numerator.node}
    if kpi.denominator is not None:
        conditions[_DENOMINATOR] = kpi.denominator.node
    judged = condition_columns(
        plan, kind, frames[kind], population, earlier, conditions, values
    ).select(
        pl.col("id").alias("member"),
        pl.col(_NUMERATOR).alias("n"),
        (pl.col(_DENOMINATOR) if kpi.denominator is not None else pl.lit(True)).alias("d"),
    )
    subjects = population.subjects.select("id", "kind", "parent", "level")
    if kpi.subject_level is not None:
        of_level = subjects.filter(pl.col("level") == kpi.subject_level).select(
            pl.col("id").alias("member")
        )
        judged = judged.join(of_level, on="member", how="semi")
    aside = sorted(population.set_aside_ids())
    nodes = subjects.filter(
        (pl.col("kind") == "collective")
        & pl.col("level").is_in(list(kpi.at_levels))
        & ~pl.col("id").is_in(aside)
    ).select(pl.col("id").alias("node"), "level")
    pairs = _ancestors(subjects, judged.select("member"), kpi.scope == "subtree")
    d, n = pl.col("d"), pl.col("n")
    aggregated = (
        pairs.join(nodes.select("node"), on="node", how="semi")
        .join(judged, on="member", how="inner")
        .group_by("node")
        .agg(
            (d.fill_null(False) & n.fill_null(False)).sum().cast(pl.Int64).alias("numerator"),
            d.fill_null(False).sum().cast(pl.Int64).alias("denominator"),
            (d.is_null() | (d.fill_null(False) & n.is_null()))
            .sum()
            .cast(pl.Int64)
            .alias("unknown"),
        )
    )
    return (
        nodes.join(aggregated, on="node", how="left")
        .with_columns(pl.col("numerator", "denominator", "unknown").fill_null(0))
        .sort("node")
        .select("node", "level", "numerator", "denominator", "unknown")
    )


def _ancestors(subjects: pl.DataFrame, members: pl.DataFrame, subtree: bool) -> pl.DataFrame:
    """``member, node`` pairs: each member with its parent, or with every collective above it
    when ``subtree`` (the parents form a tree, checked when the population was read)."""
    links = subjects.filter(pl.col("parent").is_not_null()).select("id", "parent")
    step = members.join(links, left_on="member", right_on="id", how="inner").select(
        "member", pl.col("parent").alias("node")
    )
    found = [step]
    while subtree and step.height:
        step = step.join(links, left_on="node", right_on="id", how="inner").select(
            "member", pl.col("parent").alias("node")
        )
        found.append(step)
    return pl.concat(found)


def _overrides(plan: EvaluationPlan, population: Population, kpi: Kpi) -> dict[str, Decimal]:
    """Each node's own target: its value of the ``override`` fact in the period, as written
    (the fact's default does not make a target)."""
    if kpi.override is None or kpi.override not in plan.facts:
        return {}
    decl = attrs.evolve(plan.facts[kpi.override], default=None)
    frame = base_frame(population, plan.period, "collective", {kpi.override: decl})
    found = frame.filter(pl.col(kpi.override).is_not_null()).select("id", kpi.override)
    return dict(found.iter_rows())
