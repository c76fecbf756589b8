"""Evaluation periods: a calendar year (``2024``), a school year (``2023-2024``), a congress
term (``term:2023-2028``) or a programme phase (``phase:2026-2030``).

A period is the grain of every fact and every award. Periods of one kind are ordered and can be
stepped back ("k periods back") for history windows. A school year runs from 1 September to
31 August; a calendar year from 1 January to 31 December. A term is named by the years of the
congresses that open and close it and runs from 1 January of the year after the opening
congress to 31 December of the closing congress year (``term:2023-2028``: 2024-01-01 to
2028-12-31); one term back is the term that closes where this one opens (``term:2018-2023``).
A phase is named by its first and last calendar years, both included (``phase:2026-2030``:
2026-01-01 to 2030-12-31); one phase back is the phase of the same length that ends the year
before (``phase:2021-2025``). ``docs/explanation/periods-and-versions.md`` gives the reasons.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import TYPE_CHECKING, Literal

import attrs

from emulation.errors import PeriodError
from emulation.i18n import Message

if TYPE_CHECKING:
    import polars as pl

PeriodKind = Literal["year", "school_year", "term", "phase"]
#: Every kind of period, in the order the docs list them.
PERIOD_KINDS: tuple[PeriodKind, ...] = ("year", "school_year", "term", "phase")
#: The kinds a ruleset accepts when it does not say (``[ruleset] periods``).
DEFAULT_PERIOD_KINDS: tuple[PeriodKind, ...] = ("year", "school_year")
#: The longest term or phase, in years.
LONGEST_SPAN = 20

_YEAR = re.compile(r"^(\d{4})$")
_SCHOOL_YEAR = re.compile(r"^(\d{4})\s*[-–/]\s*(\d{4})$")
_SPAN = re.compile(r"^(term|phase)\s*:\s*(\d{4})\s*[-–]\s*(\d{4})$")
_FORMATS = Message(
    "a calendar year such as '2024', a school year such as '2023-2024', "
    "a term such as 'term:2023-2028' or a phase such as 'phase:2026-2030'"
)


@attrs.frozen(order=False)
class Period:
    """One evaluation period.

    ``kind`` is ``"year"``, ``"school_year"``, ``"term"`` or ``"phase"``; ``year`` is the
    first year of its name (the calendar year a year or school year starts in, the opening
    congress year of a term, the first year of a phase) and ``last`` the last year of the name
    of a term or phase (None for the others). Build one with :meth:`Period.parse` or the
    constructors.
    """

    kind: PeriodKind = attrs.field(validator=attrs.validators.in_(PERIOD_KINDS))
    year: int = attrs.field(validator=attrs.validators.instance_of(int))
    last: int | None = attrs.field(
        default=None, validator=attrs.validators.optional(attrs.validators.instance_of(int))
    )

    @year.validator
    def _check_year(self, _attribute: object, value: int) -> None:
        if not 1900 <= value <= 2200:
            raise PeriodError(Message("year {year} is outside 1900–2200", year=value))

    @last.validator
    def _check_last(self, _attribute: object, value: int | None) -> None:
        spans = self.kind in ("term", "phase")
        if spans != (value is not None):
            raise PeriodError(f"a {self.kind} period {'needs' if spans else 'takes no'} last year")
        if value is None:
            return
        if not 1900 <= value <= 2200:
            raise PeriodError(Message("year {year} is outside 1900–2200", year=value))
        shortest = 1 if self.kind == "term" else 0
        if not shortest <= value - self.year <= LONGEST_SPAN:
            raise PeriodError(
                f"{self.kind} {self.year}-{value} must end "
                + ("after" if self.kind == "term" else "in or after")
                + f" the year it starts and span at most {LONGEST_SPAN} years"
            )

    @classmethod
    def calendar(cls, year: int) -> Period:
        """The calendar year ``year``."""
        return cls(kind="year", year=year)

    @classmethod
    def school(cls, start_year: int) -> Period:
        """The school year that starts in September of ``start_year``."""
        return cls(kind="school_year", year=start_year)

    @classmethod
    def term(cls, opening: int, closing: int) -> Period:
        """The congress term opened by the congress of ``opening`` and closed by that of
        ``closing`` (``term:2023-2028``)."""
        return cls(kind="term", year=opening, last=closing)

    @classmethod
    def phase(cls, first: int, last: int) -> Period:
        """The programme phase from 1 January ``first`` to 31 December ``last``
        (``phase:2026-2030``)."""
        return cls(kind="phase", year=first, last=last)

    @classmethod
    def parse(cls, text: str | int) -> Period:
        """Parse ``"2024"`` (calendar year), ``"2023-2024"`` (school year),
        ``"term:2023-2028"`` (congress term) or ``"phase:2026-2030"`` (programme phase)."""
        if isinstance(text, int) and not isinstance(text, bool):
            return cls.calendar(text)
        if not isinstance(text, str):
            raise PeriodError(f"a period is a string: {_FORMATS}; not {text!r}")
        raw = text.strip()
        if match := _SPAN.match(raw.lower()):
            first, last = int(match.group(2)), int(match.group(3))
            if match.group(1) == "term":
                return cls.term(first, last)
            return cls.phase(first, last)
        if match := _YEAR.match(raw):
            return cls.calendar(int(match.group(1)))
        if match := _SCHOOL_YEAR.match(raw):
            first, second = int(match.group(1)), int(match.group(2))
            if second != first + 1:
                raise PeriodError(
                    Message(
                        "school year {text} must span two consecutive years, e.g. '2023-2024'",
                        text=repr(text),
                    )
                )
            return cls.school(first)
        raise PeriodError(
            Message(
                "unknown period format {text}: expected {formats}",
                text=repr(text),
                formats=_FORMATS,
            )
        )

    @property
    def start(self) -> dt.date:
        """First day of the period."""
        if self.kind == "school_year":
            return dt.date(self.year, 9, 1)
        if self.kind == "term":
            return dt.date(self.year + 1, 1, 1)
        return dt.date(self.year, 1, 1)

    @property
    def end(self) -> dt.date:
        """Last day of the period; rulesets and parameters in force on this day apply."""
        if self.kind == "school_year":
            return dt.date(self.year + 1, 8, 31)
        return dt.date(self.year if self.last is None else self.last, 12, 31)

    @property
    def step(self) -> int:
        """How many years one step back moves: 1 for a year or a school year, the length of a
        term (from congress to congress) or of a phase (its years, both ends included)."""
        if self.last is None:
            return 1
        return self.last - self.year + (1 if self.kind == "phase" else 0)

    def back(self, k: int) -> Period:
        """The period ``k`` steps before this one (``k`` may be negative to go forward)."""
        shift = k * self.step
        if self.last is None:
            return attrs.evolve(self, year=self.year - shift)
        return attrs.evolve(self, year=self.year - shift, last=self.last - shift)

    def window(self, length: int) -> tuple[Period, ...]:
        """This period and the ``length - 1`` before it, oldest first."""
        return tuple(self.back(k) for k in range(length - 1, -1, -1))

    def _key(self) -> tuple[dt.date, str, dt.date]:
        return (self.start, self.kind, self.end)

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
        if self.last is not None:
            return f"{self.kind}:{self.year}-{self.last}"
        return f"{self.year}-{self.year + 1}"


def period_start_year(column: str = "period") -> pl.Expr:
    """The first year of the name of a period text in ``column`` (``2024`` → 2024,
    ``2023-2024`` → 2023, ``term:2023-2028`` → 2023, ``phase:2026-2030`` → 2026)."""
    import polars as pl  # lazy: importing a period must not load Polars

    return pl.col(column).str.extract(r"(\d{4})", 1).cast(pl.Int32)


def period_start_date(column: str = "period") -> pl.Expr:
    """The first day of the canonical period text in ``column`` (see :attr:`Period.start`)."""
    import polars as pl  # lazy: importing a period must not load Polars

    text = pl.col(column)
    first = period_start_year(column)
    year = pl.when(text.str.starts_with("term:")).then(first + 1).otherwise(first)
    month = pl.when(text.str.contains(r"^\d{4}-\d{4}$")).then(9).otherwise(1)
    return pl.date(year, month, 1)


def cut_off(period: Period, as_of: dt.date | str | None) -> dt.date:
    """The day service, months in operation and other lengths are counted to in an evaluation
    of ``period``: ``as_of`` (a date, or ISO ``YYYY-MM-DD`` text) when given, else the
    period's last day. ``as_of`` must fall within the period (:class:`PeriodError` if not)."""
    if as_of is None:
        return period.end
    if isinstance(as_of, str):
        try:
            as_of = dt.date.fromisoformat(as_of.strip())
        except ValueError:
            raise PeriodError(
                Message("as_of {as_of} is not a date written YYYY-MM-DD", as_of=repr(as_of))
            ) from None
    if isinstance(as_of, dt.datetime) or not isinstance(as_of, dt.date):
        raise PeriodError(f"as_of must be a date, not {as_of!r}")
    if not period.start <= as_of <= period.end:
        raise PeriodError(
            Message(
                "as_of {as_of} is outside the period {period} ({start} – {end})",
                as_of=as_of,
                period=period,
                start=period.start,
                end=period.end,
            )
        )
    return as_of
