"""Loading ``[standings.<id>]`` and the quota's ``ties`` and ``rank_scope``: every problem at
once, each with its TOML path, line and code."""

from __future__ import annotations

from pathlib import Path

import pytest

import emulation
from emulation import RulesetError
from emulation.errors import Problem

HEAD = """
format = 1

[ruleset]
id = "test.ranking"
organisation = "test"
version = "1.0.0"
effective_from = 2024-01-01
title = { vi = "Thử", en = "Test" }

[facts.score]
type = "decimal"
label = { vi = "Điểm", en = "Score" }

[facts.unit_kind]
type = "enum"
values = ["school", "office"]
label = { vi = "Loại đơn vị", en = "Kind of unit" }

[awards.a]
kind = "flag"
subject = "collective"
label = { vi = "Cờ", en = "Flag" }

[[awards.a.criteria]]
id = "good"
expr = "score >= 90"
label = { vi = "Đủ điểm", en = "Enough points" }
basis = "Test basis"
certainty = "C"
"""

QUOTA = """
[awards.a.quota]
per = "cluster"
count = 1
rank = [{ expr = "score", order = "desc" }]
label = { vi = "Một cờ", en = "One flag" }
basis = "Test basis"
certainty = "C"
"""

STANDINGS = """
[standings.table]
subject = "collective"
per = "cluster"
rank = [{ expr = "score", order = "desc" }, { expr = "women_priority()", order = "desc" }]
label = { vi = "Xếp hạng trong cụm", en = "Standings in the cluster" }
basis = "Nghị định 152/2025/NĐ-CP Điều 4 khoản 6"
certainty = "C"
"""


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


def test_the_defaults_rank_the_eligible_and_leave_ties_to_the_authority(tmp_path: Path) -> None:
    [ruleset] = load(tmp_path, HEAD + QUOTA + STANDINGS).rulesets
    quota = ruleset.awards["a"].quota
    assert quota is not None
    assert (quota.ties, quota.rank_scope) == ("authority", "eligible")
    table = ruleset.standings["table"]
    assert (table.subject, table.per, table.ties) == ("collective", "cluster", "authority")
    assert [key.expr for key in table.rank] == ["score", "women_priority()"]
    assert table.basis == "Nghị định 152/2025/NĐ-CP Điều 4 khoản 6"


def test_ties_and_rank_scope_are_read(tmp_path: Path) -> None:
    text = HEAD + QUOTA.replace(
        "count = 1", 'count = 1\nties = "id"\nrank_scope = "all_candidates"'
    )
    [ruleset] = load(tmp_path, text).rulesets
    quota = ruleset.awards["a"].quota
    assert quota is not None
    assert (quota.ties, quota.rank_scope) == ("id", "all_candidates")


def test_bad_ties_and_rank_scope_are_located(tmp_path: Path) -> None:
    text = HEAD + QUOTA.replace("count = 1", 'count = 1\nties = "manual"\nrank_scope = true')
    found = problems(tmp_path, text)
    assert where(found) == {
        "awards.a.quota.ties": "invalid_value",
        "awards.a.quota.rank_scope": "wrong_type",
    }
    ties = next(p for p in found if p.location == "awards.a.quota.ties")
    assert "['authority', 'id']" in ties.message
    assert str(ties).startswith(f"{tmp_path / 'r.toml'}")


def test_every_problem_of_a_standings_table_is_reported_at_once(tmp_path: Path) -> None:
    text = HEAD + STANDINGS.replace('subject = "collective"', 'subject = "team"').replace(
        'per = "cluster"', 'per = "cluster"\nties = "coin"\nlimit = 3'
    ).replace('"score", order = "desc" },', '"staff_category", order = "desc" },')
    found = problems(tmp_path, text)
    assert where(found) == {
        "standings.table.subject": "invalid_value",
        "standings.table.ties": "invalid_value",
        "standings.table.limit": "unknown_key",
        "standings.table.rank[0].expr": "wrong_type",
    }
    # an expression's problem is found on its line, with the column
    key = next(p for p in found if p.location == "standings.table.rank[0].expr")
    assert (
        key.line
        == text.splitlines().index(
            'rank = [{ expr = "staff_category", order = "desc" }, { expr = "women_priority()", order = "desc" }]'
        )
        + 1
    )
    assert "a ranking key must be a number, true/false or an ordered value" in key.message


def test_standings_need_a_ranking_key(tmp_path: Path) -> None:
    missing = STANDINGS.replace(
        'rank = [{ expr = "score", order = "desc" }, { expr = "women_priority()", order = "desc" }]\n',
        "",
    )
    assert where(problems(tmp_path, HEAD + missing)) == {"standings.table.rank": "missing_key"}
    empty = STANDINGS.replace(
        '[{ expr = "score", order = "desc" }, { expr = "women_priority()", order = "desc" }]',
        "[]",
    )
    assert where(problems(tmp_path, HEAD + empty)) == {"standings.table.rank": "missing_key"}


def test_a_standings_key_is_checked_like_any_expression(tmp_path: Path) -> None:
    text = HEAD + STANDINGS.replace('"women_priority()"', '"women_priority(at_least=\\"many\\")"')
    [problem] = problems(tmp_path, text)
    assert problem.location == "standings.table.rank[1].expr"
    assert 'argument "at_least" of women_priority() needs' in problem.message
    bad_name = HEAD + STANDINGS.replace("[standings.table]", '[standings."Bảng"]')
    assert where(problems(tmp_path, bad_name)) == {"standings.Bảng": "invalid_name"}
