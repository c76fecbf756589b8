"""Results as a formatted workbook (``emulation.results.workbook``, ``--format xlsx``): read back
with openpyxl, the summary counts each award's outcomes in the view's order, the decisions sheet
has labelled headers, a frozen header, a filter and the reasons in the chosen language; standings
and KPIs write their rows as a sheet; the same input gives the same bytes, written with a shell
redirect's permissions and never to a terminal."""

from __future__ import annotations

import os
from collections import Counter
from pathlib import Path

import openpyxl
import pytest

from emulation import build_engine
from emulation.cli import main
from emulation.messages import outcome_label
from emulation.period import Period
from emulation.results.evaluation import Evaluation
from emulation.results.view import OUTCOME_ORDER

ROOT = Path(__file__).resolve().parents[2]
UNION = ROOT / "examples" / "union.json"
STATE = ROOT / "rulesets" / "state"


def evaluate(path: Path, *extra: str) -> openpyxl.Workbook:
    args = ["evaluate", str(UNION), "--period", "2024", "--plugin", "state"]
    assert main([*args, "--format", "xlsx", "-o", str(path), *extra]) == 0
    return openpyxl.load_workbook(path)


@pytest.fixture(scope="module")
def evaluation() -> Evaluation:
    engine = build_engine(ruleset_paths=[STATE])
    return engine.evaluate(engine.read_population(UNION), Period.parse("2024"))


def test_the_summary_counts_each_awards_outcomes_in_the_views_order(
    tmp_path: Path, evaluation: Evaluation
) -> None:
    book = evaluate(tmp_path / "out.xlsx")
    assert book.sheetnames == ["Tổng hợp", "Quyết định"]
    sheet = book["Tổng hợp"]
    header = [c.value for c in sheet[1]]
    assert header == [
        "Mã danh hiệu",
        "Danh hiệu / hình thức",
        *(outcome_label(o, "vi") for o in OUTCOME_ORDER),
        "Tổng",
    ]
    assert sheet.freeze_panes == "B2"
    assert (
        sheet.auto_filter.ref
        == f"A1:{openpyxl.utils.get_column_letter(len(header))}{sheet.max_row}"
    )
    rows = {row[0]: row for row in sheet.iter_rows(min_row=2, values_only=True)}
    counts = Counter((d.award, d.outcome) for d in evaluation.decisions())
    assert list(rows) == [award.id for award, _ in evaluation.awards]
    for award, row in rows.items():
        assert list(row[2:-1]) == [counts[(award, o)] for o in OUTCOME_ORDER]
        assert row[-1] == sum(counts[(award, o)] for o in OUTCOME_ORDER)


def test_the_decisions_sheet_has_labels_a_frozen_header_a_filter_and_the_reasons(
    tmp_path: Path, evaluation: Evaluation
) -> None:
    sheet = evaluate(tmp_path / "out.xlsx")["Quyết định"]
    header = [c.value for c in sheet[1]]
    assert header[:7] == [
        "Mã",
        "Họ tên / đơn vị",
        "Mã danh hiệu",
        "Danh hiệu / hình thức",
        "Kỳ đánh giá",
        "Kết quả",
        "Mã kết quả",
    ]
    assert sheet.freeze_panes == "C2"
    decisions = evaluation.decisions()
    assert sheet.max_row == len(decisions) + 1
    assert sheet.auto_filter.ref.startswith("A1:")
    assert sheet.auto_filter.ref.endswith(str(sheet.max_row))
    granted = next(d for d in decisions if d.outcome == "granted" and d.bonus)
    row = next(
        r
        for r in sheet.iter_rows(min_row=2, values_only=True)
        if r[:3] == (granted.subject, r[1], granted.award)
    )
    cells = dict(zip(header, row, strict=True))
    assert cells["Kết quả"] == "Đạt" == outcome_label("granted", "vi")
    assert cells["Tiền thưởng"] == float(granted.bonus)
    assert cells["Lý do"] == "\n".join(r.render("vi") for r in granted.reasons)
    assert cells["Bộ quy tắc"] == granted.ruleset.id


def test_english_on_request(tmp_path: Path, evaluation: Evaluation) -> None:
    book = evaluate(tmp_path / "out.xlsx", "--lang", "en")
    assert book.sheetnames == ["Summary", "Decisions"]
    sheet = book["Decisions"]
    assert [c.value for c in sheet[1]][:6] == [
        "Subject",
        "Name",
        "Award id",
        "Award",
        "Period",
        "Outcome",
    ]
    first = evaluation.decisions()[0]
    assert sheet["K2"].value == "\n".join(r.render("en") for r in first.reasons)


def test_the_same_input_gives_the_same_bytes_with_a_redirects_permissions(tmp_path: Path) -> None:
    mask = os.umask(0o022)
    try:
        evaluate(tmp_path / "a.xlsx")
        evaluate(tmp_path / "b.xlsx")
    finally:
        os.umask(mask)
    assert (tmp_path / "a.xlsx").read_bytes() == (tmp_path / "b.xlsx").read_bytes()
    assert (tmp_path / "a.xlsx").stat().st_mode & 0o777 == 0o644


def test_a_workbook_needs_a_file(capsys: pytest.CaptureFixture[str]) -> None:
    args = ["evaluate", str(UNION), "--period", "2024", "--plugin", "state", "--format", "xlsx"]
    assert main(args) == 1
    assert "--format xlsx writes a binary file: name it with -o FILE" in capsys.readouterr().err


def test_evaluate_adds_the_standings_when_the_rulesets_rank_them(tmp_path: Path) -> None:
    movement = ROOT / "examples" / "movement"
    args = ["evaluate", str(movement / "units.json"), "--period", "2026", "--plugin", "state"]
    args += ["--rulesets", str(movement / "movement.toml"), "--format", "xlsx", "--lang", "en"]
    assert main([*args, "-o", str(tmp_path / "e.xlsx")]) == 0
    book = openpyxl.load_workbook(tmp_path / "e.xlsx")
    assert book.sheetnames == ["Summary", "Decisions", "Standings"]
    decisions = [c.value for c in book["Decisions"][1]]
    assert {"Score", "Band"} <= set(decisions)
    scores = [
        r[decisions.index("Score")]
        for r in book["Decisions"].iter_rows(min_row=2, values_only=True)
    ]
    assert any(isinstance(score, float) for score in scores)
    assert [c.value for c in book["Standings"][1]][:3] == ["Standings", "Subject", "Name"]
    assert book["Standings"].max_row > 1


def test_standings_and_kpis_write_their_rows_as_a_sheet(tmp_path: Path) -> None:
    movement = ROOT / "examples" / "movement"
    args = ["standings", str(movement / "units.json"), "--period", "2026"]
    args += ["--rulesets", str(movement / "movement.toml"), "--plugin", "state"]
    assert main([*args, "--format", "xlsx", "-o", str(tmp_path / "s.xlsx")]) == 0
    sheet = openpyxl.load_workbook(tmp_path / "s.xlsx")["Xếp hạng"]
    header = [c.value for c in sheet[1]]
    assert header[:3] == ["Xếp hạng", "Mã", "Họ tên / đơn vị"]
    assert sheet.freeze_panes == "B2"
    rank = header.index("Hạng")
    assert all(
        isinstance(r[rank], (int, float)) for r in sheet.iter_rows(min_row=2, values_only=True)
    )
    kpis = ROOT / "examples" / "kpis"
    args = ["kpis", str(kpis / "union_tree.json"), "--period", "2024", "--rulesets", str(kpis)]
    assert (
        main(
            [
                *args,
                "--plugin",
                "state",
                "--format",
                "xlsx",
                "-o",
                str(tmp_path / "k.xlsx"),
                "--lang",
                "en",
            ]
        )
        == 0
    )
    sheet = openpyxl.load_workbook(tmp_path / "k.xlsx")["KPIs"]
    assert [c.value for c in sheet[1]][:3] == ["KPI", "Node", "Level"]
    assert sheet.max_row > 1
