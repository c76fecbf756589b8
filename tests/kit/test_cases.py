"""The case-file runner must be able to fail, and say why."""

from __future__ import annotations

from pathlib import Path

import pytest

import emulation
from emulation import RulesetError
from emulation.cases import load_case_file, run_case

CASE = """
format = 1

[[case]]
name = "HTT in 2024"
period = "2024"
subject = {{ id = "a", facts = {{ rating = "HTT", good_attitude = true }} }}
[[case.expect]]
award = "ldtt"
outcome = "{outcome}"
reasons = [{reasons}]
"""


def write(tmp_path: Path, outcome: str, reasons: str = "") -> Path:
    path = tmp_path / "x.cases.toml"
    path.write_text(CASE.format(outcome=outcome, reasons=reasons), encoding="utf-8")
    return path


def test_a_matching_case_passes(tmp_path: Path, state_engine: emulation.Engine) -> None:
    [case] = load_case_file(write(tmp_path, "granted", '"criterion_met:task_rating"'))
    result = run_case(state_engine, case)
    assert result.passed, result.failures


def test_a_wrong_outcome_fails_with_expected_and_actual(
    tmp_path: Path, state_engine: emulation.Engine
) -> None:
    [case] = load_case_file(write(tmp_path, "not_eligible"))
    [failure] = run_case(state_engine, case).failures
    assert failure.startswith("a/ldtt: expected not_eligible, got granted")
    assert "Qualifies for “Advanced Worker”" in failure


def test_a_missing_reason_fails(tmp_path: Path, state_engine: emulation.Engine) -> None:
    [case] = load_case_file(write(tmp_path, "granted", '"criterion_failed:task_rating"'))
    [failure] = run_case(state_engine, case).failures
    assert "expected granted with criterion_failed:task_rating" in failure


def test_malformed_case_files_are_reported(tmp_path: Path) -> None:
    path = tmp_path / "bad.cases.toml"
    path.write_text(
        'format = 1\n[[case]]\nname = "x"\nperiod = "2024"\nsubject = { id = "a" }\n[[case.expect]]\naward = "ldtt"\noutcome = "won"\n',
        encoding="utf-8",
    )
    with pytest.raises(RulesetError) as info:
        load_case_file(path)
    messages = [str(p) for p in info.value.problems]
    assert any("case[0].expect[0]" in m and "outcome" in m for m in messages), messages
