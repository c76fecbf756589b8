"""A quota's ``count`` naming an int parameter: "at most k candidates per nominating
organisation" when k is not settled (the Nhân tài Đất Việt nominations, domain-review-2 B.2).
The cap follows the parameter's value for the run (and the selection property, recomputing
it from the parameter, agrees), a count with no value makes the eligible candidates ``data_missing`` naming it, and a wrong
name or type is located."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

import emulation
from emulation import Population, RulesetError, properties
from emulation.rules.model import ParameterRef
from emulation.rules.publish import catalogue_markdown

RULESET = """
format = 1

[ruleset]
id = "test.count_parameter"
organisation = "test"
version = "1.0.0"
effective_from = 2024-01-01
title = { vi = "Thử", en = "Test" }

[facts.score]
type = "decimal"
label = { vi = "Điểm", en = "Score" }

[facts.nominated_by]
type = "text"
label = { vi = "Đơn vị giới thiệu", en = "Nominating organisation" }

[parameters.places]
type = "int"
label = { vi = "Số suất mỗi đơn vị", en = "Places per organisation" }
basis = "Test: not settled"
certainty = "U"
confirmed = false
values = []

[parameters.share]
type = "decimal"
label = { vi = "Tỷ lệ", en = "Share" }
basis = "Test basis"
certainty = "C"
values = [{ from = 2024-01-01, value = "0.5" }]

[awards.a]
kind = "nomination"
subject = "person"
label = { vi = "Đề cử", en = "Nomination" }

[[awards.a.criteria]]
id = "good"
expr = "score >= 5"
label = { vi = "Đủ điểm", en = "Enough points" }
basis = "Test basis"
certainty = "C"

[awards.a.quota]
per = "fact"
group_fact = "nominated_by"
count = "COUNT"
rank = [{ expr = "score", order = "desc" }]
label = { vi = "Tối đa k đề cử mỗi đơn vị", en = "At most k nominations per organisation" }
basis = "Test basis"
certainty = "U"
"""


def engine(tmp_path: Path, count: str = '"places"') -> emulation.Engine:
    path = tmp_path / "r.toml"
    path.write_text(RULESET.replace('"COUNT"', count), encoding="utf-8")
    return emulation.build_engine(entry_points=False, ruleset_paths=[path])


def person(sid: str, org: str, score: str) -> dict[str, Any]:
    return {"id": sid, "kind": "person", "facts": {"2024": {"score": score, "nominated_by": org}}}


POPULATION = Population.from_json(
    {
        "subjects": [
            person("a1", "vgcl", "9"),
            person("a2", "vgcl", "8"),
            person("a3", "vgcl", "7"),
            person("b1", "moet", "6"),
            person("b2", "moet", "4"),
        ]
    }
)


def test_the_count_is_read_as_a_parameter(tmp_path: Path) -> None:
    [ruleset] = engine(tmp_path).rulesets
    quota = ruleset.awards["a"].quota
    assert quota is not None
    assert quota.count == ParameterRef("places")


@pytest.mark.parametrize(("places", "granted"), [(2, {"a1", "a2", "b1"}), (1, {"a1", "b1"})])
def test_the_cap_follows_the_value_set_for_the_run(
    tmp_path: Path, places: int, granted: set[str]
) -> None:
    evaluation = engine(tmp_path).evaluate(POPULATION, "2024", parameters={"places": places})
    decisions = {d.subject: d for d in evaluation.decisions()}
    assert {s for s, d in decisions.items() if d.outcome == "granted"} == granted
    assert decisions["a3"].outcome == "eligible_over_quota"
    assert decisions["b2"].outcome == "not_eligible"
    assert decisions["a1"].cap == places
    properties.assert_selections_respected(
        engine(tmp_path), POPULATION, "2024", parameters={"places": places}
    )


def test_a_count_with_no_value_leaves_the_eligible_data_missing_naming_it(
    tmp_path: Path,
) -> None:
    decisions = {d.subject: d for d in engine(tmp_path).evaluate(POPULATION, "2024").decisions()}
    for sid in ("a1", "a2", "a3", "b1"):
        assert decisions[sid].outcome == "data_missing"
        codes = [reason.code for reason in decisions[sid].reasons]
        assert "quota_unknown" in codes
        assert "parameter_unset" in codes
        assert "places" in str(decisions[sid].reasons)
    assert decisions["b2"].outcome == "not_eligible"


@pytest.mark.parametrize(
    ("count", "code"),
    [('"share"', "wrong_type"), ('"plaecs"', "unknown_parameter"), ("-1", "invalid_value")],
)
def test_a_wrong_count_is_located(tmp_path: Path, count: str, code: str) -> None:
    with pytest.raises(RulesetError) as info:
        engine(tmp_path, count)
    found = {p.location: p.code for p in info.value.problems}
    assert found == {"awards.a.quota.count": code}


def test_the_catalogue_names_the_parameter(tmp_path: Path) -> None:
    text = catalogue_markdown("t", [(r, "r.toml") for r in engine(tmp_path).rulesets])
    assert "tối đa / at most tham số / parameter `places`" in text
