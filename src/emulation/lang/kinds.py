"""Helpers of the checker: the value types in words, and what a node's children read."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from emulation.i18n import Message
from emulation.lang.nodes import Call, Node


def merge(nodes: Iterable[Node]) -> dict[str, Any]:
    """The facts, parameters and calls that ``nodes`` read, together (a parent node's)."""
    facts: set[str] = set()
    params: set[str] = set()
    calls: list[Call] = []
    for node in nodes:
        facts |= node.facts
        params |= node.params
        calls.extend(call for call in node.calls if not any(call is seen for seen in calls))
    return {"facts": frozenset(facts), "params": frozenset(params), "calls": tuple(calls)}


def article(kind: str) -> str:
    """The value type ``kind`` in words, as the checker's messages name it."""
    return _ARTICLES.get(kind, kind)


#: Each value type in words ("cannot compare a whole number with text").
_ARTICLES: dict[str, str] = {
    "bool": Message("a true/false value"),
    "int": Message("a whole number"),
    "decimal": Message("a decimal number"),
    "enum": Message("a value from a list"),
    "text": Message("text"),
}
