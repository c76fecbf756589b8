"""`emulation kpis` with a ruleset of programme phases loaded beside yearly ones: a year is
reported with the yearly KPIs only, and a phase with the phase's own (vape.learning_movement,
QĐ 1373/QĐ-TTg targets reviewed per phase of QĐ 1315/QĐ-TTg)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from emulation.cli import main

ROOT = Path(__file__).resolve().parents[1]
YEARLY = ROOT / "examples" / "kpis"
PHASES = ROOT / "rulesets" / "vape" / "learning_movement.toml"


def kpis(capsys: pytest.CaptureFixture[str], data: Path, period: str) -> set[str]:
    rulesets = ["--rulesets", str(YEARLY), "--rulesets", str(PHASES)]
    status = main(["kpis", str(data), "--period", period, "--format", "json", *rulesets])
    out, err = capsys.readouterr()
    assert status == 0, err
    return {row["kpi"] for row in json.loads(out)["kpis"]}


def test_a_year_is_reported_without_the_phase_kpis(capsys: pytest.CaptureFixture[str]) -> None:
    assert kpis(capsys, YEARLY / "union_tree.json", "2024") == {"cd_training"}


def test_a_phase_is_reported_with_its_own_kpis(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    data = tmp_path / "tree.json"
    subjects = [
        {"id": "VN", "kind": "collective", "level": "toan_quoc"},
        {"id": "P1", "kind": "collective", "level": "tinh", "parent": "VN",
         "facts": {"phase:2023-2025": {"learning_province": True}}},
        {"id": "a", "kind": "person", "parent": "P1",
         "facts": {"phase:2023-2025": {"learning_citizen": True}}},
    ]  # fmt: skip
    data.write_text(
        json.dumps({"format": "emulation.population/1", "subjects": subjects}), encoding="utf-8"
    )
    found = kpis(capsys, data, "phase:2023-2025")
    assert found == {"learning_citizens", "learning_districts", "learning_provinces"}
