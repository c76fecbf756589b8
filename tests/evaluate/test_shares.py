"""Shares and counts with filters, over members and child collectives
(tests/rulesets/shares/shares.toml; its boundary cases are in shares.cases.toml)."""

from __future__ import annotations

import random
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import emulation
from emulation import Population, RulesetError

RULESET = Path(__file__).resolve().parents[1] / "rulesets" / "shares" / "shares.toml"
TRAINING = (
    "member_share_where(condition='in_training', "
    "where='enterprise_worker and months_in_post >= recruit_months', scope='direct')"
)
COUNT = "member_count_where(condition='in_training', where='enterprise_worker', scope='direct')"
FAMILIES = (
    "child_share(condition='granted(\"gdht\")', where='unit_type == \"family\"', scope='direct')"
)
CLANS = "child_share(condition='granted(\"dhht\")', where='unit_type == \"clan\"', scope='subtree')"


@pytest.fixture(scope="module")
def engine() -> emulation.Engine:
    return emulation.build_engine(entry_points=False, ruleset_paths=[RULESET])


def worker(sid: str, parent: str = "u", **facts: Any) -> dict[str, Any]:
    return {"id": sid, "kind": "person", "parent": parent, "facts": {"2024": facts}}


def unit(sid: str, parent: str | None = None, **facts: Any) -> dict[str, Any]:
    found: dict[str, Any] = {"id": sid, "kind": "collective", "facts": {"2024": facts}}
    if parent is not None:
        found["parent"] = parent
    return found


def union(
    trained: int, size: int = 20, extra: tuple[dict[str, Any], ...] = ()
) -> list[dict[str, Any]]:
    members = [
        worker(f"w{i:02d}", enterprise_worker=True, months_in_post=12, in_training=i < trained)
        for i in range(size)
    ]
    return [unit("u", unit_type="commune"), *members, *extra]


def values(
    engine: emulation.Engine, subjects: list[dict[str, Any]], award: str, subject: str
) -> tuple[str, dict[str, Any]]:
    """The outcome of ``award`` for ``subject`` and the values its criteria read."""
    evaluation = engine.evaluate(Population.from_json({"subjects": subjects}), "2024", [award])
    [decision] = [d for d in evaluation.decisions() if d.award == award and d.subject == subject]
    inputs = {name: value for c in decision.criteria for name, value in c.inputs}
    return decision.outcome, inputs


# -- members -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("trained", "share", "outcome"),
    [(13, Decimal("0.65"), "granted"), (12, Decimal("0.6"), "not_eligible")],
)
def test_the_share_of_enterprise_workers_in_training_is_exact_at_the_boundary(
    engine: emulation.Engine, trained: int, share: Decimal, outcome: str
) -> None:
    found, inputs = values(engine, union(trained), "union_training", "u")
    assert (found, inputs[TRAINING]) == (outcome, share)


def test_recruits_and_office_staff_are_left_out_of_the_denominator(
    engine: emulation.Engine,
) -> None:
    recruits = [
        worker(f"r{i}", enterprise_worker=True, months_in_post=i, in_training=False)
        for i in range(6)
    ]
    office = worker("o", enterprise_worker=False, months_in_post=60, in_training=False)
    extra = (*recruits, office)
    _, inputs = values(engine, union(13, extra=extra), "union_training", "u")
    assert inputs[TRAINING] == Decimal("0.65")  # 13 of 20, not 13 of 27
    # a recruit of exactly the parameter's months counts
    six = (worker("r6", enterprise_worker=True, months_in_post=6, in_training=False),)
    _, inputs = values(engine, union(13, extra=six), "union_training", "u")
    assert inputs[TRAINING] == Decimal("0.619048")  # 13 / 21, to six places


def test_the_parameter_read_inside_a_condition_is_the_one_in_force(
    engine: emulation.Engine,
) -> None:
    recruit = (worker("r3", enterprise_worker=True, months_in_post=3, in_training=True),)
    population = Population.from_json({"subjects": union(12, size=19, extra=recruit)})
    shares = {}
    for months in (6, 3):
        evaluation = engine.evaluate(
            population, "2024", ["union_training"], parameters={"recruit_months": months}
        )
        [decision] = [d for d in evaluation.decisions() if d.subject == "u"]
        inputs = {name: value for c in decision.criteria for name, value in c.inputs}
        shares[months] = (decision.outcome, inputs[TRAINING])
    # six months: the recruit is left out, 12 of 19; three months: it counts, 13 of 20
    assert shares == {6: ("not_eligible", Decimal("0.631579")), 3: ("granted", Decimal("0.65"))}


def test_counts_are_exact_integers(engine: emulation.Engine) -> None:
    extra = (worker("o", enterprise_worker=False, months_in_post=60, in_training=True),)
    _, inputs = values(engine, union(13, extra=extra), "tally", "u")
    assert inputs[COUNT] == 13
    assert isinstance(inputs[COUNT], int)


def test_an_unknown_member_makes_the_share_and_the_count_unknown(
    engine: emulation.Engine,
) -> None:
    unknown = (worker("x", enterprise_worker=True, months_in_post=12),)
    outcome, inputs = values(engine, union(13, extra=unknown), "union_training", "u")
    assert (outcome, inputs[TRAINING]) == ("data_missing", None)
    _, inputs = values(engine, union(13, extra=unknown), "tally", "u")
    assert inputs[COUNT] is None


def test_a_member_known_not_to_count_is_left_out_whatever_its_unknowns(
    engine: emulation.Engine,
) -> None:
    office = (worker("x", enterprise_worker=False, months_in_post=12),)
    outcome, inputs = values(engine, union(13, extra=office), "union_training", "u")
    assert (outcome, inputs[TRAINING]) == ("granted", Decimal("0.65"))
    # counted members: a member not in training whose filter is unknown cannot change the count
    unsure = (worker("y", months_in_post=12, in_training=False),)
    _, inputs = values(engine, union(13, extra=unsure), "tally", "u")
    assert inputs[COUNT] == 13


def test_no_member_kept_gives_an_unknown_share_and_a_zero_count(
    engine: emulation.Engine,
) -> None:
    subjects = [unit("u"), worker("o", enterprise_worker=False, months_in_post=1, in_training=True)]
    outcome, inputs = values(engine, subjects, "union_training", "u")
    assert (outcome, inputs[TRAINING]) == ("data_missing", None)
    _, inputs = values(engine, subjects, "tally", "u")
    assert inputs[COUNT] == 0


@pytest.mark.parametrize(("women", "share"), [(7, Decimal("0.7")), (6, Decimal("0.6"))])
def test_the_share_of_women_is_a_condition_on_the_gender_attribute(
    engine: emulation.Engine, women: int, share: Decimal
) -> None:
    members = [
        {**worker(f"m{i}", months_in_post=1), "gender": "female" if i < women else "male"}
        for i in range(10)
    ]
    outcome, inputs = values(engine, [unit("u"), *members], "women_collective", "u")
    key = "member_share_where(condition='gender == \"female\"', where='', scope='direct')"
    assert inputs[key] == share
    assert outcome == ("granted" if women == 7 else "not_eligible")


# -- child collectives ---------------------------------------------------------------------------


def clan(sid: str, parent: str | None, families: int, learning: int) -> list[dict[str, Any]]:
    return [
        unit(sid, parent, unit_type="clan", learning_fund=True),
        *(
            unit(f"{sid}-f{i:03d}", sid, unit_type="family", learning_assessed=i < learning)
            for i in range(families)
        ),
    ]


@pytest.mark.parametrize(("learning", "outcome"), [(50, "granted"), (49, "not_eligible")])
def test_a_clan_reads_its_families_decided_earlier_in_the_same_run(
    engine: emulation.Engine, learning: int, outcome: str
) -> None:
    found, inputs = values(engine, clan("h", None, 100, learning), "dhht", "h")
    assert (found, inputs[FAMILIES]) == (outcome, Decimal(learning) / 100)


def test_a_commune_reads_the_clans_of_its_whole_subtree(engine: emulation.Engine) -> None:
    subjects = [unit("x", unit_type="commune"), unit("v", "x", unit_type="village")]
    subjects += clan("h0", "v", 2, 1) + clan("h1", "v", 2, 1) + clan("h2", "x", 2, 0)
    outcome, inputs = values(engine, subjects, "commune_clans", "x")
    assert (outcome, inputs[CLANS]) == ("granted", Decimal("0.666667"))
    # the village sees only the two clans below it, both learning clans
    _, inputs = values(engine, subjects, "commune_clans", "v")
    assert inputs[CLANS] == Decimal(1)
    direct = CLANS.replace("subtree", "direct")
    assert direct not in inputs


def test_decisions_do_not_depend_on_the_order_of_the_subjects(engine: emulation.Engine) -> None:
    subjects = [unit("x", unit_type="commune"), unit("v", "x", unit_type="village")]
    subjects += clan("h0", "v", 4, 2) + clan("h1", "v", 3, 1) + clan("h2", "x", 2, 2)
    subjects += [
        {
            **worker(
                f"p{i}",
                "h0",
                enterprise_worker=i % 2 == 0,
                months_in_post=i,
                in_training=i % 3 == 0,
            ),
            "gender": "female" if i % 4 else "male",
        }
        for i in range(12)
    ]

    def decided(order: list[dict[str, Any]]) -> list[tuple[str, str, str, tuple[Any, ...]]]:
        evaluation = engine.evaluate(Population.from_json({"subjects": order}), "2024")
        return sorted(
            (d.subject, d.award, d.outcome, tuple(c.inputs for c in d.criteria))
            for d in evaluation.decisions()
        )

    expected = decided(subjects)
    shuffled = list(subjects)
    for seed in range(3):
        random.Random(seed).shuffle(shuffled)
        assert decided(shuffled) == expected


# -- reading decisions and history ---------------------------------------------------------------

READERS = """
format = 1

[ruleset]
id = "test.readers"
organisation = "test"
version = "1.0.0"
effective_from = 2000-01-01
title = { vi = "Thử", en = "Test" }

[facts.skilled]
type = "bool"
label = { vi = "Có tay nghề", en = "Skilled" }

[awards.skilled_unit]
kind = "title"
subject = "collective"
label = { vi = "Đơn vị", en = "Unit" }
[[awards.skilled_unit.criteria]]
id = "half"
expr = '''member_share_where('granted("expert")') >= 0.5'''
label = { vi = "Một nửa", en = "Half" }
basis = "test"
certainty = "C"
"""

EXPERTS = """
format = 1

[ruleset]
id = "test.experts"
organisation = "test"
version = "1.0.0"
effective_from = FROM
title = { vi = "Thử", en = "Test" }

[facts.skilled]
type = "bool"
label = { vi = "Có tay nghề", en = "Skilled" }

[awards.expert]
kind = "title"
subject = "person"
label = { vi = "Chuyên gia", en = "Expert" }
[[awards.expert.criteria]]
id = "skilled"
expr = 'skilled'
label = { vi = "Có tay nghề", en = "Skilled" }
basis = "test"
certainty = "C"
"""


@pytest.mark.parametrize(
    ("effective_from", "share"),
    # in force: the members' decisions of the run (2 of 4 skilled); not yet in force: the
    # award history of the period (1 of 4 recorded as expert)
    [("2000-01-01", Decimal("0.5")), ("2030-01-01", Decimal("0.25"))],
)
def test_a_condition_reads_member_decisions_of_the_run_else_the_history(
    tmp_path: Path, effective_from: str, share: Decimal
) -> None:
    (tmp_path / "readers.toml").write_text(READERS, encoding="utf-8")
    (tmp_path / "experts.toml").write_text(EXPERTS.replace("FROM", effective_from), "utf-8")
    engine = emulation.build_engine(entry_points=False, ruleset_paths=[tmp_path])
    subjects = [unit("u")] + [worker(f"p{i}", skilled=i < 2) for i in range(4)]
    subjects[-1]["awards"] = [{"award": "expert", "period": "2024"}]
    population = Population.from_json({"subjects": subjects})
    evaluation = engine.evaluate(population, "2024", ["skilled_unit"])
    [decision] = [d for d in evaluation.decisions() if d.award == "skilled_unit"]
    [(_, value)] = decision.criteria[0].inputs
    assert value == share


# -- load-time checks ----------------------------------------------------------------------------


def _problems(tmp_path: Path, expr: str) -> list[Any]:
    text = READERS.replace("""member_share_where('granted("expert")') >= 0.5""", expr)
    path = tmp_path / "r.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(RulesetError) as info:
        emulation.build_engine(entry_points=False, ruleset_paths=[path])
    return list(info.value.problems)


@pytest.mark.parametrize(
    ("expr", "message", "code"),
    [
        (
            'member_share_where("in_training") >= 0.5',
            'in the condition "condition" of member_share_where(), at its column 1: unknown '
            'fact or parameter "in_training"',
            "invalid_expression",
        ),
        (
            'member_share_where("true", where = "skiled") >= 0.5',
            'unknown fact or parameter "skiled" (did you mean "skilled"?)',
            "invalid_expression",
        ),
        (
            'child_share("skilled + 1") >= 0.5',
            "needs a whole number or a decimal number, not a true/false value",
            "invalid_expression",
        ),
        (
            'member_count_where("birth_year") >= 1',
            "the expression must be a true/false value, not a whole number",
            "invalid_expression",
        ),
        (
            "member_count_where(1) >= 1",
            'argument "condition" of member_count_where() must be a condition written as text',
            "invalid_expression",
        ),
        (
            "member_share_where('granted(\"nope\")') >= 0.5",
            'unknown award "nope"',
            "unknown_award",
        ),
    ],
)
def test_a_bad_condition_is_a_load_error_with_its_location(
    tmp_path: Path, expr: str, message: str, code: str
) -> None:
    found = _problems(tmp_path, expr)
    assert len(found) == 1, found
    [problem] = found
    assert message in problem.message, problem.message
    assert problem.location.startswith("awards.skilled_unit.criteria[0].expr")
    assert problem.code == code
    assert str(tmp_path / "r.toml") in str(problem)


def test_a_condition_reading_an_award_orders_the_reader_after_it(tmp_path: Path) -> None:
    (tmp_path / "readers.toml").write_text(READERS, encoding="utf-8")
    (tmp_path / "experts.toml").write_text(EXPERTS.replace("FROM", "2000-01-01"), "utf-8")
    engine = emulation.build_engine(entry_points=False, ruleset_paths=[tmp_path])
    [reader] = [r for r in engine.rulesets if r.id == "test.readers"]
    assert reader.awards["skilled_unit"].depends_on == frozenset({"expert"})


# -- an independent recount ------------------------------------------------------------------------

maybe = st.sampled_from([True, False, None])


def recount(members: list[tuple[bool | None, bool | None]]) -> tuple[Decimal | None, int | None]:
    """The share and count of enterprise workers in training, by Kleene logic in Python."""
    if any(worker is None for worker, _ in members):
        share = None
    else:
        kept = [trained for worker, trained in members if worker]
        share = (
            None
            if not kept or None in kept
            else (Decimal(sum(bool(t) for t in kept)) / len(kept)).quantize(Decimal("0.000001"))
        )
    both = [None if False not in (w, t) and None in (w, t) else bool(w and t) for w, t in members]
    count = None if None in both else sum(bool(b) for b in both)
    return share, count


@settings(max_examples=25, deadline=None)
@given(st.lists(st.tuples(maybe, maybe), max_size=12))
def test_shares_and_counts_equal_an_independent_recount(
    engine: emulation.Engine, members: list[tuple[bool | None, bool | None]]
) -> None:
    subjects = [unit("u")]
    for index, (enterprise, trained) in enumerate(members):
        facts = {"months_in_post": 12, "enterprise_worker": enterprise, "in_training": trained}
        subjects.append(worker(f"m{index}", **{k: v for k, v in facts.items() if v is not None}))
    evaluation = engine.evaluate(
        Population.from_json({"subjects": subjects}), "2024", ["union_training", "tally"]
    )
    inputs = {
        name: value
        for d in evaluation.decisions()
        if d.subject == "u"
        for c in d.criteria
        for name, value in c.inputs
    }
    assert (inputs[TRAINING], inputs[COUNT]) == recount(members)
