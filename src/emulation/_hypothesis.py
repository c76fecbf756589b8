"""The ``hypothesis`` entry point: Hypothesis calls :func:`setup` when it is imported.

It imports :mod:`emulation.strategies`, which registers a strategy for each input type, so
``st.from_type(Subject)`` works without configuration. When it is ``emulation.strategies``
that is importing Hypothesis (the module is half-initialised), nothing is done here: the
module registers its strategies itself when it finishes.
"""

from __future__ import annotations

import importlib
import sys


def setup() -> None:
    """Register emulation's strategies with Hypothesis."""
    loading = sys.modules.get("emulation.strategies")
    if loading is not None and not hasattr(loading, "register"):
        return
    importlib.import_module("emulation.strategies").register()
