"""Every rule pattern of the engine, on a purpose-built ruleset (tests/rulesets/patterns.toml)."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

import emulation
from emulation import Population

RULESET = Path(__file__).resolve().parents[1] / "rulesets" / "patterns.toml"


@pytest.fixture(scope="module")
def engine() -> emulation.Engine:
    return emulation.build_engine(entry_points=False, ruleset_paths=[RULESET])


def person(sid: str, rating: str = "HTT", **extra: Any) -> dict[str, Any]:
    facts = extra.pop("facts", None) or {"2024": {"rating": rating}}
    return {"id": sid, "kind": "person", "facts": facts, **extra}


def decide(
    engine: emulation.Engine, subjects: list[dict[str, Any]], award: str, period: str = "2024"
) -> dict[str, emulation.Decision]:
    evaluation = engine.evaluate(Population.from_json({"subjects": subjects}), period, [award])
    return {d.subject: d for d in evaluation.decisions() if d.award == award}


# -- quotas ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(("holders", "cap"), [(1, 0), (2, 1), (5, 1), (6, 2), (10, 3)])
def test_quota_cap_rounds_half_up(engine: emulation.Engine, holders: int, cap: int) -> None:
    subjects = [{"id": "u", "kind": "collective"}] + [
        person(f"p{i:02d}", parent="u", facts={"2024": {"rating": "HTT", "score": str(i)}})
        for i in range(holders)
    ]
    decisions = decide(engine, subjects, "capped")
    granted = sorted(sid for sid, d in decisions.items() if d.outcome == "granted")
    over = [d for d in decisions.values() if d.outcome == "eligible_over_quota"]
    assert len(granted) == cap
    assert len(over) == holders - cap
    # the highest scores are kept
    assert granted == sorted(f"p{i:02d}" for i in range(holders - cap, holders))
    for decision in decisions.values():
        assert decision.cap == cap
    if over:
        reason = next(r for r in over[0].reasons if r.code == "over_quota")
        assert f"cap {cap} = 0.25 × {holders}" in reason.render("en")


def test_quota_ties_go_to_women_then_share_a_rank(engine: emulation.Engine) -> None:
    subjects = [{"id": "u", "kind": "collective"}] + [
        person(sid, parent="u", gender=gender, facts={"2024": {"rating": "HTT", "score": "5"}})
        for sid, gender in [("a", "male"), ("b", "female"), ("c", "male"), ("d", "male")]
    ]
    decisions = decide(engine, subjects, "capped")
    # the woman first; the three men tie after every key and share rank 2 (none chosen by id)
    assert {sid: d.rank for sid, d in decisions.items()} == {"b": 1, "a": 2, "c": 2, "d": 2}
    assert decisions["b"].outcome == "granted"
    # the cap is 1: the tie lies wholly beyond it, so the three are over the quota, not tied
    assert {decisions[s].outcome for s in "acd"} == {"eligible_over_quota"}


def test_quota_is_per_unit(engine: emulation.Engine) -> None:
    subjects = [{"id": "u", "kind": "collective"}, {"id": "v", "kind": "collective"}]
    subjects += [
        person(f"u{i}", parent="u", facts={"2024": {"rating": "HTT", "score": str(i)}})
        for i in range(4)
    ]
    subjects += [
        person(f"v{i}", parent="v", facts={"2024": {"rating": "HTT", "score": str(i)}})
        for i in range(2)
    ]
    decisions = decide(engine, subjects, "capped")
    assert sorted(s for s, d in decisions.items() if d.outcome == "granted") == ["u3", "v1"]


# -- history ------------------------------------------------------------------------------------------


def test_streak_reads_history_and_breaks_on_a_gap(engine: emulation.Engine) -> None:
    history = [{"award": "good", "period": p} for p in ("2021", "2022", "2023")]
    broken = [{"award": "good", "period": p} for p in ("2021", "2023")]
    decisions = decide(
        engine,
        [
            person("full", awards=history),
            person("broken", awards=broken),
            person("now_low", "HT", awards=history),
        ],
        "chain",
    )
    assert decisions["full"].outcome == "granted"
    assert decisions["broken"].outcome == "not_eligible"
    gap = next(r for r in decisions["broken"].reasons if r.code == "gap_in_time")
    assert "needs ≥ 3, has 2" in gap.render("en")
    assert "2025" in gap.render("en")
    assert decisions["now_low"].outcome == "not_eligible"


def test_evaluate_periods_builds_the_history_it_reads(engine: emulation.Engine) -> None:
    facts = {str(y): {"rating": "HTT"} for y in range(2020, 2025)}
    population = Population.from_json({"subjects": [person("a", facts=facts)]})
    runs = engine.evaluate_periods(population, ["2022", "2020", "2021"], ["chain"])
    assert [str(r.period) for r in runs] == ["2020", "2021", "2022"]
    assert [r.decision("a", "chain").outcome for r in runs] == [
        "not_eligible",
        "not_eligible",
        "granted",
    ]


def test_count_held_and_fact_streak(engine: emulation.Engine) -> None:
    facts = {
        "2021": {"rating": "HT"},
        "2022": {"rating": "HT"},
        "2023": {"rating": "HTT"},
        "2024": {"rating": "HT"},
    }
    two = [{"award": "good", "period": "2021"}, {"award": "good", "period": "2023"}]
    one = [{"award": "good", "period": "2019"}, {"award": "good", "period": "2023"}]
    low = dict(facts, **{"2022": {"rating": "KHT"}})
    decisions = decide(
        engine,
        [
            person("two", facts=facts, awards=two),
            person("one", facts=facts, awards=one),
            person("low", facts=low, awards=two),
        ],
        "window",
    )
    assert decisions["two"].outcome == "granted"
    assert decisions["one"].outcome == "not_eligible"
    assert decisions["low"].outcome == "not_eligible"  # a lower rating breaks the streak


# -- service length, once-only ------------------------------------------------------------------------


def medal(engine: emulation.Engine, **extra: Any) -> emulation.Decision:
    return decide(engine, [person("a", **extra)], "medal")["a"]


def test_service_years_weights_spells_and_excludes_discipline(engine: emulation.Engine) -> None:
    full = [{"start": "2004-01-01", "kind": "full_time"}]
    assert medal(engine, service=full).outcome == "granted"  # 21 years to 31/12/2024
    short = [{"start": "2007-09-01", "end": "2024-12-31", "kind": "full_time"}]
    decision = medal(engine, service=short)
    assert decision.outcome == "not_eligible"
    gap = next(r for r in decision.reasons if r.code == "gap_in_time")
    assert "needs ≥ 20 years, has 17 years 4 months" in gap.render("en")
    assert "cần ≥ 20 năm, hiện có 17 năm 4 tháng" in gap.render("vi")
    assert "2027" in gap.render("en")
    mixed = [
        {"start": "2011-01-01", "end": "2016-12-31", "kind": "part_time_non_state"},
        {"start": "2017-01-01", "kind": "full_time"},
    ]
    assert medal(engine, service=mixed).outcome == "granted"  # 6 × 2 + 8 = 20
    disciplined = medal(
        engine,
        service=full,
        discipline=[{"level": "warning", "start": "2010-01-01", "end": "2011-12-31"}],
    )
    assert disciplined.outcome == "not_eligible"  # 21 − 2 = 19


def test_women_leaders_need_one_third_less(engine: emulation.Engine) -> None:
    spells = [{"start": "2010-01-01", "kind": "full_time"}]  # 15 years
    leader = medal(
        engine, gender="female", service=spells, facts={"2024": {"rating": "HTT", "leader": True}}
    )
    assert leader.outcome == "granted"  # needs 13 years 4 months
    assert (
        medal(
            engine, gender="male", service=spells, facts={"2024": {"rating": "HTT", "leader": True}}
        ).outcome
        == "not_eligible"
    )


def test_once_only_awards_are_not_given_twice(engine: emulation.Engine) -> None:
    spells = [{"start": "2000-01-01", "kind": "full_time"}]
    again = medal(engine, service=spells, awards=[{"award": "medal", "period": "2019"}])
    assert again.outcome == "not_eligible"
    assert [r.code for r in again.reasons] == ["exclusion_applies"]
    assert dict(again.reasons[0].params)["criterion"] == "already_held"


# -- collectives and bonus ----------------------------------------------------------------------------


def test_collective_reads_its_members_in_the_subtree(engine: emulation.Engine) -> None:
    subjects = [
        {"id": "top", "kind": "collective", "facts": {"2024": {}}},
        {"id": "team", "kind": "collective", "parent": "top", "facts": {"2024": {}}},
        person("a", "HTT", parent="top"),
        person("b", "KHT", parent="team"),
        person("c", "HTT", parent="team"),
    ]
    decisions = decide(engine, subjects, "strong_unit")
    # top: 2 of 3 good in its subtree; its one direct member (a) is good and completed tasks
    assert decisions["top"].outcome == "granted"
    # team: 1 of 2 good (enough), but b did not complete their tasks (KHT)
    assert decisions["team"].outcome == "not_eligible"
    inputs = dict(decisions["team"].criteria[0].inputs)
    assert inputs["member_share(award='good', scope='subtree')"] == Decimal("0.5")
    assert inputs["member_fact_share(fact='rating', at_least='HT', scope='direct')"] == Decimal(
        "0.5"
    )


def test_collective_exclusion_by_member_discipline(engine: emulation.Engine) -> None:
    subjects = [
        {"id": "top", "kind": "collective", "facts": {"2024": {}}},
        person("a", "HTT", parent="top", discipline=[{"level": "warning", "start": "2024-05-01"}]),
    ]
    assert decide(engine, subjects, "strong_unit")["top"].outcome == "not_eligible"


def test_bonus_is_exact_and_rounded_up(engine: emulation.Engine) -> None:
    decision = decide(engine, [person("a")], "good")["a"]
    assert decision.bonus == Decimal("710000")
    assert decision.to_dict()["bonus"] == "710000"


def test_evidence_amounts_are_summed_over_a_window(tmp_path: Path) -> None:
    """A money threshold over three years, exactly (the Bằng Lao động sáng tạo pattern)."""
    ruleset = RULESET.read_text(encoding="utf-8").replace(
        'rating >= "HTT"', 'evidence_sum("solution", window=3) >= 120000000', 1
    )
    path = tmp_path / "sum.toml"
    path.write_text(ruleset, encoding="utf-8")
    engine = emulation.build_engine(entry_points=False, ruleset_paths=[path])

    def items(owner: str, *amounts: str) -> list[dict[str, Any]]:
        return [
            {"id": f"{owner}{i}", "kind": "solution", "period": str(2022 + i), "amount": amount}
            for i, amount in enumerate(amounts)
        ]

    enough = person("enough", evidence=items("e", "40000000.5", "39999999.5", "40000000"))
    short = person("short", evidence=items("s", "40000000", "39999999.99", "40000000"))
    old = person(
        "old", evidence=[{"id": "x", "kind": "solution", "period": "2021", "amount": "200000000"}]
    )
    decisions = decide(engine, [enough, short, old], "good")
    assert {sid: d.outcome for sid, d in decisions.items()} == {
        "enough": "granted",
        "short": "not_eligible",
        "old": "not_eligible",
    }
    [gap] = [r for r in decisions["short"].reasons if r.code == "gap"]
    assert "has 119999999.99" in gap.render("en")
