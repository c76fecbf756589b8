"""The ``vgcl`` rulesets through ``emulation test``: its case files pass, every rule and every
part of its score sheets and KPIs is seen both ways, the properties hold (the term ruleset of the
Nguyễn Đức Cảnh prize checked apart from the annual ones), and a planted change to a union
threshold is caught by the cases.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from emulation.cli import main

#: End to end on the real union rules: the inner loop (``-m "not slow"``) leaves them to CI.
pytestmark = pytest.mark.slow

VGCL = Path(__file__).parents[2] / "rulesets" / "vgcl"


def test_emulation_test_vgcl_reports_full_coverage(capsys: pytest.CaptureFixture[str]) -> None:
    # the repository's folder, as `emulation test vgcl` reads it once the plugin is installed
    status = main(["test", str(VGCL), "--examples", "1", "--min-coverage", "100"])
    out = capsys.readouterr().out
    assert status == 0, out
    assert re.search(r"^  total +(\d+) / \1 +100\.0 %$", out, re.MULTILINE), out
    assert "sheet cdcs" in out
    assert "kpi congress_training" in out
    assert "version_boundaries ok" in out
    assert out.rstrip().endswith("result: ok")


def test_a_changed_part_time_weight_is_caught(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    copy = tmp_path / "vgcl"
    shutil.copytree(VGCL, copy)
    ruleset = copy / "awards.toml"
    text = ruleset.read_text(encoding="utf-8")
    planted = text.replace('part_time_non_state = "2"', 'part_time_non_state = "1.9"')
    assert planted != text
    ruleset.write_text(planted, encoding="utf-8")
    status = main(["test", str(copy), "--examples", "0"])
    out = capsys.readouterr().out
    assert status == 1
    assert "FAILED case" in out
    assert "ten years part-time in a non-state enterprise union to 28 July" in out
    assert "service_years(rule='union') = 19" in out
