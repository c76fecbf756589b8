"""Dated records: registrations counted in months to the round's cut-off, service counted to
``as_of``, congress-term periods, and rulesets that accept only some kinds of period.

The rulesets are ``tests/rulesets/dated/``; every expectation is worked out by hand from the
dates in the test.
"""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import emulation
from emulation import EvaluationError, Period, PeriodError, Population
from emulation import strategies as est
from emulation.data.records import (
    AwardRecord,
    EvidenceItem,
    Fact,
    Registration,
    ServiceSpell,
    Subject,
)

DATED = Path(__file__).resolve().parents[1] / "rulesets" / "dated"


@pytest.fixture(scope="module")
def engine() -> emulation.Engine:
    return emulation.build_engine(entry_points=False, ruleset_paths=[DATED])


def model_population(*registrations: Registration) -> Population:
    subjects = sorted({r.subject for r in registrations} | {"none"})
    return Population.from_records(
        [Subject(id=sid, kind="person") for sid in subjects],
        # a facts row makes each a candidate; the ruleset reads no fact
        facts=[Fact(subject=sid, period="2025", name="note", value="x") for sid in subjects],
        registrations=registrations,
    )


def dvk(sid: str, start: dt.date, status: str = "effective", **more: object) -> Registration:
    review = more.pop("review", start + dt.timedelta(days=300))
    return Registration(
        id=f"{sid}-{start}",
        subject=sid,
        kind="dan_van_kheo",
        start=start,
        status=status,
        review=review,
        **more,  # type: ignore[arg-type]
    )


# -- months in operation ---------------------------------------------------------------------


def months(engine: emulation.Engine, population: Population, as_of: str | None) -> dict[str, int]:
    evaluation = engine.evaluate(
        population, "2025", ["dvk_model"], parameters={"dvk_min_months": 12}, as_of=as_of
    )
    found = {}
    for decision in evaluation.decisions():
        [criterion] = [c for c in decision.criteria if c.id == "in_operation"]
        found[decision.subject] = dict(criterion.inputs)[
            "months_in_operation(kind='dan_van_kheo', status='effective', field='')"
        ]
    return found


def test_months_in_operation_are_whole_months_to_the_cut_off(engine: emulation.Engine) -> None:
    population = model_population(dvk("a", dt.date(2024, 8, 1)), dvk("b", dt.date(2024, 7, 29)))
    # 1 Aug 2024 – 28 Jul 2025 is 11 whole months; 29 Jul 2024 – 28 Jul 2025 is 12
    assert months(engine, population, "2025-07-28") == {"a": 11, "b": 12, "none": 0}
    # to the period's last day (the default): both have run more than 12
    assert months(engine, population, None) == {"a": 17, "b": 17, "none": 0}


def test_eleven_months_is_not_enough_and_twelve_is(engine: emulation.Engine) -> None:
    population = model_population(dvk("a", dt.date(2024, 8, 1)))
    outcomes = {
        as_of: engine.evaluate(
            population, "2025", ["dvk_model"], parameters={"dvk_min_months": 12}, as_of=as_of
        )
        .decision("a", "dvk_model")
        .outcome
        for as_of in ("2025-07-30", "2025-07-31")
    }
    assert outcomes == {"2025-07-30": "not_eligible", "2025-07-31": "granted"}


def test_only_registrations_of_the_status_asked_count(engine: emulation.Engine) -> None:
    population = model_population(
        dvk("a", dt.date(2020, 1, 1), status="not_effective"),
        dvk("b", dt.date(2020, 1, 1), status="registered", review=None),
        dvk("c", dt.date(2020, 1, 1), status="withdrawn", end=dt.date(2020, 6, 30)),
        dvk("d", dt.date(2025, 3, 1)),
        dvk("d", dt.date(2021, 3, 1), end=dt.date(2022, 2, 28)),
    )
    assert months(engine, population, None) == {"a": 0, "b": 0, "c": 0, "d": 12, "none": 0}
    evaluation = engine.evaluate(
        population, "2025", ["dvk_model"], parameters={"dvk_min_months": 12}
    )
    outcomes = {d.subject: d.outcome for d in evaluation.decisions()}
    # d's longest effective model ran 1 Mar 2021 – 28 Feb 2022: 12 months
    assert outcomes == {
        "a": "not_eligible",
        "b": "not_eligible",
        "c": "not_eligible",
        "d": "granted",
        "none": "not_eligible",
    }
    registered = {d.subject: d.criteria[0].value for d in evaluation.decisions()}
    assert registered == {"a": True, "b": True, "c": True, "d": True, "none": False}


def test_a_registration_after_the_cut_off_does_not_count_yet(engine: emulation.Engine) -> None:
    population = model_population(dvk("a", dt.date(2025, 7, 29)))
    evaluation = engine.evaluate(
        population, "2025", ["dvk_model"], parameters={"dvk_min_months": 0}, as_of="2025-07-28"
    )
    decision = evaluation.decision("a", "dvk_model")
    assert decision.criteria[0].value is False
    assert decision.outcome == "not_eligible"


def test_the_unknown_minimum_running_time_must_be_set(engine: emulation.Engine) -> None:
    population = model_population(dvk("a", dt.date(2020, 1, 1)))
    decision = engine.evaluate(population, "2025", ["dvk_model"]).decision("a", "dvk_model")
    assert decision.outcome == "data_missing"
    unset = [dict(r.params) for r in decision.reasons if r.code == "parameter_unset"]
    assert unset == [
        {
            "basis": decision.criteria[1].basis,
            "criterion": "in_operation",
            "label_en": "The model was judged effective and has run long enough",
            "label_vi": decision.criteria[1].label.vi,
            "parameter": "dvk_min_months",
        }
    ]


# -- service counted to the cut-off ------------------------------------------------------------


def medal_population(periods: tuple[str, ...] = ("2025",)) -> Population:
    # 20 years of union service fall due on 31 July 2025
    return Population.from_records(
        [Subject(id="p", kind="person")],
        facts=[Fact(subject="p", period=p, name="note", value="x") for p in periods],
        service=[ServiceSpell(subject="p", start=dt.date(2005, 8, 1))],
    )


def test_as_of_28_july_versus_31_december_changes_the_service(engine: emulation.Engine) -> None:
    population = medal_population()
    july = engine.evaluate(population, "2025", ["knc_union"], as_of=dt.date(2025, 7, 28))
    december = engine.evaluate(population, "2025", ["knc_union"])
    service = "service_years(rule='union')"
    assert dict(july.decision("p", "knc_union").criteria[0].inputs)[service] == Decimal("19.916667")
    assert dict(december.decision("p", "knc_union").criteria[0].inputs)[service] == Decimal(
        "20.416667"
    )
    assert july.decision("p", "knc_union").outcome == "not_eligible"
    assert december.decision("p", "knc_union").outcome == "granted"
    assert july.as_of == dt.date(2025, 7, 28)
    assert december.as_of is None


@pytest.mark.parametrize(
    ("as_of", "message"),
    [
        ("2024-12-31", "outside the period 2025"),
        ("2026-01-01", "outside the period 2025"),
        ("28/07/2025", "not a date written YYYY-MM-DD"),
        (20250728, "must be a date"),
    ],
)
def test_a_cut_off_outside_the_period_is_refused(
    engine: emulation.Engine, as_of: object, message: str
) -> None:
    with pytest.raises(PeriodError, match=message):
        engine.evaluate(medal_population(), "2025", ["knc_union"], as_of=as_of)  # type: ignore[arg-type]


def test_evaluate_periods_takes_a_cut_off_per_period(engine: emulation.Engine) -> None:
    population = medal_population(periods=("2024", "2025"))
    first, second = engine.evaluate_periods(
        population, ["2024", "2025"], ["knc_union"], as_of={"2025": "2025-07-31"}
    )
    assert first.as_of is None
    assert second.as_of == dt.date(2025, 7, 31)
    assert first.decision("p", "knc_union").outcome == "not_eligible"
    assert second.decision("p", "knc_union").outcome == "granted"
    with pytest.raises(EvaluationError, match="as_of names period 2023"):
        engine.evaluate_periods(population, ["2024"], as_of={"2023": "2023-07-28"})


def test_the_cut_off_is_recorded_and_replayed(engine: emulation.Engine) -> None:
    population = medal_population()
    evaluation = engine.evaluate(population, "2025", ["knc_union"], as_of="2025-07-28")
    document = json.loads(engine.render(evaluation, "json"))
    assert document["as_of"] == "2025-07-28"
    assert engine.replay(document, population).ok
    # the same decisions counted to the period's last day no longer re-derive
    del document["as_of"]
    replay = engine.replay(document, population)
    assert [d.what for d in replay.differences][:1] == ["outcome"]
    # a recorded cut-off outside the period is refused where it is written
    document["as_of"] = "2024-07-28"
    with pytest.raises(emulation.DataError, match="as_of"):
        engine.replay(document, population)


# -- congress terms ------------------------------------------------------------------------------


def term_population() -> Population:
    facts = [
        Fact(subject=sid, period="term:2023-2028", name="excellent_member_every_year", value=True)
        for sid in ("again", "new")
    ]
    return Population.from_records(
        [Subject(id="again", kind="person"), Subject(id="new", kind="person")],
        facts=facts,
        evidence=[
            EvidenceItem(id=f"sk-{sid}", subject=sid, kind="initiative", period="term:2023-2028")
            for sid in ("again", "new")
        ],
        awards=[AwardRecord(subject="again", award="ndc_prize", period="term:2018-2023")],
    )


def test_a_term_is_evaluated_with_facts_evidence_and_history_of_terms(
    engine: emulation.Engine,
) -> None:
    evaluation = engine.evaluate(term_population(), "term:2023-2028", ["ndc_prize"])
    outcomes = {(d.subject, d.award): d.outcome for d in evaluation.decisions()}
    # "again" won it in the term before (term:2018-2023), one term back
    assert outcomes == {("again", "ndc_prize"): "not_eligible", ("new", "ndc_prize"): "granted"}
    assert evaluation.period == Period.term(2023, 2028)


def test_an_award_held_in_an_earlier_term_is_held_before(tmp_path: Path) -> None:
    """``held_before`` (and so ``frequency = "once"``) reads history keyed by terms: the start
    of ``term:2018-2023`` is 2019-01-01, before ``term:2023-2028``."""
    ruleset = (DATED / "term_prizes.toml").read_text("utf-8")
    ruleset = ruleset.replace(
        "[[awards.ndc_prize.exclusions]]",
        '[[awards.ndc_prize.exclusions]]\nid = "ever"\nexpr = \'held_before("ndc_prize")\'\n'
        'label = { vi = "Đã nhận giải", en = "Won it before" }\nbasis = "Mẫu thử"\n'
        'certainty = "R"\n\n[[awards.ndc_prize.exclusions]]',
        1,
    )
    path = tmp_path / "term_prizes.toml"
    path.write_text(ruleset, "utf-8")
    engine = emulation.build_engine(ruleset_paths=[path], entry_points=False)
    evaluation = engine.evaluate(term_population(), "term:2023-2028", ["ndc_prize"])
    ever = {d.subject: d.criteria for d in evaluation.decisions()}
    assert {s: next(c.value for c in cs if c.id == "ever") for s, cs in ever.items()} == {
        "again": True,
        "new": False,
    }


def test_a_term_cut_off_is_the_congress_day(engine: emulation.Engine) -> None:
    evaluation = engine.evaluate(
        term_population(), "term:2023-2028", ["ndc_prize"], as_of="2028-10-15"
    )
    assert evaluation.as_of == dt.date(2028, 10, 15)
    with pytest.raises(PeriodError, match="outside the period term:2023-2028"):
        engine.evaluate(term_population(), "term:2023-2028", ["ndc_prize"], as_of="2023-12-01")


def test_a_ruleset_refuses_a_kind_of_period_it_does_not_accept(engine: emulation.Engine) -> None:
    population = term_population()
    with pytest.raises(
        EvaluationError,
        match=r"ruleset test.term_prizes 1.0.0 is not evaluated for year periods such as "
        r"\"2028\": it declares periods = \['term'\]",
    ):
        engine.evaluate(population, "2028", ["ndc_prize"])
    # no ruleset accepts a phase: the error names the first that refuses it
    with pytest.raises(
        EvaluationError,
        match=r"ruleset test\.\w+ 1\.\d\.0 is not evaluated for "
        "phase periods",
    ):
        engine.evaluate(population, "phase:2026-2030")
    # asked for nothing in particular, a year evaluation leaves the term ruleset out
    assert {r.id for r in engine.rulesets_for("2025")} == {
        "test.council_votes",
        "test.dated_records",
    }
    assert {r.id for r in engine.rulesets_for("term:2023-2028")} == {
        "test.dated_records",
        "test.term_prizes",
    }


@settings(max_examples=25, deadline=None, derandomize=True)
@given(
    est.registrations("a", "2025", kinds=["dan_van_kheo"], max_records=3),
    st.dates(dt.date(2025, 1, 1), dt.date(2025, 12, 31)),
    st.dates(dt.date(2025, 1, 1), dt.date(2025, 12, 31)),
)
def test_months_in_operation_never_fall_as_the_cut_off_moves_later(
    engine: emulation.Engine,
    models: tuple[Registration, ...],
    first: dt.date,
    second: dt.date,
) -> None:
    early, late = sorted((first, second))
    population = model_population(*models) if models else model_population()
    counted = [months(engine, population, day.isoformat())["none"] for day in (early, late)]
    assert counted == [0, 0]
    if models:
        at_early = months(engine, population, early.isoformat())["a"]
        at_late = months(engine, population, late.isoformat())["a"]
        assert 0 <= at_early <= at_late
        # and never more than the whole months from the earliest start
        starts = [m.start for m in models if m.status == "effective" and m.start <= late]
        if not starts:
            assert at_late == 0
