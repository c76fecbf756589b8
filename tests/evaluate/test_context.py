"""The build context's derived columns (`evaluate/context.py`): joined with the same columns,
types, defaults and row order whether a part has rows, has none, or is known to have none
(`NoRows`, which runs no query)."""

from __future__ import annotations

import polars as pl
import pytest

from emulation.data.population import Population
from emulation.data.records import Subject
from emulation.evaluate.context import Context, NoRows, no_rows_unless
from emulation.period import Period

PERIOD = Period.parse("2024")


def _context() -> Context:
    population = Population.from_records([Subject(id="a", kind="person")])
    return Context(PERIOD, population, {}, {}, {}, {})


def _base() -> pl.DataFrame:
    return pl.DataFrame({"id": ["c", "a", "b"], "x": [1, 2, 3]})


def _failing(key: str) -> pl.LazyFrame:
    """A frame whose schema is known (``subject``, ``key`` as Int64) but whose query fails
    when it runs."""
    return pl.LazyFrame({"subject": ["a"], "v": ["not a number"]}).select(
        "subject", pl.col("v").str.to_integer().alias(key)
    )


def test_parts_with_and_without_rows_are_joined_in_order_with_their_types_and_defaults() -> None:
    context = _context()
    some = pl.LazyFrame({"subject": ["b", "a"], "k1": [10, 20]})
    none = pl.LazyFrame({"subject": ["zz"], "k2": [1.5]}).filter(pl.col("subject") == "q")
    context.derived("k1", lambda: some, default=0)
    context.derived("k2", lambda: none, default=None)
    context.derived("k3", lambda: NoRows(schema={"subject": pl.String, "k3": pl.UInt8}), 7)
    context.aggregate(
        "rows", lambda: pl.LazyFrame({"subject": ["c", "c"], "n": [1, 2]}), "k0", pl.col("n").sum()
    )
    frame = context.joined(_base())
    assert frame.columns == ["id", "x", "k0", "k1", "k2", "k3"]
    assert frame.schema["k2"] == pl.Float64
    assert frame.schema["k3"] == pl.UInt8
    assert frame.rows() == [
        ("c", 1, 3, 0, None, 7),
        ("a", 2, None, 20, None, 7),
        ("b", 3, None, 10, None, 7),
    ]


def test_a_part_known_to_have_no_row_runs_no_query() -> None:
    with pytest.raises(pl.exceptions.PolarsError):
        _failing("k").collect()
    empty = pl.DataFrame(schema={"subject": pl.String})
    context = _context()
    context.derived("k", lambda: no_rows_unless(empty, _failing("k")), default=0)
    frame = context.joined(_base())
    assert frame.schema["k"] == pl.Int64
    assert frame.get_column("k").to_list() == [0, 0, 0]


def test_a_part_whose_table_has_rows_runs_its_query() -> None:
    table = pl.DataFrame({"subject": ["a"]})
    assert not isinstance(no_rows_unless(table, _failing("k")), NoRows)
    context = _context()
    context.derived("k", lambda: no_rows_unless(table, _failing("k")), default=0)
    with pytest.raises(pl.exceptions.PolarsError):
        context.joined(_base())


def test_an_aggregate_over_no_rows_gives_its_default() -> None:
    context = _context()
    empty = pl.DataFrame(schema={"subject": pl.String, "n": pl.Int64})
    context.aggregate(
        "rows", lambda: no_rows_unless(empty, empty.lazy()), "total", pl.col("n").sum(), 0
    )
    frame = context.joined(_base())
    assert frame.get_column("total").to_list() == [0, 0, 0]
    assert frame.schema["total"] == pl.Int64
