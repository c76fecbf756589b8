"""Public import path kept for compatibility: the code lives in :mod:`emulation.results.decision`."""

from emulation.results.decision import (
    CriterionResult,
    Decision,
    Gap,
    QuotaPosition,
    Reason,
    RulesetRef,
)

__all__ = [
    "CriterionResult",
    "Decision",
    "Gap",
    "QuotaPosition",
    "Reason",
    "RulesetRef",
]
