"""Award paths (``[[awards.<id>.paths]]``) and payout windows (``[payout.<id>]``)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from emulation.errors import suggest
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
from emulation.rules.loader._keys import _PATH, _PAYOUT
from emulation.rules.loader.rule_lists import read_rules
from emulation.rules.model import Award, Rule
from emulation.rules.paths import TITLE_KINDS, AwardPath, PayoutWindow
from emulation.types import CERTAINTIES, AwardId

#: A rule id an award with paths may not use: ``<award>::path::<p>`` names a path's column.
_PATH_COLUMN = "path"


def read_paths(
    out: Collector,
    where: str,
    body: Mapping[str, Any],
    award_id: str,
    scope: Scope,
    seen: set[str],
    depends: set[AwardId],
) -> list[tuple[AwardPath, list[Rule]]]:
    """The ``[[awards.<id>.paths]]`` of an award, each with its criteria. A path needs at
    least one criterion; path ids are unique, and rule ids are unique across the award's own
    rules and every path (``seen``)."""
    if "paths" not in body:
        return []
    items = body["paths"]
    at = f"{where}.paths"
    if not isinstance(items, list) or not items:
        out.add(
            at,
            Message("expected an array of tables [[{at}]], got {items}", at=at, items=shown(items)),
            code="wrong_type",
        )
        return []
    found: list[tuple[AwardPath, list[Rule]]] = []
    ids: set[str] = set()
    for index, item in enumerate(items):
        here = f"{at}[{index}]"
        if not isinstance(item, dict):
            out.add(
                here, Message("expected a table, got {item}", item=shown(item)), code="wrong_type"
            )
            continue
        check_unknown_keys(out, here, item, _PATH)
        path_id = read_text(out, item, f"{here}.id")
        if path_id is not None and check_identifier(out, f"{here}.id", path_id):
            if path_id in ids:
                out.add(
                    f"{here}.id",
                    Message(
                        'duplicate path id "{path_id}" in award "{award_id}"',
                        path_id=path_id,
                        award_id=award_id,
                    ),
                    find=f'"{path_id}"',
                    code="duplicate_id",
                )
            ids.add(path_id)
        label = read_label(out, item, f"{here}.label")
        basis = read_text(out, item, f"{here}.basis")
        certainty = read_choice(out, item, f"{here}.certainty", CERTAINTIES)
        criteria = item.get("criteria", [])
        if criteria == []:
            out.add(
                f"{here}.criteria",
                Message(
                    'path "{path}" of award "{award_id}" has no criteria: write at least one [[{at}.criteria]]',
                    path=path_id or index,
                    award_id=award_id,
                    at=at,
                ),
                code="empty_path",
            )
        rules = read_rules(
            out, f"{here}.criteria", criteria, "criterion", award_id, scope, seen, depends, path_id
        )
        if path_id and label and basis and certainty:
            path = AwardPath(
                id=path_id, label=label, basis=basis, certainty=certainty, location=here
            )
            found.append((path, rules))
    if _PATH_COLUMN in seen:  # its own rules and its paths' criteria
        out.add(
            where,
            Message(
                'an award with paths may not name a rule "{column}" (the paths\' columns are named so)',
                column=_PATH_COLUMN,
            ),
            code="reserved_name",
        )
    return found


def read_payout(
    out: Collector, table: Mapping[str, Any], awards: Mapping[AwardId, Award]
) -> dict[str, PayoutWindow]:
    """The ``[payout.<id>]`` tables: the titles of one achievement window, highest first.
    Each names titles or flags of this ruleset with a bonus, each in one window only."""
    windows: dict[str, PayoutWindow] = {}
    owner: dict[str, str] = {}
    for window_id, body in table.items():
        where = f"payout.{window_id}"
        if not check_identifier(out, where, window_id):
            continue
        if not isinstance(body, dict):
            out.add(
                where, Message("expected a table, got {body}", body=shown(body)), code="wrong_type"
            )
            continue
        check_unknown_keys(out, where, body, _PAYOUT)
        label = read_label(out, body, f"{where}.label")
        basis = read_text(out, body, f"{where}.basis")
        certainty = read_choice(out, body, f"{where}.certainty", CERTAINTIES)
        names = body.get("awards")
        if (
            not isinstance(names, list)
            or len(names) < 2
            or not all(isinstance(n, str) for n in names)
        ):
            out.add(
                f"{where}.awards",
                Message(
                    "expected an array of at least two award ids, highest first, got {names}",
                    names=shown(names),
                ),
                find="awards =",
                code="wrong_type" if not isinstance(names, list) else "invalid_value",
            )
            continue
        chosen = _window_awards(out, f"{where}.awards", names, awards, owner, window_id)
        if label and basis and certainty and chosen is not None:
            windows[window_id] = PayoutWindow(
                id=window_id,
                label=label,
                awards=chosen,
                basis=basis,
                certainty=certainty,
                location=where,
            )
    return windows


def _window_awards(
    out: Collector,
    at: str,
    names: list[str],
    awards: Mapping[AwardId, Award],
    owner: dict[str, str],
    window_id: str,
) -> tuple[AwardId, ...] | None:
    """The awards of one window, checked: known, titles, with a bonus, in no other window."""
    good = True
    for name in names:
        award = awards.get(AwardId(name))
        if award is None:
            out.add(
                at,
                Message('unknown award "{name}"{hint}', name=name, hint=suggest(name, awards)),
                find=f'"{name}"',
                code="unknown_award",
            )
            good = False
            continue
        if award.kind not in TITLE_KINDS:
            out.add(
                at,
                Message(
                    '"{name}" is a {award_kind}, not a title or flag: a title and a commendation form earned together both pay (Decree 152/2025 Art 49(7))',
                    name=name,
                    award_kind=award.kind,
                ),
                find=f'"{name}"',
                code="payout_not_title",
            )
            good = False
        if award.bonus is None:
            out.add(
                at,
                Message('"{name}" has no [awards.{name}.bonus] to pay', name=name),
                find=f'"{name}"',
                code="payout_no_bonus",
            )
            good = False
        if name in owner:
            other = owner[name]
            message = (
                Message('"{name}" is listed twice', name=name)
                if other == window_id
                else Message('"{name}" is already in window "{other}"', name=name, other=other)
            )
            out.add(at, message, find=f'"{name}"', code="duplicate_id")
            good = False
        owner[name] = window_id
    return tuple(AwardId(n) for n in names) if good else None
