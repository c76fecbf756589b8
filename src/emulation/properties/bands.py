"""Band monotonicity: more points never give a lower band."""

from __future__ import annotations

import functools
import itertools
import weakref
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

import attrs

from emulation.data.population import Population
from emulation.engine import Engine
from emulation.period import Period
from emulation.properties.api import PropertyFailure, period_of
from emulation.properties.sheets_api import (
    cached,
    explained,
    plus,
    rank,
    sheets_in_force,
    with_sheets,
)
from emulation.results.scores import ScoreResult
from emulation.rules.scores import ScoreSheet

#: The points added to every item and the bonus (and taken from the deduction): the smallest
#: step of a decimal, a whole point, and enough to cross a band.
STEPS = (Decimal("0.000001"), Decimal(1), Decimal(5))

_VARIANTS: weakref.WeakKeyDictionary[Engine, dict[Any, Any]] = weakref.WeakKeyDictionary()


def assert_bands_monotonic(
    engine: Engine,
    population: Population,
    period: Period | str | None = None,
    *,
    awards: Sequence[str] | None = None,
    parameters: Mapping[str, Any] | None = None,
) -> None:
    """More points never give a lower band, with the knock-outs, grade caps and band
    conditions held fixed.

    Two checks for every score sheet in force. Across subjects: two subjects of the same
    sheet whose floors, knock-outs and caps have the same values are banded in the order of
    their totals. For each subject: with :data:`STEPS` added to every item and to the bonus
    and taken from the deduction (the sheet's expressions changed, the data kept), the total
    does not fall and the band does not drop (floors can only pass more often)."""
    current = period_of(engine, population, period)
    sheets = sheets_in_force(engine, current) if current else {}
    if current is None or not sheets:
        return
    ids = sorted(sheets)

    def results(used: Engine) -> dict[tuple[str, str], ScoreResult]:
        found = used.evaluate(population, current, [], scores=ids, parameters=parameters)
        return {(r.subject, r.score): r for r in found.score_results()}

    before = results(engine)
    for sheet, _ in sheets.values():
        _across(sheet, [r for r in before.values() if r.score == sheet.id])
    for step in STEPS:
        more = cached(
            _VARIANTS, engine, (current, step), functools.partial(_more, engine, current, step)
        )
        after = results(more)
        for key, old in sorted(before.items()):
            new = after.get(key)
            if new is not None:
                _compare(sheets[old.score][0], old, new, step)


def _more(engine: Engine, period: Period, step: Decimal) -> Engine:
    """``engine`` with ``step`` more points on every item and the bonus of every sheet in
    force, and ``step`` less deduction."""

    def more(sheet: ScoreSheet) -> ScoreSheet:
        return attrs.evolve(
            sheet,
            items=tuple(attrs.evolve(i, node=plus(i.node, step)) for i in sheet.items),
            bonus=None
            if sheet.bonus is None
            else attrs.evolve(sheet.bonus, node=plus(sheet.bonus.node, step)),
            deduction=None
            if sheet.deduction is None
            else attrs.evolve(sheet.deduction, node=plus(sheet.deduction.node, -step)),
        )

    return with_sheets(engine, period, more)


def _fixed(result: ScoreResult) -> tuple[tuple[str, bool | None], ...]:
    """The knock-outs and grade caps of a result with their values."""
    return tuple((c.id, c.value) for c in result.checks if c.kind != "floor")


def _compare(sheet: ScoreSheet, old: ScoreResult, new: ScoreResult, step: Decimal) -> None:
    if _fixed(old) != _fixed(new) or old.band is None or new.band is None:
        return
    if old.total is not None and new.total is not None and new.total < old.total:
        problem = f"the total fell from {old.total} to {new.total}"
    elif (rank(sheet, new.band) or 0) < (rank(sheet, old.band) or 0):
        problem = f"the band dropped from {old.band} to {new.band}"
    else:
        return
    raise PropertyFailure(
        "\n".join(
            [
                f"band monotonicity does not hold: more points gave a lower band: subject "
                f"{old.subject}, sheet {sheet.id} ({old.ruleset.id} {old.ruleset.version}): "
                f"with {step} more points on every item and the bonus and {step} less "
                f"deduction, {problem} (knock-outs and grade caps unchanged)",
                "  before:",
                *explained(old),
                "  after:",
                *explained(new),
            ]
        )
    )


def _across(sheet: ScoreSheet, results: list[ScoreResult]) -> None:
    """Subjects whose floors, knock-outs and caps agree are banded in the order of their
    totals (band conditions read other data, so sheets with conditions are left out)."""
    if any(band.condition is not None for band in sheet.bands):
        return
    groups: dict[Any, list[ScoreResult]] = {}
    for result in results:
        if result.total is not None and result.band is not None:
            key = tuple((c.id, c.value) for c in result.checks)
            groups.setdefault(key, []).append(result)
    for members in groups.values():
        members.sort(key=lambda r: (r.total, r.subject))
        for low, high in itertools.pairwise(members):
            if (rank(sheet, high.band) or 0) < (rank(sheet, low.band) or 0):
                raise PropertyFailure(
                    "\n".join(
                        [
                            f"band monotonicity does not hold: sheet {sheet.id}: "
                            f"{high.subject} has more points ({high.total}) than "
                            f"{low.subject} ({low.total}) but a lower band ({high.band} < "
                            f"{low.band}), with the same floors, knock-outs and caps",
                            f"  {low.subject}:",
                            *explained(low),
                            f"  {high.subject}:",
                            *explained(high),
                        ]
                    )
                )
