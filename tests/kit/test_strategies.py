"""emulation.strategies: valid records, rulesets' types and ranges, thresholds seen often,
and registration with Hypothesis through the entry point."""

from __future__ import annotations

import datetime as dt
import importlib.metadata
import itertools
from decimal import Decimal
from pathlib import Path

import polars as pl
import pytest
from hypothesis import HealthCheck, find, given, settings
from hypothesis import strategies as st

import emulation
from emulation import (
    AwardRecord,
    DisciplineRecord,
    EvidenceItem,
    Fact,
    Period,
    Population,
    ServiceSpell,
    Subject,
)
from emulation import strategies as est
from emulation._testing.edges import in_force
from emulation.data.cast import cast_column
from emulation.data.records import RECORD_TYPES

TINY = """
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

[facts.months]
type = "int"
minimum = 0
maximum = 12
better = "higher"
label = { vi = "Số tháng làm việc", en = "Months worked" }

[parameters.min_months]
type = "int"
label = { vi = "Số tháng tối thiểu", en = "Minimum months" }
basis = "Quy chế thử nghiệm Điều 1"
certainty = "C"
values = [{ from = 2020-01-01, value = 6 }]

[awards.khen]
kind = "certificate"
subject = "person"
label = { vi = "Giấy khen", en = "Certificate of merit" }

[[awards.khen.criteria]]
id = "score"
expr = "score >= 8.5"
label = { vi = "Điểm từ 8,5", en = "Score of 8.5 or more" }
basis = "Quy chế thử nghiệm Điều 2"
certainty = "C"

[[awards.khen.criteria]]
id = "months"
expr = "months >= min_months"
label = { vi = "Đủ số tháng", en = "Enough months" }
basis = "Quy chế thử nghiệm Điều 3"
certainty = "C"
"""

STATE = Path(__file__).resolve().parents[2] / "rulesets" / "state"
ENGINE = emulation.build_engine(entry_points=False, ruleset_paths=[STATE])
FAST = settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow], derandomize=True
)


@pytest.fixture(scope="module")
def tiny(tmp_path_factory: pytest.TempPathFactory) -> emulation.Engine:
    folder = tmp_path_factory.mktemp("tiny")
    (folder / "tiny.toml").write_text(TINY, encoding="utf-8")
    return emulation.build_engine(entry_points=False, ruleset_paths=[folder])


# -- registration ------------------------------------------------------------------------------


def test_the_hypothesis_entry_point_is_declared() -> None:
    [entry] = [
        e for e in importlib.metadata.entry_points(group="hypothesis") if e.name == "emulation"
    ]
    assert entry.value == "emulation._hypothesis:setup"


@FAST
@given(st.from_type(Period), st.from_type(Subject))
def test_from_type_uses_the_registered_strategies(period: Period, subject: Subject) -> None:
    # attrs inference alone would draw any year and any text; ours stay plausible
    assert 2000 <= period.year <= 2035
    assert subject.kind in ("person", "collective")
    assert subject.name is None or subject.name in (*est.NAMES, *est.UNIT_NAMES)
    if subject.kind == "collective":
        assert subject.gender is None


@FAST
@given(
    st.from_type(EvidenceItem),
    st.from_type(AwardRecord),
    st.from_type(DisciplineRecord),
    st.from_type(ServiceSpell),
    st.from_type(Fact),
)
def test_every_record_type_is_registered(
    item: EvidenceItem,
    record: AwardRecord,
    discipline: DisciplineRecord,
    spell: ServiceSpell,
    fact: Fact,
) -> None:
    assert Period.parse(item.period)
    assert Period.parse(record.period)
    assert Period.parse(fact.period)
    assert discipline.end is None or discipline.end > discipline.start
    assert spell.kind in est.SERVICE_KINDS


@settings(max_examples=10, deadline=None, derandomize=True)
@given(st.from_type(Population))
def test_from_type_population_gives_valid_populations(population: Population) -> None:
    assert population.subjects.height >= 1
    [period] = population.periods()
    assert set(population.facts.get_column("subject")) == set(population.subjects.get_column("id"))
    assert Period.parse(period)


# -- the parts ---------------------------------------------------------------------------------


@FAST
@given(est.collectives(id="u7", min_members=1, max_members=4))
def test_collectives_come_with_their_members(
    family: tuple[Subject, tuple[Subject, ...]],
) -> None:
    unit, members = family
    assert unit.kind == "collective"
    assert unit.id == "u7"
    assert 1 <= len(members) <= 4
    assert all(m.kind == "person" and m.parent == "u7" for m in members)
    assert len({m.id for m in members}) == len(members)


@FAST
@given(est.histories("p0", "2024", ["ldtt", "cstdcs"], max_length=6))
def test_histories_hold_awards_of_earlier_periods(records: tuple[AwardRecord, ...]) -> None:
    keys = [(r.award, r.period) for r in records]
    assert len(set(keys)) == len(keys)
    for record in records:
        assert record.subject == "p0"
        assert record.award in ("ldtt", "cstdcs")
        assert Period.parse("2018") <= Period.parse(record.period) < Period.parse("2024")


@FAST
@given(est.service_spells("p0", "2024", max_spells=3))
def test_service_spells_never_overlap(spells: tuple[ServiceSpell, ...]) -> None:
    for before, after in itertools.pairwise(spells):
        assert before.end is not None
        assert before.end < after.start


@FAST
@given(est.evidence("p0", "2024", kinds=["initiative"]), est.discipline_records("p0", "2024"))
def test_evidence_and_discipline_sit_around_the_period(
    item: EvidenceItem, records: tuple[DisciplineRecord, ...]
) -> None:
    assert item.kind == "initiative"
    assert item.period in ("2024", "2023", "2022", "2019")
    for record in records:
        assert dt.date(2022, 1, 1) <= record.start <= dt.date(2024, 12, 31)


@FAST
@given(
    st.lists(est.evidence("p0", "2024", kinds=["solution"]), min_size=1, max_size=4),
    est.histories("p0", "2024", ["ldtt"], max_length=4),
)
def test_shares_and_record_types_are_valid_and_read_back(
    items: list[EvidenceItem], records: tuple[AwardRecord, ...]
) -> None:
    """Shares are in (0, 1], record types known; a population keeps both as drawn."""
    unique = {item.id: item for item in items}
    for item in unique.values():
        assert Decimal(0) < item.share <= 1
        assert item.amount is None or item.amount >= 0
    for record in records:
        assert record.type in RECORD_TYPES
    population = Population.from_records(
        [Subject(id="p0", kind="person")], evidence=unique.values(), awards=records
    )
    shares = dict(population.evidence.select("id", "share").iter_rows())
    assert shares == {item.id: item.share for item in unique.values()}
    types = {
        (a, p): t for a, p, t in population.awards.select("award", "period", "type").iter_rows()
    }
    assert types == {(r.award, r.period): r.type for r in records}


def test_every_record_type_and_share_is_drawn() -> None:
    """The strategies reach each record type and a part share, not only the defaults."""
    seen_types: set[str] = set()
    seen_shares: set[Decimal] = set()

    @settings(max_examples=300, database=None, derandomize=True)
    @given(
        est.award_records("p0", "2024", ["ldtt"]),
        est.evidence("p0", "2024", kinds=["solution"]),
    )
    def collect(record: AwardRecord, item: EvidenceItem) -> None:
        seen_types.add(record.type)
        seen_shares.add(item.share)

    collect()
    assert seen_types == set(RECORD_TYPES)
    assert Decimal(1) in seen_shares
    assert any(share < 1 for share in seen_shares)


def test_fact_values_respect_declared_ranges(tiny: emulation.Engine) -> None:
    [ruleset] = tiny.rulesets

    @FAST
    @given(est.fact_values(ruleset.facts["score"], [Decimal("8.5")]))
    def check(value: object) -> None:
        assert isinstance(value, Decimal)
        assert Decimal(0) <= value <= Decimal(10)

    check()


# -- from_ruleset ------------------------------------------------------------------------------


@settings(max_examples=40, deadline=None, derandomize=True)
@given(est.from_ruleset(ENGINE.rulesets))
@pytest.mark.slow
def test_from_ruleset_respects_types_enums_and_ranges(population: Population) -> None:
    current = max(Period.parse(p) for p in population.periods())
    in_force = ENGINE.rulesets_in_force(current)
    assert in_force, "the period drawn has a ruleset in force"
    declared = {name: decl for r in in_force for name, decl in r.facts.items()}
    rows = population.facts.filter(pl.col("period") == str(current))
    assert rows.height == population.subjects.height
    for name in population.fact_columns:
        decl = declared[name]
        values = [v for v in rows.get_column(name).to_list() if v is not None]
        if decl.type == "enum":
            assert set(values) <= set(decl.values)
        elif decl.type == "bool":
            assert all(isinstance(v, bool) for v in values)
        elif decl.type in ("int", "decimal"):
            column = cast_column(rows.get_column(name), pl.Decimal(38, 6))
            for value in column.drop_nulls().to_list():
                assert decl.minimum is None or value >= decl.minimum
                assert decl.maximum is None or value <= decl.maximum


def test_thresholds_are_read_from_the_rules() -> None:
    edges = in_force(ENGINE.rulesets, Period.calendar(2024))
    assert {5, 6, 7} <= edges.values["months_worked"]  # months_worked + … >= min_months_worked
    assert {"HTT", "HTXS"} <= edges.values["rating"]
    assert {0, 1, 2} <= edges.counts  # evidence_count(…) >= 1
    assert "initiative" in edges.texts_of("kind")
    old = in_force(ENGINE.rulesets, Period.calendar(2023))
    assert {9, 10, 11} <= old.values["months_worked"]  # the 2017 parameter is 10


@pytest.mark.slow
def test_threshold_values_come_often(tiny: emulation.Engine) -> None:
    seen: dict[str, set[object]] = {"months": set(), "score": set()}

    @settings(max_examples=60, deadline=None, derandomize=True)
    @given(est.from_ruleset(tiny.rulesets, period="2024"))
    def collect(population: Population) -> None:
        for name, values in seen.items():
            if name in population.facts.columns:
                values.update(population.facts.get_column(name).drop_nulls().to_list())

    collect()
    assert {5, 6, 7} <= seen["months"]
    assert {Decimal("8.4"), Decimal("8.5"), Decimal("8.6")} <= seen["score"]


@pytest.mark.slow
@pytest.mark.parametrize("period", ["2023", "2024"])
def test_from_ruleset_draws_the_periods_either_side_of_a_change_of_law(period: str) -> None:
    # find() stops at the first population whose last period is the one asked for, so the test
    # does not hang on how many draws it takes (that depends on the rulesets and the hash seed)
    found = find(
        est.from_ruleset(ENGINE.rulesets),
        lambda population: max(population.periods(), key=Period.parse) == period,
        settings=settings(max_examples=2000, deadline=None, database=None),
    )
    assert max(found.periods(), key=Period.parse) == period


def test_from_ruleset_rejects_a_period_without_rules(tiny: emulation.Engine) -> None:
    with pytest.raises(ValueError, match="no given ruleset is in force for period 2010"):
        est.from_ruleset(tiny.rulesets, period="2010")
    with pytest.raises(ValueError, match="at least one ruleset"):
        est.from_ruleset([])


@settings(max_examples=20, deadline=None, derandomize=True)
@given(est.from_ruleset(ENGINE.rulesets, period="2024"))
@pytest.mark.slow
def test_generated_populations_evaluate(population: Population) -> None:
    assert population.set_aside == ()  # no award or service before birth, no clashes
    decisions = ENGINE.evaluate(population, "2024").decisions()
    assert {d.subject for d in decisions} == set(population.subjects.get_column("id"))
