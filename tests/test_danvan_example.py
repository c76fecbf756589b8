"""The "Dân vận khéo" example (examples/danvan/can_tho.json): Cần Thơ's central agencies,
departments, communes and wards for 2026, evaluated through the command line with the danvan
rulesets, give the grades, Bằng khen and standings its README describes, in Vietnamese and in
English."""

from __future__ import annotations

import contextlib
import io
import json
import re
from pathlib import Path
from typing import Any

import pytest

from emulation.cli import main

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "examples" / "danvan" / "can_tho.json"
RULESETS = ROOT / "rulesets" / "danvan"
COMMON = [str(DATA), "--period", "2026", "--rulesets", str(RULESETS), "--set", "dvk_min_months=12"]
AWARDS = ["ct_bk_tap_the", "ct_bk_ca_nhan", "dvk_mo_hinh", "dvk_dien_hinh"]


def run(capsys: pytest.CaptureFixture[str], *args: str) -> str:
    status = main(list(args))
    out = capsys.readouterr().out
    assert status == 0, out
    return out


@pytest.fixture(scope="module")
def result() -> dict[str, Any]:
    args = ["evaluate", *COMMON, "--format", "json"]
    for award in AWARDS:
        args += ["--award", award]
    buffer = io.StringIO()
    with contextlib.redirect_stdout(buffer):
        assert main(args) == 0
    loaded: dict[str, Any] = json.loads(buffer.getvalue())
    return loaded


def outcomes(result: dict[str, Any], award: str) -> dict[str, str]:
    return {d["subject"]: d["outcome"] for d in result["decisions"] if d["award"] == award}


def test_grades_follow_points_knock_outs_and_caps(result: dict[str, Any]) -> None:
    grades = {s["subject"]: (s["total"], s["band"]) for s in result["scores"]}
    assert grades == {
        "bhxh-ct": ("100", "HTXS"),  # 98 + a bonus of 2 for a recognised model
        "kbnn-ct": ("97", "HTXS"),
        "thue-ct": ("96", "HTXS"),
        "so-noi-vu": ("99", "HTXS"),
        "so-giao-duc": ("97", "HTXS"),
        "so-tai-chinh": ("97", "HTXS"),
        "so-xay-dung": ("97", "HTXS"),
        "so-y-te": ("100", "HTT"),  # head reprimanded
        "so-nong-nghiep": ("98", "KHT"),  # no self-assessment
        "phuong-cai-khe": ("97", "HTXS"),  # a bonus of 5 counted as 3
        "phuong-ninh-kieu": ("98", "HT"),  # head warned
        "phuong-an-hoa": ("100", "KHT"),  # corruption
        "xa-phong-dien": ("90", "HTT"),  # deductions of 5 counted as 3
        "phuong-binh-thuy": ("90", "HT"),  # an Appendix II criterion at 0
        "xa-thoi-lai": ("96", "KHT"),  # staff prosecuted
        "xa-co-do": ("74.5", "KHT"),
        "xa-my-khanh": (None, None),  # criterion 2 not filled in
    }


def test_the_chairs_bang_khen_applies_the_caps_per_group(result: dict[str, Any]) -> None:
    units = outcomes(result, "ct_bk_tap_the")
    # central agencies: 2 places for 3 excellent agencies, by score
    assert (units["bhxh-ct"], units["kbnn-ct"], units["thue-ct"]) == (
        "granted",
        "granted",
        "eligible_over_quota",
    )
    # city level: 3 places; the first, then three on 97 across the cap: the authority decides
    assert units["so-noi-vu"] == "granted"
    assert {units[s] for s in ("so-giao-duc", "so-tai-chinh", "so-xay-dung")} == {"tied"}
    assert units["so-y-te"] == "not_eligible"
    assert units["phuong-cai-khe"] == "granted"
    assert units["xa-my-khanh"] == "data_missing"
    caps = {d["subject"]: d["cap"] for d in result["decisions"] if d["award"] == "ct_bk_tap_the"}
    assert (caps["bhxh-ct"], caps["so-noi-vu"], caps["phuong-cai-khe"]) == (2, 3, 15)
    persons = outcomes(result, "ct_bk_ca_nhan")
    # seven excellent persons of city bodies for 6 places and no order in the decision
    city = ("snv-01", "snv-02", "sgd-01", "sgd-02", "stc-01", "syt-01", "sxd-01")
    assert {persons[p] for p in city} == {"tied"}
    assert persons["bhxh-01"] == persons["thue-01"] == persons["ck-01"] == "granted"
    assert persons["nk-01"] == "not_eligible"


def test_models_and_exemplars_need_an_effective_review_and_the_running_time(
    result: dict[str, Any],
) -> None:
    models = outcomes(result, "dvk_mo_hinh")
    assert models["phuong-cai-khe"] == models["phuong-ninh-kieu"] == "granted"
    assert models["so-noi-vu"] == "granted"
    assert models["bhxh-ct"] == "not_eligible"  # effective, but 10 months by 31 December
    assert models["xa-phong-dien"] == "not_eligible"  # judged not effective
    assert models["so-y-te"] == "not_eligible"  # none registered
    exemplars = outcomes(result, "dvk_dien_hinh")
    assert exemplars["bhxh-01"] == "granted"
    assert exemplars["ck-01"] == "not_eligible"  # 10 months by 31 December


def test_standings_read_in_vietnamese_and_english(capsys: pytest.CaptureFixture[str]) -> None:
    vi = run(capsys, "standings", *COMMON, "--lang", "vi")
    assert "Xếp hạng công tác dân vận trong khối" in vi
    assert "Nhóm Khối sở, ban, ngành thành phố (6)" in vi
    assert re.search(
        r"^2= +so-giao-duc +Sở Giáo dục và Đào tạo +97 +HTXS +so-tai-chinh, so-xay-dung$", vi, re.M
    )
    assert "74,5" in vi  # Vietnamese decimal comma
    assert "đồng hạng: việc xếp thứ tự do cấp có thẩm quyền quyết định" in vi
    en = run(capsys, "standings", *COMMON, "--lang", "en")
    assert "Mobilisation work standings in the group" in en
    assert re.search(r"^7 +xa-co-do +Xã Cờ Đỏ +74\.5 +KHT$", en, re.M)
    assert "tied: the order is for the competent authority to decide" in en


def test_without_the_running_time_the_models_cannot_be_decided(
    capsys: pytest.CaptureFixture[str],
) -> None:
    status = main(["evaluate", *COMMON[:-2], "--award", "dvk_mo_hinh", "--format", "json"])
    assert status == 0
    decisions = json.loads(capsys.readouterr().out)["decisions"]
    registered = [d for d in decisions if d["outcome"] != "not_eligible"]
    assert registered
    for decision in registered:  # every model that could qualify waits for the running time
        assert decision["outcome"] == "data_missing"
        unset = [r for r in decision["reasons"] if r["code"] == "parameter_unset"]
        assert unset
        assert "dvk_min_months" in json.dumps(unset)
