"""Strategies for the records of one subject: evidence, awards held, service, discipline,
registered models and council votes."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal

from hypothesis import strategies as st  # noqa: TID251 - strategies are the Hypothesis surface
from hypothesis.strategies import SearchStrategy  # noqa: TID251

from emulation.data.records import (
    DISCIPLINE_LEVELS,
    RECORD_TYPES,
    SCOPES,
    AwardRecord,
    DisciplineRecord,
    EvidenceItem,
    Registration,
    ServiceSpell,
    VoteRecord,
)
from emulation.period import Period
from emulation.strategies.api import (
    BOOLS,
    EVIDENCE_KINDS,
    SERVICE_KINDS,
    as_period,
    dates,
    integers,
    sample,
)


def evidence(
    subject: str,
    period: Period | str,
    *,
    kinds: Sequence[str] = EVIDENCE_KINDS,
    id: str | None = None,
) -> SearchStrategy[EvidenceItem]:
    """One evidence item of ``subject``: a kind from ``kinds``, dated in ``period`` most often,
    sometimes one, two or five periods before (which count only in a window), at any
    recognition scope. ``id`` defaults to ``<subject>.e<n>``."""
    current, kind_tuple = as_period(period), tuple(kinds)

    @st.composite
    def build(draw: st.DrawFn) -> EvidenceItem:
        eid = id or f"{subject}.e{draw(integers(0, 999))}"
        return draw_evidence(draw, subject, current, draw(sample(kind_tuple)), eid)

    return build()


#: Authors' shares of an evidence item's amount: mostly a sole author, sometimes a part, down
#: to the smallest share a decimal of 6 places holds.
SHARES = (
    Decimal(1),
    Decimal(1),
    Decimal(1),
    Decimal("0.5"),
    Decimal("0.333333"),
    Decimal("0.000001"),
)

#: History record types, mostly merit awards.
TYPES = ("merit", "merit", "merit", *RECORD_TYPES)


def draw_evidence(
    draw: st.DrawFn, subject: str, period: Period, kind: str, eid: str
) -> EvidenceItem:
    back = draw(sample((0, 0, 0, 1, 2, 5)))
    return EvidenceItem(
        id=eid,
        subject=subject,
        kind=kind,
        period=str(period.back(back)),
        scope=draw(sample(SCOPES)),
        amount=draw(st.one_of(st.none(), integers(0, 10**9).map(Decimal))),
        share=draw(sample(SHARES)),
    )


def award_records(
    subject: str, period: Period | str, awards: Sequence[str], *, max_back: int = 6
) -> SearchStrategy[AwardRecord]:
    """One award of ``awards`` that ``subject`` already holds, for a period up to ``max_back``
    periods before ``period``, of any record type (mostly ``merit``)."""
    current, award_tuple = as_period(period), tuple(awards)

    @st.composite
    def build(draw: st.DrawFn) -> AwardRecord:
        back = draw(integers(1, max_back))
        award = draw(sample(award_tuple))
        return AwardRecord(
            subject=subject, award=award, period=str(current.back(back)), type=draw(sample(TYPES))
        )

    return build()


def histories(
    subject: str, period: Period | str, awards: Sequence[str], *, max_length: int = 5
) -> SearchStrategy[tuple[AwardRecord, ...]]:
    """The awards ``subject`` holds from periods before ``period``: for up to two of
    ``awards``, a chain of up to ``max_length`` periods ending in the one just before — mostly
    unbroken (N consecutive titles), sometimes with a gap; a record is sometimes of another
    type than ``merit`` (a thematic or ad-hoc award of the same id)."""
    current, award_tuple = as_period(period), tuple(awards)

    @st.composite
    def build(draw: st.DrawFn) -> tuple[AwardRecord, ...]:
        return draw_history(draw, subject, current, award_tuple, max_length)

    return build()


def draw_history(
    draw: st.DrawFn, subject: str, period: Period, awards: tuple[str, ...], max_length: int
) -> tuple[AwardRecord, ...]:
    held: dict[tuple[str, str], AwardRecord] = {}
    if not awards:
        return ()
    for _ in range(draw(sample((0, 0, 1, 1, 2)))):
        award = draw(sample(awards))
        length = draw(integers(1, max_length))
        gap = draw(sample((0, 0, 0, *range(1, length + 1))))
        for back in range(1, length + 1):
            if back != gap:
                record = AwardRecord(
                    subject=subject,
                    award=award,
                    period=str(period.back(back)),
                    type=draw(sample(TYPES)),
                )
                held[(award, record.period)] = record
    return tuple(held[key] for key in sorted(held))


def service_spells(
    subject: str, period: Period | str, *, max_spells: int = 2
) -> SearchStrategy[tuple[ServiceSpell, ...]]:
    """Spells of service of ``subject`` that do not overlap, the last one possibly open."""
    current = as_period(period)

    @st.composite
    def build(draw: st.DrawFn) -> tuple[ServiceSpell, ...]:
        return draw_service(draw, subject, current, max_spells, None)

    return build()


def draw_service(
    draw: st.DrawFn, subject: str, period: Period, max_spells: int, born: int | None
) -> tuple[ServiceSpell, ...]:
    """Spells from at most 35 years before the period, and not before the age of 18."""
    spells = []
    first = max(period.start.year - 35, (born or 0) + 18)
    start = draw(dates(dt.date(first, 1, 1), period.end))
    for index in range(draw(integers(0, max_spells))):
        kind = draw(sample(SERVICE_KINDS))
        last = index == max_spells - 1 or draw(BOOLS)
        days = draw(integers(30, 3650))
        end = None if last and draw(BOOLS) else start + dt.timedelta(days)
        spells.append(ServiceSpell(subject=subject, start=start, end=end, kind=kind))
        if end is None or end >= period.end:
            break
        start = end + dt.timedelta(draw(integers(1, 400)))
    return tuple(spells)


def discipline_records(
    subject: str, period: Period | str, *, max_records: int = 1
) -> SearchStrategy[tuple[DisciplineRecord, ...]]:
    """Up to ``max_records`` discipline records of ``subject``, each starting up to two years
    before ``period`` ends, often in force during it, sometimes open-ended."""
    current = as_period(period)

    @st.composite
    def build(draw: st.DrawFn) -> tuple[DisciplineRecord, ...]:
        count = draw(integers(0, max_records))
        return tuple(draw_discipline(draw, subject, current) for _ in range(count))

    return build()


def draw_discipline(draw: st.DrawFn, subject: str, period: Period) -> DisciplineRecord:
    start = draw(dates(period.start - dt.timedelta(days=730), period.end))
    days = draw(sample((None, 180, 365)))
    return DisciplineRecord(
        subject=subject,
        level=draw(sample(DISCIPLINE_LEVELS)),
        start=start,
        end=None if days is None else start + dt.timedelta(days),
    )


#: Registration kinds drawn when none is given.
REGISTRATION_KINDS = ("dan_van_kheo", "gia_dinh_hoc_tap")
#: Days a model may have run before the period's last day, biased to a year and its edges (so
#: a rule "in operation ≥ 12 months" sees 11, 12 and 13 months often).
_RUN_DAYS = (0, 30, 300, 333, 334, 364, 365, 366, 395, 730, 1100)


def registrations(
    subject: str,
    period: Period | str,
    *,
    kinds: Sequence[str] = REGISTRATION_KINDS,
    max_records: int = 2,
) -> SearchStrategy[tuple[Registration, ...]]:
    """Up to ``max_records`` registrations of ``subject``, of ``kinds``: started up to three
    years before ``period`` ends (often about a year before, or just after it ends), reviewed
    or not, some ended, with a status that fits (a judged status always has a review date)."""
    current, kind_tuple = as_period(period), tuple(kinds)

    @st.composite
    def build(draw: st.DrawFn) -> tuple[Registration, ...]:
        return draw_registrations(draw, subject, current, kind_tuple, max_records)

    return build()


def draw_registrations(
    draw: st.DrawFn, subject: str, period: Period, kinds: tuple[str, ...], max_records: int
) -> tuple[Registration, ...]:
    found = []
    for index in range(draw(integers(0, max_records))):
        days = draw(sample(_RUN_DAYS)) + draw(sample((0, 0, 1, 2)))
        start = period.end - dt.timedelta(days) + dt.timedelta(draw(sample((0, 0, 0, 45))))
        review = draw(sample((None, 90, 365)))
        status = draw(sample(("registered", "withdrawn") if review is None else _STATUSES))
        end = draw(sample((None, None, None, 200)))
        found.append(
            Registration(
                id=f"{subject}.r{index}",
                subject=subject,
                kind=draw(sample(kinds)),
                start=start,
                review=None if review is None else start + dt.timedelta(review),
                end=None if end is None else start + dt.timedelta(end),
                status=status,
            )
        )
    return tuple(found)


_STATUSES = ("registered", "effective", "effective", "not_effective", "withdrawn")


def votes(
    subject: str, period: Period | str, awards: Sequence[str]
) -> SearchStrategy[tuple[VoteRecord, ...]]:
    """For each of ``awards``, most often a council vote on proposing it for ``subject`` in
    ``period``: a council of 1 to 30 members, any number of them for (so shares land on both
    sides of 80 % and 90 %), some against, sometimes members absent in writing."""
    current, award_tuple = as_period(period), tuple(awards)

    @st.composite
    def build(draw: st.DrawFn) -> tuple[VoteRecord, ...]:
        return draw_votes(draw, subject, current, award_tuple)

    return build()


def draw_votes(
    draw: st.DrawFn, subject: str, period: Period, awards: tuple[str, ...]
) -> tuple[VoteRecord, ...]:
    found = []
    for award in awards:
        if not draw(sample((True, True, True, False))):
            continue
        size = draw(sample((5, 9, 10, 11, 20, 30)))
        ayes = draw(integers(0, size))
        against = draw(sample((None, 0, size - ayes)))
        found.append(
            VoteRecord(
                subject=subject,
                award=award,
                period=str(period),
                votes_for=ayes,
                council_size=size,
                votes_against=against,
                absent_in_writing=draw(sample((None, None, 0, 1))),
            )
        )
    return tuple(found)
