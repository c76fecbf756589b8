"""Score sheets: ``[scores.<id>]`` with its items, groups, bonus, deduction, floors, bands,
knock-outs and grade caps (the bands' own checks are in :mod:`.bands`).

The sheets are declared first (:func:`declare_scores`: band and item ids), so that the awards'
expressions can name them; then read in full (:func:`read_scores`) with the same scope.
"""

from __future__ import annotations

import graphlib
from collections.abc import Callable, Iterable, Iterator, Mapping
from decimal import Decimal
from typing import Any, TypeVar

import attrs

from emulation.i18n import Message
from emulation.lang.nodes import Node
from emulation.lang.scope import Scope, ScoreDecl
from emulation.rules.loader._fields import (
    Collector,
    check_identifier,
    check_unknown_keys,
    read_choice,
    read_expression,
    read_label,
    read_text,
    read_value,
    shown,
)
from emulation.rules.loader._keys import (
    _ADJUST,
    _FLOOR,
    _GRADECAP,
    _GROUP,
    _ITEM,
    _KNOCKOUT,
    _SHEET,
)
from emulation.rules.loader.bands import check_bands, read_bands
from emulation.rules.model import Award
from emulation.rules.scores import (
    FLOOR_KINDS,
    FLOOR_OFS,
    ScoreAdjustment,
    ScoreFloor,
    ScoreGroup,
    ScoreItem,
    ScoreRule,
    ScoreSheet,
    reads,
)
from emulation.types import CERTAINTIES, AwardId

_T = TypeVar("_T")


def declare_scores(document: Any) -> dict[str, ScoreDecl]:
    """The band ids (worst to best) and item ids of each well-formed ``[scores.<id>]``
    table, for the expressions of the ruleset to name; the rest is reported by
    :func:`read_scores`."""
    if not isinstance(document, dict):
        return {}
    found: dict[str, ScoreDecl] = {}
    for sheet_id, body in document.items():
        if not isinstance(body, dict):
            continue
        found[sheet_id] = ScoreDecl(
            bands=tuple(reversed(_ids(body.get("bands")))), items=_ids(body.get("items"))
        )
    return found


def _ids(rows: Any) -> tuple[str, ...]:
    if not isinstance(rows, list):
        return ()
    return tuple(
        row["id"] for row in rows if isinstance(row, dict) and isinstance(row.get("id"), str)
    )


def read_scores(out: Collector, document: Any, scope: Scope) -> dict[str, ScoreSheet]:
    """Every ``[scores.<id>]`` table of ``document`` (the value of the ``scores`` key)."""
    sheets: dict[str, ScoreSheet] = {}
    for sheet_id, body in document.items():
        sheet = read_sheet(out, sheet_id, body, scope)
        if sheet is not None:
            sheets[sheet_id] = sheet
    return sheets


def read_sheet(out: Collector, sheet_id: str, body: Any, scope: Scope) -> ScoreSheet | None:
    """The table ``[scores.<sheet_id>]``, or None when it cannot be built."""
    where = f"scores.{sheet_id}"
    if not check_identifier(out, where, sheet_id):
        return None
    if not isinstance(body, dict):
        out.add(where, Message("expected a table, got {body}", body=shown(body)), code="wrong_type")
        return None
    check_unknown_keys(out, where, body, _SHEET)
    subject = read_choice(out, body, f"{where}.subject", ("person", "collective"))
    label = read_label(out, body, f"{where}.label")
    basis = read_text(out, body, f"{where}.basis")
    certainty = read_choice(out, body, f"{where}.certainty", CERTAINTIES)
    seen: set[str] = set()
    groups = [g for g in _rows(out, where, body, "groups", seen, _group, scope) if g]
    group_ids = {group.id for group in groups}
    items = [i for i in _rows(out, where, body, "items", set(), _item, scope) if i]
    if "items" not in body:
        out.add(
            f"{where}.items", Message("a score sheet needs at least one item"), code="missing_key"
        )
    for index, item in enumerate(items):
        if item.group is not None and item.group not in group_ids:
            out.add(
                f"{where}.items[{index}].group",
                Message(
                    'unknown group "{item_group}"; declare it in [[{where}.groups]]',
                    item_group=item.group,
                    where=where,
                ),
                find=f'"{item.group}"',
                code="unknown_group",
            )
    floors = [f for f in _rows(out, where, body, "floors", set(), _floor, scope) if f]
    bonus = _adjustment(out, f"{where}.bonus", body, scope)
    deduction = _adjustment(out, f"{where}.deduction", body, scope)
    bands = read_bands(out, where, body, scope, {floor.id for floor in floors})
    rules: set[str] = set()
    knockouts = [k for k in _rows(out, where, body, "knockouts", rules, _knockout, scope) if k]
    caps = [c for c in _rows(out, where, body, "caps", rules, _cap, scope) if c]
    band_ids = [band.id for band in bands]
    for index, cap in enumerate(caps):
        if cap.at_most is not None and cap.at_most not in band_ids:
            out.add(
                f"{where}.caps[{index}].at_most",
                Message(
                    'unknown band "{cap_at_most}"; the bands are {band_ids}',
                    cap_at_most=cap.at_most,
                    band_ids=band_ids,
                ),
                find=f'"{cap.at_most}"',
                code="unknown_band",
            )
    if not (subject and label and basis and certainty and items and bands):
        return None
    sheet = ScoreSheet(
        id=sheet_id,
        subject=subject,
        label=label,
        basis=basis,
        certainty=certainty,
        items=tuple(items),
        groups=tuple(groups),
        bands=tuple(bands),
        floors=tuple(floors),
        bonus=bonus,
        deduction=deduction,
        knockouts=tuple(knockouts),
        caps=tuple(caps),
    )
    awards, scores = reads(sheet.nodes)
    sheet = attrs.evolve(
        sheet, depends_on=frozenset(AwardId(a) for a in awards), reads_scores=frozenset(scores)
    )
    if sheet_id in scores:
        out.add(
            where,
            Message('score sheet "{sheet_id}" reads its own result', sheet_id=sheet_id),
            code="award_cycle",
        )
    check_bands(out, where, sheet)
    return sheet


def _rows(
    out: Collector,
    where: str,
    body: Mapping[str, Any],
    section: str,
    seen: set[str],
    read: Callable[[Collector, str, Mapping[str, Any], Scope], _T | None],
    scope: Scope,
) -> Iterator[_T | None]:
    """Each table of the array ``[[<where>.<section>]]`` read by ``read(out, at, row,
    scope)``, its ``id`` checked and unique among ``seen``."""
    rows = body.get(section, [])
    if not isinstance(rows, list):
        out.add(
            f"{where}.{section}",
            Message(
                "expected an array of tables [[{where}.{section}]], got {rows}",
                where=where,
                section=section,
                rows=shown(rows),
            ),
            code="wrong_type",
        )
        return
    for index, row in enumerate(rows):
        at = f"{where}.{section}[{index}]"
        if not isinstance(row, dict):
            out.add(at, Message("expected a table, got {row}", row=shown(row)), code="wrong_type")
            continue
        row_id = row.get("id")
        if isinstance(row_id, str) and check_identifier(out, f"{at}.id", row_id):
            if row_id in seen:
                out.add(
                    f"{at}.id",
                    Message('duplicate id "{row_id}" in {where}', row_id=row_id, where=where),
                    find=f'"{row_id}"',
                    code="duplicate_id",
                )
            seen.add(row_id)
        yield read(out, at, row, scope)


def read_decimal(
    out: Collector, row: Mapping[str, Any], path: str, required: bool = True
) -> Decimal | None:
    """An exact decimal written as text or a whole number."""
    key = path.rsplit(".", 1)[-1]
    if key not in row:
        if required:
            out.add(
                path,
                Message('required number is missing (write decimals as text, "2.5")'),
                code="missing_key",
            )
        return None
    value = read_value(out, path, row[key], "decimal", ())
    return value if isinstance(value, Decimal) else None


def _points(out: Collector, at: str, text: str | None, scope: Scope) -> Node | None:
    """An expression giving points: a whole or decimal number."""
    if text is None:
        return None
    node = read_expression(out, at, text, scope, None)
    if node is not None and node.type not in ("int", "decimal"):
        out.add(
            at,
            Message("points must be a number, not {node_type}", node_type=node.type),
            find=text,
            code="wrong_type",
        )
        return None
    return node


def _common(out: Collector, at: str, row: Mapping[str, Any], keys: set[str]) -> tuple[Any, ...]:
    check_unknown_keys(out, at, row, keys)
    return (
        read_label(out, row, f"{at}.label"),
        read_text(out, row, f"{at}.basis"),
        read_choice(out, row, f"{at}.certainty", CERTAINTIES),
    )


def _maximum(out: Collector, at: str, row: Mapping[str, Any]) -> Decimal | None:
    most = read_decimal(out, row, f"{at}.max")
    if most is not None and most < 0:
        out.add(
            f"{at}.max",
            Message("a maximum cannot be negative, got {most}", most=most),
            code="invalid_value",
        )
        return None
    return most


def _item(out: Collector, at: str, row: Mapping[str, Any], scope: Scope) -> ScoreItem | None:
    label, basis, certainty = _common(out, at, row, _ITEM)
    item_id = read_text(out, row, f"{at}.id")
    expr = read_text(out, row, f"{at}.expr")
    node = _points(out, f"{at}.expr", expr, scope)
    most = _maximum(out, at, row)
    group = read_text(out, row, f"{at}.group", required=False)
    default = read_decimal(out, row, f"{at}.default", required=False)
    if not (item_id and label and basis and certainty and expr and node and most is not None):
        return None
    return ScoreItem(
        id=item_id,
        label=label,
        expr=expr,
        node=node,
        max=most,
        basis=basis,
        certainty=certainty,
        location=f"{at}.expr",
        group=group,
        default=default,
    )


def _group(out: Collector, at: str, row: Mapping[str, Any], scope: Scope) -> ScoreGroup | None:
    label, basis, certainty = _common(out, at, row, _GROUP)
    group_id = read_text(out, row, f"{at}.id")
    most = _maximum(out, at, row)
    if not (group_id and label and basis and certainty and most is not None):
        return None
    return ScoreGroup(id=group_id, label=label, max=most, basis=basis, certainty=certainty)


def _adjustment(
    out: Collector, at: str, body: Mapping[str, Any], scope: Scope
) -> ScoreAdjustment | None:
    row = body.get(at.rsplit(".", 1)[-1])
    if row is None:
        return None
    if not isinstance(row, dict):
        out.add(
            at,
            Message("expected a table [{at}], got {row}", at=at, row=shown(row)),
            code="wrong_type",
        )
        return None
    label, basis, certainty = _common(out, at, row, _ADJUST)
    expr = read_text(out, row, f"{at}.expr")
    node = _points(out, f"{at}.expr", expr, scope)
    most = _maximum(out, at, row)
    if not (label and basis and certainty and expr and node and most is not None):
        return None
    return ScoreAdjustment(
        label=label,
        expr=expr,
        node=node,
        max=most,
        basis=basis,
        certainty=certainty,
        location=f"{at}.expr",
    )


def _floor(out: Collector, at: str, row: Mapping[str, Any], scope: Scope) -> ScoreFloor | None:
    label, basis, certainty = _common(out, at, row, _FLOOR)
    floor_id = read_text(out, row, f"{at}.id")
    kind = read_choice(out, row, f"{at}.kind", FLOOR_KINDS)
    of = read_choice(out, row, f"{at}.of", FLOOR_OFS, default="items")
    share = read_decimal(out, row, f"{at}.share", required=kind == "min_share")
    if kind == "no_zero" and "share" in row:
        out.add(
            f"{at}.share", Message('share applies to kind = "min_share" only'), code="invalid_value"
        )
    if share is not None and not Decimal(0) < share <= Decimal(1):
        out.add(
            f"{at}.share",
            Message("a share is above 0 and at most 1, got {share}", share=share),
            code="invalid_value",
        )
        return None
    if not (floor_id and label and basis and certainty and kind and of):
        return None
    return ScoreFloor(
        id=floor_id, label=label, kind=kind, of=of, share=share, basis=basis, certainty=certainty
    )


def _knockout(out: Collector, at: str, row: Mapping[str, Any], scope: Scope) -> ScoreRule | None:
    return _score_rule(out, at, row, scope, capped=False)


def _cap(out: Collector, at: str, row: Mapping[str, Any], scope: Scope) -> ScoreRule | None:
    return _score_rule(out, at, row, scope, capped=True)


def _score_rule(
    out: Collector, at: str, row: Mapping[str, Any], scope: Scope, *, capped: bool
) -> ScoreRule | None:
    """A knock-out, or (``capped``) a grade cap with the band it holds the sheet ``at_most``."""
    label, basis, certainty = _common(out, at, row, _GRADECAP if capped else _KNOCKOUT)
    expr = read_text(out, row, f"{at}.expr")
    node = None if expr is None else read_expression(out, f"{at}.expr", expr, scope, "bool")
    rule_id = read_text(out, row, f"{at}.id")
    at_most = read_text(out, row, f"{at}.at_most") if capped else None
    if not (rule_id and label and basis and certainty and expr and node) or (
        capped and not at_most
    ):
        return None
    return ScoreRule(
        id=rule_id,
        label=label,
        expr=expr,
        node=node,
        basis=basis,
        certainty=certainty,
        location=f"{at}.expr",
        at_most=at_most,
    )


def award_nodes(award: Award) -> list[Node]:
    """Every expression of an award: its rules and its ranking keys."""
    nodes = [rule.node for rule in award.rules]
    for quota in award.quotas:
        nodes.extend(key.node for key in quota.rank)
    if award.budget is not None:
        nodes.extend(award.budget.nodes)
    return nodes


def check_score_reads(
    out: Collector, awards: Mapping[AwardId, Award], sheets: Mapping[str, ScoreSheet]
) -> None:
    """A sheet is read by awards and sheets of its own subject kind only; awards and sheets
    do not read each other in a cycle."""
    graph: dict[str, set[str]] = {}
    for award in awards.values():
        _, read = reads(award_nodes(award))
        graph[f"awards.{award.id}"] = {f"awards.{a}" for a in award.depends_on if a in awards}
        graph[f"awards.{award.id}"] |= {f"scores.{s}" for s in read}
        _same_subject(out, f"awards.{award.id}", award.subject, read, sheets)
    for sheet in sheets.values():
        where = f"scores.{sheet.id}"
        graph[where] = {f"awards.{a}" for a in sheet.depends_on if a in awards}
        graph[where] |= {f"scores.{s}" for s in sheet.reads_scores if s != sheet.id}
        _same_subject(out, where, sheet.subject, sheet.reads_scores, sheets)
    try:
        tuple(graphlib.TopologicalSorter(graph).static_order())
    except graphlib.CycleError as error:
        cycle = " -> ".join(error.args[1])
        out.add(
            "awards",
            Message("awards and score sheets read each other in a cycle: {cycle}", cycle=cycle),
            code="award_cycle",
        )


def _same_subject(
    out: Collector, where: str, subject: str, read: Iterable[str], sheets: Mapping[str, ScoreSheet]
) -> None:
    for name in sorted(read):
        sheet = sheets.get(name)
        if sheet is not None and sheet.subject != subject:
            out.add(
                where,
                Message(
                    'score sheet "{name}" scores subjects of kind {sheet_subject}, not {subject}',
                    name=name,
                    sheet_subject=sheet.subject,
                    subject=subject,
                ),
                code="score_subject",
            )
