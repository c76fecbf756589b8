"""The properties of score sheets and KPIs hold on the test rulesets and fail, readably, on an
engine with a bug planted in it."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import attrs
import polars as pl
import pytest

import emulation
from emulation import Population, properties
from emulation.cases import load_case_file
from emulation.evaluate import kpis as kpi_module
from emulation.evaluate import scores as score_module
from emulation.lang.compiler import DECIMAL
from emulation.properties import PropertyFailure

ROOT = Path(__file__).resolve().parents[2]
MOVEMENT = ROOT / "tests" / "rulesets" / "movement"
KPIS = ROOT / "tests" / "rulesets" / "kpis.toml"


@pytest.fixture(scope="module")
def movement() -> emulation.Engine:
    return emulation.build_engine(entry_points=False, ruleset_paths=[MOVEMENT])


@pytest.fixture(scope="module")
def kpis() -> emulation.Engine:
    return emulation.build_engine(entry_points=False, ruleset_paths=[KPIS])


def sheet_cases() -> Iterator[tuple[Population, str]]:
    for case in load_case_file(MOVEMENT / "movement.cases.toml"):
        yield case.population(), case.period


def unit(**facts: object) -> Population:
    values = {"org_plan": "5", "org_report": "5", "democracy": "30", "mobilisation": "30"}
    values.update({k: str(v) if isinstance(v, (int, Decimal)) else v for k, v in facts.items()})
    return Population.from_json(
        {"subjects": [{"id": "u", "kind": "collective", "facts": {"2026": values}}]}
    )


# -- the properties hold on good rules ---------------------------------------------------------


@pytest.mark.parametrize(
    "name", ["band_monotonicity", "grade_caps", "bands_exhaustive", "kpi_recount"]
)
def test_the_movement_properties_hold_on_the_case_files(
    name: str, movement: emulation.Engine
) -> None:
    prop = next(p for p in properties.PROPERTIES if p.name == name)
    for population, period in sheet_cases():
        prop.assertion(movement, population, period)


def test_the_movement_properties_hold_on_generated_populations(
    movement: emulation.Engine, kpis: emulation.Engine
) -> None:
    for engine in (movement, kpis):
        properties.check(
            engine,
            "band_monotonicity",
            "grade_caps",
            "bands_exhaustive",
            "kpi_recount",
            max_examples=8,
            derandomize=True,
        )


def test_the_kpi_recount_holds_on_the_example_tree() -> None:
    engine = emulation.build_engine(entry_points=False, ruleset_paths=[ROOT / "examples" / "kpis"])
    population = engine.read_population(ROOT / "examples" / "kpis" / "union_tree.json")
    properties.assert_kpis_recounted(engine, population, "2024")


# -- and fail on planted bugs ------------------------------------------------------------------


def test_band_monotonicity_fails_when_points_above_the_maximum_count_as_0(
    movement: emulation.Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    right = score_module.counted

    def zero_above(raw: pl.Expr, most: Decimal) -> pl.Expr:
        over = raw > pl.lit(most, dtype=DECIMAL)
        return pl.when(over).then(pl.lit(0, dtype=DECIMAL)).otherwise(right(raw, most))

    monkeypatch.setattr(score_module, "counted", zero_above)
    with pytest.raises(PropertyFailure) as info:
        properties.assert_bands_monotonic(movement, unit(results="30"), "2026")
    message = str(info.value)
    assert message.startswith(
        "band monotonicity does not hold: more points gave a lower band: subject u, sheet dv "
        "(test.movement 1.0.0): with 0.000001 more points on every item and the bonus and "
        "0.000001 less deduction, the total fell from 100"
    ), message
    assert "Total: 100    Band: HTXS" in message
    assert "democracy: Grassroots democracy: 0 / 30 (scored 30.000001)" in message


def test_band_monotonicity_compares_subjects_with_the_same_checks(
    movement: emulation.Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    right = score_module._points_band

    def inverted(sheet: object, col: object) -> pl.Expr:
        return 3 - right(sheet, col)  # type: ignore[arg-type]

    monkeypatch.setattr(score_module, "_points_band", inverted)
    both = Population.from_json(
        {
            "subjects": [
                {"id": f"u{n}", "kind": "collective", "facts": {"2026": unit_facts(results)}}
                for n, results in enumerate(("30", "5"))
            ]
        }
    )
    with pytest.raises(PropertyFailure) as info:
        properties.assert_bands_monotonic(movement, both, "2026")
    assert "u0 has more points (100.000000) than u1 (75.000000) but a lower band" in str(info.value)


def unit_facts(results: str) -> dict[str, str]:
    return {
        "org_plan": "5",
        "org_report": "5",
        "democracy": "30",
        "mobilisation": "30",
        "results": results,
    }


def test_grade_caps_fail_when_the_engine_forgets_a_cap(
    movement: emulation.Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    right = score_module._band
    monkeypatch.setattr(
        score_module, "_band", lambda sheet, col: right(attrs.evolve(sheet, caps=()), col)
    )
    population = unit(results="30", head_discipline="reprimand")
    with pytest.raises(PropertyFailure) as info:
        properties.assert_grade_caps(movement, population, "2026")
    message = str(info.value)
    assert message.startswith(
        "grade caps do not hold: subject u, sheet dv (test.movement 1.0.0): grade cap "
        "head_reprimanded applies (at most HTT), yet the band is HTXS"
    ), message
    assert "[✓] grade cap head_reprimanded: Head reprimanded → at most HTT" in message


def test_grade_caps_fail_when_a_knock_out_is_ignored(
    movement: emulation.Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    right = score_module._band
    monkeypatch.setattr(
        score_module, "_band", lambda sheet, col: right(attrs.evolve(sheet, knockouts=()), col)
    )
    with pytest.raises(PropertyFailure) as info:
        properties.assert_grade_caps(movement, unit(results="30", corruption=True), "2026")
    assert "knock-out corruption applies, yet the band is HTXS, not the lowest band KHT" in str(
        info.value
    )


def test_bands_exhaustive_fails_when_a_minimum_is_compared_strictly(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    right = score_module._points_band

    def strict(sheet: object, col: object) -> pl.Expr:
        bands = tuple(
            attrs.evolve(b, min=None if b.min is None else b.min + Decimal("0.000001"))
            for b in sheet.bands  # type: ignore[attr-defined]
        )
        return right(attrs.evolve(sheet, bands=bands), col)  # type: ignore[arg-type]

    monkeypatch.setattr(score_module, "_points_band", strict)
    engine = emulation.build_engine(entry_points=False, ruleset_paths=[MOVEMENT])
    with pytest.raises(PropertyFailure) as info:
        properties.assert_bands_exhaustive(engine, unit(results="30"), "2026")
    assert str(info.value) == (
        "bands do not cover every score: sheet dv (test.movement 1.0.0): a total of 75 lies "
        "in band HT as the bands are written, but the engine gives total 75.000000, band KHT "
        "(no floor, condition, knock-out or cap applying)"
    )


def test_bands_exhaustive_fails_on_bands_that_overlap(movement: emulation.Engine) -> None:
    [ruleset] = movement.rulesets
    sheet = ruleset.scores["dv"]
    bands = tuple(attrs.evolve(b, below=Decimal(96)) if b.id == "HTT" else b for b in sheet.bands)
    changed = attrs.evolve(ruleset, scores={"dv": attrs.evolve(sheet, bands=bands)})
    engine = attrs.evolve(movement, rulesets=(changed,))
    with pytest.raises(PropertyFailure) as info:
        properties.assert_bands_exhaustive(engine, unit(results="30"), "2026")
    assert "the bands overlap: a total of 95 lies in HTXS, HTT" in str(info.value)


def test_kpi_recount_fails_when_the_subtree_stops_at_the_parent(
    kpis: emulation.Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    right = kpi_module._ancestors
    monkeypatch.setattr(kpi_module, "_ancestors", lambda s, m, subtree: right(s, m, False))
    case = load_case_file(ROOT / "examples" / "kpis" / "congress.cases.toml")[0]
    with pytest.raises(PropertyFailure) as info:
        properties.assert_kpis_recounted(kpis, case.population(), "2024")
    message = str(info.value)
    assert message.startswith(
        "KPI recount does not hold: cd_training at node prov (province): the engine gives "
        "numerator 0 (recount 3), denominator 0 (recount 4)"
    ), message
    assert "  recount: numerator 3, denominator 4, unknown 0, value 0.750000" in message


def test_kpi_recount_fails_when_needed_is_off_by_one(
    kpis: emulation.Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    right = kpi_module._judge

    def judged(*args: object) -> tuple[str, int | None, Decimal | None]:
        outcome, needed, value = right(*args)  # type: ignore[arg-type]
        return outcome, None if needed is None else needed + 1, value

    monkeypatch.setattr(kpi_module, "_judge", judged)
    case = load_case_file(ROOT / "examples" / "kpis" / "congress.cases.toml")[0]
    with pytest.raises(PropertyFailure) as info:
        properties.assert_kpis_recounted(kpis, case.population(), "2024")
    assert "the engine gives needed 2 (recount 1)" in str(info.value)
