"""How a quota or a budget groups its subjects beyond a unit, a cluster or the population, and
the caps that depend on the group: a fact naming the group (``per = "fact"``, ``group_fact``),
a count by the type of the group (``count_by``, ``group_type``) and the smallest cap
(``min_cap``)."""

from __future__ import annotations

from typing import Any

from emulation.errors import suggest
from emulation.i18n import Message
from emulation.lang.scope import Scope
from emulation.rules.loader._fields import Collector, read_whole, shown


def read_group_fact(
    out: Collector, at: str, body: dict[str, Any], per: str | None, scope: Scope
) -> str | None:
    """``group_fact``: with ``per = "fact"``, the text or enum fact naming the group."""
    raw = body.get("group_fact")
    if per != "fact":
        if raw is not None:
            out.add(
                f"{at}.group_fact",
                Message('group_fact names the group only with per = "fact"'),
                code="invalid_value",
            )
        return None
    if raw is None:
        out.add(
            f"{at}.group_fact",
            Message(
                'per = "fact" needs group_fact, the fact naming the group (the nominating '
                "organisation)"
            ),
            code="missing_key",
        )
        return None
    return _text_fact(out, f"{at}.group_fact", raw, scope)


def read_grouping(
    out: Collector, at: str, body: dict[str, Any], per: str | None, scope: Scope
) -> dict[str, Any]:
    """The quota keys ``group_fact``, ``count_by``, ``group_type`` and ``min_cap``, as keyword
    arguments of :class:`~emulation.rules.model.Quota`."""
    found: dict[str, Any] = {"group_fact": read_group_fact(out, at, body, per, scope)}
    found["min_cap"] = read_whole(out, body, f"{at}.min_cap", 0, 0) or 0
    table, kind = body.get("count_by"), body.get("group_type")
    if table is None:
        if kind is not None:
            out.add(
                f"{at}.group_type",
                Message("group_type is read only by count_by (a count by group type)"),
                code="invalid_value",
            )
        return found
    if not isinstance(table, dict) or not table:
        out.add(
            f"{at}.count_by",
            Message(
                "expected a table of counts by group type, like {{ central = 2, commune = 15 }}, got {table}",
                table=shown(table),
            ),
            code="wrong_type",
        )
        return found
    if per not in ("unit", "fact"):
        out.add(
            f"{at}.count_by",
            Message(
                'a count by group type needs per = "unit" (the type is a fact of the unit) or '
                'per = "fact" (the group\'s own value is its type)'
            ),
            code="invalid_value",
        )
    counts = []
    for name in table:
        value = read_whole(out, table, f"{at}.count_by.{name}", None, 0)
        if value is not None:
            counts.append((str(name), value))
    if per == "fact":
        return _count_by_group(out, at, found, counts, kind, scope)
    if kind is None:
        out.add(
            f"{at}.group_type",
            Message("count_by needs group_type, the fact of the unit that gives its type"),
            code="missing_key",
        )
        return found
    fact = _text_fact(out, f"{at}.group_type", kind, scope)
    _check_types(out, at, counts, fact, scope)
    found["count_by"] = tuple(sorted(counts))
    found["group_type"] = fact
    return found


def _count_by_group(
    out: Collector,
    at: str,
    found: dict[str, Any],
    counts: list[tuple[str, int]],
    kind: Any,
    scope: Scope,
) -> dict[str, Any]:
    """``count_by`` with ``per = "fact"``: the value of ``group_fact`` names the group and is
    its type (persons of every central agency in one group, ``central``), so ``group_type``
    is not given."""
    if kind is not None:
        out.add(
            f"{at}.group_type",
            Message(
                'with per = "fact" the value of group_fact is the type of the group: leave '
                "group_type out"
            ),
            code="invalid_value",
        )
    _check_types(out, at, counts, found["group_fact"], scope)
    found["count_by"] = tuple(sorted(counts))
    return found


def _check_types(
    out: Collector, at: str, counts: list[tuple[str, int]], fact: str | None, scope: Scope
) -> None:
    """Each type of ``count_by`` must be a value of ``fact`` when it is an enum."""
    if fact is None or scope.facts[fact].type != "enum":
        return
    allowed = scope.facts[fact].values
    for name, _ in counts:
        if name not in allowed:
            out.add(
                f"{at}.count_by.{name}",
                Message(
                    "{name} is not a value of fact {fact}{hint}; its values: {allowed}",
                    name=shown(name),
                    fact=shown(fact),
                    hint=suggest(name, allowed),
                    allowed=list(allowed),
                ),
                code="invalid_value",
            )


def _text_fact(out: Collector, path: str, raw: Any, scope: Scope) -> str | None:
    """``raw`` when it names a declared text or enum fact."""
    if not isinstance(raw, str):
        out.add(
            path,
            Message("expected the name of a fact, got {raw}", raw=shown(raw)),
            code="wrong_type",
        )
        return None
    decl = scope.facts.get(raw)
    if decl is None:
        out.add(
            path,
            Message("unknown fact {raw}{hint}", raw=shown(raw), hint=suggest(raw, scope.facts)),
            code="unknown_fact",
        )
        return None
    if decl.type not in ("text", "enum"):
        out.add(
            path,
            Message(
                "fact {raw} must be text or enum, not {decl_type}",
                raw=shown(raw),
                decl_type=decl.type,
            ),
            code="wrong_type",
        )
        return None
    return raw
