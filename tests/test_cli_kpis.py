"""KPIs on the command line: `emulation kpis` in every format and language, `emulation explain
--kpi`, the `kpis` member and table section of `emulation evaluate`, and evaluate's output
unchanged when no KPI is in force."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from emulation.cli import main

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "kpis"
DATA = str(EXAMPLE / "union_tree.json")
RULES = ("--rulesets", str(EXAMPLE))


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    status = main(list(args))
    out, err = capsys.readouterr()
    return status, out, err


def test_kpis_json_has_every_node_with_its_outcome(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, err = run(capsys, "kpis", DATA, "--period", "2024", "--format", "json", *RULES)
    assert (status, err) == (0, "")
    document = json.loads(out)
    assert (document["period"], document["lang"]) == ("2024", "vi")
    found = {r["node"]: r for r in document["kpis"]}
    assert {node: (r["outcome"], r["needed"]) for node, r in found.items()} == {
        "cd-co-khi": ("not_met", 1),
        "cd-det": ("met", 0),
        "cd-giay": ("data_missing", None),
        "cd-may": ("met", 0),
        "ldld-a": ("not_met", 1),
        "ldld-b": ("data_missing", None),
        "tld": ("data_missing", None),
    }
    assert found["ldld-a"]["value"] == "0.625"
    assert (found["ldld-b"]["target"], found["ldld-b"]["target_source"]) == ("0.7", "override")
    assert found["cd-may"]["denominator"] == 20  # the 3 workers outside enterprises left out
    assert found["cd-co-khi"]["reasons"][0]["message"].startswith(
        "Chưa đạt: 60 % / chỉ tiêu 65 % (12/20 công nhân lao động); còn thiếu 1"
    )


def test_kpis_csv_in_english_for_some_nodes(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(
        capsys,
        "kpis",
        DATA,
        "--period",
        "2024",
        "--format",
        "csv",
        "--lang",
        "en",
        "--node",
        "ldld-a",
        "--node",
        "cd-giay",
        *RULES,
    )
    assert status == 0
    rows = list(csv.DictReader(io.StringIO(out)))
    assert [(r["node"], r["outcome"], r["needed"]) for r in rows] == [
        ("cd-giay", "data_missing", ""),
        ("ldld-a", "not_met", "1"),
    ]
    assert rows[1]["reason_codes"] == "kpi_not_met"
    assert rows[1]["reasons"].startswith(
        "Short of the 65 % target: 62.5 %, 25 of 40 workers; 1 more needed"
    )
    assert rows[0]["reasons"] == (
        "Data missing for 1 of the workers counted, to compute “Enterprise workers in training”"
    )


def test_kpis_table_to_a_file(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    target = tmp_path / "kpis.txt"
    status, out, _ = run(
        capsys, "kpis", DATA, "--period", "2024", "--lang", "en", "-o", str(target), *RULES
    )
    assert (status, out) == (0, "")
    text = target.read_text("utf-8")
    assert "KPI: Enterprise workers in training (cd_training)" in text
    assert "62.5 % (25/40)" in text
    assert "70 %*" in text
    assert "* the node's own target" in text


def test_explain_a_kpi_at_a_node(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(
        capsys,
        "explain",
        DATA,
        "--period",
        "2024",
        "--kpi",
        "cd_training",
        "--subject",
        "cd-co-khi",
        *RULES,
    )
    assert status == 0
    assert "Kết quả: Chưa đạt (not_met)" in out
    assert "Mẫu số: in_enterprise → 20" in out
    assert "Tử số: in_training → 12" in out
    assert "Chỉ tiêu: >= 65 % (0.65) (tham số cd_training_target)" in out
    assert "Cần thêm: 1" in out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("kpis", "--kpi", "cd_trainin"), "unknown KPI 'cd_trainin'"),
        (("explain", "--kpi", "cd_training", "--subject", "cd-may-01"), "no result of KPI"),
    ],
)
def test_kpi_mistakes_are_one_line_errors(
    capsys: pytest.CaptureFixture[str], args: tuple[str, ...], message: str
) -> None:
    command, *rest = args
    status, out, err = run(capsys, command, DATA, "--period", "2024", *rest, *RULES)
    assert (status, out) == (1, "")
    assert err.startswith("emulation: ")
    assert message in err


def test_kpis_without_any_kpi_in_force(capsys: pytest.CaptureFixture[str]) -> None:
    status, _, err = run(capsys, "kpis", DATA, "--period", "2024")
    assert status == 1
    assert "defines a KPI" in err


def test_evaluate_carries_the_kpis(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(capsys, "evaluate", DATA, "--period", "2024", "--format", "json", *RULES)
    assert status == 0
    document = json.loads(out)
    assert len(document["kpis"]) == 7
    status, out, _ = run(capsys, "evaluate", DATA, "--period", "2024", *RULES)
    assert "Chỉ tiêu: Công nhân lao động tại doanh nghiệp tham gia học tập" in out


def test_evaluate_is_unchanged_without_kpis(capsys: pytest.CaptureFixture[str]) -> None:
    union = str(ROOT / "examples" / "union.json")
    status, out, _ = run(capsys, "evaluate", union, "--period", "2024", "--format", "json")
    assert status == 0
    assert set(json.loads(out)) == {"decisions", "engine_version", "lang", "period", "set_aside"}
    status, out, _ = run(capsys, "evaluate", union, "--period", "2024")
    assert "Chỉ tiêu:" not in out
