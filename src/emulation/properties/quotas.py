"""Quota conservation: no quota is ever exceeded, and nobody eligible is left out while the
quota has room; ranks follow competition ranking (1, 2, 2, 4), a tie across the cap is
``tied`` for everyone in it, and a quota that ranks every candidate does not pass a place
held by a subject who does not qualify to the next in rank.

The cap is recomputed here, independently of the engine, from the quota's table: the
denominator counted from the decisions (holders of the ``of`` award in the group, or the
group's candidates), times the ratio, rounded as the ruleset says — so an engine that rounds
wrongly fails too.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import ROUND_CEILING, ROUND_FLOOR, ROUND_HALF_UP, Decimal
from typing import Any

import attrs
import polars as pl

from emulation._testing.counterexample import describe_decision
from emulation.data.population import Population
from emulation.engine import Engine
from emulation.period import Period
from emulation.properties.api import PropertyFailure, awards_in_force, period_of
from emulation.results.decision import Decision
from emulation.results.evaluation import Evaluation
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
    are at most the cap; when someone eligible is over the quota, the places within the cap
    are held (by the granted, the tied, or — when the quota ranks every candidate — by those
    who do not qualify, whose places are not passed on); ranks are competition ranks, shared
    exactly by the subjects each decision names as tied (distinct ranks 1…n with
    ``ties = "id"``); a granted subject's whole tie lies within the cap, a ``tied`` one's
    straddles it, one over the quota ranks beyond it; the cap is the ratio of the
    denominator, rounded as the ruleset says (or the fixed count)."""
    current = period_of(engine, population, period)
    wanted = awards_in_force(engine, current, awards) if current else None
    if current is None or wanted == []:
        return
    evaluation = engine.evaluate(population, current, wanted, parameters=parameters)
    decisions = evaluation.decisions()
    _check_ids_do_not_decide(engine, population, evaluation, decisions, wanted, parameters)
    groups = _groups(population)
    for award, ruleset in evaluation.awards:
        quota = award.quota
        values = evaluation.parameters.get(ruleset.id, {})
        if quota is None or not _enabled(quota, values) or not _single(award):
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
    granted = [d for d in members if d.outcome == "granted"]
    over = [d for d in members if d.outcome == "eligible_over_quota"]
    tied = [d for d in members if d.outcome == "tied"]
    everyone = quota.rank_scope == "all_candidates"
    ranked = members if everyone else granted + over + tied
    expected = _expected_cap(quota, values, group, members, decisions)
    where = f"{award.id}, group {group or '—'}"
    caps = {d.cap for d in ranked if d.cap is not None}
    if len(caps) > 1:
        return f"{where}: the decisions of one group carry different caps {sorted(caps)}"
    cap = caps.pop() if caps else expected
    if cap != expected:
        return f"{where}: the cap is {cap}, but the quota's table gives {expected}"
    if len(granted) > expected:
        return f"{where}: {len(granted)} granted, more than the cap of {expected}"
    unranked = sorted(d.subject for d in ranked if d.rank is None)
    if unranked:
        return (
            f"{where}: {', '.join(unranked)} not ranked, but the quota ranks every "
            f"{'candidate' if everyone else 'eligible subject'}"
        )
    problem = _ranking_problem(where, ranked, quota.ties)
    if problem:
        return problem
    for decision in granted + over + tied:
        rank = decision.rank or 0
        last = rank + len(decision.tied_with)
        place = {"granted": last <= cap, "tied": rank <= cap < last}
        if not place.get(decision.outcome, rank > cap):
            return (
                f"{where}: {decision.subject} is {decision.outcome} at rank {decision.rank} "
                f"tied with {len(decision.tied_with)} others, cap {cap}"
            )
    # nobody eligible is left out while a place within the cap is free
    held = sum(1 for d in ranked if (d.rank or 0) <= cap)
    if over and held < min(cap, len(ranked)):
        return (
            f"{where}: {len(over)} eligible left over the quota while only {held} "
            f"of {cap} places are held"
        )
    return None


def _ranking_problem(where: str, ranked: list[Decision], ties: str) -> str | None:
    """Competition ranking (1, 2, 2, 4) with ties named both ways, or distinct ranks 1…n when
    ties are broken by subject id."""
    ranks = sorted(d.rank or 0 for d in ranked)
    if ties == "id":
        if ranks != list(range(1, len(ranks) + 1)) or any(d.tied_with for d in ranked):
            return f"{where}: ranks {ranks} are not 1…{len(ranks)} with ties broken by id"
        return None
    by_subject = {d.subject: d for d in ranked}
    for decision in ranked:
        ahead = sum(1 for r in ranks if r < (decision.rank or 0))
        same = {d.subject for d in ranked if d.rank == decision.rank} - {decision.subject}
        if decision.rank != ahead + 1 or set(decision.tied_with) != same:
            return (
                f"{where}: {decision.subject} is ranked {decision.rank}, tied with "
                f"{sorted(decision.tied_with)}; {ahead} are ahead of it and "
                f"{sorted(same)} share its rank"
            )
        if any(decision.subject not in by_subject[o].tied_with for o in same):
            return f"{where}: the tie of {decision.subject} is not named both ways"
    return None


def _check_ids_do_not_decide(
    engine: Engine,
    population: Population,
    evaluation: Evaluation,
    decisions: Sequence[Decision],
    wanted: Sequence[str] | None,
    parameters: Mapping[str, Any] | None,
) -> None:
    """The law gives no order by subject id: with every subject id renamed so that their
    order is reversed, every quota decision keeps its outcome, rank and cap. Skipped when a
    quota evaluated breaks ties by id (``ties = "id"``), which then decides by id on purpose."""
    quotas = [
        award
        for award, ruleset in evaluation.awards
        if award.quota is not None
        and _enabled(award.quota, evaluation.parameters.get(ruleset.id, {}))
    ]
    if not quotas or any(award.quota and award.quota.ties == "id" for award in quotas):
        return
    ids = sorted(population.subjects.get_column("id").to_list())
    renamed = {sid: f"r{len(ids) - index:08d}" for index, sid in enumerate(ids)}
    again = engine.evaluate(
        _with_ids(population, renamed), evaluation.period, wanted, parameters=parameters
    )
    back = {new: old for old, new in renamed.items()}
    other = {(back[d.subject], d.award): d for d in again.decisions()}
    checked = {award.id for award in quotas}
    for decision in decisions:
        if decision.award not in checked:
            continue
        twin = other.get((decision.subject, decision.award))
        seen = (decision.outcome, decision.rank, decision.cap)
        found = None if twin is None else (twin.outcome, twin.rank, twin.cap)
        if found != seen:
            quota = next(a for a in quotas if a.id == decision.award)
            raise PropertyFailure(
                f"quota not conserved: {decision.award}: the decision on {decision.subject} "
                f"depends on the subjects' ids: {seen[0]} (rank {seen[1]}, cap {seen[2]}), "
                f"but with the ids in reverse order {found and found[0]} (rank "
                f"{found and found[1]}, cap {found and found[2]}); a tie left after every "
                f'ranking key must be tied, not settled by id (quota ties = "{quota.quota.ties if quota.quota else ""}")'
            )


def _with_ids(population: Population, renamed: Mapping[str, str]) -> Population:
    """``population`` with every subject id (and every reference to one) renamed."""
    frames = {
        # a subject's id and parent; in every other table, the subject a record belongs to
        table: frame.with_columns(
            pl.col(c).replace(dict(renamed))
            for c in (("id", "parent") if table == "subjects" else ("subject",))
        )
        for table, frame in population.frames().items()
    }
    aside = tuple(
        attrs.evolve(item, subject=renamed.get(item.subject, item.subject))
        for item in population.set_aside
    )
    return attrs.evolve(population, **frames, set_aside=aside)


def _expected_cap(
    quota: Quota,
    values: Mapping[str, Any],
    group: str,
    members: list[Decision],
    decisions: Sequence[Decision],
) -> int:
    if quota.count is not None:
        return int(resolve(quota.count, values) or 0)
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


def _single(award: Award) -> bool:
    """Whether the award's one quota decides alone, from a ratio or a count (nested and tabled
    quotas and budgets are the property ``selections``, in ``properties/selections.py``)."""
    quota = award.quota
    return (
        quota is not None
        and not award.more_quotas
        and award.budget is None
        and not quota.count_by
        and quota.group_fact is None
        and not quota.min_cap
    )


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
