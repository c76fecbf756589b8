"""Shared fixtures and the Hypothesis profiles (``dev`` default, ``ci`` with more examples).

Select a profile with ``HYPOTHESIS_PROFILE=ci``; ``.ci/run`` does.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

import emulation
from emulation.evaluate.prepared import PlanCache

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
BLOCK_VARIABLE = "EMULATION_DISABLE_PLUGINS"
#: What the variable held before the test session, restored for the tests that need it.
_BLOCKED_BEFORE = os.environ.get(BLOCK_VARIABLE, "")
# The core tests, like the outputs in the docs, are made with the state plugin alone: the
# other bundled plugins, when installed, are blocked from the start of the session, so that
# the engines built while collecting (case files of tests/rulesets) and by module or session
# fixtures do not see them either.
os.environ[BLOCK_VARIABLE] = ",".join(
    name for name in (*_BLOCKED_BEFORE.split(","), *ORGANISATION_PLUGINS) if name.strip()
)


@pytest.fixture(autouse=True)
def _organisation_plugins(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    """A test marked ``organisation_plugins`` runs with every installed plugin (the blocking
    this module sets for the session is lifted for it)."""
    if request.node.get_closest_marker("organisation_plugins") is None:
        return
    if _BLOCKED_BEFORE:
        monkeypatch.setenv(BLOCK_VARIABLE, _BLOCKED_BEFORE)
    else:
        monkeypatch.delenv(BLOCK_VARIABLE, raising=False)


@pytest.hookimpl(wrapper=True)
def pytest_pyfunc_call(pyfuncitem: pytest.Function) -> object:
    """A test that patches the library (it asks for ``monkeypatch`` itself) runs on engines
    that keep no plan or compiled rules from before the patch, and leaves none made with it:
    engines keep what they compiled per request (``evaluate/compiled.py``), and so do the
    variants of an engine the property checks keep."""
    if "monkeypatch" not in pyfuncitem._fixtureinfo.argnames:
        return (yield)
    PlanCache.clear_every()
    try:
        return (yield)
    finally:
        PlanCache.clear_every()


@pytest.fixture(scope="session")
def state_engine() -> emulation.Engine:
    """An engine with the bundled state rulesets and no installed plugins."""
    return emulation.build_engine(entry_points=False, ruleset_paths=[STATE_RULESETS])
