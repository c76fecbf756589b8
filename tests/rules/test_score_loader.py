"""Loading score sheets ([scores.ID]): every problem located with its code; the rule-language
functions checked against the sheet (band names, item ids, subject kinds)."""

from __future__ import annotations

from pathlib import Path

import pytest

import emulation
from emulation import RulesetError

HEAD = """
format = 1

[ruleset]
id = "test.sheet"
organisation = "test"
version = "1.0.0"
effective_from = 2024-01-01
title = { vi = "Thử", en = "Test" }

[facts.a]
type = "decimal"
label = { vi = "A", en = "A" }

[facts.b]
type = "int"
label = { vi = "B", en = "B" }

[facts.bad]
type = "bool"
default = false
label = { vi = "Xấu", en = "Bad" }
"""

SHEET = """
[scores.s]
subject = "person"
label = { vi = "Bảng điểm", en = "Sheet" }
basis = "Test basis"
certainty = "C"

[[scores.s.items]]
id = "x"
expr = "a"
max = 60
label = { vi = "X", en = "X" }
basis = "Test basis"
certainty = "C"

[[scores.s.items]]
id = "y"
expr = "b"
max = 40
label = { vi = "Y", en = "Y" }
basis = "Test basis"
certainty = "C"

[[scores.s.floors]]
id = "half"
kind = "min_share"
share = "0.5"
label = { vi = "Không mục nào dưới 50 %", en = "No item below 50 %" }
basis = "Test basis"
certainty = "C"

[[scores.s.bands]]
id = "HIGH"
min = 90
requires = ["half"]
label = { vi = "Cao", en = "High" }
basis = "Test basis"
certainty = "C"

[[scores.s.bands]]
id = "MID"
min = 50
below = 90
label = { vi = "Vừa", en = "Middle" }
basis = "Test basis"
certainty = "C"

[[scores.s.bands]]
id = "LOW"
below = 50
label = { vi = "Thấp", en = "Low" }
basis = "Test basis"
certainty = "C"

[[scores.s.caps]]
id = "held"
expr = "bad"
at_most = "MID"
label = { vi = "Giữ", en = "Held" }
basis = "Test basis"
certainty = "C"
"""

AWARD = """
[awards.w]
kind = "title"
subject = "person"
label = {{ vi = "W", en = "W" }}

[[awards.w.criteria]]
id = "band"
expr = '{expr}'
label = {{ vi = "Hạng", en = "Band" }}
basis = "Test basis"
certainty = "C"
"""


def load(tmp_path: Path, text: str) -> emulation.Engine:
    path = tmp_path / "r.toml"
    path.write_text(text, encoding="utf-8")
    return emulation.build_engine(entry_points=False, ruleset_paths=[path])


def problems(tmp_path: Path, text: str) -> list[tuple[str, str | None, str]]:
    with pytest.raises(RulesetError) as info:
        load(tmp_path, text)
    return [(p.code, p.location, p.message) for p in info.value.problems]


def award(expr: str) -> str:
    return AWARD.format(expr=expr)


def test_the_sheet_loads_with_its_parts(tmp_path: Path) -> None:
    engine = load(tmp_path, HEAD + SHEET + award('band("s") >= "MID"'))
    [ruleset] = engine.rulesets
    sheet = ruleset.scores["s"]
    assert [band.id for band in sheet.bands] == ["HIGH", "MID", "LOW"]
    assert sheet.band_order == ("LOW", "MID", "HIGH")
    assert str(sheet.max_total) == "100"
    assert sheet.caps[0].at_most == "MID"


@pytest.mark.parametrize(
    ("old", "new", "code", "location"),
    [
        ("min = 90\n", "min = 40\n", "band_order", "scores.s.bands[1].min"),
        ("min = 50\n", "min = 90\n", "band_overlap", "scores.s.bands[1].min"),
        ("below = 90\n", "below = 95\n", "band_overlap", "scores.s.bands[1].below"),
        ("below = 90\n", "below = 80\n", "band_gap", "scores.s.bands[1].below"),
        ("below = 50\n", "below = 40\n", "band_gap", "scores.s.bands[2].below"),
        (
            'id = "LOW"\nbelow = 50\n',
            'id = "LOW"\nmin = 10\nbelow = 50\n',
            "band_gap",
            "scores.s.bands[2].min",
        ),
        ("min = 90\n", 'min = "100.000001"\n', "band_unreachable", "scores.s.bands[0].min"),
        ('at_most = "MID"', 'at_most = "MIDDLE"', "unknown_band", "scores.s.caps[0].at_most"),
        (
            'requires = ["half"]',
            'requires = ["halve"]',
            "unknown_floor",
            "scores.s.bands[0].requires[0]",
        ),
        ('id = "y"', 'id = "x"', "duplicate_id", "scores.s.items[1].id"),
        ('id = "MID"', 'id = "HIGH"', "duplicate_id", "scores.s.bands[1].id"),
        ('expr = "b"', 'expr = "bad"', "wrong_type", "scores.s.items[1].expr"),
        ('expr = "b"', 'expr = "c"', "invalid_expression", "scores.s.items[1].expr"),
        ("max = 40", 'max = "-1"', "invalid_value", "scores.s.items[1].max"),
        ("max = 40", "max = 40.5", "wrong_type", "scores.s.items[1].max"),
        ('share = "0.5"', 'share = "1.5"', "invalid_value", "scores.s.floors[0].share"),
        ('kind = "min_share"', 'kind = "min"', "invalid_value", "scores.s.floors[0].kind"),
        (
            'subject = "person"\nlabel = { vi = "Bảng',
            'subject = "unit"\nlabel = { vi = "Bảng',
            "invalid_value",
            "scores.s.subject",
        ),
        ('expr = "bad"', 'expr = "a"', "invalid_expression", "scores.s.caps[0].expr"),
    ],
)
def test_a_problem_of_a_sheet_is_located(
    tmp_path: Path, old: str, new: str, code: str, location: str
) -> None:
    text = HEAD + SHEET + award('band("s") >= "MID"')
    assert old in text, old
    found = problems(tmp_path, text.replace(old, new, 1))
    assert (code, location) in [(c, loc) for c, loc, _ in found], found


def test_every_problem_is_reported_at_once_with_its_line(tmp_path: Path) -> None:
    text = (
        (HEAD + SHEET + award('band("s") >= "MID"'))
        .replace('at_most = "MID"', 'at_most = "TOP"')
        .replace('requires = ["half"]', 'requires = ["none"]')
    )
    with pytest.raises(RulesetError) as info:
        load(tmp_path, text)
    found = {p.code: p for p in info.value.problems}
    assert set(found) == {"unknown_band", "unknown_floor"}
    assert found["unknown_band"].line == text.splitlines().index('at_most = "TOP"') + 1
    assert "the bands are ['HIGH', 'MID', 'LOW']" in found["unknown_band"].message


@pytest.mark.parametrize(
    ("expr", "message"),
    [
        ('band("s") >= "HTT"', '"HTT" is not a band of this score sheet'),
        ('band("t") >= "MID"', 'unknown score sheet "t"'),
        ('points("s", "z") > 1', 'score sheet "s" has no item "z"'),
        ('score("s") >= "MID"', "cannot compare"),
        ('band("s") + 1 > 2', "needs a whole number or a decimal number"),
    ],
)
def test_the_functions_are_checked_against_the_sheet(
    tmp_path: Path, expr: str, message: str
) -> None:
    found = problems(tmp_path, HEAD + SHEET + award(expr))
    assert any(loc == "awards.w.criteria[0].expr" and message in text for _, loc, text in found), (
        found
    )


def test_band_compares_by_order_at_load_time(tmp_path: Path) -> None:
    engine = load(tmp_path, HEAD + SHEET + award('band("s") > "LOW" and points("s", "x") >= 1'))
    [ruleset] = engine.rulesets
    [call, *_] = ruleset.awards["w"].rules[0].node.calls
    assert (call.enum, call.ordered) == (("LOW", "MID", "HIGH"), True)


def test_a_sheet_of_another_subject_kind(tmp_path: Path) -> None:
    text = (HEAD + SHEET + award('score("s") >= 1')).replace(
        'subject = "person"\nlabel = { vi = "Bảng', 'subject = "collective"\nlabel = { vi = "Bảng'
    )
    found = problems(tmp_path, text)
    assert ("score_subject", "awards.w") in [(c, loc) for c, loc, _ in found], found


def test_a_sheet_and_an_award_that_read_each_other(tmp_path: Path) -> None:
    text = (
        HEAD
        + SHEET.replace('expr = "b"', 'expr = "1 if granted(\\"w\\") else 0"')
        + award('band("s") >= "MID"')
    )
    found = problems(tmp_path, text)
    assert [(c, loc) for c, loc, _ in found] == [("award_cycle", "awards")], found
    assert "scores.s" in found[0][2]
    assert "awards.w" in found[0][2]


def test_a_sheet_reading_itself(tmp_path: Path) -> None:
    text = HEAD + SHEET.replace('expr = "b"', 'expr = "score(\\"s\\")"')
    found = problems(tmp_path, text)
    assert ("award_cycle", "scores.s") in [(c, loc) for c, loc, _ in found], found
