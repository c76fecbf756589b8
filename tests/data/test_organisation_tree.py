"""The organisation tree and the names in it: one spelling per name, a parent relation that is
a tree of collectives."""

from __future__ import annotations

import unicodedata
from pathlib import Path
from typing import Any

import pytest

import emulation
from emulation import DataError, Population
from emulation.errors import Problem

ROOT = Path(__file__).resolve().parents[2]
CLUSTER = "Khối thi đua các trường THPT"


def problems_of(subjects: list[dict[str, Any]]) -> list[Problem]:
    with pytest.raises(DataError) as info:
        Population.from_json({"subjects": subjects}, source="in")
    return list(info.value.problems)


def unit(sid: str, parent: str | None = None, **members: Any) -> dict[str, Any]:
    return {"id": sid, "kind": "collective", "parent": parent, **members}


def test_a_subject_that_is_its_own_parent_is_refused() -> None:
    [problem] = problems_of([unit("a", "a")])
    assert (problem.file, problem.location, problem.code) == (
        "in: subjects[0]",
        "parent",
        "own_parent",
    )
    assert problem.message == "'a' is its own parent"


def test_a_cycle_of_parents_is_refused_once_naming_it() -> None:
    [problem] = problems_of([unit("root"), unit("c", "a"), unit("a", "b"), unit("b", "c")])
    assert problem.code == "parent_cycle"
    assert problem.file == "in: subjects[2]"
    assert problem.message == "the parents go round in a circle: 'a' → 'b' → 'c' → 'a'"


def test_a_chain_leading_into_a_cycle_reports_the_cycle_only() -> None:
    problems = problems_of([unit("x", "a"), unit("a", "b"), unit("b", "a")])
    assert [(p.code, p.file) for p in problems] == [("parent_cycle", "in: subjects[1]")]


def test_a_long_chain_without_a_cycle_is_a_tree() -> None:
    subjects = [unit("u0")] + [unit(f"u{i}", f"u{i - 1}") for i in range(1, 200)]
    assert Population.from_json({"subjects": subjects}).subjects.height == 200


def test_a_person_used_as_a_parent_is_refused() -> None:
    [problem] = problems_of(
        [{"id": "p", "kind": "person"}, {"id": "q", "kind": "person", "parent": "p"}]
    )
    assert (problem.file, problem.location, problem.code) == (
        "in: subjects[1]",
        "parent",
        "person_as_parent",
    )


def test_names_are_read_in_nfc_and_trimmed() -> None:
    population = Population.from_json(
        {
            "subjects": [
                unit(unicodedata.normalize("NFD", "cđ-lê "), cluster=f" {CLUSTER} "),
                {"id": "p", "kind": "person", "parent": "cđ-lê", "facts": {"2024": {}}},
            ]
        }
    )
    assert population.subjects.get_column("id").to_list() == ["cđ-lê", "p"]
    assert population.subjects.get_column("cluster").to_list() == [CLUSTER, None]


@pytest.mark.parametrize(
    "other", [CLUSTER.lower(), CLUSTER.replace(" ", "  "), CLUSTER.replace("THPT", "T H P T")]
)
def test_clusters_that_differ_only_by_case_or_spacing_are_refused(other: str) -> None:
    [problem] = problems_of([unit("a", cluster=CLUSTER), unit("b", cluster=other)])
    assert problem.code == "near_duplicate_name"
    assert problem.file == "in: subjects[1]"
    assert problem.location == "cluster"
    assert repr(other) in problem.message
    assert f"{CLUSTER!r} (in: subjects[0])" in problem.message


def test_ids_that_differ_only_by_case_are_refused() -> None:
    [problem] = problems_of([unit("cd-a"), unit("CD-A")])
    assert problem.code == "near_duplicate_name"
    assert problem.location == "id"


def test_an_unknown_parent_spelt_like_a_subject_is_named() -> None:
    [problem] = problems_of([unit("cd-a"), unit("b", "CD-A")])
    assert problem.code == "unknown_parent"
    assert problem.message == "unknown parent 'CD-A' (did you mean 'cd-a'?)"


def leader(sid: str, cluster: str, score: str) -> dict[str, Any]:
    facts = {
        "rating": "HTXS",
        "emulation_active": True,
        "in_province_cluster": True,
        "exceeded_targets": True,
        "emulation_score": score,
    }
    # the council's vote on the flag (Decree 98/2023 Art 30(7), state.collective_titles 2.3.0)
    vote = {"award": "co_thi_dua_tinh", "period": "2024", "votes_for": 9, "council_size": 9}
    return unit(sid, cluster=cluster, facts={"2024": facts}, votes=[vote])


def test_a_flag_for_one_per_cluster_is_granted_once_whatever_the_unicode_form() -> None:
    """The provincial flag (one per cluster) was granted twice when one school wrote its
    cluster in decomposed Unicode: two spellings made two clusters."""
    engine = emulation.build_engine(entry_points=False, ruleset_paths=[ROOT / "rulesets" / "state"])
    population = Population.from_json(
        {
            "subjects": [
                leader("a", CLUSTER, "95.00"),
                leader("b", unicodedata.normalize("NFD", CLUSTER) + " ", "94.00"),
            ]
        }
    )
    evaluation = engine.evaluate(population, "2024", ["co_thi_dua_tinh"])
    outcomes = {d.subject: d.outcome for d in evaluation.decisions()}
    assert outcomes == {"a": "granted", "b": "eligible_over_quota"}
