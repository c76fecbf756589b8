"""The JSON Schema of the nested population form agrees with the reader.

Every document the schema accepts, the reader accepts too (checks that span records, such as
unique ids and known parents, are the reader's alone); a document the schema rejects for its
structure (an unknown member, a bad enum value, a wrong container) the reader rejects as well.
"""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from emulation import DataError, Population
from emulation.data.schema import ENUMS

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "union.json"
FORMAT = "emulation.population/1"


@pytest.fixture(scope="module")
def validator() -> jsonschema.Draft202012Validator:
    text = (
        resources.files("emulation").joinpath("schemas/population.schema.json").read_text("utf-8")
    )
    schema = json.loads(text)
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(
        schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
    )


FULL: dict[str, Any] = {
    "format": "emulation.population/1",
    "subjects": [
        {"id": "cd-truong", "kind": "collective", "name": "Công đoàn Trường THCS Kim Đồng"},
        {
            "id": "lan",
            "kind": "person",
            "name": "Nguyễn Thị Lan",
            "parent": "cd-truong",
            "cluster": "cum-1",
            "gender": "female",
            "birth_year": 1985,
            "staff_category": "giáo viên",
            "hardship_area": "có",
            "facts": {
                "2023-2024": {"rating": "HTXS", "good_attitude": True, "score": "8.75"},
                "2024": {"rating": "HTT", "months_worked": 12, "score": 9.5, "note": None},
            },
            "evidence": [
                {
                    "id": "sk-1",
                    "kind": "initiative",
                    "period": "2024",
                    "scope": "ministry_province",
                },
                {"id": "tien-1", "kind": "benefit", "period": "2024", "amount": "1500000.50"},
                {"id": "tien-2", "kind": "benefit", "period": "2024", "amount": 8, "share": "0.5"},
                {"id": "tien-3", "kind": "benefit", "period": "2024", "amount": 9, "share": 1},
            ],
            "awards": [
                {"award": "ldtt", "period": "2023"},
                {"award": "bk_chuyen_de", "period": "2023", "type": "thematic"},
            ],
            "service": [{"start": "2010-09-01", "end": None, "kind": "full_time"}],
            "discipline": [{"level": "reprimand", "start": "2019-03-01", "end": "2019-09-01"}],
        },
    ],
}


def errors(validator: jsonschema.Draft202012Validator, document: Any) -> list[str]:
    return [error.message for error in validator.iter_errors(document)]


def reader_problems(document: Any) -> list[str]:
    """The problems of ``document`` read as a file is (its ``format`` required)."""
    try:
        Population.from_json(json.dumps(document, ensure_ascii=False))
    except DataError as error:
        return [str(problem) for problem in error.problems]
    return []


def test_the_example_union_is_valid(validator: jsonschema.Draft202012Validator) -> None:
    if not EXAMPLE.exists():
        pytest.skip(f"{EXAMPLE.relative_to(ROOT)} is not in this checkout")
    document = json.loads(EXAMPLE.read_text(encoding="utf-8"))
    assert errors(validator, document) == []
    assert reader_problems(document) == []


@pytest.mark.parametrize(
    "document",
    [
        FULL,
        {"format": FORMAT, "subjects": []},
        {"format": FORMAT, "subjects": [{"id": "a", "kind": "person"}]},
        {
            "format": FORMAT,
            "subjects": [{"id": "a", "kind": "person", "gender": None, "facts": {"2024": {}}}],
        },
        {
            "format": FORMAT,
            "subjects": [
                {"id": "a", "kind": "person", "birth_year": "1990", "hardship_area": "không"}
            ],
        },
        {
            "format": FORMAT,
            "subjects": [
                {
                    "id": "a",
                    "kind": "person",
                    "facts": {"term:2023-2028": {}, "phase:2026-2030": {}},
                    "registrations": [
                        {
                            "id": "m1",
                            "kind": "dan_van_kheo",
                            "field": "giáo dục",
                            "start": "2024-08-01",
                            "review": "2025-06-01",
                            "status": "effective",
                        },
                        {"id": "m2", "kind": "gia_dinh_hoc_tap", "start": "2024-01-15"},
                    ],
                    "votes": [
                        {
                            "award": "ndc",
                            "period": "term:2023-2028",
                            "votes_for": 9,
                            "council_size": 9,
                        },
                        {
                            "award": "cstdcs",
                            "period": "2024",
                            "votes_for": "7",
                            "votes_against": 2,
                            "absent_in_writing": None,
                            "council_size": "9",
                        },
                    ],
                }
            ],
        },
    ],
    ids=["full", "empty", "minimal", "nulls", "text-numbers", "registrations-votes-terms"],
)
def test_valid_documents_pass_both(
    validator: jsonschema.Draft202012Validator, document: Any
) -> None:
    assert errors(validator, document) == []
    assert reader_problems(document) == []


def person(**members: Any) -> dict[str, Any]:
    return {"format": FORMAT, "subjects": [{"id": "a", "kind": "person", **members}]}


STRUCTURAL = [
    # (document, words in the schema error, words in the reader's problem)
    (person(nickname="Lan"), "nickname", "unknown members ['nickname']"),
    (
        person(evidence=[{"id": "e", "kind": "k", "period": "2024", "note": "x"}]),
        "note",
        "unknown members ['note']",
    ),
    (person(awards=[{"award": "ldtt", "period": "2023", "by": "x"}]), "by", "unknown members"),
    (person(service=[{"start": "2020-01-01", "until": "x"}]), "until", "unknown members"),
    (person(discipline=[{"level": "warning", "start": "2020-01-01", "x": 1}]), "x", "unknown"),
    (
        {"format": FORMAT, "subjects": [{"id": "a", "kind": "unit"}]},
        "'unit' is not one of",
        "unknown value 'unit'",
    ),
    (person(gender="Female"), "'Female' is not one of", "unknown value 'Female'"),
    (
        person(evidence=[{"id": "e", "kind": "k", "period": "2024", "scope": "province"}]),
        "'province' is not one of",
        "unknown value 'province'",
    ),
    (
        person(discipline=[{"level": "Warning", "start": "2020-01-01"}]),
        "'Warning' is not one of",
        "unknown value 'Warning'",
    ),
    (
        {"format": "emulation.data.population/2", "subjects": []},
        "was expected",
        "expected 'emulation",
    ),
    ({"people": []}, "'subjects' is a required property", 'a "subjects" list'),
    (
        {"format": FORMAT, "subjects": [], "notes": "x"},
        "Additional properties are not allowed ('notes'",
        "unknown top-level members ['notes']",
    ),
    ({"subjects": []}, "'format' is a required property", "format: missing"),
    (
        {"format": FORMAT, "subjects": [{"id": "a"}]},
        "'kind' is a required property",
        "required value missing",
    ),
    (person(facts=[]), "is not of type 'object'", "expected an object of periods"),
    (person(facts={"2024": 5}), "is not of type 'object'", "expected an object of fact values"),
    (person(evidence={}), "is not of type 'array'", "expected a list"),
    (person(service=[{"start": "2024-02-30"}]), "is not a 'date'", "cannot read '2024-02-30'"),
    (person(hardship_area="maybe"), "is not valid under any", "cannot read 'maybe'"),
    (person(evidence=[{"id": "e", "kind": "k"}]), "'period' is a required", "required value"),
    (
        person(registrations=[{"id": "m", "kind": "k", "start": "2024-01-01", "status": "ok"}]),
        "'ok' is not one of",
        "unknown value 'ok'",
    ),
    (
        person(votes=[{"award": "x", "period": "2024", "votes_for": -1, "council_size": 9}]),
        "is not valid under any",
        "is negative",
    ),
    (
        person(votes=[{"award": "x", "period": "2024", "votes_for": 1, "council_size": 0}]),
        "is not valid under any",
        "cannot vote",
    ),
    (
        person(votes=[{"award": "x", "period": "2024", "council_size": 9}]),
        "'votes_for' is a required",
        "required value missing",
    ),
    (
        person(awards=[{"award": "ldtt", "period": "2023", "type": "cong_trang"}]),
        "'cong_trang' is not one of",
        "unknown value 'cong_trang'",
    ),
    (
        person(evidence=[{"id": "e", "kind": "k", "period": "2024", "share": 0}]),
        "is not valid under any",
        "a share of 0 is not in 0 < share ≤ 1",
    ),
    (
        person(evidence=[{"id": "e", "kind": "k", "period": "2024", "share": "1.5"}]),
        "is not valid under any",
        "a share of 1.5 is not in 0 < share ≤ 1",
    ),
]


@pytest.mark.parametrize(("document", "schema_says", "reader_says"), STRUCTURAL)
def test_invalid_documents_fail_both(
    validator: jsonschema.Draft202012Validator,
    document: Any,
    schema_says: str,
    reader_says: str,
) -> None:
    found = errors(validator, document)
    assert found, "the schema accepted it"
    assert any(schema_says in message for message in found), found
    problems = reader_problems(document)
    assert any(reader_says in problem for problem in problems), problems


def test_schema_enums_are_the_readers(validator: jsonschema.Draft202012Validator) -> None:
    definitions = validator.schema["$defs"]
    schema_enums = {
        ("subjects", "kind"): definitions["subject"]["properties"]["kind"]["enum"],
        ("subjects", "gender"): definitions["subject"]["properties"]["gender"]["enum"],
        ("evidence", "scope"): definitions["evidence"]["properties"]["scope"]["enum"],
        ("discipline", "level"): definitions["discipline"]["properties"]["level"]["enum"],
        ("registrations", "status"): definitions["registration"]["properties"]["status"]["enum"],
        ("awards", "type"): definitions["award"]["properties"]["type"]["enum"],
    }
    assert {key: [v for v in values if v is not None] for key, values in schema_enums.items()} == {
        key: list(values) for key, values in ENUMS.items()
    }


def test_schema_members_are_the_readers(validator: jsonschema.Draft202012Validator) -> None:
    from emulation.data.schema import SCHEMAS

    definitions = validator.schema["$defs"]
    subject = set(definitions["subject"]["properties"])
    assert subject == set(SCHEMAS["subjects"]) | {
        "facts",
        "evidence",
        "awards",
        "service",
        "discipline",
        "registrations",
        "votes",
    }
    for table, name in [
        ("evidence", "evidence"),
        ("awards", "award"),
        ("service", "service"),
        ("discipline", "discipline"),
        ("registrations", "registration"),
        ("votes", "vote"),
    ]:
        assert set(definitions[name]["properties"]) == set(SCHEMAS[table]) - {"subject"}, table


def test_schema_is_stricter_where_the_reader_would_misread(
    validator: jsonschema.Draft202012Validator,
) -> None:
    """Fact names that would overwrite the facts row's own columns, and period keys that no
    evaluation can ever match, are rejected by the schema (the reader lets them through)."""
    assert errors(validator, person(facts={"2024": {"period": "2023"}}))
    assert errors(validator, person(facts={"2024": {"subject": "b"}}))
    assert errors(validator, person(facts={"2024": {"name": "x"}}))
    assert errors(validator, person(facts={"2023/2024": {"rating": "HTT"}}))
    assert errors(validator, person(facts={"2024": {"rating": ["HTT"]}}))
