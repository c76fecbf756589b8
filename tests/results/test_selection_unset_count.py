"""The reasons of a decision whose only quota counts by an ``int`` parameter over groups that
no fact names (``per = "population"`` or ``"unit"``): with no value for the period the eligible
are ``data_missing`` and their reasons say why (``quota_unknown`` and ``parameter_unset``,
both naming the parameter) — the Nguyễn Đức Cảnh prize, whose number of prizes a round is not
known (vgcl.congress_prizes); with a value the top k are granted."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

import emulation
from emulation import Population

RULESET = """
format = 1

[ruleset]
id = "test.unset_count"
organisation = "test"
version = "1.0.0"
effective_from = 2024-01-01
title = { vi = "Thử", en = "Test" }

[facts.benefit]
type = "decimal"
label = { vi = "Giá trị làm lợi", en = "Benefit" }

[parameters.prizes]
type = "int"
label = { vi = "Số giải", en = "Number of prizes" }
basis = "Test: not in any source read"
certainty = "U"
confirmed = false
values = []

[awards.prize]
kind = "certificate"
subject = "person"
label = { vi = "Giải thưởng", en = "Prize" }

[[awards.prize.criteria]]
id = "benefit"
expr = "benefit >= 10"
label = { vi = "Có giá trị làm lợi", en = "Some benefit" }
basis = "Test basis"
certainty = "C"

[awards.prize.quota]
per = "PER"
count = "prizes"
rank = [{ expr = "benefit", order = "desc" }]
label = { vi = "Số giải của đợt", en = "The prizes of the round" }
basis = "Test basis"
certainty = "U"
"""


def engine(tmp_path: Path, per: str) -> emulation.Engine:
    path = tmp_path / "r.toml"
    path.write_text(RULESET.replace('"PER"', f'"{per}"'), encoding="utf-8")
    return emulation.build_engine(entry_points=False, ruleset_paths=[path])


def person(sid: str, benefit: str) -> dict[str, Any]:
    return {"id": sid, "kind": "person", "parent": "u", "facts": {"2024": {"benefit": benefit}}}


POPULATION = Population.from_json(
    {
        "subjects": [
            {"id": "u", "kind": "collective"},
            *(person(sid, b) for sid, b in [("p1", "90"), ("p2", "50"), ("p3", "20"), ("p4", "5")]),
        ]
    }
)


@pytest.mark.parametrize("per", ["population", "unit"])
def test_no_value_leaves_the_eligible_data_missing_with_reasons_naming_it(
    tmp_path: Path, per: str
) -> None:
    evaluation = engine(tmp_path, per).evaluate(POPULATION, "2024")
    decisions = {d.subject: d for d in evaluation.decisions()}
    for sid in ("p1", "p2", "p3"):
        reasons = decisions[sid].reasons
        assert decisions[sid].outcome == "data_missing"
        unknown = [r for r in reasons if r.code == "quota_unknown"]
        unset = [r for r in reasons if r.code == "parameter_unset"]
        assert [dict(r.params)["missing"] for r in unknown] == ["prizes"]
        assert [dict(r.params)["parameter"] for r in unset] == ["prizes"]
        assert "prizes" in unset[0].render("vi")
    assert decisions["p4"].outcome == "not_eligible"


@pytest.mark.parametrize("per", ["population", "unit"])
def test_a_value_grants_the_top_k(tmp_path: Path, per: str) -> None:
    evaluation = engine(tmp_path, per).evaluate(POPULATION, "2024", parameters={"prizes": 2})
    decisions = {d.subject: d for d in evaluation.decisions()}
    assert {s for s, d in decisions.items() if d.outcome == "granted"} == {"p1", "p2"}
    assert decisions["p3"].outcome == "eligible_over_quota"
    assert decisions["p3"].rank == 3
    assert decisions["p3"].cap == 2
    assert not [r for r in decisions["p1"].reasons if r.code == "quota_unknown"]
