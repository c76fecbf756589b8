"""Standings in an evaluation of some awards only: a standings whose keys read a score sheet
(or an award) that is not computed is left out, instead of failing on a missing column; with
every award, or with the sheet asked for, it is ranked."""

from __future__ import annotations

from pathlib import Path

import emulation
from emulation import Population

DANVAN = Path(__file__).resolve().parents[2] / "rulesets" / "danvan"
ENGINE = emulation.build_engine(entry_points=False, ruleset_paths=[DANVAN])
FACTS = {
    "ct_group": "city",
    "ct_org_points": 10,
    "ct_impl_points": 88,
    "ct_deduction_points": 0,
    "ct_self_assessed": True,
}
UNITS = Population.from_json(
    {
        "subjects": [
            {"id": "a", "kind": "collective", "cluster": "k", "facts": {"2026": FACTS}},
            {
                "id": "b",
                "kind": "collective",
                "cluster": "k",
                "facts": {"2026": {**FACTS, "ct_impl_points": 80}},
            },
        ]
    }
)
MONTHS = {"dvk_min_months": 12}


def test_an_award_that_reads_no_sheet_is_decided_without_the_standings() -> None:
    evaluation = ENGINE.evaluate(UNITS, "2026", ["dvk_mo_hinh"], parameters=MONTHS)
    assert {d.outcome for d in evaluation.decisions()} == {"not_eligible"}
    assert evaluation.standings().is_empty()


def test_the_standings_are_ranked_when_their_sheet_is_computed() -> None:
    for evaluation in (
        ENGINE.evaluate(UNITS, "2026", ["dvk_mo_hinh"], parameters=MONTHS, scores=["ct_dv"]),
        ENGINE.evaluate(UNITS, "2026", parameters=MONTHS),
    ):
        ranked = evaluation.standings().select("subject", "rank").rows()
        assert ranked == [("a", 1), ("b", 2)]
