"""Paths are an "or": adding an award path never takes a grant away.

For every award with two or more paths (``[[awards.<id>.paths]]``) and each of its paths, the
population is decided again with that path left out. A subject eligible without the path must
be eligible with it, and one whose decision was unknown without it must not become not
eligible with it: a path can only open a way, never close one. Quotas are left aside (a new
way in may push another subject over the cap), so eligibility is compared, not the place.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import attrs

from emulation._testing.counterexample import describe_decision
from emulation.data.population import Population
from emulation.engine import Engine
from emulation.period import Period
from emulation.properties.api import STANDING, PropertyFailure, awards_in_force, period_of
from emulation.rules.model import Award, Ruleset


def assert_paths_are_or(
    engine: Engine,
    population: Population,
    period: Period | str | None = None,
    *,
    awards: Sequence[str] | None = None,
    parameters: Mapping[str, Any] | None = None,
) -> None:
    """Leaving out any one path of an award with several never makes a subject eligible
    without it ineligible with it (nor an unknown decision not eligible)."""
    current = period_of(engine, population, period)
    wanted = awards_in_force(engine, current, awards) if current else None
    if current is None or wanted == []:
        return
    routed = [
        (award, ruleset)
        for ruleset in engine.rulesets_in_force(current)
        for award in ruleset.awards.values()
        if len(award.paths) > 1 and (wanted is None or award.id in wanted)
    ]
    if not routed:
        return
    full = {
        (d.subject, d.award): d
        for d in engine.evaluate(population, current, wanted, parameters=parameters).decisions()
    }
    for award, ruleset in routed:
        for path in award.paths:
            fewer = without_path(engine, ruleset, award, path.id)
            decided = fewer.evaluate(population, current, wanted, parameters=parameters)
            for decision in decided.decisions():
                if decision.award != award.id:
                    continue
                wider = full[(decision.subject, decision.award)]
                if _narrower(wider.outcome, decision.outcome):
                    lines = [
                        f'paths are not an "or": adding path "{path.id}" to "{award.id}" took '
                        f"away what the other paths gave subject {decision.subject}",
                        f'  without path "{path.id}":',
                        *describe_decision(decision, engine.rulesets, indent="    "),
                        "  with every path:",
                        *describe_decision(wider, engine.rulesets, indent="    "),
                    ]
                    raise PropertyFailure("\n".join(lines))


def _narrower(wider: str, fewer: str) -> bool:
    """Whether the outcome with every path is worse than the one with a path left out."""
    if fewer in STANDING:
        return wider not in STANDING
    return fewer == "data_missing" and wider == "not_eligible"


def without_path(engine: Engine, ruleset: Ruleset, award: Award, path: str) -> Engine:
    """``engine`` with ``path`` of ``award`` (in ``ruleset``) and its criteria left out."""
    changed = attrs.evolve(
        award,
        paths=tuple(p for p in award.paths if p.id != path),
        rules=tuple(rule for rule in award.rules if rule.path != path),
    )
    new = attrs.evolve(ruleset, awards={**ruleset.awards, award.id: changed})
    return attrs.evolve(engine, rulesets=tuple(new if r is ruleset else r for r in engine.rulesets))
