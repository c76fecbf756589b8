"""Explanation consistency: a granted decision has every criterion true (of an award with
paths: its own and those of the paths that hold, and some path holds); every other decision
names a rule that caused it."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from emulation._testing.counterexample import describe_decision, describe_subject
from emulation.data.population import Population
from emulation.engine import Engine
from emulation.period import Period
from emulation.properties.api import PropertyFailure, awards_in_force, period_of
from emulation.results.decision import Decision


def assert_explanations_consistent(
    engine: Engine,
    population: Population,
    period: Period | str | None = None,
    *,
    awards: Sequence[str] | None = None,
    parameters: Mapping[str, Any] | None = None,
) -> None:
    """A granted decision has every criterion true and no exclusion or blocking state true or
    unknown; every other decision has a cause — a blocking state that holds (``blocked``), a
    failed criterion or an applying exclusion (``not_eligible``), an unknown rule
    (``data_missing``; or a cap or fund that is not known), the quota
    (``eligible_over_quota``), the fund (``eligible_over_budget``), a tie across the quota's
    cap or the fund's edge (``tied``) — and its reasons name one."""
    current = period_of(engine, population, period)
    wanted = awards_in_force(engine, current, awards) if current else None
    if current is None or wanted == []:
        return
    for decision in engine.evaluate(population, current, wanted, parameters=parameters):
        problem = explanation_problem(decision)
        if problem:
            lines = [f"explanations are not consistent: {problem}"]
            lines.extend(describe_decision(decision, engine.rulesets, indent="    "))
            lines.append(f"  input of {decision.subject}:")
            lines.extend(describe_subject(population, decision.subject, indent="    "))
            raise PropertyFailure("\n".join(lines))


def explanation_problem(decision: Decision) -> str | None:
    """What is wrong with a decision's explanation, or None."""
    where = f"{decision.subject} / {decision.award} is {decision.outcome}"
    wanted = {"criterion": True, "exclusion": False, "blocking": False}
    allowed = decision.outcome in ("granted", "eligible_over_quota", "tied", "eligible_over_budget")
    # an award's own rules always count; a path's criteria only when that path held (for a
    # grant) or when no path held (for a refusal)
    held = set(decision.held)
    criteria = [
        c for c in decision.criteria if c.path is None or (c.path in held if allowed else not held)
    ]
    if allowed:
        if decision.paths and not held:
            return f"{where} although none of its paths holds"
        wrong = [c.id for c in criteria if c.value is not wanted[c.role]]
        if wrong:
            return f"{where} although {', '.join(wrong)} do not allow it"
        if decision.outcome == "granted":
            return None
        causes = {"quota"}
        codes = {
            "tied": {"tie_unresolved", "budget_tie"},
            "eligible_over_quota": {"over_quota"},
            "eligible_over_budget": {"over_budget", "budget_stopped"},
        }[decision.outcome]
    else:
        causes = {c.id for c in criteria if _causes(decision.outcome, c.role, c.value)}
        codes = {"blocked", "criterion_failed", "exclusion_applies"}
        codes |= {"criterion_unknown", "exclusion_unknown", "blocking_unknown"}
        if not causes and decision.outcome == "data_missing":
            # every rule known: a cap or a fund that is not (a quota or a budget)
            causes, codes = {"quota"}, {"quota_unknown", "budget_unknown"}
        if not causes:
            return f"{where} but no criterion, exclusion or blocking state explains it"
    named = {dict(r.params).get("criterion", "quota") for r in decision.reasons if r.code in codes}
    if not named & causes:
        return f"{where} but its reasons name none of its causes ({', '.join(sorted(causes))})"
    return None


def _causes(outcome: str, role: str, value: bool | None) -> bool:
    if outcome == "blocked":
        return role == "blocking" and value is True
    if outcome == "not_eligible":
        return (role == "criterion" and value is False) or (role == "exclusion" and value is True)
    return outcome == "data_missing" and value is None
