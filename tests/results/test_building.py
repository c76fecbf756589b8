"""Decisions built fast (``results/building.py``, ``results/explanation.py``'s criteria reader,
the reasons made once, ``Population.subject_hashes`` reading small tables whole) give exactly
the decisions the plain path gave.

The digests below were recorded on ``469a458``, before issue 13's decision work: every field of
every decision (its ``repr``, which holds the criteria, reasons, scores, paths, hashes and money)
and its JSON in both languages, on populations with collectives and quotas (the state rules'
case files and the example union), award paths and bonus money (``tests/rulesets/paths``),
budgets and later quotas (``tests/rulesets/selections``) and score sheets
(``tests/rulesets/movement``). A change that moves any of them changes a decision; if the
change is meant, the digests are re-recorded with
``EMULATION_DISABLE_PLUGINS=moet,vgcl,vape,danvan python tests/results/test_building.py``
(which prints them; the state plugin alone, as the tests run) and the reason said in the
commit.
"""

from __future__ import annotations

import hashlib
import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

import emulation
from emulation import Population
from emulation._testing.runner import engine_for
from emulation.cases import load_case_file
from emulation.data import population as population_module

ROOT = Path(__file__).resolve().parents[2]

#: ``case file -> digest`` of every case's decisions, every award evaluated.
CASE_FILES = {
    "rulesets/state/collective_titles.cases.toml": "3cd6031b10fdb74b6cc71403bf9aeedb96c72049edd8eff63ca384453fa6e10a",
    "rulesets/state/individual_titles.cases.toml": "d961e2f98f46e8566df86f067dcf4fb415f79372a31e9f113cbd383722c2fafc",
    "tests/rulesets/paths/paths.cases.toml": "25fe08f437d52091c637cbf434f4087c3c3fbc9234af1c4da7a942989efc78a9",
    "tests/rulesets/selections/selections.cases.toml": "f760bc1b00220837a6278abbc09e3605284a795819b9258d496a11c49d672f69",
    "tests/rulesets/movement/movement.cases.toml": "d45c18bf8da8a492646443c13bf22f2f89c508cad663b177d87bd5c6717f7f2b",
}
#: The example union, every state award, by period.
UNION = {
    "2023": "8082f5417938e380bf74293a2019969f529475ecda18f27f8cdcc41612b647ef",
    "2024": "b5468fd56a9a18f4cde68acc2d45256233721d338ec6a52bd2cfabdba318bcf0",
    "2025": "75240d46915972f09e7d196da7a5abe73b6f19b2c895e4531a64d68c0d90e696",
}


def digest(evaluations: list[Any]) -> str:
    """SHA-256 of every decision of ``evaluations``: its repr and its JSON in both languages."""
    sha = hashlib.sha256()
    for evaluation in evaluations:
        for decision in evaluation.decisions():
            sha.update(repr(decision).encode())
            for lang in ("vi", "en"):
                text = json.dumps(decision.to_dict(lang), ensure_ascii=False, sort_keys=True)
                sha.update(text.encode())
    return sha.hexdigest()


def case_evaluations(relative: str) -> list[Any]:
    """Every case of the case file ``relative`` evaluated with every award in force."""
    path = ROOT / relative
    engine = engine_for([path.parent]).engine
    return [
        engine.evaluate(
            case.population(),
            case.period,
            parameters=case.parameters,
            as_of=case.as_of,
            decision_date=case.decision_date,
        )
        for case in load_case_file(path)
    ]


def union_evaluation(engine: emulation.Engine, period: str) -> Any:
    return engine.evaluate(
        Population.from_json((ROOT / "examples" / "union.json").read_text()), period
    )


@pytest.mark.parametrize("relative", sorted(CASE_FILES))
def test_the_decisions_of_the_case_files_are_those_recorded(relative: str) -> None:
    assert digest(case_evaluations(relative)) == CASE_FILES[relative]


@pytest.mark.parametrize("period", sorted(UNION))
def test_the_decisions_of_the_example_union_are_those_recorded(
    state_engine: emulation.Engine, period: str
) -> None:
    assert digest([union_evaluation(state_engine, period)]) == UNION[period]


def test_each_subject_alone_gets_the_decisions_it_gets_among_all(
    state_engine: emulation.Engine,
) -> None:
    evaluation = union_evaluation(state_engine, "2024")
    everyone = evaluation.decisions()
    subjects = sorted({decision.subject for decision in everyone})
    one_by_one = tuple(d for subject in subjects for d in evaluation.decisions([subject]))
    assert one_by_one == everyone
    # a second call builds them again, equal (nothing a call works out leaks into the next)
    assert evaluation.decisions() == everyone


def test_two_parameter_values_through_one_engine_keep_their_own_criteria(
    state_engine: emulation.Engine,
) -> None:
    """What a rule reads is worked out once per rule; the parameters' values are read per
    call: decisions of two overrides built in turn are each those of a fresh engine."""
    population = Population.from_json((ROOT / "examples" / "union.json").read_text())
    overrides: list[dict[str, Any]] = [
        {},
        {
            "min_months_worked": 11,
            "cstdcs_quota_enabled": True,
            "cstdcs_quota_ratio": Decimal("0.5"),
        },
    ]
    fresh = []
    for parameters in overrides:
        engine = emulation.build_engine(
            entry_points=False, ruleset_paths=[ROOT / "rulesets" / "state"]
        )
        fresh.append(engine.evaluate(population, "2024", parameters=parameters).decisions())
    shared = [state_engine.evaluate(population, "2024", parameters=p) for p in overrides]
    for _ in range(2):
        assert [evaluation.decisions() for evaluation in shared] == fresh


# -- the input hashes ---------------------------------------------------------------------


def _union_csv() -> Population:
    return Population.from_csv_dir(ROOT / "examples" / "union")


@given(st.data())
def test_hashes_read_whole_or_filtered_are_the_same(data: st.DataObject) -> None:
    """A table read whole (its subjects' rows picked in Python) and a table filtered by Polars
    first give the same hash, for any set of subjects (unknown ids included)."""
    population = _union_csv()
    ids = sorted(population.subjects.get_column("id").to_list())
    wanted = data.draw(st.lists(st.sampled_from([*ids, "no-such-subject"]), min_size=1, max_size=8))
    whole, filtered = _hashes_both_ways(population, wanted)
    assert whole == filtered
    assert set(whole) == set(wanted)


def test_hashes_of_every_subject_read_whole_or_filtered_are_the_same() -> None:
    population = _union_csv()
    ids = sorted(population.subjects.get_column("id").to_list())
    whole, filtered = _hashes_both_ways(population, ids)
    assert whole == filtered
    # and every table the union has (eight) counts: no two subjects hash alike
    assert len(set(whole.values())) == len(ids)


def _hashes_both_ways(
    population: Population, wanted: list[str]
) -> tuple[dict[str, str], dict[str, str]]:
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(population_module, "HASH_ROWS_READ_WHOLE", 10**9)
        whole = population.subject_hashes(wanted)
        patch.setattr(population_module, "HASH_ROWS_READ_WHOLE", 0)
        patch.setattr(population_module, "HASH_ROWS_PER_SUBJECT", 0)
        filtered = population.subject_hashes(wanted)
    return whole, filtered


_VALUES = st.one_of(
    st.booleans(),
    st.integers(),
    st.decimals(allow_nan=False, allow_infinity=False, places=6),
    st.floats(allow_nan=False),
    st.text(max_size=8),
    st.text(min_size=60, max_size=70),  # a text too long to be kept, and some kept
    st.sampled_from(["1", "1.0", "true", " TRUE ", "-0", "0.000000", "", "7"]),
    st.dates(),
)


@given(st.lists(_VALUES, min_size=1, max_size=6))
def test_the_canonical_form_looked_up_is_the_one_computed(values: list[Any]) -> None:
    """``1``, ``True``, ``Decimal(1)`` and ``"1"`` are equal in Python (and hash alike) but
    each has its own canonical form: the lookup never serves one for another."""
    for value in [*values, *reversed(values)]:
        assert population_module._canonical_of(value) == population_module._canonical(value)


if __name__ == "__main__":  # print the digests, to record them
    for relative in sorted(CASE_FILES):
        print(f'    "{relative}": "{digest(case_evaluations(relative))}",')
    engine = emulation.build_engine(entry_points=False, ruleset_paths=[ROOT / "rulesets" / "state"])
    for period in sorted(UNION):
        print(f'    "{period}": "{digest([union_evaluation(engine, period)])}",')
