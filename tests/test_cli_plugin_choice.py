"""``--plugin NAME``: only the named installed plugins' rulesets are used (the rules of one
organisation for its own data), the built-ins stay, and an unknown name is an error that lists
the installed plugins."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from emulation._plugins import blocked_except
from emulation.cli import main
from emulation.errors import EmulationError

UNION = str(Path(__file__).parents[1] / "examples" / "union.json")

pytestmark = pytest.mark.organisation_plugins


def awards(capsys: pytest.CaptureFixture[str], *options: str) -> set[str]:
    status = main(["evaluate", UNION, "--period", "2024", "--format", "json", *options])
    out = capsys.readouterr().out
    assert status == 0, out
    return {decision["award"] for decision in json.loads(out)["decisions"]}


def test_only_the_named_plugins_rules_are_used(capsys: pytest.CaptureFixture[str]) -> None:
    every = awards(capsys)
    state = awards(capsys, "--plugin", "state")
    assert "ldtt" in state
    assert state < every  # the organisation plugins add their own awards when not left out
    assert not {"knc_cong_doan", "gdht", "ct_bk_tap_the"} & state


def test_an_unknown_plugin_names_the_installed_ones(capsys: pytest.CaptureFixture[str]) -> None:
    status = main(["evaluate", UNION, "--period", "2024", "--plugin", "stat"])
    err = capsys.readouterr().err
    assert status == 1
    assert "no installed plugin named 'stat'" in err
    assert "state" in err


def test_blocked_keeps_what_the_variable_blocks(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("EMULATION_DISABLE_PLUGINS", "emulation._builtins.votes")
    blocked = blocked_except(["state"])
    assert "state" not in blocked
    assert "emulation._builtins.votes" in blocked
    with pytest.raises(EmulationError, match="installed: "):
        blocked_except(["nope"])
