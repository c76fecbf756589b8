"""The checks across rulesets: award cycles through several rulesets, gaps between versions."""

from __future__ import annotations

import shutil
from pathlib import Path

import attrs
import pytest

import emulation
from emulation import RulesetError
from emulation.cli import main
from emulation.errors import EvaluationError
from emulation.evaluate.plan import order_awards
from emulation.rules.toml import read_toml
from emulation.types import AwardId

STATE_RULESETS = Path(__file__).resolve().parents[2] / "rulesets" / "state"


def state_copy(tmp_path: Path, year: int = 2024) -> tuple[Path, Path]:
    """Copies of the two state rulesets of ``year`` (individual, collective)."""
    individual = tmp_path / f"individual_titles_{year}.toml"
    collective = tmp_path / f"collective_titles_{year}.toml"
    shutil.copy(STATE_RULESETS / individual.name, individual)
    shutil.copy(STATE_RULESETS / collective.name, collective)
    return individual, collective


def version_of(ruleset: Path) -> str:
    """The version a ruleset file declares (the shipped rulesets move by patches)."""
    version: str = read_toml(ruleset)[0]["ruleset"]["version"]
    return version


def plant_granted_ttldtt(individual: Path) -> None:
    """``ldtt`` reads ``ttldtt``, which reads ``ldtt`` through ``member_share``."""
    text = individual.read_text(encoding="utf-8")
    planted = text.replace(
        "expr = 'rating >= \"HTT\"'", 'expr = \'rating >= "HTT" and granted("ttldtt")\'', 1
    )
    assert planted != text
    individual.write_text(planted, encoding="utf-8")


def test_a_cycle_across_two_rulesets_is_a_load_error_naming_it(tmp_path: Path) -> None:
    individual, collective = state_copy(tmp_path)
    plant_granted_ttldtt(individual)
    with pytest.raises(RulesetError) as info:
        emulation.build_engine(entry_points=False, ruleset_paths=[tmp_path])
    [problem] = [p for p in info.value.problems if p.code == "award_cycle"]
    assert problem.file == str(individual)
    assert problem.location == "awards.ldtt.criteria[0].expr"  # where ldtt reads ttldtt
    assert problem.message == (
        "awards read each other in a cycle across rulesets: "
        f"ldtt (state.individual_titles {version_of(individual)}, {individual}) -> "
        f"ttldtt (state.collective_titles {version_of(collective)}, {collective}) -> ldtt"
    )


def test_check_reports_the_cycle_across_rulesets(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    individual, _ = state_copy(tmp_path)
    plant_granted_ttldtt(individual)
    assert main(["check", str(tmp_path)]) == 1
    err = capsys.readouterr().err
    assert "awards.ldtt.criteria[0].expr: awards read each other in a cycle across rulesets" in err
    assert "Traceback" not in err


def test_rulesets_never_in_force_together_may_read_each_other(tmp_path: Path) -> None:
    """A cycle through a ruleset that is not in force at the same time is no cycle: the
    award of the other ruleset is read from the history."""
    individual, _ = state_copy(tmp_path)
    state_copy(tmp_path, 2017)
    (tmp_path / "individual_titles_2017.toml").unlink()
    (tmp_path / "collective_titles_2024.toml").unlink()
    plant_granted_ttldtt(individual)
    engine = emulation.build_engine(entry_points=False, ruleset_paths=[tmp_path])
    assert {r.id for r in engine.rulesets} == {
        "state.individual_titles",
        "state.collective_titles",
    }


def test_order_awards_turns_a_cycle_into_our_error() -> None:
    engine = emulation.build_engine(entry_points=False, ruleset_paths=[STATE_RULESETS])
    awards = {a: award for a, (award, _) in engine.awards_in_force("2024").items()}
    ldtt = awards["ldtt"]
    looped = dict(awards, ldtt=attrs.evolve(ldtt, depends_on=frozenset({AwardId("ttldtt")})))
    with pytest.raises(EvaluationError, match=r"in a cycle: ldtt -> ttldtt -> ldtt"):
        order_awards(looped)


# -- gaps between versions -----------------------------------------------------------------------


def gap_rulesets(tmp_path: Path) -> tuple[Path, Path]:
    """The 2017 individual titles ending a year before the 2024 version starts."""
    old = tmp_path / "individual_titles_2017.toml"
    new = tmp_path / "individual_titles_2024.toml"
    shutil.copy(STATE_RULESETS / new.name, new)
    text = (STATE_RULESETS / old.name).read_text(encoding="utf-8")
    ended = text.replace("effective_to = 2023-12-31", "effective_to = 2022-12-31", 1)
    assert ended != text
    old.write_text(ended, encoding="utf-8")
    return old, new


def test_a_gap_between_versions_is_a_warning_on_the_engine(tmp_path: Path) -> None:
    old, new = gap_rulesets(tmp_path)
    engine = emulation.build_engine(entry_points=False, ruleset_paths=[tmp_path])
    [warning] = engine.warnings
    assert warning.code == "version_gap"
    assert warning.file == str(new)
    assert warning.location == "ruleset.effective_from"
    assert warning.message == (
        "no version of state.individual_titles is in force from 2023-01-01 to 2023-12-31: "
        f"version 1.0.0 ({old}) ends on 2022-12-31 and version 2.1.0 starts on 2024-01-01"
    )


def test_check_prints_the_gap_as_a_warning_and_succeeds(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    gap_rulesets(tmp_path)
    assert main(["check", str(tmp_path)]) == 0
    out, err = capsys.readouterr()
    assert out.startswith("ok: 2 rulesets")
    [line] = err.splitlines()
    assert line.startswith("emulation: warning: ")
    assert "no version of state.individual_titles is in force from 2023-01-01 to 2023-12-31" in line


def test_versions_that_follow_each_other_give_no_warning() -> None:
    engine = emulation.build_engine(entry_points=False, ruleset_paths=[STATE_RULESETS])
    assert engine.warnings == ()
