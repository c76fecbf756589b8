"""Strategies for movements: score-sheet facts put totals on and around every band boundary,
items at 0 and at and above their maximum, knock-outs and caps both ways; KPI trees have the
KPI's levels, shares either side of the target, and nodes with and without their own target."""

from __future__ import annotations

from collections import Counter
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings

import emulation
from emulation import Population, strategies
from emulation.rules.model import Ruleset

ROOT = Path(__file__).resolve().parents[2]
MOVEMENT = ROOT / "tests" / "rulesets" / "movement"
KPIS = ROOT / "tests" / "rulesets" / "kpis.toml"
MANY = settings(
    max_examples=300,
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=list(HealthCheck),
)


def ruleset_of(path: Path) -> tuple[emulation.Engine, Ruleset]:
    engine = emulation.build_engine(entry_points=False, ruleset_paths=[path])
    return engine, engine.rulesets[0]


def test_sheet_facts_reach_every_boundary_both_ways() -> None:
    engine, ruleset = ruleset_of(MOVEMENT)
    sheet = ruleset.scores["dv"]
    drawn: list[dict[str, Any]] = []

    @MANY
    @given(strategies.sheet_facts(sheet, ruleset.facts))
    def collect(facts: dict[str, Any]) -> None:
        drawn.append(facts)

    collect()
    subjects = [
        {"id": f"u{i}", "kind": "collective", "facts": {"2026": facts}}
        for i, facts in enumerate(drawn)
    ]
    results = engine.evaluate(
        Population.from_json({"subjects": subjects}), "2026", [], scores=["dv"]
    ).score_results()
    totals = {r.total for r in results}
    for band in sheet.bands:
        if band.min is not None:
            assert {band.min, band.min - Decimal("0.000001")} <= totals, band.id
    items = Counter(
        (
            p.id,
            "zero"
            if p.points == 0
            else "above"
            if p.raw and p.raw > p.max
            else "max"
            if p.points == p.max
            else "between",
        )
        for r in results
        for p in r.items
    )
    for item in sheet.items:
        assert {(item.id, "zero"), (item.id, "above"), (item.id, "max")} <= set(items), item.id
    checks = Counter((c.id, c.value) for r in results for c in r.checks)
    for rule in (*sheet.knockouts, *sheet.caps):
        assert checks[(rule.id, True)], rule.id
        assert checks[(rule.id, False)], rule.id
    bands = Counter(r.band for r in results)
    assert set(bands) >= {b.id for b in sheet.bands}, bands
    caps = Counter((p.id, p.capped) for r in results for p in (r.bonus, r.deduction) if p)
    assert caps[("bonus", True)], caps
    assert caps[("deduction", True)], caps


def test_kpi_trees_have_the_levels_and_shares_on_both_sides_of_the_target() -> None:
    engine, ruleset = ruleset_of(KPIS)
    kpi = ruleset.kpis["cd_training"]
    trees: list[list[dict[str, Any]]] = []

    @settings(MANY, max_examples=60)
    @given(strategies.kpi_trees(kpi, ruleset, "2024", prefix="t"))
    def collect(found: list[dict[str, Any]]) -> None:
        trees.append(found)

    collect()
    outcomes: Counter[tuple[str, str]] = Counter()
    sources: Counter[str | None] = Counter()
    everyone: list[dict[str, Any]] = []
    for index, tree in enumerate(trees):
        levels = [s.get("level") for s in tree if s["kind"] == "collective"]
        assert levels[0] == "confederation"
        assert {"confederation", "province", "grassroots"} <= set(levels)
        for subject in tree:
            subject["id"] = f"{index}.{subject['id']}"
            if subject.get("parent"):
                subject["parent"] = f"{index}.{subject['parent']}"
        everyone.extend(tree)
    population = Population.from_json({"subjects": everyone})
    for result in engine.evaluate(population, "2024", kpis=["cd_training"]).kpi_results():
        outcomes[(result.level, result.outcome)] += 1
        sources[result.target_source] += 1
    for level in ("grassroots", "province", "confederation"):
        assert outcomes[(level, "met")], outcomes
        assert outcomes[(level, "not_met")], outcomes
    assert sources["override"], sources
    assert sources["parameter"], sources


@pytest.mark.parametrize("path", [MOVEMENT, KPIS])
def test_from_ruleset_draws_sheets_and_trees(path: Path) -> None:
    engine, ruleset = ruleset_of(path)
    seen: Counter[str] = Counter()

    @settings(
        max_examples=60,
        derandomize=True,
        database=None,
        deadline=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(strategies.from_ruleset(engine.rulesets))
    def run(population: Population) -> None:
        period = population.periods()[-1]
        evaluation = engine.evaluate(population, period)
        seen.update(f"band {r.band}" for r in evaluation.score_results())
        seen.update(f"{r.kpi} {r.outcome}" for r in evaluation.kpi_results())

    run()
    if ruleset.scores:
        assert {"band HTXS", "band HTT", "band HT", "band KHT"} <= set(seen), seen
    else:
        assert {"cd_training met", "cd_training not_met"} <= set(seen), seen
