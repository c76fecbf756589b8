"""The movement example (examples/movement/): its case file passes, and the sample units are
scored and commended as the how-to (docs/how-to/write-a-movements-score-sheet.md) says."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

import emulation
from emulation.cases import load_case_file, run_case

FOLDER = Path(__file__).parents[1] / "examples" / "movement"


@pytest.fixture(scope="module")
def engine() -> emulation.Engine:
    return emulation.build_engine(entry_points=False, ruleset_paths=[FOLDER / "movement.toml"])


def test_the_cases_pass(engine: emulation.Engine) -> None:
    cases = load_case_file(FOLDER / "movement.cases.toml")
    assert len(cases) == 10
    failures = [f for case in cases for f in run_case(engine, case).failures]
    assert not failures, failures


def test_the_units_are_scored_and_commended(engine: emulation.Engine) -> None:
    evaluation = engine.evaluate(engine.read_population(FOLDER / "units.json"), "2026")
    scores = {row["subject"]: (row["total"], row["band"]) for row in evaluation.scores().to_dicts()}
    assert scores == {
        "phuong-an-hoa": (Decimal(100), "KHT"),
        "phuong-cai-khe": (Decimal(94), "HTT"),
        "phuong-ninh-kieu": (Decimal(96), "HT"),
        "so-giao-duc": (Decimal(98), "HTXS"),
        "so-noi-vu": (Decimal(99), "HTXS"),
        "so-tai-chinh": (Decimal(98), "HTXS"),
        "so-xay-dung": (Decimal(100), "HTT"),
        "so-y-te": (Decimal("93.5"), "HTT"),
        "xa-my-khanh": (None, None),
    }
    outcomes = {d.subject: (d.outcome, d.rank) for d in evaluation.decisions()}
    assert outcomes["so-noi-vu"] == ("granted", 1)
    assert outcomes["so-tai-chinh"] == ("eligible_over_quota", 2)
    assert outcomes["so-giao-duc"] == ("eligible_over_quota", 2)
    assert outcomes["xa-my-khanh"] == ("data_missing", None)
    assert {s for s, (o, _) in outcomes.items() if o == "granted"} == {"so-noi-vu"}
    short = evaluation.score("so-y-te", "dv")
    assert (short.next_band, short.short) == ("HTXS", Decimal("1.5"))


def test_the_units_stand_in_their_cluster_by_grade_then_score(engine: emulation.Engine) -> None:
    evaluation = engine.evaluate(engine.read_population(FOLDER / "units.json"), "2026")
    places = {p.subject: (p.group, p.rank, p.tied_with) for p in evaluation.standings_of()}
    assert places == {
        "so-noi-vu": ("departments", 1, ()),
        "so-giao-duc": ("departments", 2, ("so-tai-chinh",)),
        "so-tai-chinh": ("departments", 2, ("so-giao-duc",)),
        "so-xay-dung": ("departments", 4, ()),
        "so-y-te": ("departments", 5, ()),
        "phuong-cai-khe": ("wards", 1, ()),
        "phuong-ninh-kieu": ("wards", 2, ()),
        "phuong-an-hoa": ("wards", 3, ()),
        "xa-my-khanh": ("wards", 4, ()),
    }
