"""Registration with Hypothesis: ``st.from_type(Subject)`` and friends, with no setup.

Importing this module registers the strategies (the package imports it); the ``hypothesis``
entry point (:mod:`emulation._hypothesis`) does so when Hypothesis is imported first.
"""

from __future__ import annotations

import datetime as dt

from hypothesis import strategies as st  # noqa: TID251 - strategies are the Hypothesis surface

from emulation.data.population import Population
from emulation.data.records import (
    AwardRecord,
    DisciplineRecord,
    EvidenceItem,
    Fact,
    Registration,
    ServiceSpell,
    Subject,
    VoteRecord,
)
from emulation.period import Period
from emulation.strategies.api import SERVICE_KINDS
from emulation.strategies.populations import populations
from emulation.strategies.records import (
    award_records,
    discipline_records,
    evidence,
    registrations,
    votes,
)
from emulation.strategies.subjects import periods, subjects


def register() -> None:
    """Register a strategy for each input type with Hypothesis, so ``st.from_type(Subject)``
    and friends work. Done when this module is imported, and by the ``hypothesis`` entry
    point when Hypothesis is; registering again changes nothing."""
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
        DisciplineRecord,
        st.tuples(ids, some_period).flatmap(
            lambda a: discipline_records(a[0], a[1], max_records=1).filter(bool).map(lambda r: r[0])
        ),
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
        Registration,
        st.tuples(ids, some_period).flatmap(
            lambda a: registrations(a[0], a[1], max_records=1).filter(bool).map(lambda r: r[0])
        ),
    )
    st.register_type_strategy(
        VoteRecord,
        st.tuples(ids, some_period).flatmap(
            lambda a: votes(a[0], a[1], ("cstdcs",)).filter(bool).map(lambda r: r[0])
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


register()
