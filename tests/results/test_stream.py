"""``emulation.results.stream``: the streamed JSON and CSV are the reporters' bytes, batch by
batch; JSON Lines carries the JSON document's objects; spilled chunks merge in key order."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

import emulation
from emulation._builtins.reporters import render_csv, render_json
from emulation.results import stream
from emulation.results.evaluation import Evaluation
from emulation.types import Language

ROOT = Path(__file__).resolve().parents[2]


def streamed(evaluation: Evaluation, format: str, lang: Language) -> str:
    out = io.StringIO()
    stream.write(
        out,
        format,
        stream.shape_of(evaluation),
        lang,
        lambda section: (text for _, text in stream.items_of(evaluation, format, lang, section)),
    )
    return out.getvalue()


@pytest.fixture(scope="module")
def union(state_engine: emulation.Engine) -> Evaluation:
    population = state_engine.read_population(ROOT / "examples" / "union.json")
    return state_engine.evaluate(population, "2024")


@pytest.mark.parametrize("batch", [3, 2000])
@pytest.mark.parametrize("lang", ["vi", "en"])
def test_the_same_bytes_as_the_reporters(
    union: Evaluation, monkeypatch: pytest.MonkeyPatch, batch: int, lang: Language
) -> None:
    monkeypatch.setattr(stream, "BATCH", batch)
    assert streamed(union, "json", lang) == render_json(union, lang)
    assert streamed(union, "csv", lang) == render_csv(union, lang)


def test_kpis_standings_and_scores_in_the_same_bytes(state_engine: emulation.Engine) -> None:
    engine = emulation.build_engine(ruleset_paths=[ROOT / "examples" / "kpis"])
    population = engine.read_population(ROOT / "examples" / "kpis" / "union_tree.json")
    evaluation = engine.evaluate(population, "2024")
    assert evaluation.kpi_specs
    assert streamed(evaluation, "json", "en") == render_json(evaluation, "en")
    movement = emulation.build_engine(
        ruleset_paths=[ROOT / "examples" / "movement" / "movement.toml"]
    )
    units = movement.read_population(ROOT / "examples" / "movement" / "units.json")
    ranked = movement.evaluate(units, "2026")
    assert ranked.standings_ranked
    assert ranked.sheets
    assert streamed(ranked, "json", "vi") == render_json(ranked, "vi")
    assert streamed(ranked, "csv", "vi") == render_csv(ranked, "vi")


def test_an_empty_evaluation_writes_empty_lists(state_engine: emulation.Engine) -> None:
    evaluation = state_engine.evaluate(emulation.Population.from_records([]), "2024")
    assert streamed(evaluation, "json", "vi") == render_json(evaluation, "vi")
    assert '"decisions": []' in streamed(evaluation, "json", "vi")
    assert streamed(evaluation, "jsonl", "vi") == ""


def test_json_lines_hold_the_documents_objects(union: Evaluation) -> None:
    lines = streamed(union, "jsonl", "en").splitlines()
    document = json.loads(render_json(union, "en"))
    decisions = [json.loads(line) for line in lines if json.loads(line)["outcome"] != "set_aside"]
    assert decisions == document["decisions"]
    assert len(lines) == len(document["decisions"]) + len(document["set_aside"])
    assert all(
        line == json.dumps(json.loads(line), ensure_ascii=False, sort_keys=True)
        for line in lines[:20]
    )


def test_spilled_chunks_merge_in_key_order(tmp_path: Path) -> None:
    spill = stream.Spill(tmp_path)
    spill.add("decisions", [(("a", "x"), "1"), (("c", "x"), "3"), (("e", "x"), "5")])
    spill.add("decisions", [(("b", "x"), "2"), (("d", "y"), "4")])
    spill.add("decisions", [])
    assert list(spill.merged("decisions")) == ["1", "2", "3", "4", "5"]
    assert list(spill.merged("set_aside")) == []
    spill.close()
    assert list(tmp_path.iterdir()) == []


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(),
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.tuples(inner, inner)
        | st.dictionaries(st.text(max_size=6), inner, max_size=4)
    ),
    max_leaves=20,
)


@given(value=st.dictionaries(st.text(max_size=6), JSON_VALUES, max_size=5))
def test_the_indented_encoder_writes_what_json_dumps_writes(value: dict[str, object]) -> None:
    text = json.dumps(value, ensure_ascii=False, indent=2, sort_keys=True)
    assert stream._indented(value) == "    " + text.replace("\n", "\n    ")


def test_keys_that_are_not_text_are_left_to_json_dumps() -> None:
    value = {"a": {1: "x", 2: [1.5, None]}}
    text = json.dumps(value, ensure_ascii=False, indent=2, sort_keys=True)
    assert stream._indented(value) == "    " + text.replace("\n", "\n    ")
