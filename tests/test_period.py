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


def test_terms_and_phases_parse_and_write_one_way() -> None:
    assert Period.parse("term:2023-2028") == Period.term(2023, 2028)
    assert Period.parse(" Term : 2023 – 2028 ") == Period.term(2023, 2028)
    assert Period.parse("phase:2026-2030") == Period.phase(2026, 2030)
    assert str(Period.term(2023, 2028)) == "term:2023-2028"
    assert str(Period.phase(2023, 2025)) == "phase:2023-2025"
    # a span written without its kind is still a school year, or nothing
    assert Period.parse("2023-2024").kind == "school_year"
    with pytest.raises(PeriodError, match="consecutive"):
        Period.parse("2023-2028")


def test_term_and_phase_bounds() -> None:
    # a term runs from the year after its opening congress to the closing congress year
    term = Period.parse("term:2023-2028")
    assert (term.start, term.end) == (dt.date(2024, 1, 1), dt.date(2028, 12, 31))
    phase = Period.parse("phase:2026-2030")
    assert (phase.start, phase.end) == (dt.date(2026, 1, 1), dt.date(2030, 12, 31))
    one_year = Period.parse("phase:2025-2025")
    assert (one_year.start, one_year.end) == (dt.date(2025, 1, 1), dt.date(2025, 12, 31))


def test_terms_and_phases_step_back_within_their_kind() -> None:
    term = Period.parse("term:2023-2028")
    assert term.back(1) == Period.term(2018, 2023)
    assert term.back(-1) == Period.term(2028, 2033)
    assert [str(p) for p in term.window(3)] == [
        "term:2013-2018",
        "term:2018-2023",
        "term:2023-2028",
    ]
    # consecutive terms meet: the closing congress of one opens the next
    assert term.back(1).end + dt.timedelta(days=1) == term.start
    phase = Period.parse("phase:2026-2030")
    assert phase.back(1) == Period.phase(2021, 2025)
    assert phase.back(1).end + dt.timedelta(days=1) == phase.start
    assert Period.parse("phase:2023-2025").back(1) == Period.phase(2020, 2022)


def test_terms_and_phases_order_by_start() -> None:
    periods = [
        Period.parse(text)
        for text in ("phase:2026-2030", "term:2023-2028", "2024", "term:2018-2023", "2023-2024")
    ]
    assert [str(p) for p in sorted(periods)] == [
        "term:2018-2023",
        "2023-2024",
        "term:2023-2028",  # starts on 1 January 2024 too; kinds then sort by name
        "2024",
        "phase:2026-2030",
    ]
    assert Period.term(2018, 2023) < Period.term(2023, 2028)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("term:2023-2023", "must end after"),
        ("term:2028-2023", "must end after"),
        ("phase:2026-2025", "must end in or after"),
        ("phase:2000-2021", "at most 20 years"),
        ("term:1899-1904", "outside 1900–2200"),
        ("term:2023", "unknown period format"),
        ("era:2023-2028", "unknown period format"),
    ],
)
def test_bad_terms_and_phases_are_refused(text: str, message: str) -> None:
    with pytest.raises(PeriodError, match=message):
        Period.parse(text)


def test_a_year_takes_no_last_year_and_a_term_needs_one() -> None:
    with pytest.raises(PeriodError, match="takes no last year"):
        Period(kind="year", year=2024, last=2025)
    with pytest.raises(PeriodError, match="needs last year"):
        Period(kind="term", year=2023)


@given(st.integers(1990, 2100), st.integers(1, 20), st.integers(-3, 3))
def test_stepping_a_term_back_and_forth_returns_it(first: int, span: int, k: int) -> None:
    term = Period.term(first, first + span)
    assert term.back(k).back(-k) == term
    assert Period.parse(str(term.back(k))) == term.back(k)
    assert (term.back(k) < term) == (k > 0)


def test_cut_off_defaults_to_the_last_day_and_stays_in_the_period() -> None:
    from emulation.period import cut_off

    year = Period.parse("2025")
    assert cut_off(year, None) == dt.date(2025, 12, 31)
    assert cut_off(year, "2025-07-28") == dt.date(2025, 7, 28)
    assert cut_off(year, dt.date(2025, 1, 1)) == dt.date(2025, 1, 1)
    with pytest.raises(PeriodError, match="outside"):
        cut_off(year, dt.date(2026, 1, 1))
    with pytest.raises(PeriodError, match="must be a date"):
        cut_off(year, dt.datetime(2025, 7, 28, 12, 0))  # type: ignore[arg-type]
