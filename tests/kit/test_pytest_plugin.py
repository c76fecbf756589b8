"""The pytest plugin: case files collected as tests with readable failures, criterion
coverage and its threshold, the switch that turns collection off, the fixtures — and a bug
planted in a copy of the state rules caught with the threshold in view."""

from __future__ import annotations

import ast
import importlib.metadata
import shutil
from pathlib import Path

import pytest

pytest_plugins = ["pytester"]

ROOT = Path(__file__).resolve().parents[2]
STATE = ROOT / "rulesets" / "state"

RULESET = """
format = 1

[ruleset]
id = "tiny.merit"
organisation = "tiny"
version = "1.0.0"
effective_from = 2020-01-01
title = { vi = "Khen thưởng thử nghiệm", en = "Test commendation" }

[facts.score]
type = "decimal"
better = "higher"
label = { vi = "Điểm thi đua", en = "Emulation score" }

[parameters.pass_mark]
type = "decimal"
label = { vi = "Điểm đạt", en = "Pass mark" }
basis = "Quy chế thử nghiệm Điều 1"
certainty = "C"
values = [{ from = 2020-01-01, value = "8.5" }]

[awards.khen]
kind = "certificate"
subject = "person"
label = { vi = "Giấy khen", en = "Certificate of merit" }

[[awards.khen.criteria]]
id = "score"
expr = "score >= pass_mark"
label = { vi = "Đạt điểm thi đua", en = "Reaches the pass mark" }
basis = "Quy chế thử nghiệm Điều 2"
certainty = "C"
"""

CASE = """
[[case]]
name = "{name}"
period = "2024"
subject = {{ id = "an", facts = {{ score = "{score}" }} }}
[[case.expect]]
award = "khen"
outcome = "{outcome}"
"""


def cases(*entries: tuple[str, str, str]) -> str:
    body = "".join(CASE.format(name=n, score=s, outcome=o) for n, s, o in entries)
    return "format = 1\n" + body


BOTH_WAYS = cases(("9 passes", "9", "granted"), ("8 fails", "8", "not_eligible"))


@pytest.fixture
def rules(pytester: pytest.Pytester) -> Path:
    folder = pytester.path / "rulesets" / "tiny"
    folder.mkdir(parents=True)
    (folder / "merit.toml").write_text(RULESET, encoding="utf-8")
    return folder


def ini(pytester: pytest.Pytester, **options: str) -> None:
    lines = "".join(f"{key} = {value}\n" for key, value in options.items())
    pytester.makeini(f"[pytest]\n{lines}")


# -- this project ------------------------------------------------------------------------------


def test_the_plugin_is_installed_and_runs_the_state_case_files(
    request: pytest.FixtureRequest,
) -> None:
    [entry] = [
        e for e in importlib.metadata.entry_points(group="pytest11") if e.name == "emulation"
    ]
    assert entry.value == "emulation.pytest_plugin"
    assert request.config.pluginmanager.has_plugin("emulation")
    assert "rulesets" in request.config.getini("testpaths")
    assert request.config.getini("emulation_min_coverage") == "100"


def test_the_plugin_module_imports_nothing_heavy() -> None:
    import emulation.pytest_plugin as plugin

    tree = ast.parse(Path(plugin.__file__).read_text(encoding="utf-8"))
    imported = {
        alias.name.split(".")[0]
        for node in tree.body
        if isinstance(node, ast.Import)
        for alias in node.names
    } | {node.module for node in tree.body if isinstance(node, ast.ImportFrom) and node.module}
    assert imported <= {"__future__", "collections.abc", "pathlib", "typing", "pytest"}


# -- collection and failures -------------------------------------------------------------------


def test_each_case_is_a_test_and_only_case_files_are_collected(
    pytester: pytest.Pytester, rules: Path
) -> None:
    (rules / "merit.cases.toml").write_text(BOTH_WAYS, encoding="utf-8")
    (rules / "notes.toml").write_text("not = [a case file", encoding="utf-8")
    result = pytester.runpytest("rulesets", "--collect-only", "-q")
    result.stdout.fnmatch_lines(
        [
            "rulesets/tiny/merit.cases.toml::case[[]0[]] 9 passes",
            "rulesets/tiny/merit.cases.toml::case[[]1[]] 8 fails",
            "2 tests collected*",
        ]
    )


def test_cases_pass_and_coverage_is_reported(pytester: pytest.Pytester, rules: Path) -> None:
    (rules / "merit.cases.toml").write_text(BOTH_WAYS, encoding="utf-8")
    result = pytester.runpytest("rulesets")
    result.assert_outcomes(passed=2)
    result.stdout.fnmatch_lines(
        [
            "*emulation criterion coverage*",
            "  tiny.merit 1.0.0     1 / 1    100.0 %",
            "  total                1 / 1    100.0 %",
        ]
    )


def test_a_failing_case_reads_expected_actual_and_every_rule(
    pytester: pytest.Pytester, rules: Path
) -> None:
    (rules / "merit.cases.toml").write_text(
        cases(("8.4 should pass", "8.4", "granted")), encoding="utf-8"
    )
    result = pytester.runpytest("rulesets")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        [
            "*_ merit.cases.toml: case[[]0[]] 8.4 should pass _*",
            "an/khen: expected granted, got not_eligible with criterion_failed:score*",
            "*Does not meet “Reaches the pass mark”*values: score=8.4*pass_mark=8.5*",
            "  decisions:",
            "    an / khen in 2024: not_eligible (ruleset tiny.merit 1.0.0)",
            "      ✗ criterion score: score >= pass_mark",
            "          score = 8.4, pass_mark = 8.5",
        ]
    )
    result.stdout.fnmatch_lines(["FAILED *::case[[]0[]] 8.4 should pass - an/khen: exp*"])
    assert "Traceback" not in result.stdout.str()


def test_a_malformed_case_file_is_a_collection_error_with_its_location(
    pytester: pytest.Pytester, rules: Path
) -> None:
    (rules / "bad.cases.toml").write_text(
        cases(("won", "9", "won")).replace("format = 1", "format = 1"), encoding="utf-8"
    )
    result = pytester.runpytest("rulesets")
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(["*bad.cases.toml: case[[]0[]].expect[[]0[]]: expected*outcome*"])


def test_a_broken_ruleset_fails_its_cases_with_the_problem(
    pytester: pytest.Pytester, rules: Path
) -> None:
    (rules / "merit.toml").write_text(RULESET.replace("score >= pass_mark", "scor >= 1"))
    (rules / "merit.cases.toml").write_text(BOTH_WAYS, encoding="utf-8")
    result = pytester.runpytest("rulesets")
    result.assert_outcomes(failed=2)
    result.stdout.fnmatch_lines(['*unknown fact or parameter "scor" (did you mean "score"?)*'])


def test_collection_can_be_switched_off(pytester: pytest.Pytester, rules: Path) -> None:
    (rules / "merit.cases.toml").write_text(BOTH_WAYS, encoding="utf-8")
    ini(pytester, emulation_cases="false")
    result = pytester.runpytest("rulesets")
    assert result.ret == pytest.ExitCode.NO_TESTS_COLLECTED


# -- the coverage threshold --------------------------------------------------------------------


def test_coverage_below_the_threshold_fails_the_run(pytester: pytest.Pytester, rules: Path) -> None:
    (rules / "merit.cases.toml").write_text(cases(("9 passes", "9", "granted")), encoding="utf-8")
    ini(pytester, emulation_min_coverage="100")
    result = pytester.runpytest("rulesets")
    result.assert_outcomes(passed=1)
    assert result.ret == pytest.ExitCode.TESTS_FAILED
    result.stdout.fnmatch_lines(
        [
            "not covered:",
            "  tiny.merit 1.0.0: khen.score (criterion): never false",
            "FAILED: criterion coverage 0.0 % is below emulation_min_coverage = 100 %",
        ]
    )


def test_coverage_at_the_threshold_passes(pytester: pytest.Pytester, rules: Path) -> None:
    (rules / "merit.cases.toml").write_text(BOTH_WAYS, encoding="utf-8")
    ini(pytester, emulation_min_coverage="100")
    assert pytester.runpytest("rulesets").ret == pytest.ExitCode.OK


def test_a_partial_run_is_not_failed_for_coverage(pytester: pytest.Pytester, rules: Path) -> None:
    (rules / "merit.cases.toml").write_text(BOTH_WAYS, encoding="utf-8")
    ini(pytester, emulation_min_coverage="100")
    result = pytester.runpytest("rulesets", "-k", "passes")
    assert result.ret == pytest.ExitCode.OK
    result.stdout.fnmatch_lines(["not all cases ran: the coverage threshold was not checked"])


def test_a_bad_threshold_is_a_usage_error(pytester: pytest.Pytester, rules: Path) -> None:
    (rules / "merit.cases.toml").write_text(BOTH_WAYS, encoding="utf-8")
    ini(pytester, emulation_min_coverage="all")
    result = pytester.runpytest("rulesets")
    result.stderr.fnmatch_lines(["*emulation_min_coverage must be a percentage*'all'*"])


# -- fixtures ----------------------------------------------------------------------------------


def test_engine_and_population_fixtures(pytester: pytest.Pytester, rules: Path) -> None:
    ini(pytester, emulation_rulesets="rulesets/tiny", emulation_population="people.json")
    pytester.makefile(
        ".json",
        people='{"format": "emulation.population/1", "subjects": '
        '[{"id": "an", "kind": "person", "facts": {"2024": {"score": 9}}}]}',
    )
    pytester.makepyfile(
        """
        import pytest

        def test_engine(emulation_engine):
            assert "tiny.merit" in [r.id for r in emulation_engine.rulesets]

        def test_population_from_ini(emulation_engine, emulation_population):
            decision = emulation_engine.evaluate(emulation_population, "2024").decision("an", "khen")
            assert decision.outcome == "granted"

        @pytest.mark.emulation_population(
            {"subjects": [{"id": "binh", "kind": "person", "facts": {"2024": {"score": 7}}}]}
        )
        def test_population_from_marker(emulation_engine, emulation_population):
            decision = emulation_engine.evaluate(emulation_population, "2024").decision("binh", "khen")
            assert decision.outcome == "not_eligible"
        """
    )
    pytester.runpytest("test_engine_and_population_fixtures.py").assert_outcomes(passed=3)


# -- the acceptance test: a bug planted in a copy of the state rules ---------------------------


@pytest.mark.slow
def test_a_planted_threshold_bug_fails_the_case_files_showing_the_threshold(
    pytester: pytest.Pytester,
) -> None:
    copy = pytester.path / "state"
    shutil.copytree(STATE, copy, ignore=shutil.ignore_patterns("collective_*"))
    ruleset = copy / "individual_titles_2024.toml"
    text = ruleset.read_text(encoding="utf-8")
    assert text.count(">= min_months_worked") == 1
    ruleset.write_text(text.replace(">= min_months_worked", "> min_months_worked"), "utf-8")
    result = pytester.runpytest("state")
    assert result.ret == pytest.ExitCode.TESTS_FAILED
    output = result.stdout.str()
    assert "2024: a new recruit with exactly 6 months qualifies" in output
    assert "a/ldtt: expected granted, got not_eligible with criterion_failed:min_service" in output
    assert "+ months_training > min_months_worked" in output  # the rule as written
    assert "months_worked = 6" in output
    assert "min_months_worked = 6" in output
