"""Score sheets evaluated: against an independent recount, whatever the row order; read by
criteria and ranking keys; ordered with the awards they read and that read them; in the
outputs (JSON, CSV, table, explain)."""

from __future__ import annotations

import json
import random
from decimal import Decimal
from pathlib import Path
from typing import Any

import polars as pl
import pytest

import emulation
from emulation import Population
from emulation._builtins.reporters import render_table
from emulation.cli import main
from emulation.evaluate.steps import order_steps

RULESET = Path(__file__).resolve().parents[1] / "rulesets" / "movement" / "movement.toml"
ORDER = ["KHT", "HT", "HTT", "HTXS"]


@pytest.fixture(scope="module")
def engine() -> emulation.Engine:
    return emulation.build_engine(entry_points=False, ruleset_paths=[RULESET])


def unit(uid: str, cluster: str | None = None, **facts: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "org_plan": "5",
        "org_report": "5",
        "democracy": "30",
        "mobilisation": "30",
        "results": "25",
    }
    base.update(facts)
    base = {name: value for name, value in base.items() if value is not None}
    found = {"id": uid, "kind": "collective", "facts": {"2026": base}}
    if cluster is not None:
        found["cluster"] = cluster
    return found


def recount(facts: dict[str, Any]) -> tuple[Decimal, str]:
    """The sheet of movement.toml worked out by hand, independently of the engine."""

    def counted(value: Decimal, most: int) -> Decimal:
        return min(max(value, Decimal(0)), Decimal(most))

    items = {
        "plan": counted(Decimal(facts["org_plan"]), 6),
        "report": counted(Decimal(facts["org_report"]), 6),
        "democracy": counted(Decimal(facts["democracy"]), 30),
        "mobilisation": counted(Decimal(facts["mobilisation"]), 30),
        "results": counted(Decimal(facts["results"]), 30),
    }
    organisation = min(items["plan"] + items["report"], Decimal(10))
    implementation = min(items["democracy"] + items["mobilisation"] + items["results"], Decimal(90))
    bonus = counted(Decimal(facts.get("dvk_models", 0)) + (1 if facts.get("exemplary") else 0), 3)
    deduction = counted(Decimal(facts.get("late_reports", 0)) * Decimal("0.5"), 3)
    total = organisation + implementation + bonus - deduction
    no_zero = all(points > 0 for points in items.values())
    if total >= 95 and no_zero:
        band = "HTXS"
    elif total >= 85 and no_zero:
        band = "HTT"
    elif total >= 75:
        band = "HT"
    else:
        band = "KHT"
    head = facts.get("head_discipline", "none")
    if head == "reprimand" and ORDER.index(band) > ORDER.index("HTT"):
        band = "HTT"
    if head == "warning" and ORDER.index(band) > ORDER.index("HT"):
        band = "HT"
    if facts.get("corruption") or facts.get("self_assessed") is False or head == "dismissal":
        band = "KHT"
    return total, band


def random_units(count: int, seed: int) -> list[dict[str, Any]]:
    rng = random.Random(seed)
    edges = ["0", "0.000001", "4.999999", "5", "5.5", "6", "6.000001", "9", "-1"]

    def points(most: int) -> str:
        if rng.random() < 0.3:
            return rng.choice(edges)
        low, high = most * 750_000, most * 1_000_000 + 1_000_000
        return str(Decimal(rng.randint(low, high)) / 1_000_000)

    units = []
    for index in range(count):
        facts: dict[str, Any] = {
            "org_plan": points(6),
            "org_report": points(6),
            "democracy": points(30),
            "mobilisation": points(30),
            "results": points(30),
            "dvk_models": rng.choice([0, 0, 1, 2, 3, 5]),
            "exemplary": rng.random() < 0.2,
            "late_reports": rng.choice([0, 0, 1, 3, 6, 7, 10]),
            "corruption": rng.random() < 0.05,
            "self_assessed": rng.random() > 0.05,
            "head_discipline": rng.choice(["none"] * 6 + ["reprimand", "warning", "dismissal"]),
        }
        units.append(unit(f"u{index:03d}", cluster=f"c{index % 7}", **facts))
    return units


def test_every_total_and_band_agrees_with_a_recount(engine: emulation.Engine) -> None:
    units = random_units(300, seed=8)
    evaluation = engine.evaluate(Population.from_json({"subjects": units}), "2026")
    got = {r["subject"]: (r["total"], r["band"]) for r in evaluation.scores().to_dicts()}
    wrong = [
        (u["id"], recount(u["facts"]["2026"]), got[u["id"]])
        for u in units
        if recount(u["facts"]["2026"]) != got[u["id"]]
    ]
    assert not wrong, wrong[:5]
    assert {band for _, band in got.values()} == set(ORDER)


def test_results_do_not_depend_on_row_order(engine: emulation.Engine) -> None:
    units = random_units(120, seed=3)
    shuffled = units[:]
    random.Random(1).shuffle(shuffled)
    first, second = (
        engine.evaluate(Population.from_json({"subjects": rows}), "2026")
        for rows in (units, shuffled)
    )
    assert first.scores().equals(second.scores())
    assert first.outcomes().equals(second.outcomes())
    assert [r.to_dict("en") for r in first.score_results()] == [
        r.to_dict("en") for r in second.score_results()
    ]


def test_ranking_keys_read_the_score_then_an_item(engine: emulation.Engine) -> None:
    units = [
        unit("a", cluster="k", results="25", dvk_models=1),  # 96
        unit("b", cluster="k", results="30", late_reports=2),  # 99
        unit("c", cluster="k", results="30", org_plan="4"),  # 99, results 30
        unit("d", cluster="k", results="29", dvk_models=1),  # 100
    ]
    evaluation = engine.evaluate(Population.from_json({"subjects": units}), "2026", ["bk_chair"])
    ranks = {d.subject: (d.rank, d.outcome) for d in evaluation.decisions()}
    totals = {r["subject"]: r["total"] for r in evaluation.scores().to_dicts()}
    assert totals == {
        "a": Decimal("96"),
        "b": Decimal("99"),
        "c": Decimal("99"),
        "d": Decimal("100"),
    }
    # d first by total; b and c tie on 99 and on results (30): they share second place, wholly
    # beyond the cap of one, so no tie is left for the authority to settle
    assert ranks == {
        "d": (1, "granted"),
        "b": (2, "eligible_over_quota"),
        "c": (2, "eligible_over_quota"),
        "a": (4, "eligible_over_quota"),
    }
    assert evaluation.decision("b", "bk_chair").tied_with == ("c",)


def test_a_sheet_is_computed_for_the_awards_that_read_it_or_when_asked(
    engine: emulation.Engine,
) -> None:
    population = Population.from_json({"subjects": [unit("a")]})
    only = engine.evaluate(population, "2026", ["good_standing"])
    assert [sheet.id for sheet, _ in only.sheets] == ["dv"]
    assert [a.id for a, _ in only.awards] == ["good_standing"]
    asked = engine.evaluate(population, "2026", [], scores=["dv"])
    assert asked.decisions() == ()
    assert asked.score("a", "dv").band == "HTXS"
    with pytest.raises(emulation.EvaluationError, match="unknown score sheet 'dw'"):
        engine.evaluate(population, "2026", [], scores=["dw"])
    with pytest.raises(emulation.EvaluationError, match='no score sheet "dv" for subject "z"'):
        asked.score("z", "dv")


def test_the_result_carries_items_caps_and_the_gap(engine: emulation.Engine) -> None:
    population = Population.from_json(
        {"subjects": [unit("a", org_plan="7", results="23.5", dvk_models=4)]}
    )
    result = engine.evaluate(population, "2026").score("a", "dv")
    plan = result.item("plan")
    assert (plan.points, plan.raw, plan.capped) == (Decimal(6), Decimal(7), True)
    assert [g.points for g in result.groups] == [Decimal(10), Decimal("83.5")]
    assert result.bonus is not None
    assert (result.bonus.capped, result.bonus.points) == (True, 3)
    assert (result.total, result.band, result.next_band) == (Decimal("96.5"), "HTXS", None)
    short = engine.evaluate(
        Population.from_json({"subjects": [unit("b", results="23.5")]}), "2026"
    ).score("b", "dv")
    assert (short.band, short.next_band, short.short) == ("HTT", "HTXS", Decimal("1.5"))
    [reason] = [r for r in short.reasons if r.code == "score_short"]
    assert reason.render("vi") == (
        "Thiếu 1,5 điểm để đạt «Hoàn thành xuất sắc nhiệm vụ» (QĐ 2579/QĐ-UBND Art 6(1))"
    )
    assert reason.render("en") == (
        "1.5 points short of “Tasks completed excellently” (QĐ 2579/QĐ-UBND Art 6(1))"
    )


def test_decisions_carry_the_sheet_they_read(engine: emulation.Engine) -> None:
    population = Population.from_json({"subjects": [unit("a", results="24")]})
    evaluation = engine.evaluate(population, "2026")
    decision = evaluation.decision("a", "bk_chair")
    [sheet] = decision.scores
    assert sheet.score == "dv"
    document = decision.to_dict("vi")
    assert (document["scores"][0]["total"], document["scores"][0]["band"]) == ("94", "HTT")
    assert [r.code for r in decision.reasons][-2:] == ["score_total", "score_short"]


A_SHEET_READING_AN_AWARD = """
format = 1
[ruleset]
id = "test.loop"
organisation = "test"
version = "1.0.0"
effective_from = 2024-01-01
title = { vi = "Thử", en = "Test" }
[facts.model]
type = "bool"
default = false
label = { vi = "Có mô hình", en = "Has a model" }
[facts.work]
type = "int"
label = { vi = "Điểm công việc", en = "Work points" }
[awards.model_unit]
kind = "certificate"
subject = "person"
label = { vi = "Mô hình", en = "Model" }
[[awards.model_unit.criteria]]
id = "model"
expr = "model"
label = { vi = "Có mô hình", en = "Has a model" }
basis = "test"
certainty = "C"
[scores.s]
subject = "person"
label = { vi = "Bảng", en = "Sheet" }
basis = "test"
certainty = "C"
[[scores.s.items]]
id = "work"
expr = "work"
max = 8
label = { vi = "Công việc", en = "Work" }
basis = "test"
certainty = "C"
[[scores.s.items]]
id = "model"
expr = '2 if granted("model_unit") else 0'
max = 2
label = { vi = "Mô hình", en = "Model" }
basis = "test"
certainty = "C"
[[scores.s.bands]]
id = "A"
min = 9
label = { vi = "A", en = "A" }
basis = "test"
certainty = "C"
[[scores.s.bands]]
id = "B"
label = { vi = "B", en = "B" }
basis = "test"
certainty = "C"
[awards.top]
kind = "title"
subject = "person"
label = { vi = "Đứng đầu", en = "Top" }
[[awards.top.criteria]]
id = "band_a"
expr = 'band("s") == "A" and score("s") > 9.5'
label = { vi = "Hạng A trên 9,5 điểm", en = "Band A above 9.5 points" }
basis = "test"
certainty = "C"
"""


def test_a_sheet_reading_an_award_is_computed_between_it_and_the_award_reading_it(
    tmp_path: Path,
) -> None:
    path = tmp_path / "loop.toml"
    path.write_text(A_SHEET_READING_AN_AWARD, encoding="utf-8")
    engine = emulation.build_engine(entry_points=False, ruleset_paths=[path])
    people = [
        {"id": "p1", "kind": "person", "facts": {"2024": {"work": 8, "model": True}}},
        {"id": "p2", "kind": "person", "facts": {"2024": {"work": 8}}},
        {"id": "p3", "kind": "person", "facts": {"2024": {"work": 7, "model": True}}},
    ]
    evaluation = engine.evaluate(Population.from_json({"subjects": people}), "2024", ["top"])
    assert evaluation.order == ("model_unit", "top")
    outcomes = {d.subject: d.outcome for d in evaluation.decisions() if d.award == "top"}
    assert outcomes == {"p1": "granted", "p2": "not_eligible", "p3": "not_eligible"}
    assert [(r.subject, r.total, r.band) for r in evaluation.score_results()] == [
        ("p1", Decimal(10), "A"),
        ("p2", Decimal(8), "B"),
        ("p3", Decimal(9), "A"),
    ]


def test_outputs_show_score_and_band(engine: emulation.Engine) -> None:
    population = Population.from_json({"subjects": [unit("a"), unit("b", results=None)]})
    evaluation = engine.evaluate(population, "2026")
    document = json.loads(engine.render(evaluation, "json", "en"))
    assert [(s["subject"], s["total"], s["band"]) for s in document["scores"]] == [
        ("a", "95", "HTXS"),
        ("b", None, None),
    ]
    csv = engine.render(evaluation, "csv", "vi").splitlines()
    assert csv[0].endswith(",score,band")
    assert csv[1].startswith("a,,bk_chair,")
    assert csv[1].endswith(",95,HTXS")
    assert csv[3].startswith("b,,bk_chair,Bằng khen của Chủ tịch UBND thành phố,2026,data_missing")
    assert csv[3].endswith(",,")
    table = render_table(evaluation, "vi")  # --detail
    assert "Bảng điểm:\n  a  dv  95  Hoàn thành xuất sắc nhiệm vụ\n  b  dv  ∅  ∅" in table
    view = engine.render(evaluation, "table", "vi").splitlines()
    sheets = view.index("Bảng điểm")
    assert [line.split() for line in view[sheets + 3 : sheets + 5]] == [
        ["a", "dv", "95", "Hoàn", "thành", "xuất", "sắc", "nhiệm", "vụ"],
        ["b", "dv", "∅", "∅"],
    ]


def test_a_population_without_sheets_keeps_its_outputs() -> None:
    root = Path(__file__).resolve().parents[2]
    engine = emulation.build_engine(
        entry_points=False, ruleset_paths=[root / "docs" / "tutorial" / "my-rules"]
    )
    population = Population.from_json(
        (root / "docs" / "tutorial" / "members.json").read_text("utf-8")
    )
    evaluation = engine.evaluate(population, "2024")
    assert "scores" not in json.loads(engine.render(evaluation, "json", "en"))
    assert engine.render(evaluation, "csv", "en").splitlines()[0].endswith(",ruleset,version")
    assert all("scores" not in d.to_dict() for d in evaluation.decisions())
    assert evaluation.scores().height == 0


def test_explain_shows_the_sheet_item_by_item(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = tmp_path / "units.json"
    data.write_text(
        json.dumps(
            {
                "format": "emulation.population/1",
                "subjects": [unit("a", org_plan="8", results="20")],
            }
        ),
        encoding="utf-8",
    )
    status = main(
        [
            "explain",
            str(data),
            "--period",
            "2026",
            "--subject",
            "a",
            "--award",
            "bk_chair",
            "--lang",
            "en",
            "--rulesets",
            str(RULESET),
        ]
    )
    out = capsys.readouterr().out
    assert status == 0, out
    assert "Score sheet dv: Mobilisation work assessment" in out
    assert "  Total: 90    Band: HTT (Tasks completed well)" in out
    assert "    plan: Plan: 6 / 6 (scored 8)" in out
    assert "  [✗] grade cap head_reprimanded: Head reprimanded → at most HTT" in out
    assert "5 points short of “Tasks completed excellently”" in out


def test_the_scores_frame_is_exact(engine: emulation.Engine) -> None:
    population = Population.from_json({"subjects": [unit("a", results="24.999999")]})
    frame = engine.evaluate(population, "2026").scores()
    assert frame.schema["total"] == pl.Decimal(38, 6)
    assert frame.row(0) == ("a", "dv", "2026", Decimal("94.999999"), "HTT")


def variant(tmp_path: Path, *edits: tuple[str, str]) -> emulation.Engine:
    """The movement ruleset with text edits, loaded alone."""
    text = RULESET.read_text("utf-8")
    for old, new in edits:
        assert old in text, old
        text = text.replace(old, new, 1)
    path = tmp_path / "variant.toml"
    path.write_text(text, encoding="utf-8")
    return emulation.build_engine(entry_points=False, ruleset_paths=[path])


def test_the_band_ranks_by_its_order(tmp_path: Path) -> None:
    engine = variant(
        tmp_path,
        (
            """rank = [{ expr = 'score("dv")', order = "desc" }, { expr = 'points("dv", "results")', order = "desc" }]""",
            """rank = [{ expr = 'band("dv")', order = "desc" }, { expr = 'score("dv")', order = "asc" }]""",
        ),
        ("""expr = 'band("dv") == "HTXS"'""", """expr = 'band("dv") >= "HT"'"""),
    )
    units = [
        unit("a", cluster="k", results="30"),  # 100 HTXS
        unit("b", cluster="k", results="20"),  # 90 HTT
        unit("c", cluster="k", results="26"),  # 96 HTXS
        unit("d", cluster="k", results="10"),  # 80 HT
    ]
    evaluation = engine.evaluate(Population.from_json({"subjects": units}), "2026", ["bk_chair"])
    ranks = {d.subject: d.rank for d in evaluation.decisions()}
    assert ranks == {"c": 1, "a": 2, "b": 3, "d": 4}


def test_an_unknown_knockout_or_cap_leaves_the_band_unknown_only_where_it_matters(
    tmp_path: Path,
) -> None:
    engine = variant(
        tmp_path,
        (
            'type = "bool"\ndefault = false\nlabel = { vi = "Có vụ việc tham nhũng"',
            'type = "bool"\nlabel = { vi = "Có vụ việc tham nhũng"',
        ),
        (
            'values = ["none", "reprimand", "warning", "dismissal"]\nordered = true\ndefault = "none"\n',
            'values = ["none", "reprimand", "warning", "dismissal"]\nordered = true\n',
        ),
    )
    known = {"corruption": False, "head_discipline": "none"}
    units = [
        unit("all_known", results="25", **known),
        unit("corruption_unknown", results="25", head_discipline="none"),
        unit("corruption_unknown_but_lowest", results="0", head_discipline="none"),
        unit("head_unknown_htxs", results="25", corruption=False),  # a cap could lower HTXS
        unit("head_unknown_ht", results="5", corruption=False),  # 75: HT, dismissal would knock out
        unit("corruption_true_head_unknown", results="25", corruption=True),
    ]
    evaluation = engine.evaluate(
        Population.from_json({"subjects": units}), "2026", [], scores=["dv"]
    )
    bands = {r["subject"]: r["band"] for r in evaluation.scores().to_dicts()}
    assert bands == {
        "all_known": "HTXS",
        "corruption_unknown": None,
        "corruption_unknown_but_lowest": "KHT",
        "head_unknown_htxs": None,
        "head_unknown_ht": None,
        "corruption_true_head_unknown": "KHT",
    }
    unknown = evaluation.score("corruption_unknown", "dv")
    assert unknown.total == Decimal(95)
    [reason] = [r for r in unknown.reasons if r.code == "score_unknown"]
    assert dict(reason.params)["missing"] == "corruption"


def test_an_item_default_stands_for_a_missing_value(tmp_path: Path) -> None:
    engine = variant(
        tmp_path,
        ('expr = "results"\nmax = 30\n', 'expr = "results"\nmax = 30\ndefault = "12.5"\n'),
    )
    units = [unit("a", results=None), unit("b", results="30")]
    evaluation = engine.evaluate(
        Population.from_json({"subjects": units}), "2026", [], scores=["dv"]
    )
    totals = {r["subject"]: r["total"] for r in evaluation.scores().to_dicts()}
    assert totals == {"a": Decimal("82.5"), "b": Decimal(100)}


def test_a_sheet_reading_another_sheet_is_computed_after_it(tmp_path: Path) -> None:
    second = """
[scores.t]
subject = "person"
label = { vi = "Bảng thứ hai", en = "Second sheet" }
basis = "test"
certainty = "C"
[[scores.t.items]]
id = "double"
expr = 'score("s") * 2 + points("s", "model")'
max = 25
label = { vi = "Gấp đôi", en = "Doubled" }
basis = "test"
certainty = "C"
[[scores.t.bands]]
id = "ONLY"
label = { vi = "Một hạng", en = "One band" }
basis = "test"
certainty = "C"
"""
    path = tmp_path / "two.toml"
    path.write_text(A_SHEET_READING_AN_AWARD + second, encoding="utf-8")
    engine = emulation.build_engine(entry_points=False, ruleset_paths=[path])
    people = [
        {"id": "p1", "kind": "person", "facts": {"2024": {"work": 8, "model": True}}},
        {"id": "p2", "kind": "person", "facts": {"2024": {"work": 7}}},
    ]
    evaluation = engine.evaluate(
        Population.from_json({"subjects": people}), "2024", [], scores=["t"]
    )
    assert [sheet.id for sheet, _ in evaluation.sheets] == ["s", "t"]
    assert evaluation.order == ("model_unit",)
    totals = {(r.subject, r.score): r.total for r in evaluation.score_results()}
    assert totals == {
        ("p1", "s"): Decimal(10),
        ("p1", "t"): Decimal(22),
        ("p2", "s"): Decimal(7),
        ("p2", "t"): Decimal(14),
    }


def test_the_plan_refuses_awards_and_sheets_in_a_circle() -> None:
    assert order_steps({("award", "b"): {("score", "s")}, ("score", "s"): set()}) == (
        ("score", "s"),
        ("award", "b"),
    )
    with pytest.raises(emulation.EvaluationError, match="award b -> score s -> award b"):
        order_steps({("award", "b"): {("score", "s")}, ("score", "s"): {("award", "b")}})


def test_every_key_of_a_sheet_in_the_json_output_is_documented(engine: emulation.Engine) -> None:
    population = Population.from_json({"subjects": [unit("a", org_plan="9")]})
    evaluation = engine.evaluate(population, "2026")
    document = json.loads(engine.render(evaluation, "json", "en"))
    [sheet] = document["scores"]
    keys = set(sheet) | {key for item in sheet["items"] for key in item}
    keys |= {key for check in sheet["checks"] for key in check}
    decision = next(d for d in document["decisions"] if d["award"] == "bk_chair")
    assert decision["scores"] == [sheet]
    keys |= {"scores"}
    page = (Path(__file__).parents[2] / "docs" / "reference" / "file-formats.md").read_text("utf-8")
    section = page.split("#### Score sheets in the JSON output", 1)[1].split("###", 1)[0]
    assert not sorted(key for key in keys if f'"{key}"' not in section and f"`{key}`" not in page)


HALF_FLOOR = """
format = 1
[ruleset]
id = "test.half"
organisation = "test"
version = "1.0.0"
effective_from = 2024-01-01
title = { vi = "Thử", en = "Test" }
[facts.a]
type = "decimal"
label = { vi = "A", en = "A" }
[facts.b]
type = "decimal"
label = { vi = "B", en = "B" }
[scores.s]
subject = "person"
label = { vi = "Bảng", en = "Sheet" }
basis = "test"
certainty = "C"
[[scores.s.items]]
id = "a"
expr = "a"
max = "25.000001"
label = { vi = "A", en = "A" }
basis = "test"
certainty = "C"
[[scores.s.items]]
id = "b"
expr = "b"
max = 75
label = { vi = "B", en = "B" }
basis = "test"
certainty = "C"
[[scores.s.floors]]
id = "half"
kind = "min_share"
share = "0.5"
label = { vi = "Không mục nào dưới 50 %", en = "No item below 50 %" }
basis = "test"
certainty = "C"
[[scores.s.bands]]
id = "GOOD"
min = 50
requires = ["half"]
label = { vi = "Tốt", en = "Good" }
basis = "test"
certainty = "C"
[[scores.s.bands]]
id = "OTHER"
label = { vi = "Khác", en = "Other" }
basis = "test"
certainty = "C"
"""


def test_a_share_floor_is_exact(tmp_path: Path) -> None:
    """Half of 25.000001 is 12.5000005: 12.5 points are below it, 12.500001 are not."""
    path = tmp_path / "half.toml"
    path.write_text(HALF_FLOOR, encoding="utf-8")
    engine = emulation.build_engine(entry_points=False, ruleset_paths=[path])
    people = [
        {"id": "below", "kind": "person", "facts": {"2024": {"a": "12.5", "b": "75"}}},
        {"id": "at", "kind": "person", "facts": {"2024": {"a": "12.500001", "b": "75"}}},
        {"id": "b_low", "kind": "person", "facts": {"2024": {"a": "25", "b": "37.499999"}}},
    ]
    evaluation = engine.evaluate(Population.from_json({"subjects": people}), "2024")
    bands = {r.subject: r.band for r in evaluation.score_results()}
    assert bands == {"below": "OTHER", "at": "GOOD", "b_low": "OTHER"}
    held = evaluation.score("below", "s")
    assert [r.code for r in held.reasons] == ["score_total", "score_floor_failed"]
