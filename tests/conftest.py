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
#: The organisation plugins bundled beside ``state`` under ``plugins/``.
ORGANISATION_PLUGINS = tuple(
    sorted(p.name for p in (ROOT / "plugins").iterdir() if p.is_dir() and p.name != "state")
)


@pytest.fixture(autouse=True)
def _state_plugin_alone(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    """The core tests, like the outputs in the docs, are made with the state plugin alone:
    the other bundled plugins, when installed, are blocked (``EMULATION_DISABLE_PLUGINS``)
    unless the test is marked ``organisation_plugins``."""
    if request.node.get_closest_marker("organisation_plugins") is not None:
        return
    already = os.environ.get("EMULATION_DISABLE_PLUGINS", "")
    names = [name for name in already.split(",") if name.strip()] + list(ORGANISATION_PLUGINS)
    if names:
        monkeypatch.setenv("EMULATION_DISABLE_PLUGINS", ",".join(names))


@pytest.fixture(scope="session")
def state_engine() -> emulation.Engine:
    """An engine with the bundled state rulesets and no installed plugins."""
    return emulation.build_engine(entry_points=False, ruleset_paths=[STATE_RULESETS])
