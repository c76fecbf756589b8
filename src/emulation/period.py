"""Evaluation periods: a calendar year (``2024``) or a school year (``2023-2024``).

A period is the grain of every fact and every award. Periods of one kind are ordered and can be
stepped back ("k periods back") for history windows. A school year runs from 1 September to
31 August; a calendar year from 1 January to 31 December.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import TYPE_CHECKING, Literal

import attrs

from emulation.errors import PeriodError

if TYPE_CHECKING:
    import polars as pl

PeriodKind = Literal["year", "school_year"]

_YEAR = re.compile(r"^(\d{4})$")
_SCHOOL_YEAR = re.compile(r"^(\d{4})\s*[-–/]\s*(\d{4})$")


@attrs.frozen(order=False)
class Period:
    """One evaluation period.

    ``kind`` is ``"year"`` or ``"school_year"``; ``year`` is the calendar year in which the
    period starts. Build one with :meth:`Period.parse` or the constructors.
    """

    kind: PeriodKind = attrs.field(validator=attrs.validators.in_(("year", "school_year")))
    year: int = attrs.field(validator=attrs.validators.instance_of(int))

    @year.validator
    def _check_year(self, _attribute: object, value: int) -> None:
        if not 1900 <= value <= 2200:
            raise PeriodError(f"year {value} is outside 1900–2200")

    @classmethod
    def calendar(cls, year: int) -> Period:
        """The calendar year ``year``."""
        return cls(kind="year", year=year)

    @classmethod
    def school(cls, start_year: int) -> Period:
        """The school year that starts in September of ``start_year``."""
        return cls(kind="school_year", year=start_year)

    @classmethod
    def parse(cls, text: str | int) -> Period:
        """Parse ``"2024"`` (calendar year) or ``"2023-2024"`` (school year)."""
        if isinstance(text, int) and not isinstance(text, bool):
            return cls.calendar(text)
        if not isinstance(text, str):
            raise PeriodError(f"a period is a string such as '2024' or '2023-2024', not {text!r}")
        raw = text.strip()
        if match := _YEAR.match(raw):
            return cls.calendar(int(match.group(1)))
        if match := _SCHOOL_YEAR.match(raw):
            first, second = int(match.group(1)), int(match.group(2))
            if second != first + 1:
                raise PeriodError(
                    f"school year {text!r} must span two consecutive years, e.g. '2023-2024'"
                )
            return cls.school(first)
        raise PeriodError(
            f"unknown period format {text!r}: expected a calendar year such as '2024' "
            "or a school year such as '2023-2024'"
        )

    @property
    def start(self) -> dt.date:
        """First day of the period."""
        if self.kind == "year":
            return dt.date(self.year, 1, 1)
        return dt.date(self.year, 9, 1)

    @property
    def end(self) -> dt.date:
        """Last day of the period; rulesets and parameters in force on this day apply."""
        if self.kind == "year":
            return dt.date(self.year, 12, 31)
        return dt.date(self.year + 1, 8, 31)

    def back(self, k: int) -> Period:
        """The period ``k`` steps before this one (``k`` may be negative to go forward)."""
        return attrs.evolve(self, year=self.year - k)

    def window(self, length: int) -> tuple[Period, ...]:
        """This period and the ``length - 1`` before it, oldest first."""
        return tuple(self.back(k) for k in range(length - 1, -1, -1))

    def _key(self) -> tuple[dt.date, str]:
        return (self.start, self.kind)

    def __lt__(self, other: Period) -> bool:
        return self._key() < other._key()

    def __le__(self, other: Period) -> bool:
        return self._key() <= other._key()

    def __gt__(self, other: Period) -> bool:
        return self._key() > other._key()

    def __ge__(self, other: Period) -> bool:
        return self._key() >= other._key()

    def __str__(self) -> str:
        if self.kind == "year":
            return str(self.year)
        return f"{self.year}-{self.year + 1}"


def period_start_year(column: str = "period") -> pl.Expr:
    """The year a period text in ``column`` starts in (``2024`` → 2024, ``2023-2024`` → 2023)."""
    import polars as pl  # lazy: importing a period must not load Polars

    return pl.col(column).str.slice(0, 4).cast(pl.Int32)
