"""Bands cover every score: each total from 0 to the sheet's maximum lies in exactly one band,
and the engine gives it that band when no floor, condition, knock-out or cap applies."""

from __future__ import annotations

import functools
import weakref
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

import attrs

from emulation.data.population import Population
from emulation.engine import Engine
from emulation.lang.nodes import FactRef
from emulation.lang.scope import FactDecl
from emulation.period import Period
from emulation.properties.api import PropertyFailure, period_of
from emulation.properties.sheets_api import cached, sheets_in_force, with_ruleset
from emulation.rules.model import Ruleset
from emulation.rules.scores import ScoreBand, ScoreItem, ScoreSheet
from emulation.types import FactName, Label

#: The smallest step between two totals (points carry 6 decimal places).
STEP = Decimal("0.000001")
#: The fact the experiment's one item reads.
_TOTAL = FactName("emulation_property_total")

_DONE: weakref.WeakKeyDictionary[Engine, dict[Any, Any]] = weakref.WeakKeyDictionary()


def assert_bands_exhaustive(
    engine: Engine,
    population: Population,
    period: Period | str | None = None,
    *,
    awards: Sequence[str] | None = None,
    parameters: Mapping[str, Any] | None = None,
) -> None:
    """Every total from 0 to the sheet's maximum — each whole number, each band's minimum and
    the totals one step (0.000001) and one point either side of it — lies in exactly one band
    as the bands are written (from ``min``, below ``below`` or the next better band's
    minimum), and the engine gives it that band.

    The engine is asked through a copy of each sheet in force with one item worth the total
    and no groups, bonus, deduction, floors, conditions, knock-outs or caps. The bands do not
    depend on the data, so a sheet is checked once per engine and period; the population
    only gives the period."""
    current = period_of(engine, population, period)
    sheets = sheets_in_force(engine, current) if current else {}
    if current is None:
        return
    for sheet, ruleset in sheets.values():
        problem = cached(
            _DONE,
            engine,
            (current, ruleset.id, ruleset.version, sheet.id),
            functools.partial(_problem, engine, current, sheet, ruleset),
        )
        if problem:
            raise PropertyFailure(
                f"bands do not cover every score: sheet {sheet.id} ({ruleset.id} "
                f"{ruleset.version}): {problem}"
            )


def totals(sheet: ScoreSheet) -> list[Decimal]:
    """The totals tried: whole numbers from 0 to the maximum, every minimum and its
    neighbours (one step and one point either side), the maximum."""
    most = sheet.max_total
    found = {Decimal(n) for n in range(int(most) + 1)} | {most}
    for band in sheet.bands:
        if band.min is not None:
            found |= {band.min + d for d in (-1, -STEP, 0, STEP, 1)}
    return sorted(t for t in found if 0 <= t <= most)


def written(sheet: ScoreSheet, total: Decimal) -> list[ScoreBand]:
    """The bands whose interval, as written, holds ``total``: from ``min`` (none: no lower
    bound) up to ``below`` or, without one, the next better band's minimum."""
    found = []
    for index, band in enumerate(sheet.bands):
        better = sheet.bands[index - 1] if index else None
        upper = band.below if band.below is not None else (better.min if better else None)
        if (band.min is None or total >= band.min) and (upper is None or total < upper):
            found.append(band)
    return found


def _problem(engine: Engine, period: Period, sheet: ScoreSheet, ruleset: Ruleset) -> str | None:
    grid = totals(sheet)
    for total in grid:
        bands = written(sheet, total)
        if len(bands) != 1:
            names = ", ".join(b.id for b in bands) or "no band"
            what = "overlap" if bands else "leave a gap"
            return f"the bands {what}: a total of {total} lies in {names}"
    bare = _bare(sheet)
    facts = {**ruleset.facts, _TOTAL: _DECL}
    changed = attrs.evolve(ruleset, facts=facts, scores={**ruleset.scores, sheet.id: bare})
    subjects = [
        {"id": f"t{index}", "kind": sheet.subject, "facts": {str(period): {_TOTAL: str(total)}}}
        for index, total in enumerate(grid)
    ]
    evaluation = with_ruleset(engine, ruleset, changed).evaluate(
        Population.from_json({"subjects": subjects}), period, [], scores=[sheet.id]
    )
    found = {r.subject: r for r in evaluation.score_results(score=sheet.id)}
    for index, total in enumerate(grid):
        result = found.get(f"t{index}")
        expected = written(sheet, total)[0].id
        band = None if result is None else result.band
        if band != expected or result is None or result.total != total:
            got = "no result" if result is None else f"total {result.total}, band {band}"
            return (
                f"a total of {total} lies in band {expected} as the bands are written, but the "
                f"engine gives {got} (no floor, condition, knock-out or cap applying)"
            )
    return None


_DECL = FactDecl(name=_TOTAL, type="decimal", label=Label(vi="Tổng điểm (thử)", en="Total (test)"))


def _bare(sheet: ScoreSheet) -> ScoreSheet:
    """``sheet`` with one item worth the total, and bands with no floor or condition."""
    first = sheet.items[0]
    item: ScoreItem = attrs.evolve(
        first,
        id="total",
        expr=_TOTAL,
        node=FactRef(type="decimal", name=_TOTAL, facts=frozenset({_TOTAL})),
        max=sheet.max_total,
        group=None,
        default=None,
    )
    return attrs.evolve(
        sheet,
        items=(item,),
        groups=(),
        bonus=None,
        deduction=None,
        floors=(),
        knockouts=(),
        caps=(),
        bands=tuple(attrs.evolve(b, requires=(), condition=None) for b in sheet.bands),
        depends_on=frozenset(),
        reads_scores=frozenset(),
    )
