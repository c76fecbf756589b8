"""The edges a ruleset's rules test: thresholds of comparisons and the values of ``in`` lists.

A walk over checked rule trees (:func:`emulation.lang.nodes.walk`). ``months_worked >= 6`` makes
5, 6 and 7 interesting values of ``months_worked``; ``months_worked + months_training >=
min_months_worked`` does the same for both facts with the parameter's value; ``rating in
("HTT", "HTXS")`` names two ratings; ``evidence_count("initiative") >= 1`` makes 0, 1 and 2
interesting counts and ``"initiative"`` an interesting literal. :mod:`emulation.strategies`
biases generated facts towards these edges, and :mod:`emulation.properties` tries them when it
makes a subject better.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import Decimal

import attrs

from emulation.lang.nodes import (
    Arith,
    Call,
    Compare,
    Constant,
    FactRef,
    Member,
    Node,
    ParamRef,
    Unary,
    walk,
)
from emulation.period import Period
from emulation.rules.model import Rule, Ruleset
from emulation.types import ParameterValue


@attrs.define
class Edges:
    """What the rules test. ``values``: fact name → values worth trying; ``counts``: numbers
    compared with function calls; ``texts``: (function, argument) → literal texts passed."""

    values: dict[str, set[ParameterValue]] = attrs.field(factory=dict)
    counts: set[int] = attrs.field(factory=set)
    texts: dict[tuple[str, str], set[str]] = attrs.field(factory=dict)

    def texts_of(self, argument: str) -> tuple[str, ...]:
        """Every literal text passed to an argument named ``argument``, sorted."""
        found: set[str] = set()
        for (_, name), values in self.texts.items():
            if name == argument:
                found |= values
        return tuple(sorted(found))


def collect(
    rules: Iterable[Rule], parameters: Mapping[str, ParameterValue | None] | None = None
) -> Edges:
    """The edges of ``rules``, reading parameters at the given values (unknown ones skipped)."""
    edges = Edges()
    for rule in rules:
        _walk(rule.node, parameters or {}, edges)
    return edges


def in_force(
    rulesets: Iterable[Ruleset],
    period: Period,
    overrides: Mapping[str, ParameterValue | None] | None = None,
) -> Edges:
    """The edges of every rule of the rulesets in force in ``period``, with each parameter's
    value on the period's last day unless ``overrides`` gives it."""
    edges = Edges()
    for ruleset in rulesets:
        if not ruleset.in_force(period):
            continue
        values = {
            name: (overrides or {}).get(name, parameter.value_on(period.end))
            for name, parameter in ruleset.parameters.items()
        }
        for award in ruleset.awards.values():
            for rule in award.rules:
                _walk(rule.node, values, edges)
    return edges


def _walk(node: Node, parameters: Mapping[str, ParameterValue | None], edges: Edges) -> None:
    for inner in walk(node):
        _visit(inner, parameters, edges)


def _visit(node: Node, parameters: Mapping[str, ParameterValue | None], edges: Edges) -> None:
    if isinstance(node, Compare):
        for side, other in ((node.left, node.right), (node.right, node.left)):
            value = _constant(other, parameters)
            if value is not None:
                _mark(side, value, edges)
    elif isinstance(node, Member) and isinstance(node.operand, FactRef):
        edges.values.setdefault(node.operand.name, set()).update(node.values)
    elif isinstance(node, Call):
        for name, value in node.arguments:
            if isinstance(value, str):
                edges.texts.setdefault((node.function.name, name), set()).add(value)


def _constant(node: Node, parameters: Mapping[str, ParameterValue | None]) -> ParameterValue | None:
    """The value of a side that reads no fact and calls nothing, when it is a plain value."""
    if isinstance(node, Constant):
        return node.value
    if isinstance(node, ParamRef):
        return parameters.get(node.name)
    if isinstance(node, Unary) and node.op == "-":
        inner = _constant(node.operand, parameters)
        if isinstance(inner, (int, Decimal)) and not isinstance(inner, bool):
            return -inner
    return None


def _mark(side: Node, value: ParameterValue, edges: Edges) -> None:
    """Record the values around ``value`` for every fact and call on ``side``."""
    summed = isinstance(side, Arith)
    for name in _fact_refs(side):
        edges.values.setdefault(name, set()).update(near(value, summed=summed))
    if _has_call(side) and isinstance(value, int) and not isinstance(value, bool):
        edges.counts.update(v for v in near(value) if isinstance(v, int) and v >= 0)


def near(value: ParameterValue, *, summed: bool = False) -> set[ParameterValue]:
    """``value`` and its neighbours: one below and one above (for a decimal, also one unit in
    its last place); for a term of a sum, also the halves and zero."""
    if isinstance(value, (bool, str)):
        return {value}
    result: set[ParameterValue] = {value - 1, value, value + 1}
    if isinstance(value, Decimal):
        exponent = value.as_tuple().exponent
        if isinstance(exponent, int) and exponent < 0:
            unit = Decimal(1).scaleb(exponent)
            result |= {value - unit, value + unit}
    if summed:
        half = value // 2
        result |= {half, value - half, type(value)(0)}
    return result


def _fact_refs(node: Node) -> tuple[str, ...]:
    if isinstance(node, FactRef):
        return (node.name,)
    if isinstance(node, (Arith, Unary)):
        return tuple(sorted(node.facts))
    return ()


def _has_call(node: Node) -> bool:
    return isinstance(node, (Call, Arith, Unary)) and bool(node.calls)


def of_nodes(
    nodes: Iterable[Node], parameters: Mapping[str, ParameterValue | None] | None = None
) -> Edges:
    """The edges of any checked expressions (a score sheet's items, knock-outs and caps, a
    KPI's conditions), reading parameters at the given values."""
    edges = Edges()
    for node in nodes:
        _walk(node, parameters or {}, edges)
    return edges
