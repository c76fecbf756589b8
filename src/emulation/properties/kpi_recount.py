"""KPI recount: a KPI's value, outcome and ``needed`` at every node equal a recount from the
population, made here without the engine's KPI code."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from typing import Any

import attrs
import polars as pl

from emulation.data.population import Population
from emulation.engine import Engine
from emulation.period import Period
from emulation.properties.api import PropertyFailure, period_of
from emulation.properties.sheets_api import kpis_in_force, rulesets_used, with_ruleset
from emulation.rules.kpis import Kpi
from emulation.rules.model import Award, Rule
from emulation.types import AwardId

#: Prefix of the awards the recount adds to read each counted subject's conditions.
PREFIX = "kpi_recount__"


def assert_kpis_recounted(
    engine: Engine,
    population: Population,
    period: Period | str | None = None,
    *,
    awards: Sequence[str] | None = None,
    parameters: Mapping[str, Any] | None = None,
) -> None:
    """For every KPI in force, the nodes it is reported at are the collectives of its levels
    (not set aside), and at each node the numerator, denominator, unknown count, value,
    target, outcome and ``needed`` equal a recount: each counted subject's numerator and
    denominator conditions are read as the criteria of an award added for the purpose, the
    members are gathered by walking the parents (direct members, or the whole subtree), the
    target is the node's own ``override`` fact or else the parameter, and ``needed`` is the
    smallest change of the numerator that meets the target, found by trying each count."""
    current = period_of(engine, population, period)
    kpis = kpis_in_force(engine, current) if current else {}
    if current is None or not kpis:
        return
    recount = _with_probes(engine, current)
    evaluation = recount.evaluate(
        population,
        current,
        sorted(PREFIX + k for k in kpis),
        kpis=sorted(kpis),
        parameters=parameters,
    )
    conditions = {
        (d.award, d.subject): {c.id: c.value for c in d.criteria} for d in evaluation.decisions()
    }
    for kpi_id, (kpi, ruleset) in sorted(kpis.items()):
        values = {k: v for k, v in (parameters or {}).items() if k in ruleset.parameters}
        parameter = values.get(kpi.target, ruleset.parameters[kpi.target].value_on(current.end))
        expected = _recount(kpi, population, current, conditions, parameter)
        actual = {r.node: r for r in evaluation.kpi_results(kpi_id)}
        if set(actual) != set(expected):
            raise PropertyFailure(
                f"KPI recount does not hold: {kpi_id} is reported at {sorted(actual)}, but the "
                f"collectives of levels {list(kpi.at_levels)} are {sorted(expected)}"
            )
        for node, want in sorted(expected.items()):
            got = actual[node]
            seen = {name: getattr(got, name) for name in want}
            if seen != want:
                wrong = [f"{k} {seen[k]} (recount {want[k]})" for k in want if seen[k] != want[k]]
                raise PropertyFailure(
                    "\n".join(
                        [
                            f"KPI recount does not hold: {kpi_id} at node {node} "
                            f"({got.level}): the engine gives {', '.join(wrong)}",
                            f"  engine: {_line(seen)}",
                            f"  recount: {_line(want)}",
                            *(f"    {reason.render('en')}" for reason in got.reasons),
                        ]
                    )
                )


def _line(values: Mapping[str, Any]) -> str:
    return ", ".join(f"{key} {value}" for key, value in values.items())


def _with_probes(engine: Engine, period: Period) -> Engine:
    """``engine`` with, per KPI, an award whose criteria are its numerator and denominator."""
    for ruleset in rulesets_used(engine, period):
        if not ruleset.kpis:
            continue
        probes = {AwardId(PREFIX + kpi.id): _probe(kpi) for kpi in ruleset.kpis.values()}
        changed = attrs.evolve(ruleset, awards={**ruleset.awards, **probes})
        engine = with_ruleset(engine, ruleset, changed)
    return engine


def _probe(kpi: Kpi) -> Award:
    rules = [
        Rule(
            id=name,
            role="criterion",
            expr=condition.expr,
            label=kpi.label,
            basis=kpi.basis,
            certainty=kpi.certainty,
            node=condition.node,
            location=condition.location,
        )
        for name, condition in (("numerator", kpi.numerator), ("denominator", kpi.denominator))
        if condition is not None
    ]
    return Award(
        id=AwardId(PREFIX + kpi.id),
        kind="certificate",
        subject=kpi.subject,
        frequency="per_period",
        label=kpi.label,
        rules=tuple(rules),
        depends_on=kpi.depends_on,
    )


def _recount(
    kpi: Kpi,
    population: Population,
    period: Period,
    conditions: Mapping[tuple[str, str], Mapping[str, bool | None]],
    parameter: Any,
) -> dict[str, dict[str, Any]]:
    """What each node of the KPI should report."""
    aside = population.set_aside_ids()
    rows = population.subjects.select("id", "kind", "parent", "level").iter_rows()
    parent: dict[str, str | None] = {}
    level: dict[str, str | None] = {}
    nodes = []
    for sid, kind, up, lvl in rows:
        parent[sid], level[sid] = up, lvl
        if kind == "collective" and lvl in kpi.at_levels and sid not in aside:
            nodes.append(sid)
    award = PREFIX + kpi.id
    members: dict[str, list[tuple[bool | None, bool | None]]] = {node: [] for node in nodes}
    for (probe, sid), values in conditions.items():
        if probe != award or (kpi.subject_level is not None and level[sid] != kpi.subject_level):
            continue
        pair = (values.get("numerator"), values.get("denominator", True))
        above = parent.get(sid)
        while above is not None:
            if above in members:
                members[above].append(pair)
            above = parent.get(above) if kpi.scope == "subtree" else None
    own = _overrides(kpi, population, period)
    target_default = None if parameter is None else Decimal(str(parameter))
    found = {}
    for node in nodes:
        pairs = members[node]
        numerator = sum(1 for n, d in pairs if d is True and n is True)
        denominator = sum(1 for _, d in pairs if d is True)
        unknown = sum(1 for n, d in pairs if d is None or (d is True and n is None))
        target = own.get(node, target_default)
        value = None
        if not unknown and denominator:
            value = (Decimal(numerator) / Decimal(denominator)).quantize(
                Decimal("0.000001"), rounding=ROUND_HALF_UP
            )
        needed = None
        if value is not None and target is not None:
            needed = _needed(kpi.comparison, numerator, denominator, Fraction(target))
        outcome = "data_missing" if needed is None else "met" if needed == 0 else "not_met"
        found[node] = {
            "numerator": numerator,
            "denominator": denominator,
            "unknown": unknown,
            "value": value,
            "target": target,
            "outcome": outcome,
            "needed": needed,
        }
    return found


def _needed(comparison: str, numerator: int, denominator: int, target: Fraction) -> int:
    """The smallest change of the numerator (up for ``>=``/``>``, down for ``<=``/``<``) that
    meets the target, found by trying 0, 1, 2 …"""
    tests = {
        ">=": lambda share: share >= target,
        ">": lambda share: share > target,
        "<=": lambda share: share <= target,
        "<": lambda share: share < target,
    }
    sign = 1 if comparison in (">=", ">") else -1
    change = 0
    while not tests[comparison](Fraction(numerator + sign * change, denominator)):
        change += 1
    return change


def _overrides(kpi: Kpi, population: Population, period: Period) -> dict[str, Decimal]:
    """Each node's own target: its value of the ``override`` fact in the period."""
    if kpi.override is None or kpi.override not in population.facts.columns:
        return {}
    rows = population.facts.filter(
        (pl.col("period") == str(period)) & pl.col(kpi.override).is_not_null()
    ).select("subject", kpi.override)
    return {sid: Decimal(str(value)) for sid, value in rows.iter_rows()}
