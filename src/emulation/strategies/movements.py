"""Strategies for the inputs of movements: the facts a score sheet reads, and organisation
trees for KPIs. :func:`~emulation.strategies.from_ruleset` uses them for rulesets with
``[scores]`` and ``[kpis]``; :func:`sheet_facts` and :func:`kpi_trees` draw them alone."""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from decimal import Decimal
from typing import Any

import attrs
from hypothesis import strategies as st  # noqa: TID251 - strategies are the Hypothesis surface
from hypothesis.strategies import SearchStrategy  # noqa: TID251

from emulation._testing import edges as thresholds
from emulation.data.records import FactValue
from emulation.lang.nodes import Arith, BoolOp, Compare, Constant, FactRef, IfElse, Node, Unary
from emulation.lang.scope import FactDecl
from emulation.period import Period
from emulation.rules.kpis import Kpi
from emulation.rules.model import ParameterValue, Ruleset
from emulation.rules.scores import ScoreSheet
from emulation.strategies.api import BOOLS, as_period, integers, sample
from emulation.strategies.facts import fact_values

#: The smallest step between two decimal points (points carry 6 places).
STEP = Decimal("0.000001")
#: Facts drawn for one subject: name → value.
Facts = dict[str, FactValue]


@attrs.frozen(kw_only=True)
class MovementPlan:
    """What :func:`~emulation.strategies.from_ruleset` draws for the sheets and KPIs in force."""

    sheets: tuple[ScoreSheet, ...] = ()
    #: Each KPI with its levels top-down and its target on the period's last day.
    kpis: tuple[tuple[Kpi, tuple[str, ...], Decimal | None], ...] = ()
    decls: Mapping[str, FactDecl] = attrs.field(factory=dict)


def movement_plan(
    rulesets: Sequence[Ruleset], period: Period, overrides: Mapping[str, ParameterValue]
) -> MovementPlan | None:
    """The sheets and KPIs of ``rulesets`` (in force in ``period``), or None when none."""
    sheets = tuple(s for r in rulesets for s in r.scores.values())
    kpis = []
    for ruleset in rulesets:
        for kpi in ruleset.kpis.values():
            parameter = ruleset.parameters.get(kpi.target)
            value = overrides.get(kpi.target, parameter.value_on(period.end) if parameter else None)
            target = None if value is None else Decimal(str(value))
            kpis.append((kpi, levels_of(kpi, ruleset), target))
    if not sheets and not kpis:
        return None
    decls = {name: decl for r in rulesets for name, decl in r.facts.items()}
    return MovementPlan(sheets=sheets, kpis=tuple(kpis), decls=decls)


def movement_edges(
    rulesets: Sequence[Ruleset], period: Period, overrides: Mapping[str, ParameterValue]
) -> dict[str, set[ParameterValue]]:
    """Values worth trying for the facts the sheets and KPIs read: the thresholds their
    knock-outs, caps and conditions compare with, and, for the facts an item, the bonus or
    the deduction reads, 0 and the part's maximum with its neighbours."""
    found: dict[str, set[ParameterValue]] = {}
    for ruleset in rulesets:
        values = {
            name: overrides.get(name, parameter.value_on(period.end))
            for name, parameter in ruleset.parameters.items()
        }
        nodes = [n for s in ruleset.scores.values() for n in s.nodes]
        nodes += [c.node for k in ruleset.kpis.values() for c in k.conditions]
        for name, more in thresholds.of_nodes(nodes, values).values.items():
            found.setdefault(name, set()).update(more)
        for sheet in ruleset.scores.values():
            parts = [(i.node, i.max) for i in sheet.items]
            parts += [(p.node, p.max) for p in (sheet.bonus, sheet.deduction) if p is not None]
            for node, most in parts:
                for name in node.facts:
                    found.setdefault(name, set()).update(thresholds.near(most, summed=True))
    return found


def levels_of(kpi: Kpi, ruleset: Ruleset) -> tuple[str, ...]:
    """The KPI's levels top-down (in the order ``[levels]`` declares them), and last the level
    of the collectives it counts."""
    order = list(ruleset.levels)
    chosen = [*kpi.at_levels, *([kpi.subject_level] if kpi.subject_level else [])]
    return tuple(
        sorted(dict.fromkeys(chosen), key=lambda x: order.index(x) if x in order else len(order))
    )


# -- score sheets ------------------------------------------------------------------------------


def sheet_facts(
    sheet: ScoreSheet,
    decls: Mapping[str, FactDecl],
    facts: Mapping[str, SearchStrategy[FactValue | None]] | None = None,
) -> SearchStrategy[Facts]:
    """The facts one subject's ``sheet`` reads (``decls`` declares them; ``facts`` gives
    strategies for the facts that are not an item's own): most often the total lands on a
    band's minimum, one step (0.000001 for decimal points, 1 for whole) or one point either
    side, 0 or the maximum; otherwise each item is at 0, at or above its maximum, or between.
    The bonus and deduction facts come near 0 and their caps; knock-outs and grade caps are
    left to their facts' defaults most of the time (so they do not apply) and drawn otherwise
    (so they apply or not)."""
    strategies = dict(facts or {})

    @st.composite
    def build(draw: st.DrawFn) -> Facts:
        return draw_sheet_facts(draw, sheet, decls, strategies)

    return build()


def draw_sheet_facts(
    draw: st.DrawFn,
    sheet: ScoreSheet,
    decls: Mapping[str, FactDecl],
    strategies: Mapping[str, SearchStrategy[FactValue | None]],
) -> Facts:
    own = {
        i.id: i.node.name
        for i in sheet.items
        if isinstance(i.node, FactRef) and _numeric_fact(i.node, decls)
    }
    values: Facts = {}
    clean = draw(sample((True, True, True, False)))
    others = sorted({n for node in sheet.nodes for n in node.facts} - set(own.values()))
    for name in others:
        decl = decls.get(name)
        if decl is None:
            continue
        if decl.default is not None and _only_in_rules(sheet, name) and (clean or draw(BOOLS)):
            values[name] = decl.default  # a knock-out or cap left at its default
            continue
        value = draw(strategies[name] if name in strategies else fact_values(decl))
        if value is not None:
            values[name] = value
    whole = all(decls[f].type == "int" for f in own.values())
    step = Decimal(1) if whole else STEP
    if draw(sample((True, True, False))):
        points = _aimed(draw, sheet, own, values, decls, step)
    else:
        points = {
            item: draw(sample((0, most, most + step, most + 1, most / 2)))
            for item, most in ((i.id, i.max) for i in sheet.items if i.id in own)
        }
    for item, amount in points.items():
        decl = decls[own[item]]
        values[own[item]] = _as_fact(decl, amount)
    return values


def _numeric_fact(node: Node, decls: Mapping[str, FactDecl]) -> bool:
    return (
        isinstance(node, FactRef)
        and node.name in decls
        and decls[node.name].type in ("int", "decimal")
    )


def _only_in_rules(sheet: ScoreSheet, name: str) -> bool:
    """Whether ``name`` is read only by knock-outs, caps or band conditions."""
    parts = [i.node for i in sheet.items] + [p.node for p in (sheet.bonus, sheet.deduction) if p]
    return not any(name in node.facts for node in parts)


def boundaries(sheet: ScoreSheet, step: Decimal) -> list[Decimal]:
    """Totals worth landing on: each band's minimum, one ``step`` and one point either side,
    0 and the maximum."""
    found = {Decimal(0), sheet.max_total}
    for band in sheet.bands:
        if band.min is not None:
            found |= {band.min + d for d in (-1, -step, 0, step, 1)}
    return sorted(t for t in found if sheet.min_total <= t <= sheet.max_total)


def _aimed(
    draw: st.DrawFn,
    sheet: ScoreSheet,
    own: Mapping[str, str],
    values: Facts,
    decls: Mapping[str, FactDecl],
    step: Decimal,
) -> dict[str, Decimal]:
    """Points for the items read from their own fact, so that the total lands on a drawn
    boundary (as near as the items' and groups' maxima allow)."""
    aim = draw(sample(tuple(boundaries(sheet, step))))
    known = {**{n: d.default for n, d in decls.items() if d.default is not None}, **values}
    fixed = Decimal(0)
    for item in sheet.items:
        if item.id not in own:
            fixed += _clip(_value(item.node, known), item.max)
    for part, sign in ((sheet.bonus, 1), (sheet.deduction, -1)):
        if part is not None:
            fixed += sign * _clip(_value(part.node, known), part.max)
    left = aim - fixed
    room = {g.id: g.max for g in sheet.groups}
    order = draw(st.permutations([i for i in sheet.items if i.id in own]))
    points: dict[str, Decimal] = {}
    for item in order:
        most = min(item.max, room.get(item.group, item.max)) if item.group else item.max
        given = max(Decimal(0), min(left, most))
        if decls[own[item.id]].type == "int":
            given = Decimal(math.floor(given))
        points[item.id] = given
        left -= given
        if item.group in room:
            room[item.group] -= given
    return points


def _clip(value: Decimal | None, most: Decimal) -> Decimal:
    return Decimal(0) if value is None else max(Decimal(0), min(value, most))


def _as_fact(decl: FactDecl, amount: Decimal) -> FactValue:
    """``amount`` as a value of ``decl``, inside its declared bounds."""
    if decl.minimum is not None:
        amount = max(amount, decl.minimum)
    if decl.maximum is not None:
        amount = min(amount, decl.maximum)
    return int(amount) if decl.type == "int" else amount


def _value(node: Node, facts: Mapping[str, Any]) -> Any:
    """The value of a sheet expression over plain facts, or None when it reads anything else
    (a function, a parameter) or a missing fact."""
    if isinstance(node, Constant):
        return node.value
    if isinstance(node, FactRef):
        return facts.get(node.name)
    parts: list[Any]
    if isinstance(node, Arith):
        left, right = _value(node.left, facts), _value(node.right, facts)
        if not isinstance(left, (int, Decimal)) or not isinstance(right, (int, Decimal)):
            return None
        left, right = Decimal(left), Decimal(right)
        if node.op == "/":
            return None if right == 0 else left / right
        return {"+": left + right, "-": left - right, "*": left * right}.get(node.op)
    if isinstance(node, IfElse):
        test = _value(node.test, facts)
        return None if test is None else _value(node.then if test else node.other, facts)
    if isinstance(node, Unary):
        inner = _value(node.operand, facts)
        if inner is None:
            return None
        return (not inner) if node.op == "not" else -Decimal(inner)
    if isinstance(node, BoolOp):
        parts = [_value(p, facts) for p in node.operands]
        if None in parts:
            return None
        return all(parts) if node.op == "and" else any(parts)
    if isinstance(node, Compare) and node.op in ("==", "!="):
        parts = [_value(node.left, facts), _value(node.right, facts)]
        if None in parts:
            return None
        return (parts[0] == parts[1]) == (node.op == "==")
    return None


# -- KPIs ------------------------------------------------------------------------------------


def kpi_trees(
    kpi: Kpi,
    ruleset: Ruleset,
    period: Period | str,
    *,
    facts: Mapping[str, SearchStrategy[FactValue | None]] | None = None,
    prefix: str = "k0",
) -> SearchStrategy[list[dict[str, Any]]]:
    """An organisation tree for ``kpi`` in the nested JSON form: a root collective of its top
    level, one or two children per node down its levels (three levels and more when the KPI
    names them), and under the lowest nodes the counted members — persons, or the collectives
    of ``subject_level``. Members meet the denominator and numerator conditions in numbers
    that put each lowest node's share on the target, one below or one above it (when a
    condition is a boolean fact, or ``not`` one; other facts come from ``facts``); about one
    node in two carries its own target (the ``override`` fact) at, above or below the
    parameter's."""
    current = as_period(period)
    parameter = ruleset.parameters.get(kpi.target)
    value = parameter.value_on(current.end) if parameter else None
    target = None if value is None else Decimal(str(value))
    strategies = dict(facts or {})
    names = tuple(sorted({n for c in kpi.conditions for n in c.node.facts} & set(ruleset.facts)))

    def drawn(draw: st.DrawFn) -> Facts:
        found: Facts = {}
        for name in names:
            chosen = draw(
                strategies[name] if name in strategies else fact_values(ruleset.facts[name])
            )
            if chosen is not None:
                found[name] = chosen
        return found

    @st.composite
    def build(draw: st.DrawFn) -> list[dict[str, Any]]:
        return draw_kpi_tree(draw, kpi, levels_of(kpi, ruleset), target, current, prefix, drawn)

    return build()


def draw_kpi_tree(
    draw: st.DrawFn,
    kpi: Kpi,
    levels: tuple[str, ...],
    target: Decimal | None,
    period: Period,
    prefix: str,
    facts: Callable[[st.DrawFn], Facts],
) -> list[dict[str, Any]]:
    key = str(period)
    nodes: list[dict[str, Any]] = [
        {"id": prefix, "kind": "collective", "level": levels[0], "facts": {key: {}}}
    ]
    lowest = [nodes[0]]
    for level in levels[1:]:
        below = []
        for parent in lowest:
            for index in range(draw(integers(1, 2))):
                node = {
                    "id": f"{parent['id']}.{index}",
                    "kind": "collective",
                    "level": level,
                    "parent": parent["id"],
                    "facts": {key: {}},
                }
                below.append(node)
        nodes.extend(below)
        lowest = below
    if kpi.override is not None and target is not None:
        for node in nodes:
            if node["level"] in kpi.at_levels and draw(sample((True, False))):
                own = target + draw(sample((Decimal(0), Decimal("0.05"), Decimal("-0.05"))))
                node["facts"][key][kpi.override] = max(Decimal(0), min(Decimal(1), own))
    for node in nodes:  # a node with no fact is no candidate of the awards and sheets
        if not node["facts"][key] and node["level"] != kpi.subject_level:
            del node["facts"]
    if kpi.subject_level is not None:
        members = [n for n in nodes if n["level"] == kpi.subject_level]
        groups: dict[str, list[dict[str, Any]]] = {}
        for member in members:
            groups.setdefault(member["parent"], []).append(member)
        for group in groups.values():
            _fill(draw, kpi, group, target, key, facts)
        return nodes
    for parent in lowest:
        people = [
            {
                "id": f"{parent['id']}.m{i}",
                "kind": "person",
                "parent": parent["id"],
                "facts": {key: {}},
            }
            for i in range(draw(sample((0, 1, 2, 3, 3, 4, 5))))
        ]
        _fill(draw, kpi, people, target, key, facts)
        nodes.extend(people)
    return nodes


def _fill(
    draw: st.DrawFn,
    kpi: Kpi,
    members: list[dict[str, Any]],
    target: Decimal | None,
    key: str,
    facts: Callable[[st.DrawFn], Facts],
) -> None:
    """Facts for ``members``: ``d`` of them in the denominator and ``n`` of those in the
    numerator, ``n`` being the count that meets the target, or one fewer or more."""
    size = len(members)
    counted = draw(integers(min(1, size), size))
    aim = math.ceil((target or Decimal("0.5")) * counted)
    hits = max(0, min(counted, aim + draw(sample((0, -1, 1)))))
    for index, member in enumerate(members):
        values = facts(draw)
        if draw(integers(0, 9)):  # one in ten keeps its drawn facts, some of them missing
            if kpi.denominator is not None:
                _meet(kpi.denominator.node, index < counted, values)
            _meet(kpi.numerator.node, index < hits, values)
        member["facts"][key].update(values)


def _meet(node: Node, wanted: bool, values: Facts) -> None:
    """Set the fact of a condition that is a boolean fact (or ``not`` one) so it is ``wanted``."""
    if isinstance(node, Unary) and node.op == "not":
        node, wanted = node.operand, not wanted
    if isinstance(node, FactRef) and node.type == "bool":
        values[node.name] = wanted
