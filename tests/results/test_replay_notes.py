"""The notes of a replay read as English and are shown in the reader's language."""

from __future__ import annotations

from collections import Counter

from emulation.i18n import localise
from emulation.results.replay_notes import replay_notes


def test_each_note_reads_as_english_and_translates_to_vietnamese() -> None:
    notes = replay_notes(
        ("0.9.0",), "1.0.0", "2024", ["ldtt", "cstdcs"], Counter({("a 1", "a 2"): 2})
    )
    assert [str(note) for note in notes] == [
        "the decisions were recorded by engine 0.9.0 and replayed by engine 1.0.0: what agrees "
        "shows that this engine derives the same decisions from the same rulesets and input, "
        "not how the recording engine behaved; a difference may come from the change of engine",
        "not in force for 2024 with the rulesets loaded, so not derived again: ldtt, cstdcs",
        "ruleset recorded as a 1, now a 2 (2 decisions)",
    ]
    vietnamese = [localise(note, "vi") for note in notes]
    assert vietnamese[0].startswith(
        "các quyết định được ghi bởi bộ máy 0.9.0 và xét lại bởi bộ máy 1.0.0: "
    )
    assert vietnamese[1] == (
        "không có hiệu lực trong kỳ 2024 với các bộ quy tắc đã nạp, nên không được xét lại: "
        "ldtt, cstdcs"
    )
    assert vietnamese[2] == "bộ quy tắc được ghi là a 1, nay là a 2 (2 quyết định)"


def test_no_note_when_the_engines_agree_and_nothing_is_missing_or_changed() -> None:
    assert replay_notes(("1.0.0",), "1.0.0", "2024", [], Counter()) == ()
    assert replay_notes((), "1.0.0", "2024", [], Counter()) == ()


def test_one_changed_decision_is_singular() -> None:
    (note,) = replay_notes((), "1.0.0", "2024", [], Counter({("a 1", "a 2"): 1}))
    assert note == "ruleset recorded as a 1, now a 2 (1 decision)"
    assert localise(note, "vi") == "bộ quy tắc được ghi là a 1, nay là a 2 (1 quyết định)"
