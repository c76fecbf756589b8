"""Hypothesis strategies for the engine's inputs: subjects, periods, histories, evidence,
collectives with their members, whole populations, and populations shaped by a ruleset.

The engine never imports this module; it is for tests. :func:`from_ruleset` is the one most
tests want: it generates populations whose facts have the types, enum values and ranges a
ruleset declares, biased towards the thresholds its rules test (a criterion
``months_worked >= 6`` sees 5, 6 and 7 often). The other strategies build the parts.

Installing ``emulation`` registers :func:`subjects`, :func:`periods`, :func:`populations` and
the record strategies with Hypothesis (entry-point group ``hypothesis``), so
``st.from_type(Subject)`` works in any test without configuration.

Reference: ``docs/reference/strategies.md``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from typing import Any

import attrs
from hypothesis import strategies as st  # noqa: TID251 - this module is the Hypothesis surface
from hypothesis.strategies import SearchStrategy  # noqa: TID251

from emulation import _thresholds as thresholds
from emulation.period import Period, PeriodKind
from emulation.population import Population
from emulation.records import (
    DISCIPLINE_LEVELS,
    GENDERS,
    SCOPES,
    SUBJECT_KINDS,
    AwardRecord,
    DisciplineRecord,
    EvidenceItem,
    Fact,
    FactValue,
    ServiceSpell,
    Subject,
    SubjectKind,
)
from emulation.ruleset import FactDecl, ParameterValue, Ruleset

__all__ = [
    "award_records",
    "collectives",
    "discipline_records",
    "evidence",
    "fact_values",
    "from_ruleset",
    "histories",
    "periods",
    "populations",
    "service_spells",
    "subjects",
]

#: Vietnamese names for generated people, so counterexamples read like real cases.
NAMES = (
    "Nguyễn Thị Lan",
    "Trần Văn Hùng",
    "Lê Thị Hoa",
    "Phạm Minh Tuấn",
    "Hoàng Thị Mai",
    "Vũ Đức Anh",
    "Đặng Thu Hà",
    "Bùi Quang Huy",
)
#: Names for generated collectives.
UNIT_NAMES = (
    "Công đoàn cơ sở Trường Tiểu học Kim Liên",
    "Phòng Tổ chức – Hành chính",
    "Tổ Toán – Tin",
    "Xí nghiệp May 10",
)
EVIDENCE_KINDS = ("initiative", "scientific_work")
SERVICE_KINDS = ("full_time", "contract", "part_time")
CLUSTERS = ("c1", "c2")

#: Share of generated facts left missing (out of 100), so ``data_missing`` paths are explored.
MISSING_PERCENT = 8


# -- periods and subjects --------------------------------------------------------------------


def periods(
    kind: PeriodKind | None = None, *, min_year: int = 2000, max_year: int = 2035
) -> SearchStrategy[Period]:
    """Calendar years or school years (``kind`` to choose one) starting from ``min_year`` to
    ``max_year``."""
    kinds: tuple[PeriodKind, ...] = (kind,) if kind else ("year", "school_year")
    return st.builds(Period, kind=st.sampled_from(kinds), year=st.integers(min_year, max_year))


def subjects(
    kind: SubjectKind | None = None,
    *,
    id: str | SearchStrategy[str] | None = None,
    parent: str | None = None,
) -> SearchStrategy[Subject]:
    """Persons or collectives (``kind`` to choose one) with plausible attributes.

    ``id`` fixes the id (a text or a strategy); ``parent`` the collective it belongs to.
    """
    ids = (
        st.just(id)
        if isinstance(id, str)
        else id or st.text("abcdefghkmnpqrstuvxy0123456789", min_size=1, max_size=8)
    )
    kinds = st.just(kind) if kind else st.sampled_from(SUBJECT_KINDS)
    return kinds.flatmap(lambda chosen: _subject(chosen, ids, parent))


def _subject(
    kind: SubjectKind, ids: SearchStrategy[str], parent: str | None
) -> SearchStrategy[Subject]:
    person = kind == "person"
    return st.builds(
        Subject,
        id=ids,
        kind=st.just(kind),
        name=st.none() | st.sampled_from(NAMES if person else UNIT_NAMES),
        parent=st.just(parent),
        cluster=st.none() if person else st.none() | st.sampled_from(CLUSTERS),
        gender=st.none() | st.sampled_from(GENDERS) if person else st.none(),
        birth_year=st.none() | st.integers(1955, 2006) if person else st.none(),
        staff_category=st.none(),
        hardship_area=st.booleans(),
    )


def collectives(
    *, id: str = "u0", min_members: int = 0, max_members: int = 5
) -> SearchStrategy[tuple[Subject, tuple[Subject, ...]]]:
    """A collective and its members (persons whose ``parent`` is the collective), with ids
    ``u0`` and ``u0.p0``, ``u0.p1`` …"""

    @st.composite
    def build(draw: st.DrawFn) -> tuple[Subject, tuple[Subject, ...]]:
        unit = draw(subjects("collective", id=id))
        count = draw(st.integers(min_members, max_members))
        members = tuple(
            draw(subjects("person", id=f"{id}.p{index}", parent=id)) for index in range(count)
        )
        return unit, members

    return build()


# -- records of one subject --------------------------------------------------------------------


def evidence(
    subject: str,
    period: Period | str,
    *,
    kinds: Sequence[str] = EVIDENCE_KINDS,
    id: str | None = None,
) -> SearchStrategy[EvidenceItem]:
    """One evidence item of ``subject``: a kind from ``kinds``, dated in ``period`` most often,
    sometimes one, two or five periods before (which count only in a window), at any
    recognition scope."""
    current = _period(period)
    return st.builds(
        EvidenceItem,
        id=st.just(id) if id else st.uuids().map(lambda u: f"{subject}-{u.hex[:8]}"),
        subject=st.just(subject),
        kind=st.sampled_from(tuple(kinds)),
        period=st.sampled_from((0, 0, 0, 1, 2, 5)).map(lambda k: str(current.back(k))),
        scope=st.sampled_from(SCOPES),
        amount=st.none(),
        description=st.none(),
    )


def award_records(
    subject: str, period: Period | str, awards: Sequence[str], *, max_back: int = 6
) -> SearchStrategy[AwardRecord]:
    """One award of ``awards`` that ``subject`` already holds, for a period up to ``max_back``
    periods before ``period``."""
    current = _period(period)
    return st.builds(
        AwardRecord,
        subject=st.just(subject),
        award=st.sampled_from(tuple(awards)),
        period=st.integers(1, max_back).map(lambda k: str(current.back(k))),
    )


def histories(
    subject: str, period: Period | str, awards: Sequence[str], *, max_length: int = 5
) -> SearchStrategy[tuple[AwardRecord, ...]]:
    """The awards ``subject`` holds from periods before ``period``: mostly unbroken chains
    ending in the period just before (N consecutive titles), sometimes with a gap."""
    current = _period(period)
    if not awards:
        return st.just(())

    @st.composite
    def build(draw: st.DrawFn) -> tuple[AwardRecord, ...]:
        held: dict[tuple[str, str], AwardRecord] = {}
        for award in draw(st.lists(st.sampled_from(tuple(awards)), max_size=2, unique=True)):
            length = draw(st.integers(1, max_length))
            gap = draw(st.sampled_from((None, None, None, *range(1, length + 1))))
            for k in range(1, length + 1):
                if k != gap:
                    record = AwardRecord(subject=subject, award=award, period=str(current.back(k)))
                    held[(award, record.period)] = record
        return tuple(held[key] for key in sorted(held))

    return build()


def service_spells(
    subject: str, period: Period | str, *, max_spells: int = 2
) -> SearchStrategy[tuple[ServiceSpell, ...]]:
    """Spells of service of ``subject`` that do not overlap, the last one possibly open."""
    current = _period(period)

    @st.composite
    def build(draw: st.DrawFn) -> tuple[ServiceSpell, ...]:
        spells = []
        start = draw(st.dates(dt.date(current.start.year - 35, 1, 1), current.end))
        for index in range(draw(st.integers(0, max_spells))):
            kind = draw(st.sampled_from(SERVICE_KINDS))
            last = index == max_spells - 1 or draw(st.booleans())
            end = (
                None
                if last and draw(st.booleans())
                else start + dt.timedelta(draw(st.integers(30, 3650)))
            )
            spells.append(ServiceSpell(subject=subject, start=start, end=end, kind=kind))
            if end is None or end >= current.end:
                break
            start = end + dt.timedelta(draw(st.integers(1, 400)))
        return tuple(spells)

    return build()


def discipline_records(
    subject: str, period: Period | str, *, max_records: int = 1
) -> SearchStrategy[tuple[DisciplineRecord, ...]]:
    """Up to ``max_records`` discipline records of ``subject`` (see :func:`_discipline`)."""
    return st.lists(_discipline(subject, _period(period)), max_size=max_records).map(tuple)


def _discipline(subject: str, period: Period) -> SearchStrategy[DisciplineRecord]:
    """A discipline record starting up to two years before ``period`` ends, often in force
    during it, sometimes open-ended."""
    return st.builds(
        DisciplineRecord,
        subject=st.just(subject),
        level=st.sampled_from(DISCIPLINE_LEVELS),
        start=st.dates(period.start - dt.timedelta(days=730), period.end),
        end=st.none(),
    ).flatmap(
        lambda r: st.sampled_from(
            (None, r.start + dt.timedelta(days=180), r.start + dt.timedelta(days=365))
        ).map(lambda end: attrs.evolve(r, end=end))
    )


# -- facts -----------------------------------------------------------------------------------


def fact_values(decl: FactDecl, edges: Iterable[ParameterValue] = ()) -> SearchStrategy[FactValue]:
    """Values of a declared fact: its enum values, booleans, or numbers inside its
    ``minimum``/``maximum``; numbers in ``edges`` (thresholds the rules test) come often.

    A boolean fact with ``better`` declared takes its better value four times in five, so
    that subjects who earn an award are common enough to be worth improving."""
    if decl.type == "bool":
        if decl.better is None:
            return st.booleans()
        good = decl.better == "higher"
        return st.integers(0, 4).map(lambda n: good if n else not good)
    if decl.type == "enum":
        return st.sampled_from(decl.values)
    if decl.type == "text":
        texts = sorted(v for v in edges if isinstance(v, str))
        free = st.text("abcdefghijklmnopqrstuvwxyzđ", min_size=1, max_size=8)
        return st.sampled_from(texts) | free if texts else free
    numbers = sorted(
        Decimal(v) for v in edges if isinstance(v, (int, Decimal)) and not isinstance(v, bool)
    )
    low = decl.minimum if decl.minimum is not None else min([Decimal(0), *numbers]) - 2
    high = decl.maximum if decl.maximum is not None else max([Decimal(10), *numbers]) * 2 + 2
    inside = [n for n in numbers if low <= n <= high]
    if decl.type == "int":
        wide: SearchStrategy[Any] = st.integers(int(low), int(high))
        picked: list[FactValue] = sorted({int(n) for n in inside if n == n.to_integral_value()})
    else:
        places = max([2, *(_places(n) for n in inside)])
        wide = st.decimals(low, high, places=places, allow_nan=False, allow_infinity=False)
        picked = sorted(set(inside))
    return st.sampled_from(picked) | wide if picked else wide


def _places(number: Decimal) -> int:
    exponent = number.as_tuple().exponent
    return -exponent if isinstance(exponent, int) and exponent < 0 else 0


def _sometimes_missing(values: SearchStrategy[FactValue]) -> SearchStrategy[FactValue | None]:
    return st.integers(0, 99).flatmap(lambda n: st.none() if n < MISSING_PERCENT else values)


# -- populations -------------------------------------------------------------------------------


@attrs.frozen(kw_only=True)
class _Plan:
    """What one generated population looks like."""

    period: Period
    facts: Mapping[str, SearchStrategy[FactValue | None]]
    history_facts: Mapping[str, SearchStrategy[FactValue | None]] = attrs.Factory(dict)
    kinds: tuple[SubjectKind, ...] = ("person",)
    awards: tuple[str, ...] = ()
    evidence_kinds: tuple[str, ...] = EVIDENCE_KINDS
    max_evidence: int = 2
    max_history: int = 5
    min_subjects: int = 1
    max_subjects: int = 8


def populations(
    *,
    period: Period | str | None = None,
    facts: Mapping[str, SearchStrategy[FactValue | None]] | None = None,
    kinds: Sequence[SubjectKind] = SUBJECT_KINDS,
    awards: Sequence[str] = (),
    evidence_kinds: Sequence[str] = EVIDENCE_KINDS,
    min_subjects: int = 1,
    max_subjects: int = 8,
) -> SearchStrategy[Population]:
    """Whole populations: persons ``p0``, ``p1`` … (some in collectives ``u0``, ``u1`` …),
    each with a facts row in ``period`` (drawn when not given) whose values come from the
    ``facts`` strategies (None means missing), evidence of ``evidence_kinds``, a history of
    ``awards`` held, sometimes a discipline record and spells of service."""
    fact_map = dict(facts or {})
    kind_tuple = tuple(kinds)
    period_strategy = st.just(_period(period)) if period is not None else periods()
    return period_strategy.flatmap(
        lambda chosen: _population(
            _Plan(
                period=chosen,
                facts=fact_map,
                kinds=kind_tuple,
                awards=tuple(awards),
                evidence_kinds=tuple(evidence_kinds),
                min_subjects=min_subjects,
                max_subjects=max_subjects,
            )
        )
    )


def from_ruleset(
    rulesets: Ruleset | Iterable[Ruleset],
    *,
    period: Period | str | None = None,
    parameters: Mapping[str, ParameterValue] | None = None,
    min_subjects: int = 1,
    max_subjects: int = 8,
) -> SearchStrategy[Population]:
    """Populations for one ruleset or several (``engine.rulesets`` for all versions).

    The period is ``period`` or drawn among those in which a given ruleset is in force, the
    first and last period of each version most often. Facts are those declared by the rulesets
    in force then, with their types, enum values and ranges, and biased towards the values the
    rules compare them with (parameters read on the period's last day, or from
    ``parameters``). Evidence has the kinds the rules count; histories hold their awards;
    collectives appear when an award is for collectives. The population has facts in one
    period only: ``population.periods()`` gives it back.
    """
    chosen = (rulesets,) if isinstance(rulesets, Ruleset) else tuple(rulesets)
    if not chosen:
        raise ValueError("from_ruleset needs at least one ruleset")
    overrides = dict(parameters or {})
    if period is not None:
        fixed = _period(period)
        if not any(r.in_force(fixed) for r in chosen):
            raise ValueError(f"no given ruleset is in force for period {fixed}")
        candidates, boundaries = [fixed], [fixed]
    else:
        candidates, boundaries = _periods_in_force(chosen)
    plans: dict[Period, SearchStrategy[Population]] = {}

    def for_period(current: Period) -> SearchStrategy[Population]:
        if current not in plans:
            plan = _plan(chosen, current, overrides, min_subjects, max_subjects)
            plans[current] = _population(plan)
        return plans[current]

    return (st.sampled_from(boundaries) | st.sampled_from(candidates)).flatmap(for_period)


def _periods_in_force(rulesets: Sequence[Ruleset]) -> tuple[list[Period], list[Period]]:
    """Every period in which a ruleset is in force (open-ended ones: three years on), and the
    first and last of each ruleset and kind — the periods either side of a change of law."""
    everything: set[Period] = set()
    boundaries: set[Period] = set()
    kinds: tuple[PeriodKind, ...] = ("year", "school_year")
    for ruleset in rulesets:
        last_year = (
            ruleset.effective_to.year if ruleset.effective_to else ruleset.effective_from.year + 3
        )
        for kind in kinds:
            found = [
                Period(kind=kind, year=year)
                for year in range(ruleset.effective_from.year - 1, last_year + 1)
                if ruleset.in_force(Period(kind=kind, year=year))
            ]
            everything.update(found)
            if found:
                boundaries.add(found[0])
                if ruleset.effective_to is not None:
                    boundaries.add(found[-1])
    return sorted(everything), sorted(boundaries)


def _plan(
    rulesets: Sequence[Ruleset],
    period: Period,
    overrides: Mapping[str, ParameterValue],
    min_subjects: int,
    max_subjects: int,
) -> _Plan:
    in_force = [r for r in rulesets if r.in_force(period)]
    edges = thresholds.in_force(in_force, period, overrides)
    facts: dict[str, FactDecl] = {}
    for ruleset in in_force:
        facts.update(ruleset.facts)
    kinds = {a.subject for r in in_force for a in r.awards.values()}
    strategies = {
        name: _sometimes_missing(fact_values(decl, edges.values.get(name, ())))
        for name, decl in sorted(facts.items())
    }
    history_facts = edges.texts_of("fact")
    return _Plan(
        period=period,
        facts=strategies,
        history_facts={name: strategies[name] for name in history_facts if name in strategies},
        kinds=tuple(k for k in SUBJECT_KINDS if k in kinds) or ("person",),
        awards=tuple(sorted({a for r in in_force for a in r.awards})),
        evidence_kinds=edges.texts_of("kind") or EVIDENCE_KINDS,
        max_evidence=min(max([1, *edges.counts]) + 1, 3),
        max_history=min(max([4, *edges.counts]) + 1, 10),
        min_subjects=min_subjects,
        max_subjects=max_subjects,
    )


def _population(plan: _Plan) -> SearchStrategy[Population]:
    @st.composite
    def build(draw: st.DrawFn) -> Population:
        people: list[Subject] = []
        units: list[Subject] = []
        if "collective" in plan.kinds:
            for index in range(draw(st.integers(1 if plan.kinds == ("collective",) else 0, 3))):
                unit, members = draw(collectives(id=f"u{index}", max_members=3))
                units.append(unit)
                people.extend(members)
        if "person" in plan.kinds:
            low = max(plan.min_subjects - len(people), 0)
            high = max(plan.max_subjects - len(people), low)
            parents = [None, *(u.id for u in units)]
            for index in range(draw(st.integers(low, high))):
                parent = draw(st.sampled_from(parents))
                people.append(draw(subjects("person", id=f"p{index}", parent=parent)))
        document = [_record(draw, plan, subject) for subject in [*units, *people]]
        return Population.from_json({"subjects": document}, source="<strategies>")

    return build()


def _record(draw: st.DrawFn, plan: _Plan, subject: Subject) -> dict[str, Any]:
    """One subject in the nested JSON form, with its facts and records for the plan."""
    period = plan.period
    values = {name: draw(strategy) for name, strategy in plan.facts.items()}
    entry: dict[str, Any] = {
        key: value for key, value in attrs.asdict(subject).items() if value is not None
    }
    entry["facts"] = {str(period): {k: v for k, v in values.items() if v is not None}}
    if plan.history_facts:
        for back in range(1, draw(st.integers(0, plan.max_history)) + 1):
            earlier = {name: draw(strategy) for name, strategy in plan.history_facts.items()}
            entry["facts"][str(period.back(back))] = {
                k: v for k, v in earlier.items() if v is not None
            }
    items: list[EvidenceItem] = []
    for kind in plan.evidence_kinds:
        for _ in range(draw(st.integers(0, plan.max_evidence))):
            item = draw(
                evidence(subject.id, period, kinds=(kind,), id=f"{subject.id}.e{len(items)}")
            )
            items.append(item)
    entry["evidence"] = [_plain(item, "subject") for item in items]
    entry["awards"] = [
        _plain(record, "subject")
        for record in draw(histories(subject.id, period, plan.awards, max_length=plan.max_history))
    ]
    entry["discipline"] = [
        _plain(record, "subject") for record in draw(discipline_records(subject.id, period))
    ]
    entry["service"] = [
        _plain(spell, "subject") for spell in draw(service_spells(subject.id, period))
    ]
    return entry


def _plain(record: Any, *drop: str) -> dict[str, Any]:
    return {
        key: value.isoformat() if isinstance(value, dt.date) else value
        for key, value in attrs.asdict(record).items()
        if value is not None and key not in drop
    }


def _period(period: Period | str) -> Period:
    return period if isinstance(period, Period) else Period.parse(period)


# -- Hypothesis registration -----------------------------------------------------------------


def _hypothesis_setup_hook() -> None:
    """Called by Hypothesis at import (entry-point group ``hypothesis``): register a strategy
    for each input type, so ``st.from_type(Subject)`` and friends work without configuration."""
    st.register_type_strategy(Period, periods())
    st.register_type_strategy(Subject, subjects())
    st.register_type_strategy(Population, populations(max_subjects=4))
    some_period = periods(min_year=2015, max_year=2030)
    ids = st.sampled_from(("p0", "p1", "u0"))
    st.register_type_strategy(
        EvidenceItem, st.tuples(ids, some_period).flatmap(lambda a: evidence(a[0], a[1]))
    )
    st.register_type_strategy(
        AwardRecord,
        st.tuples(ids, some_period).flatmap(
            lambda a: award_records(a[0], a[1], ("ldtt", "cstdcs"))
        ),
    )
    st.register_type_strategy(
        DisciplineRecord, st.tuples(ids, some_period).flatmap(lambda a: _discipline(*a))
    )
    st.register_type_strategy(
        ServiceSpell,
        st.builds(
            ServiceSpell,
            subject=ids,
            start=st.dates(dt.date(1980, 1, 1), dt.date(2030, 12, 31)),
            end=st.none(),
            kind=st.sampled_from(SERVICE_KINDS),
        ),
    )
    st.register_type_strategy(
        Fact,
        st.builds(
            Fact,
            subject=ids,
            period=some_period.map(str),
            name=st.sampled_from(("rating", "months_worked", "good_attitude")),
            value=st.sampled_from(("HTT", "HTXS")) | st.integers(0, 12) | st.booleans(),
        ),
    )
