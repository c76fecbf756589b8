"""The vape plugin (Hội Khuyến học Việt Nam): ``emulation test vape`` covers every rule, sheet
part and KPI; the scholarship never spends more than its fund in a category and the Nhân tài Đất
Việt nominations never exceed k per organisation and field, whatever the population
(Hypothesis); the example evaluated through the command line gives the outcomes its README
describes."""

from __future__ import annotations

import json
import re
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings

import emulation
from emulation import Population, properties, strategies
from emulation.cli import main

ROOT = Path(__file__).resolve().parents[2]
RULESETS = ROOT / "rulesets" / "vape"
EXAMPLE = ROOT / "examples" / "vape"
#: The unknown values the example sets for a run (README): test values, not the rules'.
SETTINGS = {
    "gdht_pass_mark": "80",
    "cdht_village_pass_mark": "85",
    "dvht_commune_pass_mark": "90",
    "cdht_pass_mark": "70",
    "scholarship_fund_pupils": "10000000",
    "scholarship_fund_adults": "6000000",
    "scholarship_fund_workers_children": "3000000",
    "scholarship_amount": "3000000",
    "scholarship_repeatable": "false",
    "ntdv_places_per_council": "2",
    "ntdv_finalists": "4",
    "knc_min_years": "5",
}
SET = [arg for name, value in SETTINGS.items() for arg in ("--set", f"{name}={value}")]
#: A tenth of the profile's examples (5 in dev, 20 in ci): each example evaluates twice.
EXAMPLES = settings(
    max_examples=max(settings.default.max_examples // 10, 5),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)


@pytest.mark.organisation_plugins
def test_emulation_test_vape_reports_full_coverage(capsys: pytest.CaptureFixture[str]) -> None:
    status = main(["test", "vape", "--examples", "1", "--min-coverage", "100"])
    out = capsys.readouterr().out
    assert status == 0, out
    totals = re.findall(r"^  total +(\d+) / (\d+) +100\.0 %$", out, re.MULTILINE)
    assert len(totals) == 2, out
    assert all(a == b for a, b in totals), out
    assert "vape.programme_targets 1.0.0 kpi gdht_share" in out
    assert "selections ok" in out  # the properties ran, the budgets and nominations among them
    assert out.rstrip().endswith("result: ok")


# -- selections: the fund per category, k per organisation and field ---------------------------

SCHOLARSHIP = emulation.build_engine(
    entry_points=False, ruleset_paths=[RULESETS / "scholarship.toml"]
)
MONEY = {
    "scholarship_fund_pupils": Decimal(7_000_000),
    "scholarship_fund_adults": Decimal(3_000_000),
    "scholarship_fund_workers_children": Decimal(0),
    "scholarship_amount": Decimal(2_000_000),
    "scholarship_repeatable": False,
}
NOMINATIONS = emulation.build_engine(
    entry_points=False, ruleset_paths=[RULESETS / "nhan_tai_dat_viet.toml"]
)
PLACES = {"ntdv_places_per_council": 1, "ntdv_finalists": 2}


def facts(population: Population, name: str) -> dict[str, Any]:
    """Each subject's value of the fact ``name`` in 2025."""
    frame = population.facts
    if name not in frame.columns:
        return {}
    rows = frame.filter(frame["period"] == "2025").select("subject", name).iter_rows()
    return dict(rows)


@pytest.mark.slow
@EXAMPLES
@given(strategies.from_ruleset(SCHOLARSHIP.rulesets, period="2025", parameters=MONEY))
def test_the_scholarship_never_spends_more_than_its_fund_per_category(
    population: Population,
) -> None:
    properties.assert_selections_respected(SCHOLARSHIP, population, "2025", parameters=MONEY)
    evaluation = SCHOLARSHIP.evaluate(population, "2025", ["hoc_bong"], parameters=MONEY)
    categories = facts(population, "scholarship_category")
    spent: dict[str, Decimal] = {}
    for decision in evaluation.decisions():
        if decision.outcome == "granted":
            category = str(categories[decision.subject])
            spent[category] = spent.get(category, Decimal(0)) + (decision.amount or Decimal(0))
    funds = {
        "pupil_student": MONEY["scholarship_fund_pupils"],
        "adult_learner": MONEY["scholarship_fund_adults"],
        "poor_worker_child": MONEY["scholarship_fund_workers_children"],
    }
    for category, total in spent.items():
        assert total <= funds[category], (category, total)


@pytest.mark.slow
@EXAMPLES
@given(strategies.from_ruleset(NOMINATIONS.rulesets, period="2025", parameters=PLACES))
def test_nominations_never_exceed_k_per_organisation_and_field(population: Population) -> None:
    properties.assert_selections_respected(NOMINATIONS, population, "2025", parameters=PLACES)
    evaluation = NOMINATIONS.evaluate(population, "2025", ["ntdv_de_cu"], parameters=PLACES)
    councils = facts(population, "nominating_council")
    per_council: dict[str, int] = {}
    for decision in evaluation.decisions():
        if decision.outcome == "granted":
            council = str(councils[decision.subject])
            per_council[council] = per_council.get(council, 0) + 1
    assert all(count <= PLACES["ntdv_places_per_council"] for count in per_council.values())


# -- the example through the command line ------------------------------------------------------


def evaluate(capsys: pytest.CaptureFixture[str], name: str, *args: str) -> dict[str, Any]:
    status = main(["evaluate", str(EXAMPLE / name), "--period", "2025", "--format", "json",
                   *SET, *args])  # fmt: skip
    out, err = capsys.readouterr()
    assert status == 0, err
    document: dict[str, Any] = json.loads(out)
    return document


def outcomes(document: dict[str, Any], award: str) -> dict[str, str]:
    return {d["subject"]: d["outcome"] for d in document["decisions"] if d["award"] == award}


@pytest.mark.organisation_plugins
def test_the_example_commune_families_clans_and_units(
    capsys: pytest.CaptureFixture[str],
) -> None:
    awards = ("gdht", "dhht", "cdht_thon", "dvht_xa")
    document = evaluate(capsys, "communes.json", *(a for w in awards for a in ("--award", w)))
    families = outcomes(document, "gdht")
    granted = sorted(s for s, o in families.items() if o == "granted")
    assert granted == ["dl-gd01", "dl-gd02", "dl-gd05", "dl-gd08", "dl-gd09", "dl-gd10",
                       "kl-gd01", "kl-gd02", "kl-gd03", "kl-gd04"]  # fmt: skip
    clans = outcomes(document, "dhht")
    assert clans["dl-ho-nguyen"] == "granted"  # 2 of 4 families: exactly half
    assert clans["dl-ho-tran"] == "not_eligible"  # 1 of 3
    assert outcomes(document, "cdht_thon")["dl-t2"] == "not_eligible"
    assert outcomes(document, "dvht_xa")["dl-tyt"] == "not_eligible"


@pytest.mark.organisation_plugins
def test_the_example_commune_is_short_of_the_2025_family_target(
    capsys: pytest.CaptureFixture[str],
) -> None:
    status = main(["kpis", str(EXAMPLE / "communes.json"), "--period", "2025", "--format",
                   "json", *SET, "--kpi", "gdht_share"])  # fmt: skip
    out, err = capsys.readouterr()
    assert status == 0, err
    rows = {row["node"]: row for row in json.loads(out)["kpis"]}
    commune = rows["xa-dl"]
    assert (commune["numerator"], commune["denominator"]) == (6, 10)
    assert (commune["outcome"], commune["needed"]) == ("not_met", 1)
    assert Decimal(commune["target"]) == Decimal("0.7")
    nghe_an = rows["na"]
    assert Decimal(nghe_an["target"]) == 1
    assert nghe_an["target_source"] == "override"
    status = main(["kpis", str(EXAMPLE / "communes.json"), "--period", "2025", *SET,
                   "--kpi", "gdht_share", "--node", "xa-dl", "--lang", "en"])  # fmt: skip
    out = capsys.readouterr().out
    assert "Short of the 70 % target: 60 %, 6 of 10 families; 1 more needed" in out


@pytest.mark.organisation_plugins
def test_the_example_scholarship_nominations_and_medal(
    capsys: pytest.CaptureFixture[str],
) -> None:
    scholarship = evaluate(capsys, "scholarship.json", "--award", "hoc_bong")
    found = outcomes(scholarship, "hoc_bong")
    assert [found[f"hb-{i:02d}"] for i in range(1, 11)] == [
        "granted", "granted", "granted", "eligible_over_budget", "not_eligible",
        "granted", "granted", "eligible_over_budget", "granted", "eligible_over_budget",
    ]  # fmt: skip
    nominations = evaluate(
        capsys, "nominations.json", "--award", "ntdv_de_cu", "--award", "ntdv_chung_khao",
        "--as-of", "2025-08-31",
    )  # fmt: skip
    first = outcomes(nominations, "ntdv_de_cu")
    assert first["nt-03"] == "eligible_over_quota"  # the confederation's third start-up entry
    assert first["nt-05"] == "not_eligible"  # over three years on the market
    final = outcomes(nominations, "ntdv_chung_khao")
    assert sorted(s for s, o in final.items() if o == "granted") == [
        "nt-01", "nt-02", "nt-04", "nt-06",
    ]  # fmt: skip
    medal = outcomes(evaluate(capsys, "medal.json", "--award", "knc_khuyen_hoc"), "knc_khuyen_hoc")
    assert medal == {"knc-01": "granted", "knc-02": "not_eligible", "knc-03": "not_eligible"}


@pytest.mark.organisation_plugins
def test_the_cluster_standings_rank_the_seed_figures(capsys: pytest.CaptureFixture[str]) -> None:
    status = main(["standings", str(EXAMPLE / "cluster3.json"), "--period", "2025",
                   "--format", "json"])  # fmt: skip
    out, err = capsys.readouterr()
    assert status == 0, err
    table: dict[str, list[str]] = {}
    for row in sorted(json.loads(out)["standings"], key=lambda r: (r["standings"], r["rank"])):
        table.setdefault(row["standings"], []).append(row["subject"])
    assert table["fund_mobilised"] == ["hkh-thai-binh", "hkh-ninh-binh", "hkh-bac-ninh"]
    assert table["fund_total"] == ["hkh-bac-ninh", "hkh-thai-binh", "hkh-ninh-binh"]


def test_the_generator_reproduces_the_committed_files(tmp_path: Path) -> None:
    import importlib.util  # lazy: the example's script is loaded from its path

    spec = importlib.util.spec_from_file_location("make_vape", EXAMPLE / "make_example.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    module.write(tmp_path)
    for name in ("communes.json", "scholarship.json", "nominations.json", "medal.json",
                 "cluster3.json"):  # fmt: skip
        assert (tmp_path / name).read_text("utf-8") == (EXAMPLE / name).read_text("utf-8")


@pytest.mark.organisation_plugins
@pytest.mark.parametrize(
    ("lang", "shown"),
    [
        ("vi", ["19.000.000.000", "11.000.000.000", "∅", "Quỹ khuyến học vận động được"]),
        ("en", ["19,000,000,000", "11,000,000,000", "∅", "Learning fund mobilised in the six"]),
    ],
)
def test_the_cluster_table_shows_each_province_figure(
    capsys: pytest.CaptureFixture[str], lang: str, shown: list[str]
) -> None:
    status = main(["standings", str(EXAMPLE / "cluster3.json"), "--period", "2025",
                   "--standings", "fund_mobilised", "--lang", lang])  # fmt: skip
    out = capsys.readouterr().out
    assert status == 0
    rows = [line for line in out.splitlines() if line.startswith(("1 ", "2 ", "3 "))]
    assert [row.split()[1] for row in rows] == ["hkh-thai-binh", "hkh-ninh-binh", "hkh-bac-ninh"]
    assert [row.split()[-1] for row in rows] == shown[:3]
    assert shown[3] in out
