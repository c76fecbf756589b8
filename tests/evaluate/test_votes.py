"""Council votes: ``vote_share`` is votes for / council size, exact and never rounded up,
unknown without a vote; the thresholds of Decree 98/2023 Art 30(7) are dated parameters of a
test ruleset (``tests/rulesets/dated/council_votes_*.toml``), C until 30 June 2025 and C* from
1 July 2025 under Decree 152/2025."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

import emulation
from emulation import Population
from emulation.data.records import Fact, Subject, VoteRecord

DATED = Path(__file__).resolve().parents[1] / "rulesets" / "dated"
SHARE = "vote_share(award='cstd_tinh_vote')"


@pytest.fixture(scope="module")
def engine() -> emulation.Engine:
    return emulation.build_engine(entry_points=False, ruleset_paths=[DATED])


def population(period: str, *votes: tuple[str, int, int]) -> Population:
    ids = [sid for sid, _, _ in votes] + ["no_vote"]
    return Population.from_records(
        [Subject(id=sid, kind="person") for sid in ids],
        facts=[Fact(subject=sid, period=period, name="note", value="x") for sid in ids],
        votes=[
            VoteRecord(
                subject=sid, award="cstd_tinh_vote", period=period, votes_for=yes, council_size=size
            )
            for sid, yes, size in votes
        ],
    )


def decided(
    engine: emulation.Engine, people: Population, period: str
) -> dict[str, tuple[object, str]]:
    evaluation = engine.evaluate(people, period, ["cstd_tinh_vote"])
    return {
        d.subject: (dict(d.criteria[0].inputs)[SHARE], d.outcome) for d in evaluation.decisions()
    }


def test_89_99_percent_is_not_enough_and_90_percent_is(engine: emulation.Engine) -> None:
    people = population(
        "2024", ("below", 8999, 10000), ("at", 9, 10), ("almost", 8_999_999, 10_000_000)
    )
    assert decided(engine, people, "2024") == {
        "below": (Decimal("0.8999"), "not_eligible"),
        "at": (Decimal("0.9"), "granted"),
        # 0.8999999 would round to 0.900000; the share is truncated, never rounded up
        "almost": (Decimal("0.899999"), "not_eligible"),
        "no_vote": (None, "data_missing"),
    }


def test_a_vote_of_another_period_or_award_does_not_count(engine: emulation.Engine) -> None:
    people = Population.from_records(
        [Subject(id="p", kind="person")],
        facts=[Fact(subject="p", period="2024", name="note", value="x")],
        votes=[
            VoteRecord(
                subject="p", award="cstd_tinh_vote", period="2023", votes_for=9, council_size=9
            ),
            VoteRecord(
                subject="p", award="cstdcs_vote", period="2024", votes_for=9, council_size=9
            ),
        ],
    )
    assert decided(engine, people, "2024") == {"p": (None, "data_missing")}


def test_grassroots_titles_need_80_percent(engine: emulation.Engine) -> None:
    people = Population.from_records(
        [Subject(id=sid, kind="person") for sid in ("a", "b")],
        facts=[Fact(subject=sid, period="2024", name="note", value="x") for sid in ("a", "b")],
        votes=[
            VoteRecord(
                subject="a", award="cstdcs_vote", period="2024", votes_for=8, council_size=10
            ),
            VoteRecord(
                subject="b", award="cstdcs_vote", period="2024", votes_for=7, council_size=9
            ),
        ],
    )
    evaluation = engine.evaluate(people, "2024", ["cstdcs_vote"])
    assert {d.subject: d.outcome for d in evaluation.decisions()} == {
        "a": "granted",
        "b": "not_eligible",  # 7/9 = 0.777777
    }


def test_the_thresholds_are_dated_with_their_certainty(engine: emulation.Engine) -> None:
    before, after = engine.rulesets_in_force("2024"), engine.rulesets_in_force("2025")
    [old] = [r for r in before if r.id == "test.council_votes"]
    [new] = [r for r in after if r.id == "test.council_votes"]
    assert old.parameters["vote_threshold_higher"].certainty == "C"
    assert "98/2023" in old.parameters["vote_threshold_higher"].basis
    assert new.parameters["vote_threshold_higher"].certainty == "C*"
    assert not new.parameters["vote_threshold_higher"].confirmed
    assert "152/2025" in new.parameters["vote_threshold_higher"].basis
    # the same boundary holds under both versions
    people = population("2025", ("below", 8999, 10000), ("at", 9, 10))
    outcomes = {k: v[1] for k, v in decided(engine, people, "2025").items()}
    assert outcomes == {"below": "not_eligible", "at": "granted", "no_vote": "data_missing"}


def test_an_overridden_threshold_moves_the_boundary(engine: emulation.Engine) -> None:
    people = population("2024", ("below", 8999, 10000))
    evaluation = engine.evaluate(
        people, "2024", ["cstd_tinh_vote"], parameters={"vote_threshold_higher": "0.8999"}
    )
    assert evaluation.decision("below", "cstd_tinh_vote").outcome == "granted"
