"""Loading rulesets: every problem at once, each located; versions; cycles."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

import emulation
from emulation import RulesetError
from emulation.cli import main

STATE_RULESETS = Path(__file__).resolve().parents[2] / "rulesets" / "state"

MINIMAL = """
format = 1

[ruleset]
id = "test.minimal"
organisation = "test"
version = "1.0.0"
effective_from = 2024-01-01
title = { vi = "Thử", en = "Test" }

[facts.rating]
type = "enum"
values = ["HT", "HTT"]
ordered = true
label = { vi = "Xếp loại", en = "Rating" }

[awards.a]
kind = "title"
subject = "person"
label = { vi = "A", en = "A" }

[[awards.a.criteria]]
id = "good"
expr = 'rating >= "HTT"'
label = { vi = "Tốt", en = "Good" }
basis = "Test basis"
certainty = "C"
"""


def load(tmp_path: Path, text: str, name: str = "r.toml") -> emulation.Engine:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return emulation.build_engine(entry_points=False, ruleset_paths=[path])


def problems(tmp_path: Path, text: str) -> list[str]:
    with pytest.raises(RulesetError) as info:
        load(tmp_path, text)
    return [str(p) for p in info.value.problems]


def test_minimal_ruleset_loads(tmp_path: Path) -> None:
    engine = load(tmp_path, MINIMAL)
    [ruleset] = engine.rulesets
    assert ruleset.id == "test.minimal"
    assert len(ruleset.content_hash) == 64
    assert [rule.id for rule in ruleset.awards["a"].rules] == ["good"]  # type: ignore[index]


def plant_three_mistakes(source: Path, target: Path) -> None:
    """A misspelt fact, an unsafe expression and a wrong type, in a copy of a state ruleset."""
    text = source.read_text(encoding="utf-8")
    text = text.replace('expr = "good_attitude"', 'expr = "good_atitude"', 1)
    text = text.replace("expr = 'rating >= \"HTT\"'", "expr = 'rating.__class__'", 1)
    text = text.replace(
        "expr = 'disciplined(\"reprimand\")'", "expr = 'disciplined(\"reprimand\") + 1'", 1
    )
    target.write_text(text, encoding="utf-8")


def test_check_lists_three_planted_mistakes_with_locations(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    broken = tmp_path / "broken.toml"
    plant_three_mistakes(STATE_RULESETS / "individual_titles_2017.toml", broken)
    status = main(["check", str(broken)])
    err = capsys.readouterr().err.splitlines()
    assert status == 1
    assert len(err) == 3, err
    misspelt, unsafe, wrong_type = sorted(
        err,
        key=lambda line: (
            "atitude" not in line,
            "__class__" not in line and "attribute" not in line,
        ),
    )
    assert "awards.ldtt.criteria[1].expr, column 1" in misspelt
    assert 'did you mean "good_attitude"' in misspelt
    assert "awards.ldtt.criteria[0].expr, column 1" in unsafe
    assert "attribute access" in unsafe
    assert "awards.ldtt.exclusions[0].expr" in wrong_type
    assert "needs a whole number or a decimal number, not a true/false value" in wrong_type
    for line in err:
        assert line.startswith(f"emulation: {broken}:")
        line_number = int(line.split(":")[2])
        assert "expr" in broken.read_text(encoding="utf-8").splitlines()[line_number - 1]


def test_bundled_rulesets_check_clean(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", str(STATE_RULESETS)]) == 0
    assert capsys.readouterr().out.startswith("ok: 4 rulesets")


def test_import_is_rejected(tmp_path: Path) -> None:
    found = problems(tmp_path, MINIMAL.replace('rating >= "HTT"', '__import__("os")'))
    assert any('dunder name "__import__"' in p and "column 1" in p for p in found), found


def test_every_structural_problem_is_reported_at_once(tmp_path: Path) -> None:
    text = (
        MINIMAL.replace('kind = "title"', 'kind = "titel"')
        .replace('version = "1.0.0"', 'version = "one"')
        .replace('certainty = "C"', 'certainty = "maybe"')
        .replace("ordered = true", "ordered = true\ncolour = 1")
    )
    found = problems(tmp_path, text)
    joined = "\n".join(found)
    assert "ruleset.version" in joined
    assert "awards.a.kind" in joined
    assert 'did you mean "title"' in joined
    assert "awards.a.criteria[0].certainty" in joined
    assert 'unknown key "colour"' in joined
    assert len(found) == 4, found


def test_invalid_toml_names_the_line(tmp_path: Path) -> None:
    [problem] = problems(tmp_path, MINIMAL + "\nbroken = [\n")
    assert "invalid TOML" in problem
    assert "r.toml:" in problem


def threshold(basis: str = "b", certainty: str = "C", value: str = '"8.5"') -> str:
    """A decimal parameter table to append to a ruleset (``value`` as written in TOML)."""
    return f"""
[parameters.threshold]
type = "decimal"
label = {{ vi = "Ngưỡng", en = "Threshold" }}
basis = "{basis}"
certainty = "{certainty}"
values = [{{ from = 2024-01-01, value = {value} }}]
"""


def test_unconfirmed_certainty_must_be_marked(tmp_path: Path) -> None:
    [problem] = problems(tmp_path, MINIMAL + threshold(basis="recalled", certainty="R"))
    assert "parameters.threshold.confirmed" in problem
    assert "confirmed = false" in problem


def test_decimal_parameters_must_be_exact(tmp_path: Path) -> None:
    [problem] = problems(tmp_path, MINIMAL + threshold(value="8.5"))
    assert "write decimals as text" in problem


def test_award_dependency_cycle_is_a_load_error(tmp_path: Path) -> None:
    text = (
        MINIMAL.replace('rating >= "HTT"', 'granted("b")')
        + """
[awards.b]
kind = "title"
subject = "person"
label = { vi = "B", en = "B" }

[[awards.b.criteria]]
id = "needs_a"
expr = 'granted("a")'
label = { vi = "A", en = "A" }
basis = "Test"
certainty = "C"
"""
    )
    found = problems(tmp_path, text)
    assert any("cycle" in p for p in found), found


def test_overlapping_versions_are_rejected(tmp_path: Path) -> None:
    (tmp_path / "v1.toml").write_text(MINIMAL, encoding="utf-8")
    (tmp_path / "v2.toml").write_text(MINIMAL.replace("1.0.0", "2.0.0"), encoding="utf-8")
    with pytest.raises(RulesetError, match="still in force"):
        emulation.build_engine(entry_points=False, ruleset_paths=[tmp_path])


def test_case_files_are_not_rulesets(tmp_path: Path) -> None:
    shutil.copy(STATE_RULESETS / "individual_titles.cases.toml", tmp_path)
    (tmp_path / "r.toml").write_text(MINIMAL, encoding="utf-8")
    engine = emulation.build_engine(entry_points=False, ruleset_paths=[tmp_path])
    assert [r.id for r in engine.rulesets] == ["test.minimal"]


def test_reserved_fact_names_are_rejected(tmp_path: Path) -> None:
    text = MINIMAL.replace(
        "[facts.rating]",
        '[facts.period]\ntype = "int"\nlabel = { vi = "Kỳ", en = "Period" }\n\n[facts.rating]',
    )
    [problem] = problems(tmp_path, text)
    assert "facts.period" in problem
    assert "choose another fact name" in problem


def test_decimals_are_exact_to_six_places(tmp_path: Path) -> None:
    found = problems(
        tmp_path, MINIMAL.replace('rating >= "HTT"', 'rating >= "HTT" and 0.1234567 > 0')
    )
    assert any("more than 6 decimal places" in p for p in found), found


def test_enum_literal_error_points_at_the_literal(tmp_path: Path) -> None:
    [problem] = problems(tmp_path, MINIMAL.replace('rating >= "HTT"', 'rating >= "god"'))
    assert "column 11" in problem
    assert f"{tmp_path / 'r.toml'}:" in problem


def test_lowercase_booleans_are_welcome(tmp_path: Path) -> None:
    engine = load(tmp_path, MINIMAL.replace('rating >= "HTT"', 'true and rating >= "HTT"'))
    assert engine.rulesets[0].awards["a"].rules[0].node.type == "bool"  # type: ignore[index]


def test_the_same_award_in_two_rulesets_in_force_is_a_load_error(tmp_path: Path) -> None:
    (tmp_path / "one.toml").write_text(MINIMAL, encoding="utf-8")
    (tmp_path / "two.toml").write_text(
        MINIMAL.replace("test.minimal", "test.other"), encoding="utf-8"
    )
    with pytest.raises(RulesetError, match=r'award "a" is also defined by test\.minimal'):
        emulation.build_engine(entry_points=False, ruleset_paths=[tmp_path])


def test_a_ruleset_declares_the_kinds_of_period_it_accepts(tmp_path: Path) -> None:
    text = MINIMAL.replace(
        'title = { vi = "Thử", en = "Test" }',
        'title = { vi = "Thử", en = "Test" }\nperiods = ["year", "term"]',
    )
    [ruleset] = load(tmp_path, text).rulesets
    assert ruleset.periods == ("year", "term")
    [default] = load(tmp_path, MINIMAL, "d.toml").rulesets
    assert default.periods == ("year", "school_year")


@pytest.mark.parametrize(
    ("periods", "code", "words"),
    [
        ('"term"', "wrong_type", "expected a list of period kinds"),
        ("[1]", "wrong_type", "expected a list of period kinds"),
        ('["year", "decade"]', "invalid_value", "unknown period kinds ['decade']"),
        ("[]", "invalid_value", "an empty list"),
        ('["term", "term"]', "invalid_value", "more than once"),
    ],
)
def test_a_bad_periods_declaration_is_a_load_error(
    tmp_path: Path, periods: str, code: str, words: str
) -> None:
    text = MINIMAL.replace(
        'title = { vi = "Thử", en = "Test" }',
        f'title = {{ vi = "Thử", en = "Test" }}\nperiods = {periods}',
    )
    with pytest.raises(RulesetError) as info:
        load(tmp_path, text)
    [problem] = info.value.problems
    assert (problem.location, problem.code) == ("ruleset.periods", code)
    assert words in problem.message
    assert problem.line == 10


def test_only_an_unconfirmed_parameter_may_have_no_value(tmp_path: Path) -> None:
    empty = threshold(certainty="U").replace(
        'values = [{ from = 2024-01-01, value = "8.5" }]', "confirmed = false\nvalues = []"
    )
    [ruleset] = load(tmp_path, MINIMAL + empty).rulesets
    assert ruleset.parameters["threshold"].values == ()
    confirmed = threshold().replace(
        'values = [{ from = 2024-01-01, value = "8.5" }]', "values = []"
    )
    [problem] = problems(tmp_path, MINIMAL + confirmed)
    assert "parameters.threshold.values" in problem
