"""The candidates of a subject kind (`evaluate/candidates.py`): a kind no subject is of gives
the frame of no row with the very columns and types a frame with rows has, without a query."""

from __future__ import annotations

from pathlib import Path

import emulation
from emulation import Period, Population
from emulation.evaluate.candidates import base_frame
from emulation.evaluate.plan import plan_evaluation

ROOT = Path(__file__).resolve().parents[2]
PERIOD = Period.parse("2024")


def _person(pid: str, parent: str | None) -> dict[str, object]:
    facts = {"2024": {"rating": "HTXS", "months_worked": 12, "good_attitude": True}}
    return {"id": pid, "kind": "person", "parent": parent, "facts": facts}


def test_a_kind_without_subjects_has_the_columns_and_types_of_one_with_them() -> None:
    engine = emulation.build_engine(entry_points=False, ruleset_paths=[ROOT / "rulesets" / "state"])
    rulesets = engine.rulesets_for(PERIOD, None)
    available = {a.id: (a, r) for r in rulesets for a in r.awards.values()}
    plan = plan_evaluation(PERIOD, rulesets, available, None, {}, None)
    facts = plan.facts_of("collective")
    assert facts  # the collectives' awards read facts
    unit = {"id": "u", "kind": "collective", "facts": {"2024": {"rating": "HTXS"}}}
    with_units = Population.from_json({"subjects": [unit, _person("a", "u")]})
    without = Population.from_json({"subjects": [_person("a", None)]})
    some = base_frame(with_units, PERIOD, "collective", facts)
    none = base_frame(without, PERIOD, "collective", facts)
    assert some.height == 1
    assert none.height == 0
    assert none.schema == some.schema
    again = base_frame(without, PERIOD, "collective", facts)
    assert again.schema == none.schema
    assert again is not none  # each evaluation gets its own frame
