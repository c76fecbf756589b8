"""Selections an award may add after its criteria: one quota or several applied in order
(``quota`` as a table or an array of tables), and a budget (``[awards.<id>.budget]``)."""

from __future__ import annotations

from typing import Any

from emulation.i18n import Message
from emulation.lang.scope import Scope
from emulation.rules.loader._fields import (
    Collector,
    check_unknown_keys,
    read_choice,
    read_expression,
    read_label,
    read_text,
    shown,
)
from emulation.rules.loader._keys import _BUDGET
from emulation.rules.loader.extras import _check_parameter, rank_keys, read_quota
from emulation.rules.loader.groups import read_group_fact
from emulation.rules.model import BUDGET_POLICIES, QUOTA_GROUPS, TIES, Budget, Quota
from emulation.types import CERTAINTIES


def read_quotas(out: Collector, where: str, body: Any, scope: Scope) -> tuple[Quota, ...]:
    """``quota``: one table, or an array of tables applied in the order written (per group
    first, then wider); two quotas over the same groups conflict."""
    if not isinstance(body, list):
        quota = read_quota(out, where, body, scope)
        return () if quota is None else (quota,)
    if not body:
        out.add(f"{where}.quota", Message("expected at least one quota table"), code="missing_key")
        return ()
    found: list[Quota] = []
    seen: dict[tuple[str, str | None], int] = {}
    for index, item in enumerate(body):
        at = f"{where}.quota[{index}]"
        quota = read_quota(out, where, item, scope, at=at)
        if quota is None:
            continue
        if quota.scope in seen:
            per = quota.per if quota.group_fact is None else f"fact {quota.group_fact}"
            out.add(
                at,
                Message(
                    "quota[{seen}] already caps per {per}: two quotas over the same groups conflict; write one",
                    seen=seen[quota.scope],
                    per=per,
                ),
                code="conflicting_quotas",
            )
            continue
        if found and quota.rank_scope == "all_candidates":
            out.add(
                f"{at}.rank_scope",
                Message(
                    '"the leader must qualify" belongs to the first quota: a later one ranks those '
                    "the quotas before it left granted"
                ),
                code="invalid_value",
            )
            continue
        seen[quota.scope] = index
        found.append(quota)
    return tuple(found)


def read_budget(out: Collector, where: str, body: Any, scope: Scope) -> Budget | None:
    """The ``[awards.<id>.budget]`` table: the fund (a parameter, or one per category), the
    amount of a grant, the groups, the ranking (required) and the policy."""
    at = f"{where}.budget"
    if not isinstance(body, dict):
        out.add(
            at,
            Message("expected a table [awards.<id>.budget], got {body}", body=shown(body)),
            code="wrong_type",
        )
        return None
    check_unknown_keys(out, at, body, _BUDGET)
    fund, fund_by, category, category_node = _fund(out, at, body, scope)
    amount = read_text(out, body, f"{at}.amount")
    amount_node = None
    if amount is not None:
        amount_node = read_expression(out, f"{at}.amount", amount, scope, None)
        if amount_node is not None and amount_node.type not in ("int", "decimal"):
            out.add(
                f"{at}.amount",
                Message(
                    "the amount of a grant must be a number, not {amount_node_type}",
                    amount_node_type=amount_node.type,
                ),
                find=amount,
                code="wrong_type",
            )
            amount_node = None
    per = read_choice(out, body, f"{at}.per", QUOTA_GROUPS, default="population")
    group_fact = read_group_fact(out, at, body, per, scope)
    if not body.get("rank"):
        out.add(
            f"{at}.rank",
            Message(
                "a budget spends its fund down a ranking: give rank = "
                '[{ expr = "…", order = "desc" }, …]'
            ),
            code="missing_key",
        )
    keys = rank_keys(out, at, body.get("rank", []), scope)
    policy = read_choice(out, body, f"{at}.policy", BUDGET_POLICIES)
    ties = read_choice(out, body, f"{at}.ties", TIES, default="authority")
    label = read_label(out, body, f"{at}.label")
    basis = read_text(out, body, f"{at}.basis")
    certainty = read_choice(out, body, f"{at}.certainty", CERTAINTIES)
    if not (
        (fund or fund_by)
        and amount
        and amount_node
        and per
        and keys
        and policy
        and ties
        and label
        and basis
        and certainty
    ):
        return None
    return Budget(
        fund=fund,
        fund_by=fund_by,
        category=category,
        category_node=category_node,
        amount=amount,
        amount_node=amount_node,
        per=per,
        group_fact=group_fact,
        rank=tuple(keys),
        policy=policy,
        ties=ties,
        label=label,
        basis=basis,
        certainty=certainty,
    )


def _fund(
    out: Collector, at: str, body: dict[str, Any], scope: Scope
) -> tuple[str | None, tuple[tuple[str, str], ...], str | None, Any]:
    """``fund`` (one parameter), or ``fund_by`` (a parameter per category) with ``category``."""
    fund = body.get("fund")
    table = body.get("fund_by")
    text = body.get("category")
    if (fund is None) == (table is None):
        out.add(
            at,
            Message("give exactly one of fund (a parameter) or fund_by (a parameter per category)"),
            code="invalid_value" if fund is not None else "missing_key",
        )
    if (table is None) != (text is None):
        out.add(
            f"{at}.category",
            Message(
                "fund_by and category go together: a fund per value of the category expression"
            ),
            code="missing_key" if table is not None else "invalid_value",
        )
    name = None
    if isinstance(fund, str):
        _check_parameter(out, f"{at}.fund", fund, scope, ("int", "decimal"))
        name = fund
    elif fund is not None:
        out.add(
            f"{at}.fund",
            Message(
                "expected the name of an int or decimal parameter, got {fund}", fund=shown(fund)
            ),
            code="wrong_type",
        )
    pairs: list[tuple[str, str]] = []
    if isinstance(table, dict) and table:
        for key, parameter in table.items():
            path = f"{at}.fund_by.{key}"
            if not isinstance(parameter, str):
                out.add(
                    path,
                    Message(
                        "expected a parameter name, got {parameter}", parameter=shown(parameter)
                    ),
                    code="wrong_type",
                )
                continue
            _check_parameter(out, path, parameter, scope, ("int", "decimal"))
            pairs.append((str(key), parameter))
    elif table is not None:
        out.add(
            f"{at}.fund_by",
            Message(
                'expected a table like {{ adult = "fund_adults" }}, got {table}', table=shown(table)
            ),
            code="wrong_type",
        )
    node = None
    if isinstance(text, str):
        node = read_expression(out, f"{at}.category", text, scope, None)
        if node is not None and node.type not in ("text", "enum"):
            out.add(
                f"{at}.category",
                Message(
                    "a category is text or an enum value, not {node_type}", node_type=node.type
                ),
                find=text,
                code="wrong_type",
            )
            node = None
        elif node is not None and node.type == "enum":
            for key, _ in pairs:
                if key not in node.enum:
                    out.add(
                        f"{at}.fund_by.{key}",
                        Message(
                            "{key} is not a value of the category; its values: {node_enum}",
                            key=shown(key),
                            node_enum=list(node.enum),
                        ),
                        code="invalid_value",
                    )
    elif text is not None:
        out.add(
            f"{at}.category",
            Message("expected an expression, got {text}", text=shown(text)),
            code="wrong_type",
        )
    return name, tuple(sorted(pairs)), text if node is not None else None, node
