"""What every property shares: the failure, the signature, the registry entry, and how a
property finds its period."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any, Protocol

import attrs

from emulation.data.population import Population
from emulation.engine import Engine
from emulation.errors import PeriodError
from emulation.period import Period
from emulation.rules.model import ParameterValue

#: How far each outcome is from being granted; making a subject better may only move it up.
#: A tie across the cap (``tied``) is nearer than a place over the quota.
STANDING = {"granted": 3, "tied": 2, "eligible_over_quota": 1, "eligible_over_budget": 1}


class PropertyFailure(AssertionError):
    """A property does not hold; the message is the counterexample."""


class Assertion(Protocol):
    """The signature every property shares."""

    def __call__(
        self,
        engine: Engine,
        population: Population,
        period: Period | str | None = None,
        *,
        awards: Sequence[str] | None = None,
        parameters: Mapping[str, Any] | None = None,
    ) -> None: ...


@attrs.frozen
class Property:
    """A named property: ``name`` for ``check`` and ``emulation test``, ``summary`` for
    reports, ``assertion`` the function."""

    name: str
    summary: str
    assertion: Assertion


def period_of(engine: Engine, population: Population, period: Period | str | None) -> Period | None:
    """``period``, or the latest period with facts; None when no ruleset is in force then."""
    if period is not None:
        return period if isinstance(period, Period) else Period.parse(period)
    found = []
    for text in population.periods():
        try:
            found.append(Period.parse(text))
        except PeriodError:
            continue
    if not found or not engine.rulesets_in_force(max(found)):
        return None
    return max(found)


def plain(parameters: Mapping[str, Any] | None) -> dict[str, ParameterValue] | None:
    """Overrides as the strategies read them (only values already of a parameter type)."""
    if not parameters:
        return None
    return {k: v for k, v in parameters.items() if isinstance(v, (bool, int, Decimal, str))}


def quota_scopes(engine: Engine, period: Period) -> set[str]:
    """The scopes (unit, cluster, population) of the quotas of the awards in force."""
    return {
        award.quota.per
        for ruleset in engine.rulesets_in_force(period)
        for award in ruleset.awards.values()
        if award.quota is not None
    }


def awards_in_force(
    engine: Engine, period: Period, awards: Sequence[str] | None
) -> list[str] | None:
    """The requested awards that are in force in ``period`` (None: every award)."""
    if awards is None:
        return None
    available = engine.awards_in_force(period)
    return [award for award in awards if award in available]
