"""Loading budgets and nested and tabled quotas: the model built, and every mistake located
with its TOML path and code (a budget with no ranking, quotas over the same groups, a count
table naming an unknown fact …)."""

from __future__ import annotations

import datetime as dt
import json
import sys
from decimal import Decimal
from importlib import resources
from pathlib import Path
from typing import Any

import jsonschema
import pytest

import emulation
from emulation import RulesetError
from emulation.errors import Problem

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

HEAD = """
format = 1

[ruleset]
id = "test.selection_loader"
organisation = "test"
version = "1.0.0"
effective_from = 2024-01-01
title = { vi = "Thử", en = "Test" }

[facts.score]
type = "decimal"
label = { vi = "Điểm", en = "Score" }

[facts.unit_type]
type = "enum"
values = ["central", "commune"]
label = { vi = "Loại đơn vị", en = "Kind of unit" }

[facts.nominated_by]
type = "text"
label = { vi = "Đơn vị giới thiệu", en = "Nominating organisation" }

[facts.learner]
type = "enum"
values = ["adult", "pupil"]
label = { vi = "Người học", en = "Learner" }

[parameters.fund]
type = "decimal"
label = { vi = "Quỹ", en = "Fund" }
basis = "Test basis"
certainty = "U"
confirmed = false
values = []

[parameters.flag]
type = "bool"
label = { vi = "Cờ", en = "Flag" }
basis = "Test basis"
certainty = "C"
values = [{ from = 2024-01-01, value = true }]

[awards.a]
kind = "scholarship"
subject = "person"
label = { vi = "Học bổng", en = "Scholarship" }

[[awards.a.criteria]]
id = "good"
expr = "score >= 5"
label = { vi = "Đủ điểm", en = "Enough points" }
basis = "Test basis"
certainty = "C"
"""

TAIL = """
label = { vi = "Hạn mức", en = "Cap" }
basis = "Test basis"
certainty = "C"
"""

BUDGET = (
    """
[awards.a.budget]
fund = "fund"
amount = "1000"
rank = [{ expr = "score", order = "desc" }]
policy = "skip"
"""
    + TAIL
)


def load(tmp_path: Path, text: str) -> emulation.Engine:
    path = tmp_path / "r.toml"
    path.write_text(text, encoding="utf-8")
    return emulation.build_engine(entry_points=False, ruleset_paths=[path])


def problems(tmp_path: Path, text: str) -> list[Problem]:
    with pytest.raises(RulesetError) as info:
        load(tmp_path, text)
    return list(info.value.problems)


def where(found: list[Problem]) -> dict[str, str]:
    return {p.location: p.code for p in found}


def test_a_budget_is_read(tmp_path: Path) -> None:
    [ruleset] = load(tmp_path, HEAD + BUDGET).rulesets
    budget = ruleset.awards["a"].budget
    assert budget is not None
    assert (budget.fund, budget.amount, budget.policy, budget.per, budget.ties) == (
        "fund",
        "1000",
        "skip",
        "population",
        "authority",
    )
    assert [key.expr for key in budget.rank] == ["score"]
    assert budget.parameters == ("fund",)


def test_a_budget_with_no_ranking_is_refused_where_it_is(tmp_path: Path) -> None:
    text = HEAD + BUDGET.replace('rank = [{ expr = "score", order = "desc" }]\n', "")
    found = problems(tmp_path, text)
    assert where(found) == {"awards.a.budget.rank": "missing_key"}
    assert "spends its fund down a ranking" in found[0].message
    empty = HEAD + BUDGET.replace('[{ expr = "score", order = "desc" }]', "[]")
    assert where(problems(tmp_path, empty)) == {"awards.a.budget.rank": "missing_key"}


def test_every_budget_mistake_is_reported_at_once(tmp_path: Path) -> None:
    text = HEAD + (
        BUDGET.replace('fund = "fund"', 'fund = "flag"\nfund_by = { adult = "fund" }')
        .replace('amount = "1000"', 'amount = "nominated_by"')
        .replace('policy = "skip"', 'policy = "greedy"\nper = "fact"')
    )
    assert where(problems(tmp_path, text)) == {
        "awards.a.budget": "invalid_value",
        "awards.a.budget.category": "missing_key",
        "awards.a.budget.fund": "wrong_type",
        "awards.a.budget.amount": "wrong_type",
        "awards.a.budget.policy": "invalid_value",
        "awards.a.budget.group_fact": "missing_key",
    }


def test_a_fund_per_category_names_values_of_the_category(tmp_path: Path) -> None:
    text = HEAD + BUDGET.replace(
        'fund = "fund"', 'fund_by = { adult = "fund", child = "fund" }\ncategory = "learner"'
    )
    found = problems(tmp_path, text)
    assert where(found) == {"awards.a.budget.fund_by.child": "invalid_value"}
    good = HEAD + BUDGET.replace(
        'fund = "fund"', 'fund_by = { adult = "fund", pupil = "fund" }\ncategory = "learner"'
    )
    [ruleset] = load(tmp_path, good).rulesets
    budget = ruleset.awards["a"].budget
    assert budget is not None
    assert budget.fund_by == (("adult", "fund"), ("pupil", "fund"))
    assert budget.category == "learner"


def quota(body: str, array: bool = False) -> str:
    table = "[[awards.a.quota]]" if array else "[awards.a.quota]"
    return f"\n{table}\n{body}\n" + TAIL


def test_the_single_table_is_unchanged_and_an_array_is_applied_in_order(tmp_path: Path) -> None:
    [ruleset] = load(tmp_path, HEAD + quota('per = "unit"\ncount = 4')).rulesets
    award = ruleset.awards["a"]
    assert award.quota is not None
    assert (award.quota.count, award.more_quotas) == (4, ())
    text = (
        HEAD
        + quota('per = "unit"\ncount = 4', True)
        + quota('per = "population"\ncount = 300', True)
    )
    [ruleset] = load(tmp_path, text).rulesets
    award = ruleset.awards["a"]
    assert [(q.per, q.count) for q in award.quotas] == [("unit", 4), ("population", 300)]


def test_two_quotas_over_the_same_groups_conflict(tmp_path: Path) -> None:
    text = HEAD + quota('per = "unit"\ncount = 4', True) + quota('per = "unit"\ncount = 2', True)
    [problem] = problems(tmp_path, text)
    assert (problem.location, problem.code) == ("awards.a.quota[1]", "conflicting_quotas")
    assert "quota[0] already caps per unit" in problem.message
    by_fact = 'per = "fact"\ngroup_fact = "nominated_by"\ncount = 1'
    text = HEAD + quota(by_fact, True) + quota(by_fact, True)
    assert where(problems(tmp_path, text)) == {"awards.a.quota[1]": "conflicting_quotas"}


def test_only_the_first_quota_of_an_array_ranks_every_candidate(tmp_path: Path) -> None:
    leader = 'per = "unit"\ncount = 1\nrank_scope = "all_candidates"'
    text = HEAD + quota(leader, True) + quota('per = "population"\ncount = 3', True)
    [ruleset] = load(tmp_path, text).rulesets
    assert [q.rank_scope for q in ruleset.awards["a"].quotas] == ["all_candidates", "eligible"]
    text = HEAD + quota('per = "population"\ncount = 3', True) + quota(leader, True)
    assert where(problems(tmp_path, text)) == {"awards.a.quota[1].rank_scope": "invalid_value"}


def test_a_count_table_by_group_type(tmp_path: Path) -> None:
    body = 'per = "unit"\ngroup_type = "unit_type"\ncount_by = { central = 2, commune = 15 }'
    [ruleset] = load(tmp_path, HEAD + quota(body)).rulesets
    q = ruleset.awards["a"].quota
    assert q is not None
    assert (q.group_type, q.count_by, q.count, q.ratio) == (
        "unit_type",
        (("central", 2), ("commune", 15)),
        None,
        None,
    )


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (
            'per = "unit"\ngroup_type = "unit_kind"\ncount_by = { central = 2 }',
            {"awards.a.quota.group_type": "unknown_fact"},
        ),
        (
            'per = "unit"\ngroup_type = "score"\ncount_by = { central = 2 }',
            {"awards.a.quota.group_type": "wrong_type"},
        ),
        (
            'per = "unit"\ngroup_type = "unit_type"\ncount_by = { centrall = 2 }',
            {"awards.a.quota.count_by.centrall": "invalid_value"},
        ),
        (
            'per = "cluster"\ngroup_type = "unit_type"\ncount_by = { central = 2 }',
            {"awards.a.quota.count_by": "invalid_value"},
        ),
        ('per = "unit"\ncount_by = { central = 2 }', {"awards.a.quota.group_type": "missing_key"}),
        (
            'per = "unit"\ngroup_type = "unit_type"\ncount_by = { central = -1 }',
            {"awards.a.quota.count_by.central": "invalid_value"},
        ),
        (
            'per = "unit"\ncount = 2\ngroup_type = "unit_type"',
            {"awards.a.quota.group_type": "invalid_value"},
        ),
        (
            'per = "unit"\ncount = 2\ncount_by = { central = 2 }\ngroup_type = "unit_type"',
            {"awards.a.quota": "invalid_value"},
        ),
        ('per = "fact"\ncount = 2', {"awards.a.quota.group_fact": "missing_key"}),
        (
            'per = "unit"\ncount = 2\ngroup_fact = "nominated_by"',
            {"awards.a.quota.group_fact": "invalid_value"},
        ),
        (
            'per = "fact"\ngroup_fact = "nominated"\ncount = 2',
            {"awards.a.quota.group_fact": "unknown_fact"},
        ),
        ('per = "unit"\ncount = 2\nmin_cap = -1', {"awards.a.quota.min_cap": "invalid_value"}),
    ],
)
def test_grouping_mistakes_are_located(tmp_path: Path, body: str, expected: dict[str, str]) -> None:
    assert where(problems(tmp_path, HEAD + quota(body))) == expected


def test_a_minimum_cap_and_a_group_fact_are_read(tmp_path: Path) -> None:
    body = 'per = "fact"\ngroup_fact = "nominated_by"\nratio = "0.15"\nmin_cap = 1'
    [ruleset] = load(tmp_path, HEAD + quota(body)).rulesets
    q = ruleset.awards["a"].quota
    assert q is not None
    assert (q.per, q.group_fact, q.min_cap, q.ratio) == ("fact", "nominated_by", 1, Decimal("0.15"))


def test_the_json_schema_accepts_the_selections_ruleset_and_refuses_a_budget_unranked() -> None:
    schema = json.loads(
        resources.files("emulation").joinpath("schemas/ruleset.schema.json").read_text("utf-8")
    )
    validator = jsonschema.Draft202012Validator(schema)

    def as_json(value: Any) -> Any:
        if isinstance(value, dict):
            return {k: as_json(v) for k, v in value.items()}
        if isinstance(value, list):
            return [as_json(v) for v in value]
        return value.isoformat() if isinstance(value, dt.date) else value

    path = Path(__file__).resolve().parents[1] / "rulesets" / "selections" / "selections.toml"
    document = as_json(tomllib.loads(path.read_text("utf-8")))
    assert list(validator.iter_errors(document)) == []
    del document["awards"]["hoc_bong"]["budget"]["rank"]
    assert [e.message for e in validator.iter_errors(document)] == ["'rank' is a required property"]
