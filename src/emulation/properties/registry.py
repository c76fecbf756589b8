"""The registry of properties and the runner that checks them over generated populations.

A new property is a module with one ``assert_*`` function of the :class:`Assertion`
signature, and one more :class:`Property` in :data:`PROPERTIES`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

import attrs

from emulation.data.population import Population
from emulation.engine import Engine
from emulation.period import Period
from emulation.properties.api import Property, plain
from emulation.properties.band_cover import assert_bands_exhaustive
from emulation.properties.bands import assert_bands_monotonic
from emulation.properties.boundaries import assert_version_boundaries
from emulation.properties.determinism import assert_deterministic
from emulation.properties.explanations import assert_explanations_consistent
from emulation.properties.grade_caps import assert_grade_caps
from emulation.properties.kpi_recount import assert_kpis_recounted
from emulation.properties.monotonicity import assert_monotonic
from emulation.properties.paths import assert_paths_are_or
from emulation.properties.quotas import assert_quotas_conserved
from emulation.properties.selections import assert_selections_respected
from emulation.rules.model import Ruleset

#: The ready-made properties, in the order ``check`` runs them.
PROPERTIES: tuple[Property, ...] = (
    Property("monotonicity", "more merit never takes an award away", assert_monotonic),
    Property(
        "quota_conservation",
        "no quota is exceeded; nobody eligible is left out while it has room",
        assert_quotas_conserved,
    ),
    Property(
        "determinism",
        "row order, plugin order and chunking never change a decision",
        assert_deterministic,
    ),
    Property(
        "version_boundaries",
        "each period is judged by the version in force",
        assert_version_boundaries,
    ),
    Property(
        "explanations",
        "every decision names the rules that caused it",
        assert_explanations_consistent,
    ),
    # score sheets and KPIs (movements)
    Property(
        "band_monotonicity",
        "more points never give a lower band",
        assert_bands_monotonic,
    ),
    Property("grade_caps", "a grade cap is never exceeded", assert_grade_caps),
    Property(
        "bands_exhaustive",
        "every total from 0 to the maximum lies in exactly one band",
        assert_bands_exhaustive,
    ),
    Property(
        "kpi_recount",
        "a KPI's value, outcome and needed equal a recount from the population",
        assert_kpis_recounted,
    ),
    Property("paths", "adding an award path never takes a grant away", assert_paths_are_or),
    Property(
        "selections",
        "nested caps hold; a budget is never overspent nor passes over one it could cover",
        assert_selections_respected,
    ),
)


def check(
    engine: Engine,
    *names: str,
    rulesets: Iterable[Ruleset] | None = None,
    period: Period | str | None = None,
    awards: Sequence[str] | None = None,
    parameters: Mapping[str, Any] | None = None,
    max_examples: int | None = None,
    derandomize: bool = False,
) -> None:
    """Run the named properties (default: all of :data:`PROPERTIES`) over populations that
    :func:`emulation.strategies.from_ruleset` generates for ``rulesets`` (default: every
    ruleset of the engine), deciding ``awards`` (default: all; those not in force in a
    period are left out) with ``parameters``. Hypothesis shrinks a failure to a small population and the
    :class:`PropertyFailure` is raised. ``max_examples`` defaults to the Hypothesis profile's;
    ``derandomize`` makes the run repeatable (``emulation test`` uses it). Do not call it from
    inside a ``@given`` test."""
    # lazy: Hypothesis and the strategies load only when properties are run
    from hypothesis import HealthCheck, given, settings  # noqa: TID251

    from emulation.strategies import from_ruleset

    chosen = _chosen(names)
    examples = from_ruleset(
        tuple(rulesets) if rulesets is not None else engine.rulesets,
        period=period,
        parameters=plain(parameters),
    ).map(_Example)
    options: dict[str, Any] = {
        "deadline": None,
        "derandomize": derandomize,
        "report_multiple_bugs": False,
        "suppress_health_check": [HealthCheck.too_slow, HealthCheck.data_too_large],
    }
    if derandomize:
        options["database"] = None
    if max_examples is not None:
        options["max_examples"] = max_examples
    for prop in chosen:
        run = _runner(prop, engine, period, awards, parameters)
        given(examples)(settings(settings.default, **options)(run))()


def _runner(
    prop: Property,
    engine: Engine,
    period: Period | str | None,
    awards: Sequence[str] | None,
    parameters: Mapping[str, Any] | None,
) -> Callable[[_Example], None]:
    def run(example: _Example) -> None:
        prop.assertion(engine, example.population, period, awards=awards, parameters=parameters)

    run.__name__ = prop.name
    return run


def _chosen(names: Sequence[str]) -> list[Property]:
    by_name = {prop.name: prop for prop in PROPERTIES}
    unknown = [name for name in names if name not in by_name]
    if unknown:
        raise ValueError(f"unknown properties {unknown}; expected some of {list(by_name)}")
    return [by_name[name] for name in names] if names else list(PROPERTIES)


@attrs.frozen(repr=False)
class _Example:
    """A generated population with a short repr for Hypothesis's "Falsifying example"."""

    population: Population

    def __repr__(self) -> str:
        subjects = self.population.subjects.height
        return f"<population of {subjects} subjects, periods {list(self.population.periods())}>"
