"""The decision date (Decree 152/2025 Art 49(1): the base salary "tại thời điểm quyết định"):
bonus money reads its dated parameters on ``decision_date``, every other parameter on the
period; the default is the cut-off; the date is checked, recorded in the JSON, replayed, read
from case files and named in the ``bonus`` reason. On tests/rulesets/paths/paths.toml, whose
base salary is 1,800,000 VND from 01/07/2023 and 2,340,000 VND from 01/07/2024."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from pathlib import Path

import pytest

import emulation
from emulation import Population
from emulation.cases import load_case_file, run_case
from emulation.errors import PeriodError
from emulation.evaluate.money import decision_day

RULES = Path(__file__).resolve().parents[1] / "rulesets" / "paths"
ONE = {"subjects": [{"id": "p", "kind": "person", "facts": {"2024": {"rating": "HTT"}}}]}


@pytest.fixture(scope="module")
def engine() -> emulation.Engine:
    return emulation.build_engine(entry_points=False, ruleset_paths=[RULES])


def ldtt(engine: emulation.Engine, **options: str) -> emulation.Decision:
    population = Population.from_json(ONE)
    return engine.evaluate(population, "2024", ["t_ldtt"], **options).decision("p", "t_ldtt")  # type: ignore[arg-type]


def test_the_base_salary_is_read_on_the_decision_date(engine: emulation.Engine) -> None:
    # a mid-year round counted to 30/06/2024: decided that day, 0.3 × 1,800,000
    before = ldtt(engine, as_of="2024-06-30", decision_date="2024-06-30")
    assert before.bonus == Decimal(540000)
    # the same achievements decided one day later, when the base salary is 2,340,000
    after = ldtt(engine, as_of="2024-06-30", decision_date="2024-07-01")
    assert after.bonus == Decimal(710000)  # 702,000 rounded up to 10,000
    assert before.outcome == after.outcome == "granted"


def test_without_a_decision_date_the_cut_off_is_used(engine: emulation.Engine) -> None:
    assert ldtt(engine, as_of="2024-06-30").bonus == Decimal(540000)
    assert ldtt(engine).bonus == Decimal(710000)  # the period's last day


def test_the_bonus_reason_names_the_base_salary_and_the_day(engine: emulation.Engine) -> None:
    decided = ldtt(engine, decision_date="2025-03-15")
    reason = next(r for r in decided.reasons if r.code == "bonus")
    assert dict(reason.params)["decision_date"] == "2025-03-15"
    assert reason.render("vi").startswith(
        "Tiền thưởng 710.000 đồng = 0.3 × 2.340.000 đồng (Mức lương cơ sở tại ngày quyết "
        "định 15/03/2025), làm tròn lên bội số của 10.000 đồng"
    )
    assert reason.render("en").startswith(
        "Bonus 710,000 VND = 0.3 × 2,340,000 VND (Base salary on the decision date "
        "2025-03-15), rounded up to a multiple of 10,000 VND"
    )
    default = next(r for r in ldtt(engine).reasons if r.code == "bonus")
    assert "no decision date given" in default.render("en")
    assert "chưa cho ngày quyết định" in default.render("vi")
    assert dict(default.params)["decision_date"] == "2024-12-31"


def test_an_override_wins_over_the_decision_date(engine: emulation.Engine) -> None:
    decided = ldtt(engine, decision_date="2024-12-31", parameters={"base_salary": 1000000})  # type: ignore[arg-type]
    assert decided.bonus == Decimal(300000)


def test_other_parameters_are_still_read_on_the_period() -> None:
    # the decision date moves only what a bonus reads: the evaluation's parameters are those
    # of the period
    engine = emulation.build_engine(entry_points=False, ruleset_paths=[RULES])
    evaluation = engine.evaluate(
        Population.from_json(ONE),
        "2024",
        ["t_ldtt"],
        as_of="2024-06-30",
        decision_date="2024-07-01",
    )
    assert evaluation.parameters["test.paths"]["base_salary"] == 2340000  # the period's end
    assert evaluation.money_parameters["test.paths"]["base_salary"] == 2340000
    early = engine.evaluate(
        Population.from_json(ONE),
        "2024",
        ["t_ldtt"],
        as_of="2024-06-30",
        decision_date="2024-06-30",
    )
    assert early.money_parameters["test.paths"]["base_salary"] == 1800000
    assert early.decision_date == dt.date(2024, 6, 30)


@pytest.mark.parametrize(
    ("given", "message"),
    [
        ("2024-06-29", "before 2024-06-30"),
        ("15/03/2025", "is not a date written YYYY-MM-DD"),
        (dt.datetime(2025, 3, 15, 8, 0), "must be a date"),
    ],
)
def test_a_bad_decision_date_is_refused(given: object, message: str) -> None:
    with pytest.raises(PeriodError, match=message):
        decision_day(dt.date(2024, 6, 30), given)  # type: ignore[arg-type]


def test_the_decision_date_is_recorded_and_replayed(engine: emulation.Engine) -> None:
    population = Population.from_json(ONE)
    evaluation = engine.evaluate(
        population, "2024", ["t_ldtt"], as_of="2024-06-30", decision_date="2024-06-30"
    )
    document = json.loads(engine.render(evaluation, "json", "en"))
    assert document["decision_date"] == "2024-06-30"
    paid = {d["award"]: d["bonus"] for d in document["decisions"]}
    assert paid["t_ldtt"] == "540000"
    replay = engine.replay(document, population)
    assert replay.ok
    # a file that says nothing of a decision date is replayed on the cut-off
    plain = json.loads(engine.render(engine.evaluate(population, "2024", ["t_ldtt"]), "json"))
    assert "decision_date" not in plain
    document["decision_date"] = "2024-01-01"
    with pytest.raises(emulation.DataError, match="decision_date"):
        engine.replay(document, population)


def test_a_case_file_gives_the_decision_date(engine: emulation.Engine, tmp_path: Path) -> None:
    cases = tmp_path / "money.cases.toml"
    cases.write_text(
        """format = 1

[[case]]
name = "decided before the base salary rose"
period = "2024"
as_of = 2024-06-30
decision_date = 2024-06-30
subject = { id = "p", facts = { rating = "HTT" } }
expect = [{ award = "t_ldtt", outcome = "granted", bonus = "540000" }]

[[case]]
name = "decided the day it rose"
period = "2024"
as_of = 2024-06-30
decision_date = 2024-07-01
subject = { id = "p", facts = { rating = "HTT" } }
expect = [{ award = "t_ldtt", outcome = "granted", bonus = "710000" }]
""",
        encoding="utf-8",
    )
    results = [run_case(engine, case) for case in load_case_file(cases)]
    assert [list(r.failures) for r in results] == [[], []]


def test_both_sides_of_a_diff_decide_on_the_decision_date(engine: emulation.Engine) -> None:
    population = Population.from_json(ONE)
    # decided on 30/06/2024 the base salary is 1,800,000; the "after" side raises it
    raised = engine.diff(
        population,
        "2024",
        awards=["t_ldtt"],
        after_parameters={"base_salary": 2340000},
        as_of="2024-06-30",
        decision_date="2024-06-30",
    )
    [change] = [c for c in raised.changes if c.award == "t_ldtt"]
    assert change.bonus_change == Decimal(170000)  # 540,000 -> 710,000
    # decided on 01/07/2024 the base salary is already 2,340,000: nothing changes
    same = engine.diff(
        population,
        "2024",
        awards=["t_ldtt"],
        after_parameters={"base_salary": 2340000},
        as_of="2024-06-30",
        decision_date="2024-07-01",
    )
    assert not [c for c in same.changes if c.award == "t_ldtt"]
