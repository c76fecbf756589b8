"""Counterexamples a rule author can read: a decision with every rule's expression and the
values it read, and a subject's input rows.

Used by :mod:`emulation.properties`, the pytest plugin's case-file failures and
``emulation test``; the text is English, like pytest's own reports.
"""

from __future__ import annotations

from collections.abc import Iterable

import polars as pl

from emulation.data.population import Population
from emulation.data.schema import ORIGIN
from emulation.results.decision import Decision
from emulation.results.text import MARKS, show
from emulation.rules.model import Ruleset
from emulation.types import AwardId


def describe_decision(
    decision: Decision,
    rulesets: Iterable[Ruleset] = (),
    *,
    indent: str = "  ",
    reasons: bool = True,
) -> list[str]:
    """Lines, each starting with ``indent``: the outcome, then each rule with its expression
    and the values it read (facts, parameters, function results), rank and cap, and (when
    ``reasons``) the reasons."""
    expressions = _expressions(decision, rulesets)
    lines = [
        f"{indent}{decision.subject} / {decision.award} in {decision.period}: "
        f"{decision.outcome} (ruleset {decision.ruleset.id} {decision.ruleset.version})"
    ]
    indent += "  "
    for criterion in decision.criteria:
        text = expressions.get(criterion.id, criterion.label.en)
        lines.append(f"{indent}{MARKS[criterion.value]} {criterion.role} {criterion.id}: {text}")
        if criterion.inputs:
            values = ", ".join(f"{name} = {show(value)}" for name, value in criterion.inputs)
            lines.append(f"{indent}    {values}")
    if decision.rank is not None:
        tied = f", tied with {', '.join(decision.tied_with)}" if decision.tied_with else ""
        lines.append(f"{indent}rank {decision.rank}, cap {decision.cap}{tied}")
    if decision.fund is not None:
        lines.append(
            f"{indent}amount {show(decision.amount)}, fund {show(decision.fund)}, "
            f"remaining {show(decision.fund_remaining)}"
        )
    if reasons:
        lines.extend(f"{indent}- {reason.render('en')}" for reason in decision.reasons)
    return lines


def _expressions(decision: Decision, rulesets: Iterable[Ruleset]) -> dict[str, str]:
    for ruleset in rulesets:
        if (ruleset.id, ruleset.version) == (decision.ruleset.id, decision.ruleset.version):
            award = ruleset.awards.get(AwardId(decision.award))
            if award is not None:
                return {rule.id: " ".join(rule.expr.split()) for rule in award.rules}
    return {}


def describe_subject(population: Population, subject: str, *, indent: str = "  ") -> list[str]:
    """Lines: every input row of ``subject`` with its non-empty values (facts by period,
    evidence, awards held, service, discipline)."""
    lines = []
    for table, frame in population.frames().items():
        key = "id" if table == "subjects" else "subject"
        rows = frame.filter(pl.col(key) == subject).drop(ORIGIN)
        if table == "facts":
            rows = rows.sort("period")
        for row in rows.iter_rows(named=True):
            values = {k: v for k, v in row.items() if v is not None and k not in (key, "period")}
            head = f"{table} {row['period']}" if "period" in row else table
            text = ", ".join(f"{k} = {show(v)}" for k, v in values.items())
            lines.append(f"{indent}{head}: {text or '(no values)'}")
    return lines
