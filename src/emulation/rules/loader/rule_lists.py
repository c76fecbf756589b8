"""The rules of an award, read from an array of tables: criteria, exclusions, blocking
states, and the criteria of an award path; each a checked true/false expression."""

from __future__ import annotations

from typing import Any

from emulation.i18n import Message
from emulation.lang.nodes import calls_within
from emulation.lang.scope import Scope
from emulation.rules.loader._fields import (
    MAX_NAME,
    NAME,
    Collector,
    check_unknown_keys,
    read_choice,
    read_expression,
    read_label,
    read_text,
    shown,
)
from emulation.rules.loader._keys import _RULE
from emulation.rules.model import Role, Rule
from emulation.types import CERTAINTIES, AwardId


def read_rules(
    out: Collector,
    where: str,
    items: Any,
    role: Role,
    award_id: str,
    scope: Scope,
    seen: set[str],
    depends: set[AwardId],
    path: str | None = None,
) -> list[Rule]:
    """The array of tables ``[[where]]``: rules of ``role`` (of award path ``path``), each
    id unique among ``seen`` (the award's rule ids so far); the awards they read are added
    to ``depends``."""
    rules: list[Rule] = []
    if not isinstance(items, list):
        out.add(
            where,
            Message(
                "expected an array of tables [[{where}]], got {items}",
                where=where,
                items=shown(items),
            ),
            code="wrong_type",
        )
        return rules
    for index, item in enumerate(items):
        at = f"{where}[{index}]"
        if not isinstance(item, dict):
            out.add(
                at, Message("expected a table, got {item}", item=shown(item)), code="wrong_type"
            )
            continue
        check_unknown_keys(out, at, item, _RULE)
        rule_id = read_text(out, item, f"{at}.id")
        if rule_id and len(rule_id) > MAX_NAME:
            out.add(
                f"{at}.id",
                Message("longer than {max_name} characters", max_name=MAX_NAME),
                code="too_long",
            )
        elif rule_id and not NAME.match(rule_id):
            out.add(f"{at}.id", Message("ids are lower_snake_case"), code="invalid_name")
        if rule_id in seen:
            out.add(
                f"{at}.id",
                Message(
                    'duplicate rule id "{rule_id}" in award "{award_id}"'
                    " (rule ids are unique across the award and all its paths)",
                    rule_id=rule_id,
                    award_id=award_id,
                )
                if path
                else Message(
                    'duplicate rule id "{rule_id}" in award "{award_id}"',
                    rule_id=rule_id,
                    award_id=award_id,
                ),
                code="duplicate_id",
            )
        seen.add(rule_id or "")
        expr = read_text(out, item, f"{at}.expr")
        rule_label = read_label(out, item, f"{at}.label")
        basis = read_text(out, item, f"{at}.basis")
        certainty = read_choice(out, item, f"{at}.certainty", CERTAINTIES)
        if expr is None:
            continue
        node = read_expression(out, f"{at}.expr", expr, scope, "bool")
        if node is None or not (rule_id and rule_label and basis and certainty):
            continue
        for call in calls_within(node):  # a condition's granted() is read too
            for name, value in call.arguments:
                if value and any(
                    a.name == name and a.kind == "award" and a.reads_current
                    for a in call.function.arguments
                ):
                    depends.add(AwardId(value))
        rules.append(
            Rule(
                id=rule_id,
                role=role,
                expr=expr,
                label=rule_label,
                basis=basis,
                certainty=certainty,
                node=node,
                location=f"{at}.expr",
                path=path,
            )
        )
    return rules
