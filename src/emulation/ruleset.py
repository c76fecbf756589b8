"""Public import path kept for compatibility: the code lives in :mod:`emulation.rules.model`."""

from emulation.rules.model import (
    Award,
    AwardKind,
    Bonus,
    Consumption,
    FactDecl,
    Label,
    LegalReference,
    Parameter,
    ParameterValue,
    Quota,
    RankKey,
    Rule,
    Ruleset,
    ServiceRule,
)

__all__ = [
    "Award",
    "AwardKind",
    "Bonus",
    "Consumption",
    "FactDecl",
    "Label",
    "LegalReference",
    "Parameter",
    "ParameterValue",
    "Quota",
    "RankKey",
    "Rule",
    "Ruleset",
    "ServiceRule",
]
