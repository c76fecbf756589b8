"""Paying the highest title once per achievement window (``[payout.<id>]``, Decree 152/2025
Art 49(5)–(7)) on tests/rulesets/paths/paths.toml: titles of one window pay the highest only,
titles of different windows and a title beside a commendation form each pay; exact amounts,
the reasons on every decision changed, and located load errors."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import emulation
from emulation import Population, RulesetError

RULES = Path(__file__).resolve().parents[1] / "rulesets" / "paths"


@pytest.fixture(scope="module")
def engine() -> emulation.Engine:
    return emulation.build_engine(entry_points=False, ruleset_paths=[RULES])


def person(sid: str = "p", **facts: Any) -> dict[str, Any]:
    return {"id": sid, "kind": "person", "facts": {"2025": {"rating": "HTT"} | facts}}


def bonuses(evaluation: emulation.Evaluation, subject: str = "p") -> dict[str, Decimal | None]:
    return {d.award: d.bonus for d in evaluation.decisions([subject]) if d.outcome == "granted"}


def test_two_titles_of_one_window_pay_the_higher(engine: emulation.Engine) -> None:
    population = Population.from_json({"subjects": [person(rating="HTXS")]})
    evaluation = engine.evaluate(population, "2025")
    assert bonuses(evaluation) == {"t_cstdcs": Decimal(2340000), "t_ldtt": Decimal(0)}
    ldtt = evaluation.decision("p", "t_ldtt")
    # the amount it would have paid stays in its reasons
    assert [r.code for r in ldtt.reasons][-2:] == ["criterion_met", "bonus_not_paid"]
    assert dict(next(r for r in ldtt.reasons if r.code == "bonus").params)["amount"] == "710000"
    assert ldtt.reasons[-1].render("vi") == (
        "Không chi thưởng «Lao động tiên tiến» (710.000 đồng): cùng thành tích «Thành tích của "
        "năm» đã được thưởng «Chiến sĩ thi đua cơ sở» (mức cao hơn) "
        "(Nghị định 152/2025/NĐ-CP Điều 49 khoản 5)"
    )
    assert ldtt.reasons[-1].render("en") == (
        "No bonus paid for “Advanced Worker” (710,000 VND): the same achievement (“The year's "
        "achievement”) is paid as “Grassroots Emulation Fighter”, the higher title "
        "(Nghị định 152/2025/NĐ-CP Điều 49 khoản 5)"
    )
    top = evaluation.decision("p", "t_cstdcs").reasons[-1]
    assert top.render("en") == (
        "The bonus of “Grassroots Emulation Fighter” is paid, the highest title earned on the "
        "same achievement (“The year's achievement”); none is paid for “Advanced Worker” "
        "(Nghị định 152/2025/NĐ-CP Điều 49 khoản 5)"
    )
    document = json.loads(engine.render(evaluation, "json", "en"))
    paid = {d["award"]: d["bonus"] for d in document["decisions"]}
    assert paid["t_ldtt"] == "0"
    assert paid["t_cstdcs"] == "2340000"


def test_a_title_alone_pays_and_carries_no_payout_reason(engine: emulation.Engine) -> None:
    evaluation = engine.evaluate(Population.from_json({"subjects": [person()]}), "2025")
    assert bonuses(evaluation) == {"t_ldtt": Decimal(710000)}
    codes = {r.code for d in evaluation.decisions() for r in d.reasons}
    assert not codes & {"bonus_not_paid", "bonus_highest"}


def test_equal_amounts_the_title_declared_higher_is_paid(engine: emulation.Engine) -> None:
    population = Population.from_json({"subjects": [person(armed_forces=True)]})
    evaluation = engine.evaluate(population, "2025")
    assert bonuses(evaluation) == {"t_ldtt": Decimal(710000), "t_cstt": Decimal(0)}


def test_three_titles_of_one_window_pay_one(engine: emulation.Engine) -> None:
    population = Population.from_json({"subjects": [person(rating="HTXS", armed_forces=True)]})
    evaluation = engine.evaluate(population, "2025")
    assert bonuses(evaluation) == {
        "t_cstdcs": Decimal(2340000),
        "t_ldtt": Decimal(0),
        "t_cstt": Decimal(0),
    }
    top = evaluation.decision("p", "t_cstdcs").reasons[-1]
    assert dict(top.params)["lower_vi"] == "«Lao động tiên tiến», «Chiến sĩ tiên tiến»"


def test_titles_of_different_windows_each_pay(engine: emulation.Engine) -> None:
    subject = person(rating="HTXS") | {
        "awards": [
            {"award": "t_cstdcs", "period": "2023"},
            {"award": "t_cstdcs", "period": "2024"},
        ]
    }
    evaluation = engine.evaluate(Population.from_json({"subjects": [subject]}), "2025")
    assert bonuses(evaluation) == {
        "t_cstd_tinh": Decimal(7020000),
        "t_cstdcs": Decimal(2340000),
        "t_ldtt": Decimal(0),
    }


def test_the_same_titles_in_different_periods_each_pay(engine: emulation.Engine) -> None:
    subject = {
        "id": "p",
        "kind": "person",
        "facts": {"2024": {"rating": "HTT"}, "2025": {"rating": "HTXS"}},
    }
    first, second = engine.evaluate_periods(
        Population.from_json({"subjects": [subject]}), ["2024", "2025"]
    )
    assert bonuses(first) == {"t_ldtt": Decimal(710000)}
    assert bonuses(second) == {"t_cstdcs": Decimal(2340000), "t_ldtt": Decimal(0)}


def test_a_title_and_a_commendation_form_both_pay(engine: emulation.Engine) -> None:
    subject = person(rating="HTXS", law_abiding=True, movement_leader=True, adhoc_feat=False)
    evaluation = engine.evaluate(Population.from_json({"subjects": [subject]}), "2025")
    paid = bonuses(evaluation)
    assert paid["bk"] == Decimal(2340000)
    assert paid["t_cstdcs"] == Decimal(2340000)


def test_asking_for_one_title_decides_its_window(engine: emulation.Engine) -> None:
    population = Population.from_json({"subjects": [person(rating="HTXS")]})
    evaluation = engine.evaluate(population, "2025", ["t_ldtt"])
    assert {a.id for a, _ in evaluation.awards} == {"t_ldtt", "t_cstdcs", "t_cstt"}
    assert evaluation.decision("p", "t_ldtt").bonus == Decimal(0)


def test_each_subject_is_paid_on_its_own(engine: emulation.Engine) -> None:
    subjects = [person("a", rating="HTXS"), person("b"), person("c", rating="HT")]
    evaluation = engine.evaluate(Population.from_json({"subjects": subjects}), "2025")
    assert bonuses(evaluation, "a") == {"t_cstdcs": Decimal(2340000), "t_ldtt": Decimal(0)}
    assert bonuses(evaluation, "b") == {"t_ldtt": Decimal(710000)}
    assert bonuses(evaluation, "c") == {}
    shuffled = engine.evaluate(Population.from_json({"subjects": subjects[::-1]}), "2025")
    assert shuffled.decisions() == evaluation.decisions()


def test_the_window_is_loaded_highest_first(engine: emulation.Engine) -> None:
    [window] = engine.rulesets[0].payout.values()
    assert window.awards == ("t_cstdcs", "t_ldtt", "t_cstt")
    assert (window.basis, window.certainty) == ("Nghị định 152/2025/NĐ-CP Điều 49 khoản 5", "C")


@pytest.mark.parametrize(
    ("awards", "code", "message"),
    [
        ('["t_cstdcs", "bk"]', "payout_not_title", "Decree 152/2025 Art 49(7)"),
        ('["t_cstdcs", "t_ldt"]', "unknown_award", 'did you mean "t_ldtt"'),
        ('["t_cstdcs", "t_cstdcs"]', "duplicate_id", '"t_cstdcs" is listed twice'),
        ('["t_cstdcs"]', "invalid_value", "at least two award ids"),
    ],
)
def test_a_bad_window_is_a_located_error(
    tmp_path: Path, awards: str, code: str, message: str
) -> None:
    text = (RULES / "paths.toml").read_text(encoding="utf-8")
    old = 'awards = ["t_cstdcs", "t_ldtt", "t_cstt"]'
    path = tmp_path / "bad.toml"
    path.write_text(text.replace(old, f"awards = {awards}"), encoding="utf-8")
    with pytest.raises(RulesetError) as raised:
        emulation.build_engine(entry_points=False, ruleset_paths=[path])
    [problem] = raised.value.problems
    assert (problem.code, problem.location) == (code, "payout.year.awards")
    assert message in problem.message
    assert problem.line is not None


# -- a property: one paid title per window, the first granted in declared order -------------------

RATINGS = ("KHT", "HT", "HTT", "HTXS")


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(
        st.tuples(st.sampled_from(RATINGS), st.booleans(), st.integers(min_value=0, max_value=2)),
        min_size=1,
        max_size=6,
    )
)
def test_each_window_pays_its_highest_granted_title_once(
    engine: emulation.Engine, people: list[tuple[str, bool, int]]
) -> None:
    subjects = [
        person(f"s{i}", rating=rating, armed_forces=armed)
        | {"awards": [{"award": "t_cstdcs", "period": str(2025 - k)} for k in range(1, held + 1)]}
        for i, (rating, armed, held) in enumerate(people)
    ]
    evaluation = engine.evaluate(Population.from_json({"subjects": subjects}), "2025")
    window = ("t_cstdcs", "t_ldtt", "t_cstt")
    amounts = {"t_cstdcs": 2340000, "t_ldtt": 710000, "t_cstt": 710000, "t_cstd_tinh": 7020000}
    for i, (rating, armed, held) in enumerate(people):
        # worked out without the engine: which titles are granted, and the first of the window
        granted = {
            "t_ldtt": rating in ("HTT", "HTXS"),
            "t_cstt": armed and rating in ("HTT", "HTXS"),
            "t_cstdcs": rating == "HTXS",
        }
        granted["t_cstd_tinh"] = granted["t_cstdcs"] and held == 2
        first = next((a for a in window if granted[a]), None)
        expected = {
            award: Decimal(amounts[award] if award == first or award not in window else 0)
            for award, yes in granted.items()
            if yes
        }
        assert bonuses(evaluation, f"s{i}") == expected
