"""Facts cast and checked once per distinct value (evaluate/fact_values.py): the same values and
the same problems as the cast and checks written per row."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import polars as pl
import pytest

import emulation
from emulation import DataError, Population
from emulation.data.cast import cast_expression
from emulation.evaluate.fact_values import by_distinct_value

ROOT = Path(__file__).resolve().parents[2]
RATING = pl.Enum(["KHT", "HT", "HTT", "HTXS"])


def population(ratings: list[str | None], months: list[int | None]) -> Population:
    ids = [f"P{index}" for index in range(len(ratings))]
    return Population.from_frames(
        source="<test>",
        subjects=pl.DataFrame({"id": ids, "kind": ["person"] * len(ids)}),
        facts=pl.DataFrame(
            {
                "subject": ids,
                "period": ["2024"] * len(ids),
                "rating": ratings,
                "months_worked": months,
            }
        ),
    )


def apply(
    pop: Population, dtype: pl.DataType, value: pl.Expr, checks: dict[str, pl.Expr]
) -> tuple[pl.DataFrame, pl.DataFrame, pl.Expr, dict[str, pl.Expr]]:
    """The rows' values and the checks each row fails, per row and through the distinct
    values."""
    cheap, failing = by_distinct_value(pop, "rating", dtype, value, checks, key=repr(checks))
    facts = pop.facts
    expected = facts.select(value.alias("value"), *(e.alias(k) for k, e in checks.items()))
    got = facts.select(cheap.alias("value"), *(e.alias(k) for k, e in failing.items()))
    return expected, got, cheap, failing


def readable(value: pl.Expr) -> dict[str, pl.Expr]:
    return {"unreadable::rating": pl.col("rating").is_not_null() & value.is_null()}


def test_clean_values_use_polars_cast_and_no_check() -> None:
    pop = population(["HTT", "HT", None, "HTXS"], [12, 12, 12, 12])
    value = cast_expression("rating", pl.String(), RATING, ascii_only=True)
    expected, got, cheap, failing = apply(pop, RATING, value, readable(value))
    assert got.get_column("value").to_list() == expected.get_column("value").to_list()
    assert failing == {}  # no value fails: the check is not computed at all
    assert str(cheap) == str(pl.col("rating").cast(RATING, strict=False))


def test_values_needing_the_full_cast_keep_it_and_bad_ones_are_found() -> None:
    ratings = [" HTT", "HT", "", "excellent", None, "excellent", "HTXS "]
    pop = population(ratings, [12] * len(ratings))
    value = cast_expression("rating", pl.String(), RATING, ascii_only=True)
    expected, got, cheap, _ = apply(pop, RATING, value, readable(value))
    assert str(cheap) == str(value)  # Polars' cast would not trim " HTT"
    assert got.get_column("value").to_list() == ["HTT", "HT", None, None, None, None, "HTXS"]
    assert got.get_column("value").to_list() == expected.get_column("value").to_list()
    rows = got.get_column("unreadable::rating").to_list()
    assert rows == expected.get_column("unreadable::rating").to_list()
    assert rows == [False, False, True, True, False, True, False]  # blank text is not a rating here


def test_engine_reads_padded_and_clean_values_alike_and_reports_the_same_rows() -> None:
    engine = emulation.build_engine(entry_points=False, ruleset_paths=[ROOT / "rulesets" / "state"])
    clean = population(["HTT", "HTXS", None], [12, 12, 12])
    padded = population([" HTT", "HTXS ", None], [12, 12, 12])
    outcomes = [
        engine.evaluate(pop, "2024", ["ldtt"]).outcomes().sort("subject").rows()
        for pop in (clean, padded)
    ]
    assert outcomes[0] == outcomes[1]
    with pytest.raises(DataError) as info:
        engine.evaluate(population(["HTT", "HTT", "HTT"], [12, 13, None]), "2024", ["ldtt"])
    assert [(p.code, p.location) for p in info.value.problems] == [
        ("out_of_range", "months_worked")
    ]
    assert "13" in str(info.value.problems[0].message)


def test_a_bad_value_in_another_period_is_still_found() -> None:
    ids = ["P0", "P1"]
    pop = Population.from_frames(
        source="<test>",
        subjects=pl.DataFrame({"id": ids, "kind": ["person"] * 2}),
        facts=pl.DataFrame(
            {
                "subject": ["P0", "P1", "P1"],
                "period": ["2024", "2024", "2023"],
                "rating": ["HTT", "HTT", "superb"],
            }
        ),
    )
    engine = emulation.build_engine(entry_points=False, ruleset_paths=[ROOT / "rulesets" / "state"])
    with pytest.raises(DataError) as info:
        engine.evaluate(pop, "2024", ["ldtt"], as_of=dt.date(2024, 12, 31))
    assert [(p.code, p.location) for p in info.value.problems] == [("unreadable_value", "rating")]
