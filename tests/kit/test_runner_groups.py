"""How ``emulation test`` hands rulesets to the properties: grouped by the kinds of period they
are evaluated for (a congress-term ruleset apart from the annual ones), leaving out the awards
that read a parameter shipped with no value (directly or through an award they read); and the
version-boundary property moves a congress term whole."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import emulation
from emulation._testing.runner import checkable_awards, period_groups
from emulation.period import Period
from emulation.properties.boundaries import _either_side

VGCL = Path(__file__).parents[2] / "rulesets" / "vgcl"


def _rulesets() -> tuple[emulation.Ruleset, ...]:
    return emulation.build_engine(entry_points=False, ruleset_paths=[VGCL]).rulesets


def test_rulesets_are_grouped_by_their_kinds_of_period() -> None:
    groups = period_groups(_rulesets())
    assert [sorted(r.id for r in group) for group in groups] == [
        ["vgcl.awards", "vgcl.learning_targets", "vgcl.movement"],
        ["vgcl.congress_prizes"],
    ]


def test_awards_reading_a_parameter_without_value_are_left_to_the_cases() -> None:
    checked = checkable_awards(_rulesets())
    # bang_ldst reads lds_benefit_summed; cdcs_htxs reads cdcs_min_htxs; co_ldld reads cdcs_htxs
    assert "bang_ldst" not in checked
    assert "cdcs_htxs" not in checked
    assert "co_ldld" not in checked
    assert {"knc_cong_doan", "co_xsd", "giai_nguyen_duc_canh"} <= set(checked)


def test_a_term_is_moved_whole_across_a_version_boundary() -> None:
    sides = _either_side(Period.term(2023, 2028), dt.date(2024, 5, 29))
    assert sides == [Period.term(2018, 2023), Period.term(2019, 2024)]
    assert _either_side(Period.calendar(2024), dt.date(2024, 5, 29)) == [
        Period.calendar(2023),
        Period.calendar(2024),
    ]
