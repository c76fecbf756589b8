"""The Parquet folder form (``emulation.data.parquet``): the example union as typed Parquet
tables gives the decisions of its CSV and JSON forms; bad values are named by file, row and
column like those of the CSV form; what cannot be a cell, a damaged file and a table given twice
are refused with their codes."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

from emulation import build_engine
from emulation.data.parquet import parquet_frames
from emulation.errors import DataError
from emulation.period import Period
from emulation.results.evaluation import Evaluation

ROOT = Path(__file__).resolve().parents[2]
UNION = ROOT / "examples" / "union"
STATE = ROOT / "rulesets" / "state"


def as_parquet(folder: Path, *, typed: bool = True) -> Path:
    """The example union's CSV tables written as Parquet into ``folder``: typed as Polars
    infers them (whole numbers, booleans, dates, floats), or every column as text."""
    folder.mkdir(parents=True, exist_ok=True)
    for csv in sorted(UNION.glob("*.csv")):
        frame = (
            pl.read_csv(csv, try_parse_dates=True)
            if typed
            else pl.read_csv(csv, infer_schema=False)
        )
        frame.write_parquet(folder / f"{csv.stem}.parquet")
    return folder


def decided(path: Path) -> list[tuple[str, str, str, tuple[str, ...]]]:
    engine = build_engine(ruleset_paths=[STATE])
    evaluation: Evaluation = engine.evaluate(engine.read_population(path), Period.parse("2024"))
    return [
        (d.subject, d.award, d.outcome, tuple(r.render("en") for r in d.reasons))
        for d in evaluation.decisions()
    ]


@pytest.mark.parametrize("typed", [True, False])
def test_the_parquet_union_decides_like_the_csv_and_json_forms(tmp_path: Path, typed: bool) -> None:
    folder = as_parquet(tmp_path / "union", typed=typed)
    if typed:  # the typed tables really hold other types than text
        schema = pl.read_parquet_schema(folder / "facts.parquet")
        assert schema["good_attitude"] == pl.Boolean
        assert schema["months_worked"] == pl.Int64
        assert pl.read_parquet_schema(folder / "service.parquet")["start"] == pl.Date
    from_parquet = decided(folder)
    assert from_parquet == decided(UNION)
    assert from_parquet == decided(ROOT / "examples" / "union.json")
    assert len(from_parquet) > 400


def test_the_rows_carry_file_and_row(tmp_path: Path) -> None:
    folder = as_parquet(tmp_path / "union")
    frames = parquet_frames(folder)
    origins = frames["subjects"].get_column("_origin").to_list()
    assert origins[0] == f"{folder / 'subjects.parquet'}: row 1"
    assert origins[-1] == f"{folder / 'subjects.parquet'}: row {len(origins)}"
    values = set(frames["facts"].get_column("good_attitude").drop_nulls())
    assert values == {"true", "false"}


def test_a_bad_value_is_named_by_file_row_and_column(tmp_path: Path) -> None:
    folder = as_parquet(tmp_path / "union", typed=False)
    facts = pl.read_parquet(folder / "facts.parquet")
    index = facts.with_row_index().filter(subject="nd-001", period="2024")["index"][0]
    facts = facts.with_columns(
        pl.when(pl.int_range(pl.len()) == index)
        .then(pl.lit("abc"))
        .otherwise(pl.col("months_worked"))
        .alias("months_worked")
    )
    facts.write_parquet(folder / "facts.parquet")
    subjects = pl.read_parquet(folder / "subjects.parquet")
    subjects.with_columns(
        pl.when(pl.col("id") == subjects["id"][4])
        .then(pl.lit("robot"))
        .otherwise(pl.col("kind"))
        .alias("kind")
    ).write_parquet(folder / "subjects.parquet")
    engine = build_engine(ruleset_paths=[STATE])
    with pytest.raises(DataError) as info:
        engine.evaluate(engine.read_population(folder), Period.parse("2024"))
    found = [str(p) for p in info.value.problems]
    assert (
        f"{folder / 'subjects.parquet'}: row 5: kind: unknown value 'robot'; "
        "expected one of ['person', 'collective']"
    ) in found
    subjects.write_parquet(folder / "subjects.parquet")
    with pytest.raises(DataError) as info:
        engine.evaluate(engine.read_population(folder), Period.parse("2024"))
    found = [str(p) for p in info.value.problems]
    assert (
        f"{folder / 'facts.parquet'}: row {index + 1}: months_worked: cannot read 'abc' as fact "
        "months_worked (int)"
    ) in found


def test_a_column_of_lists_is_refused_by_name(tmp_path: Path) -> None:
    folder = as_parquet(tmp_path / "union")
    facts = pl.read_parquet(folder / "facts.parquet")
    facts.with_columns(pl.concat_list("months_worked").alias("months_worked")).write_parquet(
        folder / "facts.parquet"
    )
    with pytest.raises(DataError) as info:
        parquet_frames(folder)
    [problem] = info.value.problems
    assert problem.code == "not_a_scalar"
    assert str(problem).startswith(
        f"{folder / 'facts.parquet'}: months_worked: holds List(Int64) values"
    )


def test_a_damaged_file_a_missing_table_and_a_table_given_twice(tmp_path: Path) -> None:
    folder = as_parquet(tmp_path / "union")
    (folder / "votes.parquet").write_bytes(b"PAR1 not really")
    (folder / "facts.parquet").unlink()
    (folder / "awards.csv").write_text("subject,award,period\n", encoding="utf-8")
    with pytest.raises(DataError) as info:
        parquet_frames(folder)
    codes = {problem.code: str(problem) for problem in info.value.problems}
    assert set(codes) == {"unreadable_parquet", "missing_table", "table_given_twice"}
    assert codes["unreadable_parquet"].startswith(f"{folder / 'votes.parquet'}: cannot read")
    assert codes["missing_table"] == f"{folder / 'facts.parquet'}: required table is missing"
    assert "also given as awards.csv" in codes["table_given_twice"]


def test_a_csv_folder_is_still_read_as_csv(tmp_path: Path) -> None:
    folder = tmp_path / "csv"
    folder.mkdir()
    for csv in UNION.glob("*.csv"):
        (folder / csv.name).write_bytes(csv.read_bytes())
    assert decided(folder) == decided(UNION)
