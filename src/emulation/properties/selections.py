"""Selections respected: every quota of an award holds (nested quotas, caps by group type, a
minimum cap, groups named by a fact), and a budget is never overspent, never passes over a
subject it could cover for one ranked lower (under ``stop``, nobody ranked after a refusal is
granted; under ``skip``, a refused subject did not fit), and says truly what remains.

The caps and funds are recomputed here from the ruleset, the parameters and the population,
independently of the engine; so are the amounts when the budget's ``amount`` is a parameter
or a fact. The budget ranks are read from the decisions' budget reasons.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from decimal import ROUND_CEILING, ROUND_FLOOR, ROUND_HALF_UP, Decimal
from typing import Any

import polars as pl

from emulation._testing.counterexample import describe_decision
from emulation.data.population import Population
from emulation.engine import Engine
from emulation.period import Period
from emulation.properties.api import PropertyFailure, awards_in_force, period_of
from emulation.results.decision import Decision
from emulation.rules.model import Award, Budget, Quota, resolve

_ROUNDING = {"floor": ROUND_FLOOR, "half_up": ROUND_HALF_UP, "ceiling": ROUND_CEILING}
_BUDGET_CODES = ("within_budget", "over_budget", "budget_stopped", "budget_tie")


def assert_selections_respected(
    engine: Engine,
    population: Population,
    period: Period | str | None = None,
    *,
    awards: Sequence[str] | None = None,
    parameters: Mapping[str, Any] | None = None,
) -> None:
    """For every award with several quotas, a cap by group type, a minimum cap, groups named
    by a fact, or a budget: no group of any quota has more granted than its cap (a group whose
    cap is not known has none granted); in each group of a budget the amounts granted add up
    to at most the fund, and ``fund_remaining`` is the fund less them; under ``stop`` nobody
    is granted after the first subject refused; a subject refused for the fund (``over_budget``)
    needed more than what the subjects ranked before it left."""
    current = period_of(engine, population, period)
    wanted = awards_in_force(engine, current, awards) if current else None
    if current is None or wanted == []:
        return
    in_force = engine.awards_in_force(current)
    if not any(_selects(award) for award, _ in in_force.values()):
        return  # nothing to check: no evaluation
    evaluation = engine.evaluate(population, current, wanted, parameters=parameters)
    decisions = evaluation.decisions()
    facts = _facts(population, str(current))
    for award, ruleset in evaluation.awards:
        if not _selects(award):
            continue
        values = evaluation.parameters.get(ruleset.id, {})
        mine = [d for d in decisions if d.award == award.id]
        for index, quota in enumerate(award.quotas, start=1):
            if not resolve(quota.enabled, values):
                continue
            problem = _quota_problem(quota, index, mine, values, population, facts, decisions)
            if problem:
                _fail(problem, award, mine, engine)
        if award.budget is not None:
            problem = _budget_problem(award.budget, mine, values, population, facts)
            if problem:
                _fail(problem, award, mine, engine)


def _selects(award: Award) -> bool:
    quota = award.quota
    return (
        award.budget is not None
        or bool(award.more_quotas)
        or (
            quota is not None
            and (bool(quota.count_by) or quota.group_fact is not None or quota.min_cap > 0)
        )
    )


Facts = dict[str, dict[str, Any]]


def _facts(population: Population, period: str) -> Facts:
    """Each subject's facts of ``period``, by name."""
    rows = population.facts.filter(pl.col("period") == period)
    return {row["subject"]: row for row in rows.iter_rows(named=True)}


def _group_of(
    per: str, fact: str | None, population: Population, facts: Facts
) -> Callable[[str], str | None]:
    """A subject's group as the ruleset defines it; None when a fact naming it is missing."""
    rows = {
        sid: (parent, cluster)
        for sid, parent, cluster in population.subjects.select(
            "id", "parent", "cluster"
        ).iter_rows()
    }
    if per == "fact" and fact is not None:
        return lambda sid: facts.get(sid, {}).get(fact)
    if per == "unit":
        return lambda sid: rows[sid][0] or f"(alone) {sid}"
    if per == "cluster":
        return lambda sid: rows[sid][1] or f"(alone) {sid}"
    return lambda sid: "*"


def _quota_problem(
    quota: Quota,
    index: int,
    mine: list[Decision],
    values: Mapping[str, Any],
    population: Population,
    facts: Facts,
    decisions: Sequence[Decision],
) -> str | None:
    group_of = _group_of(quota.per, quota.group_fact, population, facts)
    groups: dict[str | None, list[Decision]] = {}
    for decision in mine:
        groups.setdefault(group_of(decision.subject), []).append(decision)
    for group, members in sorted(groups.items(), key=lambda item: str(item[0])):
        cap = _cap(quota, group, members, values, facts, decisions)
        granted = sorted(d.subject for d in members if d.outcome == "granted")
        if len(granted) > (cap or 0):
            return (
                f"quota {index} ({quota.label.en}), group {group or '—'}: {len(granted)} granted "
                f"({', '.join(granted)}), but its cap is {cap}"
            )
    return None


def _cap(
    quota: Quota,
    group: str | None,
    members: list[Decision],
    values: Mapping[str, Any],
    facts: Facts,
    decisions: Sequence[Decision],
) -> int | None:
    """The cap of ``group`` as the quota's table gives it (None: not known)."""
    if group is None:
        return None
    if quota.count_by:
        kind = facts.get(group, {}).get(quota.group_type or "")
        found = dict(quota.count_by).get(str(kind)) if kind is not None else None
        return None if found is None else max(found, quota.min_cap)
    if quota.count is not None:
        return max(int(resolve(quota.count, values) or 0), quota.min_cap)
    subjects = {d.subject for d in members}
    if quota.of == "headcount":
        denominator = len(subjects)
    else:
        denominator = sum(
            1
            for d in decisions
            if d.award == quota.of and d.subject in subjects and d.outcome == "granted"
        )
    exact = Decimal(str(resolve(quota.ratio, values))) * denominator
    return max(int(exact.to_integral_value(rounding=_ROUNDING[quota.rounding])), quota.min_cap)


def _budget_problem(
    budget: Budget,
    mine: list[Decision],
    values: Mapping[str, Any],
    population: Population,
    facts: Facts,
) -> str | None:
    group_of = _group_of(budget.per, budget.group_fact, population, facts)
    groups: dict[tuple[str | None, Any], list[tuple[int, Decision]]] = {}
    for decision in mine:
        rank = _budget_rank(decision)
        if rank is None:
            continue
        category = facts.get(decision.subject, {}).get(budget.category or "")
        groups.setdefault((group_of(decision.subject), category), []).append((rank, decision))
    for (group, category), members in sorted(groups.items(), key=lambda item: str(item[0])):
        where = f"budget ({budget.label.en}), group {group or '—'}"
        name = budget.fund if budget.fund else dict(budget.fund_by).get(str(category))
        fund = None if name is None or values.get(name) is None else Decimal(str(values[name]))
        if fund is None:
            granted = [d.subject for _, d in members if d.outcome == "granted"]
            if granted:
                return f"{where}: {', '.join(granted)} granted from a fund that is not known"
            continue
        members.sort(key=lambda item: (item[0], item[1].subject))
        problem = _spent_problem(where, budget, fund, members, values, facts)
        if problem:
            return problem
    return None


def _spent_problem(
    where: str,
    budget: Budget,
    fund: Decimal,
    members: list[tuple[int, Decision]],
    values: Mapping[str, Any],
    facts: Facts,
) -> str | None:
    spent = Decimal(0)
    for _, decision in members:
        if decision.outcome == "granted":
            amount = _amount(budget, decision, values, facts)
            if amount is None:
                return f"{where}: {decision.subject} granted an amount that is not known"
            spent += amount
    if spent > fund:
        return f"{where}: {spent} granted from a fund of {fund}: overspent by {spent - fund}"
    remaining = {d.fund_remaining for _, d in members if d.fund_remaining is not None}
    if remaining and remaining != {fund - spent}:
        return f"{where}: the decisions say {sorted(remaining)} remained, but {fund - spent} did"
    refused_at: int | None = None
    before = Decimal(0)
    for rank, decision in members:
        amount = _amount(budget, decision, values, facts)
        if decision.outcome == "granted":
            if budget.policy == "stop" and refused_at is not None and rank > refused_at:
                return (
                    f"{where}: {decision.subject} (rank {rank}) granted after the selection "
                    f"stopped at rank {refused_at}"
                )
            before += amount or 0
            continue
        codes = {r.code for r in decision.reasons}
        if "over_budget" in codes and amount is not None:
            left = fund - sum(
                (_amount(budget, d, values, facts) or 0)
                for r, d in members
                if r < rank and d.outcome == "granted"
            )
            if amount <= left:
                return (
                    f"{where}: {decision.subject} (rank {rank}) needs {amount} and {left} "
                    "remained at its turn, but it was passed over"
                )
        if refused_at is None and codes & {"over_budget", "budget_tie"}:
            refused_at = rank
    return None


def _amount(
    budget: Budget, decision: Decision, values: Mapping[str, Any], facts: Facts
) -> Decimal | None:
    """The amount of one grant, read again from the parameter or fact the budget names (the
    decision's own ``amount`` for any other expression)."""
    if budget.amount in values:
        value = values[budget.amount]
    elif budget.amount in facts.get(decision.subject, {}):
        value = facts[decision.subject][budget.amount]
    else:
        value = decision.amount
    return None if value is None else Decimal(str(value))


def _budget_rank(decision: Decision) -> int | None:
    for reason in decision.reasons:
        if reason.code in _BUDGET_CODES:
            rank = dict(reason.params).get("rank")
            return None if rank in (None, "None") else int(str(rank))
    return None


def _fail(problem: str, award: Award, members: list[Decision], engine: Engine) -> None:
    lines = [f"selection not respected: {award.id}: {problem}"]
    for decision in sorted(members, key=lambda d: d.subject):
        lines.extend(describe_decision(decision, engine.rulesets, indent="    ", reasons=True))
    raise PropertyFailure("\n".join(lines))
