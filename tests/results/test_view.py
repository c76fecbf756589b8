"""The terminal view of an evaluation (``emulation.results.view``): it fits the width, counts
the outcomes granted first, marks every decision, aligns names whatever their Unicode form;
and the ``--detail`` table measures its columns in terminal cells too."""

from __future__ import annotations

import unicodedata
from pathlib import Path

import pytest

from emulation import Population, build_engine
from emulation._builtins.reporters import render_table
from emulation.period import Period
from emulation.results.evaluation import Evaluation
from emulation.results.view import (
    MARKS,
    NEAR_MARK,
    OUTCOME_ORDER,
    award_keys,
    cells,
    near_miss,
    outcome_counts,
    packed,
    render_view,
)

ROOT = Path(__file__).resolve().parents[2]
STATE = ROOT / "rulesets" / "state"


@pytest.fixture(scope="module")
def union() -> Evaluation:
    engine = build_engine(ruleset_paths=[STATE])
    population = engine.read_population(ROOT / "examples" / "union.json")
    return engine.evaluate(population, Period.parse("2024"))


def widest(text: str) -> int:
    return max(cells(line) for line in text.splitlines())


@pytest.mark.parametrize("width", [80, 60, 120])
def test_no_line_is_wider_than_the_width(union: Evaluation, width: int) -> None:
    for lang in ("vi", "en"):
        text = render_view(union, lang, width)
        assert widest(text) <= width
        # the summary is a screenful or two, not a line per decision
        assert len(text.splitlines()) < len(union.decisions()) / 3


def test_counts_come_granted_first(union: Evaluation) -> None:
    counts = outcome_counts(union.decisions())
    assert [o for o, _ in counts] == [o for o in OUTCOME_ORDER if o in dict(counts)]
    assert counts[0][0] == "granted"
    assert counts[-1][0] == "not_eligible"
    assert sum(n for _, n in counts) == len(union.decisions())
    second = render_view(union, "vi", 80).splitlines()[1]
    assert second.startswith("Đạt: 70 · Đủ điều kiện, ngoài tỷ lệ: 2 · Tạm dừng xét: 11")


def test_every_decision_has_its_mark_under_its_award(union: Evaluation) -> None:
    text = render_view(union, "en", 80)
    lines = text.splitlines()
    header = next(i for i, line in enumerate(lines) if line.startswith("Subject "))
    awards = sorted(
        {d.award: d.award_label.get("en") for d in union.decisions()}.items(),
        key=lambda item: (item[1], item[0]),
    )
    keys = award_keys(len(awards))
    assert lines[header].split()[-len(keys) :] == keys
    # every character of these lines is one terminal cell, so a key's index is its column
    at = {key: lines[header].rindex(f" {key}") + 1 for key in keys}
    subjects = {d.subject for d in union.decisions()}
    rows = {
        line.split()[0]: line
        for line in lines[header + 2 :]
        if line.split() and line.split()[0] in subjects
    }
    assert set(rows) == subjects
    seen = 0
    for decision in union.decisions():
        row = rows[decision.subject].ljust(len(lines[header]))
        key = keys[[award for award, _ in awards].index(decision.award)]
        expected = NEAR_MARK if near_miss(decision) else MARKS[decision.outcome]
        assert row[at[key]] == expected, (decision.subject, decision.award, row)
        seen += 1
    marks = sum(
        c in {*MARKS.values(), NEAR_MARK} for row in rows.values() for c in row[min(at.values()) :]
    )
    assert marks == seen == len(union.decisions())


def test_near_miss_is_one_criterion_short(union: Evaluation) -> None:
    near = union.decision("nd-002", "ldtt")
    assert near.outcome == "not_eligible"
    assert near_miss(near)
    failed = [c.id for c in near.criteria if c.role == "criterion" and c.value is False]
    assert failed == ["task_rating"]
    blocked = union.decision("nd-048", "ldtt")
    assert not near_miss(blocked)
    granted = union.decision("nd-001", "ldtt")
    assert not near_miss(granted)
    many = [
        d
        for d in union.decisions()
        if d.outcome == "not_eligible"
        and sum(c.role == "criterion" and c.value is False for c in d.criteria) > 1
    ]
    assert many
    assert not any(near_miss(d) for d in many)


def test_missing_inputs_are_counted(union: Evaluation) -> None:
    text = render_view(union, "en", 80)
    assert "Data missing\nInput" in text
    line = next(line for line in text.splitlines() if line.startswith("good_attitude "))
    assert line.split()[-1] == "1"


def test_award_keys_go_on_after_z() -> None:
    keys = award_keys(30)
    assert keys[:3] == ["A", "B", "C"]
    assert keys[25:] == ["Z", "AA", "AB", "AC", "AD"]
    assert len(set(keys)) == 30


PEOPLE = {
    "format": "emulation.population/1",
    "subjects": [
        {
            "id": "a",
            "kind": "person",
            "name": "Nguyễn Thị Ánh",
            "facts": {"2024": {"rating": "HTXS", "good_attitude": True}},
        },
        {
            "id": "b",
            "kind": "person",
            "name": "Nguyễn Văn Bình",
            "facts": {"2024": {"rating": "HT", "good_attitude": True}},
        },
    ],
}


def people(form: str) -> Evaluation:
    document = {
        **PEOPLE,
        "subjects": [
            {**s, "name": unicodedata.normalize(form, s["name"])} if s["id"] == "a" else s
            for s in PEOPLE["subjects"]
        ],
    }
    engine = build_engine(ruleset_paths=[STATE])
    population = Population.from_json(document)
    return engine.evaluate(population, Period.parse("2024"), ["ldtt"])


def test_a_decomposed_name_aligns_like_a_composed_one() -> None:
    decomposed = people("NFD")
    name = decomposed.population.subjects.filter(id="a").get_column("name")[0]
    assert len(name) > len(unicodedata.normalize("NFC", name))  # really decomposed
    composed_view = render_view(people("NFC"), "vi", 80)
    view = render_view(decomposed, "vi", 80)
    assert unicodedata.is_normalized("NFC", view)
    assert view == composed_view
    rows = [line for line in view.splitlines() if line.startswith(("a ", "b "))]
    assert len(rows) == 2
    assert {cells(row) for row in rows} == {cells(rows[0])}
    assert rows[0].endswith("✓")
    assert rows[1].endswith("*")


def test_the_detail_table_aligns_decomposed_names() -> None:
    table = render_table(people("NFD"), "vi")
    rows = [line for line in table.splitlines() if line.startswith(("a ", "b "))]
    starts = {cells(row[: row.index("Lao động")]) for row in rows}
    assert len(starts) == 1, rows
    assert table.splitlines()[-1] == "Đạt: 1, Không đủ điều kiện: 1"


def test_packed_breaks_only_between_items() -> None:
    items = [
        "Đạt: 70",
        "Đủ điều kiện, ngoài tỷ lệ: 2",
        "Tạm dừng xét: 7",
        "Không đủ điều kiện: 374",
    ]
    text = packed(items, " · ", 41)
    assert text.splitlines() == [
        "Đạt: 70 · Đủ điều kiện, ngoài tỷ lệ: 2 ·",
        "Tạm dừng xét: 7 · Không đủ điều kiện: 374",
    ]
    assert packed(items, " · ", 400) == " · ".join(items)
    assert packed(["a" * 50, "b"], "; ", 10).splitlines() == ["a" * 50 + ";", "b"]


def test_an_evaluation_without_decisions_says_so() -> None:
    engine = build_engine(ruleset_paths=[STATE])
    population = Population.from_json({**PEOPLE, "subjects": []})
    evaluation = engine.evaluate(population, Period.parse("2024"))
    assert render_view(evaluation, "en", 80).splitlines()[:2] == [
        "Period: 2024 · 0 subjects · 0 decisions",
        "(no decision)",
    ]
