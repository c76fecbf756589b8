"""The decision date, and the parameter values bonus money is computed with.

Decree 152/2025/NĐ-CP Art 49(1) computes bonus money from "mức lương cơ sở tại thời điểm
quyết định": the base salary in force **on the day the award is decided**, not on the last day
of the period the achievement was earned in (year-end titles are decided in the first months
of the next year, and the base salary changes on 1 July). An evaluation therefore takes a
``decision_date``; the dated parameters a bonus reads (its coefficient, its base and its
rounding step) are read on that day. Every other parameter is still read on the period's last
day. Without a decision date the evaluation's cut-off (``as_of``, itself the period's last day
by default) stands in for it, which is how bonuses were computed before.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

import attrs

from emulation.errors import PeriodError
from emulation.i18n import C_, translator
from emulation.rules.model import ParameterRef, ParameterValue, Ruleset
from emulation.types import Label, RulesetId

#: How the day the bonus was read on is said (msgctxt "bonus day").
_DEFAULT_DAY = C_(
    "bonus day", "on {day}: no decision date given, the day achievements are counted to"
)
_DECISION_DAY = C_("bonus day", "on the decision date {day}")


@attrs.frozen(kw_only=True)
class BonusShown:
    """A bonus as its reason shows it: the amount and how it was computed, with the base
    salary named and the day it was read on."""

    amount: Decimal
    coefficient: str
    base: str
    step: str
    basis: str
    #: The label of the base parameter ("Mức lương cơ sở" / "Base salary").
    base_label: Label
    #: The day the coefficient, base and step were read on.
    day: dt.date
    #: True when the evaluation was given no decision date (``day`` is its cut-off).
    default_day: bool

    def params(self) -> dict[str, str]:
        """The parameters of the ``bonus`` reason, but the award's label and basis."""
        days = {"vi": self.day.strftime("%d/%m/%Y"), "en": self.day.isoformat()}
        when = _DEFAULT_DAY if self.default_day else _DECISION_DAY
        when_vi, when_en = (
            translator(lang).pgettext("bonus day", when).format(day=days[lang])
            for lang in ("vi", "en")
        )
        return {
            "amount": f"{self.amount:f}",
            "coefficient": self.coefficient,
            "base": self.base,
            "step": self.step,
            "base_label_vi": self.base_label.vi,
            "base_label_en": self.base_label.en,
            "when_vi": when_vi,
            "when_en": when_en,
            "decision_date": self.day.isoformat(),
        }


def decision_day(cut_off: dt.date, decision_date: dt.date | str | None) -> dt.date:
    """The day bonus money is computed on: ``decision_date`` (a date, or ISO ``YYYY-MM-DD``
    text) when given, else ``cut_off``. A decision cannot come before the day its achievements
    are counted to, so a ``decision_date`` before ``cut_off`` is a :class:`PeriodError`."""
    if decision_date is None:
        return cut_off
    if isinstance(decision_date, str):
        try:
            decision_date = dt.date.fromisoformat(decision_date.strip())
        except ValueError:
            raise PeriodError(
                f"decision_date {decision_date!r} is not a date written YYYY-MM-DD"
            ) from None
    if isinstance(decision_date, dt.datetime) or not isinstance(decision_date, dt.date):
        raise PeriodError(f"decision_date must be a date, not {decision_date!r}")
    if decision_date < cut_off:
        raise PeriodError(
            f"decision_date {decision_date} is before {cut_off}, the day the evaluation counts "
            "achievements to: an award is decided after its achievements"
        )
    return decision_date


def bonus_parameter_names(ruleset: Ruleset) -> set[str]:
    """The parameters the bonuses of ``ruleset``'s awards read (coefficient, base, step)."""
    names: set[str] = set()
    for award in ruleset.awards.values():
        bonus = award.bonus
        if bonus is None:
            continue
        names.add(bonus.base)
        for part in (bonus.coefficient, bonus.round_up_to):
            if isinstance(part, ParameterRef):
                names.add(part.name)
    return names


def money_parameters(
    rulesets: Sequence[Ruleset],
    values: Mapping[RulesetId, Mapping[str, ParameterValue | None]],
    day: dt.date,
    overrides: Mapping[str, Any],
) -> dict[str, dict[str, Any]]:
    """``values`` (the parameter values of each ruleset, by ruleset id) with the parameters a
    bonus reads taken on ``day`` instead; an overridden parameter keeps its override."""
    found: dict[str, dict[str, Any]] = {}
    for ruleset in rulesets:
        chosen = dict(values.get(ruleset.id, {}))
        for name in bonus_parameter_names(ruleset):
            if name in ruleset.parameters and name not in overrides:
                chosen[name] = ruleset.parameters[name].value_on(day)
        found[ruleset.id] = chosen
    return found
