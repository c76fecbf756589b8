"""The unconfirmed parameters: :func:`emulation.unconfirmed_parameters` and ``emulation list
--unconfirmed [PLUGIN]`` (table and JSON), on the state plugin and the test ruleset
``tests/rulesets/unset/`` (which no plugin contributes)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

import emulation
from emulation.cli import main

ROOT = Path(__file__).resolve().parents[1]
UNSET = str(ROOT / "tests" / "rulesets" / "unset")


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    status = main(list(args))
    out, err = capsys.readouterr()
    return status, out, err


@pytest.fixture(scope="module")
def engine() -> emulation.Engine:
    return emulation.build_engine(ruleset_paths=[UNSET])


def test_only_unconfirmed_parameters_with_their_value_on_the_day(
    engine: emulation.Engine,
) -> None:
    found = emulation.unconfirmed_parameters(engine, on=dt.date(2025, 6, 1))
    names = {(p.ruleset, p.name) for p in found}
    assert ("test.unset_parameters", "pass_mark") in names
    assert ("state.individual_titles", "cstdcs_requires_both") in names
    # confirmed parameters are not listed
    assert not {n for r, n in names if n in ("base_salary", "ttldtt_min_share")}
    unset = {p.name: p for p in found if p.ruleset == "test.unset_parameters"}
    assert sorted(unset) == ["cap_on", "cap_share", "fund", "late_mark", "pass_mark", "wait_years"]
    assert (unset["pass_mark"].value, unset["pass_mark"].since) == (None, None)
    assert unset["pass_mark"].plugin is None
    assert unset["pass_mark"].certainty == "U"
    assert unset["late_mark"].value is None  # its first value starts in 2026
    later = emulation.unconfirmed_parameters(engine, on=dt.date(2026, 1, 1))
    late = next(p for p in later if p.name == "late_mark")
    assert (late.value, late.since) == (50, dt.date(2026, 1, 1))


def test_of_one_plugin(engine: emulation.Engine) -> None:
    found = emulation.unconfirmed_parameters(engine, "state", on=dt.date(2025, 6, 1))
    assert found
    assert {p.plugin for p in found} == {"state"}
    assert {p.ruleset.split(".")[0] for p in found} == {"state"}


def test_a_plugin_without_rulesets_is_an_error(engine: emulation.Engine) -> None:
    with pytest.raises(emulation.EmulationError, match='plugin "stat" contributes no ruleset'):
        emulation.unconfirmed_parameters(engine, "stat")


def test_the_table(capsys: pytest.CaptureFixture[str]) -> None:
    args = ("list", "--unconfirmed", "--on", "2025-06-01", "--rulesets", UNSET)
    status, out, _ = run(capsys, *args, "--lang", "en")
    assert status == 0
    assert "test.unset_parameters 1.0.0\n" in out
    assert "  pass_mark: Pass mark [int] = no value\n" in out
    assert "  wait_years: Years to wait after a discipline [int, year] = no value\n" in out
    assert "state.individual_titles 2.1.0 [state]" in out
    assert "base_salary" not in out
    status, out, _ = run(capsys, *args)
    assert "  pass_mark: Điểm đạt [int] = chưa có giá trị\n" in out
    status, out, _ = run(capsys, "list", "--unconfirmed", "--on", "2026-02-01", "--rulesets", UNSET)
    assert "  late_mark: Điểm đạt áp dụng từ 2026 [int] = 50 (từ 2026-01-01)\n" in out


def test_the_json_of_one_plugin(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(
        capsys, "list", "--unconfirmed", "state", "--format", "json", "--on", "2025-06-01",
        "--rulesets", UNSET, "--lang", "en",
    )  # fmt: skip
    assert status == 0
    document = json.loads(out)
    assert (document["plugin"], document["on"]) == ("state", "2025-06-01")
    rows = {(p["ruleset"], p["version"], p["name"]): p for p in document["parameters"]}
    assert not any(ruleset == "test.unset_parameters" for ruleset, _, _ in rows)
    row = rows["state.individual_titles", "2.1.0", "cstdcs_quota_ratio"]
    assert row == {
        "plugin": "state",
        "ruleset": "state.individual_titles",
        "version": "2.1.0",
        "name": "cstdcs_quota_ratio",
        "label": row["label"],
        "type": "decimal",
        "unit": None,
        "basis": row["basis"],
        "certainty": "R",
        "value": "0.15",
        "since": "2024-01-01",
    }


def test_the_json_says_no_value_as_null(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(
        capsys, "list", "--unconfirmed", "--format", "json", "--on", "2025-06-01",
        "--rulesets", UNSET,
    )  # fmt: skip
    assert status == 0
    rows = {p["name"]: p for p in json.loads(out)["parameters"]}
    assert (rows["pass_mark"]["value"], rows["pass_mark"]["since"]) == (None, None)
    assert rows["pass_mark"]["plugin"] is None
    assert json.loads(out)["plugin"] is None


def test_an_unknown_plugin_and_a_bad_day(capsys: pytest.CaptureFixture[str]) -> None:
    status, _, err = run(capsys, "list", "--unconfirmed", "stat")
    assert status == 1
    assert 'plugin "stat" contributes no ruleset' in err
    with pytest.raises(SystemExit):
        main(["list", "--unconfirmed", "--on", "2025-13-01"])
