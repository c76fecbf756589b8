"""``emulation diff``: what changes if the rules change, on the example union."""

from __future__ import annotations

import csv
import io
import json
import shutil
from decimal import Decimal
from pathlib import Path

import pytest
from diff_expectations import LDTT_BONUS_2024, facts_2024, qualifies_for_ldtt, with_min_months

from emulation.cli import main

ROOT = Path(__file__).resolve().parents[2]
STATE = ROOT / "rulesets" / "state"
UNION = str(ROOT / "examples" / "union.json")


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    status = main(["diff", UNION, "--period", "2024", *args, "--rulesets", str(STATE)])
    out, err = capsys.readouterr()
    return status, out, err


def losers() -> list[str]:
    facts = facts_2024()
    return sorted(
        s for s, f in facts.items() if qualifies_for_ldtt(f, 6) and not qualifies_for_ldtt(f, 12)
    )


def lost_bonus() -> Decimal:
    """The LĐTT bonus money the losers lose (no one of them loses CSTĐCS in the example)."""
    return -LDTT_BONUS_2024 * len(losers())


def test_the_table_names_who_loses_ldtt_and_why(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, err = run(capsys, "--after-set", "min_months_worked=12", "--lang", "en")
    assert (status, err) == (0, "")
    for subject in losers():
        assert (
            f"{subject}  ldtt (Advanced Worker): Granted (granted) → Not eligible (not_eligible)"
            in out
        )
    assert "    criterion min_service (" in out
    assert (
        f"  ldtt (Advanced Worker): gain 0, lose {len(losers())}, change otherwise 0;"
        f" bonus {lost_bonus()}" in out
    )
    assert f"Total change in bonus money: {lost_bonus()}\n" in out


def test_the_table_speaks_vietnamese_by_default(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(capsys, "--after-set", "min_months_worked=12")
    assert status == 0
    assert "Lao động tiên tiến" in out
    assert "tiêu chí min_service" in out
    assert f"Tổng thay đổi tiền thưởng: {lost_bonus()}\n" in out


def test_no_difference_exits_zero_and_says_so(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, err = run(capsys, "--set", "min_months_worked=12", "--lang", "en")
    assert (status, err) == (0, "")
    assert out.startswith("Period 2024: no decision changes (")


def test_json_shape(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(capsys, "--after-set", "min_months_worked=12", "--format", "json")
    assert status == 0
    document = json.loads(out)
    assert set(document) == {
        "period",
        "lang",
        "compared",
        "changed",
        "bonus_change",
        "awards",
        "changes",
    }
    assert (document["period"], document["lang"], document["bonus_change"]) == (
        "2024",
        "vi",
        str(lost_bonus()),
    )
    ldtt = [c for c in document["changes"] if c["award"] == "ldtt"]
    assert [c["subject"] for c in ldtt] == losers()
    assert ldtt[0]["outcome"] == {"before": "granted", "after": "not_eligible"}
    assert ldtt[0]["change"] == "lost"
    assert [(c["id"], c["before"], c["after"]) for c in ldtt[0]["criteria"]] == [
        ("min_service", True, False)
    ]
    assert set(ldtt[0]) == {
        "subject",
        "award",
        "award_label",
        "change",
        "outcome",
        "criteria",
        "rank",
        "cap",
        "bonus",
        "fields",
    }
    assert document["changed"] == len(document["changes"])


def test_csv_shape(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    target = tmp_path / "diff.csv"
    status, out, _ = run(
        capsys, "--after-set", "min_months_worked=12", "--format", "csv", "-o", str(target)
    )
    assert (status, out) == (0, "")
    rows = list(csv.DictReader(io.StringIO(target.read_text(encoding="utf-8"))))
    ldtt = [row for row in rows if row["award"] == "ldtt"]
    assert [row["subject"] for row in ldtt] == losers()
    assert ldtt[0]["criteria"] == "min_service: true -> false"
    assert (ldtt[0]["outcome_before"], ldtt[0]["outcome_after"]) == ("granted", "not_eligible")
    assert ldtt[0]["bonus_change"] == str(-LDTT_BONUS_2024)


def test_after_rulesets_replace_those_with_the_same_id(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    copy = tmp_path / "state"
    shutil.copytree(STATE, copy)
    file = copy / "individual_titles_2024.toml"
    file.write_text(with_min_months(file.read_text(encoding="utf-8"), 12), encoding="utf-8")
    status, out, err = run(capsys, "--after-rulesets", str(copy), "--format", "json")
    assert (status, err) == (0, "")
    ldtt = [c["subject"] for c in json.loads(out)["changes"] if c["award"] == "ldtt"]
    assert ldtt == losers()


def test_bonus_money_of_2025(capsys: pytest.CaptureFixture[str]) -> None:
    status = main(
        ["diff", UNION, "--period", "2025", "--after-set", "bonus_ldtt=0", "--format", "json"]
    )
    document = json.loads(capsys.readouterr().out)
    assert status == 0
    changes = [Decimal(c["bonus"]["change"]) for c in document["changes"]]
    assert changes
    assert all(change < 0 for change in changes)
    assert all(c["change"] == "changed" for c in document["changes"])
    assert Decimal(document["bonus_change"]) == sum(changes, Decimal(0))


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--after-set", "x"], "emulation: --after-set expects NAME=VALUE, got 'x'\n"),
        (["--after-set", "nope=1"], 'emulation: unknown parameter "nope" for period 2024'),
    ],
)
def test_errors_are_one_line(
    capsys: pytest.CaptureFixture[str], args: list[str], message: str
) -> None:
    status, out, err = run(capsys, *args)
    assert (status, out) == (1, "")
    assert err.startswith(message)
    assert err.count("\n") == 1
