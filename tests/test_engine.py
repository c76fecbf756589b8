"""Evaluation: versions by date, dependencies, parameters, determinism and order independence."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import emulation
from emulation import DataError, EvaluationError, Fact, Population, Subject
from emulation._builtins import reporters

LAN = {
    "subjects": [
        {
            "id": "lan",
            "kind": "person",
            "name": "Nguyễn Thị Lan",
            "gender": "female",
            "facts": {
                "2023": {
                    "rating": "HTT",
                    "good_attitude": True,
                    "recruited_this_period": True,
                    "months_worked": 7,
                },
                "2024": {
                    "rating": "HTT",
                    "good_attitude": True,
                    "recruited_this_period": True,
                    "months_worked": 7,
                },
            },
        }
    ]
}


def test_the_same_person_is_judged_by_the_law_of_each_year(state_engine: emulation.Engine) -> None:
    population = Population.from_json(LAN)
    before = state_engine.evaluate(population, "2023").decision("lan", "ldtt")
    after = state_engine.evaluate(population, "2024").decision("lan", "ldtt")
    assert (before.outcome, before.ruleset.version) == ("not_eligible", "1.0.0")
    assert (after.outcome, after.ruleset.version) == ("granted", "2.1.0")
    [failed] = [r for r in before.reasons if r.code == "criterion_failed"]
    assert "Nghị định 91/2017/NĐ-CP Điều 10" in failed.render("vi")
    assert "months_worked=7" in failed.render("en")
    met = [r.render("vi") for r in after.reasons if r.code == "criterion_met"]
    assert any("Thông tư 01/2024/TT-BNV" in text for text in met)
    assert after.ruleset.content_hash != before.ruleset.content_hash
    assert before.input_hash == after.input_hash


def test_one_subject_is_a_population_of_one(state_engine: emulation.Engine) -> None:
    population = Population.from_records(
        [Subject(id="x", kind="person")],
        [
            Fact(subject="x", period="2024", name="rating", value="HTXS"),
            Fact(subject="x", period="2024", name="good_attitude", value=True),
        ],
    )
    outcomes = {d.award: d.outcome for d in state_engine.evaluate(population, "2024")}
    assert outcomes["ldtt"] == outcomes["cstdcs"] == "granted"
    assert outcomes["cstd_tinh"] == outcomes["cstdtq"] == "not_eligible"
    in_force = state_engine.awards_in_force("2024")
    # every award for persons, none for collectives (the population has none)
    assert set(outcomes) == {a for a, (award, _) in in_force.items() if award.subject == "person"}
    assert {"ttldtt", "co_thi_dua_cp", "hcld3_tt"} <= set(in_force) - set(outcomes)


def test_dependencies_are_evaluated_first_even_when_not_asked(
    state_engine: emulation.Engine,
) -> None:
    evaluation = state_engine.evaluate(Population.from_json(LAN), "2024", ["cstdcs"])
    assert {award.id for award, _ in evaluation.awards} == {"cstdcs", "ldtt"}


def test_unknown_award_and_period_without_rules(state_engine: emulation.Engine) -> None:
    population = Population.from_json(LAN)
    with pytest.raises(EvaluationError, match="unknown award 'cstd'"):
        state_engine.evaluate(population, "2024", ["cstd"])
    with pytest.raises(EvaluationError, match="no ruleset is in force for period 2010"):
        state_engine.evaluate(population, "2010")


def test_parameters_can_be_overridden_and_are_type_checked(state_engine: emulation.Engine) -> None:
    population = Population.from_json(LAN)
    strict = state_engine.evaluate(population, "2024", parameters={"min_months_worked": 8})
    assert strict.decision("lan", "ldtt").outcome == "not_eligible"
    with pytest.raises(EvaluationError, match='"min_months_worked" expects int'):
        state_engine.evaluate(population, "2024", parameters={"min_months_worked": "six"})


def test_unreadable_fact_value_names_the_row(state_engine: emulation.Engine) -> None:
    document = json.loads(json.dumps(LAN))
    document["subjects"][0]["facts"]["2024"]["rating"] = "Excellent"
    with pytest.raises(DataError) as info:
        state_engine.evaluate(Population.from_json(document, source="lan.json"), "2024")
    [problem] = info.value.problems
    assert str(problem) == (
        "lan.json: subjects[0].facts.2024: rating: cannot read 'Excellent' as fact rating "
        "(['KHT', 'HT', 'HTT', 'HTXS'])"
    )


def test_candidates_are_subjects_with_facts_in_the_period(state_engine: emulation.Engine) -> None:
    evaluation = state_engine.evaluate(Population.from_json(LAN), "2022")
    assert evaluation.decisions() == ()


# -- determinism ---------------------------------------------------------------------------------

RATINGS = st.sampled_from(["KHT", "HT", "HTT", "HTXS", None])


@st.composite
def populations(draw: st.DrawFn) -> dict[str, object]:
    size = draw(st.integers(1, 12))
    subjects = []
    for index in range(size):
        facts = {
            "rating": draw(RATINGS),
            "good_attitude": draw(st.sampled_from([True, False, None])),
            "recruited_this_period": draw(st.booleans()),
            "months_worked": draw(st.integers(0, 12)),
            "pending_complaint": draw(st.booleans()),
        }
        evidence = [
            {"id": f"e{index}-{k}", "kind": "initiative", "period": "2024"}
            for k in range(draw(st.integers(0, 2)))
        ]
        subjects.append(
            {
                "id": f"p{index:02d}",
                "kind": "person",
                "facts": {"2024": {k: v for k, v in facts.items() if v is not None}},
                "evidence": evidence,
            }
        )
    return {"subjects": subjects}


ENGINE = emulation.build_engine(
    entry_points=False,
    ruleset_paths=[Path(__file__).resolve().parents[1] / "rulesets" / "state"],
)


def render(engine: emulation.Engine, population: Population) -> str:
    return reporters.render_json(engine.evaluate(population, "2024"), "en")


def shuffled(population: Population, seed: int) -> Population:
    frames = {
        name: frame.sample(fraction=1.0, shuffle=True, seed=seed)
        for name, frame in population.frames().items()
    }
    facts = frames["facts"]
    frames["facts"] = facts.select(["subject", "period", *reversed(facts.columns[2:])])
    return Population(**frames)


@settings(max_examples=25)
@given(populations(), st.integers(0, 2**16))
@pytest.mark.slow
def test_row_order_never_changes_the_output(document: dict[str, object], seed: int) -> None:
    state_engine = ENGINE
    population = Population.from_json(document)
    assert render(state_engine, population) == render(state_engine, shuffled(population, seed))


@settings(max_examples=25)
@given(populations(), st.integers(1, 5))
@pytest.mark.slow
def test_evaluating_in_chunks_gives_the_same_decisions(
    document: dict[str, object], chunk: int
) -> None:
    state_engine = ENGINE
    subjects = document["subjects"]
    assert isinstance(subjects, list)
    whole = state_engine.evaluate(Population.from_json(document), "2024").decisions()
    parts = []
    for start in range(0, len(subjects), chunk):
        part = Population.from_json({"subjects": subjects[start : start + chunk]})
        parts.extend(state_engine.evaluate(part, "2024").decisions())
    assert sorted(parts, key=lambda d: (d.subject, d.award)) == list(whole)


def test_plugin_registration_order_does_not_matter() -> None:
    class First:
        @emulation.hookimpl
        def emulation_register_functions(self) -> list[emulation.FunctionSpec]:
            return [_constant("one", 1)]

    class Second:
        @emulation.hookimpl
        def emulation_register_functions(self) -> list[emulation.FunctionSpec]:
            return [_constant("two", 2)]

    a = emulation.build_engine([First(), Second()], entry_points=False)
    b = emulation.build_engine([Second(), First()], entry_points=False)
    assert list(a.functions) == list(b.functions)


def _constant(name: str, value: int) -> emulation.FunctionSpec:
    return emulation.FunctionSpec(
        name=name,
        arguments=(),
        returns="int",
        build=lambda arguments, context: pl.lit(value),
        doc=f"Always {value}.",
    )


def test_decisions_carry_versions_and_hashes(state_engine: emulation.Engine) -> None:
    decision = state_engine.evaluate(Population.from_json(LAN), "2024").decision("lan", "ldtt")
    data = decision.to_dict("vi")
    assert data["ruleset"]["id"] == "state.individual_titles"
    assert data["engine_version"] == emulation.__version__
    assert len(data["input_hash"]) == 64
    assert data["award_label"] == "Lao động tiên tiến"
    assert {c["id"]: c["value"] for c in data["criteria"]}["min_service"] is True


def test_input_hash_ignores_how_values_were_typed() -> None:
    typed = Population.from_json(
        {"subjects": [{"id": "a", "kind": "person", "facts": {"2024": {"n": 7, "ok": True}}}]}
    )
    text = Population.from_json(
        {"subjects": [{"id": "a", "kind": "person", "facts": {"2024": {"n": "7.0", "ok": "true"}}}]}
    )
    other = Population.from_json(
        {"subjects": [{"id": "a", "kind": "person", "facts": {"2024": {"n": 8, "ok": True}}}]}
    )
    assert typed.subject_hashes(["a"]) == text.subject_hashes(["a"])
    assert typed.subject_hashes(["a"]) != other.subject_hashes(["a"])
    assert Decimal("8.00") == Decimal("8")


def test_unknown_parameter_overrides_are_errors(state_engine: emulation.Engine) -> None:
    with pytest.raises(
        EvaluationError,
        match=r'unknown parameter "min_month_worked".*did you mean "min_months_worked"',
    ):
        state_engine.evaluate(Population.from_json(LAN), "2024", parameters={"min_month_worked": 3})


def test_values_outside_the_declared_range_are_reported(state_engine: emulation.Engine) -> None:
    document = json.loads(json.dumps(LAN))
    document["subjects"][0]["facts"]["2024"]["months_worked"] = 20
    with pytest.raises(
        DataError,
        match=r"months_worked: 20 is outside the declared range of months_worked \(0 … 12\)",
    ):
        state_engine.evaluate(Population.from_json(document, source="lan.json"), "2024")


def test_division_by_zero_is_unknown_not_a_crash(tmp_path: Path) -> None:
    ruleset = (Path(__file__).parent / "rulesets" / "patterns.toml").read_text(encoding="utf-8")
    ruleset = ruleset.replace('rating >= "HTT"', "10 / score > 1", 1)
    path = tmp_path / "p.toml"
    path.write_text(ruleset, encoding="utf-8")
    engine = emulation.build_engine(entry_points=False, ruleset_paths=[path])
    population = Population.from_json(
        {
            "subjects": [
                {"id": "z", "kind": "person", "facts": {"2024": {"rating": "HTT", "score": 0}}}
            ]
        }
    )
    assert (
        engine.evaluate(population, "2024", ["good"]).decision("z", "good").outcome
        == "data_missing"
    )


def test_rendering_in_an_unknown_language_is_refused(state_engine: emulation.Engine) -> None:
    evaluation = state_engine.evaluate(Population.from_json(LAN), "2024", ["ldtt"])
    assert '"lang": "en"' in state_engine.render(evaluation, "json", "en")
    with pytest.raises(EvaluationError, match='unknown language "fr"'):
        state_engine.render(evaluation, "json", "fr")  # type: ignore[arg-type]
