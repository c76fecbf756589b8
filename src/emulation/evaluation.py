"""Public import path kept for compatibility: the code lives in :mod:`emulation.results.evaluation`."""

from emulation.results.evaluation import (
    Evaluation,
)

__all__ = [
    "Evaluation",
]
