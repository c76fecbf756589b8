"""The command line: outputs, exit codes, one-line errors, atomic -o."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest

from emulation.cli import main

ROOT = Path(__file__).resolve().parents[1]
STATE = str(ROOT / "rulesets" / "state")
PEOPLE = {
    "format": "emulation.population/1",
    "subjects": [
        {
            "id": "an",
            "kind": "person",
            "facts": {"2024": {"rating": "HTXS", "good_attitude": True}},
        },
        {
            "id": "binh",
            "kind": "person",
            "facts": {"2024": {"rating": "HT", "good_attitude": True}},
        },
    ],
}


@pytest.fixture
def data(tmp_path: Path) -> Path:
    path = tmp_path / "people.json"
    path.write_text(json.dumps(PEOPLE), encoding="utf-8")
    return path


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    status = main(list(args))
    out, err = capsys.readouterr()
    return status, out, err


def test_evaluate_json(capsys: pytest.CaptureFixture[str], data: Path) -> None:
    status, out, _ = run(
        capsys,
        "evaluate",
        str(data),
        "--period",
        "2024",
        "--format",
        "json",
        "--rulesets",
        STATE,
        "--lang",
        "en",
    )
    assert status == 0
    document = json.loads(out)
    decisions = {(d["subject"], d["award"]): d for d in document["decisions"]}
    assert decisions["an", "cstdcs"]["outcome"] == "granted"
    assert decisions["binh", "ldtt"]["outcome"] == "not_eligible"
    for decision in document["decisions"]:
        assert {"subject", "award", "period", "outcome", "criteria", "reasons"} <= set(decision)
    [reason] = decisions["binh", "ldtt"]["reasons"]
    assert reason["code"] == "criterion_failed"
    assert "Law 06/2022" in reason["message"] or "Luật 06/2022" in reason["message"]


def test_evaluate_table_is_vietnamese_by_default(
    capsys: pytest.CaptureFixture[str], data: Path
) -> None:
    status, out, _ = run(capsys, "evaluate", str(data), "--period", "2024", "--rulesets", STATE)
    assert status == 0
    assert "Lao động tiên tiến" in out
    assert "Đạt: 2 · Không đủ điều kiện: 22" in out
    args = ("evaluate", str(data), "--period", "2024", "--detail", "--rulesets", STATE)
    status, out, _ = run(capsys, *args)
    assert status == 0
    assert "Không đạt tiêu chí «Hoàn thành tốt nhiệm vụ trở lên»" in out


def test_evaluate_csv_to_file_and_award_filter(
    capsys: pytest.CaptureFixture[str], data: Path, tmp_path: Path
) -> None:
    target = tmp_path / "out.csv"
    status, out, _ = run(
        capsys,
        "evaluate",
        str(data),
        "--period",
        "2024",
        "--award",
        "ldtt",
        "--format",
        "csv",
        "-o",
        str(target),
        "--rulesets",
        STATE,
    )
    assert (status, out) == (0, "")
    lines = target.read_text(encoding="utf-8").splitlines()
    assert lines[0].startswith("subject,name,award,label,period,outcome,rank,cap,bonus")
    assert [line.split(",")[:6] for line in lines[1:]] == [
        ["an", "", "ldtt", "Lao động tiên tiến", "2024", "granted"],
        ["binh", "", "ldtt", "Lao động tiên tiến", "2024", "not_eligible"],
    ]


def test_failed_run_leaves_the_output_untouched(
    capsys: pytest.CaptureFixture[str], data: Path, tmp_path: Path
) -> None:
    target = tmp_path / "out.json"
    target.write_text("previous", encoding="utf-8")
    status, _, err = run(
        capsys,
        "evaluate",
        str(data),
        "--period",
        "2024",
        "--award",
        "nope",
        "-o",
        str(target),
        "--rulesets",
        STATE,
    )
    assert status == 1
    assert "unknown award 'nope'" in err
    assert target.read_text(encoding="utf-8") == "previous"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.json", "people.json"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--period", "20x4"], "unknown period format '20x4'"),
        (["--period", "2024", "--format", "xml"], 'unknown output format "xml"'),
        (["--period", "2024", "--set", "min_months_worked"], "--set expects NAME=VALUE"),
    ],
)
def test_bad_arguments_give_one_line_errors(
    capsys: pytest.CaptureFixture[str], data: Path, args: list[str], message: str
) -> None:
    status, out, err = run(capsys, "evaluate", str(data), *args, "--rulesets", STATE)
    assert status == 1
    assert out == ""
    assert len(err.splitlines()) == 1
    assert message in err


def test_unreadable_and_malformed_inputs(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    missing = tmp_path / "nothing.json"
    status, _, err = run(capsys, "evaluate", str(missing), "--period", "2024", "--rulesets", STATE)
    assert status == 1
    assert f"{missing}" in err
    bad = tmp_path / "bad.json"
    bad.write_text(
        json.dumps(
            {
                "format": "emulation.population/1",
                "subjects": [{"id": "x", "kind": "person", "facts": {"2024": {"rating": "Great"}}}],
            }
        ),
        encoding="utf-8",
    )
    status, _, err = run(capsys, "evaluate", str(bad), "--period", "2024", "--rulesets", STATE)
    assert status == 1
    assert (
        err.strip()
        == f"emulation: {bad}: subjects[0].facts.2024: rating: cannot read 'Great' as fact rating (['KHT', 'HT', 'HTT', 'HTXS'])"
    )


def test_parameters_can_be_set(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    path = tmp_path / "recruit.json"
    facts = {
        "rating": "HTT",
        "good_attitude": True,
        "recruited_this_period": True,
        "months_worked": 7,
    }
    path.write_text(
        json.dumps(
            {
                "format": "emulation.population/1",
                "subjects": [{"id": "r", "kind": "person", "facts": {"2024": facts}}],
            }
        ),
        encoding="utf-8",
    )
    _, out, _ = run(
        capsys,
        "evaluate",
        str(path),
        "--period",
        "2024",
        "--award",
        "ldtt",
        "--format",
        "csv",
        "--rulesets",
        STATE,
    )
    assert ",granted," in out
    _, out, _ = run(
        capsys,
        "evaluate",
        str(path),
        "--period",
        "2024",
        "--award",
        "ldtt",
        "--format",
        "csv",
        "--set",
        "min_months_worked=8",
        "--rulesets",
        STATE,
    )
    assert ",not_eligible," in out


def test_explain(capsys: pytest.CaptureFixture[str], data: Path) -> None:
    status, out, _ = run(
        capsys,
        "explain",
        str(data),
        "--period",
        "2024",
        "--subject",
        "binh",
        "--award",
        "ldtt",
        "--rulesets",
        STATE,
        "--lang",
        "en",
    )
    assert status == 0
    assert "Outcome: Not eligible (not_eligible)" in out
    assert "[✗] criterion task_rating" in out
    assert "values: rating = HT" in out
    assert "state.individual_titles 2.1.0" in out


def test_explain_unknown_subject(capsys: pytest.CaptureFixture[str], data: Path) -> None:
    status, _, err = run(
        capsys,
        "explain",
        str(data),
        "--period",
        "2024",
        "--subject",
        "nobody",
        "--award",
        "ldtt",
        "--rulesets",
        STATE,
    )
    assert status == 1
    assert 'no decision for subject "nobody"' in err


def test_list_json(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(capsys, "list", "--format", "json", "--rulesets", STATE)
    assert status == 0
    document = json.loads(out)
    versions = {(r["id"], r["version"]) for r in document["rulesets"]}
    assert {("state.individual_titles", "1.0.0"), ("state.individual_titles", "2.1.0")} <= versions
    award = next(
        a
        for r in document["rulesets"]
        if r["version"] == "2.1.0"
        for a in r["awards"]
        if a["id"] == "ldtt"
    )
    assert all(rule["basis"] and rule["certainty"] for rule in award["rules"])


def test_check_reports_problems(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text("format = 2\n", encoding="utf-8")
    status, _, err = run(capsys, "check", str(bad))
    assert status == 1
    assert f"emulation: {bad}: format: expected format = 1, got 2" in err.splitlines()
    assert "missing table [ruleset]" in err


def test_explain_a_near_miss_names_the_gap_and_the_first_period(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = tmp_path / "near.json"
    person = {
        "id": "a",
        "kind": "person",
        "facts": {"2024": {"rating": "HTXS", "good_attitude": True}},
        "awards": [{"award": "cstdcs", "period": "2023"}],
        "evidence": [
            {"id": "sk", "kind": "initiative", "period": "2024", "scope": "ministry_province"}
        ],
    }
    document = {"format": "emulation.population/1", "subjects": [person]}
    path.write_text(json.dumps(document), encoding="utf-8")
    args = ["explain", str(path), "--period", "2024", "--subject", "a", "--award", "cstd_tinh"]
    status, out, _ = run(capsys, *args, "--rulesets", STATE, "--lang", "en")
    assert status == 0
    assert (
        "needs ≥ 3, has 2; if nothing else changes, the earliest period it can be met is 2025"
        in out
    )
    status, out, _ = run(capsys, *args, "--rulesets", STATE)
    assert "cần ≥ 3, hiện có 2; nếu giữ nguyên thành tích, sớm nhất đạt vào kỳ 2025" in out


def test_test_without_hypothesis_says_what_to_install(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    real = importlib.util.find_spec

    def find_spec(name: str, *args: object) -> object:
        return None if name == "hypothesis" else real(name, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(importlib.util, "find_spec", find_spec)
    status = main(["test", STATE, "--examples", "1"])
    err = capsys.readouterr().err
    assert status == 1
    assert "pip install 'emulation[test]'" in err
    assert "--examples 0" in err
