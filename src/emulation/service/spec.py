"""The OpenAPI 3.1 description of the service, and the validators of its request bodies.

The document is built here from the population's own JSON Schema
(``emulation/schemas/population.schema.json``, its ``$defs`` moved under
``components/schemas`` as ``Population_<name>``) and the service's schemas
(:mod:`emulation.service.schemas`), and kept in the repository as
``emulation/schemas/openapi.json``, which the service serves and validates requests against.
After changing a schema, write the file again::

    python -m emulation.service.spec

(``tests/service/test_openapi.py`` fails while the file and this builder disagree.)
"""

from __future__ import annotations

import functools
import json
import sys
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator, FormatChecker
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from emulation.service.schemas import API_VERSION, PATHS, SCHEMAS

#: The folder of the JSON Schemas the package ships.
SCHEMA_DIR = Path(__file__).resolve().parent.parent / "schemas"
#: The OpenAPI document the service serves.
OPENAPI_FILE = SCHEMA_DIR / "openapi.json"
#: The URI the document is registered under to resolve the ``$ref`` of request schemas.
_BASE = "urn:emulation:openapi"


def build_openapi() -> dict[str, Any]:
    """The OpenAPI 3.1 document, from the population schema and the service's schemas."""
    population = json.loads((SCHEMA_DIR / "population.schema.json").read_text(encoding="utf-8"))
    schemas: dict[str, Any] = {}
    for name, schema in population.pop("$defs").items():
        schemas[f"Population_{name}"] = _moved(schema)
    body = {key: value for key, value in population.items() if key != "$schema"}
    schemas["Population"] = _moved(body)
    schemas.update(SCHEMAS)
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "emulation",
            "version": API_VERSION,
            "summary": "Vietnamese emulation and commendation rules (thi đua – khen thưởng) as a service",
            "description": "Evaluate a population, explain a decision, list the rules in force "
            "with their legal basis and certainty, check a ruleset. Every endpoint but "
            "/v1/health asks for the bearer token when the service was started with one. "
            "Errors are RFC 9457 problem details. See docs/how-to/run-the-service.md.",
            "license": {"name": "MIT", "identifier": "MIT"},
        },
        "jsonSchemaDialect": "https://spec.openapis.org/oas/3.1/dialect/base",
        "servers": [{"url": "http://127.0.0.1:8000"}],
        "paths": PATHS,
        "components": {
            "schemas": dict(sorted(schemas.items())),
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
        },
        "security": [{"bearer": []}],
    }


def _moved(schema: Any) -> Any:
    """``schema`` with its references to ``#/$defs/NAME`` pointing at the components."""
    if isinstance(schema, dict):
        return {
            key: (
                value.replace("#/$defs/", "#/components/schemas/Population_")
                if key == "$ref" and isinstance(value, str)
                else _moved(value)
            )
            for key, value in schema.items()
        }
    if isinstance(schema, list):
        return [_moved(item) for item in schema]
    return schema


def openapi_text() -> str:
    """The OpenAPI document as the repository keeps it: sorted keys, two spaces, UTF-8."""
    return json.dumps(build_openapi(), ensure_ascii=False, indent=2) + "\n"


@functools.lru_cache(maxsize=1)
def served_document() -> bytes:
    """The bytes of the kept OpenAPI file, which the service sends as they are."""
    return OPENAPI_FILE.read_bytes()


@functools.cache
def validator(component: str) -> Draft202012Validator:
    """A validator of the schema ``component`` of the kept OpenAPI file (dates checked)."""
    document = json.loads(served_document())
    resource = Resource.from_contents(document, default_specification=DRAFT202012)
    registry: Registry[Any] = Registry().with_resource(_BASE, resource)
    schema = {"$ref": f"{_BASE}#/components/schemas/{component}"}
    return Draft202012Validator(schema, registry=registry, format_checker=FormatChecker())


if __name__ == "__main__":  # pragma: no cover - the maintainers' command
    OPENAPI_FILE.write_text(openapi_text(), encoding="utf-8")
    print(f"wrote {OPENAPI_FILE}", file=sys.stderr)
