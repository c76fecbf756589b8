"""Anchored windows and merit history (emulation.evaluate.windows), on the test ruleset
tests/rulesets/windows/windows.toml: the window ends with this period or the one before, and
starts after the last grant of an award or the end of the last discipline; history records
carry a type."""

from __future__ import annotations

import datetime as dt
import itertools
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import emulation
from emulation import Population, RulesetError
from emulation.cli import main

RULES = Path(__file__).resolve().parents[1] / "rulesets" / "windows"


@pytest.fixture(scope="module")
def engine() -> emulation.Engine:
    return emulation.build_engine(entry_points=False, ruleset_paths=[RULES])


def person(sid: str = "a", rating: str = "HTT", **extra: Any) -> dict[str, Any]:
    return {
        "id": sid,
        "kind": "person",
        "facts": extra.pop("facts", {"2025": {"rating": rating}}),
    } | extra


def decide(
    engine: emulation.Engine, subject: dict[str, Any], award: str, period: str = "2025"
) -> emulation.Decision:
    evaluation = engine.evaluate(Population.from_json({"subjects": [subject]}), period, [award])
    return evaluation.decision(subject["id"], award)


def inputs(decision: emulation.Decision, rule: str) -> dict[str, Any]:
    [criterion] = [c for c in decision.criteria if c.id == rule]
    return dict(criterion.inputs)


def titles(*years: int, award: str = "title", kind: str | None = None) -> list[dict[str, str]]:
    extra = {} if kind is None else {"type": kind}
    return [{"award": award, "period": str(year), **extra} for year in years]


# -- done when: an award is not granted again on a window that reuses a period -------------------


def test_a_grant_is_not_repeated_on_a_window_that_reuses_its_period(
    engine: emulation.Engine,
) -> None:
    """Two consecutive titles earn bk; bk for 2023 (on 2022–2023) is not given again in 2024
    (its window would reuse 2023), and is given again in 2025 on 2024–2025."""
    facts = {str(year): {"rating": "HTT"} for year in range(2022, 2027)}
    population = Population.from_json({"subjects": [person(facts=facts)]})
    years = ["2022", "2023", "2024", "2025", "2026"]
    runs = engine.evaluate_periods(population, years, ["bk"])
    outcomes = {str(run.period): run.decision("a", "bk").outcome for run in runs}
    assert outcomes == {
        "2022": "not_eligible",
        "2023": "granted",
        "2024": "not_eligible",
        "2025": "granted",
        "2026": "not_eligible",
    }
    shown = {str(run.period): inputs(run.decision("a", "bk"), "fresh_chain") for run in runs}
    key = "streak(award='title', since='bk')"
    assert [shown[y][key] for y in years] == [1, 2, 1, 2, 1]
    assert [shown[y][f"{key}.window"] for y in years] == [
        "…–2022",
        "…–2023",
        "2024",
        "2024–2025",
        "2026",
    ]


def _plain(tmp_path: Path) -> emulation.Engine:
    """The test ruleset with bk's window not anchored."""
    ruleset = (RULES / "windows.toml").read_text(encoding="utf-8")
    path = tmp_path / "plain.toml"
    path.write_text(ruleset.replace('streak("title", since="bk")', 'streak("title")'))
    return emulation.build_engine(entry_points=False, ruleset_paths=[path])


def test_without_the_anchor_the_award_would_be_repeated(tmp_path: Path) -> None:
    """The same history read by a plain streak grants bk again in 2024 (error E1 of the
    domain review), and names the call as before anchors existed, with no window."""
    subject = person(
        facts={"2024": {"rating": "HTT"}}, awards=[*titles(2022, 2023), *titles(2023, award="bk")]
    )
    decision = decide(_plain(tmp_path), subject, "bk", "2024")
    assert decision.outcome == "granted"
    assert inputs(decision, "fresh_chain") == {
        "streak(award='title')": 3,
        "title.outcome": "granted",
    }


# -- after the end of discipline ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "end", "streak", "window"),
    [
        ("2023-03-01", "2023-09-30", 2, "2024–2025"),
        ("2024-03-01", "2024-09-30", 1, "2025"),
        ("2024-03-01", "2024-12-31", 1, "2025"),
        ("2024-03-01", "2025-01-01", 0, "—"),
        ("2022-06-01", None, 0, "—"),
        ("2026-01-01", "2026-02-01", 3, "…–2025"),
    ],
)
def test_a_streak_interrupted_by_discipline_counts_only_after_its_end(
    engine: emulation.Engine, start: str, end: str | None, streak: int, window: str
) -> None:
    discipline = [{"level": "reprimand", "start": start, "end": end}]
    subject = person(awards=titles(2023, 2024), discipline=discipline)
    decision = decide(engine, subject, "clean_chain")
    shown = inputs(decision, "after_discipline")
    key = "streak(award='title', after_discipline='reprimand')"
    assert shown[key] == streak
    assert shown[f"{key}.window"] == window
    assert decision.outcome == ("granted" if streak >= 2 else "not_eligible")


def test_a_lighter_discipline_than_the_level_named_does_not_bound_the_window(
    tmp_path: Path,
) -> None:
    ruleset = (RULES / "windows.toml").read_text(encoding="utf-8")
    path = tmp_path / "w.toml"
    path.write_text(ruleset.replace('after_discipline="reprimand"', 'after_discipline="warning"'))
    engine = emulation.build_engine(entry_points=False, ruleset_paths=[path])
    reprimand = [{"level": "reprimand", "start": "2024-03-01", "end": "2024-09-30"}]
    warning = [{"level": "warning", "start": "2024-03-01", "end": "2024-09-30"}]
    assert (
        decide(
            engine, person(awards=titles(2023, 2024), discipline=reprimand), "clean_chain"
        ).outcome
        == "granted"
    )
    assert (
        decide(engine, person(awards=titles(2023, 2024), discipline=warning), "clean_chain").outcome
        == "not_eligible"
    )


# -- the years immediately before the proposal year -------------------------------------------


@pytest.mark.parametrize(
    ("ratings", "streak"),
    [
        (("HTT", "HTT", "HTT", "KHT"), 3),
        (("HT", "HTT", "HTT", "HTXS"), 2),
        (("HTT", "HTT", "KHT", "HTXS"), 0),
        (("HTXS", "HTXS", "HTXS", None), 3),
    ],
)
def test_the_streak_before_the_proposal_year_ignores_that_year(
    engine: emulation.Engine, ratings: tuple[str | None, ...], streak: int
) -> None:
    facts = {
        str(2022 + i): ({} if rating is None else {"rating": rating})
        for i, rating in enumerate(ratings)
    }
    decision = decide(engine, person(facts=facts), "recency")
    shown = inputs(decision, "three_years_before")
    key = "fact_streak(fact='rating', at_least='HTT', anchor='before')"
    assert shown[key] == streak
    assert shown[f"{key}.window"] == "…–2024"
    assert decision.outcome == ("granted" if streak >= 3 else "not_eligible")


# -- merit history and since any award of a list ---------------------------------------------


@pytest.mark.parametrize(
    ("kinds", "merit"),
    [
        (("merit", "merit"), 2),
        ((None, "merit"), 2),
        (("merit", "thematic"), 1),
        (("adhoc", "thematic"), 0),
        (("service", "merit"), 1),
    ],
)
def test_merit_only_history_leaves_out_thematic_and_adhoc_records(
    engine: emulation.Engine, kinds: tuple[str | None, str], merit: int
) -> None:
    awards = titles(2021, award="bk", kind=kinds[0]) + titles(2023, award="bk", kind=kinds[1])
    decision = decide(engine, person(awards=[*awards, *titles(2024)]), "bk_high")
    shown = inputs(decision, "merit_certificates")
    assert shown["count_held(award='bk', window=5, anchor='before', type='merit')"] == merit
    assert decision.outcome == ("granted" if merit >= 2 else "not_eligible")


@pytest.mark.parametrize(
    ("last", "count", "window"),
    [
        ([], 2, "2023–2025"),
        (titles(2022, award="medal"), 2, "2023–2025"),
        (titles(2023, award="medal"), 2, "2024–2025"),
        (titles(2024, award="bk_high"), 1, "2025"),
        (titles(2023, award="bk_high") + titles(2024, award="medal"), 1, "2025"),
        (titles(2025, award="medal"), 2, "2023–2025"),
    ],
)
def test_since_any_award_of_a_list_starts_after_the_latest_of_them(
    engine: emulation.Engine, last: list[dict[str, str]], count: int, window: str
) -> None:
    """A record of the evaluation period itself is not an earlier grant."""
    history = titles(2024) + titles(2021, 2022, award="bk") + last
    decision = decide(engine, person(awards=history), "bk_high")
    shown = inputs(decision, "fresh_titles")
    key = "count_held(award='title', window=3, since=('bk_high', 'medal'))"
    assert (shown[key], shown[f"{key}.window"]) == (count, window)


def test_a_typed_record_of_this_period_is_read_from_the_history(engine: emulation.Engine) -> None:
    """held_before reads the history; a thematic higher certificate does not qualify."""
    thematic = person(awards=titles(2023, award="bk_high", kind="thematic"))
    merit = person(awards=titles(2023, award="bk_high"))
    assert decide(engine, thematic, "medal").outcome == "not_eligible"
    assert decide(engine, merit, "medal").outcome == "granted"


# -- the rule language: awards lists, quiet arguments, load errors ----------------------------


def _load(tmp_path: Path, expr: str) -> RulesetError:
    ruleset = (RULES / "windows.toml").read_text(encoding="utf-8")
    path = tmp_path / "bad.toml"
    path.write_text(ruleset.replace('streak("title", since="bk") >= 2', expr), encoding="utf-8")
    with pytest.raises(RulesetError) as raised:
        emulation.build_engine(entry_points=False, ruleset_paths=[path])
    return raised.value


@pytest.mark.parametrize(
    ("expr", "message"),
    [
        ('streak("title", since="bks") >= 2', 'unknown award "bks" (did you mean "bk"?)'),
        (
            'count_held("title", 3, since=("bk_high", "medals")) >= 2',
            'unknown award "medals" (did you mean "medal"?)',
        ),
        ('streak("title", since=()) >= 2', 'argument "since" of streak() names no award'),
        (
            'streak("title", since=("bk", 3)) >= 2',
            'argument "since" of streak() must be an award id',
        ),
        ('streak("title", anchor="after") >= 2', '"after" is not allowed for "anchor"'),
        ('streak("title", type="cong_trang") >= 2', '"cong_trang" is not allowed for "type"'),
        ('fact_streak("rating", "HTT", after_discipline="fine") >= 2', '"fine" is not allowed'),
        ('streak("title", since=title) >= 2', 'argument "since" of streak() must be a literal'),
    ],
)
def test_a_bad_anchor_is_a_located_load_error(tmp_path: Path, expr: str, message: str) -> None:
    error = _load(tmp_path, expr)
    [problem] = error.problems
    assert message in problem.message
    assert problem.location.startswith("awards.bk.criteria[0].expr")


def test_the_case_file_passes_with_full_criterion_coverage(
    capsys: pytest.CaptureFixture[str],
) -> None:
    status = main(["test", str(RULES), "--examples", "0", "--min-coverage", "100"])
    out = capsys.readouterr().out
    assert status == 0, out
    assert "12 / 12   100.0 %" in out


# -- a property: since the last grant, with an oracle worked out year by year ---------------------


def _oracle(ratings: list[str]) -> list[bool]:
    """Whether bk is granted each year: after two consecutive titles counted since the last
    bk, which uses them up (worked out without the engine)."""
    grants, run = [], 0
    for rating in ratings:
        run = run + 1 if rating in ("HTT", "HTXS") else 0
        grants.append(run >= 2)
        if run >= 2:
            run = 0
    return grants


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.lists(st.sampled_from(["HT", "HTT", "HTXS"]), min_size=1, max_size=7))
def test_since_the_last_grant_never_reuses_a_period(
    engine: emulation.Engine, ratings: list[str]
) -> None:
    years = [str(2019 + i) for i in range(len(ratings))]
    facts = {year: {"rating": rating} for year, rating in zip(years, ratings, strict=True)}
    population = Population.from_json({"subjects": [person(facts=facts)]})
    runs = engine.evaluate_periods(population, years, ["bk"])
    granted = [run.decision("a", "bk").outcome == "granted" for run in runs]
    assert granted == _oracle(ratings)
    # no two grants share a title year: the windows (year - 1, year) never overlap
    marks = [i for i, g in enumerate(granted) if g]
    assert all(later - earlier >= 2 for earlier, later in itertools.pairwise(marks))


@pytest.fixture(scope="module")
def bounds_engine(tmp_path_factory: pytest.TempPathFactory) -> emulation.Engine:
    """The test ruleset with bk's criterion comparing anchored and plain counts."""
    compare = (
        'count_held("title", 4, since="bk", after_discipline="reprimand") <= count_held("title", 4)'
        ' and streak("title", since=("bk", "medal")) <= streak("title")'
        ' and count_held("title", 3, anchor="before", type="merit") <= count_held("title", 4)'
    )
    ruleset = (RULES / "windows.toml").read_text(encoding="utf-8")
    path = tmp_path_factory.mktemp("bounds") / "bounds.toml"
    path.write_text(ruleset.replace('streak("title", since="bk") >= 2', compare), encoding="utf-8")
    return emulation.build_engine(entry_points=False, ruleset_paths=[path])


YEARS = st.sets(st.integers(2019, 2024), max_size=6)


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    YEARS,
    YEARS,
    st.sampled_from(["merit", "thematic", "adhoc"]),
    st.lists(
        st.tuples(
            st.dates(dt.date(2018, 1, 1), dt.date(2026, 6, 30)), st.integers(0, 800) | st.none()
        ),
        max_size=2,
    ),
)
def test_a_bound_never_counts_more_than_the_plain_window(
    bounds_engine: emulation.Engine,
    held: set[int],
    granted: set[int],
    kind: str,
    spells: list[tuple[dt.date, int | None]],
) -> None:
    awards = [*titles(*sorted(held), kind=kind), *titles(*sorted(granted), award="bk")]
    discipline = [
        {
            "level": "warning",
            "start": start.isoformat(),
            "end": None if days is None else (start + dt.timedelta(days)).isoformat(),
        }
        for start, days in spells
    ]
    subject = person(awards=awards, discipline=discipline)
    decision = decide(bounds_engine, subject, "bk")
    assert decision.outcome == "granted", decision.render("en")


@pytest.mark.parametrize(
    ("history", "held", "since"),
    [
        ([], False, None),
        (titles(2020, award="medal"), True, 5),
        (titles(2020, award="medal") + titles(2023, award="bk_high"), True, 2),
        (titles(2023, award="bk_high", kind="thematic"), True, 2),
        (titles(2025, award="bk_high"), False, None),
    ],
)
def test_held_before_and_periods_since_take_any_award_of_a_tuple(
    tmp_path: Path, history: list[dict[str, str]], held: bool, since: int | None
) -> None:
    ruleset = (RULES / "windows.toml").read_text(encoding="utf-8")
    expr = 'held_before(("bk_high", "medal")) or periods_since(("bk_high", "medal")) >= 1'
    path = tmp_path / "any.toml"
    path.write_text(ruleset.replace('streak("title", since="bk") >= 2', expr), encoding="utf-8")
    engine = emulation.build_engine(entry_points=False, ruleset_paths=[path])
    shown = inputs(decide(engine, person(awards=history), "bk"), "fresh_chain")
    assert shown["held_before(award=('bk_high', 'medal'))"] is held
    assert shown["periods_since(award=('bk_high', 'medal'))"] == since


def test_grants_enter_the_history_with_their_awards_history_type(
    engine: emulation.Engine,
) -> None:
    """evaluate_periods records a thematic award as thematic, and a decision of the same
    evaluation counts for the type filter only when it is of that type."""
    facts = {str(year): {"rating": "HTXS"} for year in (2023, 2024, 2025)}
    population = Population.from_json({"subjects": [person(facts=facts)]})
    runs = engine.evaluate_periods(population, ["2023", "2024", "2025"], ["campaign_chain"])
    outcomes = [run.decision("a", "campaign_chain").outcome for run in runs]
    assert outcomes == ["not_eligible", "granted", "granted"]
    last = inputs(runs[-1].decision("a", "campaign_chain"), "thematic_chain")
    assert last["streak(award='campaign', type='thematic')"] == 3

    # bk, a merit award, granted by the engine for 2024 (titles 2023–2024), counts as merit
    runs = engine.evaluate_periods(population, ["2023", "2024", "2025"], ["bk_high"])
    counted = inputs(runs[-1].decision("a", "bk_high"), "merit_certificates")
    assert counted["count_held(award='bk', window=5, anchor='before', type='merit')"] == 1


def test_a_merit_filter_does_not_count_this_periods_thematic_grant(tmp_path: Path) -> None:
    ruleset = (RULES / "windows.toml").read_text(encoding="utf-8")
    path = tmp_path / "merit.toml"
    path.write_text(
        ruleset.replace(
            'streak("campaign", type="thematic") >= 2', 'streak("campaign", type="merit") >= 1'
        )
    )
    engine = emulation.build_engine(entry_points=False, ruleset_paths=[path])
    subject = person("a", "HTXS", awards=titles(2024, award="campaign", kind="merit"))
    decision = decide(engine, subject, "campaign_chain")
    assert inputs(decision, "thematic_chain")["streak(award='campaign', type='merit')"] == 0
    assert decision.outcome == "not_eligible"
