"""Conditions over a subject kind's result rows, computed after its awards are decided.

A condition is a checked true/false tree of the rule language, written outside an award (a
KPI's numerator or denominator). :func:`condition_columns` compiles a set of them against the
result frame of one subject kind — the frame :mod:`emulation.evaluate.query` built, which
holds each candidate's facts and the outcome columns of the awards decided for it — so a
condition reads facts, parameters and functions as a criterion does, and ``granted("x")``
reads the outcome decided in the same evaluation. The columns the functions ask for (joins by
subject, aggregations, columns built from the decisions) are joined onto that frame the way
the query joins them; a call whose column the frame already holds is read from it.
"""

from __future__ import annotations

from collections.abc import Mapping

import polars as pl

from emulation.data.population import Population
from emulation.evaluate.columns import outcome_column
from emulation.evaluate.context import Context
from emulation.evaluate.plan import EvaluationPlan
from emulation.lang.compiler import Compiler
from emulation.lang.nodes import CALL_PREFIX, Node
from emulation.types import ParameterValue


def condition_columns(
    plan: EvaluationPlan,
    kind: str,
    frame: pl.DataFrame,
    population: Population,
    earlier: Mapping[str, pl.DataFrame],
    conditions: Mapping[str, Node],
    parameters: Mapping[str, ParameterValue | None],
) -> pl.DataFrame:
    """``id`` and one column per condition (true, false or null when unknown), named by the
    keys of ``conditions``, for every row of ``frame`` (the result frame of ``kind``);
    ``earlier`` holds the result frames of the kinds decided before it (persons before
    collectives), for functions that read members; ``parameters`` the values the conditions'
    parameters take."""
    services = {name: rule for ruleset in plan.rulesets for name, rule in ruleset.services.items()}
    context = Context(plan.period, population, plan.facts, earlier, services, plan.consumers)
    # an award is read from its outcome column when the frame has one (a kind without
    # candidates has none)
    context.decided = {
        award.id for award, _ in plan.awards_of(kind) if outcome_column(award.id) in frame.columns
    }
    compiler = Compiler(parameters, context)
    compiler.columns = {column for column in frame.columns if column.startswith(CALL_PREFIX)}
    exprs = [compiler.compile(node).alias(name) for name, node in conditions.items()]
    joined = _joined(frame, context)
    return joined.select("id", *exprs)


def _joined(frame: pl.DataFrame, context: Context) -> pl.DataFrame:
    """``frame`` with every column the compiled functions asked for that it lacks."""
    present = set(frame.columns)
    for _, (rows, wanted) in sorted(context.aggregates.items(), key=lambda item: item[0]):
        keys = sorted(key for key in wanted if key not in present)
        if not keys:
            continue
        right = rows().group_by("subject").agg(wanted[key][0].alias(key) for key in keys).collect()
        frame = frame.join(right, left_on="id", right_on="subject", how="left")
        frame = frame.with_columns(
            pl.col(key).fill_null(wanted[key][1]) for key in keys if wanted[key][1] is not None
        )
        present.update(keys)
    for key, (make, default) in sorted(context.joins.items(), key=lambda item: item[0]):
        if key in present:
            continue
        frame = _join(frame, key, make().collect(), default)
        present.add(key)
    for key, late, default in context.late:
        if key in present:
            continue
        frame = _join(frame, key, late(frame).collect(), default)
        present.add(key)
    return frame


def _join(frame: pl.DataFrame, key: str, right: pl.DataFrame, default: object) -> pl.DataFrame:
    frame = frame.join(right.select("subject", key), left_on="id", right_on="subject", how="left")
    return frame if default is None else frame.with_columns(pl.col(key).fill_null(default))
