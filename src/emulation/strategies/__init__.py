"""Hypothesis strategies for the engine's inputs: subjects, periods, histories, evidence,
collectives with their members, whole populations, and populations shaped by a ruleset.

The engine never imports this package; it is for tests. :func:`from_ruleset` is the one most
tests want: it generates populations whose facts have the types, enum values and ranges a
ruleset declares, biased towards the thresholds its rules test (a criterion
``months_worked >= 6`` sees 5, 6 and 7 often). The other strategies build the parts.

Installing ``emulation`` registers :func:`subjects`, :func:`periods`, :func:`populations` and
the record strategies with Hypothesis (entry-point group ``hypothesis``, see :func:`register`),
so ``st.from_type(Subject)`` works in any test without configuration.

Reference: ``docs/reference/strategies.md``.
"""

from __future__ import annotations

from emulation.strategies.api import NAMES, SERVICE_KINDS, UNIT_NAMES
from emulation.strategies.facts import fact_values
from emulation.strategies.movements import kpi_trees, sheet_facts
from emulation.strategies.populations import from_ruleset, populations
from emulation.strategies.records import (
    award_records,
    discipline_records,
    evidence,
    histories,
    registrations,
    service_spells,
    votes,
)
from emulation.strategies.registration import register
from emulation.strategies.subjects import collectives, periods, subjects

__all__ = [
    "NAMES",
    "SERVICE_KINDS",
    "UNIT_NAMES",
    "award_records",
    "collectives",
    "discipline_records",
    "evidence",
    "fact_values",
    "from_ruleset",
    "histories",
    "kpi_trees",
    "periods",
    "populations",
    "register",
    "registrations",
    "service_spells",
    "sheet_facts",
    "subjects",
    "votes",
]
