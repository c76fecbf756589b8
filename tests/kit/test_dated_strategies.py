"""Strategies for registrations and council votes, and from_ruleset over rulesets that read
them or accept congress terms: valid records that land on both sides of the boundaries."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import emulation
from emulation import Period, Population, Registration, VoteRecord
from emulation import strategies as est

DATED = Path(__file__).resolve().parents[1] / "rulesets" / "dated"
ENGINE = emulation.build_engine(entry_points=False, ruleset_paths=[DATED])
FAST = settings(max_examples=40, deadline=None, derandomize=True)


@FAST
@given(est.registrations("p0", "2025", kinds=["dan_van_kheo"], max_records=3))
def test_registrations_are_valid_records(models: tuple[Registration, ...]) -> None:
    assert len({m.id for m in models}) == len(models)
    for model in models:
        assert model.kind == "dan_van_kheo"
        assert model.review is None or model.review >= model.start
        assert model.end is None or model.end >= model.start
        if model.status in ("effective", "not_effective"):
            assert model.review is not None
    # the population reader accepts them
    Population.from_records([emulation.Subject(id="p0", kind="person")], registrations=models)


@FAST
@given(est.votes("p0", "2024", ["cstdcs", "cstd_tinh"]))
def test_votes_fit_their_council(records: tuple[VoteRecord, ...]) -> None:
    for vote in records:
        assert vote.period == "2024"
        assert 0 <= vote.votes_for + (vote.votes_against or 0) <= vote.council_size
    assert len({v.award for v in records}) == len(records)


@FAST
@given(st.from_type(Registration), st.from_type(VoteRecord))
def test_registrations_and_votes_are_registered_with_hypothesis(
    model: Registration, vote: VoteRecord
) -> None:
    assert model.start <= (model.review or model.start)
    assert Period.parse(vote.period)
    assert vote.votes_for <= vote.council_size


def rulesets(ruleset_id: str) -> list[emulation.Ruleset]:
    return [r for r in ENGINE.rulesets if r.id == ruleset_id]


@pytest.mark.slow
def test_registrations_reach_both_sides_of_twelve_months() -> None:
    seen: set[int] = set()
    months = "months_in_operation(kind='dan_van_kheo', status='effective', field='')"

    @settings(max_examples=80, deadline=None, derandomize=True)
    @given(
        est.from_ruleset(
            rulesets("test.dated_records"), period="2025", parameters={"dvk_min_months": 12}
        )
    )
    def collect(population: Population) -> None:
        evaluation = ENGINE.evaluate(
            population, "2025", ["dvk_model"], parameters={"dvk_min_months": 12}
        )
        for decision in evaluation.decisions():
            seen.add(dict(decision.criteria[1].inputs)[months])

    collect()
    assert {11, 12} <= seen
    assert any(value > 12 for value in seen)


@pytest.mark.slow
def test_votes_reach_both_sides_of_90_percent() -> None:
    shares: set[Decimal] = set()

    @settings(max_examples=40, deadline=None, derandomize=True)
    @given(est.from_ruleset(rulesets("test.council_votes"), period="2024"))
    def collect(population: Population) -> None:
        evaluation = ENGINE.evaluate(population, "2024", ["cstd_tinh_vote"])
        for decision in evaluation.decisions():
            share = dict(decision.criteria[0].inputs)["vote_share(award='cstd_tinh_vote')"]
            if share is not None:
                shares.add(share)

    collect()
    assert any(s < Decimal("0.9") for s in shares)
    assert any(s >= Decimal("0.9") for s in shares)


@pytest.mark.slow
def test_from_ruleset_draws_the_kinds_of_period_a_ruleset_accepts() -> None:
    drawn: set[str] = set()
    terms = rulesets("test.term_prizes")

    @settings(max_examples=20, deadline=None, derandomize=True)
    @given(est.from_ruleset(terms))
    def collect(population: Population) -> None:
        [period] = population.periods()
        drawn.add(Period.parse(period).kind)
        ENGINE.evaluate(population, period, ["ndc_prize"])

    collect()
    assert drawn == {"term"}
