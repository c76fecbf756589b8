"""A parameter with no value for the period (an unconfirmed one shipped with ``values = []``,
or one whose first value starts later) makes the rules that read it unknown: the decision is
``data_missing`` and a ``parameter_unset`` reason names the parameter and how to set it, instead
of the whole evaluation stopping. The ruleset is ``tests/rulesets/unset/``; its case files hold
both sides of every rule.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import emulation
from emulation import Population
from emulation.cli import main
from emulation.data.records import Fact, Subject

UNSET = Path(__file__).resolve().parents[1] / "rulesets" / "unset"


@pytest.fixture(scope="module")
def engine() -> emulation.Engine:
    return emulation.build_engine(entry_points=False, ruleset_paths=[UNSET])


def person(score: int, period: str = "2025", **facts: object) -> Population:
    values = [Fact(subject="p", period=period, name="score", value=score)]
    values += [Fact(subject="p", period=period, name=k, value=v) for k, v in facts.items()]
    return Population.from_records([Subject(id="p", kind="person")], facts=values)


def test_the_reason_names_the_parameter_and_how_to_set_it(engine: emulation.Engine) -> None:
    decision = engine.evaluate(person(80), "2025", ["pass_cert"]).decision("p", "pass_cert")
    assert decision.outcome == "data_missing"
    assert decision.criteria[0].value is None
    assert decision.criteria[0].unset == ("pass_mark",)
    unknown, unset = decision.reasons
    assert (unknown.code, dict(unknown.params)["missing"]) == ("criterion_unknown", "pass_mark")
    assert unset.code == "parameter_unset"
    assert dict(unset.params)["parameter"] == "pass_mark"
    assert unset.render("en") == (
        "The parameter “pass_mark” has no value for the period, and “Reaches the pass mark” "
        "needs it (Giá trị thử): set the value you apply with --set pass_mark=… or "
        "parameters={'pass_mark': …}"
    )
    assert unset.render("vi").startswith("Tham số «pass_mark» chưa có giá trị cho kỳ xét")
    assert "--set pass_mark=…" in unset.render("vi")


def test_setting_the_parameter_decides_both_sides(engine: emulation.Engine) -> None:
    outcomes = {
        score: engine.evaluate(person(score), "2025", ["pass_cert"], parameters={"pass_mark": 60})
        .decision("p", "pass_cert")
        .outcome
        for score in (59, 60)
    }
    assert outcomes == {59: "not_eligible", 60: "granted"}


def test_other_awards_of_the_same_evaluation_are_decided(engine: emulation.Engine) -> None:
    evaluation = engine.evaluate(person(5, years_since_discipline=3, hero=True), "2025")
    outcomes = {d.award: d.outcome for d in evaluation.decisions()}
    assert outcomes == {
        "pass_cert": "data_missing",
        "feat_or_mark": "granted",  # three-valued: the feat decides whatever the mark
        "either": "granted",
        "waited": "data_missing",
        "late": "data_missing",
        "capped": "data_missing",
        "switched": "data_missing",
        "funded": "data_missing",
    }


def test_a_quota_or_a_budget_names_its_parameter_without_a_value(
    engine: emulation.Engine,
) -> None:
    evaluation = engine.evaluate(person(5), "2025", ["capped", "switched", "funded"])
    found = {
        d.award: [(r.code, dict(r.params).get("missing") or dict(r.params)["parameter"])
                  for r in d.reasons if r.code != "criterion_met"]
        for d in evaluation.decisions()
    }  # fmt: skip
    assert found == {
        "capped": [("quota_unknown", "cap_share"), ("parameter_unset", "cap_share")],
        "switched": [("quota_unknown", "cap_on"), ("parameter_unset", "cap_on")],
        "funded": [("budget_unknown", "fund"), ("parameter_unset", "fund")],
    }
    unset = evaluation.decision("p", "capped").reasons[1]
    assert unset.render("en") == (
        "The parameter “cap_share” has no value for the period, and “Test share” needs it "
        "(Giá trị thử (tỷ lệ)): set the value you apply with --set cap_share=… or "
        "parameters={'cap_share': …}"
    )


def test_a_parameter_whose_first_value_starts_later(engine: emulation.Engine) -> None:
    early = engine.evaluate(person(50), "2025", ["late"]).decision("p", "late")
    assert early.outcome == "data_missing"
    assert [r.code for r in early.reasons] == ["criterion_unknown", "parameter_unset"]
    later = engine.evaluate(person(50, "2026"), "2026", ["late"]).decision("p", "late")
    assert later.outcome == "granted"


def test_no_parameter_unset_when_another_input_is_missing(engine: emulation.Engine) -> None:
    population = Population.from_records(
        [Subject(id="p", kind="person")],
        facts=[Fact(subject="p", period="2025", name="hero", value=False)],
    )
    decision = engine.evaluate(population, "2025", ["pass_cert"], parameters={"pass_mark": 1})
    assert decision.decision("p", "pass_cert").outcome == "data_missing"
    assert [r.code for r in decision.decision("p", "pass_cert").reasons] == ["criterion_unknown"]


def test_the_command_line_reports_it_and_set_decides(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    data = tmp_path / "people.json"
    data.write_text(
        json.dumps(
            {
                "format": "emulation.population/1",
                "subjects": [{"id": "p", "kind": "person", "facts": {"2025": {"score": 70}}}],
            }
        ),
        encoding="utf-8",
    )
    common = ["evaluate", str(data), "--period", "2025", "--award", "pass_cert"]
    common += ["--rulesets", str(UNSET), "--format", "json", "--lang", "en"]
    assert main(common) == 0
    [decision] = json.loads(capsys.readouterr().out)["decisions"]
    assert decision["outcome"] == "data_missing"
    assert [r["code"] for r in decision["reasons"]] == ["criterion_unknown", "parameter_unset"]
    assert "--set pass_mark=…" in decision["reasons"][1]["message"]
    assert main([*common, "--set", "pass_mark=70"]) == 0
    [decision] = json.loads(capsys.readouterr().out)["decisions"]
    assert decision["outcome"] == "granted"
