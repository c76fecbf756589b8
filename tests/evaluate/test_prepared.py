"""The plan of a request shape, built once and kept by the engine (``evaluate/prepared.py``):
a second evaluation reuses it, different overrides are different plans with their own
results, a failed request is not kept, the cache is bounded, clearable and safe from several
threads; and, on the state rules (Hypothesis), a population evaluated whole decides as its
subjects evaluated alone (quota groups whole) and as a fresh engine without a cache."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings

import emulation
from emulation import Population, strategies
from emulation._testing import variants
from emulation.errors import EvaluationError
from emulation.evaluate.prepared import PlanCache, Shape
from emulation.period import Period
from emulation.properties.api import period_of, quota_scopes
from emulation.rules.model import Award

ROOT = Path(__file__).resolve().parents[2]
STATE = ROOT / "rulesets" / "state"


def person(months: int) -> Population:
    """Lan, rated HTT with a good attitude in 2024, recruited this year, ``months`` worked."""
    facts = {
        "rating": "HTT",
        "good_attitude": True,
        "recruited_this_period": True,
        "months_worked": months,
    }
    subject = {"id": "lan", "kind": "person", "name": "Nguyễn Thị Lan", "gender": "female"}
    return Population.from_json({"subjects": [{**subject, "facts": {"2024": facts}}]})


def ldtt(engine: emulation.Engine, population: Population, **parameters: object) -> str:
    evaluation = engine.evaluate(population, "2024", ["ldtt"], parameters=parameters or None)
    return evaluation.decision("lan", "ldtt").outcome


def test_a_second_evaluation_of_the_same_request_reuses_its_plan() -> None:
    engine = emulation.build_engine(entry_points=False, ruleset_paths=[STATE])
    assert engine.cache_info().currsize == 0
    assert ldtt(engine, person(7)) == "granted"
    assert ldtt(engine, person(5)) == "not_eligible"  # another population, the same plan
    info = engine.cache_info()
    assert (info.hits, info.misses, info.currsize) == (1, 1, 1)


def test_two_parameter_values_give_two_plans_and_their_own_results() -> None:
    engine = emulation.build_engine(entry_points=False, ruleset_paths=[STATE])
    lan = person(7)
    # seven months against the state's six (Decree 152/2025), then against 8 and 7
    assert ldtt(engine, lan) == "granted"
    assert ldtt(engine, lan, min_months_worked=8) == "not_eligible"
    assert ldtt(engine, lan, min_months_worked=7) == "granted"
    assert ldtt(engine, lan, min_months_worked="8") == "not_eligible"
    assert ldtt(engine, lan) == "granted"
    assert ldtt(engine, lan, min_months_worked=8) == "not_eligible"
    info = engine.cache_info()
    assert (info.hits, info.misses) == (2, 4)


def test_overrides_equal_in_python_but_of_another_type_are_another_request() -> None:
    # 1 == True == Decimal(1) in Python; as overrides they are not the same request
    engine = emulation.build_engine(entry_points=False, ruleset_paths=[STATE])
    lan = person(7)
    assert ldtt(engine, lan, min_months_worked=1) == "granted"
    with pytest.raises(EvaluationError, match='"min_months_worked" expects int'):
        ldtt(engine, lan, min_months_worked=True)
    period = Period.parse("2024")
    shapes = [
        Shape.of(period, None, None, None, period.end, period.end, {"x": value})
        for value in (1, True, Decimal("1"), Decimal("1.0"), "1")
    ]
    assert len(set(shapes)) == 5


def test_a_request_that_fails_is_not_kept() -> None:
    engine = emulation.build_engine(entry_points=False, ruleset_paths=[STATE])
    lan = person(7)
    for _ in range(2):
        with pytest.raises(EvaluationError, match="unknown award"):
            engine.evaluate(lan, "2024", ["no_such_award"])
    assert engine.cache_info().currsize == 0


def test_the_cache_is_bounded_and_can_be_cleared_or_turned_off() -> None:
    engine = emulation.build_engine(entry_points=False, ruleset_paths=[STATE], plan_cache_size=2)
    lan = person(7)
    for months in (6, 7, 8):
        ldtt(engine, lan, min_months_worked=months)
    assert engine.cache_info().currsize == 2
    assert ldtt(engine, lan, min_months_worked=6) == "granted"  # the oldest went out
    assert engine.cache_info().hits == 0
    engine.clear_cache()
    assert engine.cache_info().currsize == 0
    off = engine.with_plan_cache(0)
    assert off.rulesets is engine.rulesets
    assert [ldtt(off, lan) for _ in range(2)] == ["granted", "granted"]
    assert off.cache_info().currsize == 0
    with pytest.raises(ValueError, match="0 or more"):
        engine.with_plan_cache(-1)
    with pytest.raises(ValueError, match="0 or more"):
        PlanCache(lambda shape: pytest.fail("never built"), -1)


def test_one_engine_evaluates_from_several_threads_at_once() -> None:
    engine = emulation.build_engine(entry_points=False, ruleset_paths=[STATE])
    populations = {months: person(months) for months in (5, 6, 7, 8, 9)}
    requests = [(months, limit) for months in populations for limit in (None, 6, 8)] * 3

    def outcome(request: tuple[int, int | None]) -> str:
        months, limit = request
        extra = {} if limit is None else {"min_months_worked": limit}
        return ldtt(engine, populations[months], **extra)

    with ThreadPoolExecutor(max_workers=4) as pool:
        outcomes = list(pool.map(outcome, requests))
    expected = [
        "granted" if months >= (6 if limit is None else limit) else "not_eligible"
        for months, limit in requests
    ]
    assert outcomes == expected
    assert engine.cache_info().currsize == 3


# -- on the state rules (Hypothesis) -------------------------------------------------------------

ENGINE = emulation.build_engine(entry_points=False, ruleset_paths=[STATE])
FRESH = ENGINE.with_plan_cache(0)
POPULATIONS = strategies.from_ruleset(ENGINE.rulesets)
EXAMPLES = settings(
    max_examples=max(settings.default.max_examples // 5, 5),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)


def _across(award: Award, awards: dict[str, tuple[Award, object]]) -> bool:
    """Whether ``award``, or an award it reads, ranks or caps across subjects (a quota or a
    budget), or is decided for collectives (which read their members)."""
    if award.quotas or award.budget is not None or award.subject != "person":
        return True
    return any(_across(awards[a][0], awards) for a in award.depends_on if a in awards)


@pytest.mark.slow
@EXAMPLES
@given(POPULATIONS)
def test_a_population_decides_as_each_subject_alone_and_each_quota_group_alone(
    population: Population,
) -> None:
    period = period_of(ENGINE, population, None)
    if period is None:
        return
    in_force = {
        award.id: (award, r) for r in ENGINE.rulesets_for(period) for award in r.awards.values()
    }
    alone = sorted(a for a, (award, _) in in_force.items() if not _across(award, in_force))
    if alone:
        whole = ENGINE.evaluate(population, period, alone).decisions()
        parts = [
            decision
            for sid in population.subjects.get_column("id").to_list()
            for decision in ENGINE.evaluate(
                variants.restricted(population, [sid]), period, alone
            ).decisions()
        ]
        assert sorted(parts, key=lambda d: (d.subject, d.award)) == list(whole)
    if "population" in quota_scopes(ENGINE, period):
        return
    whole = ENGINE.evaluate(population, period).decisions()
    parts = [
        decision
        for group in variants.groups(population)
        for decision in ENGINE.evaluate(variants.restricted(population, group), period).decisions()
    ]
    assert sorted(parts, key=lambda d: (d.subject, d.award)) == list(whole)


@pytest.mark.slow
@EXAMPLES
@given(POPULATIONS)
def test_a_kept_plan_decides_as_a_fresh_engine(population: Population) -> None:
    period = period_of(ENGINE, population, None)
    if period is None:
        return
    ENGINE.evaluate(population, period)  # the plan is kept (if it was not already)
    kept = ENGINE.evaluate(population, period)
    assert ENGINE.cache_info().hits >= 1
    fresh = FRESH.evaluate(population, period)
    assert kept.decisions() == fresh.decisions()
    for kind, frame in fresh.frames.items():
        assert kept.frames[kind].equals(frame)
