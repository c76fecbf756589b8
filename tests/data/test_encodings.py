"""Files as spreadsheets and editors save them: a byte order mark is accepted, another encoding
or another separator is named with its line and how to fix it."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from emulation import DataError, Population
from emulation.data.population import read_csv_dir, read_json_file
from emulation.data.schema import ORIGIN

ROOT = Path(__file__).resolve().parents[2]
UNION = ROOT / "examples" / "union"
UNION_JSON = ROOT / "examples" / "union.json"


def read_population(path: Path) -> Population:
    return read_csv_dir(path) if path.is_dir() else read_json_file(path)


def problems_of(path: Path) -> list[str]:
    with pytest.raises(DataError) as caught:
        read_population(path)
    return [str(problem) for problem in caught.value.problems]


def codes_of(path: Path) -> list[str | None]:
    with pytest.raises(DataError) as caught:
        read_population(path)
    return [problem.code for problem in caught.value.problems]


def test_json_with_a_byte_order_mark_reads_as_without(tmp_path: Path) -> None:
    marked = tmp_path / "union.json"
    marked.write_bytes(b"\xef\xbb\xbf" + UNION_JSON.read_bytes())
    shown, plain = read_population(marked), read_population(UNION_JSON)
    for table in ("subjects", "facts"):
        assert getattr(shown, table).drop(ORIGIN).equals(getattr(plain, table).drop(ORIGIN))


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-be"])
def test_utf16_json_is_named_with_a_hint(tmp_path: Path, encoding: str) -> None:
    path = tmp_path / "union.json"
    text = UNION_JSON.read_text("utf-8")
    path.write_bytes(
        ("\ufeff" + text).encode(encoding) if encoding.endswith("be") else text.encode(encoding)
    )
    (found,) = problems_of(path)
    assert found.startswith(f"{path}: line 1: UTF-16 text, not UTF-8: save it again as UTF-8")
    assert codes_of(path) == ["not_utf8"]


def legacy_copy(tmp_path: Path, table: str, line: int) -> Path:
    """The example union's CSV folder with line ``line`` of ``table`` in Windows-1258."""
    folder = tmp_path / "union"
    shutil.copytree(UNION, folder)
    lines = (UNION / f"{table}.csv").read_text("utf-8").splitlines(keepends=True)
    assert any(ord(c) > 127 for c in lines[line - 1]), "the line must hold a Vietnamese letter"
    raw = b"".join(
        text.encode("cp1258", errors="replace") if number == line else text.encode("utf-8")
        for number, text in enumerate(lines, start=1)
    )
    (folder / f"{table}.csv").write_bytes(raw)
    return folder


def test_a_windows_1258_csv_is_named_with_its_line_and_a_hint(tmp_path: Path) -> None:
    folder = legacy_copy(tmp_path, "subjects", 6)
    (found,) = problems_of(folder)
    assert found.startswith(f"{folder / 'subjects.csv'}: line 6: not UTF-8 text (byte ")
    assert 'save it again as UTF-8 (in Excel: "CSV UTF-8"' in found
    assert codes_of(folder) == ["not_utf8"]


def test_a_utf16_csv_is_named(tmp_path: Path) -> None:
    folder = tmp_path / "union"
    shutil.copytree(UNION, folder)
    (folder / "facts.csv").write_bytes((UNION / "facts.csv").read_text("utf-8").encode("utf-16"))
    (found,) = problems_of(folder)
    assert found.startswith(f"{folder / 'facts.csv'}: line 1: UTF-16 text, not UTF-8")


@pytest.mark.parametrize("separator", [";", "\t", "|"])
def test_another_separator_is_named_instead_of_missing_columns(
    tmp_path: Path, separator: str
) -> None:
    folder = tmp_path / "union"
    shutil.copytree(UNION, folder)
    text = (UNION / "subjects.csv").read_text("utf-8")
    assert "," in text.splitlines()[0]
    (folder / "subjects.csv").write_text(text.replace(",", separator), "utf-8")
    (found,) = problems_of(folder)
    assert found == (
        f"{folder / 'subjects.csv'}: row 1: the columns are separated by {separator!r}, not by "
        'commas: save the table again as CSV with commas (in Excel: "CSV UTF-8")'
    )
    assert codes_of(folder) == ["wrong_delimiter"]


def test_a_one_column_table_without_a_separator_is_not_misread(tmp_path: Path) -> None:
    folder = tmp_path / "union"
    shutil.copytree(UNION, folder)
    (folder / "subjects.csv").write_text("id\na\n", "utf-8")
    assert "wrong_delimiter" not in codes_of(folder)
