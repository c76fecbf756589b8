"""emulation.properties.paths: "paths are an or" holds for the engine's award paths and
fails, with a readable counterexample, for an engine that joins paths another way."""

from __future__ import annotations

from pathlib import Path

import attrs
import pytest

import emulation
import emulation.evaluate.query as query
from emulation import Population, properties
from emulation.evaluate.columns import path_column
from emulation.properties import PropertyFailure
from emulation.properties.paths import without_path
from emulation.rules.model import Award

RULES = Path(__file__).resolve().parents[1] / "rulesets" / "paths"
ENGINE = emulation.build_engine(entry_points=False, ruleset_paths=[RULES])


def granted_by_b_only() -> Population:
    facts = {"rating": "HTT", "law_abiding": True, "movement_leader": False, "adhoc_feat": True}
    return Population.from_json(
        {"subjects": [{"id": "p", "kind": "person", "facts": {"2025": facts}}]}
    )


def test_it_is_registered() -> None:
    assert "paths" in [p.name for p in properties.PROPERTIES]


def test_it_holds_for_award_paths() -> None:
    properties.assert_paths_are_or(ENGINE, granted_by_b_only(), "2025")
    properties.check(ENGINE, "paths", max_examples=25, derandomize=True)


def test_leaving_a_path_out_leaves_its_criteria_out() -> None:
    ruleset = ENGINE.rulesets[0]
    award = next(a for a in ruleset.awards.values() if a.paths)
    fewer = without_path(ENGINE, ruleset, award, "a")
    changed = fewer.rulesets[0].awards[award.id]
    assert [p.id for p in changed.paths] == ["b", "d"]
    assert "movement" not in {r.id for r in changed.rules}
    assert ENGINE.rulesets[0].awards[award.id] is award  # the engine itself is untouched


def _last_path_only(award: Award) -> list[str]:
    """A planted bug: only the last path counts (a path added last hides the others)."""
    return [path_column(award.id, award.paths[-1].id)]


def test_it_fails_when_a_path_hides_the_others(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(query, "path_names", _last_path_only)
    with pytest.raises(PropertyFailure) as failure:
        properties.assert_paths_are_or(ENGINE, granted_by_b_only(), "2025")
    message = str(failure.value)
    assert message.startswith('paths are not an "or": adding path "d" to "bk" took away')
    assert 'without path "d":' in message
    assert "p / bk in 2025: granted" in message
    assert "p / bk in 2025: not_eligible" in message


def test_the_runner_finds_the_planted_bug(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(query, "path_names", _last_path_only)
    with pytest.raises(PropertyFailure, match='paths are not an "or"'):
        properties.check(ENGINE, "paths", max_examples=100, derandomize=True)


def test_rulesets_without_paths_are_left_alone() -> None:
    folder = Path(__file__).resolve().parents[2] / "rulesets" / "state"
    state = emulation.build_engine(
        entry_points=False,
        ruleset_paths=[
            folder / "individual_titles_2017.toml",
            folder / "collective_titles_2017.toml",
        ],
    )
    # nothing to compare: no award of the 2017 state rulesets has paths
    assert not any(a.paths for r in state.rulesets for a in r.awards.values())
    properties.assert_paths_are_or(state, granted_by_b_only(), "2023")


@pytest.mark.slow
def test_every_property_holds_on_award_paths_and_payout_windows() -> None:
    properties.check(ENGINE, max_examples=30, derandomize=True)


def test_a_grant_with_no_path_held_is_an_inconsistent_explanation() -> None:
    evaluation = ENGINE.evaluate(granted_by_b_only(), "2025", ["bk"])
    decision = evaluation.decision("p", "bk")
    assert properties.explanation_problem(decision) is None
    paths = tuple(attrs.evolve(p, value=False) for p in decision.paths)
    broken = attrs.evolve(decision, paths=paths)
    assert properties.explanation_problem(broken) == (
        "p / bk is granted although none of its paths holds"
    )
    # a refusal by every path is caused by the criteria of the paths, which its reasons name
    refused = attrs.evolve(decision, outcome="not_eligible", paths=paths)
    assert properties.explanation_problem(refused) == (
        "p / bk is not_eligible but its reasons name none of its causes "
        "(excellent_years, initiatives, movement)"
    )
    facts = {"rating": "HTT", "law_abiding": True, "movement_leader": False, "adhoc_feat": False}
    subjects = [{"id": "q", "kind": "person", "facts": {"2025": facts}}]
    real = ENGINE.evaluate(Population.from_json({"subjects": subjects}), "2025", ["bk"])
    assert real.decision("q", "bk").outcome == "not_eligible"
    assert properties.explanation_problem(real.decision("q", "bk")) is None
