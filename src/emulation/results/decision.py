"""Decisions that explain themselves: outcome, every criterion with the values it read, reasons.

A :class:`Decision` is built from one row of an evaluation's result frame on demand (see
:meth:`emulation.Evaluation.decisions`); large runs stay columnar until then.
"""

from __future__ import annotations

import functools
from decimal import Decimal
from typing import Any, Protocol

import attrs

from emulation.messages import CATALOGUE, render
from emulation.rules.model import Label, Role
from emulation.types import Language, Outcome


@attrs.frozen
class Reason:
    """A stable reason ``code`` with its parameters; :meth:`render` gives the sentence."""

    code: str = attrs.field(validator=attrs.validators.in_(tuple(CATALOGUE)))
    params: tuple[tuple[str, str], ...] = ()

    def render(self, lang: Language = "vi") -> str:
        """The reason as a sentence in ``lang`` (``"vi"`` or ``"en"``)."""
        return render(self.code, dict(self.params), lang)

    def to_dict(self, lang: Language = "vi") -> dict[str, Any]:
        """JSON-ready form: code, parameters and the rendered message."""
        return {"code": self.code, "params": dict(self.params), "message": rendered(self, lang)}


@functools.lru_cache(maxsize=1 << 16)
def rendered(reason: Reason, lang: Language) -> str:
    """``reason.render(lang)``, rendered once per distinct reason (code and parameters): the
    reasons of a large run repeat, and rendering one (a template, numbers written the way the
    language writes them) costs more than looking it up."""
    return reason.render(lang)


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
    #: The award path the criterion belongs to; None for the award's own rules.
    path: str | None = None
    #: The parameters the rule reads that have no value for the period (see the reason
    #: ``parameter_unset``), sorted.
    unset: tuple[str, ...] = ()

    def to_dict(self, lang: Language = "vi") -> dict[str, Any]:
        """JSON-ready form (``path`` only for a criterion of an award path)."""
        found = {} if self.path is None else {"path": self.path}
        return found | {
            "gap": None if self.gap is None else self.gap.to_dict(),
            "id": self.id,
            "role": self.role,
            "value": self.value,
            "label": self.label.get(lang),
            "basis": self.basis,
            "certainty": self.certainty,
            "inputs": {name: _json_value(value) for name, value in self.inputs},
        }


class Scored(Protocol):
    """What a decision holds of a score sheet it read (a
    :class:`~emulation.results.scores.ScoreResult`): its id and its JSON form."""

    @property
    def score(self) -> str:
        """The sheet's id."""

    def explain(self, lang: Language = "vi") -> str:
        """The sheet item by item, for a person."""

    def to_dict(self, lang: Language = "vi") -> dict[str, Any]:
        """JSON-ready form."""


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
    #: The ids of the other subjects that share this subject's rank in its quota group.
    tied_with: tuple[str, ...] = ()
    #: The score sheets the award reads, each as the subject's sheet.
    scores: tuple[Scored, ...] = ()
    #: For an award with a budget: the amount granted (or, when the fund could not cover
    #: it, the amount asked), the fund of the subject's group, and what remained of it.
    amount: Decimal | None = None
    fund: Decimal | None = None
    fund_remaining: Decimal | None = None

    #: Every path of an award reached by alternative paths, in declared order, with its value.
    paths: tuple[PathResult, ...] = ()

    @property
    def held(self) -> tuple[str, ...]:
        """The ids of the award paths that hold, in declared order."""
        return tuple(path.id for path in self.paths if path.value is True)

    @property
    def path(self) -> str | None:
        """The path used: the first path that holds (None without paths, or when none holds)."""
        return next(iter(self.held), None)

    def to_dict(self, lang: Language = "vi") -> dict[str, Any]:
        """JSON-ready form with labels and reasons rendered in ``lang``; ``scores`` only when
        the award reads a score sheet; ``path`` and ``paths`` only when it has paths."""
        found: dict[str, Any] = (
            {"scores": [s.to_dict(lang) for s in self.scores]} if self.scores else {}
        )
        if self.paths:
            found["path"] = self.path
            found["paths"] = [path.to_dict(lang) for path in self.paths]
        if self.fund is not None or self.amount is not None:
            found |= {
                "amount": _json_value(self.amount),
                "fund": _json_value(self.fund),
                "fund_remaining": _json_value(self.fund_remaining),
            }
        return found | {
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
            "tied_with": list(self.tied_with),
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
    #: The other subjects sharing the rank after every ranking key, as shown to people.
    tied: tuple[str, ...] = ()
    #: The subjects ranked within the cap of the group who do not qualify, as shown to people
    #: (a quota that ranks every candidate: their places are not passed on).
    unqualified: tuple[str, ...] = ()
    #: The quota group (unit, cluster), as shown to people.
    group: str = ""


@attrs.frozen(kw_only=True)
class PathResult:
    """One path of an award: whether all its criteria hold (None: unknown), and their ids."""

    id: str
    label: Label
    basis: str
    certainty: str
    value: bool | None
    criteria: tuple[str, ...]

    def to_dict(self, lang: Language = "vi") -> dict[str, Any]:
        """JSON-ready form."""
        return {
            "id": self.id,
            "label": self.label.get(lang),
            "basis": self.basis,
            "certainty": self.certainty,
            "value": self.value,
            "criteria": list(self.criteria),
        }


def _json_value(value: Any) -> Any:
    if value is None or isinstance(value, (bool, int, str)):
        return value
    return str(value)
