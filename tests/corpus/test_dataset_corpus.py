"""The broken-dataset corpus: every way of breaking the example union is refused by our error,
with the right code, row, column and words, and never by a traceback.

Two sources of cases: ``datasets/cases.toml`` (each defect of hostile data found so far, and
hostile JSON shapes), and the mutation families generated here from the schema of the six
tables and from the facts the state rulesets declare — every column missing, emptied,
duplicated, mistyped and out of range — each with its expectation computed from the mutation.
The manifest runs in the inner loop (about two seconds); the families, about 160 reads and
evaluations of the union, are marked slow.
"""

from __future__ import annotations

import copy
import json
import shutil
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any

import attrs
import polars as pl
import pytest

import emulation
from emulation.data.schema import ENUMS, REQUIRED, SCHEMAS, TABLES
from emulation.errors import EmulationError, Problem, ProblemsError
from emulation.evaluate.plan import plan_evaluation
from emulation.period import Period
from emulation.rules.toml import read_toml

ROOT = Path(__file__).resolve().parents[2]
CORPUS = Path(__file__).resolve().parent / "datasets"
UNION_JSON = json.loads((ROOT / "examples" / "union.json").read_text("utf-8"))
UNION_CSV = ROOT / "examples" / "union"
SENTINEL = "@@corpus@@"
#: The first data row of a CSV table (the header is row 1).
FIRST = 2
#: Rows of the union whose subjects the facts families break, by kind.
FACTS_ROWS = {"person": "nd-002,{period},", "collective": "cd-tranphu,{period},"}


@attrs.frozen
class Expect:
    code: str
    at: str
    location: str
    message: str


@attrs.frozen
class Case:
    id: str
    build: Callable[[Path], tuple[Path, dict[str, int]]]
    expect: Expect | None  # None: read (and evaluated) without a problem
    evaluate: str | None = None


# -- editing the union -------------------------------------------------------------------------


def _walk(document: Any, path: str) -> tuple[Any, str]:
    """The container of the member at ``path`` (``subjects[6].facts.2024``) and its key."""
    *parents, last = path.split(".")
    node = document
    for part in parents:
        name, _, index = part.partition("[")
        node = node[name]
        if index:
            node = node[int(index.rstrip("]"))]
    name, _, index = last.partition("[")
    if index:
        return node[name], str(int(index.rstrip("]")))
    return node, name


def json_case(edit: dict[str, Any]) -> Callable[[Path], tuple[Path, dict[str, int]]]:
    def build(folder: Path) -> tuple[Path, dict[str, int]]:
        document = copy.deepcopy(UNION_JSON)
        raw: str | None = None
        if "set" in edit:
            node, key = _walk(document, edit["set"]["path"])
            node[int(key) if isinstance(node, list) else key] = SENTINEL
            raw = edit["set"]["json"]
        elif "delete" in edit:
            node, key = _walk(document, edit["delete"])
            del node[key]
        elif "repeat" in edit:
            node, key = _walk(document, edit["repeat"])
            value = json.dumps(node[key], ensure_ascii=False)
            node[key] = SENTINEL
            raw = f'{value}, "{key}": {value}'
        text = edit.get("text") or json.dumps(document, ensure_ascii=False)
        if raw is not None:
            text = text.replace(f'"{SENTINEL}"', raw)
        path = folder / "union.json"
        path.write_text(text, encoding="utf-8")
        return path, {}

    return build


def _generated(name: str) -> Callable[[Path], tuple[Path, dict[str, int]]]:
    months = "subjects[10].facts.2024.months_worked"
    if name == "integer_of_5000_digits":
        return json_case({"set": {"path": months, "json": "9" * 5000}})
    if name == "arrays_nested_100000_deep":
        head = '{"format": "emulation.population/1", "subjects": '
        return json_case({"text": head + "[" * 100_000 + "]" * 100_000 + "}"})
    if name == "objects_nested_500_deep_as_a_fact":
        deep = '{"a": ' * 500 + "1" + "}" * 500
        return json_case({"set": {"path": "subjects[10].facts.2024.rating", "json": deep}})
    raise AssertionError(f"no generator {name!r}")


def csv_case(edit: dict[str, Any]) -> Callable[[Path], tuple[Path, dict[str, int]]]:
    def build(folder: Path) -> tuple[Path, dict[str, int]]:
        target = shutil.copytree(UNION_CSV, folder / "union")
        spec = next(edit[k] for k in ("csv", "repeat_row", "replace", "columns") if k in edit)
        file = target / f"{spec['table']}.csv"
        lines = file.read_text("utf-8").splitlines()
        rows: dict[str, int] = {}
        if "replace" in edit:
            text = "\n".join(lines).replace(spec["old"], spec["new"], 1)
            lines = text.splitlines()
        elif "columns" in edit:
            lines = _edit_columns(lines, spec)
        else:
            index = next(i for i, line in enumerate(lines) if i and line.startswith(spec["match"]))
            rows = {"row": index + 1, "next": index + 2}
            if "repeat_row" in edit:
                lines.insert(index + 1, lines[index])
            else:
                header = lines[0].split(",")
                cells = _cells(lines[index], len(header))
                cells[header.index(spec["column"])] = spec["value"]
                lines[index] = ",".join(_quoted(c) for c in cells)
        file.write_text("\n".join(lines) + "\n", encoding="utf-8")
        return target, rows

    return build


def _cells(line: str, count: int) -> list[str]:
    frame = pl.read_csv(line.encode(), has_header=False, infer_schema=False)
    return [value or "" for value in frame.row(0)][:count]


def _quoted(cell: str) -> str:
    return f'"{cell}"' if "," in cell or '"' in cell else cell


def _edit_columns(lines: list[str], spec: dict[str, Any]) -> list[str]:
    """Drop (``drop``) or repeat (``repeat``) a column, header and cells."""
    frame = pl.read_csv("\n".join(lines).encode(), infer_schema=False)
    columns = frame.columns
    position = columns.index(spec["column"])
    out = []
    for line in lines:
        cells = _cells(line, len(columns))
        if spec["do"] == "drop":
            del cells[position]
        else:
            cells.append(cells[position])
        out.append(",".join(_quoted(c) for c in cells))
    return out


# -- the cases ---------------------------------------------------------------------------------


def manifest_cases() -> list[Case]:
    document, _ = read_toml(CORPUS / "cases.toml")
    entries = document["case"]
    cases = []
    for entry in entries:
        if "generate" in entry:
            build = _generated(entry["generate"])
        elif any(k in entry for k in ("csv", "repeat_row", "replace")):
            build = csv_case(entry)
        else:
            build = json_case(entry)
        expect = None if entry["expect"] == "accepted" else Expect(**entry["expect"])
        cases.append(Case(entry["id"], build, expect, entry.get("evaluate")))
    return cases


#: A value of the wrong type, and one out of range, for each column type of the tables.
WRONG = {
    pl.Int64(): "abc",
    pl.Decimal(38, 6): "1,5",
    pl.Date(): "01/02/2024",
    pl.Boolean(): "maybe",
}
OUT_OF_RANGE = {
    pl.Int64(): ("1" + "0" * 25, "number_too_large", "a whole number is at most"),
    pl.Decimal(38, 6): ("1.1234567", "too_many_decimal_places", "more than 6 decimal places"),
    pl.Date(): ("2024-02-30", "unreadable_value", "cannot read '2024-02-30' as a date"),
}


def _first_row(
    table: str, column: str, value: str
) -> Callable[[Path], tuple[Path, dict[str, int]]]:
    first = (UNION_CSV / f"{table}.csv").read_text("utf-8").splitlines()[1]
    return csv_case({"csv": {"table": table, "match": first, "column": column, "value": value}})


def table_family() -> list[Case]:
    """Every column of every table but the facts: missing, emptied, duplicated, mistyped and
    out of range, in the CSV form of the union (read only)."""
    cases = []
    for table in TABLES:
        if table == "facts":
            continue
        at = f"{table}.csv: row {FIRST}"
        for column, dtype in SCHEMAS[table].items():
            name = f"{table}.{column}"
            drop = csv_case({"columns": {"table": table, "column": column, "do": "drop"}})
            required = column in REQUIRED[table]
            missing: Expect | None = Expect("missing_column", "union", table, f"['{column}']")
            if not required:
                missing = None
            if (table, column) == ("registrations", "review"):
                # the first model of the union was judged effective, which needs its review
                missing = Expect("review_missing", at, "review", "give its review date")
            cases.append(Case(f"{name}-missing", drop, missing))
            repeat = csv_case({"columns": {"table": table, "column": column, "do": "repeat"}})
            cases.append(
                Case(
                    f"{name}-duplicated",
                    repeat,
                    Expect("duplicate_column", f"{table}.csv: row 1", "", f"['{column}']"),
                )
            )
            if required:
                cases.append(
                    Case(
                        f"{name}-emptied",
                        _first_row(table, column, ""),
                        Expect("missing_value", at, column, "required value missing"),
                    )
                )
            mistyped = _mistyped(table, column, dtype)
            if mistyped is not None:
                value, expect = mistyped
                cases.append(Case(f"{name}-mistyped", _first_row(table, column, value), expect))
            if dtype in OUT_OF_RANGE:
                value, code, words = OUT_OF_RANGE[dtype]
                cases.append(
                    Case(
                        f"{name}-out-of-range",
                        _first_row(table, column, value),
                        Expect(code, at, column, words),
                    )
                )
            if column == "end":
                cases.append(
                    Case(
                        f"{name}-before-start",
                        _first_row(table, column, "1900-01-01"),
                        Expect("ends_before_start", at, "end", "before it starts"),
                    )
                )
    return cases


def _mistyped(table: str, column: str, dtype: pl.DataType) -> tuple[str, Expect] | None:
    at = f"{table}.csv: row {FIRST}"
    if dtype in WRONG:
        value = WRONG[dtype]
        return value, Expect("unreadable_value", at, column, f"cannot read {value!r}")
    if (table, column) in ENUMS:
        return "???", Expect("unknown_value", at, column, "unknown value '???'")
    if column == "subject":
        return "nobody", Expect("unknown_subject", at, "subject", "unknown subject 'nobody'")
    if column == "parent":
        return "nobody", Expect("unknown_parent", at, "parent", "unknown parent 'nobody'")
    if column == "period":
        return "20x3", Expect("bad_period", at, "period", "unknown period format '20x3'")
    if column == "id":
        second = (UNION_CSV / f"{table}.csv").read_text("utf-8").splitlines()[2].split(",")[0]
        return second, Expect("duplicate_id", at, "id", f"{second!r}")
    return None  # free text: any text is text


def facts_family() -> list[Case]:
    """Every fact the state rulesets read in 2024, for the kind that reads it: mistyped,
    out of range, mistyped in another period, duplicated and missing (evaluated)."""
    engine = emulation.build_engine(entry_points=False, ruleset_paths=[ROOT / "rulesets" / "state"])
    period = Period.parse("2024")
    plan = plan_evaluation(period, engine.rulesets_in_force(period), engine.awards_in_force(period))
    header = (UNION_CSV / "facts.csv").read_text("utf-8").splitlines()[0].split(",")
    wrong = {"int": "twelve", "decimal": "abc", "bool": "maybe", "enum": "???"}
    cases = []
    for kind, match in FACTS_ROWS.items():
        for name, decl in sorted(plan.facts_of(kind).items()):
            if name not in header:
                continue
            at = "facts.csv: row {row}"

            def edit(value: str, year: str = "2024", column: str = name, match: str = match) -> Any:
                row = match.format(period=year)
                return csv_case(
                    {"csv": {"table": "facts", "match": row, "column": column, "value": value}}
                )

            bad = wrong[decl.type]
            words = f"cannot read {bad!r} as fact {name}"
            cases.append(
                Case(
                    f"facts.{name}-mistyped",
                    edit(bad),
                    Expect("unreadable_value", at, name, words),
                    "2024",
                )
            )
            cases.append(
                Case(
                    f"facts.{name}-mistyped-in-2022",
                    edit(bad, "2022"),
                    Expect("unreadable_value", at, name, words),
                    "2024",
                )
            )
            if decl.maximum is not None:
                above = str(decl.maximum + 1)
                cases.append(
                    Case(
                        f"facts.{name}-out-of-range",
                        edit(above),
                        Expect(
                            "out_of_range", at, name, f"'{above}' is outside the declared range"
                        ),
                        "2024",
                    )
                )
            if decl.type == "int":
                cases.append(
                    Case(
                        f"facts.{name}-not-whole",
                        edit("1.5"),
                        Expect("unreadable_value", at, name, "not a whole number"),
                        "2024",
                    )
                )
            if decl.type == "decimal":
                cases.append(
                    Case(
                        f"facts.{name}-seven-places",
                        edit("1.1234567"),
                        Expect("too_many_decimal_places", at, name, "more than 6 decimal places"),
                        "2024",
                    )
                )
    for name in header[2:]:
        repeat = csv_case({"columns": {"table": "facts", "column": name, "do": "repeat"}})
        cases.append(
            Case(
                f"facts.{name}-duplicated",
                repeat,
                Expect("duplicate_column", "facts.csv: row 1", "", f"['{name}']"),
            )
        )
        drop = csv_case({"columns": {"table": "facts", "column": name, "do": "drop"}})
        cases.append(Case(f"facts.{name}-missing", drop, None, "2024"))
    return cases


# -- the runner --------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def engine() -> emulation.Engine:
    return emulation.build_engine(entry_points=False, ruleset_paths=[ROOT / "rulesets" / "state"])


def run(case: Case, engine: emulation.Engine, folder: Path) -> None:
    path, rows = case.build(folder)
    problems: tuple[Problem, ...] = ()
    try:
        population = engine.read_population(path)
        if case.evaluate:
            engine.evaluate(population, case.evaluate)
    except ProblemsError as error:
        problems = error.problems
    except EmulationError as error:
        pytest.fail(f"{case.id}: our error without a located problem: {error}")
    except BaseException:
        pytest.fail(f"{case.id}: a traceback reached the user:\n{traceback.format_exc()}")
    if case.expect is None:
        assert not problems, f"{case.id}: refused: {[str(p) for p in problems]}"
        return
    assert problems, f"{case.id}: accepted without a word"
    assert all(p.code for p in problems), [str(p) for p in problems if not p.code]
    expect = attrs.evolve(
        case.expect,
        at=case.expect.at.format(**rows),
        message=case.expect.message.format(**rows),
    )
    matching = [
        p
        for p in problems
        if p.code == expect.code
        and p.file.endswith(expect.at)
        and p.location == expect.location
        and expect.message in p.message
    ]
    assert matching, f"{case.id}: expected {expect}, got:\n" + "\n".join(
        f"  [{p.code}] {p}" for p in problems
    )


@pytest.mark.parametrize("case", manifest_cases(), ids=lambda c: c.id)
def test_the_corpus_case_is_refused_as_expected(
    case: Case, engine: emulation.Engine, tmp_path: Path
) -> None:
    run(case, engine, tmp_path)


@pytest.mark.slow
@pytest.mark.parametrize("case", table_family(), ids=lambda c: c.id)
def test_every_column_of_every_table_broken(
    case: Case, engine: emulation.Engine, tmp_path: Path
) -> None:
    run(case, engine, tmp_path)


@pytest.mark.slow
@pytest.mark.parametrize("case", facts_family(), ids=lambda c: c.id)
def test_every_declared_fact_broken(case: Case, engine: emulation.Engine, tmp_path: Path) -> None:
    run(case, engine, tmp_path)


def test_the_runner_fails_on_a_wrong_expectation(engine: emulation.Engine, tmp_path: Path) -> None:
    """The runner can fail: a case expecting another code is reported."""
    [case] = [c for c in manifest_cases() if c.id == "d9-missing-format"]
    wrong = attrs.evolve(case, expect=attrs.evolve(case.expect, code="unknown_format"))
    with pytest.raises(AssertionError, match="expected Expect"):
        run(wrong, engine, tmp_path)
