"""The testing kit applied to the bundled state rules: the properties hold, the how-to's ten
lines pass as a new user would write them, and ``emulation test`` reports full coverage — and
fails, showing the threshold, when a bug is planted in a copy."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings

import emulation
from emulation import Population, properties, strategies
from emulation.cli import main

pytest_plugins = ["pytester"]
#: End to end on the real state rules: the inner loop (``-m "not slow"``) leaves them to CI.
pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
STATE = ROOT / "rulesets" / "state"
ENGINE = emulation.build_engine(entry_points=False, ruleset_paths=[STATE])
POPULATIONS = strategies.from_ruleset(ENGINE.rulesets)
#: A fifth of the profile's examples (10 in dev, 40 in ci): each example evaluates the state
#: rules several times over.
EXAMPLES = settings(
    max_examples=max(settings.default.max_examples // 5, 5),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)


@EXAMPLES
@given(POPULATIONS)
def test_more_merit_never_takes_a_state_award_away(population: Population) -> None:
    properties.assert_monotonic(ENGINE, population)


@EXAMPLES
@given(POPULATIONS)
def test_state_quotas_are_conserved(population: Population) -> None:
    properties.assert_quotas_conserved(ENGINE, population)


@EXAMPLES
@given(POPULATIONS)
def test_state_decisions_do_not_depend_on_order(population: Population) -> None:
    properties.assert_deterministic(ENGINE, population)


@EXAMPLES
@given(POPULATIONS)
def test_each_period_is_judged_by_the_state_law_in_force(population: Population) -> None:
    properties.assert_version_boundaries(ENGINE, population)


@EXAMPLES
@given(POPULATIONS)
def test_every_state_decision_names_its_cause(population: Population) -> None:
    properties.assert_explanations_consistent(ENGINE, population)


# -- the how-to, as a new user runs it ---------------------------------------------------------


def howto_test_file() -> str:
    text = (ROOT / "docs" / "how-to" / "test-award-logic.md").read_text(encoding="utf-8")
    return re.findall(r"```python\n(.*?)```", text, re.DOTALL)[0]


def test_the_ten_lines_of_the_howto_pass_on_the_state_rules(pytester: pytest.Pytester) -> None:
    code = howto_test_file()
    assert len([line for line in code.splitlines() if line.strip()]) <= 11  # about ten lines
    assert "emulation.build_engine()" in code  # the installed plugins: state, here
    pytester.makeconftest(
        "from hypothesis import settings\n"
        "settings.register_profile('quick', max_examples=15)\n"
        "settings.load_profile('quick')\n"
    )
    pytester.makepyfile(test_award_logic=code)
    result = pytester.runpytest("-p", "no:cacheprovider")
    result.assert_outcomes(passed=1)


# -- emulation test ----------------------------------------------------------------------------


def test_emulation_test_state_reports_full_coverage(capsys: pytest.CaptureFixture[str]) -> None:
    status = main(["test", "state", "--examples", "1", "--min-coverage", "100"])
    out = capsys.readouterr().out
    assert status == 0, out
    assert re.search(r"^  total +(\d+) / \1 +100\.0 %$", out, re.MULTILINE), out
    assert "properties (1 examples each): monotonicity ok, quota_conservation ok, " in out
    assert out.rstrip().endswith("result: ok")


def test_emulation_test_catches_a_planted_threshold_bug(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    copy = tmp_path / "state"
    shutil.copytree(STATE, copy, ignore=shutil.ignore_patterns("collective_*"))
    ruleset = copy / "individual_titles_2024.toml"
    text = ruleset.read_text(encoding="utf-8")
    ruleset.write_text(text.replace(">= min_months_worked", "> min_months_worked"), "utf-8")
    status = main(["test", str(copy), "--examples", "0"])
    out = capsys.readouterr().out
    assert status == 1
    assert "FAILED case" in out
    assert "a new recruit with exactly 6 months qualifies" in out
    assert "+ months_training > min_months_worked" in out
    assert "months_worked = 6" in out
    assert "min_months_worked = 6" in out
    assert re.search(r"result: FAILED \(\d+ cases failed\)", out)


def test_emulation_test_catches_a_quota_with_the_wrong_rounding(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    copy = tmp_path / "state"
    shutil.copytree(STATE, copy, ignore=shutil.ignore_patterns("collective_*"))
    ruleset = copy / "individual_titles_2017.toml"
    text = ruleset.read_text(encoding="utf-8")
    assert 'rounding = "floor"' in text
    ruleset.write_text(text.replace('rounding = "floor"', 'rounding = "ceiling"'), "utf-8")
    status = main(["test", str(copy), "--examples", "0"])
    out = capsys.readouterr().out
    assert status == 1
    assert "a unit of ten Advanced Workers may have one CSTĐCS" in out
    assert "a1/cstdcs: expected cap 1, got 2" in out
    assert "rank 2, cap 2" in out


def test_emulation_test_names_unknown_targets(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["test", "no-such-plugin"]) == 1
    err = capsys.readouterr().err
    assert "'no-such-plugin' is neither a path nor an installed plugin with rulesets" in err
