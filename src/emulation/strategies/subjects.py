"""Strategies for periods, subjects and collectives with their members."""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st  # noqa: TID251 - strategies are the Hypothesis surface
from hypothesis.strategies import SearchStrategy  # noqa: TID251

from emulation.data.records import GENDERS, SUBJECT_KINDS, Subject, SubjectKind
from emulation.period import Period, PeriodKind
from emulation.strategies.api import BOOLS, CLUSTERS, IDS, NAMES, UNIT_NAMES, integers, sample


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
    """Persons or collectives (``kind`` to choose one) with plausible attributes: Vietnamese
    names, gender and birth year for persons, a cluster for collectives.

    ``id`` fixes the id (a text or a strategy); ``parent`` the collective it belongs to.
    """
    ids = id if isinstance(id, SearchStrategy) else IDS if id is None else st.just(id)

    @st.composite
    def build(draw: st.DrawFn) -> Subject:
        chosen: SubjectKind = kind if kind is not None else draw(sample(SUBJECT_KINDS))
        return draw_subject(draw, chosen, draw(ids), parent)

    return build()


#: Birth years of generated persons when no period is known.
BIRTH_YEARS = tuple(range(1955, 2007))


def draw_subject(
    draw: st.DrawFn,
    kind: SubjectKind,
    sid: str,
    parent: str | None,
    births: tuple[int, ...] = BIRTH_YEARS,
) -> Subject:
    person = kind == "person"
    return Subject(
        id=sid,
        kind=kind,
        name=maybe(draw, NAMES if person else UNIT_NAMES),
        parent=parent,
        cluster=None if person else maybe(draw, CLUSTERS),
        gender=maybe(draw, GENDERS) if person else None,
        birth_year=maybe(draw, births) if person else None,
        hardship_area=draw(BOOLS),
    )


def maybe(draw: st.DrawFn, values: tuple[Any, ...]) -> Any:
    """None or one of ``values``."""
    return draw(sample((None, *values)))


def collectives(
    *, id: str = "u0", min_members: int = 0, max_members: int = 5
) -> SearchStrategy[tuple[Subject, tuple[Subject, ...]]]:
    """A collective and its members (persons whose ``parent`` is the collective), with ids
    ``u0`` and ``u0.p0``, ``u0.p1`` …"""

    @st.composite
    def build(draw: st.DrawFn) -> tuple[Subject, tuple[Subject, ...]]:
        return draw_collective(draw, id, min_members, max_members)

    return build()


def draw_collective(
    draw: st.DrawFn,
    uid: str,
    min_members: int,
    max_members: int,
    births: tuple[int, ...] = BIRTH_YEARS,
) -> tuple[Subject, tuple[Subject, ...]]:
    unit = draw_subject(draw, "collective", uid, None)
    count = draw(integers(min_members, max_members))
    members = tuple(
        draw_subject(draw, "person", f"{uid}.p{index}", uid, births) for index in range(count)
    )
    return unit, members
