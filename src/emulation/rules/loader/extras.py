"""What an award may add to its rules: a quota (ranking and a cap), bonus money and the
evidence it uses up."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from emulation.data.records import SCOPES
from emulation.errors import suggest
from emulation.lang.scope import Scope
from emulation.rules.loader._fields import (
    Collector,
    check_unknown_keys,
    read_choice,
    read_expression,
    read_label,
    read_text,
    read_value,
)
from emulation.rules.loader._keys import _BONUS, _CONSUMES, _QUOTA
from emulation.rules.model import (
    QUOTA_SCOPES,
    ROUNDINGS,
    Bonus,
    Consumption,
    ParameterRef,
    Quota,
    RankKey,
)
from emulation.types import CERTAINTIES


def read_quota(out: Collector, where: str, body: Any, scope: Scope) -> Quota | None:
    """The ``[awards.<id>.quota]`` table: who counts, the cap (a ratio or a count, a literal
    or a parameter), the ranking keys and whether it is switched on."""
    at = f"{where}.quota"
    if not isinstance(body, dict):
        out.add(at, "expected a table [awards.<id>.quota]")
        return None
    check_unknown_keys(out, at, body, _QUOTA)
    per = read_choice(out, body, f"{at}.per", QUOTA_SCOPES)
    rounding = body.get("rounding", "floor")
    if rounding not in ROUNDINGS:
        out.add(
            f"{at}.rounding",
            f"expected one of {list(ROUNDINGS)}{suggest(str(rounding), ROUNDINGS)}",
        )
    of = body.get("of", "headcount")
    if not isinstance(of, str):
        out.add(f"{at}.of", 'expected "headcount" or an award id')
        of = "headcount"
    ratio: Decimal | ParameterRef | None = None
    count = body.get("count")
    if ("ratio" in body) == (count is not None):
        out.add(at, "give exactly one of ratio (a share) or count (top-k)")
    if "ratio" in body:
        raw = body["ratio"]
        if isinstance(raw, str) and raw in scope.parameters:
            if scope.parameters[raw].type != "decimal":
                out.add(f"{at}.ratio", f'parameter "{raw}" must be a decimal')
            ratio = ParameterRef(raw)
        else:
            value = read_value(out, f"{at}.ratio", raw, "decimal", ())
            ratio = value if isinstance(value, Decimal) else None
    if count is not None and (not isinstance(count, int) or isinstance(count, bool) or count < 0):
        out.add(f"{at}.count", "expected a whole number ≥ 0")
        count = None
    switch = body.get("enabled", True)
    enabled: bool | ParameterRef = True
    if isinstance(switch, str):
        if switch not in scope.parameters or scope.parameters[switch].type != "bool":
            out.add(
                f"{at}.enabled",
                f'"{switch}" is not a bool parameter{suggest(switch, scope.parameters)}',
            )
        enabled = ParameterRef(switch)
    elif isinstance(switch, bool):
        enabled = switch
    else:
        out.add(f"{at}.enabled", "expected true, false or the name of a bool parameter")
    keys = []
    for index, item in enumerate(body.get("rank", [])):
        key_at = f"{at}.rank[{index}]"
        if not isinstance(item, dict) or set(item) - {"expr", "order"} or "expr" not in item:
            out.add(key_at, 'expected { expr = "…", order = "desc" | "asc" }')
            continue
        order = item.get("order", "desc")
        if order not in ("desc", "asc"):
            out.add(f"{key_at}.order", 'expected "desc" or "asc"')
        node = read_expression(out, f"{key_at}.expr", str(item["expr"]), scope, None)
        if node is not None:
            if node.type == "text" or (node.type == "enum" and not node.ordered):
                out.add(
                    f"{key_at}.expr",
                    "a ranking key must be a number, true/false or an ordered value",
                )
            keys.append(RankKey(expr=str(item["expr"]), descending=order == "desc", node=node))
    label = read_label(out, body, f"{at}.label")
    basis = read_text(out, body, f"{at}.basis")
    certainty = read_choice(out, body, f"{at}.certainty", CERTAINTIES)
    if not (per and label and basis and certainty) or rounding not in ROUNDINGS:
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
    )


def read_consumption(out: Collector, where: str, body: Any, scope: Scope) -> Consumption | None:
    """The ``[awards.<id>.consumes]`` table: the evidence a granted award uses up, and the
    condition (on facts only) under which it uses none."""
    at = f"{where}.consumes"
    if not isinstance(body, dict):
        out.add(at, "expected a table [awards.<id>.consumes]")
        return None
    check_unknown_keys(out, at, body, _CONSUMES)
    kinds = body.get("kinds")
    if not isinstance(kinds, list) or not kinds or not all(isinstance(k, str) and k for k in kinds):
        out.add(f"{at}.kinds", 'expected kinds = ["initiative", …]')
        kinds = None
    min_scope = body.get("min_scope", "grassroots")
    if min_scope not in SCOPES:
        out.add(f"{at}.min_scope", f"expected one of {list(SCOPES)}")
    numbers = {}
    for key, default in (("window", 1), ("count", 1)):
        value = body.get(key, default)
        if not isinstance(value, int) or isinstance(value, bool) or value < 1:
            out.add(f"{at}.{key}", "expected a whole number ≥ 1")
            value = None
        numbers[key] = value
    unless = None
    if "unless" in body:
        facts_only = Scope(facts=scope.facts, parameters={}, functions={}, awards=frozenset())
        unless = read_expression(
            out,
            f"{at}.unless",
            str(body["unless"]),
            facts_only,
            "bool",
            " (only facts may be read here)",
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
    )


def read_bonus(out: Collector, where: str, body: Any, scope: Scope) -> Bonus | None:
    """The ``[awards.<id>.bonus]`` table: a coefficient of a base salary parameter, rounded
    up to a step; the coefficient and the step are literals or parameters."""
    at = f"{where}.bonus"
    if not isinstance(body, dict):
        out.add(at, "expected a table [awards.<id>.bonus]")
        return None
    check_unknown_keys(out, at, body, _BONUS)
    raw = body.get("coefficient")
    coefficient: Decimal | ParameterRef | None
    if isinstance(raw, str) and raw in scope.parameters:
        if scope.parameters[raw].type != "decimal":
            out.add(f"{at}.coefficient", f'parameter "{raw}" must be a decimal')
        coefficient = ParameterRef(raw)
    else:
        value = read_value(out, f"{at}.coefficient", raw, "decimal", ())
        coefficient = value if isinstance(value, Decimal) else None
    base = read_text(out, body, f"{at}.base")
    if base and (
        base not in scope.parameters or scope.parameters[base].type not in ("int", "decimal")
    ):
        out.add(
            f"{at}.base", f'"{base}" is not a number parameter{suggest(base, scope.parameters)}'
        )
    raw_step = body.get("round_up_to", 1)
    step: int | ParameterRef = 1
    if isinstance(raw_step, str):
        if raw_step not in scope.parameters or scope.parameters[raw_step].type != "int":
            out.add(
                f"{at}.round_up_to",
                f'"{raw_step}" is not an int parameter{suggest(raw_step, scope.parameters)}',
            )
        step = ParameterRef(raw_step)
    elif not isinstance(raw_step, int) or isinstance(raw_step, bool) or raw_step < 1:
        out.add(f"{at}.round_up_to", "expected a whole number ≥ 1 (VND) or an int parameter")
    else:
        step = raw_step
    basis = read_text(out, body, f"{at}.basis")
    certainty = read_choice(out, body, f"{at}.certainty", CERTAINTIES)
    if coefficient is None or not (base and basis and certainty):
        return None
    return Bonus(
        coefficient=coefficient, base=base, round_up_to=step, basis=basis, certainty=certainty
    )
