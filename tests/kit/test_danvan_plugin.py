"""The testing kit applied to the bundled "Dân vận khéo" rules: ``emulation test danvan``
passes with full coverage, the properties hold on Cần Thơ's rules, a threshold moved in a copy
is caught by the boundary cases, and every unknown threshold is an unconfirmed parameter (the
running time of a model with no value at all)."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

import emulation
from emulation.cli import main

ROOT = Path(__file__).resolve().parents[2]
DANVAN = ROOT / "rulesets" / "danvan"


@pytest.mark.organisation_plugins
def test_emulation_test_danvan_reports_full_coverage(capsys: pytest.CaptureFixture[str]) -> None:
    status = main(["test", "danvan", "--examples", "1", "--min-coverage", "100"])
    out = capsys.readouterr().out
    assert status == 0, out
    assert re.search(r"^  total +(\d+) / \1 +100\.0 %$", out, re.MULTILINE), out
    assert "sheet ct_dv    19 / 19   100.0 %" in out
    assert out.rstrip().endswith("result: ok")


@pytest.mark.slow
def test_the_properties_hold_on_can_thos_rules(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    for name in ("can_tho.toml", "can_tho.cases.toml"):
        shutil.copy(DANVAN / name, tmp_path / name)
    status = main(["test", str(tmp_path), "--examples", "1", "--min-coverage", "100"])
    out = capsys.readouterr().out
    assert status == 0, out
    assert "monotonicity ok, quota_conservation ok, determinism ok" in out
    assert "grade_caps ok" in out


@pytest.mark.parametrize(
    ("edits", "caught"),
    [
        # HT from 74 instead of 75
        ((("min = 75\n", "min = 74\n"), ("below = 75\n", "below = 74\n")), "74.999999"),
        # three central agencies instead of two
        ((("central = 2, city = 3", "central = 3, city = 3"),), "three excellent central"),
        # a warned head held at HTT instead of HT
        (
            (
                (
                    'at_most = "HT"\nlabel = { vi = "Người đứng đầu, cấp phó bị cảnh cáo',
                    'at_most = "HTT"\nlabel = { vi = "Người đứng đầu, cấp phó bị cảnh cáo',
                ),
            ),
            "head warned",
        ),
        # the bonus capped at 5
        (
            (('max = 3\nlabel = { vi = "Điểm thưởng', 'max = 5\nlabel = { vi = "Điểm thưởng'),),
            "a bonus of 5",
        ),
    ],
)
def test_a_moved_threshold_is_caught(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    edits: tuple[tuple[str, str], ...],
    caught: str,
) -> None:
    copy = tmp_path / "danvan"
    shutil.copytree(DANVAN, copy)
    ruleset = copy / "can_tho.toml"
    text = ruleset.read_text(encoding="utf-8")
    for old, new in edits:
        assert old in text
        text = text.replace(old, new)
    ruleset.write_text(text, encoding="utf-8")
    status = main(["test", str(copy), "--examples", "0"])
    out = capsys.readouterr().out
    assert status == 1
    assert re.search(rf"FAILED case .*{re.escape(caught)}", out), out


def test_every_unknown_threshold_is_an_unconfirmed_parameter() -> None:
    engine = emulation.build_engine(entry_points=False, ruleset_paths=[DANVAN])
    unconfirmed = {
        (ruleset.id, name): parameter
        for ruleset in engine.rulesets
        for name, parameter in ruleset.parameters.items()
        if not parameter.confirmed
    }
    assert set(unconfirmed) == {
        ("danvan.base", "dvk_min_months"),
        ("danvan.can_tho", "ct_demotion_as_warning"),
    }
    # no defensible running time: no value at all, not an invented one
    assert unconfirmed[("danvan.base", "dvk_min_months")].values == ()
    every = [p for r in engine.rulesets for p in r.parameters.values()]
    assert all(not p.confirmed for p in every)  # nothing else is a parameter
