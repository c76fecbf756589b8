"""emulation.properties: each property holds for sound rules and fails, with a readable
counterexample, for rules or engines that break it."""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path
from typing import Any

import attrs
import polars as pl
import pytest

import emulation
from emulation import Decision, Population, properties
from emulation.cli import main
from emulation.properties import PropertyFailure, better_values, explanation_problem
from emulation.results.decision import CriterionResult, Label, Reason, RulesetRef
from emulation.rules.model import FactDecl, Ruleset
from emulation.types import FactName

STATE = Path(__file__).resolve().parents[2] / "rulesets" / "state"
STATE_ENGINE = emulation.build_engine(entry_points=False, ruleset_paths=[STATE])

HEAD = """
format = 1

[ruleset]
id = "tiny.merit"
organisation = "tiny"
version = "1.0.0"
effective_from = 2020-01-01
title = { vi = "Khen thưởng thử nghiệm", en = "Test commendation" }

[facts.score]
type = "decimal"
minimum = 0
maximum = 10
better = "higher"
label = { vi = "Điểm thi đua", en = "Emulation score" }

[awards.khen]
kind = "certificate"
subject = "person"
label = { vi = "Giấy khen", en = "Certificate of merit" }
"""


def criterion(expr: str) -> str:
    return f"""
[[awards.khen.criteria]]
id = "score"
expr = "{expr}"
label = {{ vi = "Điểm thi đua đạt", en = "Score reached" }}
basis = "Quy chế thử nghiệm Điều 2"
certainty = "C"
"""


def engine_with(tmp_path: Path, text: str, *plugins: object) -> emulation.Engine:
    folder = tmp_path / "rules"
    folder.mkdir(exist_ok=True)
    (folder / "tiny.toml").write_text(text, encoding="utf-8")
    return emulation.build_engine(list(plugins), entry_points=False, ruleset_paths=[folder])


def people(*scores: str | None, period: str = "2024", unit: str | None = None) -> Population:
    units = [{"id": unit, "kind": "collective"}] if unit else []
    return Population.from_json(
        {
            "subjects": units
            + [
                {
                    "id": f"p{index}",
                    "kind": "person",
                    "parent": unit,
                    "facts": {period: {} if score is None else {"score": score}},
                }
                for index, score in enumerate(scores)
            ]
        }
    )


# -- monotonicity ------------------------------------------------------------------------------


def test_monotonicity_holds_for_a_threshold(tmp_path: Path) -> None:
    engine = engine_with(tmp_path, HEAD + criterion("score >= 8.5"))
    properties.assert_monotonic(engine, people("8.4", "8.5", "9", None))
    properties.check(engine, "monotonicity", max_examples=15, derandomize=True)


def test_monotonicity_fails_when_more_merit_loses_the_award(tmp_path: Path) -> None:
    engine = engine_with(tmp_path, HEAD + criterion("score <= 8.5"))
    with pytest.raises(PropertyFailure) as info:
        properties.assert_monotonic(engine, people("8.5"))
    message = str(info.value)
    assert "making subject p0 better took an award away" in message
    assert "score 8.5 → 8.6" in message
    assert "(the ruleset declares higher score better)" in message
    assert "khen: granted before, not_eligible after" in message
    assert "✗ criterion score: score <= 8.5" in message


@pytest.mark.slow
def test_emulation_test_finds_and_shrinks_a_counterexample(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    engine_with(tmp_path, HEAD + criterion("score < 9 and score >= 8"))
    status = main(["test", str(tmp_path / "rules"), "--examples", "20"])
    out = capsys.readouterr().out
    assert status == 1
    assert (
        "properties (20 examples each): monotonicity FAILED, quota_conservation ok, determinism ok, "
        in out
    )
    [failure] = re.findall(r"FAILED property monotonicity: (.*?)\n\n", out, re.DOTALL)
    assert re.search(r"making subject p\d better took an award away", failure)
    assert re.search(r"change: score [\d.]+ → 9 ", failure)  # shrunk to the threshold
    assert "✗ criterion score: score < 9 and score >= 8" in failure
    assert out.rstrip().endswith("result: FAILED (1 properties failed)")


def test_a_ranking_against_the_declared_direction_breaks_monotonicity(tmp_path: Path) -> None:
    quota = """
[awards.khen.quota]
per = "unit"
count = 1
rank = [{ expr = "score", order = "asc" }]
label = { vi = "Một người mỗi đơn vị", en = "One per unit" }
basis = "Quy chế thử nghiệm Điều 3"
certainty = "C"
"""
    engine = engine_with(tmp_path, HEAD + quota + criterion("score >= 8"))
    properties.assert_monotonic(engine, people("8.5", "9"))  # no unit: no quota group
    with pytest.raises(PropertyFailure) as info:
        properties.assert_monotonic(engine, people("8.5", "9", unit="u0"))
    message = str(info.value)
    assert "making subject p0 better took an award away" in message
    # p0 moved to 9 ties p1 (9) across the cap of one: no longer granted
    assert "khen: granted before, tied after" in message
    assert "Tied with p1 at rank 1 across the cap 1" in message


def decl(kind: str, better: str | None = "higher", **extra: Any) -> FactDecl:
    return FactDecl(
        name=FactName("x"), type=kind, label=Label(vi="x", en="x"), better=better, **extra
    )


def test_better_values() -> None:
    months = decl("int", minimum=Decimal(0), maximum=Decimal(12))
    assert better_values(months, 5, [5, 6, 7]) == [6, 7, 12]
    assert better_values(months, 12, [5, 6, 7]) == []
    assert better_values(decl("int", "lower", minimum=Decimal(0)), 3, [5]) == [2, 0]
    assert better_values(decl("bool"), False) == [True]
    assert better_values(decl("bool", "lower"), False) == []
    rating = decl("enum", values=("KHT", "HT", "HTT", "HTXS"), ordered=True)
    assert better_values(rating, "HT") == ["HTT", "HTXS"]
    assert better_values(decl("enum", "lower", values=("A", "B", "C"), ordered=True), "C") == [
        "B",
        "A",
    ]
    score = decl("decimal", maximum=Decimal(10))
    assert better_values(score, Decimal("8.4"), [Decimal("8.5")]) == [
        Decimal("8.5"),
        Decimal("9.4"),
        Decimal("10"),
    ]
    assert better_values(months, None) == []
    assert better_values(decl("int", None), 3) == []


# -- determinism -------------------------------------------------------------------------------


def _function(name: str, build: Any) -> emulation.FunctionSpec:
    return emulation.FunctionSpec(
        name=name, arguments=(), returns="int", build=build, doc="for tests"
    )


class Headcount:
    """A function that looks at every row: it changes when subjects are evaluated apart."""

    @emulation.hookimpl
    def emulation_register_functions(self) -> list[emulation.FunctionSpec]:
        return [_function("headcount", lambda arguments, context: pl.len().cast(pl.Int64))]


class RowPosition:
    """A function that depends on the order of the input rows."""

    @emulation.hookimpl
    def emulation_register_functions(self) -> list[emulation.FunctionSpec]:
        return [_function("row_position", lambda arguments, context: pl.int_range(pl.len()))]


def test_determinism_holds_for_sound_rules(tmp_path: Path) -> None:
    engine = engine_with(tmp_path, HEAD + criterion("score >= 8.5"))
    properties.assert_deterministic(engine, people("9", "8", "8.5", "7", None), seed=3)


def test_a_rule_reading_row_order_fails_determinism(tmp_path: Path) -> None:
    engine = engine_with(tmp_path, HEAD + criterion("row_position() == 0"), RowPosition())
    with pytest.raises(PropertyFailure, match=r"shuffling the input rows \(seed 1\)"):
        properties.assert_deterministic(engine, people(*["9"] * 6), seed=1)


def test_a_rule_counting_everyone_fails_chunked_evaluation(tmp_path: Path) -> None:
    engine = engine_with(tmp_path, HEAD + criterion("headcount() >= 3"), Headcount())
    with pytest.raises(PropertyFailure) as info:
        properties.assert_deterministic(engine, people("9", "9", "9"))
    message = str(info.value)
    assert "evaluating the subjects in 2 chunks changed a decision" in message
    assert "expected:" in message
    assert "granted" in message
    assert "not_eligible" in message


def test_plugins_are_registered_again_in_reverse_order(tmp_path: Path) -> None:
    engine = engine_with(tmp_path, HEAD + criterion("headcount() >= 0"), Headcount())
    from emulation.properties.determinism import _rebuilt

    # a name blocked with EMULATION_DISABLE_PLUGINS (the bundled organisation plugins during
    # the tests) is listed with no plugin, first, whatever the order: leave it out
    forward = [
        name
        for name, plugin in _rebuilt(engine, reverse=False).plugins.manager.list_name_plugin()
        if plugin is not None
    ]
    backward = [
        name
        for name, plugin in _rebuilt(engine, reverse=True).plugins.manager.list_name_plugin()
        if plugin is not None
    ]
    assert backward == forward[::-1]
    assert "Headcount" in forward


# -- version boundaries ------------------------------------------------------------------------


SCHOOL_YEAR = Population.from_json(
    {
        "subjects": [
            {
                "id": "lan",
                "kind": "person",
                "facts": {
                    "2023-2024": {
                        "rating": "HTT",
                        "good_attitude": True,
                        "recruited_this_period": True,
                        "months_worked": 7,
                    }
                },
            }
        ]
    }
)


def test_version_boundaries_hold_for_the_state_rules() -> None:
    properties.assert_version_boundaries(STATE_ENGINE, SCHOOL_YEAR)


def test_an_engine_that_picks_versions_by_the_first_day_fails(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def by_first_day(self: Ruleset, period: emulation.Period) -> bool:
        day = period.start
        return self.effective_from <= day and (
            self.effective_to is None or day <= self.effective_to
        )

    monkeypatch.setattr(Ruleset, "in_force", by_first_day)
    # an engine keeping no plan: those STATE_ENGINE keeps were made with the real in_force
    engine = STATE_ENGINE.with_plan_cache(0)
    with pytest.raises(PropertyFailure) as info:
        properties.assert_version_boundaries(engine, SCHOOL_YEAR)
    # the first side checked: 2017-2018 ends after Decree 91/2017 took effect, but it starts
    # before, so this engine finds no version for it
    assert str(info.value) == (
        "version boundaries: evaluating 2017-2018 failed although state.collective_titles "
        "1.0.1, state.individual_titles 1.0.0 is in force: no ruleset is in force for period "
        "2017-2018"
    )


# -- explanations ------------------------------------------------------------------------------


def test_explanations_are_consistent_for_the_state_rules() -> None:
    properties.assert_explanations_consistent(STATE_ENGINE, SCHOOL_YEAR)


def test_decisions_without_reasons_fail(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    import emulation.results.building

    engine = engine_with(tmp_path, HEAD + criterion("score >= 8.5"))
    monkeypatch.setattr(emulation.results.building, "reasons_for", lambda *args, **kwargs: ())
    with pytest.raises(PropertyFailure) as info:
        properties.assert_explanations_consistent(engine, people("7"))
    message = str(info.value)
    assert "p0 / khen is not_eligible but its reasons name none of its causes (score)" in message
    assert "input of p0:" in message
    assert "score = 7" in message


def decision(
    outcome: str, *values: tuple[str, str, bool | None], reasons: tuple[Reason, ...] = ()
) -> Decision:
    label = Label(vi="x", en="x")
    return Decision(
        subject="p0",
        award="khen",
        award_label=label,
        period="2024",
        outcome=outcome,  # type: ignore[arg-type]
        criteria=tuple(
            CriterionResult(
                id=rule, role=role, value=value, label=label, basis="b", certainty="C", inputs=()
            )
            for rule, role, value in values
        ),
        reasons=reasons,
        ruleset=RulesetRef(id="tiny", version="1.0.0", content_hash="0"),
        engine_version="0",
        input_hash="0",
    )


def test_explanation_problems() -> None:
    assert explanation_problem(decision("granted", ("a", "criterion", True))) is None
    assert explanation_problem(decision("granted", ("a", "criterion", None))) == (
        "p0 / khen is granted although a do not allow it"
    )
    assert explanation_problem(
        decision("granted", ("a", "criterion", True), ("b", "blocking", True))
    ) == ("p0 / khen is granted although b do not allow it")
    assert explanation_problem(decision("not_eligible", ("a", "criterion", True))) == (
        "p0 / khen is not_eligible but no criterion, exclusion or blocking state explains it"
    )
    named = Reason("blocked", (("criterion", "b"),))
    blocked = decision(
        "blocked", ("a", "criterion", False), ("b", "blocking", True), reasons=(named,)
    )
    assert explanation_problem(blocked) is None
    over = decision("eligible_over_quota", ("a", "criterion", True))
    assert "its reasons name none of its causes (quota)" in str(explanation_problem(over))


# -- the registry and the runner ---------------------------------------------------------------


def test_the_properties_are_registered_in_order() -> None:
    names = [prop.name for prop in properties.PROPERTIES]
    assert names == [
        "monotonicity",
        "quota_conservation",
        "determinism",
        "version_boundaries",
        "explanations",
        "band_monotonicity",
        "grade_caps",
        "bands_exhaustive",
        "kpi_recount",
        "paths",
        "selections",
    ]
    assert all(prop.summary for prop in properties.PROPERTIES)


def test_check_rejects_unknown_properties(tmp_path: Path) -> None:
    engine = engine_with(tmp_path, HEAD + criterion("score >= 8.5"))
    with pytest.raises(ValueError, match="unknown properties \\['quota'\\]"):
        properties.check(engine, "quota")


def test_a_property_failure_is_an_assertion_error() -> None:
    assert issubclass(PropertyFailure, AssertionError)


def test_quota_conservation_catches_an_engine_that_rounds_wrongly(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The cap is recomputed independently: an engine rounding half up where the ruleset says
    floor fails with the group, the cap and the ranked decisions."""
    from emulation.evaluate import quota as _quota

    state = Path(__file__).resolve().parents[2] / "rulesets" / "state"
    engine = emulation.build_engine(entry_points=False, ruleset_paths=[state])
    subjects: list[dict[str, object]] = [{"id": "u", "kind": "collective"}]
    for index in range(10):
        evidence = [{"id": f"sk-{index}", "kind": "initiative", "period": "2023"}]
        subjects.append(
            {
                "id": f"p{index}",
                "kind": "person",
                "parent": "u",
                "facts": {"2023": {"rating": "HTXS", "good_attitude": True}},
                "evidence": evidence if index < 3 else [],
            }
        )
    population = Population.from_json({"subjects": subjects})
    properties.assert_quotas_conserved(engine, population, "2023")
    original = _quota._cap

    def half_up(quota, parameters, denominator):  # type: ignore[no-untyped-def]
        return original(attrs.evolve(quota, rounding="half_up"), parameters, denominator)

    monkeypatch.setattr(_quota, "_cap", half_up)
    engine.clear_cache()  # the rules compiled before the patch are not used after it
    with pytest.raises(properties.PropertyFailure) as failure:
        properties.assert_quotas_conserved(engine, population, "2023")
    message = str(failure.value)
    assert (
        "quota not conserved: cstdcs, group u: the cap is 2, but the quota's table gives 1"
        in message
    )
    assert "rounding floor" in message


# -- quota conservation: ties and the leader rule ---------------------------------------------

STANDINGS_RULESETS = Path(__file__).resolve().parents[1] / "rulesets" / "standings"


def tie_population() -> Population:
    """A unit whose second place is a three-way tie, and a cluster whose leader fails."""
    subjects: list[dict[str, Any]] = [{"id": "u", "kind": "collective"}]
    for sid, score, gender in [("a", "9", "male"), ("b", "8", "male"), ("c", "8", "male"),
                               ("d", "8", "male"), ("e", "7", "female")]:  # fmt: skip
        subjects.append(
            {"id": sid, "kind": "person", "parent": "u", "gender": gender,
             "facts": {"2024": {"score": score, "qualifies": True}}}
        )  # fmt: skip
    for sid, score, qualifies in [("k1", "99", False), ("k2", "80", True), ("k3", "70", True)]:
        subjects.append(
            {"id": sid, "kind": "collective", "cluster": "K",
             "facts": {"2024": {"score": score, "qualifies": qualifies}}}
        )  # fmt: skip
    return Population.from_json({"subjects": subjects})


def test_quota_conservation_holds_with_ties_and_the_leader_rule() -> None:
    engine = emulation.build_engine(entry_points=False, ruleset_paths=[STANDINGS_RULESETS])
    population = tie_population()
    for awards in (["top_two", "lead_person", "leader_flag", "flag"], ["top_two_by_id"]):
        properties.assert_quotas_conserved(engine, population, "2024", awards=awards)
        properties.assert_explanations_consistent(engine, population, "2024", awards=awards)


def test_quota_conservation_catches_a_tie_settled_by_id(monkeypatch: pytest.MonkeyPatch) -> None:
    """An engine that quietly breaks ties by subject id gives b the second place of top_two:
    renaming the ids in reverse order gives it to d instead, and the property says so."""
    from emulation.evaluate import quota as _quota

    engine = emulation.build_engine(entry_points=False, ruleset_paths=[STANDINGS_RULESETS])
    original = _quota.rank_pool

    def by_id(frame, **options):  # type: ignore[no-untyped-def]
        return original(frame, **{**options, "ties": "id"})

    monkeypatch.setattr(_quota, "rank_pool", by_id)
    with pytest.raises(PropertyFailure) as failure:
        properties.assert_quotas_conserved(engine, tie_population(), "2024", awards=["top_two"])
    message = str(failure.value)
    assert "quota not conserved: top_two: the decision on b depends on the subjects' ids" in message
    assert (
        "granted (rank 2, cap 2), but with the ids in reverse order eligible_over_quota" in message
    )


def test_quota_conservation_catches_a_place_passed_on(monkeypatch: pytest.MonkeyPatch) -> None:
    """An engine that ranks only the eligible where the quota ranks every candidate passes the
    failing leader's flag to k2."""
    from emulation.evaluate import quota as _quota

    engine = emulation.build_engine(entry_points=False, ruleset_paths=[STANDINGS_RULESETS])
    [ruleset] = engine.rulesets
    award = ruleset.awards["leader_flag"]
    assert award.quota is not None
    original = _quota.quota_stage

    def eligible_only(award, *rest):  # type: ignore[no-untyped-def]
        if award.quota is not None:
            award = attrs.evolve(award, quota=attrs.evolve(award.quota, rank_scope="eligible"))
        return original(award, *rest)

    monkeypatch.setattr(
        "emulation.evaluate.query.quota_stage", eligible_only
    )  # the query holds its own reference
    with pytest.raises(PropertyFailure) as failure:
        properties.assert_quotas_conserved(engine, tie_population(), "2024", awards=["leader_flag"])
    message = str(failure.value)
    assert (
        "quota not conserved: leader_flag, group K: k1 not ranked, but the quota ranks every candidate"
        in message
    )


def test_quota_conservation_catches_a_tie_granted_beyond_the_cap(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """An engine that grants every subject of a tie across the cap grants four of two."""
    from emulation.evaluate import quota as _quota

    engine = emulation.build_engine(entry_points=False, ruleset_paths=[STANDINGS_RULESETS])
    original = _quota.quota_stage

    def tied_granted(*args):  # type: ignore[no-untyped-def]
        stage, column = original(*args), args[-1]
        if stage is None:
            return None
        outcome = pl.col(column)
        granted = (
            pl.when(outcome == "tied").then(pl.lit("granted")).otherwise(outcome.cast(pl.String))
        )
        return lambda lazy: stage(lazy).with_columns(
            granted.cast(_quota.OUTCOME_DTYPE).alias(column)
        )

    monkeypatch.setattr("emulation.evaluate.query.quota_stage", tied_granted)
    with pytest.raises(PropertyFailure) as failure:
        properties.assert_quotas_conserved(engine, tie_population(), "2024", awards=["top_two"])
    message = str(failure.value)
    assert "quota not conserved: top_two, group u: 4 granted, more than the cap of 2" in message
