"""KPI results that explain themselves: one node of the organisation tree, one KPI.

A :class:`KpiResult` is built from one row of an evaluation's KPI frame (see
:meth:`emulation.Evaluation.kpi_results`): the counts, the exact share, the target and where
it came from, the outcome (``met``, ``not_met``, ``data_missing``), how many more (or fewer)
counted subjects would meet the target, and the reasons in Vietnamese and English.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

import attrs

from emulation.i18n import C_, L_, words
from emulation.messages import percent
from emulation.results.decision import Reason
from emulation.rules.kpis import Kpi
from emulation.rules.model import Ruleset
from emulation.types import Label, Language

#: What counted subjects are called when a KPI names no ``noun``.
DEFAULT_NOUNS = {
    "person": L_("kpi noun", "persons"),
    "collective": L_("kpi noun", "collectives"),
}

#: How a KPI outcome is written for people.
KPI_OUTCOME_LABELS = {
    "met": L_("kpi outcome", "Met"),
    "not_met": L_("kpi outcome", "Not met"),
    "data_missing": L_("kpi outcome", "Data missing"),
}


@attrs.frozen(kw_only=True)
class KpiResult:
    """A KPI at one node: counts, share, target, outcome, what is needed, and the reasons.

    ``value`` is the share ``numerator / denominator`` rounded half-up to 6 places (None when
    it cannot be computed); the outcome and ``needed`` are computed exactly from the counts.
    ``target_source`` is ``"parameter"`` (the ruleset's dated ``target``), ``"override"`` (the
    node's own value of the ``override`` fact) or None when there is no target value.
    """

    kpi: str
    label: Label
    basis: str
    certainty: str
    node: str
    node_name: str | None
    level: str
    level_label: Label | None
    period: str
    numerator: int
    denominator: int
    unknown: int
    value: Decimal | None
    target: Decimal | None
    target_source: str | None
    target_parameter: str
    override_fact: str | None
    comparison: str
    outcome: str
    needed: int | None
    reasons: tuple[Reason, ...]
    ruleset: str
    version: str
    #: Who is counted (``person``, ``collective``), and the conditions as written.
    subject: str = "person"
    scope: str = "subtree"
    numerator_condition: str = ""
    denominator_condition: str | None = None

    def to_dict(self, lang: Language = "vi") -> dict[str, Any]:
        """JSON-ready form; decimals as text so they stay exact."""
        return {
            "kpi": self.kpi,
            "label": self.label.get(lang),
            "basis": self.basis,
            "certainty": self.certainty,
            "node": self.node,
            "node_name": self.node_name,
            "level": self.level,
            "level_label": None if self.level_label is None else self.level_label.get(lang),
            "period": self.period,
            "numerator": self.numerator,
            "denominator": self.denominator,
            "unknown": self.unknown,
            "value": _text(self.value),
            "target": _text(self.target),
            "target_source": self.target_source,
            "target_parameter": self.target_parameter,
            "override_fact": self.override_fact,
            "comparison": self.comparison,
            "outcome": self.outcome,
            "outcome_label": KPI_OUTCOME_LABELS[self.outcome].get(lang),
            "needed": self.needed,
            "reasons": [reason.to_dict(lang) for reason in self.reasons],
            "ruleset": self.ruleset,
            "version": self.version,
            "subject": self.subject,
            "scope": self.scope,
            "numerator_condition": self.numerator_condition,
            "denominator_condition": self.denominator_condition,
        }


def kpi_result(
    kpi: Kpi,
    ruleset: Ruleset,
    row: Mapping[str, Any],
    node_name: str | None,
    usual_target: Any,
) -> KpiResult:
    """The result of one row of the KPI frame; ``usual_target`` is the parameter's value."""
    return KpiResult(
        kpi=kpi.id,
        label=kpi.label,
        basis=kpi.basis,
        certainty=kpi.certainty,
        node=row["node"],
        node_name=node_name,
        level=row["level"],
        level_label=ruleset.levels[row["level"]].label if row["level"] in ruleset.levels else None,
        period=row["period"],
        numerator=row["numerator"],
        denominator=row["denominator"],
        unknown=row["unknown"],
        value=row["value"],
        target=row["target"],
        target_source=row["target_source"],
        target_parameter=kpi.target,
        override_fact=kpi.override,
        comparison=kpi.comparison,
        outcome=row["outcome"],
        needed=row["needed"],
        reasons=kpi_reasons(kpi, row, usual_target),
        ruleset=ruleset.id,
        version=ruleset.version,
        subject=kpi.subject if kpi.subject_level is None else f"collective:{kpi.subject_level}",
        scope=kpi.scope,
        numerator_condition=kpi.numerator.expr,
        denominator_condition=None if kpi.denominator is None else kpi.denominator.expr,
    )


def kpi_reasons(kpi: Kpi, row: Mapping[str, Any], usual_target: Any) -> tuple[Reason, ...]:
    """Why the KPI has its outcome at the node: the missing data, or the share against the
    target (and the node's own target, when it applies)."""
    noun = kpi.noun or DEFAULT_NOUNS[kpi.subject]
    common = {
        "label_vi": kpi.label.vi,
        "label_en": kpi.label.en,
        "noun_vi": noun.vi,
        "noun_en": noun.en,
        "basis": kpi.basis,
        "kpi": kpi.id,
    }

    def reason(code: str, **extra: Any) -> Reason:
        params = {**common, **{key: str(value) for key, value in extra.items()}}
        return Reason(code, tuple(sorted(params.items())))

    reasons: list[Reason] = []
    if row["unknown"]:
        reasons.append(reason("kpi_unknown", unknown=row["unknown"]))
    elif row["denominator"] == 0:
        reasons.append(reason("kpi_empty"))
    if row["target"] is None:
        reasons.append(reason("kpi_no_target", parameter=kpi.target, period=row["period"]))
    elif row["target_source"] == "override":
        usual = "∅" if usual_target is None else usual_target
        reasons.append(
            reason("kpi_override", fact=kpi.override, target=row["target"], usual_target=usual)
        )
    if row["outcome"] in ("met", "not_met"):
        counts = {
            "share": row["value"],
            "target": row["target"],
            "numerator": row["numerator"],
            "denominator": row["denominator"],
            "needed": row["needed"],
        }
        code = "kpi_met" if row["outcome"] == "met" else "kpi_not_met"
        if code == "kpi_not_met" and kpi.comparison in ("<=", "<"):
            code = "kpi_over_limit"
        reasons.append(reason(code, **counts))
    return tuple(reasons)


#: The words of :func:`explain_kpi` (msgctxt "kpi").
_WORDS = {
    "own": C_("kpi", "the node's own, fact {fact}"),
    "subtree": C_("kpi", "the whole subtree"),
    "direct": C_("kpi", "direct members"),
    "parameter": C_("kpi", "parameter"),
    "kpi": C_("kpi", "KPI"),
    "period": C_("kpi", "Period"),
    "node": C_("kpi", "Node"),
    "level": C_("kpi", "Level"),
    "basis": C_("kpi", "Basis"),
    "ruleset": C_("kpi", "Ruleset"),
    "outcome": C_("kpi", "Outcome"),
    "counted": C_("kpi", "Counted"),
    "denominator": C_("kpi", "Denominator"),
    "numerator": C_("kpi", "Numerator"),
    "unknown": C_("kpi", "Unknown"),
    "share": C_("kpi", "Share"),
    "target": C_("kpi", "Target"),
    "needed": C_("kpi", "Needed"),
    "reasons": C_("kpi", "Reasons:"),
}


def explain_kpi(result: KpiResult, lang: Language) -> str:
    """A KPI at one node written out for a person: the node, the conditions, the counts, the
    share against the target and where the target came from, the outcome and the reasons."""
    w = words(lang, "kpi", _WORDS)
    shown = (
        "∅"
        if result.value is None
        else f"{percent(str(result.value), lang)} ({_text(result.value)})"
    )
    if result.target is None:
        target = "∅"
    else:
        target = f"{percent(str(result.target), lang)} ({_text(result.target)})"
    if result.target_source == "override":
        source = w["own"].format(fact=result.override_fact)
    else:
        source = f"{w['parameter']} {result.target_parameter}"
    level = result.level_label.get(lang) if result.level_label else result.level
    scope = w[result.scope]
    lines = [
        f"{w['kpi']}: {result.label.get(lang)} ({result.kpi})    {w['period']}: {result.period}",
        f"{w['node']}: {result.node}"
        + (f" ({result.node_name})" if result.node_name else "")
        + f"    {w['level']}: {level} ({result.level})",
        f"{w['basis']}: {result.basis} ({result.certainty})",
        f"{w['ruleset']}: {result.ruleset} {result.version}",
        f"{w['outcome']}: {KPI_OUTCOME_LABELS[result.outcome].get(lang)} ({result.outcome})",
        "",
        f"{w['counted']}: {result.subject}, {scope}",
        f"{w['denominator']}: {result.denominator_condition or '—'} → {result.denominator}",
        f"{w['numerator']}: {result.numerator_condition} → {result.numerator}",
        f"{w['unknown']}: {result.unknown}",
        f"{w['share']}: {shown}",
        f"{w['target']}: {result.comparison} {target}"
        + (f" ({source})" if result.target is not None else ""),
        f"{w['needed']}: {'∅' if result.needed is None else result.needed}",
        "",
        w["reasons"],
        *(f"  - {reason.render(lang)}" for reason in result.reasons),
    ]
    return "\n".join(lines) + "\n"


def _text(value: Decimal | None) -> str | None:
    return None if value is None else format(value.normalize(), "f")
