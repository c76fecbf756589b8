"""Warnings about an input that is likely a mistake: no subject, no facts row for the period, a
fact column no ruleset declares; through the library and the command line (``--strict``)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import emulation
from emulation import Population
from emulation.cli import main
from emulation.data.records import Fact, Subject

ROOT = Path(__file__).resolve().parents[2]
STATE = ROOT / "rulesets" / "state"
UNION = ROOT / "examples" / "union.json"


@pytest.fixture(scope="module")
def engine() -> emulation.Engine:
    return emulation.build_engine(entry_points=False, ruleset_paths=[STATE])


def codes(evaluation: emulation.Evaluation) -> list[tuple[str, str]]:
    return [(w.code, w.location) for w in evaluation.warnings]


def test_a_good_input_has_no_warning(engine: emulation.Engine) -> None:
    union = engine.read_population(UNION)
    assert engine.evaluate(union, "2024").warnings == ()


def test_no_subject_at_all(engine: emulation.Engine) -> None:
    evaluation = engine.evaluate(Population.from_records([]), "2024")
    assert codes(evaluation) == [("empty_input", "")]
    assert evaluation.warnings[0].message == "the input holds no subject: nothing is decided"


def test_a_period_no_subject_has_names_the_periods_there_are(engine: emulation.Engine) -> None:
    union = engine.read_population(UNION)
    (warning,) = engine.evaluate(union, "2019").warnings
    assert warning.code == "no_candidates"
    assert warning.file == str(UNION)
    assert warning.message == (
        "no subject has a facts row for 2019, so nothing is decided; "
        "the periods it has: ['2021', '2022', '2023', '2024', '2025']"
    )


def test_a_header_only_facts_table_says_it_is_empty(engine: emulation.Engine) -> None:
    population = Population.from_records([Subject(id="a", kind="person")])
    (warning,) = engine.evaluate(population, "2024").warnings
    assert warning.code == "no_candidates"
    assert warning.message.endswith("its facts table is empty")


def test_a_misspelt_fact_column_names_the_declared_one(engine: emulation.Engine) -> None:
    population = Population.from_records(
        [Subject(id="a", kind="person")],
        facts=[
            Fact(subject="a", period="2024", name="ratng", value="HTT"),
            Fact(subject="a", period="2024", name="months_worked", value=12),
        ],
    )
    evaluation = engine.evaluate(population, "2024")
    assert codes(evaluation) == [("undeclared_fact", "ratng")]
    assert 'no ruleset declares this fact (did you mean "rating"?)' in str(evaluation.warnings[0])
    # the rating is missing for the rules, as the warning says
    assert evaluation.decision("a", "ldtt").outcome == "data_missing"


def test_a_fact_declared_by_another_version_is_not_undeclared(engine: emulation.Engine) -> None:
    declared_2017 = {
        name
        for ruleset in engine.rulesets
        if ruleset.version.startswith("1.")
        for name in ruleset.facts
    }
    assert declared_2017 <= engine.declared_facts()


def misspelt(tmp_path: Path) -> Path:
    document = json.loads(UNION.read_text("utf-8"))
    for subject in document["subjects"]:
        for facts in subject.get("facts", {}).values():
            if "rating" in facts:
                facts["ratng"] = facts.pop("rating")
    path = tmp_path / "misspelt.json"
    path.write_text(json.dumps(document, ensure_ascii=False), "utf-8")
    return path


def test_the_command_warns_on_stderr_and_goes_on(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = misspelt(tmp_path)
    out = tmp_path / "out.csv"
    args = ["evaluate", str(path), "--period", "2024", "--rulesets", str(STATE)]
    assert main([*args, "--format", "csv", "-o", str(out)]) == 0
    err = capsys.readouterr().err
    assert err == (
        f"emulation: warning: {path}: ratng: no ruleset declares this fact "
        '(did you mean "rating"?); its values are not read\n'
    )
    assert out.exists()


def test_strict_refuses_and_writes_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = misspelt(tmp_path)
    out = tmp_path / "out.csv"
    args = ["evaluate", str(path), "--period", "2024", "--rulesets", str(STATE), "--strict"]
    assert main([*args, "-o", str(out)]) == 1
    assert "emulation: " + str(path) + ": ratng: no ruleset declares" in capsys.readouterr().err
    assert not out.exists()


def test_an_empty_file_is_named(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "empty.json"
    path.write_text('{"format": "emulation.population/1", "subjects": []}', "utf-8")
    assert main(["evaluate", str(path), "--period", "2024", "--rulesets", str(STATE)]) == 0
    assert capsys.readouterr().err == (
        f"emulation: warning: {path}: the input holds no subject: nothing is decided\n"
    )
