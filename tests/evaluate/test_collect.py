"""How an evaluation runs its rule queries (`evaluate/collect.py`): a small query on the
in-memory engine, written out, and on the default engine when the in-memory one refuses it."""

from __future__ import annotations

from typing import Any

import polars as pl
import pytest

from emulation.evaluate.collect import collect_rules


class _Refused(pl.LazyFrame):
    """A query the in-memory engine refuses (as Polars' did for a column of one repeated
    value compared with a typed literal) and the default engine runs."""

    engines: list[str]

    def collect(self, *args: Any, **kwargs: Any) -> pl.DataFrame:  # type: ignore[override]
        engine = kwargs.get("engine", "auto")
        type(self).engines.append(engine)
        if engine == "in-memory":
            raise pl.exceptions.ShapeError("length 1 doesn't match the DataFrame height of 2")
        return super().collect(*args, **kwargs)


def _query() -> pl.LazyFrame:
    return pl.LazyFrame({"id": ["a", "b"]}).with_columns(pl.lit(7).alias("seven"))


def test_a_small_query_runs_in_memory_and_its_columns_are_written_out() -> None:
    frame = collect_rules(_query(), optimize=False, small=True)
    assert frame.rows() == [("a", 7), ("b", 7)]
    assert frame.equals(_query().collect())


def test_a_small_query_the_in_memory_engine_refuses_runs_on_the_default_one() -> None:
    _Refused.engines = []
    refused = _Refused({"id": ["a", "b"]})
    frame = collect_rules(refused, optimize=False, small=True)
    assert frame.rows() == [("a",), ("b",)]
    assert _Refused.engines == ["in-memory", "auto"]


def test_an_error_of_the_query_itself_is_raised_by_the_default_engine() -> None:
    failing = pl.LazyFrame({"v": ["x"]}).select(pl.col("v").str.to_integer())
    with pytest.raises(pl.exceptions.PolarsError):
        collect_rules(failing, optimize=False, small=True)


def test_a_large_query_is_not_tried_in_memory() -> None:
    _Refused.engines = []
    collect_rules(_Refused({"id": ["a"]}), optimize=False)
    assert _Refused.engines == ["auto"]
