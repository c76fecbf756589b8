"""What the score-sheet and KPI properties share: the sheets and KPIs in force, engines with a
sheet or a ruleset changed for an experiment, and how a sheet reads in a counterexample."""

from __future__ import annotations

import weakref
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import attrs

from emulation.engine import Engine
from emulation.lang.nodes import Arith, Constant, Node
from emulation.period import Period
from emulation.results.scores import ScoreResult
from emulation.rules.kpis import Kpi
from emulation.rules.model import Ruleset
from emulation.rules.scores import ScoreSheet


def sheets_in_force(engine: Engine, period: Period) -> dict[str, tuple[ScoreSheet, Ruleset]]:
    """Every score sheet of the rulesets in force in ``period`` that accept its kind."""
    return {
        sheet.id: (sheet, ruleset)
        for ruleset in rulesets_used(engine, period)
        for sheet in ruleset.scores.values()
    }


def kpis_in_force(engine: Engine, period: Period) -> dict[str, tuple[Kpi, Ruleset]]:
    """Every KPI of the rulesets in force in ``period`` that accept its kind."""
    return {
        kpi.id: (kpi, ruleset)
        for ruleset in rulesets_used(engine, period)
        for kpi in ruleset.kpis.values()
    }


def rulesets_used(engine: Engine, period: Period) -> list[Ruleset]:
    """The rulesets in force in ``period`` that accept its kind."""
    return [r for r in engine.rulesets_in_force(period) if r.accepts(period)]


def with_ruleset(engine: Engine, old: Ruleset, new: Ruleset) -> Engine:
    """``engine`` with ruleset ``old`` replaced by ``new`` (nothing is written to disk)."""
    return attrs.evolve(engine, rulesets=tuple(new if r is old else r for r in engine.rulesets))


def with_sheets(
    engine: Engine, period: Period, change: Callable[[ScoreSheet], ScoreSheet]
) -> Engine:
    """``engine`` with every sheet of the rulesets used in ``period`` changed by ``change``."""
    for ruleset in rulesets_used(engine, period):
        if ruleset.scores:
            scores = {key: change(sheet) for key, sheet in ruleset.scores.items()}
            engine = with_ruleset(engine, ruleset, attrs.evolve(ruleset, scores=scores))
    return engine


def plus(node: Node, delta: Decimal) -> Node:
    """``(node) + delta`` as a checked decimal node."""
    return Arith(
        type="decimal",
        op="+",
        left=node,
        right=Constant(type="decimal", value=delta),
        facts=node.facts,
        params=node.params,
        calls=node.calls,
    )


def rank(sheet: ScoreSheet, band: str | None) -> int | None:
    """A band's place worst to best (None for no band)."""
    return None if band is None else sheet.band_order.index(band)


def explained(result: ScoreResult, indent: str = "    ") -> list[str]:
    """The sheet item by item (in English), indented, for a counterexample."""
    return [indent + line for line in result.explain("en").splitlines()]


_Cache = weakref.WeakKeyDictionary[Engine, dict[Any, Any]]


def cached(cache: _Cache, engine: Engine, key: Any, make: Callable[[], Any]) -> Any:
    """``make()`` once per engine and ``key`` (while the engine lives)."""
    mine = cache.setdefault(engine, {})
    if key not in mine:
        mine[key] = make()
    return mine[key]
