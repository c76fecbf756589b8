"""The workbook form (``emulation.data.excel``) and the template that makes it
(``emulation.data.template``, ``emulation template``): the template filled with the example
union's data decides like the JSON form; bad cells are named by sheet and cell, at reading and at
evaluation; the example row, the label row, unknown and missing sheets and a damaged file are
refused with their codes; empty rows are ignored; the same input gives the same bytes."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path
from typing import Any

import attrs
import openpyxl
import polars as pl
import pytest

from emulation import build_engine
from emulation.cli import main
from emulation.data.excel import read_workbook
from emulation.data.excel_columns import EXAMPLE_SUBJECT
from emulation.data.population import read_csv_dir
from emulation.data.schema import ENUMS, SCHEMAS
from emulation.data.template import template_workbook
from emulation.errors import DataError
from emulation.evaluate.plan import nodes_read
from emulation.lang.scope import FactDecl
from emulation.period import Period
from emulation.types import Label

ROOT = Path(__file__).resolve().parents[2]
UNION = ROOT / "examples" / "union"
STATE = ROOT / "rulesets" / "state"


def template(path: Path, *extra: str) -> Path:
    """``emulation template --period 2024 --plugin state -o path``."""
    assert main(["template", "--period", "2024", "--plugin", "state", "-o", str(path), *extra]) == 0
    return path


def typed(table: str, column: str, text: str, number: int) -> Any:
    """A CSV cell as an officer would type it: dates as Excel dates on even rows and as text on
    odd ones, whole numbers and decimals as numbers, true/false as Excel booleans on even rows."""
    dtype = SCHEMAS.get(table, {}).get(column)
    if text == "":
        return None
    if dtype is not None and dtype.to_python() is dt.date:
        return dt.datetime.fromisoformat(text) if number % 2 == 0 else text
    if text in ("true", "false") and number % 2 == 0:
        return text == "true"
    if column in ("id", "subject", "parent", "period", "name", "award"):
        return text
    if re.fullmatch(r"-?[0-9]+", text):
        return int(text)
    if re.fullmatch(r"-?[0-9]+\.[0-9]+", text):
        return float(text)
    return text


def fill(path: Path, source: Path = UNION) -> Path:
    """The template at ``path`` with its example rows deleted and the CSV tables of ``source``
    written in, column by column id (a fact column the template lacks is added at the end)."""
    book = openpyxl.load_workbook(path)
    for file in sorted(source.glob("*.csv")):
        sheet = book[file.stem]
        sheet.delete_rows(3)
        ids = [cell.value for cell in sheet[1]]
        with file.open(encoding="utf-8") as stream:
            rows = list(csv.DictReader(stream))
        for name in rows[0] if rows else ():
            if name not in ids:
                ids.append(name)
                sheet.cell(row=1, column=len(ids), value=name)
                sheet.cell(row=2, column=len(ids), value=name)
        for number, row in enumerate(rows, start=3):
            for name, text in row.items():
                value = typed(file.stem, name, text, number)
                if value is not None:
                    sheet.cell(row=number, column=ids.index(name) + 1, value=value)
    book.save(path)
    return path


def decided(path: Path) -> list[tuple[str, str, str, tuple[str, ...]]]:
    engine = build_engine(ruleset_paths=[STATE])
    evaluation = engine.evaluate(engine.read_population(path), Period.parse("2024"))
    return [
        (d.subject, d.award, d.outcome, tuple(r.render("en") for r in d.reasons))
        for d in evaluation.decisions()
    ]


@pytest.fixture(scope="module")
def filled(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("book")
    return fill(template(folder / "union.xlsx"))


def copy(source: Path, target: Path) -> Path:
    target.write_bytes(source.read_bytes())
    return target


def problems(path: Path) -> list[str]:
    with pytest.raises(DataError) as caught:
        read_workbook(path)
    return [str(problem) for problem in caught.value.problems]


# -- the template filled with the example union --------------------------------------------------


def test_the_filled_template_decides_like_the_json_form(filled: Path) -> None:
    book = openpyxl.load_workbook(filled)
    # the workbook really holds Excel dates, numbers and booleans beside text
    kinds = {type(c.value) for row in book["service"].iter_rows(min_row=3) for c in row}
    assert {dt.datetime, str} <= kinds
    assert isinstance(book["facts"]["A3"].value, str)
    assert any(isinstance(c.value, bool) for row in book["facts"].iter_rows(min_row=3) for c in row)
    from_workbook = decided(filled)
    assert from_workbook == decided(ROOT / "examples" / "union.json")
    assert len(from_workbook) > 400


def test_evaluate_reads_the_workbook_from_the_command_line(
    filled: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    args = ["--period", "2024", "--plugin", "state", "--format", "csv"]
    assert main(["evaluate", str(filled), *args]) == 0
    from_workbook = capsys.readouterr().out
    assert main(["evaluate", str(ROOT / "examples" / "union.json"), *args]) == 0
    assert from_workbook == capsys.readouterr().out


def test_decisions_of_the_json_form_replay_from_the_workbook(
    filled: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The same records hash alike in both forms: every decision replays, input hash included."""
    decisions = tmp_path / "decisions.json"
    args = ["--period", "2024", "--plugin", "state", "--format", "json", "-o", str(decisions)]
    assert main(["evaluate", str(ROOT / "examples" / "union.json"), *args]) == 0
    status = main(["replay", str(decisions), str(filled), "--plugin", "state"])
    assert status == 0, capsys.readouterr().out


def test_a_wrong_size_declared_by_the_file_cuts_nothing_off(filled: Path, tmp_path: Path) -> None:
    """Some programs declare a sheet's used range wrongly; the rows are read all the same."""
    path = tmp_path / "dimension.xlsx"
    with zipfile.ZipFile(filled) as source, zipfile.ZipFile(path, "w") as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename.startswith("xl/worksheets/sheet"):
                data = re.sub(rb'<dimension ref="[^"]*" ?/>', b'<dimension ref="A1"/>', data)
            target.writestr(item, data)
    assert b'<dimension ref="A1"/>' in zipfile.ZipFile(path).read("xl/worksheets/sheet1.xml")
    assert read_workbook(path).subjects.height == read_workbook(filled).subjects.height == 63


def test_empty_rows_are_ignored_wherever_they_are(filled: Path, tmp_path: Path) -> None:
    path = copy(filled, tmp_path / "gaps.xlsx")
    book = openpyxl.load_workbook(path)
    sheet = book["subjects"]
    sheet.insert_rows(10)  # an empty row between two subjects
    for row in range(sheet.max_row + 1, sheet.max_row + 40):  # formatted, blank rows below
        sheet.cell(row=row, column=1, value="  ")
        sheet.cell(row=row, column=3).number_format = "@"
    book.save(path)
    assert read_workbook(path).subjects.height == read_workbook(filled).subjects.height


# -- the template itself --------------------------------------------------------------------------


def test_the_template_has_a_sheet_per_table_with_ids_labels_and_an_example(tmp_path: Path) -> None:
    book = openpyxl.load_workbook(template(tmp_path / "t.xlsx"))
    assert book.sheetnames == [*SCHEMAS, "Giải thích"]
    engine = build_engine(ruleset_paths=[STATE])
    declared = {n for r in engine.rulesets_for(Period.parse("2024")) for n in r.facts}
    for table, columns in SCHEMAS.items():
        sheet = book[table]
        ids = [c.value for c in sheet[1]]
        assert ids[: len(columns)] == list(columns)
        assert sheet.freeze_panes == "B3"
        assert all(isinstance(c.value, str) and " / " in c.value for c in sheet[2])
        key = "id" if table == "subjects" else "subject"
        assert sheet.cell(row=3, column=ids.index(key) + 1).value == EXAMPLE_SUBJECT
    facts = [c.value for c in book["facts"][1]][2:]
    assert set(facts) == declared
    assert book["subjects"]["G2"].value == "Năm sinh / Birth year"
    assert book["facts"]["C3"].value == "HTXS"  # rating: the best of its ordered values


def test_enums_and_true_false_have_drop_downs(tmp_path: Path) -> None:
    book = openpyxl.load_workbook(template(tmp_path / "t.xlsx"))
    lists = {
        str(v.sqref): v.formula1
        for v in book["subjects"].data_validations.dataValidation
        if v.type == "list"
    }
    assert lists["B3:B5002"] == '"person,collective"'
    assert lists["F3:F5002"] == '"female,male"'
    assert lists["I3:I5002"] == '"true,false"'
    facts = book["facts"]
    rating = [c.value for c in facts[1]].index("rating") + 1
    letter = openpyxl.utils.get_column_letter(rating)
    [found] = [
        v for v in facts.data_validations.dataValidation if str(v.sqref).startswith(letter + "3")
    ]
    assert found.formula1 == '"KHT,HT,HTT,HTXS"'
    assert found.errorStyle == "warning"  # có / không are accepted too


def test_an_enumeration_excel_cannot_list_gets_a_note_instead(tmp_path: Path) -> None:
    """A list rule holds at most 255 characters and splits values at commas."""
    engine = build_engine(ruleset_paths=[STATE])
    period = Period.parse("2024")
    first, *others = engine.rulesets_for(period)
    label = Label(vi="nhãn", en="label")
    extra = {
        "many": FactDecl(
            name="many", type="enum", label=label, values=tuple(f"v{i:03d}" for i in range(80))
        ),
        "commas": FactDecl(name="commas", type="enum", label=label, values=("a,b", "c")),
    }
    widened = attrs.evolve(first, facts={**first.facts, **extra})
    book = openpyxl.load_workbook(io.BytesIO(template_workbook([widened, *others], period)))
    facts = book["facts"]
    ids = [c.value for c in facts[1]]
    by_column = {str(v.sqref).split(":")[0]: v for v in facts.data_validations.dataValidation}
    for name in ("many", "commas", "rating"):
        rule = by_column[openpyxl.utils.get_column_letter(ids.index(name) + 1) + "3"]
        assert (rule.type == "list") == (name == "rating"), name
    rule = by_column[openpyxl.utils.get_column_letter(ids.index("many") + 1) + "3"]
    assert "v000, v001" in rule.prompt


def test_the_explanation_sheet_gives_type_basis_and_certainty(tmp_path: Path) -> None:
    book = openpyxl.load_workbook(template(tmp_path / "t.xlsx", "--lang", "en"))
    sheet = book["Columns"]
    rows = [[c.value for c in row] for row in sheet.iter_rows(values_only=False)]
    [head] = [r for r in rows if r[0] == "Sheet"]
    table = [dict(zip(head, r, strict=True)) for r in rows[rows.index(head) + 1 :]]
    [rating] = [r for r in table if r["Column id"] == "rating"]
    assert rating["Type"] == "one value of the list"
    assert rating["Allowed values"] == "KHT, HT, HTT, HTXS"
    engine = build_engine(ruleset_paths=[STATE])
    first = next(
        (award, rule)
        for ruleset in sorted(engine.rulesets_for(Period.parse("2024")), key=lambda r: r.id)
        for award in ruleset.awards.values()
        for rule in award.rules
        if "rating" in nodes_read([rule.node])
    )
    award, rule = first
    line = f"{award.id}.{rule.id}: {rule.basis} [{rule.certainty}]"
    assert rating["Legal basis"].splitlines()[0] == line
    assert re.fullmatch(r"(C|C\*|R|U)(, (C|C\*|R|U))*", rating["Certainty"])
    [kind] = [r for r in table if r["Column id"] == "kind" and r["Sheet"].startswith("subjects")]
    assert kind["Required"] == "yes"
    assert len([r for r in table if r["Sheet"].startswith("facts")]) == 2 + len(
        list(book["facts"][1])[2:]
    )


def test_facts_read_by_score_sheets_get_the_basis_of_their_items(tmp_path: Path) -> None:
    movement = ROOT / "examples" / "movement" / "movement.toml"
    args = ["template", "--period", "2026", "--plugin", "state", "--rulesets", str(movement)]
    assert main([*args, "-o", str(tmp_path / "m.xlsx")]) == 0
    sheet = openpyxl.load_workbook(tmp_path / "m.xlsx")["Giải thích"]
    rows = {
        row[1]: row
        for row in sheet.iter_rows(values_only=True)
        if row[0] and row[0].startswith("facts")
    }
    engine = build_engine(ruleset_paths=[STATE, movement])
    [sheet_spec] = [s for r in engine.rulesets for s in r.scores.values()]
    for item in sheet_spec.items:
        [fact] = sorted(nodes_read([item.node]))
        line = f"scores.{sheet_spec.id}.{item.id}: {item.basis} [{item.certainty}]"
        assert line in rows[fact][9].splitlines(), fact
        assert item.certainty in rows[fact][10]


def test_the_same_template_has_the_same_bytes(tmp_path: Path) -> None:
    first = template(tmp_path / "a.xlsx").read_bytes()
    assert template(tmp_path / "b.xlsx").read_bytes() == first
    core = zipfile.ZipFile(io.BytesIO(first)).read("docProps/core.xml").decode()
    assert "2000-01-01T00:00:00Z" in core


def test_the_template_is_not_written_over_an_existing_default_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    assert main(["template", "--period", "2023-2024", "--plugin", "state"]) == 0
    assert (tmp_path / "template-2023-2024.xlsx").stat().st_size > 0
    assert main(["template", "--period", "2023-2024", "--plugin", "state"]) == 1
    assert "template-2023-2024.xlsx exists" in capsys.readouterr().err


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_the_example_rows_are_refused_and_are_valid_data_otherwise(
    tmp_path: Path, lang: str
) -> None:
    path = template(tmp_path / "t.xlsx", "--lang", lang)
    first = "Birth year / Năm sinh" if lang == "en" else "Năm sinh / Birth year"
    assert openpyxl.load_workbook(path)["subjects"]["G2"].value == first
    found = problems(path)
    assert len(found) == 8
    assert f"{path}: subjects!A3: the template's example row" in found[0]
    book = openpyxl.load_workbook(path)
    for sheet in book.worksheets[:-1]:
        for cell in sheet[3]:
            if cell.value == EXAMPLE_SUBJECT:
                cell.value = "p-1"
    book.save(path)
    population = read_workbook(path)
    assert population.subjects.get_column("id").to_list() == ["p-1"]
    assert population.service.get_column("start").to_list() == [dt.date(2015, 9, 1)]


# -- errors by sheet and cell ------------------------------------------------------------------------


def test_bad_values_are_named_by_sheet_and_cell(filled: Path, tmp_path: Path) -> None:
    path = copy(filled, tmp_path / "bad.xlsx")
    book = openpyxl.load_workbook(path)
    book["service"]["B7"] = "abc"
    book["subjects"]["G5"] = "nineteen"
    book["subjects"]["B9"] = "people"
    book.save(path)
    found = problems(path)
    assert f"{path}: service!B7: start: cannot read 'abc' as a date (YYYY-MM-DD)" in found
    assert any(
        p.startswith(f"{path}: subjects!G5: birth_year: cannot read 'nineteen'") for p in found
    )
    assert any(p.startswith(f"{path}: subjects!B9: kind: unknown value 'people'") for p in found)


TYPED_COLUMNS = [
    (table, column)
    for table, columns in SCHEMAS.items()
    for column, dtype in columns.items()
    if dtype != pl.String() or (table, column) in ENUMS
]


@pytest.mark.parametrize(("table", "column"), TYPED_COLUMNS)
def test_a_bad_value_is_refused_as_the_csv_form_refuses_it(
    filled: Path, tmp_path: Path, table: str, column: str
) -> None:
    """The same bad value in the first record of a table gives the same problems in both forms,
    the workbook's named by cell."""
    folder = tmp_path / "csv"
    shutil.copytree(UNION, folder)
    frame = pl.read_csv(folder / f"{table}.csv", infer_schema=False)
    frame = frame.with_columns(
        pl.when(pl.int_range(pl.len()) == 0)
        .then(pl.lit("abc"))
        .otherwise(pl.col(column))
        .alias(column)
    )
    frame.write_csv(folder / f"{table}.csv")
    path = copy(filled, tmp_path / "bad.xlsx")
    book = openpyxl.load_workbook(path)
    ids = [c.value for c in book[table][1]]
    letter = openpyxl.utils.get_column_letter(ids.index(column) + 1)
    book[table][f"{letter}3"] = "abc"
    book.save(path)
    with pytest.raises(DataError) as from_csv:
        read_csv_dir(folder)
    with pytest.raises(DataError) as from_book:
        read_workbook(path)
    expected = [(p.code, p.location, p.message) for p in from_csv.value.problems]
    assert [(p.code, p.location, p.message) for p in from_book.value.problems] == expected
    assert {p.file for p in from_csv.value.problems} == {f"{folder / table}.csv: row 2"}
    cells = [
        f"{path}: {table}!{openpyxl.utils.get_column_letter(ids.index(p.location) + 1)}3"
        for p in from_csv.value.problems
    ]
    assert [p.file for p in from_book.value.problems] == cells
    assert f"{path}: {table}!{letter}3" in cells


def test_a_bad_fact_is_named_by_its_cell_at_evaluation(
    filled: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = copy(filled, tmp_path / "fact.xlsx")
    book = openpyxl.load_workbook(path)
    ids = [c.value for c in book["facts"][1]]
    letter = openpyxl.utils.get_column_letter(ids.index("months_worked") + 1)
    row = next(r for r in range(3, 300) if book["facts"][f"{letter}{r}"].value is not None)
    book["facts"][f"{letter}{row}"] = "abc"
    book.save(path)
    status = main(["evaluate", str(path), "--period", "2024", "--plugin", "state"])
    err = capsys.readouterr().err
    assert status == 1
    assert f"{path}: facts!{letter}{row}: months_worked: cannot read 'abc'" in err


def test_the_label_row_must_hold_the_labels(filled: Path, tmp_path: Path) -> None:
    path = copy(filled, tmp_path / "labels.xlsx")
    book = openpyxl.load_workbook(path)
    book["subjects"]["A2"] = "p-000"
    book.save(path)
    [found] = problems(path)
    assert found.startswith(f"{path}: subjects!A2: row 2 holds the labels")


def test_unknown_and_missing_sheets_are_refused(filled: Path, tmp_path: Path) -> None:
    path = copy(filled, tmp_path / "sheets.xlsx")
    book = openpyxl.load_workbook(path)
    book["evidence"].title = "evidance"
    del book["facts"]
    book.save(path)
    found = problems(path)
    assert any('evidance: unknown sheet (did you mean "evidence"?)' in p for p in found)
    assert f"{path}: facts: required sheet is missing or empty" in found


def test_an_empty_sheet_is_a_table_not_given(filled: Path, tmp_path: Path) -> None:
    path = copy(filled, tmp_path / "empty.xlsx")
    book = openpyxl.load_workbook(path)
    for name in ("votes", "subjects"):
        book.remove(book[name])
        book.create_sheet(name)
    book.save(path)
    assert problems(path) == [f"{path}: subjects: required sheet is missing or empty"]
    book = openpyxl.load_workbook(filled)
    book.remove(book["votes"])
    book.create_sheet("votes")
    book.save(path)
    assert read_workbook(path).votes.height == 0
    assert read_workbook(filled).votes.height > 0


def test_a_file_that_is_not_a_workbook_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "members.xlsx"
    path.write_text("id,kind\n", encoding="utf-8")
    with pytest.raises(DataError) as caught:
        read_workbook(path)
    assert [p.code for p in caught.value.problems] == ["unreadable_workbook"]
    with pytest.raises(DataError) as caught:
        read_workbook(tmp_path / "absent.xlsx")
    assert [p.code for p in caught.value.problems] == ["no_such_file"]
    old = tmp_path / "members.xls"
    old.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1")  # the start of an OLE2 file
    engine = build_engine(ruleset_paths=[STATE])
    with pytest.raises(DataError) as caught:
        engine.read_population(old)
    [problem] = caught.value.problems
    assert problem.code == "unreadable_workbook"
    assert "save it again as an Excel workbook (.xlsx)" in problem.message


# -- the how-to's commands run as written -----------------------------------------------------------

HOWTO = ROOT / "docs" / "how-to" / "fill-the-excel-template.md"


def transcripts(text: str) -> list[tuple[str, list[str]]]:
    """Each ``$ emulation …`` command of the page's console blocks with the lines shown after it
    (``…`` ends a shortened output)."""
    found: list[tuple[str, list[str]]] = []
    for block in re.findall(r"```console\n(.*?)```", text, re.DOTALL):
        for line in block.splitlines():
            if line.startswith("$ emulation "):
                found.append((line.removeprefix("$ emulation "), []))
            else:
                found[-1][1].append(line)
    return found


def test_the_how_to_runs_as_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import shlex

    text = HOWTO.read_text(encoding="utf-8")
    before, after = text.split("<!-- after filling", 1)
    monkeypatch.chdir(tmp_path)
    runs = [(command, shown, False) for command, shown in transcripts(before)]
    runs += [(command, shown, True) for command, shown in transcripts(after)]
    assert len(runs) == 4
    filled = False
    for command, shown, needs_data in runs:
        if needs_data and not filled:
            fill(tmp_path / "union-2024.xlsx")
            filled = True
        status = main(shlex.split(command))
        out, err = capsys.readouterr()
        lines = (out + err).splitlines()
        assert status == (1 if "example row" in " ".join(shown) else 0), (command, err)
        if shown and shown[-1] == "…":
            assert lines[: len(shown) - 1] == shown[:-1], command
        else:
            assert lines == shown, command
    basis = openpyxl.load_workbook(tmp_path / "union-2024.xlsx")["Giải thích"]
    cells = [c.value or "" for row in basis.iter_rows() for c in row]
    assert any(
        "ttldtt.task_rating: Luật 06/2022/QH15 Điều 28 khoản 1 [C]" in cell for cell in cells
    )
    decisions = openpyxl.load_workbook(tmp_path / "decisions-2024.xlsx")
    assert decisions.sheetnames[:2] == ["Tổng hợp", "Quyết định"]
    # the two mistakes the page quotes are reported as it quotes them
    book = openpyxl.load_workbook(tmp_path / "union-2024.xlsx")
    book["service"]["B7"] = "abc"
    book.save(tmp_path / "union-2024.xlsx")
    assert main(["evaluate", "union-2024.xlsx", "--period", "2024", "--plugin", "state"]) == 1
    [line] = capsys.readouterr().err.splitlines()
    assert f"`{line.removeprefix('emulation: ')}`" in text
    book["service"]["B7"] = "2020-01-01"
    book["facts"]["C12"] = "Good"
    book.save(tmp_path / "union-2024.xlsx")
    assert main(["evaluate", "union-2024.xlsx", "--period", "2024", "--plugin", "state"]) == 1
    [line] = capsys.readouterr().err.splitlines()
    quoted = "union-2024.xlsx: facts!C12: rating: cannot read 'Good' as fact rating"
    assert line.startswith(f"emulation: {quoted}")
    assert f"`{quoted} …`" in text


def test_the_command_line_loads_the_excel_libraries_only_for_a_workbook() -> None:
    code = (
        "import sys, emulation.cli\n"
        "emulation.build_engine().read_population('examples/union.json')\n"
        "print('openpyxl' in sys.modules, 'xlsxwriter' in sys.modules)"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert done.stdout.split() == ["False", "False"]
