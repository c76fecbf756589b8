"""What the literal arguments that name a score sheet's parts must name, once a call's
arguments are bound (:func:`item_problem`: an item of the sheet its ``score`` argument names),
and the ordered enum of a call whose value is a sheet's band (:func:`score_enum`).

Each argument alone is read and checked by :mod:`emulation.lang.arguments`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from emulation.errors import suggest
from emulation.i18n import Message
from emulation.lang.nodes import Call, Node
from emulation.lang.scope import Scope
from emulation.lang.signature import Signature


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
            return Message(
                'score sheet "{sheet}" has no item "{value}"; its items: {items}{hint}',
                sheet=sheets[0],
                value=value,
                items=list(items),
                hint=suggest(str(value), items),
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
        return Message("a band of this score sheet")
    return Message("a value of this fact")
