"""Run every case file of the bundled state rulesets; a failure shows expected vs actual."""

from __future__ import annotations

from pathlib import Path

import pytest

import emulation
from emulation.cases import CASE_SUFFIX, Case, load_case_file, run_case

ROOT = Path(__file__).resolve().parents[1]
STATE = ROOT / "rulesets" / "state"
CASES: list[Case] = [
    case for path in sorted(STATE.glob(f"*{CASE_SUFFIX}")) for case in load_case_file(path)
]


@pytest.fixture(scope="module")
def engine() -> emulation.Engine:
    return emulation.build_engine(entry_points=False, ruleset_paths=[STATE])


def test_there_are_cases() -> None:
    assert len(CASES) >= 30


@pytest.mark.parametrize(
    "case", CASES, ids=[f"{Path(c.file).stem}[{c.index}] {c.name}" for c in CASES]
)
def test_case(engine: emulation.Engine, case: Case) -> None:
    result = run_case(engine, case)
    assert result.passed, f"{case.location} {case.name}\n" + "\n".join(result.failures)


def test_every_state_rule_is_seen_true_and_false(engine: emulation.Engine) -> None:
    """Each criterion, exclusion and blocking state of both versions is exercised both ways."""
    seen: dict[tuple[str, str, str], set[bool | None]] = {}
    for case in CASES:
        for decision in run_case(engine, case).evaluation.decisions():
            for criterion in decision.criteria:
                key = (decision.ruleset.version, decision.award, criterion.id)
                seen.setdefault(key, set()).add(criterion.value)
    expected = {
        (ruleset.version, award.id, rule.id)
        for ruleset in engine.rulesets
        for award in ruleset.awards.values()
        for rule in award.rules
    }
    missing = sorted(key for key in expected if not {True, False} <= seen.get(key, set()))
    assert not missing, f"rules not seen both true and false: {missing}"
