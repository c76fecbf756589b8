"""One subject's score sheet as a person reads it: the points of each item, the total, the
band, what held it down, and how far the next band is.

A :class:`ScoreResult` is built from the subject's row of the result frame
(:func:`score_result`); decisions of awards that read a sheet carry it, and
:meth:`emulation.Evaluation.score_results` gives every subject's.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import attrs

from emulation.evaluate.columns import score_column
from emulation.i18n import C_, words
from emulation.results.decision import Reason, RulesetRef
from emulation.results.text import MARKS, show
from emulation.rules.model import Ruleset
from emulation.rules.scores import ScoreBand, ScoreSheet
from emulation.types import Label, Language


@attrs.frozen(kw_only=True)
class ScorePoints:
    """The points of one item, group, bonus or deduction: ``points`` counted (capped), ``raw``
    as computed, ``max`` its cap; ``capped`` when they differ."""

    id: str
    label: Label
    points: Decimal | None
    raw: Decimal | None
    max: Decimal
    basis: str
    group: str | None = None

    @property
    def capped(self) -> bool:
        """Whether the points counted differ from those computed (above the maximum, or
        below 0)."""
        return self.raw is not None and self.points is not None and self.raw != self.points

    def to_dict(self, lang: Language = "vi") -> dict[str, Any]:
        """JSON-ready form."""
        return {
            "id": self.id,
            "label": self.label.get(lang),
            "points": _text(self.points),
            "raw": _text(self.raw),
            "max": _text(self.max),
            "capped": self.capped,
            "group": self.group,
        }


@attrs.frozen(kw_only=True)
class ScoreCheck:
    """A floor, knock-out or grade cap and whether it holds (None: unknown); ``at_most`` the
    band a grade cap holds the subject to."""

    id: str
    kind: str
    label: Label
    value: bool | None
    basis: str
    certainty: str
    at_most: str | None = None

    def to_dict(self, lang: Language = "vi") -> dict[str, Any]:
        """JSON-ready form."""
        return {
            "id": self.id,
            "kind": self.kind,
            "label": self.label.get(lang),
            "value": self.value,
            "basis": self.basis,
            "certainty": self.certainty,
            "at_most": self.at_most,
        }


@attrs.frozen(kw_only=True)
class ScoreResult:
    """One subject's score sheet in one period.

    ``total`` and ``band`` are None when unknown (an item without a default is missing, or a
    condition that decides is unknown). ``points_band`` is the band by points and floors
    alone; ``next_band`` the better band the total falls short of, by ``short`` points.
    """

    subject: str
    score: str
    label: Label
    period: str
    total: Decimal | None
    band: str | None
    band_label: Label | None
    points_band: str | None
    items: tuple[ScorePoints, ...]
    groups: tuple[ScorePoints, ...]
    bonus: ScorePoints | None
    deduction: ScorePoints | None
    checks: tuple[ScoreCheck, ...]
    next_band: str | None
    short: Decimal | None
    reasons: tuple[Reason, ...]
    ruleset: RulesetRef

    def item(self, item_id: str) -> ScorePoints:
        """The points of one item."""
        return next(item for item in self.items if item.id == item_id)

    def explain(self, lang: Language = "vi") -> str:
        """The sheet item by item, as ``emulation explain`` prints it."""
        return explain_sheet(self, lang)

    def to_dict(self, lang: Language = "vi") -> dict[str, Any]:
        """JSON-ready form with labels and reasons in ``lang``."""
        return {
            "subject": self.subject,
            "score": self.score,
            "label": self.label.get(lang),
            "period": self.period,
            "total": _text(self.total),
            "band": self.band,
            "band_label": None if self.band_label is None else self.band_label.get(lang),
            "points_band": self.points_band,
            "items": [item.to_dict(lang) for item in self.items],
            "groups": [group.to_dict(lang) for group in self.groups],
            "bonus": None if self.bonus is None else self.bonus.to_dict(lang),
            "deduction": None if self.deduction is None else self.deduction.to_dict(lang),
            "checks": [check.to_dict(lang) for check in self.checks],
            "next_band": self.next_band,
            "short": _text(self.short),
            "reasons": [reason.to_dict(lang) for reason in self.reasons],
            "ruleset": attrs.asdict(self.ruleset),
        }


def _text(value: Decimal | None) -> str | None:
    return None if value is None else show(value)


def score_result(
    sheet: ScoreSheet, ruleset: Ruleset, row: dict[str, Any], period: str
) -> ScoreResult:
    """The sheet ``sheet`` of the subject whose result row is ``row``."""

    def get(*parts: str) -> Any:
        return row.get(score_column(sheet.id, *parts))

    items = tuple(
        ScorePoints(
            id=item.id,
            label=item.label,
            points=get("item", item.id),
            raw=get("item", item.id, "raw"),
            max=item.max,
            basis=item.basis,
            group=item.group,
        )
        for item in sheet.items
    )
    groups = tuple(
        ScorePoints(
            id=group.id,
            label=group.label,
            points=get("group", group.id),
            raw=get("group", group.id, "raw"),
            max=group.max,
            basis=group.basis,
        )
        for group in sheet.groups
    )
    adjustments = [
        None
        if spec is None
        else ScorePoints(
            id=name,
            label=spec.label,
            points=get(name),
            raw=get(name, "raw"),
            max=spec.max,
            basis=spec.basis,
        )
        for name, spec in (("bonus", sheet.bonus), ("deduction", sheet.deduction))
    ]
    checks = tuple(
        [
            ScoreCheck(
                id=f.id,
                kind="floor",
                label=f.label,
                value=get("floor", f.id),
                basis=f.basis,
                certainty=f.certainty,
            )
            for f in sheet.floors
        ]
        + [
            ScoreCheck(
                id=r.id,
                kind="knockout" if r.at_most is None else "cap",
                label=r.label,
                value=get("knockout" if r.at_most is None else "cap", r.id),
                basis=r.basis,
                certainty=r.certainty,
                at_most=r.at_most,
            )
            for r in (*sheet.knockouts, *sheet.caps)
        ]
    )
    total, band = get("total"), get("band")
    points_band = sheet.band_order[get("points_band")] if get("points_band") is not None else None
    better = _next_band(sheet, total, points_band)
    short = None if better is None or better.min is None else better.min - total
    found = ScoreResult(
        subject=row["id"],
        score=sheet.id,
        label=sheet.label,
        period=period,
        total=total,
        band=band,
        band_label=None if band is None else sheet.band(band).label,
        points_band=points_band,
        items=items,
        groups=groups,
        bonus=adjustments[0],
        deduction=adjustments[1],
        checks=checks,
        next_band=None if better is None else better.id,
        short=short,
        reasons=(),
        ruleset=RulesetRef(
            id=ruleset.id, version=ruleset.version, content_hash=ruleset.content_hash
        ),
    )
    return attrs.evolve(found, reasons=score_reasons(sheet, found))


def _next_band(
    sheet: ScoreSheet, total: Decimal | None, points_band: str | None
) -> ScoreBand | None:
    """The band just above the band by points, when the total is short of its minimum (not
    when a floor or condition of it failed)."""
    if total is None or points_band is None:
        return None
    order = sheet.band_order
    rank = order.index(points_band)
    if rank == len(order) - 1:
        return None
    better = sheet.band(order[rank + 1])
    return better if better.min is not None and better.min > total else None


def score_reasons(sheet: ScoreSheet, result: ScoreResult) -> tuple[Reason, ...]:
    """Why the sheet came out as it did: the total and band, or what is missing; every
    capped part; the floor, knock-out or grade cap that held the band down; the points short
    of the next band."""

    reasons: list[Reason] = []
    if result.total is None or result.band is None:
        missing = [
            p.id for p in (*result.items, result.bonus, result.deduction) if p and p.points is None
        ]
        missing = missing or [c.id for c in result.checks if c.value is None]
        reasons.append(
            Reason(
                "score_unknown",
                _params(sheet.label, sheet.basis, missing=", ".join(missing) or "?"),
            )
        )
    else:
        reasons.append(
            Reason(
                "score_total",
                _params(
                    sheet.label,
                    sheet.basis,
                    total=show(result.total),
                    **_band_names(sheet, result.band),
                ),
            )
        )
    parts = [*result.items, *result.groups, result.bonus, result.deduction]
    for part in parts:
        if part is not None and part.capped and part.raw is not None:
            extra = {"raw": show(part.raw), "max": show(part.max if part.raw > 0 else Decimal(0))}
            reasons.append(Reason("score_capped", _params(part.label, part.basis, **extra)))
    reasons.extend(_held_down(sheet, result))
    if (
        result.short is not None
        and result.next_band is not None
        and result.band == result.points_band
    ):
        better = sheet.band(result.next_band)
        extra = {"short": show(result.short), **_band_names(sheet, better.id)}
        reasons.append(Reason("score_short", _params(better.label, better.basis, **extra)))
    return tuple(reasons)


def _params(label: Label, basis: str, **extra: str) -> tuple[tuple[str, str], ...]:
    """The parameters of a reason: the label in both languages, the basis and ``extra``."""
    items = {"label_vi": label.vi, "label_en": label.en, "basis": basis, **extra}
    return tuple(sorted(items.items()))


def _band_names(sheet: ScoreSheet, band_id: str) -> dict[str, str]:
    label = sheet.band(band_id).label
    return {"band_vi": label.vi, "band_en": label.en}


def _held_down(sheet: ScoreSheet, result: ScoreResult) -> list[Reason]:
    """The floors that kept a better band the total reaches, and the knock-outs and grade
    caps that apply."""
    reasons: list[Reason] = []
    order = sheet.band_order
    if result.total is not None and result.points_band is not None:
        for band in sheet.bands:
            if order.index(band.id) <= order.index(result.points_band):
                break
            if band.min is not None and band.min > result.total:
                continue
            for check in result.checks:
                if check.kind == "floor" and check.id in band.requires and check.value is False:
                    reasons.append(
                        Reason(
                            "score_floor_failed",
                            _params(check.label, check.basis, **_band_names(sheet, band.id)),
                        )
                    )
    lowest = order[0]
    for check in result.checks:
        if check.value is not True:
            continue
        if check.kind == "knockout":
            reasons.append(
                Reason(
                    "score_knockout",
                    _params(check.label, check.basis, **_band_names(sheet, lowest)),
                )
            )
        elif check.kind == "cap" and check.at_most is not None:
            reasons.append(
                Reason(
                    "score_grade_cap",
                    _params(check.label, check.basis, **_band_names(sheet, check.at_most)),
                )
            )
    return reasons


#: The words of :func:`explain_sheet` (msgctxt "sheet").
_WORDS = {
    "floor": C_("sheet", "floor"),
    "knockout": C_("sheet", "knock-out"),
    "cap": C_("sheet", "grade cap"),
    "scored": C_("sheet", "scored"),
    "score_sheet": C_("sheet", "Score sheet"),
    "total": C_("sheet", "Total"),
    "band": C_("sheet", "Band"),
    "group": C_("sheet", "group"),
    "at_most": C_("sheet", "at most"),
    "band_by_points": C_("sheet", "Band by points"),
    "bonus": C_("sheet", "bonus"),
    "deduction": C_("sheet", "deduction"),
}


def _points(part: ScorePoints, lang: Language) -> str:
    text = f"{show(part.points)} / {show(part.max)}"
    w = words(lang, "sheet", _WORDS)
    if part.capped:
        text += f" ({w['scored']} {show(part.raw)})"
    return text


def explain_sheet(result: ScoreResult, lang: Language) -> str:
    """The sheet: each group and item with its points and maximum, bonus and deduction,
    floors, knock-outs and caps with their values, total, band and reasons."""
    w = words(lang, "sheet", _WORDS)
    total = show(result.total)
    band = "∅" if result.band is None else result.band
    lines = [
        f"{w['score_sheet']} {result.score}: {result.label.get(lang)} "
        f"({result.ruleset.id} {result.ruleset.version})",
        f"  {w['total']}: {total}    {w['band']}: {band}"
        + ("" if result.band_label is None else f" ({result.band_label.get(lang)})"),
    ]
    for group in (*result.groups, None):
        members = [item for item in result.items if item.group == (group and group.id)]
        indent = "  "
        if group is not None:
            lines.append(
                f"  {w['group']} {group.id}: {group.label.get(lang)}: {_points(group, lang)}"
            )
            indent = "    "
        for item in members:
            lines.append(f"{indent}{item.id}: {item.label.get(lang)}: {_points(item, lang)}")
    for name, part in (
        (w["bonus"], result.bonus),
        (w["deduction"], result.deduction),
    ):
        if part is not None:
            lines.append(f"  {name}: {part.label.get(lang)}: {_points(part, lang)}")
    for check in result.checks:
        kind = w[check.kind]
        most = "" if check.at_most is None else f" → {w['at_most']} {check.at_most}"
        lines.append(f"  [{MARKS[check.value]}] {kind} {check.id}: {check.label.get(lang)}{most}")
    if result.points_band is not None and result.points_band != result.band:
        lines.append(f"  {w['band_by_points']}: {result.points_band}")
    lines += [f"  - {reason.render(lang)}" for reason in result.reasons]
    return "\n".join(lines) + "\n"
