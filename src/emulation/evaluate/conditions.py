"""Conditions read over other rows: the members of a collective, or its child collectives.

A function with a ``condition`` argument (see :class:`~emulation.lang.signature.Argument`)
receives it as a :class:`~emulation.lang.compiler.BoundCondition` and asks the build context
for its value on every candidate of a subject kind: :meth:`EvaluationContext.condition_values`.
The rows are built as the candidates of an evaluation are (:func:`base_frame`: the facts the
condition reads, cast to their declared types and defaulted, and the subject attributes such
as ``gender``), with the outcome columns of the awards already decided for those rows, so a
condition's ``granted("x")`` reads the decision taken earlier in the same evaluation, and the
award history of the period otherwise. The functions the condition calls are built against a
context of those rows, as they would be in an award's rule.
"""

from __future__ import annotations

from typing import Any

import polars as pl

from emulation.evaluate.candidates import base_frame
from emulation.evaluate.columns import SEPARATOR
from emulation.evaluate.context import Context
from emulation.lang.compiler import BoundCondition
from emulation.lang.nodes import Node
from emulation.rules.loader import SUBJECT_FACTS
from emulation.rules.model import FactDecl

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
        )
        rows_context.award = self.award
        if decisions is not None:
            outcomes = [name for name in decisions.columns if name.endswith(_OUTCOME)]
            rows = rows.join(decisions.select("id", *outcomes), on="id", how="left")
            rows_context.decided = {name.removesuffix(_OUTCOME) for name in outcomes}
        value = condition.expression(rows_context)
        frame = rows_context.joined(rows)
        for key, make, default in rows_context.late:
            right = make(frame).collect()
            frame = frame.join(right, left_on="id", right_on="subject", how="left")
            if default is not None:
                frame = frame.with_columns(pl.col(key).fill_null(default))
        return frame.select(pl.col("id").alias("subject"), value.alias("value"))

    def _facts_of(self, node: Node) -> dict[str, FactDecl]:
        """The declared facts the condition reads of each row, itself or through a call's
        ``fact`` argument (the subject attributes come with every row)."""
        names = set(node.facts)
        for call in node.calls:
            bound = dict(call.arguments)
            names.update(str(bound[a.name]) for a in call.function.arguments if a.kind == "fact")
        return {name: self.fact(name) for name in sorted(names - set(SUBJECT_FACTS))}
