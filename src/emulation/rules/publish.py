"""A readable catalogue of an organisation's rules, as Markdown: what the engine applies.

:func:`catalogue_markdown` writes, for every version of every ruleset given, its dates and
legal references, each award with its criteria, exclusions and blocking states (label in
Vietnamese and English, the expression, the legal basis and its certainty), its quota, bonus
and the evidence it uses up, the movements' score sheets, standings and KPIs
(:mod:`emulation.rules.publish_movements`), the parameters with their values by date
(unconfirmed ones flagged), the services and the declared facts. A union office can publish it as it is: it is
generated from the same models the engine decides with, so it cannot say other than they do.

The text depends on the rulesets alone (no date, no engine version, no absolute path), so the
same rules always give the same bytes and a copy in the docs can be checked for drift.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from decimal import Decimal

from emulation.rules._markdown import both, cell, code
from emulation.rules.model import (
    Award,
    Bonus,
    Budget,
    Consumption,
    Parameter,
    ParameterRef,
    ParameterValue,
    Quota,
    Role,
    Ruleset,
)
from emulation.rules.publish_movements import kpi_lines, sheet_lines, standings_lines

#: Said of a value the sources do not confirm.
UNCONFIRMED = "⚠ chưa xác nhận / unconfirmed"

_ROLES: dict[Role, tuple[str, str]] = {
    "criterion": ("Tiêu chí", "Criteria"),
    "exclusion": ("Trường hợp không xét", "Exclusions"),
    "blocking": ("Tạm dừng xét", "Blocking states"),
}
_KINDS = {
    "title": "danh hiệu / title",
    "flag": "cờ thi đua / flag",
    "commendation": "bằng khen, giấy khen / commendation",
    "medal": "huân chương, kỷ niệm chương / medal",
    "certificate": "giấy chứng nhận / certificate",
    "scholarship": "học bổng / scholarship",
    "nomination": "đề cử / nomination",
}
_SUBJECTS = {"person": "cá nhân / person", "collective": "tập thể / collective"}
_FREQUENCIES = {"per_period": "mỗi kỳ / each period", "once": "một lần / once"}


def catalogue_markdown(
    title: str, rulesets: Sequence[tuple[Ruleset, str]], command: str = ""
) -> str:
    """The catalogue of ``rulesets`` — each with the name of its file as it should be shown —
    under the heading ``title``; ``command`` is the command that regenerates it."""
    lines = [f"# {title}", ""]
    lines.append(
        "Danh mục các quy định mà `emulation` áp dụng, sinh tự động từ các tệp quy định; "
        "không sửa tay. / The rules `emulation` applies, generated from the ruleset files; "
        "do not edit by hand."
    )
    if command:
        lines.append(f"Sinh lại bằng / Regenerate with: `{command}`.")
    lines.append("")
    ordered = sorted(rulesets, key=lambda item: (item[0].id, item[0].effective_from))
    if not ordered:
        lines += ["Không có quy định nào. / No rulesets.", ""]
    lines += [
        "| Bộ quy định / Ruleset | Phiên bản / Version | Hiệu lực / In force |",
        "|---|---|---|",
    ]
    for ruleset, _ in ordered:
        lines.append(
            f"| [{ruleset.id}](#{_anchor(ruleset)}) | {ruleset.version} | {_span(ruleset)} |"
        )
    lines.append("")
    for ruleset, shown_as in ordered:
        lines.extend(_ruleset(ruleset, shown_as))
    return "\n".join(lines).rstrip("\n") + "\n"


def _anchor(ruleset: Ruleset) -> str:
    return f"{ruleset.id}-{ruleset.version}".replace(".", "-")


def _span(ruleset: Ruleset) -> str:
    until = ruleset.effective_to.isoformat() if ruleset.effective_to else "…"
    return f"{ruleset.effective_from.isoformat()} – {until}"


def _ruleset(ruleset: Ruleset, shown_as: str) -> list[str]:
    lines = [
        f'<a id="{_anchor(ruleset)}"></a>',
        "",
        f"## {ruleset.id} {ruleset.version}: {both(ruleset.title)}",
        "",
        f"- Tổ chức / Organisation: {ruleset.organisation}",
        f"- Hiệu lực / In force: {_span(ruleset)}",
        f"- Tệp / File: `{shown_as}` (SHA-256 `{ruleset.content_hash[:16]}…`)",
        "",
    ]
    if ruleset.references:
        lines += [
            "### Căn cứ pháp lý / Legal references",
            "",
            "| Mã / Id | Văn bản / Document | Tên / Title |",
            "|---|---|---|",
        ]
        for reference in ruleset.references:
            name = both(reference.title) if reference.title else ""
            document = cell(reference.document)
            if reference.url:
                document = f"[{document}]({reference.url})"
            lines.append(f"| `{reference.id}` | {document} | {cell(name)} |")
        lines.append("")
    for award in sorted(ruleset.awards.values(), key=lambda a: a.id):
        lines.extend(_award(award))
    for sheet in sorted(ruleset.scores.values(), key=lambda item: item.id):
        lines.extend(sheet_lines(sheet))
    for item in sorted(ruleset.standings.values(), key=lambda item: item.id):
        lines.extend(standings_lines(item))
    for kpi in sorted(ruleset.kpis.values(), key=lambda item: item.id):
        lines.extend(kpi_lines(kpi, ruleset.levels))
    for window in ruleset.payout.values():
        titles = ", ".join(f"`{a}`" for a in window.awards)
        lines += [
            f"### Chi thưởng một lần / One bonus per window `{window.id}`: {both(window.label)}",
            "",
            f"Chỉ chi thưởng danh hiệu cao nhất / Only the highest is paid, highest first: {titles}"
            f" ({cell(window.basis)}; {window.certainty})",
            "",
        ]
    lines.extend(_parameters(ruleset.parameters.values()))
    lines.extend(_services(ruleset))
    lines.extend(_facts(ruleset))
    return lines


def _award(award: Award) -> list[str]:
    lines = [f"### `{award.id}`: {both(award.label)}", ""]
    facts = [
        f"- Hình thức / Kind: {_KINDS[award.kind]}",
        f"- Đối tượng / Subject: {_SUBJECTS[award.subject]}",
        f"- Xét / Given: {_FREQUENCIES[award.frequency]}",
    ]
    if award.basis:
        certainty = f" ({award.certainty})" if award.certainty else ""
        facts.append(f"- Căn cứ / Basis: {award.basis}{certainty}")
    if award.depends_on:
        reads = ", ".join(f"`{a}`" for a in sorted(award.depends_on))
        facts.append(f"- Dựa trên / Reads: {reads}")
    lines += [*facts, ""]
    sections = [(f"{vi} / {en}:", award.rules_of(role)) for role, (vi, en) in _ROLES.items()]
    sections += [
        (
            f"Điểm / Path `{path.id}` — {both(path.label)} ({cell(path.basis)}; "
            f"{path.certainty}), một trong các điểm / any one of the paths:",
            award.rules_of_path(path.id),
        )
        for path in award.paths
    ]
    for head, rules in sections:
        if not rules:
            continue
        lines += [
            head,
            "",
            "| Mã / Id | Nội dung / Rule | Biểu thức / Expression | Căn cứ / Basis | Mức chắc chắn / Certainty |",
            "|---|---|---|---|---|",
        ]
        lines += [
            f"| `{rule.id}` | {cell(both(rule.label))} | {code(rule.expr)} "
            f"| {cell(rule.basis)} | {rule.certainty} |"
            for rule in rules
        ]
        lines.append("")
    for quota in award.quotas:
        lines += [*_quota(quota), ""]
    if award.budget is not None:
        lines += [_budget(award.budget), ""]
    if award.bonus is not None:
        lines += [_bonus(award.bonus), ""]
    if award.consumes is not None:
        lines += [_consumption(award.consumes), ""]
    return lines


def _value(value: ParameterValue | ParameterRef | None) -> str:
    if value is None:
        return "—"
    if isinstance(value, ParameterRef):
        return f"tham số / parameter `{value.name}`"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Decimal):
        return f"{value:f}"
    return str(value)


_GROUPS = {
    "unit": "đơn vị / unit",
    "cluster": "cụm, khối / cluster",
    "population": "toàn bộ / all",
    "fact": "giá trị của / the value of",
}


def _group(per: str, fact: str | None) -> str:
    return _GROUPS[per] + (f" `{fact}`" if per == "fact" and fact else "")


def _quota(quota: Quota) -> list[str]:
    if quota.count_by:
        table = ", ".join(f"{kind} {count}" for kind, count in quota.count_by)
        cap = f"theo / by `{quota.group_type or quota.group_fact}`: {table}"
    elif isinstance(quota.count, ParameterRef):
        cap = f"tối đa / at most {_value(quota.count)}"
    elif quota.count is not None:
        cap = f"tối đa {quota.count} / at most {quota.count}"
    else:
        of = "số ứng viên / candidates" if quota.of == "headcount" else f"`{quota.of}`"
        cap = f"{_value(quota.ratio)} × {of}, làm tròn / rounded {quota.rounding}"
    keys = ", ".join(f"`{k.expr}` {'desc' if k.descending else 'asc'}" for k in quota.rank)
    enabled = "" if quota.enabled is True else f"; bật khi / on when: {_value(quota.enabled)}"
    if quota.min_cap:
        cap += f", ít nhất / at least {quota.min_cap}"
    return [
        f"Tỷ lệ / Quota — {both(quota.label)} ({quota.basis}; {quota.certainty}): "
        f"theo / per {_group(quota.per, quota.group_fact)}; {cap}; xếp hạng / ranked by "
        f"{keys or '—'}{enabled}."
    ]


def _budget(budget: Budget) -> str:
    fund = (
        f"`{budget.fund}`"
        if budget.fund
        else f"theo / by `{budget.category}`: "
        + ", ".join(f"{key} `{name}`" for key, name in budget.fund_by)
    )
    keys = ", ".join(f"`{k.expr}` {'desc' if k.descending else 'asc'}" for k in budget.rank)
    return (
        f"Kinh phí / Budget — {both(budget.label)} ({budget.basis}; {budget.certainty}): "
        f"quỹ / fund {fund} theo / per {_group(budget.per, budget.group_fact)}; mỗi suất / "
        f"each grant `{budget.amount}`; xếp hạng / ranked by {keys}; {budget.policy}."
    )


def _bonus(bonus: Bonus) -> str:
    return (
        f"Tiền thưởng / Bonus ({bonus.basis}; {bonus.certainty}): hệ số / coefficient "
        f"{_value(bonus.coefficient)} × `{bonus.base}`, làm tròn lên bội số của / rounded up to "
        f"a multiple of {_value(bonus.round_up_to)} VND."
    )


def _consumption(spec: Consumption) -> str:
    unless = f"; trừ khi / unless `{spec.unless_text}`" if spec.unless_text else ""
    return (
        f"Dùng hết thành tích / Uses up evidence ({spec.basis}; {spec.certainty}): "
        f"{spec.count} × {', '.join(f'`{k}`' for k in spec.kinds)}, cấp / scope ≥ "
        f"{spec.min_scope}, trong / within {spec.window} kỳ / periods{unless}."
    )


def _dated(values: Iterable[tuple[dt.date, ParameterValue]]) -> str:
    return "; ".join(f"{start.isoformat()}: {_value(value)}" for start, value in values)


def _parameters(parameters: Iterable[Parameter]) -> list[str]:
    found = sorted(parameters, key=lambda p: p.name)
    if not found:
        return []
    lines = [
        "### Tham số / Parameters",
        "",
        "| Tên / Name | Nội dung / Meaning | Giá trị theo ngày / Values from | Căn cứ / Basis | Mức chắc chắn / Certainty |",
        "|---|---|---|---|---|",
    ]
    for parameter in found:
        unit = f" {parameter.unit}" if parameter.unit else ""
        flag = "" if parameter.confirmed else f" {UNCONFIRMED}"
        lines.append(
            f"| `{parameter.name}` | {cell(both(parameter.label))} | "
            f"{cell(_dated(parameter.values))}{unit} | {cell(parameter.basis)} | "
            f"{parameter.certainty}{flag} |"
        )
    return [*lines, ""]


def _services(ruleset: Ruleset) -> list[str]:
    if not ruleset.services:
        return []
    lines = ["### Thời gian công tác / Length of service", ""]
    for service in sorted(ruleset.services.values(), key=lambda s: s.name):
        weights = ", ".join(f"{kind} × {weight:f}" for kind, weight in service.weights)
        discipline = (
            "không tính thời gian bị kỷ luật / time under discipline not counted"
            if service.exclude_discipline
            else "tính cả thời gian bị kỷ luật / time under discipline counted"
        )
        lines.append(
            f"- `{service.name}`: {both(service.label)} — {weights}; {discipline} "
            f"({service.basis}; {service.certainty})"
        )
    return [*lines, ""]


def _facts(ruleset: Ruleset) -> list[str]:
    if not ruleset.facts:
        return []
    lines = [
        "### Dữ liệu đầu vào / Facts read",
        "",
        "| Tên / Name | Nội dung / Meaning | Kiểu / Type |",
        "|---|---|---|",
    ]
    for name, decl in sorted(ruleset.facts.items()):
        kind: str = decl.type
        if decl.values:
            kind += " (" + (" < " if decl.ordered else ", ").join(decl.values) + ")"
        if decl.unit:
            kind += f", {decl.unit}"
        lines.append(f"| `{name}` | {cell(both(decl.label))} | {cell(kind)} |")
    return [*lines, ""]
