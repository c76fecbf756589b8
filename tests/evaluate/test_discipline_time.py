"""``disciplined_within(months, level)`` (emulation._builtins.discipline_time): a discipline in
force at the cut-off, or ended fewer than ``months`` whole months before it. The ruleset is
``tests/rulesets/discipline/``; its case files hold both sides of the 24-month boundary.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

import emulation
from emulation import Population
from emulation.data.records import DisciplineRecord, Fact, Subject

DISCIPLINE = Path(__file__).resolve().parents[1] / "rulesets" / "discipline"
CALL = "disciplined_within(wait_months)"


@pytest.fixture(scope="module")
def engine() -> emulation.Engine:
    return emulation.build_engine(entry_points=False, ruleset_paths=[DISCIPLINE])


def person(*records: DisciplineRecord) -> Population:
    return Population.from_records(
        [Subject(id="p", kind="person")],
        facts=[Fact(subject="p", period="2025", name="note", value="x")],
        discipline=records,
    )


def within(
    engine: emulation.Engine, population: Population, wait: int, as_of: str | None = None
) -> bool | None:
    decision = engine.evaluate(
        population, "2025", ["after_wait"], parameters={"wait_months": wait}, as_of=as_of
    ).decision("p", "after_wait")
    value = dict(decision.criteria[1].inputs)[CALL]
    assert value is decision.criteria[1].value
    return value  # type: ignore[no-any-return]


def reprimand(start: dt.date, end: dt.date | None) -> DisciplineRecord:
    return DisciplineRecord(subject="p", level="reprimand", start=start, end=end)


def test_open_and_current_records_count_whatever_the_wait(engine: emulation.Engine) -> None:
    assert within(engine, person(reprimand(dt.date(2019, 1, 1), None)), 0) is True
    current = reprimand(dt.date(2025, 3, 1), dt.date(2026, 2, 28))
    assert within(engine, person(current), 1) is True
    # ended on the cut-off itself: still in force that day
    assert within(engine, person(reprimand(dt.date(2025, 1, 1), dt.date(2025, 12, 31))), 1)


def test_the_cut_off_moves_the_count(engine: emulation.Engine) -> None:
    ended = person(reprimand(dt.date(2023, 1, 1), dt.date(2023, 6, 30)))
    # 1 July 2023 – 30 June 2025 is 24 whole months; to 29 June 2025 it is 23
    assert within(engine, ended, 24, as_of="2025-06-30") is False
    assert within(engine, ended, 24, as_of="2025-06-29") is True


def test_a_record_that_starts_after_the_cut_off_does_not_count(engine: emulation.Engine) -> None:
    later = person(reprimand(dt.date(2025, 7, 1), dt.date(2025, 8, 31)))
    assert within(engine, later, 24, as_of="2025-06-30") is False
    assert within(engine, later, 24) is True


def test_the_latest_record_decides(engine: emulation.Engine) -> None:
    two = person(
        reprimand(dt.date(2019, 1, 1), dt.date(2019, 12, 31)),
        reprimand(dt.date(2024, 1, 1), dt.date(2024, 12, 31)),
    )
    assert within(engine, two, 12) is False  # 1 Jan – 31 Dec 2025: 12 months
    assert within(engine, two, 13) is True


@given(
    end=st.dates(min_value=dt.date(2015, 1, 1), max_value=dt.date(2025, 12, 31)),
    wait=st.integers(min_value=0, max_value=130),
)
def test_against_a_hand_count_of_months(end: dt.date, wait: int) -> None:
    engine = emulation.build_engine(entry_points=False, ruleset_paths=[DISCIPLINE])
    start = min(end, dt.date(2015, 1, 1))
    value = within(engine, person(reprimand(start, end)), wait)
    # whole months from the day after the end to 31/12/2025, counted by hand
    after = end + dt.timedelta(days=1)
    cut_off = dt.date(2025, 12, 31)
    months = 0 if end >= cut_off else _months(after, cut_off)
    assert value is (months < wait)


def _months(start: dt.date, end: dt.date) -> int:
    """Whole months from ``start`` to ``end`` inclusive, by stepping month by month."""
    count, year, month = 0, start.year, start.month
    while True:
        month += 1
        if month == 13:
            year, month = year + 1, 1
        try:
            next_start = dt.date(year, month, start.day)
        except ValueError:  # no such day in that month: the month ends at its last day
            next_start = dt.date(year, month + 1, 1) if month < 12 else dt.date(year + 1, 1, 1)
        if next_start - dt.timedelta(days=1) > end:
            return count
        count += 1
