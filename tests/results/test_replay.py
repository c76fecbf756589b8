"""Replay: the decisions of a decisions file derived again and compared, field by field."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

import emulation
from emulation.results.replay import compare, read_decisions

ROOT = Path(__file__).resolve().parents[2]
UNION_JSON = ROOT / "examples" / "union.json"
UNION_CSV = ROOT / "examples" / "union"


@pytest.fixture(scope="module")
def union() -> emulation.Population:
    return emulation.Population.from_json(UNION_JSON.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def recorded(
    state_engine: emulation.Engine, union: emulation.Population
) -> dict[str, dict[str, Any]]:
    """The JSON ``evaluate --format json`` writes for the example union, by period (2024 in
    Vietnamese, 2023 in English), each period evaluated alone as the README runs it."""
    found = {}
    for period, lang in (("2023", "en"), ("2024", "vi")):
        evaluation = state_engine.evaluate(union, period)
        found[period] = json.loads(state_engine.render(evaluation, "json", lang))
    return found


@pytest.fixture(scope="module")
def replay_2024(
    state_engine: emulation.Engine, union: emulation.Population
) -> Callable[[dict[str, Any]], emulation.Replay]:
    """Compare an edited copy of the 2024 decisions with one evaluation made once: what
    :meth:`~emulation.Engine.replay` does after evaluating."""
    evaluation = state_engine.evaluate(union, "2024")
    return lambda document: compare(read_decisions(document), evaluation)


def edited(document: dict[str, Any], subject: str, period: str, **facts: Any) -> dict[str, Any]:
    """A copy of a population document with some facts of one subject changed."""
    changed = copy.deepcopy(document)
    [found] = [s for s in changed["subjects"] if s["id"] == subject]
    found["facts"][period].update(facts)
    return changed


def decision(document: dict[str, Any], subject: str, award: str) -> dict[str, Any]:
    [found] = [d for d in document["decisions"] if (d["subject"], d["award"]) == (subject, award)]
    return found  # type: ignore[no-any-return]


@pytest.mark.slow
@pytest.mark.parametrize("period", ["2023", "2024"])
def test_every_decision_of_the_example_union_re_derives(
    state_engine: emulation.Engine,
    union: emulation.Population,
    recorded: dict[str, dict[str, Any]],
    period: str,
    tmp_path: Path,
) -> None:
    path = tmp_path / f"decisions-{period}.json"
    path.write_text(json.dumps(recorded[period], ensure_ascii=False), encoding="utf-8")
    replay = state_engine.replay(path, union)
    assert replay.differences == ()
    assert replay.ok
    assert replay.same_engine
    assert replay.notes == ()
    assert replay.recorded == replay.derived == len(recorded[period]["decisions"]) > 100
    assert replay.period == period
    assert replay.report() == (
        f"replay of {path}, period {period}: {replay.recorded} decisions re-derived "
        f"identically by engine {emulation.__version__}\n"
    )


def test_decisions_re_derive_from_the_csv_form_of_the_same_population(
    state_engine: emulation.Engine, recorded: dict[str, dict[str, Any]]
) -> None:
    replay = state_engine.replay(recorded["2023"], state_engine.read_population(UNION_CSV))
    assert replay.ok, replay.report()


@pytest.mark.slow
def test_an_edited_fact_is_named_in_every_decision_of_its_subject(
    state_engine: emulation.Engine, recorded: dict[str, dict[str, Any]]
) -> None:
    document = json.loads(UNION_JSON.read_text(encoding="utf-8"))
    changed = emulation.Population.from_json(edited(document, "nd-041", "2024", rating="HT"))
    replay = state_engine.replay(recorded["2024"], changed)
    assert not replay.ok
    awards = sorted(d["award"] for d in recorded["2024"]["decisions"] if d["subject"] == "nd-041")
    hashed = [(d.subject, d.award) for d in replay.differences if d.what == "input_hash"]
    assert hashed == [("nd-041", award) for award in awards]
    assert set(replay.differing()) >= set(hashed)
    found = {(d.subject, d.award, d.what): (d.recorded, d.replayed) for d in replay.differences}
    assert found["nd-041", "ldtt", "outcome"] == ("granted", "not_eligible")
    assert found["nd-041", "ldtt", "criteria[task_rating].inputs.rating"] == ("HTT", "HT")
    assert found["nd-041", "ldtt", "criteria[task_rating].value"] == (True, False)
    assert found["nd-041", "ldtt", "reasons (codes)"][1] == ["criterion_failed"]
    # the change reaches the collective that counts its Advanced Workers, and nothing else
    assert {d.subject for d in replay.differences} == {"nd-041", "cd-nguyendu-vp"}
    assert "nd-041 ldtt: input_hash: recorded " in replay.report()
    total = len(recorded["2024"]["decisions"])
    assert replay.report().endswith(
        f"period 2024: {len(replay.differing())} of {total} decisions recorded ({total} derived again) "
        f"do not re-derive identically ({len(replay.differences)} differences)\n"
    )


@pytest.mark.slow
def test_an_edit_that_changes_nothing_the_rules_read_still_changes_the_input_hash(
    state_engine: emulation.Engine, recorded: dict[str, dict[str, Any]]
) -> None:
    document = json.loads(UNION_JSON.read_text(encoding="utf-8"))
    changed = copy.deepcopy(document)
    [subject] = [s for s in changed["subjects"] if s["id"] == "nd-042"]
    subject["name"] += " (sửa)"
    replay = state_engine.replay(recorded["2024"], emulation.Population.from_json(changed))
    assert {(d.subject, d.what) for d in replay.differences} == {("nd-042", "input_hash")}


#: One edit per field of a recorded decision: the path inside it, the value written there, and
#: how the replay names it.
EDITS = [
    (("outcome",), "not_eligible", "outcome"),
    (("ruleset", "content_hash"), "0" * 64, "ruleset.content_hash"),
    (("ruleset", "version"), "1.9.0", "ruleset.version"),
    (("input_hash",), "f" * 64, "input_hash"),
    (("rank",), 99, "rank"),
    (("cap",), 99, "cap"),
    (("bonus",), "1", "bonus"),
    (("criteria", 0, "value"), 1, "criteria[{id}].value"),  # 1 is not true
    (("criteria", 0, "inputs", "ldtt.outcome"), "?", 'criteria[{id}].inputs["ldtt.outcome"]'),
    (("criteria", 0, "gap", "needs"), 7, "criteria[{id}].gap.needs"),
    (("reasons", 0, "params", "label_en"), "Fighter", "reasons[0].params.label_en"),
    (("reasons", 0, "message"), "Được", "reasons[0].message"),
    (("reasons",), [], "reasons (codes)"),
    (("evidence",), ["x", "y"], "evidence"),
    (("award_label",), "?", "award_label"),
    (("period",), "2023", "period"),
]


def _at(item: Any, path: Any) -> Any:
    for key in path:
        item = item[key]
    return item


def _has(item: Any, path: tuple[Any, ...]) -> bool:
    """Whether ``item`` has a value other than null or ``[]`` at ``path``."""
    try:
        return _at(item, path) not in (None, [])
    except (KeyError, IndexError, TypeError):
        return False


def test_each_edited_field_of_a_recorded_decision_is_named(
    replay_2024: Callable[[dict[str, Any]], emulation.Replay],
    recorded: dict[str, dict[str, Any]],
) -> None:
    """Each field edited in its own decision (one that has a value there): every edit is
    named with its subject, award, path and both values, and nothing else is."""
    document = copy.deepcopy(recorded["2024"])
    free = list(document["decisions"])
    expected = []
    for path, value, what in EDITS:
        *parents, last = path
        # a decision whose value there differs from the edit (else the edit changes nothing)
        candidates = [d for d in free if _has(d, path) and _at(d, path) != value] or [
            d for d in free if _has(d, path[:-1])
        ]
        target = candidates[0]
        free.remove(target)
        before = _at(target, parents)[last]
        _at(target, parents)[last] = value
        name = what.format(id=target["criteria"][0]["id"] if target["criteria"] else "")
        replayed = [r["code"] for r in before] if what == "reasons (codes)" else before
        expected.append((target["subject"], target["award"], name, value, replayed))
    replay = replay_2024(document)
    found = [(d.subject, d.award, d.what, d.recorded, d.replayed) for d in replay.differences]
    assert sorted(found, key=repr) == sorted(expected, key=repr)


def test_a_changed_ruleset_is_named_once_in_a_note(
    replay_2024: Callable[[dict[str, Any]], emulation.Replay],
    recorded: dict[str, dict[str, Any]],
) -> None:
    document = copy.deepcopy(recorded["2024"])
    for item in document["decisions"]:
        if item["award"] == "ldtt":
            item["ruleset"]["content_hash"] = "a" * 64
    replay = replay_2024(document)
    count = sum(d["award"] == "ldtt" for d in document["decisions"])
    assert len(replay.differences) == count
    [note] = replay.notes
    assert note.startswith(
        "ruleset recorded as state.individual_titles 2.1.0 (sha256 aaaaaaaaaaaa…), now state.individual_titles 2.1.0 (sha256 "
    )
    assert note.endswith(f"({count} decisions)")


def test_a_decision_missing_from_the_file_or_not_derived_again_is_named(
    replay_2024: Callable[[dict[str, Any]], emulation.Replay],
    recorded: dict[str, dict[str, Any]],
) -> None:
    document = copy.deepcopy(recorded["2024"])
    document["decisions"] = [
        d for d in document["decisions"] if (d["subject"], d["award"]) != ("nd-001", "ldtt")
    ]
    ghost = copy.deepcopy(decision(document, "nd-001", "cstdcs"))
    ghost["subject"] = "nd-999"
    document["decisions"].append(ghost)
    replay = replay_2024(document)
    assert [(d.subject, d.award, d.what, d.recorded, d.replayed) for d in replay.differences] == [
        ("nd-001", "ldtt", "decision", emulation.Difference.ABSENT, "granted"),
        ("nd-999", "cstdcs", "decision", "granted", emulation.Difference.ABSENT),
    ]
    assert (
        str(replay.differences[0]) == 'nd-001 ldtt: decision: recorded absent, replayed "granted"'
    )


@pytest.mark.slow
def test_an_award_no_longer_in_force_is_said_in_a_note(
    state_engine: emulation.Engine, union: emulation.Population, recorded: dict[str, dict[str, Any]]
) -> None:
    document = copy.deepcopy(recorded["2024"])
    gone = copy.deepcopy(decision(document, "nd-001", "ldtt"))
    gone["award"] = "retired_title"
    document["decisions"].append(gone)
    replay = state_engine.replay(document, union)
    assert [(d.award, d.what) for d in replay.differences] == [("retired_title", "decision")]
    assert replay.notes == (
        "not in force for 2024 with the rulesets loaded, so not derived again: retired_title",
    )


def test_a_file_of_awards_no_longer_in_force_derives_nothing_else(
    state_engine: emulation.Engine, union: emulation.Population, recorded: dict[str, dict[str, Any]]
) -> None:
    document = copy.deepcopy(recorded["2024"])
    gone = copy.deepcopy(decision(document, "nd-001", "ldtt"))
    gone["award"] = "retired_title"
    document["decisions"] = [gone]
    replay = state_engine.replay(document, union)
    assert (replay.recorded, replay.derived) == (1, 0)
    assert [(d.subject, d.award, d.what) for d in replay.differences] == [
        ("nd-001", "retired_title", "decision")
    ]


def test_an_empty_file_is_checked_against_every_award_in_force(
    state_engine: emulation.Engine, union: emulation.Population, recorded: dict[str, dict[str, Any]]
) -> None:
    document = {**recorded["2024"], "decisions": []}
    replay = state_engine.replay(document, union)
    assert replay.derived == len(recorded["2024"]["decisions"])
    assert {d.what for d in replay.differences} == {"decision"}
    assert len(replay.differences) == replay.derived


def test_another_engine_version_is_reported_and_is_no_difference(
    state_engine: emulation.Engine, union: emulation.Population, recorded: dict[str, dict[str, Any]]
) -> None:
    document = copy.deepcopy(recorded["2023"])
    document["engine_version"] = "0.0.9"
    for item in document["decisions"]:
        item["engine_version"] = "0.0.9"
    replay = state_engine.replay(document, union)
    assert replay.ok
    assert not replay.same_engine
    assert replay.recorded_engine_versions == ("0.0.9",)
    [note] = replay.notes
    assert note.startswith(
        f"the decisions were recorded by engine 0.0.9 and replayed by engine {emulation.__version__}"
    )
    assert f"note: {note}\n" in replay.report()


def test_a_set_aside_subject_is_compared_too(
    replay_2024: Callable[[dict[str, Any]], emulation.Replay],
    recorded: dict[str, dict[str, Any]],
) -> None:
    document = copy.deepcopy(recorded["2024"])
    document["set_aside"] = [
        {"subject": "nd-001", "code": "conflicting_facts", "message": "", "rows": []}
    ]
    replay = replay_2024(document)
    assert [str(d) for d in replay.differences] == [
        'nd-001 (set aside): code: recorded "conflicting_facts", replayed absent'
    ]


def test_parameters_of_the_recorded_run_are_given_again(
    state_engine: emulation.Engine, union: emulation.Population
) -> None:
    evaluation = state_engine.evaluate(
        union, "2024", ["ldtt"], parameters={"min_months_worked": 12}
    )
    document = json.loads(state_engine.render(evaluation, "json", "en"))
    assert state_engine.replay(document, union, parameters={"min_months_worked": 12}).ok
    without = state_engine.replay(document, union)
    assert not without.ok
    assert any(d.what.endswith("inputs.min_months_worked") for d in without.differences)


def test_only_the_awards_of_the_file_are_derived_again(
    state_engine: emulation.Engine, union: emulation.Population
) -> None:
    evaluation = state_engine.evaluate(union, "2024", ["cstdcs"])
    document = json.loads(state_engine.render(evaluation, "json", "en"))
    replay = state_engine.replay(document, union)
    assert replay.ok, replay.report()
    assert {d["award"] for d in document["decisions"]} == {"cstdcs", "ldtt"}


BAD = [
    ("[]", "", "expected the object that evaluate writes"),
    (
        '{"period": 2024, "lang": "vi", "decisions": []}',
        "period",
        "expected the period as text, such as '2024'",
    ),
    (
        '{"period": "20x4", "lang": "vi", "decisions": []}',
        "period",
        "unknown period format '20x4': expected a calendar year such as '2024', a school year such as '2023-2024', a term such as 'term:2023-2028' or a phase such as 'phase:2026-2030'",
    ),
    (
        '{"period": "2024", "lang": "fr", "decisions": []}',
        "lang",
        "expected one of ['vi', 'en'], got \"fr\"",
    ),
    ('{"period": "2024", "lang": "vi"}', "decisions", "expected a list of decisions"),
    (
        '{"period": "2024", "decisions": []}',
        "lang",
        "missing: the language the file is written in, one of ['vi', 'en']",
    ),
    ('{"period": "2024", "lang": "vi", "decisions": [3]}', "decisions[0]", "expected an object"),
    (
        '{"period": "2024", "lang": "vi", "decisions": [{"subject": "a"}]}',
        "decisions[0]",
        'expected text "subject" and "award" members',
    ),
    (
        '{"period": "2024", "lang": "vi", "decisions": [{"subject": "a", "award": "b"}, {"subject": "a", "award": "b"}]}',
        "decisions[1]",
        "a second decision for subject 'a' and award 'b'",
    ),
    (
        '{"period": "2024", "lang": "vi", "decisions": [], "set_aside": {}}',
        "set_aside",
        "expected a list",
    ),
    (
        '{"period": "2024", "lang": "vi", "decisions": [], "set_aside": [1]}',
        "set_aside[0]",
        'expected an object with a text "subject"',
    ),
]


@pytest.mark.parametrize(("text", "location", "message"), BAD)
def test_a_file_not_of_the_form_evaluate_writes_is_refused_with_its_location(
    state_engine: emulation.Engine,
    union: emulation.Population,
    tmp_path: Path,
    text: str,
    location: str,
    message: str,
) -> None:
    path = tmp_path / "decisions.json"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(emulation.DataError) as caught:
        state_engine.replay(path, union)
    [problem] = caught.value.problems
    assert (problem.file, problem.location, problem.message) == (str(path), location, message)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b'{"period": "2024",', "invalid JSON: Expecting property name enclosed in double quotes"),
        (b"\xff\xfe", "UTF-16 text, not UTF-8"),
        (b"[" * 100_000 + b"]" * 100_000, "invalid JSON: nested more than 100 levels deep"),
        (
            b'{"period": ' + b"9" * 5000 + b', "lang": "vi", "decisions": []}',
            "expected the period as text",
        ),
    ],
)
def test_an_unreadable_file_is_our_error(
    state_engine: emulation.Engine,
    union: emulation.Population,
    tmp_path: Path,
    content: bytes,
    message: str,
) -> None:
    path = tmp_path / "decisions.json"
    path.write_bytes(content)
    with pytest.raises(emulation.DataError) as caught:
        state_engine.replay(path, union)
    [problem] = caught.value.problems
    assert problem.file == str(path)
    assert problem.message.startswith(message)


def test_a_missing_file_is_our_error(
    state_engine: emulation.Engine, union: emulation.Population, tmp_path: Path
) -> None:
    with pytest.raises(emulation.DataError, match="cannot read: No such file or directory"):
        state_engine.replay(tmp_path / "nothing.json", union)
