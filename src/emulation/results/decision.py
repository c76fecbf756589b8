"""Decisions that explain themselves: outcome, every criterion with the values it read, reasons.

A :class:`Decision` is built from one row of an evaluation's result frame on demand (see
:meth:`emulation.Evaluation.decisions`); large runs stay columnar until then.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

import attrs

from emulation.results.reasons import CATALOGUE, render
from emulation.rules.model import Label, Role
from emulation.types import Outcome


@attrs.frozen
class Reason:
    """A stable reason ``code`` with its parameters; :meth:`render` gives the sentence."""

    code: str = attrs.field(validator=attrs.validators.in_(tuple(CATALOGUE)))
    params: tuple[tuple[str, str], ...] = ()

    def render(self, lang: str = "vi") -> str:
        """The reason as a sentence in ``lang`` (``"vi"`` or ``"en"``)."""
        return render(self.code, dict(self.params), lang)

    def to_dict(self, lang: str = "vi") -> dict[str, Any]:
        """JSON-ready form: code, parameters and the rendered message."""
        return {"code": self.code, "params": dict(self.params), "message": self.render(lang)}


@attrs.frozen(kw_only=True)
class Gap:
    """For a rule that compares two numbers: the value the subject has and the one it needs.

    ``first_period`` is the earliest period in which time alone could close the gap (a streak
    or a length of service that keeps growing), when the compared value is such a one.
    """

    op: str
    has: Any
    needs: Any
    first_period: str | None = None
    unit: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {
            "op": self.op,
            "has": _json_value(self.has),
            "needs": _json_value(self.needs),
            "first_period": self.first_period,
            "unit": self.unit,
        }


@attrs.frozen(kw_only=True)
class CriterionResult:
    """The value of one criterion, exclusion or blocking state, and the inputs it read.

    ``value`` is True, False or None (unknown: an input it needs is missing).
    """

    id: str
    role: Role
    value: bool | None
    label: Label
    basis: str
    certainty: str
    inputs: tuple[tuple[str, Any], ...]
    gap: Gap | None = None

    def to_dict(self, lang: str = "vi") -> dict[str, Any]:
        """JSON-ready form."""
        return {
            "gap": None if self.gap is None else self.gap.to_dict(),
            "id": self.id,
            "role": self.role,
            "value": self.value,
            "label": self.label.get(lang),
            "basis": self.basis,
            "certainty": self.certainty,
            "inputs": {name: _json_value(value) for name, value in self.inputs},
        }


@attrs.frozen(kw_only=True)
class RulesetRef:
    """Which ruleset version decided: id, version and the SHA-256 of its file."""

    id: str
    version: str
    content_hash: str


@attrs.frozen(kw_only=True)
class Decision:
    """One subject's outcome for one award in one period, with its explanation."""

    subject: str
    award: str
    award_label: Label
    period: str
    outcome: Outcome
    criteria: tuple[CriterionResult, ...]
    reasons: tuple[Reason, ...]
    ruleset: RulesetRef
    engine_version: str
    input_hash: str
    rank: int | None = None
    cap: int | None = None
    bonus: Decimal | None = None
    evidence: tuple[str, ...] = ()

    def to_dict(self, lang: str = "vi") -> dict[str, Any]:
        """JSON-ready form with labels and reasons rendered in ``lang``."""
        return {
            "subject": self.subject,
            "award": self.award,
            "award_label": self.award_label.get(lang),
            "period": self.period,
            "outcome": self.outcome,
            "criteria": [criterion.to_dict(lang) for criterion in self.criteria],
            "reasons": [reason.to_dict(lang) for reason in self.reasons],
            "ruleset": attrs.asdict(self.ruleset),
            "engine_version": self.engine_version,
            "input_hash": self.input_hash,
            "rank": self.rank,
            "cap": self.cap,
            "bonus": None if self.bonus is None else str(self.bonus),
            "evidence": list(self.evidence),
        }


@attrs.frozen(kw_only=True)
class QuotaPosition:
    """Where an eligible subject stands in its quota group."""

    label: Label
    basis: str
    rank: int
    cap: int
    denominator: int | None
    ratio: str | None


def reasons_for(
    outcome: str,
    award_label: Label,
    criteria: tuple[CriterionResult, ...],
    quota: QuotaPosition | None = None,
    bonus: tuple[Decimal, str, str, str, str] | None = None,
) -> tuple[Reason, ...]:
    """The reasons of a decision: what made the outcome what it is, with legal bases.

    ``bonus`` is ``(amount, coefficient, base, step, basis)`` for a granted award that pays one.
    """
    reasons: list[Reason] = []
    if outcome in ("granted", "eligible_over_quota"):
        if outcome == "granted":
            reasons.append(Reason("granted", _params(award_label, "", {})))
        if quota is not None:
            of = "" if quota.denominator is None else f" = {quota.ratio} × {quota.denominator}"
            code = "within_quota" if outcome == "granted" else "over_quota"
            extra = {"rank": str(quota.rank), "cap": str(quota.cap), "of": of}
            reasons.append(Reason(code, _params(quota.label, quota.basis, extra)))
        if bonus is not None and outcome == "granted":
            amount, coefficient, base, step, basis = bonus
            extra = {
                "amount": f"{amount:f}",
                "coefficient": coefficient,
                "base": base,
                "step": step,
            }
            reasons.append(Reason("bonus", _params(award_label, basis, extra)))
        reasons.extend(
            Reason("criterion_met", _params(c.label, c.basis, {"criterion": c.id}))
            for c in criteria
            if c.role == "criterion"
        )
        return tuple(reasons)
    for criterion in criteria:
        found = _code(outcome, criterion)
        if found is None:
            continue
        code = found
        extra = {"criterion": criterion.id, "values": _values(criterion.inputs)}
        if criterion.value is None:
            missing = [name for name, value in criterion.inputs if value in (None, "data_missing")]
            extra["missing"] = ", ".join(missing) or "?"
        reasons.append(Reason(code, _params(criterion.label, criterion.basis, extra)))
        gap = criterion.gap
        if code == "criterion_failed" and gap is not None and gap.has is not None:
            numbers = {
                "criterion": criterion.id,
                "op": {">=": "≥", "<=": "≤"}.get(gap.op, gap.op),
                "needs": _text(gap.needs),
                "has": _text(gap.has),
            }
            if gap.first_period is not None:
                numbers["first_period"] = gap.first_period
            if gap.unit is not None:
                numbers["unit"] = gap.unit
            kind = "gap_in_time" if gap.first_period is not None else "gap"
            reasons.append(Reason(kind, _params(criterion.label, criterion.basis, numbers)))
    return tuple(reasons)


def _code(outcome: str, criterion: CriterionResult) -> str | None:
    role, value = criterion.role, criterion.value
    if outcome == "blocked":
        return "blocked" if role == "blocking" and value is True else None
    if outcome == "not_eligible":
        if role == "exclusion" and value is True:
            return "exclusion_applies"
        if role == "criterion" and value is False:
            return "criterion_failed"
        return None
    if outcome == "data_missing" and value is None:
        return {"criterion": "criterion_unknown", "exclusion": "exclusion_unknown"}.get(
            role, "blocking_unknown"
        )
    return None


def _params(label: Label, basis: str, extra: Mapping[str, str]) -> tuple[tuple[str, str], ...]:
    items = {"label_vi": label.vi, "label_en": label.en, "basis": basis, **extra}
    return tuple(sorted(items.items()))


def _values(inputs: tuple[tuple[str, Any], ...]) -> str:
    return ", ".join(f"{name}={_text(value)}" for name, value in inputs) or "—"


def _text(value: Any) -> str:
    if value is None:
        return "∅"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    return str(value)


def _json_value(value: Any) -> Any:
    if value is None or isinstance(value, (bool, int, str)):
        return value
    return str(value)
