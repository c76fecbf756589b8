"""Ranking inside groups (emulation.evaluate.ranking), as quotas and standings use it: the
women's priority, competition ranks, ties across the cap, ties by id, the leader who must
qualify, and results that do not depend on the order of the rows.

The ruleset is tests/rulesets/standings/standings.toml; its case files hold the small cases,
these tests the ones too large or too many-sided for a case file.
"""

from __future__ import annotations

import random
from pathlib import Path
from typing import Any

import polars as pl
import pytest

import emulation
from emulation import Population
from emulation.evaluate.ranking import RankColumns, peers, rank_in_groups

RULESETS = Path(__file__).resolve().parents[1] / "rulesets" / "standings"


@pytest.fixture(scope="module")
def engine() -> emulation.Engine:
    return emulation.build_engine(entry_points=False, ruleset_paths=[RULESETS])


def collective(
    sid: str, score: str, women: int, members: int, **extra: Any
) -> list[dict[str, Any]]:
    """A collective of ``members`` persons of whom ``women`` are women."""
    rows: list[dict[str, Any]] = [
        {
            "id": sid,
            "kind": "collective",
            "cluster": "K",
            "facts": {"2024": {"score": score, "qualifies": True}},
            **extra,
        }
    ]
    rows += [
        {
            "id": f"{sid}-{index:05d}",
            "kind": "person",
            "parent": sid,
            "gender": "female" if index < women else "male",
            "facts": {"2024": {"score": "1"}},
        }
        for index in range(members)
    ]
    return rows


def decide(
    engine: emulation.Engine, subjects: list[dict[str, Any]], award: str
) -> dict[str, emulation.Decision]:
    evaluation = engine.evaluate(Population.from_json({"subjects": subjects}), "2024", [award])
    return {d.subject: d for d in evaluation.decisions() if d.award == award}


# -- the women's priority ---------------------------------------------------------------------


def test_seventy_percent_women_is_the_priority_and_sixty_nine_point_ninety_nine_is_not(
    engine: emulation.Engine,
) -> None:
    """Decree 152/2025/NĐ-CP Art 4(6): "tập thể có tỷ lệ nữ từ 70 % trở lên" — 7,000 women of
    10,000 members have it, 6,999 of 10,000 (69.99 %) do not; compared exactly."""
    subjects = collective("a_69_99", "90", 6_999, 10_000) + collective("z_70", "90", 7_000, 10_000)
    decisions = decide(engine, subjects, "flag")
    assert (decisions["z_70"].outcome, decisions["z_70"].rank) == ("granted", 1)
    assert (decisions["a_69_99"].outcome, decisions["a_69_99"].rank) == ("eligible_over_quota", 2)


def test_two_collectives_at_seventy_percent_are_tied(engine: emulation.Engine) -> None:
    subjects = collective("a", "90", 7, 10) + collective("b", "90", 70, 100)
    decisions = decide(engine, subjects, "flag")
    assert {s: (d.outcome, d.rank, d.tied_with) for s, d in decisions.items()} == {
        "a": ("tied", 1, ("b",)),
        "b": ("tied", 1, ("a",)),
    }


def test_the_share_is_an_argument(engine: emulation.Engine, tmp_path: Path) -> None:
    """``women_priority(0.6)``: six women of ten now have the priority over five of ten."""
    text = (RULESETS / "standings.toml").read_text("utf-8")
    text = text.replace(
        '[awards.flag.quota]\nper = "cluster"\ncount = 1\n'
        'rank = [{ expr = "score", order = "desc" }, { expr = "women_priority()", order = "desc" }]',
        '[awards.flag.quota]\nper = "cluster"\ncount = 1\n'
        'rank = [{ expr = "score", order = "desc" }, { expr = "women_priority(0.6)", order = "desc" }]',
    )
    assert "women_priority(0.6)" in text
    (tmp_path / "r.toml").write_text(text, "utf-8")
    other = emulation.build_engine(entry_points=False, ruleset_paths=[tmp_path / "r.toml"])
    subjects = collective("a", "90", 5, 10) + collective("b", "90", 6, 10)
    assert decide(other, subjects, "flag")["b"].outcome == "granted"
    assert decide(engine, subjects, "flag")["b"].outcome == "tied"  # 0.7: neither has it


def test_an_unknown_gender_makes_the_priority_unknown(engine: emulation.Engine) -> None:
    """A person whose gender is not given, and a collective with such a member, have no known
    priority: the key is missing and ranks last, after a known "no"."""
    evaluation = engine.evaluate(
        Population.from_json(
            {
                "subjects": [
                    {"id": "u", "kind": "collective"},
                    {
                        "id": "a_unknown",
                        "parent": "u",
                        "kind": "person",
                        "facts": {"2024": {"score": "5"}},
                    },
                    {
                        "id": "b_man",
                        "parent": "u",
                        "kind": "person",
                        "gender": "male",
                        "facts": {"2024": {"score": "5"}},
                    },
                    {
                        "id": "c_woman",
                        "parent": "u",
                        "kind": "person",
                        "gender": "female",
                        "facts": {"2024": {"score": "5"}},
                    },
                ]
            }
        ),
        "2024",
        ["top_two"],
    )
    ranks = {s.subject: s.rank for s in evaluation.standings_of(standings="unit_table")}
    assert ranks == {"c_woman": 1, "b_man": 2, "a_unknown": 3}


WOMEN_ONLY = """
format = 1

[ruleset]
id = "test.women"
organisation = "test"
version = "1.0.0"
effective_from = 2024-01-01
title = { vi = "Thử", en = "Test" }

[awards.women]
kind = "title"
subject = "{subject}"
label = { vi = "Ưu tiên nữ", en = "Women's priority" }

[[awards.women.criteria]]
id = "priority"
expr = "women_priority()"
label = { vi = "Nữ, hoặc tập thể có từ 70 % nữ", en = "A woman, or a collective at least 70 % women" }
basis = "Nghị định 152/2025/NĐ-CP Điều 4 khoản 6"
certainty = "C"
"""


@pytest.mark.parametrize("kind", ["person", "collective"])
def test_women_priority_is_true_false_or_unknown(tmp_path: Path, kind: str) -> None:
    (tmp_path / "r.toml").write_text(WOMEN_ONLY.replace("{subject}", kind), "utf-8")
    engine = emulation.build_engine(entry_points=False, ruleset_paths=[tmp_path / "r.toml"])
    if kind == "person":
        subjects: list[dict[str, Any]] = [
            {"id": sid, "kind": "person", "facts": {"2024": {}}, **extra}
            for sid, extra in [("w", {"gender": "female"}), ("m", {"gender": "male"}), ("x", {})]
        ]
    else:
        subjects = collective("w", "1", 7, 10) + collective("m", "1", 6, 10)
        subjects += collective("x", "1", 9, 9)
        subjects.append({"id": "x-unknown", "kind": "person", "parent": "x", "facts": {"2024": {}}})
    decisions = decide(engine, subjects, "women")
    assert {s: decisions[s].outcome for s in "wmx"} == {
        "w": "granted",
        "m": "not_eligible",
        "x": "data_missing",
    }


def test_a_collective_without_members_has_no_known_share(engine: emulation.Engine) -> None:
    subjects = collective("a_none", "90", 0, 0) + collective("b_men", "90", 0, 3)
    decisions = decide(engine, subjects, "flag")
    # b_men: known "no"; a_none: unknown, ranked last
    assert (decisions["b_men"].rank, decisions["a_none"].rank) == (1, 2)


# -- ties, the leader, order independence ------------------------------------------------------


def people(scores: list[str], qualifies: bool = True) -> list[dict[str, Any]]:
    return [{"id": "u", "kind": "collective"}] + [
        {
            "id": f"p{index}",
            "kind": "person",
            "parent": "u",
            "facts": {"2024": {"score": score, "qualifies": qualifies}},
        }
        for index, score in enumerate(scores)
    ]


@pytest.mark.parametrize(
    ("scores", "outcomes", "ranks"),
    [
        # a tie across the cap of two: all three tied
        (["9", "8", "8", "8"], ["granted", "tied", "tied", "tied"], [1, 2, 2, 2]),
        # a tie inside the cap: both granted
        (["8", "8", "5"], ["granted", "granted", "eligible_over_quota"], [1, 1, 3]),
        # a tie wholly beyond the cap: all over the quota
        (
            ["9", "8", "7", "7"],
            ["granted", "granted", "eligible_over_quota", "eligible_over_quota"],
            [1, 2, 3, 3],
        ),
        # everyone tied, more than the cap
        (["5", "5", "5"], ["tied", "tied", "tied"], [1, 1, 1]),
    ],
)
def test_competition_ranks_and_ties_across_the_cap(
    engine: emulation.Engine, scores: list[str], outcomes: list[str], ranks: list[int]
) -> None:
    decisions = decide(engine, people(scores), "top_two")
    ordered = [decisions[f"p{i}"] for i in range(len(scores))]
    assert [d.outcome for d in ordered] == outcomes
    assert [d.rank for d in ordered] == ranks
    for decision in ordered:
        same = {f"p{i}" for i, r in enumerate(ranks) if r == decision.rank} - {decision.subject}
        assert set(decision.tied_with) == same


def test_ties_by_id_keep_the_old_order(engine: emulation.Engine) -> None:
    decisions = decide(engine, people(["9", "8", "8", "8"]), "top_two_by_id")
    assert [decisions[f"p{i}"].outcome for i in range(4)] == [
        "granted",
        "granted",
        "eligible_over_quota",
        "eligible_over_quota",
    ]
    assert [decisions[f"p{i}"].rank for i in range(4)] == [1, 2, 3, 4]


def test_the_tie_reason_names_the_others_in_both_languages(engine: emulation.Engine) -> None:
    subjects = people(["9", "8", "8"])
    subjects[2]["name"] = "Nguyễn Thị Hoa"
    subjects[3]["name"] = "Trần Văn Bình"
    reason = decide(engine, subjects, "top_two")["p1"].reasons[0]
    assert reason.code == "tie_unresolved"
    assert reason.render("vi") == (
        "Bằng điểm với Trần Văn Bình (p2) ở vị trí thứ 2, vượt mức trần 2 của «Hai người mỗi "
        "đơn vị» (QĐ 2579/QĐ-UBND Cần Thơ Điều 8 khoản 2): do cấp có thẩm quyền quyết định"
    )
    assert reason.render("en").startswith("Tied with Trần Văn Bình (p2) at rank 2 across the cap 2")


def test_the_leader_must_qualify(engine: emulation.Engine) -> None:
    subjects = [
        {"id": "k_leader", "kind": "collective", "cluster": "K", "name": "Công đoàn A",
         "facts": {"2024": {"score": "99", "qualifies": False}}},
        {"id": "k_second", "kind": "collective", "cluster": "K",
         "facts": {"2024": {"score": "80", "qualifies": True}}},
        {"id": "k_third", "kind": "collective", "cluster": "K",
         "facts": {"2024": {"score": "70", "qualifies": True}}},
        {"id": "l_unknown", "kind": "collective", "cluster": "L",
         "facts": {"2024": {"score": "99"}}},
        {"id": "l_second", "kind": "collective", "cluster": "L",
         "facts": {"2024": {"score": "80", "qualifies": True}}},
    ]  # fmt: skip
    decisions = decide(engine, subjects, "leader_flag")
    assert {s: (d.outcome, d.rank) for s, d in decisions.items()} == {
        "k_leader": ("not_eligible", 1),
        "k_second": ("eligible_over_quota", 2),
        "k_third": ("eligible_over_quota", 3),
        # a leader whose data is missing holds its place too: nothing is passed on
        "l_unknown": ("data_missing", 1),
        "l_second": ("eligible_over_quota", 2),
    }
    reason = next(r for r in decisions["k_second"].reasons if r.code == "leader_not_qualified")
    assert reason.render("en") == (
        "The leader of K, Công đoàn A (k_leader), does not qualify for “Leader of the cluster” "
        "(Luật Thi đua, khen thưởng 2022 Điều 26 khoản 1); the place is not passed on to the "
        "next in rank"
    )
    assert "suất không chuyển cho người xếp sau" in reason.render("vi")
    # the same ranking of the eligible only passes the flag on
    assert decide(engine, subjects, "flag")["k_second"].outcome == "granted"


def shuffled(subjects: list[dict[str, Any]], seed: int) -> list[dict[str, Any]]:
    rows = list(subjects)
    random.Random(seed).shuffle(rows)
    return rows


def test_shuffled_rows_give_the_same_results(engine: emulation.Engine) -> None:
    subjects = people(["9", "8", "8", "8", "7", "7", "6"])
    subjects += [
        {"id": f"w{index}", "kind": "person", "parent": "u", "gender": gender,
         "facts": {"2024": {"score": "8", "qualifies": True}}}
        for index, gender in enumerate(["female", "male", "female"])
    ]  # fmt: skip
    subjects += collective("c1", "90", 7, 10) + collective("c2", "90", 7, 10)
    subjects += collective("c3", "95", 1, 2, name="C3")
    subjects[-3]["facts"]["2024"]["qualifies"] = False

    def results(rows: list[dict[str, Any]]) -> tuple[Any, ...]:
        evaluation = engine.evaluate(Population.from_json({"subjects": rows}), "2024")
        decisions = [
            (d.subject, d.award, d.outcome, d.rank, d.cap, d.tied_with, d.reasons)
            for d in evaluation.decisions()
        ]
        return tuple(decisions), evaluation.standings().rows()

    expected = results(subjects)
    outcomes = {(s, a): o for s, a, o, *_ in expected[0]}
    assert outcomes["w0", "top_two"] == "tied"  # six tie at 8 across the cap of two
    assert outcomes["c1", "leader_flag"] == "eligible_over_quota"
    for seed in range(5):
        assert results(shuffled(subjects, seed)) == expected, seed


# -- the ranking itself -------------------------------------------------------------------------


def test_rank_in_groups_directly() -> None:
    frame = pl.DataFrame(
        {
            "id": ["a", "b", "c", "d", "e", "f", "g"],
            "g": ["x", "x", "x", "x", "y", "y", "x"],
            "score": [3, 5, 5, None, 1, 1, None],
            "pool": [True, True, True, True, True, True, False],
        }
    )
    names = RankColumns(group="group", rank="rank", tied="tied", size="size")

    def ranked(ties: Any) -> dict[str, tuple[Any, ...]]:
        out = rank_in_groups(
            frame.lazy(),
            group=pl.col("g"),
            pool=pl.col("pool"),
            keys=[(pl.col("score"), True)],
            ties=ties,
            names=names,
        ).collect()
        others = peers(out, "group", "rank", "tied", out.get_column("id").to_list())
        return {
            r["id"]: (r["rank"], r["tied"], others.get(r["id"], ()), r["size"])
            for r in out.iter_rows(named=True)
        }

    assert ranked("authority") == {
        "b": (1, 1, ("c",), 4),
        "c": (1, 1, ("b",), 4),
        "a": (3, 0, (), 4),
        "d": (4, 0, (), 4),  # a missing key ranks last
        "g": (None, None, (), 4),  # outside the pool: no rank
        "e": (1, 1, ("f",), 2),
        "f": (1, 1, ("e",), 2),
    }
    assert ranked("id") == {
        "b": (1, 0, (), 4),
        "c": (2, 0, (), 4),
        "a": (3, 0, (), 4),
        "d": (4, 0, (), 4),
        "g": (None, None, (), 4),
        "e": (1, 0, (), 2),
        "f": (2, 0, (), 2),
    }
