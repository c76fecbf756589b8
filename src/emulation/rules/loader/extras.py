"""What an award may add to its rules: a quota (ranking and a cap), bonus money and the
evidence it uses up."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from emulation.data.records import SCOPES
from emulation.errors import suggest
from emulation.i18n import Message
from emulation.lang.scope import Scope
from emulation.rules.loader._fields import (
    Collector,
    check_unknown_keys,
    read_choice,
    read_expression,
    read_label,
    read_text,
    read_value,
    read_whole,
    shown,
)
from emulation.rules.loader._keys import _BONUS, _CONSUMES, _QUOTA
from emulation.rules.loader.groups import read_grouping
from emulation.rules.model import (
    QUOTA_GROUPS,
    RANK_SCOPES,
    ROUNDINGS,
    TIES,
    Bonus,
    Consumption,
    ParameterRef,
    Quota,
    RankKey,
)
from emulation.types import CERTAINTIES


def read_quota(
    out: Collector, where: str, body: Any, scope: Scope, at: str | None = None
) -> Quota | None:
    """The ``[awards.<id>.quota]`` table (or one of its array, at ``at``): who counts, the
    cap (a ratio, a count or a count by group type, a literal or a parameter), the ranking
    keys and whether it is switched on."""
    at = at or f"{where}.quota"
    if not isinstance(body, dict):
        out.add(
            at,
            Message("expected a table [awards.<id>.quota], got {body}", body=shown(body)),
            code="wrong_type",
        )
        return None
    check_unknown_keys(out, at, body, _QUOTA)
    per = read_choice(out, body, f"{at}.per", QUOTA_GROUPS)
    rounding = read_choice(out, body, f"{at}.rounding", ROUNDINGS, default="floor")
    of = body.get("of", "headcount")
    if not isinstance(of, str):
        out.add(
            f"{at}.of",
            Message('expected "headcount" or an award id, got {of}', of=shown(of)),
            code="wrong_type",
        )
        of = "headcount"
    ratio: Decimal | ParameterRef | None = None
    given = sum(key in body for key in ("ratio", "count", "count_by"))
    if given != 1:
        out.add(
            at,
            Message(
                "give exactly one of ratio (a share), count (top-k) or count_by (a count by group type)"
            ),
            code="invalid_value" if given else "missing_key",
        )
    if "ratio" in body:
        ratio = _decimal_or_parameter(out, f"{at}.ratio", body["ratio"], scope)
    count: int | ParameterRef | None = None
    if isinstance(body.get("count"), str):
        _check_parameter(out, f"{at}.count", body["count"], scope, ("int",))
        count = ParameterRef(body["count"])
    elif "count" in body:
        count = read_whole(out, body, f"{at}.count", None, 0)
    switch = body.get("enabled", True)
    enabled: bool | ParameterRef = True
    if isinstance(switch, str):
        _check_parameter(out, f"{at}.enabled", switch, scope, ("bool",))
        enabled = ParameterRef(switch)
    elif isinstance(switch, bool):
        enabled = switch
    else:
        out.add(
            f"{at}.enabled",
            Message(
                "expected true, false or the name of a bool parameter, got {switch}",
                switch=shown(switch),
            ),
            code="wrong_type",
        )
    keys = rank_keys(out, at, body.get("rank", []), scope)
    ties = read_choice(out, body, f"{at}.ties", TIES, default="authority")
    rank_scope = read_choice(out, body, f"{at}.rank_scope", RANK_SCOPES, default="eligible")
    label = read_label(out, body, f"{at}.label")
    basis = read_text(out, body, f"{at}.basis")
    certainty = read_choice(out, body, f"{at}.certainty", CERTAINTIES)
    grouping = read_grouping(out, at, body, per, scope)
    if not (per and rounding and label and basis and certainty and ties and rank_scope):
        return None
    return Quota(
        per=per,
        rounding=rounding,
        of=of,
        ratio=ratio,
        count=count,
        enabled=enabled,
        rank=tuple(keys),
        label=label,
        basis=basis,
        certainty=certainty,
        ties=ties,
        rank_scope=rank_scope,
        **grouping,
    )


def read_consumption(out: Collector, where: str, body: Any, scope: Scope) -> Consumption | None:
    """The ``[awards.<id>.consumes]`` table: the evidence a granted award uses up, and the
    condition (on facts only) under which it uses none."""
    at = f"{where}.consumes"
    if not isinstance(body, dict):
        out.add(
            at,
            Message("expected a table [awards.<id>.consumes], got {body}", body=shown(body)),
            code="wrong_type",
        )
        return None
    check_unknown_keys(out, at, body, _CONSUMES)
    kinds = _kinds(out, f"{at}.kinds", body.get("kinds"))
    min_scope = read_choice(out, body, f"{at}.min_scope", SCOPES, default="grassroots")
    numbers = {key: read_whole(out, body, f"{at}.{key}", 1, 1) for key in ("window", "count")}
    unless = None
    text = read_text(out, body, f"{at}.unless", required=False)
    if text is not None:
        facts_only = Scope(facts=scope.facts, parameters={}, functions={}, awards=frozenset())
        unless = read_expression(
            out, f"{at}.unless", text, facts_only, "bool", Message(" (only facts may be read here)")
        )
    basis = read_text(out, body, f"{at}.basis")
    certainty = read_choice(out, body, f"{at}.certainty", CERTAINTIES)
    if not (
        kinds
        and min_scope in SCOPES
        and numbers["window"]
        and numbers["count"]
        and basis
        and certainty
    ):
        return None
    return Consumption(
        kinds=tuple(kinds),
        min_scope=min_scope,
        window=numbers["window"],
        count=numbers["count"],
        basis=basis,
        certainty=certainty,
        unless=unless,
        unless_text=text if unless is not None else None,
    )


def read_bonus(out: Collector, where: str, body: Any, scope: Scope) -> Bonus | None:
    """The ``[awards.<id>.bonus]`` table: a coefficient of a base salary parameter, rounded
    up to a step; the coefficient and the step are literals or parameters."""
    at = f"{where}.bonus"
    if not isinstance(body, dict):
        out.add(
            at,
            Message("expected a table [awards.<id>.bonus], got {body}", body=shown(body)),
            code="wrong_type",
        )
        return None
    check_unknown_keys(out, at, body, _BONUS)
    coefficient: Decimal | ParameterRef | None = None
    if "coefficient" not in body:
        out.add(f"{at}.coefficient", Message("required coefficient is missing"), code="missing_key")
    else:
        coefficient = _decimal_or_parameter(out, f"{at}.coefficient", body["coefficient"], scope)
    base = read_text(out, body, f"{at}.base")
    if base:
        _check_parameter(out, f"{at}.base", base, scope, ("int", "decimal"))
    raw_step = body.get("round_up_to", 1)
    step: int | ParameterRef = 1
    if isinstance(raw_step, str):
        _check_parameter(out, f"{at}.round_up_to", raw_step, scope, ("int",))
        step = ParameterRef(raw_step)
    else:
        step = read_whole(out, body, f"{at}.round_up_to", 1, 1) or 1
    basis = read_text(out, body, f"{at}.basis")
    certainty = read_choice(out, body, f"{at}.certainty", CERTAINTIES)
    if coefficient is None or not (base and basis and certainty):
        return None
    return Bonus(
        coefficient=coefficient, base=base, round_up_to=step, basis=basis, certainty=certainty
    )


def _decimal_or_parameter(
    out: Collector, path: str, raw: Any, scope: Scope
) -> Decimal | ParameterRef | None:
    """A decimal written as text or a whole number, or the name of a decimal parameter."""
    if isinstance(raw, str) and raw in scope.parameters:
        _check_parameter(out, path, raw, scope, ("decimal",))
        return ParameterRef(raw)
    value = read_value(out, path, raw, "decimal", ())
    return value if isinstance(value, Decimal) else None


def _check_parameter(
    out: Collector, path: str, name: str, scope: Scope, types: tuple[str, ...]
) -> None:
    """Report ``name`` unless it is a parameter of one of ``types``."""
    expected = " or ".join(types)
    if name not in scope.parameters:
        out.add(
            path,
            Message(
                "{name} is not a {expected} parameter{hint}",
                name=shown(name),
                expected=expected,
                hint=suggest(name, scope.parameters),
            ),
            code="unknown_parameter",
        )
    elif scope.parameters[name].type not in types:
        out.add(
            path,
            Message(
                "parameter {name} must be a {expected}, not {type}",
                name=shown(name),
                expected=expected,
                type=scope.parameters[name].type,
            ),
            code="wrong_type",
        )


def rank_keys(out: Collector, at: str, items: Any, scope: Scope) -> list[RankKey]:
    """The ``rank = [{ expr = "…", order = "desc" }, …]`` keys of a quota or standings."""
    if not isinstance(items, list):
        out.add(
            f"{at}.rank",
            Message(
                'expected rank = [{{ expr = "…", order = "desc" }}, …], got {items}',
                items=shown(items),
            ),
            code="wrong_type",
        )
        return []
    keys = []
    for index, item in enumerate(items):
        key_at = f"{at}.rank[{index}]"
        if not isinstance(item, dict):
            out.add(
                key_at,
                Message(
                    'expected {{ expr = "…", order = "desc" | "asc" }}, got {item}',
                    item=shown(item),
                ),
                code="wrong_type",
            )
            continue
        check_unknown_keys(out, key_at, item, {"expr", "order"})
        order = read_choice(out, item, f"{key_at}.order", ("desc", "asc"), default="desc")
        expr = read_text(out, item, f"{key_at}.expr")
        if expr is None:
            continue
        node = read_expression(out, f"{key_at}.expr", expr, scope, None)
        if node is not None:
            if node.type == "text" or (node.type == "enum" and not node.ordered):
                out.add(
                    f"{key_at}.expr",
                    Message("a ranking key must be a number, true/false or an ordered value"),
                    find=expr,
                    code="wrong_type",
                )
            keys.append(RankKey(expr=expr, descending=order != "asc", node=node))
    return keys


def _kinds(out: Collector, path: str, raw: Any) -> tuple[str, ...] | None:
    """The evidence kinds a consumption uses: a non-empty array of texts."""
    if raw is None or raw == []:
        out.add(path, Message('expected kinds = ["initiative", …]'), code="missing_key")
        return None
    if not isinstance(raw, list):
        out.add(
            path,
            Message('expected kinds = ["initiative", …], got {raw}', raw=shown(raw)),
            code="wrong_type",
        )
        return None
    kinds = [read_text(out, {f"kinds[{i}]": k}, f"{path}[{i}]") for i, k in enumerate(raw)]
    return tuple(k for k in kinds if k) if all(kinds) else None
