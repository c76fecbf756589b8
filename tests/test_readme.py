"""Every ``emulation`` command the README gives — the quick start's and each organisation's
example — runs as written (from the repository's root, with the plugins the README's commands
install) and exits 0."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest

from emulation.cli import main

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")
#: ``.venv/bin/emulation ARGS`` up to the end of the code span, the line or a shell ``&&``.
COMMANDS = sorted(
    {match.strip() for match in re.findall(r"\.venv/bin/emulation ([^`\n&]+)", README)}
)

pytestmark = pytest.mark.organisation_plugins


def test_the_readme_gives_the_quick_start_and_each_organisations_example() -> None:
    assert "evaluate examples/union.json --period 2024 --plugin state" in COMMANDS
    for plugin in ("vgcl", "moet", "vape", "danvan"):
        assert any(f"--plugin {plugin}" in command for command in COMMANDS), plugin


@pytest.mark.parametrize("command", COMMANDS)
def test_each_command_runs(
    command: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(ROOT)
    status = main(shlex.split(command))
    out, err = capsys.readouterr()
    assert status == 0, err
    assert out.strip()
