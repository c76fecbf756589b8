"""``import emulation`` and the pytest plugin stay light: no Polars until the engine is used."""

from __future__ import annotations

import subprocess
import sys


def run(code: str) -> str:
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120
    )
    return done.stdout.strip()


def test_importing_the_package_and_the_plugins_loads_no_polars() -> None:
    code = (
        "import sys, emulation, emulation.pytest_plugin, emulation._hypothesis\n"
        "print('polars' in sys.modules)"
    )
    assert run(code) == "False"


def test_public_names_load_on_first_use() -> None:
    code = "import sys, emulation\nemulation.Engine\nprint('polars' in sys.modules)"
    assert run(code) == "True"
