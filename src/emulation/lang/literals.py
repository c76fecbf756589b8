"""What a literal argument that names something must name: a declared fact, a service rule, a
score sheet or one of its items.

The checker asks :func:`name_problem` for each such argument and reports the message it
returns at the argument's column; :func:`score_enum` gives the ordered enum of a call whose
value is a sheet's band.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from emulation.errors import suggest
from emulation.lang.nodes import Call, Node
from emulation.lang.scope import Scope
from emulation.lang.signature import Argument, Signature


def name_problem(scope: Scope, argument: Argument, value: Any) -> str | None:
    """What is wrong with ``value`` written for a ``fact``, ``service`` or ``score``
    argument, or None."""
    if argument.kind == "service" and value not in scope.services:
        return (
            f'unknown service rule "{value}" (declare [service.{value}])'
            f"{suggest(str(value), scope.services)}"
        )
    if argument.kind == "fact" and value not in scope.facts:
        return f'unknown fact "{value}"{suggest(str(value), scope.facts)}'
    if argument.kind == "score" and value not in scope.scores:
        return (
            f'unknown score sheet "{value}" (declare [scores.{value}])'
            f"{suggest(str(value), scope.scores)}"
        )
    return None


def item_problem(scope: Scope, spec: Signature, bound: Mapping[str, Any]) -> str | None:
    """What is wrong with the ``score_item`` arguments of a call, once every argument is
    bound: each must be an item of the sheet its ``score`` argument names."""
    sheets = [bound[a.name] for a in spec.arguments if a.kind == "score"]
    for argument in spec.arguments:
        if argument.kind != "score_item" or not sheets or sheets[0] not in scope.scores:
            continue
        items = scope.scores[sheets[0]].items
        value = bound[argument.name]
        if value not in items:
            return (
                f'score sheet "{sheets[0]}" has no item "{value}"; its items: {list(items)}'
                f"{suggest(str(value), items)}"
            )
    return None


def score_enum(scope: Scope, spec: Signature, bound: Mapping[str, Any]) -> tuple[str, ...]:
    """The band ids, worst to best, of the sheet a call of ``spec`` returns the band of
    (empty for any other call)."""
    if spec.enum_from is None:
        return ()
    sheet = scope.scores.get(str(bound.get(spec.enum_from)))
    return () if sheet is None else sheet.bands


def enum_noun(node: Node) -> str:
    """What the values of an enum node are called in a message: a sheet's bands for a call
    whose value is a band, else a fact's values."""
    if isinstance(node, Call) and node.function.enum_from:
        return "a band of this score sheet"
    return "a value of this fact"
