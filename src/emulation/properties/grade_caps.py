"""Grade caps: a grade cap is never exceeded, a knock-out gives the lowest band, and nothing
else moves the band away from the band by points."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from emulation.data.population import Population
from emulation.engine import Engine
from emulation.period import Period
from emulation.properties.api import PropertyFailure, period_of
from emulation.properties.sheets_api import explained, rank, sheets_in_force
from emulation.results.scores import ScoreResult
from emulation.rules.scores import ScoreSheet


def assert_grade_caps(
    engine: Engine,
    population: Population,
    period: Period | str | None = None,
    *,
    awards: Sequence[str] | None = None,
    parameters: Mapping[str, Any] | None = None,
) -> None:
    """For every subject of every score sheet in force whose band is known: the band is no
    better than the ``at_most`` band of every grade cap that applies; it is the lowest band
    when a knock-out applies; it is never better than the band by points; and when every
    knock-out and cap is known not to apply, it is the band by points."""
    current = period_of(engine, population, period)
    sheets = sheets_in_force(engine, current) if current else {}
    if current is None or not sheets:
        return
    evaluation = engine.evaluate(
        population, current, [], scores=sorted(sheets), parameters=parameters
    )
    for result in evaluation.score_results():
        problem = _problem(sheets[result.score][0], result)
        if problem:
            raise PropertyFailure(
                "\n".join(
                    [
                        f"grade caps do not hold: subject {result.subject}, sheet "
                        f"{result.score} ({result.ruleset.id} {result.ruleset.version}): "
                        f"{problem}",
                        *explained(result),
                    ]
                )
            )


def _problem(sheet: ScoreSheet, result: ScoreResult) -> str | None:
    band = rank(sheet, result.band)
    if band is None:
        return None
    for check in result.checks:
        if check.value is not True:
            continue
        if check.kind == "cap" and check.at_most is not None:
            if band > sheet.band_order.index(check.at_most):
                return (
                    f"grade cap {check.id} applies (at most {check.at_most}), yet the band is "
                    f"{result.band}"
                )
        elif check.kind == "knockout" and band != 0:
            return (
                f"knock-out {check.id} applies, yet the band is {result.band}, not the lowest "
                f"band {sheet.band_order[0]}"
            )
    by_points = rank(sheet, result.points_band)
    if by_points is not None and band > by_points:
        return f"the band {result.band} is better than the band by points {result.points_band}"
    held = [c for c in result.checks if c.kind != "floor"]
    if by_points is not None and all(c.value is False for c in held) and band != by_points:
        return (
            f"no knock-out or grade cap applies, yet the band {result.band} differs from the "
            f"band by points {result.points_band}"
        )
    return None
