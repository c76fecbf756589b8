"""Rules compiled once per request shape and kept for the next population
(`evaluate/compiled.py`): the same results as rules compiled afresh, whatever population comes
next, from one thread or several; a function whose ``build`` reads the data is compiled again
for every population."""

from __future__ import annotations

import concurrent.futures
from pathlib import Path
from typing import Any

import polars as pl
import pytest

import emulation
from emulation import Argument, BuildContext, FunctionSpec, Population
from emulation.evaluate import query

ROOT = Path(__file__).resolve().parents[2]
STATE = ROOT / "rulesets" / "state"

RULESET = """\
format = 1

[ruleset]
id = "test.compiled"
organisation = "test"
version = "1.0.0"
effective_from = 2024-01-01
title = { vi = "Bộ quy tắc thử", en = "Test ruleset" }

[facts.points]
type = "int"
label = { vi = "Điểm", en = "Points" }

[awards.top]
kind = "title"
subject = "person"
label = { vi = "Danh hiệu thử", en = "Test title" }

[[awards.top.criteria]]
id = "above_population"
expr = 'points >= eager_most("points")'
label = { vi = "Điểm cao nhất", en = "Highest score" }
basis = "test"
certainty = "C"
"""


def _eager_most(arguments: dict[str, Any], context: BuildContext) -> pl.Expr:
    """The largest value of a fact in the period, read from the data while compiling (what a
    plugin's function may do; the built-in ones read it in the frames they hand over)."""
    facts = context.population.facts.filter(pl.col("period") == str(context.period))
    most = facts.get_column(arguments["fact"]).cast(pl.Int64).max()
    return pl.lit(most, pl.Int64)


class _EagerPlugin:
    @emulation.hookimpl
    def emulation_register_functions(self) -> list[FunctionSpec]:
        return [
            FunctionSpec(
                name="eager_most",
                arguments=(Argument(name="fact", kind="fact", doc="a fact"),),
                returns="int",
                build=_eager_most,
                doc="The largest value of a fact in the period (test).",
            )
        ]


def _people(scores: dict[str, int], **more: Any) -> Population:
    return Population.from_json(
        {
            "subjects": [
                {"id": pid, "kind": "person", "facts": {"2024": {"points": score, **more}}}
                for pid, score in scores.items()
            ]
        }
    )


def _state_person(pid: str, rating: str, initiative: bool) -> dict[str, Any]:
    evidence = [{"id": f"{pid}-sk", "kind": "initiative", "period": "2024"}] if initiative else []
    return {
        "id": pid,
        "kind": "person",
        "parent": "u",
        "facts": {"2024": {"rating": rating, "good_attitude": True, "months_worked": 12}},
        "evidence": evidence,
    }


STATE_POPULATIONS = [
    {"subjects": [{"id": "u", "kind": "collective"}, _state_person("a", "HTXS", True)]},
    {"subjects": [{"id": "u", "kind": "collective"}, _state_person("b", "HT", False)]},
    {
        "subjects": [
            {"id": "u", "kind": "collective"},
            *(_state_person(f"p{i}", "HTXS", i % 2 == 0) for i in range(6)),
        ]
    },
]


@pytest.fixture
def compiled(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The subject kinds compiled (``evaluate/query.compile_kind``), in order."""
    kinds: list[str] = []
    real = query.compile_kind

    def counted(*args: Any) -> Any:
        kinds.append(args[1])
        return real(*args)

    monkeypatch.setattr(query, "compile_kind", counted)
    return kinds


def _frames(engine: emulation.Engine, document: dict[str, Any]) -> dict[str, pl.DataFrame]:
    return dict(engine.evaluate(Population.from_json(document), "2024").frames)


def test_a_kept_compilation_gives_what_a_fresh_one_gives_for_each_next_population() -> None:
    kept = emulation.build_engine(entry_points=False, ruleset_paths=[STATE])
    fresh = emulation.build_engine(entry_points=False, ruleset_paths=[STATE], plan_cache_size=0)
    for document in [*STATE_POPULATIONS, *reversed(STATE_POPULATIONS)]:
        got, expected = _frames(kept, document), _frames(fresh, document)
        assert got.keys() == expected.keys()
        for kind, frame in expected.items():
            assert got[kind].equals(frame), kind


def test_the_rules_are_compiled_once_per_request_shape(compiled: list[str]) -> None:
    engine = emulation.build_engine(entry_points=False, ruleset_paths=[STATE])
    for document in STATE_POPULATIONS:
        _frames(engine, document)
    assert compiled == ["person"]  # the collectives of these populations are no candidates
    engine.evaluate(Population.from_json(STATE_POPULATIONS[0]), "2024", ["ldtt"])
    assert compiled == ["person", "person"]  # another request shape: its own compilation
    engine.clear_cache()
    _frames(engine, STATE_POPULATIONS[0])
    assert compiled == ["person", "person", "person"]


def test_a_function_reading_the_data_while_compiling_is_compiled_for_each_population(
    tmp_path: Path, compiled: list[str]
) -> None:
    (tmp_path / "compiled.toml").write_text(RULESET, encoding="utf-8")
    engine = emulation.build_engine([_EagerPlugin()], entry_points=False, ruleset_paths=[tmp_path])
    first = engine.evaluate(_people({"a": 5, "b": 7}), "2024").outcomes().sort("subject")
    second = engine.evaluate(_people({"a": 9, "b": 7}), "2024").outcomes().sort("subject")
    assert first.get_column("outcome").to_list() == ["not_eligible", "granted"]
    assert second.get_column("outcome").to_list() == ["granted", "not_eligible"]
    assert compiled == ["person", "person"]  # nothing kept: each read its own data


def test_evaluations_in_several_threads_each_get_their_own_results() -> None:
    engine = emulation.build_engine(entry_points=False, ruleset_paths=[STATE])
    fresh = emulation.build_engine(entry_points=False, ruleset_paths=[STATE], plan_cache_size=0)
    work = STATE_POPULATIONS * 6
    expected = [engine.render(fresh.evaluate(Population.from_json(d), "2024")) for d in work]

    def one(document: dict[str, Any]) -> str:
        return engine.render(engine.evaluate(Population.from_json(document), "2024"))

    with concurrent.futures.ThreadPoolExecutor(max_workers=4) as pool:
        assert list(pool.map(one, work)) == expected
