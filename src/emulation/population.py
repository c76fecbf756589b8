"""Public import path kept for compatibility: the code lives in :mod:`emulation.data.population`."""

from emulation.data.population import (
    Population,
)

__all__ = [
    "Population",
]
