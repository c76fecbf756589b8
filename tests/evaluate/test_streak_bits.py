"""The streak of earlier periods (``_streak_of`` of the history functions) against a plain count:
the steps back held, or-ed as bits, give the length of the run that starts one step back."""

from __future__ import annotations

import polars as pl
from hypothesis import given
from hypothesis import strategies as st

from emulation._builtins.history import _streak_of
from emulation.evaluate.windows import HORIZON

SUBJECTS = st.sampled_from(["A", "B", "C", "D"])
BACKS = st.integers(min_value=1, max_value=HORIZON)


def expected(rows: list[tuple[str, int]]) -> dict[str, int]:
    held: dict[str, set[int]] = {}
    for subject, back in rows:
        held.setdefault(subject, set()).add(back)
    found = {}
    for subject, backs in held.items():
        length = 0
        while length + 1 in backs:
            length += 1
        found[subject] = length
    return found


@given(st.lists(st.tuples(SUBJECTS, BACKS), max_size=60))
def test_streak_is_the_run_from_one_step_back(rows: list[tuple[str, int]]) -> None:
    backs = pl.LazyFrame(rows, schema={"subject": pl.String, "back": pl.Int64}, orient="row")
    got = _streak_of(backs, "k").collect()
    assert got.schema == pl.Schema({"subject": pl.String, "k": pl.Int64})
    assert dict(got.iter_rows()) == expected(rows)


def test_a_full_horizon_and_a_gap() -> None:
    rows = [("A", k) for k in range(1, HORIZON + 1)] + [("B", 1), ("B", 2), ("B", 4), ("B", 2)]
    backs = pl.LazyFrame(rows, schema={"subject": pl.String, "back": pl.Int64}, orient="row")
    assert dict(_streak_of(backs, "k").collect().iter_rows()) == {"A": HORIZON, "B": 2}
