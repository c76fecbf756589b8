"""Shared fixtures and the Hypothesis profiles (``dev`` default, ``ci`` with more examples).

Select a profile with ``HYPOTHESIS_PROFILE=ci``; ``.ci/run`` does.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

import emulation

settings.register_profile("dev", max_examples=50, deadline=None)
settings.register_profile(
    "ci", max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "dev"))

ROOT = Path(__file__).resolve().parents[1]
STATE_RULESETS = ROOT / "rulesets" / "state"


@pytest.fixture(scope="session")
def state_engine() -> emulation.Engine:
    """An engine with the bundled state rulesets and no installed plugins."""
    return emulation.build_engine(entry_points=False, ruleset_paths=[STATE_RULESETS])
