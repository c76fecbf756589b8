"""KPIs over the organisation tree (tests/rulesets/kpis.toml): a three-level union tree with the
13th Congress target (at least 65 % of *enterprise* workers in training), a province with its
own higher target, both sides of the boundary, missing data, an empty denominator, a target
with no value, a KPI of collectives reading an award decided in the same evaluation, and
order independence."""

from __future__ import annotations

import random
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import Any

import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import emulation
from emulation import Population

RULESET = Path(__file__).resolve().parents[1] / "rulesets" / "kpis.toml"


@pytest.fixture(scope="module")
def engine() -> emulation.Engine:
    return emulation.build_engine(entry_points=False, ruleset_paths=[RULESET])


def workers(
    unit: str, enterprise: int, trained: int, outside: int = 0, prefix: str = ""
) -> list[dict[str, Any]]:
    """``enterprise`` workers of ``unit`` in an enterprise, ``trained`` of them in training,
    and ``outside`` workers not in an enterprise, all in training (the filter must drop
    them)."""
    found = []
    for index in range(enterprise):
        facts = {"in_enterprise": True, "in_training": index < trained}
        found.append(_person(f"{prefix or unit}-w{index:02d}", unit, facts))
    for index in range(outside):
        facts = {"in_enterprise": False, "in_training": True}
        found.append(_person(f"{prefix or unit}-o{index:02d}", unit, facts))
    return found


def _person(sid: str, unit: str, facts: dict[str, Any]) -> dict[str, Any]:
    return {"id": sid, "kind": "person", "parent": unit, "facts": {"2024": facts}}


def unit(sid: str, level: str, parent: str | None = None, **facts: Any) -> dict[str, Any]:
    found: dict[str, Any] = {"id": sid, "kind": "collective", "level": level}
    if parent:
        found["parent"] = parent
    if facts:
        found["facts"] = {"2024": facts}
    return found


def union_tree() -> list[dict[str, Any]]:
    """Confederation → two provincial federations → three grassroots unions → workers.

    cs1: 13 of 20 enterprise workers in training (and 5 outside enterprises): met.
    cs2: 12 of 20: not met, one short. p1 = 25 of 40: not met, one short (26 = 65 % of 40).
    cs3: 13 of 20: met at 65 %; p2 sets itself 70 %: 13 of 20 is one short there.
    tld: 38 of 60: not met, one short (39 = 65 % of 60).
    """
    return [
        unit("tld", "confederation"),
        unit("p1", "province", "tld"),
        unit("p2", "province", "tld", training_target="0.7"),
        unit("cs1", "grassroots", "p1"),
        unit("cs2", "grassroots", "p1"),
        unit("cs3", "grassroots", "p2"),
        *workers("cs1", 20, 13, outside=5),
        *workers("cs2", 20, 12),
        *workers("cs3", 20, 13),
    ]


def kpis(
    engine: emulation.Engine, subjects: list[dict[str, Any]], period: str = "2024"
) -> dict[str, emulation.KpiResult]:
    evaluation = engine.evaluate(Population.from_json({"subjects": subjects}), period)
    return {f"{r.kpi}@{r.node}": r for r in evaluation.kpi_results()}


def test_the_congress_target_at_every_level(engine: emulation.Engine) -> None:
    found = kpis(engine, union_tree())
    summary = {
        key: (r.numerator, r.denominator, r.outcome, r.needed, r.target, r.target_source)
        for key, r in found.items()
        if r.kpi == "cd_training"
    }
    p65, p70 = Decimal("0.65"), Decimal("0.7")
    assert summary == {
        "cd_training@cs1": (13, 20, "met", 0, p65, "parameter"),
        "cd_training@cs2": (12, 20, "not_met", 1, p65, "parameter"),
        "cd_training@cs3": (13, 20, "met", 0, p65, "parameter"),
        "cd_training@p1": (25, 40, "not_met", 1, p65, "parameter"),
        "cd_training@p2": (13, 20, "not_met", 1, p70, "override"),
        "cd_training@tld": (38, 60, "not_met", 1, p65, "parameter"),
    }
    assert found["cd_training@p1"].value == Decimal("0.625")
    assert found["cd_training@tld"].value == Decimal("0.633333")  # shown; judged exactly
    assert found["cd_training@cs1"].level_label == emulation.Label(
        vi="Công đoàn cơ sở", en="Grassroots union"
    )


def test_the_reasons_say_the_share_the_target_and_the_shortfall(
    engine: emulation.Engine,
) -> None:
    found = kpis(engine, union_tree())
    met, short, own = found["cd_training@cs1"], found["cd_training@cs2"], found["cd_training@p2"]
    assert [r.code for r in met.reasons] == ["kpi_met"]
    assert (
        met.reasons[0].render("vi").startswith("Đạt 65 % / chỉ tiêu 65 %: 13/20 công nhân lao động")
    )
    assert (
        short.reasons[0]
        .render("en")
        .startswith("Short of the 65 % target: 60 %, 12 of 20 workers; 1 more needed")
    )
    assert "còn thiếu 1 công nhân lao động" in short.reasons[0].render("vi")
    assert [r.code for r in own.reasons] == ["kpi_override", "kpi_not_met"]
    assert own.reasons[0].render("vi") == (
        "Áp dụng chỉ tiêu riêng của đơn vị (training_target): 70 %, thay cho 65 %"
    )
    assert (
        own.reasons[1]
        .render("en")
        .startswith("Short of the 70 % target: 65 %, 13 of 20 workers; 1 more needed")
    )


def test_two_thirds_is_shown_to_one_place_and_judged_exactly(engine: emulation.Engine) -> None:
    subjects = [unit("cs", "grassroots"), *workers("cs", 3, 2)]
    [result] = kpis(engine, subjects).values()
    assert (result.outcome, result.value) == ("met", Decimal("0.666667"))
    assert result.reasons[0].render("vi").startswith("Đạt 66,7 % / chỉ tiêu 65 %")
    assert result.reasons[0].render("en").startswith("Meets the target: 66.7 % against 65 %")


@pytest.mark.parametrize(
    ("enterprise", "trained", "outcome", "needed"),
    [
        (20, 13, "met", 0),
        (20, 12, "not_met", 1),
        (20, 9, "not_met", 4),
        (7, 5, "met", 0),
        (7, 4, "not_met", 1),
        (1, 0, "not_met", 1),
        (1, 1, "met", 0),
    ],
)
def test_needed_is_the_smallest_number_that_meets_the_target(
    engine: emulation.Engine, enterprise: int, trained: int, outcome: str, needed: int
) -> None:
    [result] = kpis(
        engine, [unit("cs", "grassroots"), *workers("cs", enterprise, trained)]
    ).values()
    assert (result.outcome, result.needed) == (outcome, needed)
    # an independent check: with `needed` more the share reaches 65 %, with one fewer not
    assert (trained + needed) * 100 >= 65 * enterprise
    if needed:
        assert (trained + needed - 1) * 100 < 65 * enterprise


def test_missing_data_makes_the_node_and_those_above_it_data_missing(
    engine: emulation.Engine,
) -> None:
    subjects = [
        unit("p", "province"),
        unit("a", "grassroots", "p"),
        unit("b", "grassroots", "p"),
        *workers("a", 20, 13),
        _person("a-unknown", "a", {"in_enterprise": True}),
        *workers("b", 20, 13),
        # outside the denominator: an unknown training status does not matter
        _person("b-outside", "b", {"in_enterprise": False}),
        # unknown whether in an enterprise: the denominator itself is unknown
    ]
    found = kpis(engine, subjects)
    a, b, p = found["cd_training@a"], found["cd_training@b"], found["cd_training@p"]
    assert (a.outcome, a.unknown, a.value, a.needed) == ("data_missing", 1, None, None)
    assert [r.code for r in a.reasons] == ["kpi_unknown"]
    assert a.reasons[0].render("en") == (
        "Data missing for 1 of the workers counted, to compute “Enterprise workers in training”"
    )
    assert (b.outcome, b.unknown) == ("met", 0)
    assert (p.outcome, p.unknown) == ("data_missing", 1)
    subjects.append(_person("b-who", "b", {"in_training": True}))
    assert kpis(engine, subjects)["cd_training@b"].outcome == "data_missing"


def test_an_empty_denominator_is_data_missing(engine: emulation.Engine) -> None:
    subjects = [
        unit("p", "province"),
        unit("outside", "grassroots", "p"),
        unit("nobody", "grassroots", "p"),
        *workers("outside", 0, 0, outside=4),
    ]
    found = kpis(engine, subjects)
    for node in ("outside", "nobody"):
        result = found[f"cd_training@{node}"]
        assert (result.outcome, result.denominator, result.value) == ("data_missing", 0, None)
        assert [r.code for r in result.reasons] == ["kpi_empty"]
    assert found["cd_training@outside"].reasons[0].render("vi") == (
        "Không có công nhân lao động nào thuộc mẫu số của "
        "«Công nhân lao động tại doanh nghiệp tham gia học tập»"
    )


def families(commune: str, scores: list[int | None], period: str) -> list[dict[str, Any]]:
    return [
        {
            "id": f"{commune}-f{index}",
            "kind": "collective",
            "level": "family",
            "parent": commune,
            "facts": {period: {} if score is None else {"family_score": score}},
        }
        for index, score in enumerate(scores)
    ]


def test_a_target_without_a_value_is_data_missing_naming_the_parameter(
    engine: emulation.Engine,
) -> None:
    subjects = [unit("x", "commune"), *families("x", [90, 85, 40], "2024")]
    [result] = [r for r in kpis(engine, subjects).values() if r.kpi == "gdht_share"]
    assert (result.outcome, result.target, result.value) == (
        "data_missing",
        None,
        Decimal("0.666667"),
    )
    assert [r.code for r in result.reasons] == ["kpi_no_target"]
    assert result.reasons[0].render("en") == "The target “gdht_target” has no value for 2024"


def test_collectives_are_counted_by_an_award_decided_in_the_same_evaluation(
    engine: emulation.Engine,
) -> None:
    """Families in a commune (direct members of level ``family``), counted when granted
    ``gdht`` in the same evaluation; the commune's clan-level child is not a family."""
    subjects = [
        unit("x", "commune"),
        {"id": "clan", "kind": "collective", "level": "commune", "parent": "x"},
        *families("x", [90, 85, 80, 79, 60, 95, 88, 81, 70, 99], "2026"),
        *families("clan", [10, 10, 10], "2026"),
    ]
    population = Population.from_json({"subjects": subjects})
    evaluation = engine.evaluate(population, "2026")
    [result] = evaluation.kpi_results("gdht_share", ["x"])
    assert (result.numerator, result.denominator, result.outcome, result.needed) == (
        7,
        10,
        "met",
        0,
    )
    granted = evaluation.outcomes().filter(pl.col("outcome") == "granted").height
    assert granted == 7
    subjects[5]["facts"]["2026"]["family_score"] = 10  # x-f3 (79 → 10): still 7 of 10
    subjects[2]["facts"]["2026"]["family_score"] = 10  # x-f0 (90 → 10): 6 of 10
    [lower] = engine.evaluate(Population.from_json({"subjects": subjects}), "2026").kpi_results(
        "gdht_share", ["x"]
    )
    assert (lower.numerator, lower.outcome, lower.needed) == (6, "not_met", 1)


def test_kpis_do_not_depend_on_row_order(engine: emulation.Engine) -> None:
    subjects = union_tree()
    expected = engine.evaluate(Population.from_json({"subjects": subjects}), "2024").kpis()
    for seed in range(3):
        shuffled = list(subjects)
        random.Random(seed).shuffle(shuffled)
        again = engine.evaluate(Population.from_json({"subjects": shuffled}), "2024").kpis()
        assert again.equals(expected)


def test_only_named_kpis_and_none_when_awards_are_named(engine: emulation.Engine) -> None:
    population = Population.from_json({"subjects": union_tree()})
    assert engine.evaluate(population, "2024", ["gdht"]).kpis().height == 0
    chosen = engine.evaluate(population, "2024", kpis=["cd_training"]).kpis()
    assert set(chosen.get_column("kpi")) == {"cd_training"}
    with pytest.raises(emulation.EvaluationError, match="unknown KPI 'cd_trainin'"):
        engine.evaluate(population, "2024", kpis=["cd_trainin"])


def test_collectives_without_a_level_are_not_nodes(engine: emulation.Engine) -> None:
    """Data without levels keeps working: no node, no KPI row, the awards as before."""
    subjects = [{"id": "plain", "kind": "collective"}, *workers("plain", 3, 3)]
    evaluation = engine.evaluate(Population.from_json({"subjects": subjects}), "2024")
    assert evaluation.kpis().height == 0
    assert evaluation.kpis().columns[:3] == ["kpi", "node", "level"]


# -- the property: every node's counts and outcome equal an independent recount ----------------

_STATUS = st.sampled_from([True, False, None])


@st.composite
def union_trees(draw: st.DrawFn) -> list[dict[str, Any]]:
    """A confederation, 1–3 provinces (some with their own target), 1–3 grassroots unions
    each, 0–8 workers each with a known or unknown enterprise and training status."""
    subjects = [unit("tld", "confederation")]
    for p in range(draw(st.integers(1, 3))):
        own = draw(st.sampled_from([None, "0.5", "0.65", "0.7", "1"]))
        subjects.append(
            unit(f"p{p}", "province", "tld", **({"training_target": own} if own else {}))
        )
        for g in range(draw(st.integers(1, 3))):
            node = f"p{p}g{g}"
            subjects.append(unit(node, "grassroots", f"p{p}"))
            for w in range(draw(st.integers(0, 8))):
                facts = {"in_enterprise": draw(_STATUS), "in_training": draw(_STATUS)}
                known = {name: value for name, value in facts.items() if value is not None}
                subjects.append(_person(f"{node}w{w}", node, known))
    return subjects


def recount(subjects: list[dict[str, Any]]) -> dict[str, tuple[int, int, int, str, int | None]]:
    """``node: (numerator, denominator, unknown, outcome, needed)`` worked out by walking the
    parents one person at a time, with exact fractions."""
    parent = {s["id"]: s.get("parent") for s in subjects}
    own = {
        s["id"]: Fraction(s["facts"]["2024"]["training_target"])
        for s in subjects
        if s["kind"] == "collective" and "facts" in s
    }
    counts = {s["id"]: [0, 0, 0] for s in subjects if s["kind"] == "collective"}
    for s in subjects:
        if s["kind"] != "person":
            continue
        facts = s["facts"]["2024"]
        d, n = facts.get("in_enterprise"), facts.get("in_training")
        node = parent[s["id"]]
        while node is not None:
            counts[node][0] += bool(d is True and n is True)
            counts[node][1] += bool(d is True)
            counts[node][2] += bool(d is None or (d is True and n is None))
            node = parent[node]
    found: dict[str, tuple[int, int, int, str, int | None]] = {}
    for node, (num, den, unknown) in counts.items():
        if unknown or not den:
            found[node] = (num, den, unknown, "data_missing", None)
            continue
        target = own.get(node, Fraction(65, 100))
        needed = 0
        while Fraction(num + needed, den) < target:
            needed += 1
        found[node] = (num, den, unknown, "met" if needed == 0 else "not_met", needed)
    return found


@given(subjects=union_trees())
@settings(deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_every_node_equals_an_independent_recount(
    engine: emulation.Engine, subjects: list[dict[str, Any]]
) -> None:
    evaluation = engine.evaluate(Population.from_json({"subjects": subjects}), "2024")
    found = {
        r.node: (r.numerator, r.denominator, r.unknown, r.outcome, r.needed)
        for r in evaluation.kpi_results("cd_training")
    }
    assert found == recount(subjects)


def test_a_dated_target_and_a_province_plan_above_it(engine: emulation.Engine) -> None:
    """QĐ 677: 40 % of adults by 2025, 60 % by 2030; Phú Thọ's own plan: 60 % for 2025."""

    def adults(province: str, holders: int, period: str) -> list[dict[str, Any]]:
        return [
            {
                "id": f"{province}-{period}-{index}",
                "kind": "person",
                "parent": province,
                "facts": {period: {"adult": True, "cdht_holder": index < holders}},
            }
            for index in range(20)
        ]

    def results(period: str, phu_tho_plan: str | None) -> dict[str, tuple[Any, ...]]:
        phu_tho = {"id": "phu-tho", "kind": "collective", "level": "province"}
        if phu_tho_plan:
            phu_tho["facts"] = {period: {"cdht_province_target": phu_tho_plan}}
        subjects = [
            phu_tho,
            {"id": "other", "kind": "collective", "level": "province"},
            *adults("phu-tho", 11, period),
            *adults("other", 9, period),
        ]
        found = engine.evaluate(Population.from_json({"subjects": subjects}), period)
        return {
            r.node: (r.target, r.target_source, r.outcome, r.needed)
            for r in found.kpi_results("cdht_adults")
        }

    assert results("2025", "0.6") == {
        "phu-tho": (Decimal("0.6"), "override", "not_met", 1),
        "other": (Decimal("0.4"), "parameter", "met", 0),
    }
    assert results("2025", None)["phu-tho"] == (Decimal("0.4"), "parameter", "met", 0)
    assert results("2030", None) == {
        "phu-tho": (Decimal("0.6"), "parameter", "not_met", 1),
        "other": (Decimal("0.6"), "parameter", "not_met", 3),
    }
