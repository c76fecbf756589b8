"""Case files assert KPI results by node, and the runner fails on them, saying why."""

from __future__ import annotations

from pathlib import Path

import pytest

import emulation
from emulation import RulesetError
from emulation._testing.runner import Target, report, run
from emulation.cases import load_case_file, run_case

ROOT = Path(__file__).resolve().parents[2]
KPIS = ROOT / "tests" / "rulesets" / "kpis.toml"

TREE = """
format = 1

[[case]]
name = "a province over two grassroots unions"
period = "2024"
[[case.subjects]]
id = "prov"
kind = "collective"
level = "province"
[[case.subjects]]
id = "cd"
kind = "collective"
level = "grassroots"
parent = "prov"
[[case.subjects]]
id = "w1"
parent = "cd"
facts = {{ in_enterprise = true, in_training = true }}
[[case.subjects]]
id = "w2"
parent = "cd"
facts = {{ in_enterprise = true, in_training = false }}
[[case.subjects]]
id = "office"
parent = "cd"
facts = {{ in_enterprise = false, in_training = false }}
[[case.expect]]
kpi = "cd_training"
node = "prov"
{expect}
"""


@pytest.fixture(scope="module")
def engine() -> emulation.Engine:
    return emulation.build_engine(entry_points=False, ruleset_paths=[KPIS])


def case_with(tmp_path: Path, expect: str) -> Path:
    path = tmp_path / "kpi.cases.toml"
    path.write_text(TREE.format(expect=expect), encoding="utf-8")
    return path


def test_a_matching_kpi_expectation_passes(tmp_path: Path, engine: emulation.Engine) -> None:
    expect = 'outcome = "not_met"\nvalue = "0.5"\ntarget = "0.65"\nneeded = 1\nnumerator = 1\ndenominator = 2\nreasons = ["kpi_not_met"]'
    [case] = load_case_file(case_with(tmp_path, expect))
    result = run_case(engine, case)
    assert result.passed, result.failures


def test_a_wrong_kpi_outcome_fails_with_expected_and_actual(
    tmp_path: Path, engine: emulation.Engine
) -> None:
    [case] = load_case_file(case_with(tmp_path, 'outcome = "met"\nneeded = 0\nvalue = "0.65"'))
    [failure] = run_case(engine, case).failures
    assert failure.startswith(
        "prov/kpi cd_training: expected met, got not_met; expected value 0.65, got 0.500000; "
        "expected needed 0, got 1 (share 0.500000 = 1 / 2, 0 unknown, target >= 0.650000)"
    ), failure
    assert "Short of the 65 % target" in failure


def test_a_node_the_kpi_is_not_evaluated_at_fails(tmp_path: Path, engine: emulation.Engine) -> None:
    text = TREE.format(expect='outcome = "met"').replace('node = "prov"', 'node = "w1"')
    path = tmp_path / "node.cases.toml"
    path.write_text(text, encoding="utf-8")
    [case] = load_case_file(path)
    [failure] = run_case(engine, case).failures
    assert failure == (
        "w1/kpi cd_training: no result for this node (the KPI was evaluated at ['cd', 'prov'])"
    )


def test_malformed_kpi_expectations_are_reported(tmp_path: Path) -> None:
    problems = _problems(tmp_path, 'outcome = "won"')
    assert any("case[0].expect[0]:" in p and 'kpi = "ID"' in p for p in problems), problems
    problems = _problems(tmp_path, 'outcome = "met"\nshare = "0.5"')
    assert any('case[0].expect[0].share: unknown key "share"' in p for p in problems), problems
    problems = _problems(tmp_path, 'value = "most"')
    assert any("case[0].expect[0]:" in p and "value" in p for p in problems), problems


def _problems(tmp_path: Path, expect: str) -> list[str]:
    with pytest.raises(RulesetError) as info:
        load_case_file(case_with(tmp_path, expect))
    return [str(p) for p in info.value.problems]


def test_emulation_test_fails_on_a_wrong_kpi_expectation(tmp_path: Path) -> None:
    folder = tmp_path / "rules"
    folder.mkdir()
    (folder / "kpis.toml").write_text(KPIS.read_text(encoding="utf-8"), encoding="utf-8")
    (folder / "kpis.cases.toml").write_text(TREE.format(expect='outcome = "met"'), encoding="utf-8")
    result = run(Target("rules", (folder,)), properties=False)
    text = report(result)
    assert "FAILED case" in text
    assert "prov/kpi cd_training: expected met, got not_met" in text
    assert "score sheet and KPI coverage" in text
    assert "kpi cd_training" in text
    assert text.endswith("result: FAILED (1 cases failed)")
