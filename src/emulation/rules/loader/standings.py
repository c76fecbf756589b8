"""The ``[standings.<id>]`` tables: rankings reported for every candidate of a subject kind,
inside each unit, cluster or the whole population, with their ranking keys and how a tie
left after every key is treated."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from emulation.i18n import Message
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
from emulation.rules.loader._keys import _STANDINGS
from emulation.rules.loader.extras import rank_keys
from emulation.rules.model import QUOTA_SCOPES, TIES, Standings
from emulation.types import CERTAINTIES


def read_standings(out: Collector, table: Mapping[str, Any], scope: Scope) -> dict[str, Standings]:
    """Every ``[standings.<id>]`` table that can be built; the others are reported."""
    found: dict[str, Standings] = {}
    for standings_id, body in table.items():
        standings = _read_one(out, standings_id, body, scope)
        if standings is not None:
            found[standings.id] = standings
    return found


def _read_one(out: Collector, standings_id: str, body: Any, scope: Scope) -> Standings | None:
    where = f"standings.{standings_id}"
    if not check_identifier(out, where, standings_id):
        return None
    if not isinstance(body, dict):
        out.add(
            where,
            Message("expected a table [standings.<id>], got {body}", body=shown(body)),
            code="wrong_type",
        )
        return None
    check_unknown_keys(out, where, body, _STANDINGS)
    subject = read_choice(out, body, f"{where}.subject", ("person", "collective"))
    per = read_choice(out, body, f"{where}.per", QUOTA_SCOPES)
    if "rank" not in body:
        out.add(
            f"{where}.rank",
            Message('standings need rank = [{ expr = "…", order = "desc" }, …]'),
            code="missing_key",
        )
    keys = rank_keys(out, where, body.get("rank", []), scope)
    if body.get("rank") == []:
        out.add(
            f"{where}.rank", Message("standings need at least one ranking key"), code="missing_key"
        )
    ties = read_choice(out, body, f"{where}.ties", TIES, default="authority")
    label = read_label(out, body, f"{where}.label")
    basis = read_text(out, body, f"{where}.basis")
    certainty = read_choice(out, body, f"{where}.certainty", CERTAINTIES)
    if not (subject and per and keys and ties and label and basis and certainty):
        return None
    return Standings(
        id=standings_id,
        subject=subject,
        per=per,
        rank=tuple(keys),
        ties=ties,
        label=label,
        basis=basis,
        certainty=certainty,
        location=where,
    )
