"""Caps by group type with ``per = "fact"``: the value of ``group_fact`` is both the group and
its type, so persons of every central agency of a city share one cap (Cần Thơ QĐ
2579/QĐ-UBND Art 7: at most 4 persons from central agencies, 6 from city departments, 30 from
communes and wards), however many agencies they belong to; and the loader's checks."""

from __future__ import annotations

import random
from pathlib import Path
from typing import Any

import pytest

import emulation
from emulation import Population, RulesetError

RULESET = """
format = 1

[ruleset]
id = "test.count_by_fact"
organisation = "test"
version = "1.0.0"
effective_from = 2026-01-01
title = { vi = "Thử", en = "Test" }

[facts.excellent]
type = "bool"
label = { vi = "Xuất sắc", en = "Excellent" }

[facts.points]
type = "decimal"
label = { vi = "Điểm", en = "Points" }

[facts.group]
type = "enum"
values = ["central", "city", "commune"]
label = { vi = "Khối", en = "Group" }

[awards.bk]
kind = "commendation"
subject = "person"
label = { vi = "Bằng khen", en = "Certificate" }

[[awards.bk.criteria]]
id = "excellent"
expr = "excellent"
label = { vi = "Xuất sắc", en = "Excellent" }
basis = "Test basis"
certainty = "C"

[awards.bk.quota]
per = "fact"
group_fact = "group"
QUOTA
rank = [{ expr = "points", order = "desc" }]
label = { vi = "Hạn mức theo khối", en = "Cap by group" }
basis = "Test basis"
certainty = "C"
"""

TABLE = "count_by = { central = 2, city = 3 }"


def load(tmp_path: Path, quota: str = TABLE) -> emulation.Engine:
    path = tmp_path / "r.toml"
    path.write_text(RULESET.replace("QUOTA", quota), encoding="utf-8")
    return emulation.build_engine(entry_points=False, ruleset_paths=[path])


def problems(tmp_path: Path, quota: str) -> dict[str, str]:
    with pytest.raises(RulesetError) as info:
        load(tmp_path, quota)
    return {p.location: p.code for p in info.value.problems}


def person(sid: str, unit: str, group: str | None, points: int) -> dict[str, Any]:
    facts: dict[str, Any] = {"excellent": True, "points": points}
    if group is not None:
        facts["group"] = group
    return {"id": sid, "kind": "person", "parent": unit, "facts": {"2026": facts}}


UNITS = [{"id": u, "kind": "collective"} for u in ("cq-a", "cq-b", "so-a", "so-b", "xa-a")]
PEOPLE = [
    # three central agencies' people across two agencies: two places in all
    person("c1", "cq-a", "central", 90),
    person("c2", "cq-b", "central", 80),
    person("c3", "cq-a", "central", 70),
    # four from city departments: three places
    person("d1", "so-a", "city", 9),
    person("d2", "so-b", "city", 8),
    person("d3", "so-a", "city", 7),
    person("d4", "so-b", "city", 6),
    # a commune: no count for its type in the table; and one without a group
    person("w1", "xa-a", "commune", 50),
    person("n1", "xa-a", None, 50),
]


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_the_group_value_is_its_type_across_units(tmp_path: Path, seed: int) -> None:
    subjects = UNITS + PEOPLE
    random.Random(seed).shuffle(subjects)
    engine = load(tmp_path)
    evaluation = engine.evaluate(Population.from_json({"subjects": subjects}), "2026")
    got = {d.subject: (d.outcome, d.rank, d.cap) for d in evaluation.decisions()}
    assert got["c1"] == ("granted", 1, 2)
    assert got["c2"] == ("granted", 2, 2)
    assert got["c3"] == ("eligible_over_quota", 3, 2)
    assert [got[f"d{i}"][0] for i in range(1, 5)] == ["granted"] * 3 + ["eligible_over_quota"]
    assert {got[f"d{i}"][2] for i in range(1, 5)} == {3}
    # a type missing from the table, or no group at all: the cap is unknown
    assert got["w1"][0] == "data_missing"
    assert got["n1"][0] == "data_missing"
    reasons = {r.code for d in evaluation.decisions() if d.subject == "w1" for r in d.reasons}
    assert "quota_unknown" in reasons


def test_the_catalogue_names_the_group_fact(tmp_path: Path) -> None:
    engine = load(tmp_path)
    [ruleset] = engine.rulesets
    assert ruleset.awards["bk"].quota is not None
    assert ruleset.awards["bk"].quota.count_by == (("central", 2), ("city", 3))
    assert ruleset.awards["bk"].quota.group_type is None


@pytest.mark.parametrize(
    ("quota", "expected"),
    [
        (
            TABLE + '\ngroup_type = "group"',
            {"awards.bk.quota.group_type": "invalid_value"},
        ),
        (
            "count_by = { centrall = 2 }",
            {"awards.bk.quota.count_by.centrall": "invalid_value"},
        ),
    ],
)
def test_mistakes_are_located(tmp_path: Path, quota: str, expected: dict[str, str]) -> None:
    assert problems(tmp_path, quota) == expected
