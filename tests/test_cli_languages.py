"""The command line in Vietnamese and English: ``--lang`` and ``EMULATION_LANG`` choose the
language of the help, the usage errors (argparse's own words too) and the errors of the engine;
English help and errors by default, Vietnamese results by default."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from emulation.cli import main

ROOT = Path(__file__).resolve().parents[1]
UNION = str(ROOT / "examples" / "union.json")


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    try:
        status = main(list(args))
    except SystemExit as stop:  # argparse: --help exits 0, a usage error 2
        status = int(stop.code or 0)
    out, err = capsys.readouterr()
    return status, out, err


@pytest.fixture(autouse=True)
def _no_language_in_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("EMULATION_LANG", raising=False)


def test_a_missing_file_is_named_in_vietnamese_with_lang_vi(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    missing = str(tmp_path / "missing.json")
    status, out, err = run(capsys, "evaluate", missing, "--period", "2024", "--lang", "vi")
    assert (status, out) == (1, "")
    assert err == f"emulation: {missing}: không đọc được: Không có tệp hoặc thư mục này\n"


def test_a_missing_file_is_named_in_english_by_default(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    missing = str(tmp_path / "missing.json")
    status, _, err = run(capsys, "evaluate", missing, "--period", "2024")
    assert status == 1
    assert err == f"emulation: {missing}: cannot read: No such file or directory\n"


def test_a_missing_required_option_is_said_in_vietnamese(
    capsys: pytest.CaptureFixture[str],
) -> None:
    status, _, err = run(capsys, "evaluate", "missing.json", "--lang", "vi")
    assert status == 2
    assert err.startswith("cách dùng: emulation evaluate [-h] --period PERIOD")
    assert err.endswith("emulation evaluate: lỗi: thiếu các tham số bắt buộc: --period\n")


def test_the_environment_gives_vietnamese_help(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("EMULATION_LANG", "vi")
    status, out, _ = run(capsys, "evaluate", "--help")
    assert status == 0
    assert out.startswith("cách dùng: emulation evaluate")
    for line in (
        "tham số vị trí:",
        "tùy chọn:",
        "hiện trợ giúp này rồi thoát",
        "chỉ danh hiệu / hình thức này (lặp lại được)",
        "ngôn ngữ của kết quả, trợ giúp và thông báo lỗi",
    ):
        assert line in " ".join(out.split()), line
    assert "options:" not in out


def test_the_help_is_english_by_default(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(capsys, "--help")
    assert status == 0
    assert out.startswith("usage: emulation [-h]")
    assert "decide awards for a period" in out
    assert "show this help message and exit" in out


def test_the_top_level_help_lists_the_commands_in_vietnamese(
    capsys: pytest.CaptureFixture[str],
) -> None:
    status, out, _ = run(capsys, "--help", "--lang", "vi")
    assert status == 0
    flat = " ".join(out.split())
    assert "Xét các quy định thi đua – khen thưởng của Việt Nam." in flat
    assert "xét khen thưởng cho một kỳ" in flat
    assert "hiện phiên bản rồi thoát" in flat


def test_an_error_of_the_command_line_itself_is_said_in_vietnamese(
    capsys: pytest.CaptureFixture[str],
) -> None:
    status, _, err = run(
        capsys, "evaluate", UNION, "--period", "2024", "--set", "oops", "--lang", "vi"
    )
    assert status == 1
    assert err == "emulation: --set cần dạng TÊN=GIÁ_TRỊ, nhận được 'oops'\n"


def test_a_did_you_mean_is_said_in_vietnamese(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("EMULATION_DISABLE_PLUGINS", "moet, vgcl, vape, danvan")
    example = ROOT / "examples" / "movement"
    status, _, err = run(
        capsys,
        *("scores", str(example / "units.json"), "--period", "2026", "--score", "dvv"),
        *("--rulesets", str(example / "movement.toml"), "--lang", "vi"),
    )
    assert status == 1
    assert err == (
        'emulation: không có bảng điểm "dvv" cho kỳ 2026 (có phải ý bạn là "dv"?); '
        "các bảng điểm có hiệu lực: dv\n"
    )


def test_the_environment_also_chooses_the_language_of_results(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("EMULATION_LANG", "en")
    status, out, _ = run(capsys, "evaluate", UNION, "--period", "2024", "--format", "json")
    assert status == 0
    assert json.loads(out)["lang"] == "en"
    monkeypatch.delenv("EMULATION_LANG")
    _, out, _ = run(capsys, "evaluate", UNION, "--period", "2024", "--format", "json")
    assert json.loads(out)["lang"] == "vi"  # results stay Vietnamese by default


def test_check_counts_with_the_plural_of_each_language(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    rulesets = str(ROOT / "rulesets" / "state")
    _, out, _ = run(capsys, "check", rulesets)
    assert out.startswith("ok: ")
    assert " rulesets, " in out
    monkeypatch.setenv("EMULATION_LANG", "vi")
    _, out, _ = run(capsys, "check", rulesets)
    assert out.startswith("hợp lệ: ")
    assert " bộ quy tắc, " in out
    assert " quy tắc\n" in out


def test_replay_reports_in_the_interface_language(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    decisions = tmp_path / "decisions.json"
    args = ("--period", "2024", "--award", "ldtt", "--format", "json", "-o", str(decisions))
    assert run(capsys, "evaluate", UNION, *args)[0] == 0
    status, out, _ = run(capsys, "replay", str(decisions), UNION)
    assert status == 0
    assert out.startswith(f"replay of {decisions}, period 2024: ")
    assert " decisions re-derived identically by engine " in out
    monkeypatch.setenv("EMULATION_LANG", "vi")
    status, out, _ = run(capsys, "replay", str(decisions), UNION)
    assert status == 0
    assert out.startswith(f"xét lại {decisions}, kỳ 2024: ")
    assert " quyết định được xét lại giống hệt bằng engine " in out


def test_a_bad_period_and_an_unknown_plugin_are_said_in_vietnamese(
    capsys: pytest.CaptureFixture[str],
) -> None:
    status, _, err = run(capsys, "evaluate", UNION, "--period", "20x4", "--lang", "vi")
    assert status == 1
    assert err.startswith("emulation: không hiểu cách viết kỳ '20x4': cần một năm dương lịch")
    status, _, err = run(
        capsys, "evaluate", UNION, "--period", "2024", "--plugin", "nope", "--lang", "vi"
    )
    assert status == 1
    assert err.startswith("emulation: không có plugin nào đã cài tên 'nope'; các plugin đã cài: ")


def test_a_warning_is_said_in_vietnamese(capsys: pytest.CaptureFixture[str]) -> None:
    status, _, err = run(capsys, "evaluate", UNION, "--period", "2019", "--lang", "vi")
    assert status == 0
    assert err.startswith(
        f"emulation: cảnh báo: {UNION}: không đối tượng nào có dòng dữ kiện cho kỳ 2019, "
        "nên không có gì được xét; các kỳ có trong dữ liệu: ['2021'"
    )


def test_a_wrong_delimiter_and_a_missing_table_are_said_in_vietnamese(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    (tmp_path / "subjects.csv").write_text("id;kind\na;person\n", encoding="utf-8")
    status, _, err = run(capsys, "evaluate", str(tmp_path), "--period", "2024", "--lang", "vi")
    assert status == 1
    assert err.splitlines() == [
        f"emulation: {tmp_path / 'subjects.csv'}: dòng 1: các cột được phân cách bằng ';', "
        'không phải dấu phẩy: hãy lưu lại bảng dưới dạng CSV phân cách bằng dấu phẩy (trong Excel: "CSV UTF-8")',
        f"emulation: {tmp_path / 'facts.csv'}: thiếu bảng bắt buộc",
    ]


def test_a_file_that_is_not_utf8_is_named_by_line_in_vietnamese(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    (tmp_path / "subjects.csv").write_bytes(b"id,kind,name\na,person,Tr\xe1n\n")
    (tmp_path / "facts.csv").write_text("subject,period\n", encoding="utf-8")
    status, _, err = run(capsys, "evaluate", str(tmp_path), "--period", "2024", "--lang", "vi")
    assert status == 1
    assert err.startswith(
        f"emulation: {tmp_path / 'subjects.csv'}: dòng 2: không phải văn bản UTF-8 (byte 24, "
        "b'\\xe1'): hãy lưu lại tệp dưới dạng UTF-8"
    )


def test_a_value_that_cannot_be_read_is_said_in_vietnamese(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    (tmp_path / "subjects.csv").write_text(
        "id,kind,name,birth_year\na,person,An,19x0\n", encoding="utf-8"
    )
    (tmp_path / "facts.csv").write_text("subject,period\na,2024\n", encoding="utf-8")
    status, _, err = run(capsys, "evaluate", str(tmp_path), "--period", "2024", "--lang", "vi")
    assert status == 1
    where = tmp_path / "subjects.csv"
    assert err == f"emulation: {where}: dòng 2: birth_year: không đọc được '19x0' thành số nguyên\n"
    status, _, err = run(capsys, "evaluate", str(tmp_path), "--period", "2024")
    assert err == f"emulation: {where}: row 2: birth_year: cannot read '19x0' as a whole number\n"


# -- the problems of a ruleset and of data files, in the reader's language ------------------------

_BAD_RULESET = 'format = 1\n[ruleset]\nid = "x"\nversion = "1"\ntitel = "a"\n'


def test_a_ruleset_s_problems_are_said_in_vietnamese(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text(_BAD_RULESET, encoding="utf-8")
    monkeypatch.setenv("EMULATION_LANG", "vi")
    status, out, err = run(capsys, "check", str(bad))
    assert (status, out) == (1, "")
    lines = err.splitlines()
    assert (
        f'emulation: {bad}:5: ruleset.titel: khóa không hợp lệ "titel" (có phải ý bạn là "title"?)'
        in lines
    )
    assert (
        f'emulation: {bad}: ruleset.version: "1" không hợp lệ: MAJOR.MINOR.PATCH, ví dụ 1.0.0'
        in lines
    )
    assert (
        f"emulation: {bad}: ruleset.effective_from: thiếu ngày bắt buộc (YYYY-MM-DD, không có dấu ngoặc kép)"
        in lines
    )
    assert f'emulation: {bad}: ruleset.title: thiếu nhãn: hãy ghi {{ vi = "…", en = "…" }}' in lines
    assert f"emulation: {bad}: awards: thiếu bảng [awards]" in lines
    assert "unknown" not in err
    assert "missing" not in err


def test_a_ruleset_s_problems_stay_english_by_default(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text(_BAD_RULESET, encoding="utf-8")
    status, _, err = run(capsys, "check", str(bad))
    assert status == 1
    lines = err.splitlines()
    assert (
        f'emulation: {bad}:5: ruleset.titel: unknown key "titel" (did you mean "title"?)' in lines
    )
    assert (
        f'emulation: {bad}: ruleset.version: "1" is not valid: MAJOR.MINOR.PATCH, e.g. 1.0.0'
        in lines
    )
    assert f"emulation: {bad}: awards: missing table [awards]" in lines


_SHAPE = '{"format": "emulation.population/1", "subjects": [{"id": "a", "kind": "person", "bogus": 1, "facts": []}]}'


def test_the_json_form_s_shape_problems_are_said_in_vietnamese(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    shaped = tmp_path / "shape.json"
    shaped.write_text(_SHAPE, encoding="utf-8")
    status, out, err = run(capsys, "evaluate", str(shaped), "--period", "2024", "--lang", "vi")
    assert (status, out) == (1, "")
    lines = err.splitlines()
    assert lines[0].startswith(
        f"emulation: {shaped}: subjects[0]: thành phần không hợp lệ ['bogus']; "
        "các thành phần được dùng: ['awards', "
    )
    assert lines[1] == f"emulation: {shaped}: subjects[0].facts: cần một đối tượng JSON gồm các kỳ"
    status, _, err = run(capsys, "evaluate", str(shaped), "--period", "2024")
    assert err.splitlines()[1] == (
        f"emulation: {shaped}: subjects[0].facts: expected an object of periods"
    )


def test_a_csv_row_s_problem_is_said_in_vietnamese(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    folder = tmp_path / "union"
    shutil.copytree(ROOT / "examples" / "union", folder)
    subjects = folder / "subjects.csv"
    lines = subjects.read_text(encoding="utf-8").splitlines(keepends=True)
    assert lines[2].startswith("cd-nguyendu-tn,collective,")
    lines[2] = lines[2].replace(",cd-nguyendu,", ",cd-nguyendu-tn,", 1)  # its own parent
    subjects.write_text("".join(lines), encoding="utf-8")
    status, out, err = run(capsys, "evaluate", str(folder), "--period", "2024", "--lang", "vi")
    assert (status, out) == (1, "")
    assert err == (
        f"emulation: {subjects}: dòng 3: parent: 'cd-nguyendu-tn' là đơn vị cấp trên của chính nó\n"
    )
    status, _, err = run(capsys, "evaluate", str(folder), "--period", "2024")
    assert err == f"emulation: {subjects}: row 3: parent: 'cd-nguyendu-tn' is its own parent\n"


_EXPRESSION = """format = 1
[ruleset]
id = "x"
version = "1.0.0"
organisation = "o"
effective_from = 2024-01-01
title = { vi = "a", en = "a" }
[facts.score]
type = "int"
label = { vi = "a", en = "a" }
[awards.a]
kind = "title"
subject = "person"
label = { vi = "a", en = "a" }
[[awards.a.criteria]]
id = "c"
expr = 'score == "x" and nope'
label = { vi = "a", en = "a" }
basis = "b"
certainty = "C"
"""


def test_an_expression_s_type_error_is_said_in_vietnamese(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    ruleset = tmp_path / "expr.toml"
    ruleset.write_text(_EXPRESSION, encoding="utf-8")
    monkeypatch.setenv("EMULATION_LANG", "vi")
    status, _, err = run(capsys, "check", str(ruleset))
    assert status == 1
    assert err == (
        f"emulation: {ruleset}:17: awards.a.criteria[0].expr, cột 1: "
        "không thể so sánh số nguyên với văn bản\n"
    )
    monkeypatch.delenv("EMULATION_LANG")
    status, _, err = run(capsys, "check", str(ruleset))
    assert err == (
        f"emulation: {ruleset}:17: awards.a.criteria[0].expr, column 1: "
        "cannot compare a whole number with text\n"
    )
