"""The wheel carries the files the package reads at run time besides its modules: the report's
template and the JSON Schemas (hatchling takes every file under ``src/emulation`` that git
does not ignore; this checks it stays so)."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

#: Files read through importlib.resources, not imported.
DATA_FILES = (
    "emulation/results/templates/report.html.j2",
    "emulation/schemas/population.schema.json",
    "emulation/schemas/ruleset.schema.json",
)


@pytest.mark.slow
def test_the_wheel_holds_the_template_and_the_schemas(tmp_path: Path) -> None:
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", str(ROOT), "-w", str(tmp_path)],
        check=True,
        timeout=600,
    )
    [wheel] = tmp_path.glob("emulation-*.whl")
    with zipfile.ZipFile(wheel) as opened:
        names = set(opened.namelist())
    assert set(DATA_FILES) <= names, sorted(set(DATA_FILES) - names)
