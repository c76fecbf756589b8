"""Identifier types, the closed vocabularies of the engine (value types, outcomes, ...) and the
two small value types every layer shares: :data:`ParameterValue` and :class:`Label`."""

from __future__ import annotations

from decimal import Decimal
from typing import Literal, NewType

import attrs

AwardId = NewType("AwardId", str)
RulesetId = NewType("RulesetId", str)
FactName = NewType("FactName", str)

#: The value types of the rule language.
ValueType = Literal["bool", "int", "decimal", "enum", "text"]
VALUE_TYPES: tuple[ValueType, ...] = ("bool", "int", "decimal", "enum", "text")

#: A plain value of the rule language: a literal, a parameter's value, a fact's default.
ParameterValue = bool | int | Decimal | str

#: Certainty tags of a legal basis (shared domain brief §0).
Certainty = Literal["C", "C*", "R", "U"]
CERTAINTIES: tuple[Certainty, ...] = ("C", "C*", "R", "U")

#: Outcomes of a decision.
#: ``tied``: eligible, but tied with others across the quota's cap after every ranking key;
#: the competent authority settles it (Cần Thơ QĐ 2579/QĐ-UBND Art 8(2)).
#: ``eligible_over_budget``: eligible, but the award's fund could not cover it.
Outcome = Literal[
    "granted",
    "eligible_over_quota",
    "tied",
    "not_eligible",
    "blocked",
    "data_missing",
    "eligible_over_budget",
]
OUTCOMES: tuple[Outcome, ...] = (
    "granted",
    "eligible_over_quota",
    "tied",
    "not_eligible",
    "blocked",
    "data_missing",
    "eligible_over_budget",
)

Language = Literal["vi", "en"]
LANGUAGES: tuple[Language, ...] = ("vi", "en")


@attrs.frozen
class Label:
    """A text in Vietnamese and English."""

    vi: str
    en: str

    def get(self, lang: Language) -> str:
        """The text in ``lang`` (``"vi"`` or ``"en"``)."""
        return self.vi if lang == "vi" else self.en


#: Decimal places every exact decimal (score, money, threshold) carries.
DECIMAL_SCALE = 6


def within_scale(number: Decimal) -> bool:
    """Whether ``number`` has at most :data:`DECIMAL_SCALE` decimal places."""
    exponent = number.as_tuple().exponent
    return isinstance(exponent, int) and exponent >= -DECIMAL_SCALE
