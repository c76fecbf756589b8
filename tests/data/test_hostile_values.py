"""Hostile values: every bad value is refused, quoted as written, with its code and location.

The values a reader must not change on the way in (``12.5`` months, ``NaN``), the numbers no
type holds (10^30 for a whole number, ``1e400``, 5,000 digits), the shapes Python's JSON parser
chokes on, and the rows that repeat: each is our :class:`DataError` naming the row.
"""

from __future__ import annotations

import copy
import json
import shutil
from pathlib import Path
from typing import Any

import pytest

import emulation
from emulation import DataError, Population
from emulation.errors import Problem

ROOT = Path(__file__).resolve().parents[2]
UNION = json.loads((ROOT / "examples" / "union.json").read_text("utf-8"))
UNION_CSV = ROOT / "examples" / "union"
FORMAT = "emulation.population/1"


@pytest.fixture(scope="module")
def engine() -> emulation.Engine:
    return emulation.build_engine(entry_points=False, ruleset_paths=[ROOT / "rulesets" / "state"])


def union_with(path: str, value: Any) -> dict[str, Any]:
    """The example union with the member at ``path`` (``subjects[6].facts.2024.rating``) set."""
    document = copy.deepcopy(UNION)
    *parents, last = path.split(".")
    node: Any = document
    for part in parents:
        name, _, index = part.partition("[")
        node = node[name]
        if index:
            node = node[int(index.rstrip("]"))]
    node[last] = value
    return document


def problems_of(call: Any) -> list[Problem]:
    with pytest.raises(DataError) as info:
        call()
    return list(info.value.problems)


def write_json(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "data.json"
    path.write_text(text, encoding="utf-8")
    return path


def person_document(facts: dict[str, Any], **members: Any) -> dict[str, Any]:
    return {
        "format": FORMAT,
        "subjects": [{"id": "a", "kind": "person", "facts": facts, **members}],
    }


# -- defect 6: the value quoted is the one of the row named ------------------------------------


def test_a_bad_json_fact_is_quoted_from_its_own_row(
    engine: emulation.Engine, tmp_path: Path
) -> None:
    path = write_json(tmp_path, json.dumps(union_with("subjects[6].facts.2024.rating", 5)))
    population = engine.read_population(path)
    [problem] = problems_of(lambda: engine.evaluate(population, "2024"))
    assert problem.file == f"{path}: subjects[6].facts.2024"
    assert problem.location == "rating"
    assert problem.message.startswith("cannot read '5' as fact rating")
    assert problem.code == "unreadable_value"


@pytest.mark.parametrize(
    ("column", "value", "quoted"),
    [("good_attitude", "maybe", "'maybe'"), ("months_worked", "twelve", "'twelve'")],
)
def test_a_bad_csv_fact_is_quoted_from_its_own_row(
    engine: emulation.Engine, tmp_path: Path, column: str, value: str, quoted: str
) -> None:
    folder = shutil.copytree(UNION_CSV, tmp_path / "union")
    lines = (folder / "facts.csv").read_text("utf-8").splitlines()
    header = lines[0].split(",")
    # the last person's row: the first rows came out of the join in their own order by luck
    row = max(i for i, line in enumerate(lines) if ",2024," in line and not line.startswith("cd-"))
    cells = lines[row].split(",")
    cells[header.index(column)] = value
    lines[row] = ",".join(cells)
    (folder / "facts.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    population = engine.read_population(folder)
    [problem] = problems_of(lambda: engine.evaluate(population, "2024"))
    assert problem.file == f"{folder / 'facts.csv'}: row {row + 1}"
    assert problem.location == column
    assert problem.message.startswith(f"cannot read {quoted} as fact {column}")


def test_a_bad_table_value_is_quoted_from_its_own_row() -> None:
    subjects = [{"id": f"s{i}", "kind": "person", "birth_year": 1980 + i} for i in range(300)]
    subjects[137]["birth_year"] = "nineteen"
    [problem] = problems_of(lambda: Population.from_json({"subjects": subjects}, source="in"))
    assert str(problem) == "in: subjects[137]: birth_year: cannot read 'nineteen' as a whole number"
    assert problem.code == "unreadable_value"


# -- defect 7: nothing is changed on the way in ------------------------------------------------


def evaluate_months(engine: emulation.Engine, months: str, tmp_path: Path) -> Any:
    """Two people, ``a`` with ``months_worked`` written as the JSON text ``months``."""
    facts = {"rating": "HTT", "good_attitude": True, "recruited_this_period": True}
    document = {
        "format": FORMAT,
        "subjects": [
            {"id": "a", "kind": "person", "facts": {"2024": {**facts, "months_worked": "@"}}},
            {"id": "b", "kind": "person", "facts": {"2024": {**facts, "months_worked": 7}}},
        ],
    }
    path = write_json(tmp_path, json.dumps(document).replace('"@"', months))
    return engine.evaluate(engine.read_population(path), "2024", ["ldtt"])


@pytest.mark.parametrize("months", ["12.5", '"12.5"', "true", '"12 months"'])
def test_a_whole_number_fact_refuses_what_is_not_a_whole_number(
    engine: emulation.Engine, tmp_path: Path, months: str
) -> None:
    [problem] = problems_of(lambda: evaluate_months(engine, months, tmp_path))
    assert problem.location == "months_worked"
    assert problem.file.endswith("subjects[0].facts.2024")
    assert problem.code == "unreadable_value"


@pytest.mark.parametrize("months", ["12", '"12"', "12.0", '" 12 "'])
def test_a_whole_number_is_read_in_its_documented_forms(
    engine: emulation.Engine, tmp_path: Path, months: str
) -> None:
    decision = evaluate_months(engine, months, tmp_path).decision("a", "ldtt")
    assert decision.outcome == "granted"


@pytest.mark.parametrize("token", ["NaN", "Infinity", "-Infinity"])
def test_nan_and_infinity_are_refused_not_missing(tmp_path: Path, token: str) -> None:
    text = json.dumps(person_document({"2024": {"months_worked": "@"}})).replace('"@"', token)
    [problem] = problems_of(lambda: Population.from_json(text, source="in.json"))
    assert problem.file == "in.json"
    assert problem.location == "subjects[0].facts.2024.months_worked"
    assert problem.code == "not_a_number"


def test_nan_written_as_text_is_refused_for_a_number(engine: emulation.Engine) -> None:
    population = Population.from_json(person_document({"2024": {"months_worked": "NaN"}}))
    [problem] = problems_of(lambda: engine.evaluate(population, "2024", ["ldtt"]))
    assert problem.code == "not_a_number"
    assert "cannot read 'NaN' as fact months_worked" in problem.message


def test_a_bad_value_of_another_period_is_refused_whatever_period_is_evaluated(
    engine: emulation.Engine,
) -> None:
    population = Population.from_json(
        person_document(
            {
                "2023": {"rating": "HTT", "good_attitude": "maybe"},
                "2024": {"rating": "HTT", "good_attitude": True},
            }
        ),
        source="in",
    )
    for period in ("2023", "2024"):
        [problem] = problems_of(lambda p=period: engine.evaluate(population, p, ["ldtt"]))
        assert str(problem) == (
            "in: subjects[0].facts.2023: good_attitude: cannot read 'maybe' as fact "
            "good_attitude (bool)"
        )


def test_a_decimal_with_seven_places_is_refused() -> None:
    evidence = [{"id": "e", "kind": "benefit", "period": "2024", "amount": "1.1234567"}]
    [problem] = problems_of(
        lambda: Population.from_json(person_document({}, evidence=evidence), source="in")
    )
    assert problem.code == "too_many_decimal_places"
    assert problem.file == "in: subjects[0].evidence[0]"
    assert problem.location == "amount"
    assert "1.1234567" in problem.message


def test_trailing_zeros_beyond_six_places_change_nothing_and_are_read() -> None:
    evidence = [{"id": "e", "kind": "benefit", "period": "2024", "amount": "1.5000000"}]
    population = Population.from_json(person_document({}, evidence=evidence))
    assert str(population.evidence.get_column("amount")[0]) == "1.500000"


# -- defect 9: hostile JSON is our error, with its location ------------------------------------


@pytest.mark.parametrize(
    ("number", "code"),
    [
        ("1" + "0" * 40, "number_too_large"),
        ("1e400", "number_too_large"),
        ("9" * 5000, "number_too_large"),
    ],
    ids=["10^40", "1e400", "5000-digits"],
)
def test_numbers_no_type_holds_are_refused_at_read(number: str, code: str) -> None:
    text = json.dumps(person_document({"2024": {"months_worked": "@"}})).replace('"@"', number)
    [problem] = problems_of(lambda: Population.from_json(text, source="in.json"))
    assert problem.location == "subjects[0].facts.2024.months_worked"
    assert problem.code == code


def test_a_whole_number_beyond_int64_is_refused_for_a_whole_number_fact(
    engine: emulation.Engine, tmp_path: Path
) -> None:
    [problem] = problems_of(lambda: evaluate_months(engine, "1" + "0" * 30, tmp_path))
    assert problem.code == "number_too_large"
    assert problem.location == "months_worked"
    assert "a whole number is at most 9223372036854775807" in problem.message


def test_arrays_nested_100000_deep_are_refused_with_their_line(
    engine: emulation.Engine, tmp_path: Path
) -> None:
    path = write_json(
        tmp_path,
        '{"format": "emulation.population/1",\n"subjects": ' + "[" * 100_000 + "]" * 100_000 + "}",
    )
    [problem] = problems_of(lambda: engine.read_population(path))
    assert problem.code == "too_deep"
    assert problem.location == "line 2"


def test_an_award_history_period_that_is_no_period_is_refused() -> None:
    awards = [{"award": "ldtt", "period": "20x3"}]
    [problem] = problems_of(
        lambda: Population.from_json(person_document({}, awards=awards), source="in")
    )
    assert problem.file == "in: subjects[0].awards[0]"
    assert problem.location == "period"
    assert problem.code == "bad_period"


def test_a_file_without_its_format_is_refused(tmp_path: Path) -> None:
    document = person_document({})
    del document["format"]
    path = write_json(tmp_path, json.dumps(document))
    [problem] = problems_of(
        lambda: emulation.build_engine(entry_points=False).read_population(path)
    )
    assert (problem.file, problem.location, problem.code) == (str(path), "format", "missing_format")


def test_a_document_built_in_memory_may_leave_the_format_out() -> None:
    document = person_document({})
    del document["format"]
    assert Population.from_json(document).subjects.height == 1


def test_an_exactly_repeated_csv_facts_row_is_refused(tmp_path: Path) -> None:
    folder = shutil.copytree(UNION_CSV, tmp_path / "union")
    lines = (folder / "facts.csv").read_text("utf-8").splitlines()
    lines.insert(10, lines[9])
    (folder / "facts.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    [problem] = problems_of(lambda: Population.from_csv_dir(folder))
    assert problem.file == f"{folder / 'facts.csv'}: row 11"
    assert problem.message == f"repeats {folder / 'facts.csv'}: row 10 exactly; remove one of them"
    assert problem.code == "duplicate_row"


def test_a_repeated_json_member_is_refused() -> None:
    text = '{"format": "emulation.population/1", "subjects": [{"id": "a", "kind": "person", "facts": {"2024": {"rating": "HT", "rating": "HTXS"}}}]}'
    [problem] = problems_of(lambda: Population.from_json(text, source="in"))
    assert problem.location == "subjects[0].facts.2024.rating"
    assert problem.code == "repeated_member"


def test_a_repeated_csv_column_is_refused(tmp_path: Path) -> None:
    folder = shutil.copytree(UNION_CSV, tmp_path / "union")
    text = (folder / "subjects.csv").read_text("utf-8").replace("id,kind,", "id,kind,kind,", 1)
    (folder / "subjects.csv").write_text(text, encoding="utf-8")
    [problem] = problems_of(lambda: Population.from_csv_dir(folder))
    assert problem.code == "duplicate_column"
    assert "['kind']" in problem.message
