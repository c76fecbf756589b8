"""Budgets, nested and tabled quotas and two-stage selection on
``tests/rulesets/selections/selections.toml``: the issue's example exactly (10 M VND, 3 M a
grant, five eligible), the skip policy, 300 per topic after 4 per federation, the VGCL flag
(12 clusters, then 3), what the decisions carry and say, and rows in any order."""

from __future__ import annotations

import json
import random
from decimal import Decimal
from pathlib import Path
from typing import Any

import attrs

import emulation
from emulation import Population
from emulation.results.text import explain_text

RULESETS = Path(__file__).resolve().parents[1] / "rulesets" / "selections"
ENGINE = emulation.build_engine(entry_points=False, ruleset_paths=[RULESETS])
MONEY = {"scholarship_fund": "10000000", "scholarship_amount": "3000000"}


def person(sid: str, parent: str | None = None, **facts: Any) -> dict[str, Any]:
    return {"id": sid, "kind": "person", "parent": parent, "facts": {"2024": facts}}


def population(subjects: list[dict[str, Any]]) -> Population:
    return Population.from_json({"subjects": subjects})


FIVE = [person(f"p{i}", score=str(10 - i), qualifies=True) for i in range(1, 6)]


def test_ten_million_at_three_million_a_grant_covers_three_of_five() -> None:
    evaluation = ENGINE.evaluate(population(FIVE), "2024", ["hoc_bong"], parameters=MONEY)
    decisions = {d.subject: d for d in evaluation.decisions()}
    assert [decisions[s].outcome for s in ("p1", "p2", "p3", "p4", "p5")] == [
        "granted",
        "granted",
        "granted",
        "eligible_over_budget",
        "eligible_over_budget",
    ]
    assert [decisions[f"p{i}"].rank for i in range(1, 6)] == [1, 2, 3, 4, 5]
    for sid in ("p1", "p2", "p3"):
        assert decisions[sid].amount == Decimal(3_000_000)
    assert {d.fund_remaining for d in decisions.values()} == {Decimal(1_000_000)}
    assert {d.fund for d in decisions.values()} == {Decimal(10_000_000)}
    granted = sum(d.amount or 0 for d in decisions.values() if d.outcome == "granted")
    assert granted == Decimal(9_000_000)
    within = next(r for r in decisions["p3"].reasons if r.code == "within_budget")
    assert within.render("vi") == (
        "Được cấp 3.000.000 đồng từ «Quỹ học bổng» (Chương trình Học không bao giờ ngừng mục "
        "III.2.4 (mức quỹ chưa công bố)): xếp thứ 3; quỹ 10.000.000 đồng, còn lại 1.000.000 đồng"
    )
    assert "ranked 3; fund 10,000,000 VND, 1,000,000 VND remaining" in within.render("en")
    over = next(r for r in decisions["p4"].reasons if r.code == "over_budget")
    assert "ranked 4, needs 3,000,000 VND, only 1,000,000 VND remained at its turn" in (
        over.render("en")
    )
    stopped = next(r for r in decisions["p5"].reasons if r.code == "budget_stopped")
    assert "stopped at rank 4" in stopped.render("en")
    assert "granted" not in {r.code for r in decisions["p4"].reasons}
    data = decisions["p1"].to_dict("en")
    assert (data["amount"], data["fund"], data["fund_remaining"]) == (
        "3000000",
        "10000000",
        "1000000",
    )
    json.dumps(data)


def test_the_stop_policy_stops_where_skip_goes_on() -> None:
    needs = ["3000000", "4000000", "5000000", "2000000", "1000000"]
    rows = [
        person(f"p{i}", score=str(10 - i), qualifies=True, need=n)
        for i, n in enumerate(needs, start=1)
    ]
    evaluation = ENGINE.evaluate(
        population(rows), "2024", ["hoc_bong_theo_nhu_cau"], parameters=MONEY
    )
    found = {d.subject: (d.outcome, d.amount) for d in evaluation.decisions()}
    assert found == {
        "p1": ("granted", Decimal(3_000_000)),
        "p2": ("granted", Decimal(4_000_000)),
        "p3": ("eligible_over_budget", Decimal(5_000_000)),
        "p4": ("granted", Decimal(2_000_000)),
        "p5": ("granted", Decimal(1_000_000)),
    }
    # under "stop", nobody ranked after p3 is granted, though p4 and p5 would fit
    skip = ENGINE.rulesets[0].awards["hoc_bong_theo_nhu_cau"]
    assert skip.budget is not None
    stop = attrs.evolve(skip, budget=attrs.evolve(skip.budget, policy="stop"))
    ruleset = attrs.evolve(ENGINE.rulesets[0], awards={**ENGINE.rulesets[0].awards, stop.id: stop})
    stopping = attrs.evolve(ENGINE, rulesets=(ruleset,))
    found = {
        d.subject: d.outcome
        for d in stopping.evaluate(
            population(rows), "2024", ["hoc_bong_theo_nhu_cau"], parameters=MONEY
        ).decisions()
    }
    assert found == {
        "p1": "granted",
        "p2": "granted",
        "p3": "eligible_over_budget",
        "p4": "eligible_over_budget",
        "p5": "eligible_over_budget",
    }


def test_no_value_for_the_fund_gives_data_missing_naming_it() -> None:
    evaluation = ENGINE.evaluate(
        population(FIVE), "2024", ["hoc_bong"], parameters={"scholarship_amount": "3000000"}
    )
    for decision in evaluation.decisions():
        assert decision.outcome == "data_missing"
        assert decision.amount is None
        [reason] = [r for r in decision.reasons if r.code == "budget_unknown"]
        assert dict(reason.params)["missing"] == "scholarship_fund"


def test_300_per_topic_after_4_per_federation() -> None:
    rows: list[dict[str, Any]] = []
    for f in range(80):
        rows.append({"id": f"f{f:02d}", "kind": "collective"})
        rows.extend(
            person(f"f{f:02d}-{i}", f"f{f:02d}", score=str(10_000 - 10 * f - i), qualifies=True)
            for i in range(5)
        )
    evaluation = ENGINE.evaluate(population(rows), "2024", ["bk_chuyen_de"])
    decisions = {d.subject: d for d in evaluation.decisions()}
    granted = [d for d in decisions.values() if d.outcome == "granted"]
    assert len(granted) == 300
    per_federation: dict[str, int] = {}
    for d in granted:
        per_federation[d.subject[:3]] = per_federation.get(d.subject[:3], 0) + 1
    assert max(per_federation.values()) == 4
    assert len(per_federation) == 75
    # the fifth of a federation is refused by the first quota
    fifth = decisions["f00-4"]
    assert fifth.outcome == "eligible_over_quota"
    assert [r.code for r in fifth.reasons if r.code != "criterion_met"] == ["over_quota"]
    # the first of federation 75 is within its federation's 4, but beyond the 300
    late = decisions["f75-0"]
    assert late.outcome == "eligible_over_quota"
    codes = [
        (r.code, dict(r.params)["label_en"]) for r in late.reasons if r.code != "criterion_met"
    ]
    assert codes == [
        ("within_quota", "At most 4 proposals per federation"),
        ("over_quota", "At most 300 per topic"),
    ]
    over = next(r for r in late.reasons if r.code == "over_quota")
    assert "ranked 301, cap 300" in over.render("en")
    assert (late.rank, late.cap) == (1, 4)


def flag_population(order: int = 0) -> Population:
    rows: list[dict[str, Any]] = []
    for k in range(12):
        # cluster K00's leader fails: the cluster gets no flag
        rows.append(
            {
                "id": f"k{k:02d}-a",
                "kind": "collective",
                "cluster": f"K{k:02d}",
                "facts": {"2024": {"score": str(90 + k), "qualifies": k != 0}},
            }
        )
        rows.append(
            {
                "id": f"k{k:02d}-b",
                "kind": "collective",
                "cluster": f"K{k:02d}",
                "facts": {"2024": {"score": str(50 + k), "qualifies": True}},
            }
        )
    if order:
        random.Random(order).shuffle(rows)
    return population(rows)


def test_the_vgcl_flag_then_three_for_the_government_flag() -> None:
    evaluation = ENGINE.evaluate(flag_population(), "2024", ["co_chinh_phu"])
    decisions = {(d.subject, d.award): d for d in evaluation.decisions()}
    flags = sorted(s for (s, a), d in decisions.items() if a == "co_cum" and d.outcome == "granted")
    assert flags == [f"k{k:02d}-a" for k in range(1, 12)]  # 11 flags for 12 clusters
    government = sorted(
        s for (s, a), d in decisions.items() if a == "co_chinh_phu" and d.outcome == "granted"
    )
    assert government == ["k09-a", "k10-a", "k11-a"]
    # stage one refused the runner-up of K00: the leader, who fails, keeps the place
    runner_up = decisions[("k00-b", "co_chinh_phu")]
    assert runner_up.outcome == "not_eligible"
    [failed] = [r for r in runner_up.reasons if r.code == "criterion_failed"]
    assert dict(failed.params)["criterion"] == "cluster_leader"
    assert "co_cum.outcome=eligible_over_quota" in failed.render("en")
    assert decisions[("k00-b", "co_cum")].outcome == "eligible_over_quota"
    assert "leader_not_qualified" in {r.code for r in decisions[("k00-b", "co_cum")].reasons}
    # stage two refused the fourth leader
    fourth = decisions[("k08-a", "co_chinh_phu")]
    assert (fourth.outcome, fourth.rank, fourth.cap) == ("eligible_over_quota", 4, 3)
    [over] = [r for r in fourth.reasons if r.code == "over_quota"]
    assert dict(over.params)["label_en"] == "Three cluster leaders proposed for the Government flag"


def outcomes(evaluation: emulation.Evaluation) -> list[tuple[Any, ...]]:
    return sorted(
        (
            d.subject,
            d.award,
            d.outcome,
            d.rank,
            d.cap,
            d.amount,
            d.fund_remaining,
            d.tied_with,
            *(r.render("en") for r in d.reasons),
        )
        for d in evaluation.decisions()
    )


def test_rows_in_any_order_give_the_same_results() -> None:
    first = outcomes(ENGINE.evaluate(flag_population(), "2024", ["co_chinh_phu"]))
    for seed in (1, 2, 3):
        again = ENGINE.evaluate(flag_population(seed), "2024", ["co_chinh_phu"])
        assert outcomes(again) == first
    rows = [
        person(f"p{i}", score=str(i % 4), qualifies=True, need=str(1_000_000 * (1 + i % 3)))
        for i in range(12)
    ]
    awards = ["hoc_bong", "hoc_bong_theo_nhu_cau"]
    base = outcomes(ENGINE.evaluate(population(rows), "2024", awards, parameters=MONEY))
    for seed in (1, 2, 3):
        shuffled = list(rows)
        random.Random(seed).shuffle(shuffled)
        again = ENGINE.evaluate(population(shuffled), "2024", awards, parameters=MONEY)
        assert outcomes(again) == base


def test_the_explain_text_shows_the_budget() -> None:
    evaluation = ENGINE.evaluate(population(FIVE), "2024", ["hoc_bong"], parameters=MONEY)
    text = explain_text(evaluation.decision("p4", "hoc_bong"), "vi")
    assert "Kết quả: Đủ điều kiện, ngoài kinh phí (eligible_over_budget)" in text
    assert "đến lượt chỉ còn 1.000.000 đồng" in text


def test_the_catalogue_lists_every_quota_and_the_budget() -> None:
    text = ENGINE.catalogue()
    assert "At most 4 proposals per federation" in text
    assert "At most 300 per topic" in text
    assert "theo / by `unit_type`: central 4, commune 30, department 6" in text
    assert "0.15 × số ứng viên / candidates, làm tròn / rounded floor, ít nhất / at least 1" in text
    assert "theo / per giá trị của / the value of `nominated_by`" in text
    assert (
        "Kinh phí / Budget — Quỹ học bổng / Scholarship fund (Chương trình Học không bao giờ "
        "ngừng mục III.2.4 (mức quỹ chưa công bố); U): quỹ / fund `scholarship_fund`" in text
    )
    assert "each grant `scholarship_amount`; xếp hạng / ranked by `score` desc; stop." in text


def test_a_tie_member_the_fund_cannot_cover_alone_is_refused_the_other_granted() -> None:
    rows = [
        person("p1", score="9", qualifies=True, need="3000000"),
        person("p2", score="8", qualifies=True, need="5000000"),
        person("p3", score="8", qualifies=True, need="2000000"),
        person("p4", score="7", qualifies=True, need="6000000"),
    ]
    evaluation = ENGINE.evaluate(
        population(rows), "2024", ["hoc_bong_theo_nhu_cau"], parameters=MONEY
    )
    found = {d.subject: (d.outcome, d.rank) for d in evaluation.decisions()}
    # 7 M left for the tie of p2 (5 M) and p3 (2 M): both covered together
    assert found["p2"] == ("granted", 2)
    assert found["p3"] == ("granted", 2)
    assert found["p4"] == ("eligible_over_budget", 4)
    rows[1] = person("p2", score="8", qualifies=True, need="8000000")
    evaluation = ENGINE.evaluate(
        population(rows), "2024", ["hoc_bong_theo_nhu_cau"], parameters=MONEY
    )
    found = {d.subject: (d.outcome, d.rank) for d in evaluation.decisions()}
    # p2 needs more than the 7 M left: refused; p3 alone is covered
    assert found["p2"] == ("eligible_over_budget", 2)
    assert found["p3"] == ("granted", 2)
    assert evaluation.decision("p4", "hoc_bong_theo_nhu_cau").fund_remaining == Decimal(5_000_000)


def test_a_quota_then_a_budget() -> None:
    """The budget weighs only those the quota left granted; each says its part."""
    award = ENGINE.rulesets[0].awards["hoc_bong"]
    capped = attrs.evolve(award, quota=ENGINE.rulesets[0].awards["nhan_tai"].quota)
    ruleset = attrs.evolve(
        ENGINE.rulesets[0], awards={**ENGINE.rulesets[0].awards, award.id: capped}
    )
    engine = attrs.evolve(ENGINE, rulesets=(ruleset,))
    rows = [
        person(f"p{i}", score=str(10 - i), qualifies=True, nominated_by="A" if i < 4 else "B")
        for i in range(1, 7)
    ]
    evaluation = engine.evaluate(population(rows), "2024", ["hoc_bong"], parameters=MONEY)
    found = {d.subject: d for d in evaluation.decisions()}
    assert [found[f"p{i}"].outcome for i in range(1, 7)] == [
        "granted",
        "granted",
        "eligible_over_quota",
        "granted",
        "eligible_over_budget",
        "eligible_over_quota",
    ]
    assert found["p3"].amount is None
    assert found["p4"].fund_remaining == Decimal(1_000_000)
    codes = [r.code for r in found["p5"].reasons if r.code != "criterion_met"]
    assert codes == ["within_quota", "over_budget"]
    assert "granted" not in codes


def test_under_stop_one_ranked_after_the_stop_is_stopped_whatever_its_amount() -> None:
    skip = ENGINE.rulesets[0].awards["hoc_bong_theo_nhu_cau"]
    assert skip.budget is not None
    stop = attrs.evolve(skip, budget=attrs.evolve(skip.budget, policy="stop"))
    ruleset = attrs.evolve(ENGINE.rulesets[0], awards={**ENGINE.rulesets[0].awards, stop.id: stop})
    engine = attrs.evolve(ENGINE, rulesets=(ruleset,))
    rows = [
        person("p1", score="9", qualifies=True, need="11000000"),
        person("p2", score="8", qualifies=True),
        person("p3", score="7", qualifies=True, need="1"),
    ]
    evaluation = engine.evaluate(population(rows), "2024", [stop.id], parameters=MONEY)
    found = {d.subject: [r.code for r in d.reasons] for d in evaluation.decisions()}
    assert "over_budget" in found["p1"]
    assert "budget_stopped" in found["p2"]
    assert "budget_stopped" in found["p3"]
    # before the stop, an amount not known leaves everyone after it unknown
    rows[0] = person("p1", score="9", qualifies=True)
    evaluation = engine.evaluate(population(rows), "2024", [stop.id], parameters=MONEY)
    assert {d.outcome for d in evaluation.decisions()} == {"data_missing"}
