"""Standings and the plan: a standings whose ranking keys read a score sheet is ranked when the
evaluation computes that sheet, and left out — not failed — when the awards asked for read no
such sheet (the union's cluster table ranks by the cluster's own sheet)."""

from __future__ import annotations

from pathlib import Path

import emulation
from emulation.data.population import Population

VGCL = Path(__file__).parents[2] / "rulesets" / "vgcl"

UNIT = {
    "id": "cs",
    "kind": "collective",
    "cluster": "c1",
    "facts": {
        "2025": {
            "cluster_signed": True,
            "cluster_points": "90",
            "cluster_max_points": "100",
            "nhom_1": "30",
            "nhom_2": "30",
            "nhom_3": "10",
            "months_operating": 24,
        }
    },
}
MEMBER = {
    "id": "m",
    "kind": "person",
    "parent": "cs",
    "facts": {"2025": {"movement_registered": True, "union_rating": "HTXS"}},
}


def _engine() -> emulation.Engine:
    return emulation.build_engine(entry_points=False, ruleset_paths=[VGCL])


def test_standings_reading_a_sheet_not_computed_are_left_out() -> None:
    engine = _engine()
    population = Population.from_json({"subjects": [UNIT, MEMBER]})
    evaluation = engine.evaluate(population, "2025", ["doan_vien_xuat_sac"])
    assert evaluation.decision("m", "doan_vien_xuat_sac").outcome == "granted"
    assert {s.standings for s in evaluation.standings_of()} <= {"ndc_national"}


def test_standings_are_ranked_when_every_award_is_decided() -> None:
    engine = _engine()
    population = Population.from_json({"subjects": [UNIT, MEMBER]})
    evaluation = engine.evaluate(
        population,
        "2025",
        parameters={
            "cdcs_min_htxs": 90,
            "cdcs_min_htt": 70,
            "cdcs_min_ht": 50,
            "lds_benefit_summed": False,
            "lds_coauthor_share": False,
            "cdcs_vung_manh_in_force": False,
        },
    )
    places = {(s.standings, s.subject): s.rank for s in evaluation.standings_of()}
    assert places[("cum_thi_dua", "cs")] == 1
    assert places[("xep_hang_cdcs", "cs")] == 1
    assert evaluation.decision("cs", "cdcs_htt").outcome == "granted"
