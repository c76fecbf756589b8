"""Standings: ``Evaluation.standings()``, ``Evaluation.standings_of()``, the ``Standing``
objects, and the standings in the JSON, CSV and table outputs."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

import polars as pl
import pytest

import emulation
from emulation import EvaluationError, Population, Standing
from emulation._builtins import reporters

RULESETS = Path(__file__).resolve().parents[1] / "rulesets" / "standings"


@pytest.fixture(scope="module")
def engine() -> emulation.Engine:
    return emulation.build_engine(entry_points=False, ruleset_paths=[RULESETS])


def person(sid: str, parent: str | None, score: str | None, **extra: Any) -> dict[str, Any]:
    facts: dict[str, Any] = {"qualifies": True}
    if score is not None:
        facts["score"] = score
    return {"id": sid, "kind": "person", "parent": parent, "facts": {"2024": facts}, **extra}


SUBJECTS: list[dict[str, Any]] = [
    {"id": "u", "kind": "collective", "cluster": "K", "facts": {"2024": {"score": "80", "qualifies": True}}},
    {"id": "v", "kind": "collective", "cluster": "K", "facts": {"2024": {"score": "90", "qualifies": False}}},
    {"id": "w", "kind": "collective", "facts": {"2024": {"score": "70", "qualifies": True}}},
    person("a", "u", "9", gender="male", name="Nguyễn Văn An"),
    person("b", "u", "8", gender="female", name="Trần Thị Bình"),
    person("c", "u", "8", gender="female"),
    person("d", "u", None, gender="female"),
    person("e", "u", "7", gender="male"),
    person("f", "v", "5", gender="male"),
    person("alone", None, "10", gender="male"),
]  # fmt: skip


@pytest.fixture(scope="module")
def evaluation(engine: emulation.Engine) -> emulation.Evaluation:
    return engine.evaluate(Population.from_json({"subjects": SUBJECTS}), "2024")


def test_the_standings_frame(evaluation: emulation.Evaluation) -> None:
    frame = evaluation.standings()
    assert frame.columns == [
        "standings",
        "subject",
        "period",
        "group",
        "rank",
        "tied_with",
        "group_size",
    ]
    rows = [
        (r["standings"], r["group"], r["subject"], r["rank"], r["tied_with"], r["group_size"])
        for r in frame.iter_rows(named=True)
    ]
    assert rows == [
        # collectives by cluster: w has none, so it is ranked alone, with no group
        ("cluster_table", "K", "v", 1, [], 2),
        ("cluster_table", "K", "u", 2, [], 2),
        ("cluster_table", None, "w", 1, [], 1),
        # persons by unit, then the women's priority: b and c are equal on both keys
        ("unit_table", "u", "a", 1, [], 5),
        ("unit_table", "u", "b", 2, ["c"], 5),
        ("unit_table", "u", "c", 2, ["b"], 5),
        ("unit_table", "u", "e", 4, [], 5),
        ("unit_table", "u", "d", 5, [], 5),  # no score: ranked last
        ("unit_table", "v", "f", 1, [], 1),
        ("unit_table", None, "alone", 1, [], 1),
    ]
    assert set(frame.get_column("period")) == {"2024"}


def test_standing_objects(evaluation: emulation.Evaluation) -> None:
    [place] = evaluation.standings_of("b")
    assert place == Standing(
        standings="unit_table",
        label=place.label,
        subject="b",
        period="2024",
        group="u",
        rank=2,
        tied_with=("c",),
        group_size=5,
        basis="Nghị định 152/2025/NĐ-CP Điều 4 khoản 6",
        certainty="C",
        ruleset="test.standings",
    )
    assert place.label.vi == "Xếp hạng trong đơn vị"
    assert place.to_dict("en") == {
        "standings": "unit_table",
        "label": "Standings in the unit",
        "subject": "b",
        "period": "2024",
        "group": "u",
        "rank": 2,
        "tied_with": ["c"],
        "group_size": 5,
        "basis": "Nghị định 152/2025/NĐ-CP Điều 4 khoản 6",
        "certainty": "C",
        "ruleset": "test.standings",
    }
    assert [s.subject for s in evaluation.standings_of(standings="cluster_table")] == [
        "v",
        "u",
        "w",
    ]
    with pytest.raises(EvaluationError, match=r'no standings "cluster" in 2024 .*cluster_table'):
        evaluation.standings_of(standings="cluster")


def test_standings_are_ranked_whatever_awards_are_asked_for(engine: emulation.Engine) -> None:
    population = Population.from_json({"subjects": SUBJECTS})
    only_persons = engine.evaluate(population, "2024", ["top_two"])
    assert only_persons.standings().equals(engine.evaluate(population, "2024").standings())


def test_a_standings_key_may_read_a_decision(tmp_path: Path) -> None:
    text = (RULESETS / "standings.toml").read_text("utf-8")
    text = text.replace(
        '[standings.cluster_table]\nsubject = "collective"\nper = "cluster"\n'
        'rank = [{ expr = "score", order = "desc" }]',
        '[standings.cluster_table]\nsubject = "collective"\nper = "population"\n'
        'rank = [{ expr = \'granted("leader_flag")\', order = "desc" }, { expr = "score", order = "desc" }]',
    )
    assert "granted(" in text
    (tmp_path / "r.toml").write_text(text, "utf-8")
    engine = emulation.build_engine(entry_points=False, ruleset_paths=[tmp_path / "r.toml"])
    evaluation = engine.evaluate(Population.from_json({"subjects": SUBJECTS}), "2024")
    places = {
        s.subject: (s.group, s.rank) for s in evaluation.standings_of(standings="cluster_table")
    }
    # v leads K but does not qualify, so u is not granted either; w (alone) is granted
    assert places == {"w": ("*", 1), "v": ("*", 2), "u": ("*", 3)}


def test_two_rulesets_may_not_define_the_same_standings(tmp_path: Path) -> None:
    text = (RULESETS / "standings.toml").read_text("utf-8")
    (tmp_path / "a.toml").write_text(text, "utf-8")
    other = text.replace('id = "test.standings"', 'id = "test.other"')
    other = other.replace("[awards.", "[awards.x_")  # also renames the [[awards.…]] tables
    (tmp_path / "b.toml").write_text(other, "utf-8")
    engine = emulation.build_engine(entry_points=False, ruleset_paths=[tmp_path])
    with pytest.raises(
        EvaluationError,
        match=r'standings "unit_table" are defined by both test\.other and test\.standings',
    ):
        engine.evaluate(Population.from_json({"subjects": SUBJECTS}), "2024")


def test_no_standings_no_standings_in_the_outputs(tmp_path: Path) -> None:
    state = Path(__file__).resolve().parents[2] / "rulesets" / "state"
    engine = emulation.build_engine(entry_points=False, ruleset_paths=[state])
    population = Population.from_json({"subjects": [person("a", None, None)]})
    evaluation = engine.evaluate(population, "2024", ["ldtt"])
    assert evaluation.standings().height == 0
    assert evaluation.standings().schema == pl.Schema(
        {
            "standings": pl.String,
            "subject": pl.String,
            "period": pl.String,
            "group": pl.String,
            "rank": pl.Int64,
            "tied_with": pl.List(pl.String),
            "group_size": pl.Int64,
        }
    )
    assert "standings" not in json.loads(reporters.render_json(evaluation, "en"))
    assert "Standings" not in reporters.render_table(evaluation, "en")


def test_standings_in_json(evaluation: emulation.Evaluation) -> None:
    document = json.loads(reporters.render_json(evaluation, "vi"))
    places = {(p["standings"], p["subject"]): p for p in document["standings"]}
    assert places["unit_table", "c"]["tied_with"] == ["b"]
    assert places["unit_table", "c"]["label"] == "Xếp hạng trong đơn vị"
    assert places["cluster_table", "w"]["group"] is None
    assert len(document["standings"]) == evaluation.standings().height


def test_standings_in_csv(evaluation: emulation.Evaluation) -> None:
    rows = list(csv.reader(io.StringIO(reporters.render_standings_csv(evaluation, "en"))))
    assert rows[0] == list(reporters.STANDINGS_CSV_HEADER)
    by_subject = {(row[0], row[1]): row for row in rows[1:]}
    assert by_subject["unit_table", "b"] == [
        "unit_table",
        "b",
        "Trần Thị Bình",
        "2024",
        "u",
        "2",
        "c",
        "5",
        "Standings in the unit",
    ]
    assert by_subject["cluster_table", "w"][4] == ""
    assert len(rows) == 1 + evaluation.standings().height


def test_standings_in_the_table(evaluation: emulation.Evaluation) -> None:
    text = reporters.render_table(evaluation, "vi")
    block = text.split("Xếp hạng trong đơn vị — Nhóm u (5)", 1)[1].split("\n\n", 1)[0]
    assert block.splitlines() == [
        "",
        "     1  a  Nguyễn Văn An",
        "     2  b  Trần Thị Bình  = c",
        "     2  c    = b",
        "     4  e  ",
        "     5  d  ",
    ]
    assert "Standings in the cluster — Group K (2)" in reporters.render_table(evaluation, "en")
