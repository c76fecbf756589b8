"""Identifier types and the closed vocabularies of the engine (value types, outcomes, ...)."""

from __future__ import annotations

from typing import Literal, NewType

AwardId = NewType("AwardId", str)
RulesetId = NewType("RulesetId", str)
FactName = NewType("FactName", str)

#: The value types of the rule language.
ValueType = Literal["bool", "int", "decimal", "enum", "text"]
VALUE_TYPES: tuple[ValueType, ...] = ("bool", "int", "decimal", "enum", "text")

#: Certainty tags of a legal basis (shared domain brief §0).
Certainty = Literal["C", "C*", "R", "U"]
CERTAINTIES: tuple[Certainty, ...] = ("C", "C*", "R", "U")

#: Outcomes of a decision.
Outcome = Literal["granted", "eligible_over_quota", "not_eligible", "blocked", "data_missing"]
OUTCOMES: tuple[Outcome, ...] = (
    "granted",
    "eligible_over_quota",
    "not_eligible",
    "blocked",
    "data_missing",
)

Language = Literal["vi", "en"]
LANGUAGES: tuple[Language, ...] = ("vi", "en")
