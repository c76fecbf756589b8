"""The ``moet`` plugin (plugins/moet, rulesets/moet): ``emulation test moet`` passes with full
criterion coverage, and its example (examples/moet/department.json) is decided through the
command line as examples/moet/README.md says, in both languages and both versions."""

from __future__ import annotations

import json
import re
from decimal import Decimal
from pathlib import Path

import pytest

from emulation.cli import main

ROOT = Path(__file__).resolve().parents[1]
DEPARTMENT = str(ROOT / "examples" / "moet" / "department.json")

pytestmark = pytest.mark.organisation_plugins


def evaluate(capsys: pytest.CaptureFixture[str], period: str, lang: str) -> dict[str, dict]:  # type: ignore[type-arg]
    args = ["evaluate", DEPARTMENT, "--period", period, "--award", "knc_giao_duc"]
    status = main([*args, "--format", "json", "--lang", lang])
    out = capsys.readouterr().out
    assert status == 0
    return {d["subject"]: d for d in json.loads(out)["decisions"]}


def test_emulation_test_moet_reports_full_coverage(capsys: pytest.CaptureFixture[str]) -> None:
    status = main(["test", "moet", "--examples", "1", "--min-coverage", "100"])
    out = capsys.readouterr().out
    assert status == 0, out
    assert re.search(r"^  moet\.medal 1\.0\.0 +(\d+) / \1 +100\.0 %$", out, re.MULTILINE), out
    assert re.search(r"^  moet\.medal 2\.0\.0 +(\d+) / \1 +100\.0 %$", out, re.MULTILINE), out
    assert out.rstrip().endswith("result: ok")


def test_the_example_in_2024_2025(capsys: pytest.CaptureFixture[str]) -> None:
    decisions = evaluate(capsys, "2024-2025", "en")
    outcomes = {subject: (d["outcome"], d.get("path") or "") for subject, d in decisions.items()}
    assert outcomes == {
        "gv-lan": ("granted", "hardship"),
        "gv-khanh": ("not_eligible", ""),
        "gv-thu": ("not_eligible", ""),
        "gv-hung": ("granted", "in_sector"),
        "gv-mai": ("not_eligible", ""),
        "gv-tuan": ("not_eligible", ""),
        "gv-hoa": ("granted", "in_sector"),
        "gv-nam": ("granted", "in_sector"),
        "gv-dung": ("granted", "in_sector"),
        "hieu-truong-binh": ("not_eligible", "in_sector"),  # has the years, holds the medal
        "cb-phuc": ("data_missing", ""),
        "ct-huyen-son": ("granted", "leader"),
        "pct-huyen-ha": ("not_eligible", ""),
        "dn-tran-an": ("granted", "contributor"),
        "nn-smith": ("granted", "overseas"),
        "nn-kim": ("not_eligible", ""),
    }
    assert {d["ruleset"]["version"] for d in decisions.values()} == {"2.0.0"}
    # the teacher of Bản Lũng: 16 years, 5 of them in the zone where she still works
    lan = {c["id"]: c for c in decisions["gv-lan"]["criteria"]}
    assert Decimal(str(lan["service_reduced"]["inputs"]["service_years(rule='education')"])) == 16
    assert Decimal(str(lan["hardship_years"]["inputs"]["service_years(rule='hardship')"])) == 5
    # 18 months under a warning are not counted: 21 years of service count 19.5
    tuan = {c["id"]: c for c in decisions["gv-tuan"]["criteria"]}
    assert Decimal(str(tuan["service"]["inputs"]["service_years(rule='education')"])) == Decimal(
        "19.5"
    )
    codes = [r["code"] for r in decisions["hieu-truong-binh"]["reasons"]]
    assert codes == ["exclusion_applies"]
    messages = " ".join(r["message"] for r in decisions["gv-khanh"]["reasons"])
    assert "needs ≥ 5 years, has 4 years 11 months" in messages
    assert "the earliest period it can be met is 2025-2026" in messages


def test_the_example_in_2022_2023_under_tt_22_2018(capsys: pytest.CaptureFixture[str]) -> None:
    decisions = evaluate(capsys, "2022-2023", "vi")
    assert {d["ruleset"]["version"] for d in decisions.values()} == {"1.0.0"}
    assert not any(subject.startswith(("ct-", "pct-", "dn-", "nn-")) for subject in decisions)
    outcomes = {subject: d["outcome"] for subject, d in decisions.items()}
    assert outcomes == dict.fromkeys(outcomes, "not_eligible") | {"cb-phuc": "data_missing"}
    dung = decisions["gv-dung"]
    assert [r["params"]["criterion"] for r in dung["reasons"]] == ["discipline_wait"]
    assert dung["reasons"][0]["message"].startswith(
        "Thuộc trường hợp không xét «Chưa đủ 02 năm kể từ khi chấp hành xong kỷ luật"
    )
    # she has the years: only the wait refuses her
    assert dung["path"] == "in_sector"


def test_no_unconfirmed_parameter_in_the_plugin(capsys: pytest.CaptureFixture[str]) -> None:
    status = main(["list", "--unconfirmed", "moet", "--format", "json"])
    assert status == 0
    assert json.loads(capsys.readouterr().out)["parameters"] == []
