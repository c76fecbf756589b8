"""Awards and their rules: criteria, exclusions and blocking states, each a checked
expression, and the exclusion every once-only award carries."""

from __future__ import annotations

from typing import Any

from emulation.data.records import RECORD_TYPES
from emulation.i18n import Message
from emulation.lang.checker import Checker
from emulation.lang.scope import Scope
from emulation.rules.loader._fields import (
    Collector,
    check_identifier,
    check_unknown_keys,
    read_choice,
    read_label,
    read_text,
    shown,
)
from emulation.rules.loader._keys import _AWARD
from emulation.rules.loader.extras import read_bonus, read_consumption
from emulation.rules.loader.paths import read_paths
from emulation.rules.loader.rule_lists import read_rules
from emulation.rules.loader.selections import read_budget, read_quotas
from emulation.rules.model import AWARD_KINDS, FREQUENCIES, Award, Frequency, Label, Role, Rule
from emulation.types import CERTAINTIES, AwardId

_ROLES: dict[str, Role] = {
    "criteria": "criterion",
    "exclusions": "exclusion",
    "blocking": "blocking",
}


def read_award(out: Collector, award_id: str, body: Any, scope: Scope) -> Award | None:
    """The table ``[awards.<award_id>]``: its kind, subject and label, its rules, quota, bonus
    and evidence used, and the awards it reads (None when it cannot be built)."""
    where = f"awards.{award_id}"
    if not check_identifier(out, where, award_id):
        return None
    if not isinstance(body, dict):
        out.add(where, Message("expected a table, got {body}", body=shown(body)), code="wrong_type")
        return None
    check_unknown_keys(out, where, body, _AWARD)
    kind = read_choice(out, body, f"{where}.kind", AWARD_KINDS)
    subject = read_choice(out, body, f"{where}.subject", ("person", "collective"))
    frequency: Frequency = (
        read_choice(out, body, f"{where}.frequency", FREQUENCIES, default="per_period")
        or "per_period"
    )
    label = read_label(out, body, f"{where}.label")
    history_type = read_choice(out, body, f"{where}.history_type", RECORD_TYPES, default="merit")
    rules: list[Rule] = []
    depends: set[AwardId] = set()
    seen: set[str] = set()
    for section, role in _ROLES.items():
        items = body.get(section, [])
        rules += read_rules(out, f"{where}.{section}", items, role, award_id, scope, seen, depends)
    paths = read_paths(out, where, body, award_id, scope, seen, depends)
    rules += [rule for _, path_rules in paths for rule in path_rules]
    if body.get("criteria", []) == [] and "paths" not in body:
        out.add(
            f"{where}.criteria",
            Message("an award needs at least one criterion"),
            code="missing_key",
        )
    basis = read_text(out, body, f"{where}.basis", required=frequency == "once")
    certainty = (
        read_choice(out, body, f"{where}.certainty", CERTAINTIES)
        if "certainty" in body or frequency == "once"
        else None
    )
    if frequency == "once" and basis and certainty:
        rules.append(_once_only_rule(award_id, basis, certainty, scope, where))
    quotas = read_quotas(out, where, body.get("quota"), scope) if "quota" in body else ()
    depends.update(AwardId(q.of) for q in quotas if q.of != "headcount")
    budget = read_budget(out, where, body.get("budget"), scope) if "budget" in body else None
    bonus = read_bonus(out, where, body.get("bonus"), scope) if "bonus" in body else None
    consumes = (
        read_consumption(out, where, body.get("consumes"), scope) if "consumes" in body else None
    )
    if award_id in depends:
        out.add(
            where,
            Message('award "{award_id}" reads its own result', award_id=award_id),
            code="award_cycle",
        )
    if not (kind and subject and label):
        return None
    return Award(
        id=AwardId(award_id),
        kind=kind,
        subject=subject,
        frequency=frequency,
        label=label,
        rules=tuple(rules),
        depends_on=frozenset(depends),
        quota=quotas[0] if quotas else None,
        bonus=bonus,
        consumes=consumes,
        history_type=history_type or "merit",
        paths=tuple(path for path, _ in paths),
        basis=basis,
        certainty=certainty,
        more_quotas=quotas[1:],
        budget=budget,
    )


def _once_only_rule(award_id: str, basis: str, certainty: Any, scope: Scope, where: str) -> Rule:
    """The exclusion every once-only award carries: already held in an earlier period."""
    expr = f'held_before("{award_id}")'
    node = Checker(expr, scope).check("bool")
    if node is None:  # pragma: no cover - held_before is a built-in
        raise AssertionError("held_before is not registered")
    return Rule(
        id="already_held",
        role="exclusion",
        expr=expr,
        label=Label(
            vi="Đã được tặng trước đây (chỉ tặng một lần)", en="Already awarded (awarded once only)"
        ),
        basis=basis,
        certainty=certainty,
        node=node,
        location=f"{where}.frequency",
    )
