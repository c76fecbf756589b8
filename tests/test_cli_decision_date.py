"""``--decision-date`` on the command line: the bonus reads the base salary of that day, the
JSON records the date, ``emulation replay`` decides on it again, ``explain`` names it, and a date
before the cut-off is one line on standard error (tests/rulesets/paths/paths.toml: base salary
1,800,000 VND from 01/07/2023, 2,340,000 VND from 01/07/2024)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from emulation.cli import main

PATHS = str(Path(__file__).resolve().parent / "rulesets" / "paths")
ONE = {
    "format": "emulation.population/1",
    "subjects": [{"id": "p", "kind": "person", "facts": {"2024": {"rating": "HTT"}}}],
}


@pytest.fixture
def data(tmp_path: Path) -> Path:
    path = tmp_path / "one.json"
    path.write_text(json.dumps(ONE), encoding="utf-8")
    return path


def evaluate(data: Path, out: Path, *extra: str) -> dict[str, object]:
    status = main(
        [
            *("evaluate", str(data), "--period", "2024", "--award", "t_ldtt", "--as-of"),
            *("2024-06-30", "--format", "json", "-o", str(out), "--rulesets", PATHS, *extra),
        ]
    )
    assert status == 0
    document: dict[str, object] = json.loads(out.read_text("utf-8"))
    return document


def bonus(document: dict[str, object]) -> object:
    decisions = document["decisions"]
    assert isinstance(decisions, list)
    return next(d["bonus"] for d in decisions if d["award"] == "t_ldtt")


def test_the_decision_date_moves_the_base_salary_and_is_replayed(
    data: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    june = evaluate(data, tmp_path / "june.json", "--decision-date", "2024-06-30")
    july = evaluate(data, tmp_path / "july.json", "--decision-date", "2024-07-01")
    plain = evaluate(data, tmp_path / "plain.json")
    assert (bonus(june), bonus(july), bonus(plain)) == ("540000", "710000", "540000")
    assert june["decision_date"] == "2024-06-30"
    assert "decision_date" not in plain
    capsys.readouterr()
    status = main(["replay", str(tmp_path / "july.json"), str(data), "--rulesets", PATHS])
    assert status == 0, capsys.readouterr()


def test_explain_names_the_base_salary_and_the_day(
    data: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    status = main(
        [
            *("explain", str(data), "--period", "2024", "--subject", "p", "--award", "t_ldtt"),
            *("--decision-date", "2025-03-15", "--lang", "en", "--rulesets", PATHS),
        ]
    )
    assert status == 0
    out = capsys.readouterr().out
    assert (
        "Bonus 710,000 VND = 0.3 × 2,340,000 VND (Base salary on the decision date 2025-03-15)"
        in out
    )


def test_a_decision_date_before_the_cut_off_is_refused(
    data: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    status = main(
        [
            *("evaluate", str(data), "--period", "2024", "--as-of", "2024-06-30"),
            *("--decision-date", "2024-06-01", "--rulesets", PATHS),
        ]
    )
    assert status != 0
    err = capsys.readouterr().err
    assert "decision_date 2024-06-01 is before 2024-06-30" in err
    assert len(err.strip().splitlines()) == 1
