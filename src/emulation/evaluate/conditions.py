"""Conditions: true/false expressions of the rule language read over rows other than the
subject's own, and over result rows once their awards are decided.

Over other rows: a function with a ``condition`` argument (see
:class:`~emulation.lang.signature.Argument`) receives it as a
:class:`~emulation.lang.compiler.BoundCondition` and asks the build context for its value on
every candidate of a subject kind: :meth:`EvaluationContext.condition_values`. The rows are
built as the candidates of an evaluation are (:func:`base_frame`: the facts the condition
reads, cast to their declared types and defaulted, and the subject attributes such as
``gender``), with the outcome columns of the awards already decided for those rows, so a
condition's ``granted("x")`` reads the decision taken earlier in the same evaluation, and the
award history of the period otherwise. The functions the condition calls are built against a
context of those rows, as they would be in an award's rule.

Over result rows: :func:`condition_columns` compiles conditions written outside an award (a
KPI's numerator or denominator) against the result frame of one subject kind — which holds
each candidate's facts and the outcome columns of the awards decided for it — so they read
facts, parameters and functions as a criterion does; a call whose column the frame already
holds is read from it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import polars as pl

from emulation.data.population import Population
from emulation.evaluate.candidates import base_frame
from emulation.evaluate.columns import SEPARATOR, outcome_column
from emulation.evaluate.context import Context
from emulation.evaluate.plan import EvaluationPlan
from emulation.lang.compiler import BoundCondition, Compiler
from emulation.lang.nodes import CALL_PREFIX, Node
from emulation.rules.loader import SUBJECT_FACTS
from emulation.rules.model import FactDecl
from emulation.types import ParameterValue

_OUTCOME = f"{SEPARATOR}outcome"


class EvaluationContext(Context):
    """The engine's build context: a :class:`Context` that can also evaluate conditions."""

    def condition_values(
        self, kind: str, condition: Any, decisions: pl.DataFrame | None = None
    ) -> pl.DataFrame:
        """``subject`` and ``value`` (true, false or null) of ``condition`` for every
        candidate of ``kind`` in the period.

        ``decisions`` is the result frame whose outcome columns the condition's ``granted``
        reads (default: the frame of ``kind`` decided earlier in the evaluation, if any).
        """
        if not isinstance(condition, BoundCondition):
            raise TypeError(f"a condition argument was expected, got {condition!r}")
        earlier = self.decided_frame(kind)
        if decisions is None or decisions is earlier:
            # the rows of a kind decided before (or never): the same for every call of the
            # evaluation, built once; decisions taken in the frame being built are not
            key = ("condition", kind, repr(condition))
            frame: pl.DataFrame = self.memo(key, lambda: self._values(kind, condition, earlier))
            return frame
        return self._values(kind, condition, decisions)

    def _values(
        self, kind: str, condition: BoundCondition, decisions: pl.DataFrame | None
    ) -> pl.DataFrame:
        node = condition.condition.node
        rows = base_frame(self.population, self.period, kind, self._facts_of(node))
        rows_context = EvaluationContext(
            self.period,
            self.population,
            self._facts,
            self._earlier,
            self._services,
            self._consumers,
            self.as_of,
        )
        rows_context.award = self.award
        if decisions is not None:
            outcomes = [name for name in decisions.columns if name.endswith(_OUTCOME)]
            rows = rows.join(decisions.select("id", *outcomes), on="id", how="left")
            rows_context.decided = {name.removesuffix(_OUTCOME) for name in outcomes}
        value = condition.expression(rows_context)
        frame = rows_context.joined(rows, late=True)
        return frame.select(pl.col("id").alias("subject"), value.alias("value"))

    def _facts_of(self, node: Node) -> dict[str, FactDecl]:
        """The declared facts the condition reads of each row, itself or through a call's
        ``fact`` argument (the subject attributes come with every row)."""
        names = set(node.facts)
        for call in node.calls:
            bound = dict(call.arguments)
            names.update(str(bound[a.name]) for a in call.function.arguments if a.kind == "fact")
        return {name: self.fact(name) for name in sorted(names - set(SUBJECT_FACTS))}


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
    context = Context(
        plan.period, population, plan.facts, earlier, services, plan.consumers, plan.cut_off
    )
    # an award is read from its outcome column when the frame has one (a kind without
    # candidates has none)
    context.decided = {
        award.id for award, _ in plan.awards_of(kind) if outcome_column(award.id) in frame.columns
    }
    compiler = Compiler(parameters, context)
    compiler.columns = {column for column in frame.columns if column.startswith(CALL_PREFIX)}
    exprs = [compiler.compile(node).alias(name) for name, node in conditions.items()]
    return context.joined(frame, late=True).select("id", *exprs)
