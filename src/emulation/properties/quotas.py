"""Quota conservation: no quota is ever exceeded, and nobody eligible is left out while the
quota has room.

The cap is recomputed here, independently of the engine, from the quota's table: the
denominator counted from the decisions (holders of the ``of`` award in the group, or the
group's candidates), times the ratio, rounded as the ruleset says — so an engine that rounds
wrongly fails too.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import ROUND_CEILING, ROUND_FLOOR, ROUND_HALF_UP, Decimal
from typing import Any

from emulation._testing.counterexample import describe_decision
from emulation.data.population import Population
from emulation.engine import Engine
from emulation.period import Period
from emulation.properties.api import PropertyFailure, awards_in_force, period_of
from emulation.results.decision import Decision
from emulation.rules.model import Award, Quota, Ruleset, resolve

_ROUNDING = {"floor": ROUND_FLOOR, "half_up": ROUND_HALF_UP, "ceiling": ROUND_CEILING}


def assert_quotas_conserved(
    engine: Engine,
    population: Population,
    period: Period | str | None = None,
    *,
    awards: Sequence[str] | None = None,
    parameters: Mapping[str, Any] | None = None,
) -> None:
    """For every award with a quota switched on, and every group of that quota: the granted
    are at most the cap; when someone eligible is over the quota, the granted fill the cap;
    the granted rank 1…n and those over the quota after them; the cap is the ratio of the
    denominator, rounded as the ruleset says (or the fixed count)."""
    current = period_of(engine, population, period)
    wanted = awards_in_force(engine, current, awards) if current else None
    if current is None or wanted == []:
        return
    evaluation = engine.evaluate(population, current, wanted, parameters=parameters)
    decisions = evaluation.decisions()
    groups = _groups(population)
    for award, ruleset in evaluation.awards:
        quota = award.quota
        values = evaluation.parameters.get(ruleset.id, {})
        if quota is None or not _enabled(quota, values):
            continue
        mine = [d for d in decisions if d.award == award.id]
        by_group: dict[str, list[Decision]] = {}
        for decision in mine:
            by_group.setdefault(groups[quota.per](decision.subject), []).append(decision)
        for group, members in sorted(by_group.items()):
            problem = _problem(award, quota, values, group, members, decisions)
            if problem:
                _fail(problem, award, members, engine, ruleset)


def _problem(
    award: Award,
    quota: Quota,
    values: Mapping[str, Any],
    group: str,
    members: list[Decision],
    decisions: Sequence[Decision],
) -> str | None:
    granted = sorted((d for d in members if d.outcome == "granted"), key=lambda d: d.rank or 0)
    over = sorted(
        (d for d in members if d.outcome == "eligible_over_quota"), key=lambda d: d.rank or 0
    )
    expected = _expected_cap(quota, values, group, members, decisions)
    where = f"{award.id}, group {group or '—'}"
    caps = {d.cap for d in granted + over if d.cap is not None}
    if len(caps) > 1:
        return f"{where}: the decisions of one group carry different caps {sorted(caps)}"
    cap = caps.pop() if caps else expected
    if cap != expected:
        return f"{where}: the cap is {cap}, but the quota's table gives {expected}"
    if len(granted) > expected:
        return f"{where}: {len(granted)} granted, more than the cap of {expected}"
    if over and len(granted) < expected:
        return (
            f"{where}: {len(over)} eligible left over the quota while only {len(granted)} "
            f"of {expected} places are used"
        )
    ranks = [d.rank for d in granted + over]
    if ranks != list(range(1, len(ranks) + 1)):
        return f"{where}: ranks {ranks} are not 1…{len(ranks)}, granted first"
    return None


def _expected_cap(
    quota: Quota,
    values: Mapping[str, Any],
    group: str,
    members: list[Decision],
    decisions: Sequence[Decision],
) -> int:
    if quota.count is not None:
        return quota.count
    subjects = {d.subject for d in members}
    if quota.of == "headcount":
        denominator = len(subjects)
    else:
        denominator = sum(
            1
            for d in decisions
            if d.award == quota.of and d.subject in subjects and d.outcome == "granted"
        )
    ratio = resolve(quota.ratio, values)
    exact = Decimal(str(ratio)) * denominator
    return int(exact.to_integral_value(rounding=_ROUNDING[quota.rounding]))


def _enabled(quota: Quota, values: Mapping[str, Any]) -> bool:
    return bool(resolve(quota.enabled, values))


def _groups(population: Population) -> dict[str, Any]:
    rows = {
        sid: (parent, cluster)
        for sid, parent, cluster in population.subjects.select(
            "id", "parent", "cluster"
        ).iter_rows()
    }
    return {
        "unit": lambda sid: rows[sid][0] or f"(alone) {sid}",
        "cluster": lambda sid: rows[sid][1] or f"(alone) {sid}",
        "population": lambda sid: "*",
    }


def _fail(
    problem: str, award: Award, members: list[Decision], engine: Engine, ruleset: Ruleset
) -> None:
    assert award.quota is not None
    lines = [f"quota not conserved: {problem}"]
    lines.append(
        f"  quota: per {award.quota.per}, of {award.quota.of}, "
        f"{'count ' + str(award.quota.count) if award.quota.count is not None else 'ratio ' + str(award.quota.ratio)}, "
        f"rounding {award.quota.rounding}"
    )
    for decision in sorted(members, key=lambda d: (d.rank or 10**9, d.subject)):
        lines.extend(describe_decision(decision, engine.rulesets, indent="    ", reasons=False))
    raise PropertyFailure("\n".join(lines))
