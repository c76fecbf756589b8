from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from emulation import Period, PeriodError


def test_parse_calendar_and_school_years() -> None:
    assert Period.parse("2024") == Period.calendar(2024)
    assert Period.parse("2023-2024") == Period.school(2023)
    assert Period.parse(2024) == Period.calendar(2024)
    assert str(Period.parse(" 2023 - 2024 ")) == "2023-2024"


@pytest.mark.parametrize("text", ["20x4", "2023-2025", "24", "", "2024-2023", "1800"])
def test_bad_periods_are_rejected_with_the_expected_format(text: str) -> None:
    with pytest.raises(PeriodError, match=r"2024|2023-2024|outside|consecutive"):
        Period.parse(text)


def test_bounds() -> None:
    assert Period.parse("2024").start == dt.date(2024, 1, 1)
    assert Period.parse("2024").end == dt.date(2024, 12, 31)
    assert Period.parse("2023-2024").start == dt.date(2023, 9, 1)
    assert Period.parse("2023-2024").end == dt.date(2024, 8, 31)


def test_back_and_window() -> None:
    period = Period.parse("2024")
    assert period.back(2) == Period.parse("2022")
    assert [str(p) for p in period.window(3)] == ["2022", "2023", "2024"]
    assert str(Period.parse("2023-2024").back(1)) == "2022-2023"


@given(st.integers(1900, 2199), st.integers(1900, 2199))
def test_order_follows_start_dates(a: int, b: int) -> None:
    pa, pb = Period.calendar(a), Period.calendar(b)
    assert (pa < pb) == (a < b)
    assert (pa <= pb) == (a <= b)
    assert Period.parse(str(pa)) == pa
    assert Period.parse(str(Period.school(a))) == Period.school(a)
