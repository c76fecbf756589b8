"""``emulation evaluate``'s terminal view and ``--detail``, and ``--format parquet -o`` of
``evaluate``, ``kpis``, ``standings`` and ``scores`` (``emulation._tables_cli``)."""

from __future__ import annotations

import io
import json
import os
import stat
import sys
from pathlib import Path

import polars as pl
import pytest

from emulation.cli import main
from emulation.results.view import cells

ROOT = Path(__file__).resolve().parents[1]
STATE = str(ROOT / "rulesets" / "state")
UNION = str(ROOT / "examples" / "union.json")
KPIS = ("examples/kpis/union_tree.json", "--rulesets", "examples/kpis")
MOVEMENT = ("examples/movement/units.json", "--rulesets", "examples/movement/movement.toml")


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    status = main(list(args))
    out, err = capsys.readouterr()
    return status, out, err


@pytest.mark.parametrize("columns", ["80", "100"])
def test_the_union_fits_the_terminal(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, columns: str
) -> None:
    monkeypatch.setenv("COLUMNS", columns)
    status, out, _ = run(capsys, "evaluate", UNION, "--period", "2024", "--rulesets", STATE)
    assert status == 0
    assert max(cells(line) for line in out.splitlines()) <= int(columns)
    assert out.splitlines()[1].startswith("Đạt: 70 · ")
    assert "Lý do" not in out.splitlines()[0]
    # the full reasons are not in the summary, but --detail has them all
    status, detail, _ = run(
        capsys, "evaluate", UNION, "--period", "2024", "--detail", "--rulesets", STATE
    )
    assert status == 0
    assert "Không đạt tiêu chí «Hoàn thành tốt nhiệm vụ trở lên»" in detail
    assert "Không đạt tiêu chí «Hoàn thành tốt nhiệm vụ trở lên»" not in out
    decisions = int(out.splitlines()[0].split(" · ")[2].split()[0])  # "… · 492 quyết định"
    assert len(detail.splitlines()) == decisions + 5  # period, header, rule, rows, blank, counts
    assert detail.splitlines()[-1].startswith("Đạt: 70, Đủ điều kiện, ngoài tỷ lệ: 2, ")


def test_detail_is_for_the_table(capsys: pytest.CaptureFixture[str]) -> None:
    args = ("evaluate", UNION, "--period", "2024", "--format", "json", "--detail")
    status, out, err = run(capsys, *args, "--rulesets", STATE)
    assert (status, out) == (1, "")
    assert err == "emulation: --detail applies to --format table, not json\n"


def test_no_spinner_when_standard_error_is_not_a_terminal(
    capsys: pytest.CaptureFixture[str],
) -> None:
    status, _, err = run(capsys, "evaluate", UNION, "--period", "2024", "--award", "ldtt")
    assert (status, err) == (0, "")


def test_a_spinner_on_a_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    stderr, stdout = Terminal(), io.StringIO()
    monkeypatch.setattr(sys, "stderr", stderr)
    monkeypatch.setattr(sys, "stdout", stdout)
    args = ["evaluate", UNION, "--period", "2024", "--award", "ldtt", "--lang", "en"]
    assert main(args) == 0
    assert "Reading and deciding…" in stderr.getvalue()
    assert "Reading and deciding" not in stdout.getvalue()
    assert stdout.getvalue().startswith("Period: 2024 · ")


def csv_rows(capsys: pytest.CaptureFixture[str], *args: str) -> pl.DataFrame:
    status, out, _ = run(capsys, *args, "--format", "csv")
    assert status == 0
    return pl.read_csv(io.StringIO(out), infer_schema=False).fill_null("")


@pytest.mark.parametrize(
    "args",
    [
        ("evaluate", UNION, "--period", "2024", "--rulesets", STATE),
        ("evaluate", UNION, "--period", "2024", "--lang", "en", "--award", "cstdcs"),
        ("kpis", *KPIS, "--period", "2024"),
        ("standings", *MOVEMENT, "--period", "2026"),
        ("scores", *MOVEMENT, "--period", "2026", "--lang", "en"),
        (
            "diff",
            UNION,
            "--period",
            "2024",
            "--award",
            "ldtt",
            "--after-set",
            "min_months_worked=9",
        ),
    ],
    ids=["evaluate", "evaluate-en", "kpis", "standings", "scores", "diff"],
)
def test_parquet_holds_the_rows_of_the_csv(
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    args: tuple[str, ...],
) -> None:
    monkeypatch.chdir(ROOT)
    target = tmp_path / "out.parquet"
    status, out, err = run(capsys, *args, "--format", "parquet", "-o", str(target))
    assert (status, out, err) == (0, "", "")
    table = pl.read_parquet(target)
    expected = csv_rows(capsys, *args)
    assert table.columns == expected.columns
    if args[0] == "evaluate":
        # the decisions are typed: whole numbers, exact decimals, nulls where not applicable
        assert table.schema["rank"] == pl.Int64
        assert table.schema["bonus"] == pl.Decimal(38, 6)
        table = table.with_columns(pl.all().cast(pl.String).fill_null(""))
        expected = expected.with_columns(
            pl.col("bonus").replace("", None).cast(pl.Decimal(38, 6)).cast(pl.String).fill_null("")
        )
    else:
        assert set(table.schema.values()) == {pl.String}
    assert table.equals(expected)
    assert table.height > 0
    # the permissions a shell redirect gives: 0666 less the umask
    umask = os.umask(0)
    os.umask(umask)
    assert stat.S_IMODE(target.stat().st_mode) == 0o666 & ~umask
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.parquet"]


def test_the_parquet_decisions_are_those_of_the_json(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    target = tmp_path / "decisions.parquet"
    args = ("evaluate", UNION, "--period", "2024", "--rulesets", STATE)
    assert run(capsys, *args, "--format", "parquet", "-o", str(target))[0] == 0
    _, out, _ = run(capsys, *args, "--format", "json")
    decisions = {(d["subject"], d["award"]): d["outcome"] for d in json.loads(out)["decisions"]}
    table = pl.read_parquet(target).filter(pl.col("award") != "")
    pairs = zip(table["subject"], table["award"], strict=True)
    assert dict(zip(pairs, table["outcome"], strict=True)) == decisions


@pytest.mark.parametrize(
    "args",
    [
        ("evaluate", UNION, "--period", "2024"),
        ("kpis", *KPIS, "--period", "2024"),
        ("standings", *MOVEMENT, "--period", "2026"),
    ],
    ids=["evaluate", "kpis", "standings"],
)
def test_parquet_needs_a_file(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, args: tuple[str, ...]
) -> None:
    monkeypatch.chdir(ROOT)
    status, out, err = run(capsys, *args, "--format", "parquet")
    assert (status, out) == (1, "")
    assert err == "emulation: --format parquet writes a binary file: name it with -o FILE\n"


def test_a_parquet_file_in_a_missing_folder_is_named_as_written(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    target = tmp_path / "nowhere" / "out.parquet"
    args = ("evaluate", UNION, "--period", "2024", "--award", "ldtt", "--format", "parquet")
    status, _, err = run(capsys, *args, "-o", str(target))
    assert status == 1
    assert err == f"emulation: {target}: No such file or directory\n"
    assert not target.parent.exists()


def test_a_failed_run_leaves_the_old_parquet_file(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    target = tmp_path / "out.parquet"
    target.write_bytes(b"old")
    args = ("evaluate", UNION, "--period", "2024", "--award", "nope", "--format", "parquet")
    status, _, _ = run(capsys, *args, "-o", str(target))
    assert status == 1
    assert target.read_bytes() == b"old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.parquet"]


def test_a_parquet_folder_evaluates_from_the_command_line(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    folder = tmp_path / "union"
    folder.mkdir()
    for csv in (ROOT / "examples" / "union").glob("*.csv"):
        pl.read_csv(csv, try_parse_dates=True).write_parquet(folder / f"{csv.stem}.parquet")
    args = ("--period", "2024", "--format", "csv", "--rulesets", STATE)
    status, from_parquet, err = run(capsys, "evaluate", str(folder), *args)
    assert (status, err) == (0, "")
    status, from_csv, _ = run(capsys, "evaluate", str(ROOT / "examples" / "union"), *args)
    assert from_parquet == from_csv
