"""The OpenAPI 3.1 document: kept in the repository as the builder writes it, valid OpenAPI,
served as kept, and its request schemas those the service validates with."""

from __future__ import annotations

import json

import pytest
from jsonschema.exceptions import ValidationError
from openapi_spec_validator import validate

from emulation.service.spec import OPENAPI_FILE, SCHEMA_DIR, build_openapi, openapi_text, validator


def test_the_kept_file_is_what_the_builder_writes() -> None:
    assert OPENAPI_FILE.read_text(encoding="utf-8") == openapi_text(), (
        "src/emulation/schemas/openapi.json is stale: run python -m emulation.service.spec"
    )


def test_the_document_is_valid_openapi_3_1() -> None:
    document = json.loads(OPENAPI_FILE.read_text(encoding="utf-8"))
    assert document["openapi"].startswith("3.1")
    validate(document)


def test_the_population_schema_is_the_one_the_package_ships() -> None:
    population = json.loads((SCHEMA_DIR / "population.schema.json").read_text(encoding="utf-8"))
    schemas = build_openapi()["components"]["schemas"]
    assert set(population["$defs"]) == {
        name.removeprefix("Population_") for name in schemas if name.startswith("Population_")
    }
    assert schemas["Population"]["required"] == population["required"]


def test_every_operation_names_its_problems_and_health_is_open() -> None:
    paths = build_openapi()["paths"]
    assert paths["/v1/health"]["get"]["security"] == []
    for path, operations in paths.items():
        for operation in operations.values():
            if path != "/v1/health":
                assert "401" in operation["responses"], path


@pytest.mark.parametrize(
    ("component", "document"),
    [
        ("EvaluateRequest", {"period": "2024"}),
        ("EvaluateRequest", {"period": "2024", "population": {"subjects": []}}),
        (
            "EvaluateRequest",
            {
                "period": "2024",
                "awards": [],
                "population": {"format": "emulation.population/1", "subjects": []},
            },
        ),
        (
            "ExplainRequest",
            {
                "period": "2024",
                "award": "x",
                "population": {"format": "emulation.population/1", "subjects": []},
            },
        ),
        (
            "EvaluateRequest",
            {
                "period": "2024",
                "as_of": "2024-02-30",
                "population": {"format": "emulation.population/1", "subjects": []},
            },
        ),
    ],
)
def test_the_request_schemas_refuse_what_they_should(component: str, document: object) -> None:
    with pytest.raises(ValidationError):
        validator(component).validate(document)
