"""``emulation evaluate`` in chunks (``emulation._evaluate_cli``): the same bytes whatever the
chunk size — for the examples and, as a property, for generated populations with quotas per
unit and cluster in shuffled row order — JSON Lines, Parquet, progress only on a terminal, a
note when the awards need the whole population, and nothing half-written on failure."""

from __future__ import annotations

import io
import json
import shutil
import sys
from decimal import Decimal
from pathlib import Path

import polars as pl
import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

import emulation
from emulation import _evaluate_cli as evaluate_cli
from emulation._chunk_policy import whole_reason
from emulation.cli import main
from emulation.data.lazy import LazyTables
from emulation.data.partition import Partitioned
from emulation.data.schema import ORIGIN, TABLES
from emulation.results import stream
from emulation.strategies import from_ruleset

ROOT = Path(__file__).resolve().parents[1]
UNION_CSV = str(ROOT / "examples" / "union")
UNION_JSON = str(ROOT / "examples" / "union.json")


#: Persons' awards only: LĐTT and CSTĐCS with its quota per unit.
PERSONS = ("--award", "ldtt", "--award", "cstdcs")


@pytest.fixture
def chunks_read(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The number of subjects of each chunk read lazily."""
    found: list[int] = []
    real = Partitioned.population

    def counted(self: Partitioned, chunk: int) -> tuple[pl.Series, emulation.Population]:
        ids, population = real(self, chunk)
        found.append(ids.len())
        return ids, population

    monkeypatch.setattr(Partitioned, "population", counted)
    return found


def evaluate(tmp: Path, data: str, format: str, *options: str) -> bytes:
    out = tmp / f"out-{format}-{'-'.join(options)}".replace("/", "_")
    status = main(
        ["evaluate", data, "--period", "2024", "--format", format, "-o", str(out), *options]
    )
    assert status == 0
    return out.read_bytes()


def typed(text: str) -> pl.DataFrame:
    """The CSV output ``text`` with the types of the Parquet output: an empty cell null,
    ``rank`` and ``cap`` whole numbers, ``bonus`` and ``score`` exact decimals."""
    frame = pl.read_csv(io.StringIO(text), infer_schema=False)
    decimals = [c for c in ("bonus", "score") if c in frame.columns]
    return frame.with_columns(
        pl.col("rank", "cap").cast(pl.Int64), pl.col(decimals).cast(pl.Decimal(38, 6))
    )


@pytest.mark.parametrize("awards", [(), PERSONS])
@pytest.mark.parametrize("data", [UNION_CSV, UNION_JSON])
def test_every_chunk_size_writes_the_reporters_bytes(
    tmp_path: Path, data: str, awards: tuple[str, ...], state_engine: emulation.Engine
) -> None:
    named = list(awards[1::2]) or None
    whole = state_engine.evaluate(state_engine.read_population(data), "2024", named)
    expected = {f: state_engine.render(whole, f, "vi").encode() for f in ("json", "csv")}
    for size in ("1", "9", "100000"):
        for format in ("json", "csv"):
            found = evaluate(tmp_path, data, format, "--chunk-size", size, *awards)
            assert found == expected[format]
        written = pl.read_parquet(
            io.BytesIO(evaluate(tmp_path, data, "parquet", "--chunk-size", size, *awards))
        )
        assert written.equals(typed(expected["csv"].decode()))
    lines = evaluate(tmp_path, data, "jsonl", "--chunk-size", "5", *awards).decode().splitlines()
    assert lines == evaluate(tmp_path, data, "jsonl", *awards).decode().splitlines()
    assert [json.loads(line) for line in lines[: len(whole.decisions())]] == json.loads(
        expected["json"]
    )["decisions"]


def test_the_union_is_read_in_chunks_of_whole_units(tmp_path: Path, chunks_read: list[int]) -> None:
    evaluate(tmp_path, UNION_CSV, "csv", "--chunk-size", "5", *PERSONS)
    # 63 subjects; every department with its members, never split
    assert len(chunks_read) > 3
    assert sum(chunks_read) == 63
    chunks_read.clear()
    # every award: the flag per cluster and the collectives' subtrees make the union one group
    evaluate(tmp_path, UNION_CSV, "csv", "--chunk-size", "5")
    assert chunks_read == []


def test_a_folder_is_cut_without_a_row_a_subject(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, chunks_read: list[int]
) -> None:
    # the row-a-subject plan of a population in memory is never made for a folder: its chunks
    # come from its units (data/grouping.py), and the output is the whole run's
    whole = evaluate(tmp_path, UNION_CSV, "csv", *PERSONS)

    def refused(*_: object, **__: object) -> None:
        raise AssertionError("a row a subject held for a folder")

    monkeypatch.setattr(LazyTables, "plan", refused)
    for name in ("groups", "chunk_of", "regular", "plan_of"):
        monkeypatch.setattr(evaluate_cli, name, refused)
    assert evaluate(tmp_path, UNION_CSV, "csv", "--chunk-size", "5", *PERSONS) == whole
    assert len(chunks_read) > 3


def test_streams_to_standard_output(
    capsys: pytest.CaptureFixture[str], state_engine: emulation.Engine
) -> None:
    assert (
        main(["evaluate", UNION_CSV, "--period", "2024", "--format", "csv", "--chunk-size", "4"])
        == 0
    )
    out, err = capsys.readouterr()
    whole = state_engine.evaluate(state_engine.read_population(UNION_CSV), "2024")
    assert (out, err) == (state_engine.render(whole, "csv", "vi"), "")


def _write_folder(population: emulation.Population, folder: Path, form: str, seed: int) -> None:
    folder.mkdir()
    for table in TABLES:
        frame = getattr(population, table).drop(ORIGIN)
        frame = frame.sample(fraction=1.0, shuffle=True, seed=seed)
        if form == "csv":
            frame.write_csv(folder / f"{table}.csv")
        else:
            frame.write_parquet(folder / f"{table}.parquet")


@pytest.fixture(scope="module")
def state_rulesets(state_engine: emulation.Engine) -> tuple[emulation.Ruleset, ...]:
    return state_engine.rulesets_in_force("2024")


@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
    ],
)
@given(data=st.data())
def test_whole_and_chunked_are_the_same_bytes(
    data: st.DataObject,
    chunks_read: list[int],
    tmp_path_factory: pytest.TempPathFactory,
    state_rulesets: tuple[emulation.Ruleset, ...],
) -> None:
    population = data.draw(
        from_ruleset(state_rulesets, period="2024", min_subjects=4, max_subjects=24)
    )
    awards = data.draw(st.sampled_from([(), PERSONS]))
    form = data.draw(st.sampled_from(["csv", "parquet"]))
    size = data.draw(st.integers(1, population.subjects.height))
    folder = tmp_path_factory.mktemp("population") / "data"
    _write_folder(population, folder, form, data.draw(st.integers(0, 2**32 - 1)))
    tmp = folder.parent
    output = data.draw(st.sampled_from(["json", "csv", "parquet"]))
    whole = evaluate(tmp, str(folder), output, "--chunk-size", "100000", *awards)
    chunks_read.clear()
    chunked = evaluate(tmp, str(folder), output, "--chunk-size", str(size), *awards)
    event(f"read in {min(len(chunks_read), 3)}+ chunks" if chunks_read else "read whole")
    if output == "parquet":
        # the same data, and the same bytes
        assert pl.read_parquet(io.BytesIO(chunked)).equals(pl.read_parquet(io.BytesIO(whole)))
    assert chunked == whole
    if output == "json":
        assert b'"decisions": [' in whole


def test_a_failure_midway_leaves_the_old_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "decisions.json"
    out.write_text("old\n")
    calls = []
    real = stream.items_of

    def failing(*args: object, **kwargs: object) -> object:
        calls.append(1)
        if len(calls) > 3:
            raise OSError(28, "No space left on device")
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(stream, "items_of", failing)
    status = main(
        [
            "evaluate",
            UNION_CSV,
            "--period",
            "2024",
            "--format",
            "json",
            "-o",
            str(out),
            "--chunk-size",
            "3",
            *PERSONS,
        ]
    )
    assert status == 1
    assert out.read_text() == "old\n"
    assert [p.name for p in tmp_path.iterdir()] == ["decisions.json"]


def test_progress_on_a_terminal_only(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    stderr = Terminal()
    monkeypatch.setattr(sys, "stderr", stderr)
    out = tmp_path / "d.csv"
    args = [
        "evaluate",
        UNION_CSV,
        "--period",
        "2024",
        "--format",
        "csv",
        "-o",
        str(out),
        "--lang",
        "en",
        "--chunk-size",
        "10",
    ]
    assert main(args) == 0
    assert "Deciding" in stderr.getvalue()
    assert "63/63" in stderr.getvalue()


def test_the_awards_that_need_the_whole_population() -> None:
    period = emulation.Period.parse("2024")
    selections = emulation.build_engine(ruleset_paths=[ROOT / "tests" / "rulesets" / "selections"])
    reason = whole_reason(selections.rulesets_for(period), None)
    assert reason is not None
    assert "whole population" in reason
    assert whole_reason(emulation.build_engine().rulesets_for(period), None) is None


def test_bad_rows_in_several_chunks_are_all_named(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "union"
    shutil.copytree(UNION_CSV, folder)
    rows = (folder / "subjects.csv").read_text(encoding="utf-8").splitlines()
    bad = [i for i, line in enumerate(rows) if line.startswith(("lqd-003,", "tp-004,"))]
    assert len(bad) == 2
    for i in bad:
        cells = rows[i].split(",")
        cells[rows[0].split(",").index("birth_year")] = "twelve"
        rows[i] = ",".join(cells)
    (folder / "subjects.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    errors = {}
    for size in ("100000", "5"):
        args = ["evaluate", str(folder), "--period", "2024", "--format", "csv", "--chunk-size"]
        assert main([*args, size, *PERSONS]) == 1
        errors[size] = sorted(capsys.readouterr().err.splitlines())
    assert errors["5"] == errors["100000"]
    assert len(errors["5"]) == 2
    assert all("twelve" in line for line in errors["5"])


def test_a_missing_folder_is_named_as_written(capsys: pytest.CaptureFixture[str]) -> None:
    args = ["evaluate", UNION_CSV, "--period", "2024", "--format", "json", "--chunk-size", "5"]
    assert main([*args, "-o", "no-such-folder/d.json", *PERSONS]) == 1
    assert capsys.readouterr().err == (
        "emulation: no-such-folder/d.json: No such file or directory\n"
    )


def test_a_chunk_size_must_be_a_whole_number(capsys: pytest.CaptureFixture[str]) -> None:
    for size in ("0", "-3", "many"):
        with pytest.raises(SystemExit) as stopped:
            main(
                ["evaluate", UNION_CSV, "--period", "2024", "--format", "csv", "--chunk-size", size]
            )
        assert stopped.value.code == 2
        assert "--chunk-size" in capsys.readouterr().err


def test_the_parquet_columns_are_typed_and_say_what_the_json_says(
    tmp_path: Path, state_engine: emulation.Engine
) -> None:
    written = pl.read_parquet(io.BytesIO(evaluate(tmp_path, UNION_CSV, "parquet", "--lang", "en")))
    assert written.schema["rank"] == pl.Int64
    assert written.schema["cap"] == pl.Int64
    assert written.schema["bonus"] == pl.Decimal(38, 6)
    assert written.columns[:6] == ["subject", "name", "award", "label", "period", "outcome"]
    document = json.loads(evaluate(tmp_path, UNION_CSV, "json", "--lang", "en"))
    names = dict(state_engine.read_population(UNION_CSV).subjects.select("id", "name").iter_rows())
    rows = written.filter(pl.col("outcome") != "set_aside").iter_rows(named=True)
    decisions = document["decisions"]
    assert len(decisions) == written.filter(pl.col("outcome") != "set_aside").height
    for row, decision in zip(rows, decisions, strict=True):
        assert (row["subject"], row["award"]) == (decision["subject"], decision["award"])
        assert row["name"] == (names[decision["subject"]] or None)
        assert row["label"] == decision["award_label"]
        assert (row["rank"], row["cap"]) == (decision["rank"], decision["cap"])
        bonus = decision["bonus"]
        assert row["bonus"] == (None if bonus is None else Decimal(bonus))
        assert row["reasons"] == " | ".join(r["message"] for r in decision["reasons"])
    # the example has ranks, caps and bonuses to check
    assert written.get_column("rank").drop_nulls().len() > 0
    assert written.get_column("bonus").drop_nulls().len() > 0
