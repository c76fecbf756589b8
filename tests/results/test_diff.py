"""What changes if: one population, one period, two rule sets, every decision that differs."""

from __future__ import annotations

import json
import shutil
from decimal import Decimal
from pathlib import Path

import pytest
from diff_expectations import (
    CSTDCS_BONUS_2024,
    LDTT_BONUS_2024,
    MIN_MONTHS_2024,
    SECTION,
    STATE,
    UNION_JSON,
    both_2024,
    excellence_2024,
    facts_2024,
    persons_2024,
    qualifies_for_ldtt,
    with_min_months,
)

import emulation
from emulation.results.diff import Diff, diff_evaluations


@pytest.fixture(scope="module")
def union() -> emulation.Population:
    return emulation.Population.from_json(UNION_JSON.read_text(encoding="utf-8"))


def test_the_2024_minimum_is_the_one_the_test_assumes() -> None:
    text = (STATE / "individual_titles_2024.toml").read_text(encoding="utf-8")
    assert MIN_MONTHS_2024 in text.partition(SECTION)[2].partition("\n[")[0]


@pytest.fixture(scope="module")
def twelve_months(state_engine: emulation.Engine, union: emulation.Population) -> Diff:
    return state_engine.diff(union, "2024", after_parameters={"min_months_worked": 12})


def test_twelve_months_minimum_lists_exactly_those_who_lose_ldtt(twelve_months: Diff) -> None:
    facts = facts_2024()
    expected = sorted(
        s for s, f in facts.items() if qualifies_for_ldtt(f, 6) and not qualifies_for_ldtt(f, 12)
    )
    assert expected  # the example union has new recruits with fewer than 12 months
    ldtt = [change for change in twelve_months.changes if change.award == "ldtt"]
    assert [change.subject for change in ldtt] == expected
    for change in ldtt:
        assert (change.outcome_before, change.outcome_after, change.change) == (
            "granted",
            "not_eligible",
            "lost",
        )
        assert [(c.id, c.before, c.after) for c in change.criteria] == [
            ("min_service", True, False)
        ]
        assert "months_worked" in dict(change.before.criteria[2].inputs)  # type: ignore[union-attr]
    (count,) = [c for c in twelve_months.counts() if c.award == "ldtt"]
    assert (count.gained, count.lost, count.changed) == (0, len(expected), 0)
    # what reads ldtt changes with it, and nothing else does
    others = {c.award for c in twelve_months.changes if c.award != "ldtt"}
    assert others <= {"cstdcs", "ttldtt", "ttldxs"}
    # bonus money from 01/01/2024 (Decree 98/2023 Art 54(1)): each loser of LĐTT loses its
    # 710,000 VND, and those who also lose CSTĐCS (HTXS or a 2024 initiative) its 2,340,000
    for change in ldtt:
        assert change.before is not None
        assert change.after is not None
        assert (change.before.bonus, change.after.bonus) == (LDTT_BONUS_2024, None)
    persons = persons_2024()
    cstdcs_losers = sorted(s for s in expected if excellence_2024(persons[s]))
    cstdcs = [
        c.subject for c in twelve_months.changes if c.award == "cstdcs" and c.change == "lost"
    ]
    assert cstdcs == cstdcs_losers
    collective = sum(
        (c.bonus_change for c in twelve_months.changes if c.award in {"ttldtt", "ttldxs"}),
        Decimal(0),
    )
    assert twelve_months.bonus_change == collective - (
        LDTT_BONUS_2024 * len(expected) + CSTDCS_BONUS_2024 * len(cstdcs_losers)
    )


def test_the_same_rules_on_both_sides_change_nothing(
    state_engine: emulation.Engine, union: emulation.Population
) -> None:
    diff = state_engine.diff(union, "2024", state_engine, parameters={"min_months_worked": 6})
    assert diff.same
    assert diff.changes == ()
    assert diff.compared > 0
    assert diff.bonus_change == Decimal(0)
    assert diff.counts() == ()
    assert diff.render("table", "en") == (
        f"Period 2024: no decision changes ({diff.compared} decisions compared).\n"
    )
    assert json.loads(diff.render("json"))["changes"] == []


def test_set_applies_to_both_sides(
    state_engine: emulation.Engine, union: emulation.Population
) -> None:
    diff = state_engine.diff(
        union, "2024", parameters={"min_months_worked": 12}, after_parameters={}
    )
    assert diff.same


def test_a_copy_of_the_rulesets_with_another_threshold(
    tmp_path: Path, union: emulation.Population, twelve_months: Diff
) -> None:
    copy = tmp_path / "state"
    shutil.copytree(STATE, copy)
    file = copy / "individual_titles_2024.toml"
    text = file.read_text(encoding="utf-8")
    file.write_text(with_min_months(text, 12), encoding="utf-8")
    before = emulation.build_engine(entry_points=False, ruleset_paths=[STATE])
    after = emulation.build_engine(entry_points=False, ruleset_paths=[copy])
    diff = before.diff(union, "2024", after)
    assert [(c.subject, c.award, c.change) for c in diff.changes] == [
        (c.subject, c.award, c.change) for c in twelve_months.changes
    ]


def test_bonus_money_changes_exactly(
    state_engine: emulation.Engine, union: emulation.Population
) -> None:
    before = state_engine.evaluate(union, "2025")
    after = state_engine.evaluate(union, "2025", parameters={"bonus_ldtt": "0.5"})
    diff = diff_evaluations(before, after)
    granted = [d for d in before.decisions() if d.award == "ldtt" and d.outcome == "granted"]
    assert granted
    assert all(d.bonus is not None for d in granted)
    assert [c.subject for c in diff.changes] == sorted(d.subject for d in granted)
    expected = sum(
        (
            a.bonus - b.bonus
            for a, b in zip(
                sorted(
                    (d for d in after.decisions() if d.award == "ldtt" and d.outcome == "granted"),
                    key=lambda d: d.subject,
                ),
                sorted(granted, key=lambda d: d.subject),
                strict=True,
            )
        ),
        Decimal(0),
    )
    assert expected > 0
    assert diff.bonus_change == expected
    assert all(c.change == "changed" and c.criteria == () for c in diff.changes)
    document = json.loads(diff.render("json", "en"))
    assert Decimal(document["bonus_change"]) == expected
    assert document["awards"] == [
        {
            "award": "ldtt",
            "label": "Advanced Worker",
            "gained": 0,
            "lost": 0,
            "changed": len(granted),
            "bonus_change": str(expected),
        }
    ]


def test_an_unknown_format_is_refused(twelve_months: Diff) -> None:
    with pytest.raises(ValueError, match="unknown diff format"):
        twelve_months.render("xml")


def test_requiring_both_lists_exactly_those_who_lose_cstdcs_and_why(
    state_engine: emulation.Engine, union: emulation.Population
) -> None:
    """Issue 16's done-when: the draft amendment of Law 06/2022 as a switch, on the union."""
    diff = state_engine.diff(union, "2024", after_parameters={"cstdcs_requires_both": True})
    persons = persons_2024()
    expected = sorted(
        s
        for s, p in persons.items()
        if qualifies_for_ldtt(p["facts"]["2024"], 6) and excellence_2024(p) and not both_2024(p)
    )
    assert expected  # the example union has HTXS holders without an initiative, and the reverse
    lost = [c for c in diff.changes if c.award == "cstdcs" and c.change == "lost"]
    assert [c.subject for c in lost] == expected
    for change in lost:
        assert (change.outcome_before, change.outcome_after) == ("granted", "not_eligible")
        assert [(c.id, c.before, c.after) for c in change.criteria] == [
            ("both_required", True, False)
        ]
    # nobody gains, LĐTT does not move, and the money lost is exactly their CSTĐCS bonus
    assert not [c for c in diff.changes if c.change == "gained"]
    assert not [c for c in diff.changes if c.award == "ldtt"]
    individual = sum((c.bonus_change for c in lost), Decimal(0))
    assert individual == -CSTDCS_BONUS_2024 * len(expected)
