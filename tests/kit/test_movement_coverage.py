"""Coverage of score sheets and KPIs: every part seen both ways, reported apart from the rules'
criterion coverage (whose figures do not change), by ``emulation test`` and the pytest plugin,
and held to the same threshold."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from emulation._testing.runner import Target, report, run

pytest_plugins = ["pytester"]

ROOT = Path(__file__).resolve().parents[2]
MOVEMENT = ROOT / "tests" / "rulesets" / "movement" / "movement.toml"

ONE_CASE = """
format = 1

[[case]]
name = "95 points: HTXS"
period = "2026"
subject = { id = "u", kind = "collective", facts = { org_plan = "5", org_report = "5", democracy = "30", mobilisation = "30", results = "25" } }
[[case.expect]]
score = "dv"
band = "HTXS"
[[case.expect]]
award = "good_standing"
outcome = "granted"
"""


def folder_with(tmp_path: Path, cases: str) -> Path:
    folder = tmp_path / "rulesets" / "movement"
    folder.mkdir(parents=True)
    shutil.copy(MOVEMENT, folder / "movement.toml")
    (folder / "movement.cases.toml").write_text(cases, encoding="utf-8")
    return folder


def test_each_part_of_a_sheet_is_counted_and_its_gaps_named(tmp_path: Path) -> None:
    result = run(Target("movement", (folder_with(tmp_path, ONE_CASE),)), properties=False)
    movements = result.coverage.movements
    # 5 items × (0 / positive, within / above the maximum), the organisation group (its items
    # can pass its 10 points; the implementation group's cannot), bonus, deduction, 4 bands,
    # 1 floor, 3 knock-outs, 2 caps
    assert movements.total == 10 + 1 + 2 + 4 + 1 + 3 + 2
    covered = {t.key[4:] for t in movements.targets if t.covered}
    assert covered == set()  # one subject shows each part one way only
    missing = {t.key[4]: t.missing for t in movements.targets}
    assert missing["band HTXS"] == "never not reached"
    assert missing["band KHT"] == "never reached"
    assert missing["knockout corruption"] == "never applied"
    assert missing["floor no_zero"] == "never failed"
    assert ("group implementation", "cap") not in {t.key[4:] for t in movements.targets}
    # the rules' criterion coverage keeps its meaning: one rule of good_standing seen true
    assert (result.coverage.covered, result.coverage.total) == (0, 2)
    text = report(result, min_coverage=50)
    assert "score sheet and KPI coverage (parts seen both ways):" in text
    assert "  test.movement 1.0.0 sheet dv     0 / 23     0.0 %" in text
    assert (
        "  test.movement 1.0.0: sheet dv: item plan (within its maximum / above its maximum): "
        "never above its maximum"
    ) in text
    assert text.endswith(
        "result: FAILED (coverage 0.0 % is below 50 %; score sheet and KPI coverage 0.0 % "
        "is below 50 %)"
    )


def test_the_bundled_movement_and_kpi_rulesets_are_fully_covered() -> None:
    for folder in (
        ROOT / "tests" / "rulesets" / "movement",
        ROOT / "examples" / "movement",
        ROOT / "examples" / "kpis",
    ):
        result = run(Target(folder.name, (folder,)), properties=False)
        assert result.passed, report(result)
        assert result.coverage.movements.total > 0
        assert result.coverage.movements.percent == 100.0, report(result)


def test_the_pytest_plugin_holds_sheets_to_the_threshold(
    pytester: pytest.Pytester, tmp_path: Path
) -> None:
    folder = pytester.path / "rulesets" / "movement"
    folder.mkdir(parents=True)
    shutil.copy(MOVEMENT, folder / "movement.toml")
    (folder / "movement.cases.toml").write_text(ONE_CASE, encoding="utf-8")
    pytester.makeini("[pytest]\nemulation_min_coverage = 0.1\n")
    result = pytester.runpytest("rulesets")
    result.assert_outcomes(passed=1)
    assert result.ret == pytest.ExitCode.TESTS_FAILED
    result.stdout.fnmatch_lines(
        [
            "score sheet and KPI coverage (parts seen both ways):",
            "*test.movement 1.0.0 sheet dv*0 / 23*",
            "FAILED: criterion coverage 0.0 % is below emulation_min_coverage = 0.1 %; "
            "score sheet and KPI coverage 0.0 % is below emulation_min_coverage = 0.1 %",
        ]
    )
