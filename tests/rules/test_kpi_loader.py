"""Loading ``[levels]`` and ``[kpis]``: the model built, and every mistake reported at once
with its location and code."""

from __future__ import annotations

from pathlib import Path

import pytest

import emulation
from emulation import RulesetError

GOOD = """
format = 1

[ruleset]
id = "test.kpi"
organisation = "test"
version = "1.0.0"
effective_from = 2024-01-01
title = { vi = "Thử", en = "Test" }

[facts.in_enterprise]
type = "bool"
label = { vi = "Tại doanh nghiệp", en = "In an enterprise" }

[facts.in_training]
type = "bool"
label = { vi = "Học tập", en = "In training" }

[facts.own_target]
type = "decimal"
label = { vi = "Chỉ tiêu riêng", en = "Own target" }

[facts.own_code]
type = "int"
label = { vi = "Mã", en = "Code" }

[parameters.target]
type = "decimal"
label = { vi = "Chỉ tiêu", en = "Target" }
values = [{ from = 2024-01-01, value = "0.65" }]
basis = "VGCL–VAPE programme 10/09/2024 §III.1.2"
certainty = "C"

[parameters.count]
type = "int"
label = { vi = "Số", en = "Count" }
values = [{ from = 2024-01-01, value = 3 }]
basis = "test"
certainty = "C"

[levels.province]
label = { vi = "Tỉnh", en = "Province" }

[levels.grassroots]
label = { vi = "Cơ sở", en = "Grassroots" }

[awards.cdht]
kind = "title"
subject = "person"
label = { vi = "Công dân học tập", en = "Learning citizen" }

[[awards.cdht.criteria]]
id = "trained"
expr = "in_training"
label = { vi = "Học tập", en = "In training" }
basis = "test"
certainty = "U"

[kpis.training]
label = { vi = "Học tập", en = "Training" }
basis = "VGCL–VAPE programme 10/09/2024 §III.1.2"
certainty = "C"
subject = "person"
numerator = 'in_training and granted("cdht")'
denominator = "in_enterprise"
at_levels = ["grassroots", "province"]
target = "target"
override = "own_target"
"""


def load(tmp_path: Path, text: str) -> emulation.Engine:
    path = tmp_path / "r.toml"
    path.write_text(text, encoding="utf-8")
    return emulation.build_engine(entry_points=False, ruleset_paths=[path])


def problems(tmp_path: Path, text: str) -> list[tuple[str | None, str, str]]:
    with pytest.raises(RulesetError) as info:
        load(tmp_path, text)
    return [(p.location, p.code, p.message) for p in info.value.problems]


def test_a_kpi_is_built_with_its_defaults(tmp_path: Path) -> None:
    [ruleset] = load(tmp_path, GOOD).rulesets
    kpi = ruleset.kpis["training"]
    assert (kpi.subject, kpi.scope, kpi.comparison, kpi.at_levels) == (
        "person",
        "subtree",
        ">=",
        ("grassroots", "province"),
    )
    assert (kpi.target, kpi.override, kpi.subject_level, kpi.noun) == (
        "target",
        "own_target",
        None,
        None,
    )
    assert kpi.depends_on == {"cdht"}
    assert kpi.numerator.location == "kpis.training.numerator"
    assert set(ruleset.levels) == {"province", "grassroots"}


def test_every_mistake_is_reported_with_its_location(tmp_path: Path) -> None:
    text = GOOD.replace('"grassroots", "province"]', '"grassroots", "provinse"]')
    text = text.replace('denominator = "in_enterprise"', 'denominator = "in_enterprize"')
    text = text.replace('target = "target"', 'target = "targte"')
    text = text.replace('override = "own_target"', 'override = "own_code"')
    found = problems(tmp_path, text)
    by_location = {location: (code, message) for location, code, message in found}
    assert by_location["kpis.training.at_levels[1]"][0] == "unknown_level"
    assert "did you mean 'province'" in by_location["kpis.training.at_levels[1]"][1].replace(
        '"', "'"
    )
    assert "in_enterprize" in by_location["kpis.training.denominator"][1]
    assert "in_enterprise" in by_location["kpis.training.denominator"][1]  # the suggestion
    assert by_location["kpis.training.target"][0] == "unknown_parameter"
    assert by_location["kpis.training.override"] == (
        "wrong_type",
        'fact "own_code" is int; an override must be a decimal fact (a share such as "0.7")',
    )
    assert len(found) == 4


@pytest.mark.parametrize(
    ("old", "new", "location", "code"),
    [
        ('target = "target"', 'target = "count"', "kpis.training.target", "wrong_type"),
        (
            'override = "own_target"',
            'override = "own_targte"',
            "kpis.training.override",
            "unknown_fact",
        ),
        ('"0.65"', '"65"', "parameters.target.values[0].value", "out_of_range"),
        (
            'subject = "person"\nnumerator',
            'subject = "person"\nsubject_level = "province"\nnumerator',
            "kpis.training.subject_level",
            "invalid_value",
        ),
        (
            'at_levels = ["grassroots", "province"]',
            "at_levels = []",
            "kpis.training.at_levels",
            "missing_key",
        ),
        (
            'at_levels = ["grassroots", "province"]',
            'at_levels = ["grassroots", "grassroots"]',
            "kpis.training.at_levels[1]",
            "duplicate_value",
        ),
        (
            'override = "own_target"',
            'override = "own_target"\ncomparison = "=>"',
            "kpis.training.comparison",
            "invalid_value",
        ),
        (
            "numerator = 'in_training and granted(\"cdht\")'",
            'numerator = "in_training + 1"',
            "kpis.training.numerator",
            "invalid_expression",
        ),
        ('certainty = "C"\nsubject', "subject", "kpis.training.certainty", "missing_key"),
        (
            "[kpis.training]",
            '[kpis.training]\nscope = "tree"',
            "kpis.training.scope",
            "invalid_value",
        ),
        (
            "[kpis.training]",
            "[kpis.training]\nthreshold = 1",
            "kpis.training.threshold",
            "unknown_key",
        ),
        (
            "numerator = 'in_training and granted(\"cdht\")'",
            "numerator = 'granted(\"cdhtt\")'",
            "kpis.training.numerator",
            "unknown_award",
        ),
    ],
)
def test_one_mistake(tmp_path: Path, old: str, new: str, location: str, code: str) -> None:
    assert old in GOOD
    text = GOOD.replace(old, new)
    found = problems(tmp_path, text)
    assert (location, code) in [(where, what) for where, what, _ in found], found


def test_levels_must_be_declared_for_at_levels(tmp_path: Path) -> None:
    text = GOOD.replace("[levels.province]", "[levels.provincial]")
    found = problems(tmp_path, text)
    assert [(where, code) for where, code, _ in found] == [
        ("kpis.training.at_levels[1]", "unknown_level")
    ]
    assert "declared levels: ['grassroots', 'provincial']" in found[0][2]


def test_two_rulesets_in_force_may_not_define_one_kpi(tmp_path: Path) -> None:
    (tmp_path / "a.toml").write_text(GOOD, encoding="utf-8")
    other = GOOD.replace('id = "test.kpi"', 'id = "test.other"').replace("awards.cdht", "awards.x")
    (tmp_path / "b.toml").write_text(other, encoding="utf-8")
    with pytest.raises(RulesetError) as info:
        emulation.build_engine(entry_points=False, ruleset_paths=[tmp_path])
    assert "duplicate_kpi" in [p.code for p in info.value.problems]
