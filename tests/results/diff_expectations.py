"""What the diff tests expect, worked out from the example union and the ruleset text, not
from the engine (imported by the diff tests of this folder)."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
UNION_JSON = ROOT / "examples" / "union.json"
STATE = ROOT / "rulesets" / "state"
SECTION = "[parameters.min_months_worked]"
MIN_MONTHS_2024 = "values = [{ from = 2024-01-01, value = 6 }]"


def with_min_months(text: str, months: int) -> str:
    """The 2024 individual titles file with ``min_months_worked`` set to ``months``."""
    head, section, tail = text.partition(SECTION)
    body, next_table, rest = tail.partition("\n[")
    changed = body.replace(MIN_MONTHS_2024, MIN_MONTHS_2024.replace("6", str(months)))
    assert changed != body
    return head + section + changed + next_table + rest


def facts_2024() -> dict[str, dict[str, Any]]:
    document = json.loads(UNION_JSON.read_text(encoding="utf-8"))
    return {
        subject["id"]: subject["facts"]["2024"]
        for subject in document["subjects"]
        if subject["kind"] == "person" and "2024" in subject.get("facts", {})
    }


def qualifies_for_ldtt(facts: dict[str, Any], min_months: int) -> bool:
    """Lao động tiên tiến as the 2024 rules read it, written out from the ruleset's text."""
    months = sum(
        facts.get(name) or 0
        for name in (
            "months_worked",
            "months_maternity_leave",
            "months_injury_treatment",
            "months_training",
        )
    )
    blocked = any(
        facts.get(name, False)
        for name in ("under_discipline_review", "under_investigation", "pending_complaint")
    )
    return (
        facts.get("rating") in ("HTT", "HTXS")
        and facts.get("good_attitude") is True
        and (not facts.get("recruited_this_period", False) or months >= min_months)
        and not blocked
    )


#: Bonus money for 2024 (Decree 98/2023 Art 54(1), from 01/01/2024), worked out by hand: the
#: base salary on 31/12/2024 is 2,340,000 VND (Decree 73/2024); LĐTT 0.3 × 2,340,000 = 702,000,
#: rounded up to the next 10,000 = 710,000; CSTĐCS 1.0 × 2,340,000 = 2,340,000.
LDTT_BONUS_2024 = Decimal("710000")
CSTDCS_BONUS_2024 = Decimal("2340000")
CSTDCS_EVIDENCE = ("initiative", "scientific_work", "combat_ingenuity")


def persons_2024() -> dict[str, dict[str, Any]]:
    """The example union's persons with facts for 2024, whole records."""
    document = json.loads(UNION_JSON.read_text(encoding="utf-8"))
    return {
        subject["id"]: subject
        for subject in document["subjects"]
        if subject["kind"] == "person" and "2024" in subject.get("facts", {})
    }


def excellence_2024(person: dict[str, Any]) -> bool:
    """CSTĐCS's second criterion in 2024: HTXS, or an initiative (or the like) of 2024."""
    evidence = [
        e
        for e in person.get("evidence", [])
        if e["period"] == "2024" and e["kind"] in CSTDCS_EVIDENCE
    ]
    return person["facts"]["2024"].get("rating") == "HTXS" or bool(evidence)


def both_2024(person: dict[str, Any]) -> bool:
    """The draft amendment's CSTĐCS (cstdcs_requires_both): HTXS and an initiative of 2024."""
    evidence = [
        e
        for e in person.get("evidence", [])
        if e["period"] == "2024" and e["kind"] in CSTDCS_EVIDENCE
    ]
    return person["facts"]["2024"].get("rating") == "HTXS" and bool(evidence)
