"""The typed tree of the rule language, as the checker builds it and the compiler reads it.

Every node carries its value type and what it reads (facts, parameters, function calls), so
that callers can ask "which facts does this rule need?" without walking it. When they do need
to walk it — thresholds, explanations, documentation — :func:`children` and :func:`walk` are
the one walk.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import attrs

from emulation.lang.signature import Signature
from emulation.types import ParameterValue, ValueType

#: Prefix of the result column that holds the value of a function call (``fn::held(...)``).
CALL_PREFIX = "fn::"


@attrs.frozen(kw_only=True)
class Node:
    """A checked node of the rule language with its value type.

    ``enum`` holds the allowed values when ``type`` is ``"enum"``; ``ordered`` whether they
    are ordered worst to best. ``facts`` are the fact names the node reads; ``calls`` the
    function calls it contains and ``params`` the parameters it reads, for explanations.
    """

    type: ValueType
    enum: tuple[str, ...] = ()
    ordered: bool = False
    facts: frozenset[str] = frozenset()
    params: frozenset[str] = frozenset()
    calls: tuple[Call, ...] = ()


@attrs.frozen(kw_only=True)
class Constant(Node):
    """A literal value: ``6``, ``8.5``, ``"HTT"``, ``true``."""

    value: ParameterValue


@attrs.frozen(kw_only=True)
class FactRef(Node):
    """The value of a declared fact for the subject and period."""

    name: str


@attrs.frozen(kw_only=True)
class ParamRef(Node):
    """The value of a dated parameter in force for the period."""

    name: str


@attrs.frozen(kw_only=True)
class Unary(Node):
    """``not operand`` or ``-operand``."""

    op: str
    operand: Node


@attrs.frozen(kw_only=True)
class BoolOp(Node):
    """``and`` or ``or`` over two or more operands (a chained comparison is an ``and``)."""

    op: str
    operands: tuple[Node, ...]


@attrs.frozen(kw_only=True)
class Compare(Node):
    """One comparison: ``==``, ``!=``, ``<``, ``<=``, ``>``, ``>=``."""

    op: str
    left: Node
    right: Node


@attrs.frozen(kw_only=True)
class Member(Node):
    """``operand in (values…)``, or ``not in`` when ``negate``."""

    operand: Node
    values: tuple[ParameterValue, ...]
    negate: bool


@attrs.frozen(kw_only=True)
class Arith(Node):
    """``+``, ``-``, ``*`` or ``/`` of two numbers."""

    op: str
    left: Node
    right: Node


@attrs.frozen(kw_only=True)
class IfElse(Node):
    """``then if test else other``."""

    test: Node
    then: Node
    other: Node


@attrs.frozen(kw_only=True, eq=False)
class Call(Node):
    """A call of a registered function; ``arguments`` are bound by name, in signature order:
    a literal argument as its Python value, the others as nodes."""

    function: Signature
    arguments: tuple[tuple[str, Any], ...]
    text: str

    @property
    def key(self) -> str:
        """A stable column name for this call's value."""
        return f"{CALL_PREFIX}{self.text}"


@attrs.frozen(kw_only=True, repr=False)
class Condition:
    """The value of a ``condition`` argument: its text and its checked true/false tree.

    It is not a child of the call that holds it: it is read over other rows (a collective's
    members or child collectives), so the facts and calls it reads are not those of the
    call's subject. :func:`walk_conditions` walks into it; :func:`walk` does not. Its
    ``repr`` is the text's, so a call's text and column key show it as written.
    """

    text: str
    node: Node

    def __repr__(self) -> str:
        return repr(self.text)


def conditions(node: Node) -> Iterator[Condition]:
    """The conditions held by the calls in ``node`` (not those nested inside them)."""
    for found in walk(node):
        if isinstance(found, Call):
            yield from (value for _, value in found.arguments if isinstance(value, Condition))


def walk_conditions(node: Node) -> Iterator[Node]:
    """Like :func:`walk`, then every node of the conditions its calls hold, at any depth:
    what the expression reads anywhere (the awards a condition's ``granted`` reads are
    dependencies of the rule that holds it)."""
    yield from walk(node)
    for condition in conditions(node):
        yield from walk_conditions(condition.node)


def calls_within(node: Node) -> Iterator[Call]:
    """Every call in ``node`` and in the conditions its calls hold."""
    return (found for found in walk_conditions(node) if isinstance(found, Call))


def children(node: Node) -> tuple[Node, ...]:
    """The nodes directly under ``node``, including the node-valued arguments of a call."""
    if isinstance(node, (Unary, Member)):
        return (node.operand,)
    if isinstance(node, BoolOp):
        return node.operands
    if isinstance(node, (Compare, Arith)):
        return (node.left, node.right)
    if isinstance(node, IfElse):
        return (node.test, node.then, node.other)
    if isinstance(node, Call):
        return tuple(value for _, value in node.arguments if isinstance(value, Node))
    return ()


def walk(node: Node) -> Iterator[Node]:
    """``node`` and every node under it, depth first, parents before their children."""
    yield node
    for child in children(node):
        yield from walk(child)
