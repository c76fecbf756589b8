"""``--as-of`` on the command line: the cut-off reaches the service count, is written into the
JSON decisions, and ``emulation replay`` counts to it again; a cut-off outside the period is
one line on standard error."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from emulation.cli import main

DATED = str(Path(__file__).resolve().parent / "rulesets" / "dated")
MEDAL = {
    "format": "emulation.population/1",
    "subjects": [
        {
            "id": "p",
            "kind": "person",
            "facts": {"2025": {}},
            "service": [{"start": "2005-08-01"}],
        }
    ],
}


@pytest.fixture
def data(tmp_path: Path) -> Path:
    path = tmp_path / "medal.json"
    path.write_text(json.dumps(MEDAL), encoding="utf-8")
    return path


def evaluate(data: Path, out: Path, *extra: str) -> dict[str, object]:
    status = main(
        [
            *("evaluate", str(data), "--period", "2025", "--award", "knc_union"),
            *("--format", "json", "-o", str(out), "--rulesets", DATED, *extra),
        ]
    )
    assert status == 0
    document: dict[str, object] = json.loads(out.read_text("utf-8"))
    return document


def test_as_of_is_counted_to_recorded_and_replayed(
    data: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    july = evaluate(data, tmp_path / "july.json", "--as-of", "2025-07-28")
    december = evaluate(data, tmp_path / "december.json")
    assert july["as_of"] == "2025-07-28"
    assert "as_of" not in december
    [decision] = july["decisions"]  # type: ignore[misc]
    assert decision["outcome"] == "not_eligible"
    [decision] = december["decisions"]  # type: ignore[misc]
    assert decision["outcome"] == "granted"
    capsys.readouterr()
    status = main(["replay", str(tmp_path / "july.json"), str(data), "--rulesets", DATED])
    out = capsys.readouterr().out
    assert status == 0, out
    assert "1 decision re-derived identically" in out


def test_explain_counts_to_the_cut_off(data: Path, capsys: pytest.CaptureFixture[str]) -> None:
    status = main(
        [
            *("explain", str(data), "--period", "2025", "--subject", "p", "--award", "knc_union"),
            *("--as-of", "2025-07-28", "--lang", "en", "--rulesets", DATED),
        ]
    )
    out = capsys.readouterr().out
    assert status == 0
    assert "19.916667" in out


def test_a_cut_off_outside_the_period_is_one_line(
    data: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    status = main(
        [
            *("evaluate", str(data), "--period", "2025", "--award", "knc_union"),
            *("--as-of", "2026-07-28", "--rulesets", DATED),
        ]
    )
    err = capsys.readouterr().err
    assert status != 0
    assert err.strip().splitlines() == [
        "emulation: as_of 2026-07-28 is outside the period 2025 (2025-01-01 – 2025-12-31)"
    ]
