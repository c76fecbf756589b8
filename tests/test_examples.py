"""The bundled example (examples/union.json and examples/union/): a grassroots union, 2021–2025.

Checks that the two input forms carry the same data and are decided alike, that the generator
reproduces the committed files byte for byte, and that the people the example's README points
at are decided as it says.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections import Counter
from pathlib import Path

import polars as pl
import pytest

import emulation
from emulation.population import ORIGIN, SCHEMAS, Population

ROOT = Path(__file__).parents[1]
EXAMPLES = ROOT / "examples"
JSON_FORM = EXAMPLES / "union.json"
CSV_FORM = EXAMPLES / "union"
TABLES = ("subjects", "facts", "evidence", "awards", "service", "discipline")
PERIODS = ("2021", "2022", "2023", "2024", "2025")


@pytest.fixture(scope="module")
def engine() -> emulation.Engine:
    return emulation.build_engine(entry_points=False, ruleset_paths=[ROOT / "rulesets" / "state"])


@pytest.fixture(scope="module")
def from_json(engine: emulation.Engine) -> Population:
    return engine.read_population(JSON_FORM)


@pytest.fixture(scope="module")
def from_csv(engine: emulation.Engine) -> Population:
    return engine.read_population(CSV_FORM)


@pytest.fixture(scope="module")
def evaluations(engine: emulation.Engine, from_csv: Population) -> dict[str, emulation.Evaluation]:
    return {period: engine.evaluate(from_csv, period) for period in PERIODS}


def _decisions(engine: emulation.Engine, population: Population, period: str) -> list[dict]:
    return [d.to_dict("en") for d in engine.evaluate(population, period).decisions()]


# -- the data itself ---------------------------------------------------------------------------


def test_example_is_a_union_of_fifty_people(from_csv: Population) -> None:
    subjects = from_csv.subjects
    persons = subjects.filter(pl.col("kind") == "person")
    assert persons.height == 50
    assert set(persons.get_column("gender")) == {"female", "male"}
    # realistic Vietnamese names: written with their diacritics
    assert all(not name.isascii() for name in persons.get_column("name"))
    union = subjects.filter(pl.col("id") == "cd-nguyendu").row(0, named=True)
    assert union["kind"] == "collective"
    assert union["name"] == "Công đoàn cơ sở Trường THPT Nguyễn Du"
    # every person belongs to a trade-union group (tổ công đoàn) of the union
    groups = subjects.filter(pl.col("parent") == "cd-nguyendu").get_column("id").to_list()
    assert len(groups) == 3
    assert set(persons.get_column("parent")) == set(groups)
    assert from_csv.periods() == PERIODS


def test_csv_headers_are_the_documented_columns() -> None:
    for table in TABLES:
        header = (CSV_FORM / f"{table}.csv").read_text(encoding="utf-8").splitlines()[0]
        columns = header.split(",")
        if table == "facts":
            assert columns[:2] == list(SCHEMAS["facts"])
        else:
            assert columns == list(SCHEMAS[table])


def test_fact_columns_are_the_facts_the_state_rulesets_declare(
    engine: emulation.Engine, from_csv: Population, from_json: Population
) -> None:
    declared = {name for ruleset in engine.rulesets for name in ruleset.facts}
    assert set(from_csv.fact_columns) == declared
    assert set(from_json.fact_columns) == declared


# -- both forms, one meaning -------------------------------------------------------------------


def test_both_forms_hold_the_same_records(from_json: Population, from_csv: Population) -> None:
    for table in ("subjects", "evidence", "awards", "service", "discipline"):
        left, right = from_json.frames()[table], from_csv.frames()[table]
        assert left.drop(ORIGIN).equals(right.drop(ORIGIN)), table
    # the facts differ only in type: JSON keeps true/7, CSV has the text "true"/"7"
    assert _facts_as_text(from_json).equals(from_csv.facts.drop(ORIGIN))


def _facts_as_text(population: Population) -> pl.DataFrame:
    """The facts frame with every value as the text a CSV file would hold."""
    facts = population.facts.drop(ORIGIN)
    return facts.with_columns(
        pl.col(name).replace_strict({True: "true", False: "false"}, return_dtype=pl.String)
        if dtype == pl.Boolean
        else pl.col(name).cast(pl.String)
        for name, dtype in facts.schema.items()
    )


@pytest.mark.parametrize("period", PERIODS)
def test_both_forms_give_identical_decisions(
    engine: emulation.Engine, from_json: Population, from_csv: Population, period: str
) -> None:
    """Everything, input_hash included: the hash is of the data, not of how it was typed."""
    json_decisions = _decisions(engine, from_json, period)
    csv_decisions = _decisions(engine, from_csv, period)
    assert len(json_decisions) > 0
    assert json_decisions == csv_decisions


def test_the_forms_really_arrive_with_different_types(
    from_json: Population, from_csv: Population
) -> None:
    """What makes the test above meaningful: JSON facts keep true/7, CSV facts are text."""
    assert from_json.facts.schema["good_attitude"] == pl.Boolean
    assert from_json.facts.schema["months_worked"] == pl.Int64
    assert from_csv.facts.schema["good_attitude"] == pl.String
    assert from_csv.facts.schema["months_worked"] == pl.String
    ids = from_csv.subjects.get_column("id").to_list()
    assert from_json.subject_hashes(ids) == from_csv.subject_hashes(ids)
    # and the hash does see the data: one changed fact changes that subject's hash only
    changed = from_csv.facts.with_columns(
        pl.when((pl.col("subject") == "nd-041") & (pl.col("period") == "2023"))
        .then(pl.lit("8"))
        .otherwise(pl.col("months_worked"))
        .alias("months_worked")
    )
    other = Population.from_frames("<changed>", **{**from_csv.frames(), "facts": changed})
    before, after = from_csv.subject_hashes(ids), other.subject_hashes(ids)
    assert [sid for sid in ids if before[sid] != after[sid]] == ["nd-041"]


# -- the generator -----------------------------------------------------------------------------


@pytest.mark.parametrize("hash_seed", ["0", "4242"])
def test_generator_reproduces_the_committed_files(tmp_path: Path, hash_seed: str) -> None:
    env = {**os.environ, "PYTHONHASHSEED": hash_seed}
    subprocess.run(
        [sys.executable, str(EXAMPLES / "make_union.py"), "--out", str(tmp_path)],
        check=True,
        capture_output=True,
        env=env,
    )
    assert (tmp_path / "union.json").read_bytes() == JSON_FORM.read_bytes()
    generated = sorted(p.name for p in (tmp_path / "union").iterdir())
    assert generated == sorted(f"{table}.csv" for table in TABLES)
    assert generated == sorted(p.name for p in CSV_FORM.iterdir())
    for name in generated:
        assert (tmp_path / "union" / name).read_bytes() == (CSV_FORM / name).read_bytes(), name


def test_json_form_is_the_documented_format() -> None:
    document = json.loads(JSON_FORM.read_text(encoding="utf-8"))
    assert document["format"] == "emulation.population/1"
    lan = next(s for s in document["subjects"] if s["id"] == "nd-001")
    assert lan["name"] == "Nguyễn Thị Lan"
    assert lan["facts"]["2024"] == {"rating": "HTXS", "good_attitude": True}


# -- what the README points at -----------------------------------------------------------------

#: period -> outcome counts, as `emulation evaluate` prints them (ldtt and cstdcs together)
OUTCOME_COUNTS = {
    "2021": {"granted": 47, "not_eligible": 39},
    "2022": {"granted": 46, "not_eligible": 44},
    "2023": {"granted": 43, "not_eligible": 51},
    "2024": {"granted": 53, "not_eligible": 39, "blocked": 2, "data_missing": 2},
    "2025": {"granted": 56, "not_eligible": 37, "blocked": 4, "data_missing": 1},
}


@pytest.mark.parametrize("period", PERIODS)
def test_outcome_counts(evaluations: dict[str, emulation.Evaluation], period: str) -> None:
    outcomes = evaluations[period].outcomes().get_column("outcome").to_list()
    assert dict(Counter(outcomes)) == OUTCOME_COUNTS[period]


NOTABLE = [
    # (period, subject, award, outcome, [(reason code, criterion id), ...])
    # Lê Minh Khoa, recruited June 2023: 7 months < 10 (Decree 91), a full year in 2024
    ("2023", "nd-041", "ldtt", "not_eligible", [("criterion_failed", "min_service")]),
    (
        "2023",
        "nd-041",
        "cstdcs",
        "not_eligible",
        [("criterion_failed", "ldtt"), ("criterion_failed", "initiative")],
    ),
    ("2024", "nd-041", "ldtt", "granted", None),
    # Phạm Thị Ngọc Ánh, recruited June 2024: the same 7 months >= 6 (TT 01/2024)
    ("2024", "nd-042", "ldtt", "granted", None),
    ("2025", "nd-042", "cstdcs", "granted", None),
    # Đỗ Thị Hồng Nhung: 7 months + 3 of maternity leave = 10
    ("2023", "nd-043", "ldtt", "granted", None),
    # Vũ Đức Anh: 4 months + 2 of training = 6
    ("2024", "nd-044", "ldtt", "granted", None),
    # Hoàng Văn Phúc: 5 months < 6
    ("2025", "nd-045", "ldtt", "not_eligible", [("criterion_failed", "min_service")]),
    # Bùi Quốc Hưng: 8 months + 2 of treatment after an injury on duty = 10
    ("2022", "nd-046", "ldtt", "granted", None),
    # Lê Thị Thảo: recruited after a year on contract, 12 months
    ("2021", "nd-047", "ldtt", "granted", None),
    # Nguyễn Văn Thắng: under disciplinary review in 2024 only
    ("2024", "nd-048", "ldtt", "blocked", [("blocked", "under_review")]),
    ("2024", "nd-048", "cstdcs", "blocked", [("blocked", "under_review")]),
    ("2025", "nd-048", "cstdcs", "granted", None),
    # Hồ Thị Thanh Tâm: good_attitude not recorded for 2024
    ("2024", "nd-049", "ldtt", "data_missing", [("criterion_unknown", "attitude")]),
    ("2024", "nd-049", "cstdcs", "data_missing", [("criterion_unknown", "ldtt")]),
    ("2025", "nd-049", "ldtt", "granted", None),
    # Đinh Thị Thủy: good_attitude not recorded for 2025; no HTXS or initiative either
    ("2025", "nd-009", "ldtt", "data_missing", [("criterion_unknown", "attitude")]),
    ("2025", "nd-009", "cstdcs", "not_eligible", [("criterion_failed", "excellence")]),
    # Đặng Văn Long: reprimand from April 2022 to April 2023
    ("2021", "nd-050", "ldtt", "granted", None),
    ("2022", "nd-050", "ldtt", "not_eligible", [("exclusion_applies", "discipline")]),
    ("2023", "nd-050", "ldtt", "not_eligible", [("exclusion_applies", "discipline")]),
    ("2024", "nd-050", "ldtt", "granted", None),
    # Dương Minh Tuấn: warning from December 2022 to November 2023
    ("2022", "nd-004", "ldtt", "not_eligible", [("exclusion_applies", "discipline")]),
    ("2023", "nd-004", "ldtt", "not_eligible", [("exclusion_applies", "discipline")]),
    ("2023", "nd-004", "cstdcs", "not_eligible", [("criterion_failed", "ldtt")]),
    # Nguyễn Thị Lan: HTXS every year, an initiative only in 2021
    ("2021", "nd-001", "cstdcs", "granted", None),
    ("2022", "nd-001", "cstdcs", "not_eligible", [("criterion_failed", "initiative")]),
    ("2023", "nd-001", "cstdcs", "not_eligible", [("criterion_failed", "initiative")]),
    ("2024", "nd-001", "cstdcs", "granted", None),
    # Trần Văn Bình: rated only HT in 2024
    ("2024", "nd-002", "ldtt", "not_eligible", [("criterion_failed", "task_rating")]),
    # Trịnh Thị Kim Oanh (complaint) and Lý Văn Cường (inspection) in 2025
    ("2025", "nd-005", "cstdcs", "blocked", [("blocked", "under_review")]),
    ("2025", "nd-006", "ldtt", "blocked", [("blocked", "under_review")]),
]


@pytest.mark.parametrize(
    ("period", "subject", "award", "outcome", "reasons"),
    NOTABLE,
    ids=[f"{p}-{s}-{a}" for p, s, a, *_ in NOTABLE],
)
def test_notable_decisions(
    evaluations: dict[str, emulation.Evaluation],
    period: str,
    subject: str,
    award: str,
    outcome: str,
    reasons: list[tuple[str, str]] | None,
) -> None:
    decision = evaluations[period].decision(subject, award)
    assert decision.outcome == outcome
    codes = [(r.code, dict(r.params).get("criterion")) for r in decision.reasons]
    if reasons is None:
        assert codes[0] == ("granted", None)
    else:
        assert codes == reasons


def test_the_seven_month_recruits_read_the_threshold_in_force(
    evaluations: dict[str, emulation.Evaluation],
) -> None:
    khoa = evaluations["2023"].decision("nd-041", "ldtt")
    anh = evaluations["2024"].decision("nd-042", "ldtt")
    for decision, version, value in ((khoa, "1.0.0", False), (anh, "2.0.0", True)):
        criterion = next(c for c in decision.criteria if c.id == "min_service")
        inputs = dict(criterion.inputs)
        assert (inputs["recruited_this_period"], inputs["months_worked"]) == (True, 7)
        assert criterion.value is value
        assert decision.ruleset.version == version
    assert "10" in khoa.reasons[0].render("en")


def test_people_are_candidates_only_while_in_service(
    evaluations: dict[str, emulation.Evaluation],
) -> None:
    candidates = {
        period: set(evaluation.outcomes().get_column("subject"))
        for period, evaluation in evaluations.items()
    }
    assert "nd-003" in candidates["2023"]  # Phạm Văn Sơn retired on 31 August 2023
    assert "nd-003" not in candidates["2024"]
    assert "nd-042" not in candidates["2023"]  # recruited in 2024
    assert "nd-045" not in candidates["2024"]  # recruited in 2025
    # the union and its groups have no facts rows: never candidates (no collective titles here)
    assert not any(sid.startswith("cd-") for ids in candidates.values() for sid in ids)
    with pytest.raises(emulation.EvaluationError, match="candidate"):
        evaluations["2024"].decision("nd-003", "ldtt")


def test_award_history_is_what_the_engine_grants(
    evaluations: dict[str, emulation.Evaluation], from_csv: Population
) -> None:
    """awards.csv records the titles conferred for 2021–2024: exactly the granted decisions."""
    recorded = set(from_csv.awards.select("subject", "award", "period").iter_rows())
    granted = {
        (row["subject"], row["award"], row["period"])
        for period in ("2021", "2022", "2023", "2024")
        for row in evaluations[period].outcomes().iter_rows(named=True)
        if row["outcome"] == "granted"
    }
    assert recorded == granted


def test_cstdcs_needs_an_initiative_until_2023_and_not_from_2024(
    evaluations: dict[str, emulation.Evaluation], from_csv: Population
) -> None:
    with_initiative = {
        (sid, period) for sid, period in from_csv.evidence.select("subject", "period").iter_rows()
    }
    for period in PERIODS:
        outcomes = evaluations[period].outcomes()
        granted = outcomes.filter(
            (pl.col("award") == "cstdcs") & (pl.col("outcome") == "granted")
        ).get_column("subject")
        without = [sid for sid in granted if (sid, period) not in with_initiative]
        if period <= "2023":
            assert without == [], period
        else:
            assert without, period  # HTXS alone suffices under Law 06/2022
