"""The movements' part of the rules catalogue: score sheets, standings and KPIs, as Markdown.

Each is written as the engine applies it — a sheet item by item with its maximum, its groups,
bonus, deduction, floors, bands (best first), knock-outs and grade caps; a standings with its
ranking keys and how ties are settled; a KPI with what it counts, at which levels of the
organisation tree, and the parameter holding its target — every part with its legal basis and
certainty, labels in Vietnamese and English.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal

from emulation.rules._markdown import both, cell, code
from emulation.rules.kpis import Kpi, Level
from emulation.rules.model import Standings
from emulation.rules.scores import ScoreSheet

_SUBJECTS = {"person": "cá nhân / person", "collective": "tập thể / collective"}
_PER = {"unit": "đơn vị / unit", "cluster": "cụm, khối / cluster", "population": "toàn bộ / all"}
_TIES = {
    "authority": "bằng nhau: cấp có thẩm quyền quyết định / ties: for the competent authority",
    "id": "bằng nhau: theo mã / ties: by id",
}
_OF = {"items": ("tiêu chí", "item"), "groups": ("nhóm", "group")}
_TABLE = [
    "| Mã / Id | Nội dung / Part | Biểu thức, mức / Rule | Căn cứ / Basis | Mức chắc chắn / Certainty |",
    "|---|---|---|---|---|",
]


def _points(value: Decimal | None) -> str:
    return "—" if value is None else f"{value.normalize():f}"


def _row(ident: str, label: str, rule: str, basis: str, certainty: str) -> str:
    return f"| {ident} | {cell(label)} | {rule} | {cell(basis)} | {certainty} |"


def sheet_lines(sheet: ScoreSheet) -> list[str]:
    """The sheet ``[scores.<id>]``: its parts, then its bands, knock-outs and caps."""
    lines = [
        f"### Bảng điểm / Score sheet `{sheet.id}`: {both(sheet.label)}",
        "",
        f"- Đối tượng / Subject: {_SUBJECTS[sheet.subject]}",
        f"- Căn cứ / Basis: {sheet.basis} ({sheet.certainty})",
        f"- Tổng tối đa / Highest total: {_points(sheet.max_total)}",
        "",
        *_TABLE,
    ]
    for item in sheet.items:
        in_group = f", nhóm / group `{item.group}`" if item.group else ""
        rule = f"{code(item.expr)}, tối đa / max {_points(item.max)}{in_group}"
        lines.append(_row(f"`{item.id}`", both(item.label), rule, item.basis, item.certainty))
    for group in sheet.groups:
        rule = f"tổng nhóm tối đa / subtotal max {_points(group.max)}"
        lines.append(_row(f"`{group.id}`", both(group.label), rule, group.basis, group.certainty))
    for name, part in (("cộng / bonus", sheet.bonus), ("trừ / deduction", sheet.deduction)):
        if part is not None:
            rule = f"{code(part.expr)}, tối đa / max {_points(part.max)}"
            lines.append(_row(name, both(part.label), rule, part.basis, part.certainty))
    for floor in sheet.floors:
        vi, en = _OF[floor.of]
        rule = (
            f"không {vi} nào 0 điểm / no {en} at 0"
            if floor.kind == "no_zero"
            else f"mỗi {vi} ≥ {_points(floor.share)} × tối đa / each {en} ≥ "
            f"{_points(floor.share)} × its max"
        )
        lines.append(_row(f"`{floor.id}`", both(floor.label), rule, floor.basis, floor.certainty))
    lines += ["", "Xếp loại, từ cao xuống / Bands, best first:", "", *_TABLE]
    for band in sheet.bands:
        parts = [f"≥ {_points(band.min)}" if band.min is not None else "mọi điểm / any total"]
        if band.below is not None:
            parts.append(f"< {_points(band.below)}")
        parts += [f"`{floor}`" for floor in band.requires]
        if band.condition_text:
            parts.append(code(band.condition_text))
        lines.append(
            _row(f"`{band.id}`", both(band.label), "; ".join(parts), band.basis, band.certainty)
        )
    rules = [*sheet.knockouts, *sheet.caps]
    if rules:
        lines += ["", "Loại trừ và mức trần / Knock-outs and grade caps:", "", *_TABLE]
        for applied in rules:
            effect = (
                f"tối đa / at most `{applied.at_most}`"
                if applied.at_most
                else "xếp loại thấp nhất / lowest band"
            )
            lines.append(
                _row(
                    f"`{applied.id}`",
                    both(applied.label),
                    f"{code(applied.expr)} → {effect}",
                    applied.basis,
                    applied.certainty,
                )
            )
    return [*lines, ""]


def standings_lines(item: Standings) -> list[str]:
    """The standings ``[standings.<id>]``: who is ranked, in which groups, by which keys."""
    keys = ", ".join(f"`{key.expr}` {'desc' if key.descending else 'asc'}" for key in item.rank)
    return [
        f"### Xếp hạng / Standings `{item.id}`: {both(item.label)}",
        "",
        f"- Đối tượng / Subject: {_SUBJECTS[item.subject]}, theo / per {_PER[item.per]}",
        f"- Xếp theo / Ranked by: {keys}; {_TIES[item.ties]}",
        f"- Căn cứ / Basis: {item.basis} ({item.certainty})",
        "",
    ]


def kpi_lines(kpi: Kpi, levels: Mapping[str, Level]) -> list[str]:
    """The KPI ``[kpis.<id>]``: what it counts, where, and the parameter of its target."""
    at = ", ".join(both(levels[name].label) if name in levels else name for name in kpi.at_levels)
    counted = _SUBJECTS[kpi.subject]
    if kpi.subject_level:
        counted += f" (cấp / level `{kpi.subject_level}`)"
    denominator = f"`{kpi.denominator.expr}`" if kpi.denominator else "tất cả / all"
    override = (
        f"; chỉ tiêu riêng của đơn vị / a node's own target: `{kpi.override}`"
        if kpi.override
        else ""
    )
    return [
        f"### Chỉ tiêu / KPI `{kpi.id}`: {both(kpi.label)}",
        "",
        f"- Đếm / Counts: {counted}, {kpi.scope}; mẫu số / denominator: {denominator}; "
        f"tử số / numerator: `{kpi.numerator.expr}`",
        f"- Tại các cấp / At levels: {at}",
        f"- Chỉ tiêu / Target: {kpi.comparison} tham số / parameter `{kpi.target}`{override}",
        f"- Căn cứ / Basis: {kpi.basis} ({kpi.certainty})",
        "",
    ]
