"""The service's own schemas and paths, as the OpenAPI document writes them
(:mod:`emulation.service.spec` adds the population's schema and writes the file)."""

from __future__ import annotations

from typing import Any

from emulation.types import CERTAINTIES, OUTCOMES

#: The version of the API (the ``/v1`` prefix), not of the package.
API_VERSION = "1.0.0"

_TEXT = {"type": "string"}
_TEXTS = {"type": "array", "items": _TEXT}
_LANG = {
    "enum": ["vi", "en"],
    "default": "vi",
    "description": "Language of labels and reasons.",
}
_DATE = {"type": "string", "format": "date"}
_NULLABLE_TEXT = {"type": ["string", "null"]}
_CERTAINTY = {
    "enum": list(CERTAINTIES),
    "description": "How sure the source is: C confirmed, C* confirmed with a reading, "
    "R reasoned, U unconfirmed.",
}


def _object(required: list[str], properties: dict[str, Any], *, closed: bool = True) -> Any:
    schema: dict[str, Any] = {"type": "object", "required": required, "properties": properties}
    if closed:
        schema["additionalProperties"] = False
    return schema


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


_REQUEST = {
    "period": {
        "type": "string",
        "description": "2024 (calendar year), 2023-2024 (school year), term:2023-2028 or "
        "phase:2026-2030.",
    },
    "as_of": {**_DATE, "description": "The round's cut-off within the period."},
    "decision_date": {**_DATE, "description": "The day the awards are decided (bonus money)."},
    "parameters": {
        "type": "object",
        "description": "Ruleset parameters overridden for this request, by name, as "
        "`--set NAME=VALUE` does.",
        "additionalProperties": {"type": ["string", "number", "boolean"]},
    },
    "lang": _LANG,
    "population": _ref("Population"),
}

_DECISION = _object(
    ["subject", "award", "period", "outcome", "criteria", "reasons", "ruleset"],
    {
        "subject": _TEXT,
        "award": _TEXT,
        "period": _TEXT,
        "outcome": {"enum": list(OUTCOMES)},
        "criteria": {"type": "array", "items": {"type": "object"}},
        "reasons": {"type": "array", "items": {"type": "object"}},
        "ruleset": _object(["id", "version"], {}, closed=False),
    },
    closed=False,
)

_LISTED = {
    "basis": {"type": "string", "description": "The legal basis."},
    "certainty": _CERTAINTY,
    "ruleset": _TEXT,
    "version": _TEXT,
}

#: The schemas under ``components/schemas``, by name.
SCHEMAS: dict[str, Any] = {
    "EvaluateRequest": _object(
        ["period", "population"],
        {
            **_REQUEST,
            "awards": {
                "type": "array",
                "items": _TEXT,
                "minItems": 1,
                "description": "Only these awards (default: every award in force).",
            },
        },
    ),
    "ExplainRequest": _object(
        ["period", "population", "subject", "award"],
        {**_REQUEST, "subject": _TEXT, "award": _TEXT},
    ),
    "Evaluation": {
        **_object(
            ["period", "engine_version", "lang", "decisions", "set_aside"],
            {
                "period": _TEXT,
                "engine_version": _TEXT,
                "lang": _LANG,
                "decisions": {"type": "array", "items": _ref("Decision")},
                "set_aside": {"type": "array", "items": {"type": "object"}},
                "as_of": _DATE,
                "decision_date": _DATE,
            },
            closed=False,
        ),
        "description": "The document `emulation evaluate --format json` writes, byte for "
        "byte (docs/reference/file-formats.md).",
    },
    "Decision": _DECISION,
    "Explanation": _object(
        ["decision", "text"],
        {
            "decision": _ref("Decision"),
            "text": {"type": "string", "description": "As `emulation explain` writes it."},
        },
    ),
    "Rulesets": {
        **_object(["plugins", "rulesets"], {"plugins": _TEXTS, "rulesets": {"type": "array"}}),
        "description": "The document `emulation list --format json` writes.",
    },
    "Awards": _object(
        ["awards"],
        {
            "awards": {
                "type": "array",
                "items": _object(
                    ["id", "kind", "subject", "label", "ruleset", "version", "rules"],
                    {
                        "id": _TEXT,
                        "kind": _TEXT,
                        "subject": _TEXT,
                        "label": _TEXT,
                        "ruleset": _TEXT,
                        "version": _TEXT,
                        "rules": {
                            "type": "array",
                            "items": _object(
                                ["id", "role", "label", "basis", "certainty"],
                                {
                                    "id": _TEXT,
                                    "role": _TEXT,
                                    "label": _TEXT,
                                    "basis": _TEXT,
                                    "certainty": _CERTAINTY,
                                    "path": _TEXT,
                                },
                            ),
                        },
                    },
                ),
            }
        },
    ),
    "Facts": _object(
        ["facts"],
        {
            "facts": {
                "type": "array",
                "items": _object(
                    ["name", "type", "label", "values", "unit", "ruleset", "version"],
                    {
                        "name": _TEXT,
                        "type": _TEXT,
                        "label": _TEXT,
                        "values": _TEXTS,
                        "unit": _NULLABLE_TEXT,
                        "ruleset": _TEXT,
                        "version": _TEXT,
                    },
                ),
            }
        },
    ),
    "Parameters": _object(
        ["parameters"],
        {
            "parameters": {
                "type": "array",
                "items": _object(
                    ["id", "label", "values", "basis", "certainty", "confirmed", "ruleset"],
                    {
                        "id": _TEXT,
                        "label": _TEXT,
                        "values": {
                            "type": "array",
                            "items": _object(["from", "value"], {"from": _DATE, "value": _TEXT}),
                        },
                        "confirmed": {"type": "boolean"},
                        "unit": _NULLABLE_TEXT,
                        **_LISTED,
                    },
                ),
            }
        },
    ),
    "CheckResult": _object(
        ["ok", "problems"],
        {
            "ok": {"type": "boolean"},
            "ruleset": _object(
                ["id", "version", "organisation", "awards", "rules"],
                {
                    "id": _TEXT,
                    "version": _TEXT,
                    "organisation": _TEXT,
                    "awards": {"type": "integer"},
                    "rules": {"type": "integer"},
                },
            ),
            "problems": {"type": "array", "items": _ref("RulesetProblem")},
        },
    ),
    "RulesetProblem": _object(
        ["path", "code", "detail"],
        {
            "path": {
                "type": "string",
                "description": "The TOML path, e.g. awards.x.criteria[0].expr.",
            },
            "line": {"type": ["integer", "null"]},
            "column": {"type": ["integer", "null"]},
            "code": {"type": "string", "description": "See docs/reference/ruleset-format.md."},
            "detail": _TEXT,
        },
    ),
    "Health": _object(["status"], {"status": {"const": "ok"}}),
    "Problem": {
        **_object(
            ["type", "title", "status"],
            {
                "type": {"type": "string", "format": "uri-reference"},
                "title": _TEXT,
                "status": {"type": "integer"},
                "detail": _TEXT,
                "errors": {"type": "array", "items": _ref("ProblemError")},
            },
            closed=False,
        ),
        "description": "RFC 9457 problem details.",
    },
    "ProblemError": _object(
        ["detail"],
        {
            "pointer": {
                "type": "string",
                "description": "JSON pointer (RFC 6901) into the request body.",
            },
            "parameter": {"type": "string", "description": "The query parameter at fault."},
            "code": _TEXT,
            "detail": _TEXT,
            "location": _TEXT,
            "line": {"type": "integer"},
            "column": {"type": "integer"},
        },
    ),
}


def _json(schema: str, description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": _ref(schema)}}}


def _problems(*statuses: int) -> dict[str, Any]:
    problem = {"content": {"application/problem+json": {"schema": _ref("Problem")}}}
    words = {
        400: "Malformed JSON or query",
        401: "Missing or wrong bearer token",
        408: "The body did not arrive in time",
        413: "Body or population too large",
        415: "Unsupported media type",
        422: "The request does not follow its schema, or the engine refuses it",
        503: "Too long to evaluate, or too busy",
    }
    return {str(status): {"description": words[status], **problem} for status in statuses}


_BODY_ERRORS = _problems(400, 401, 408, 413, 415, 422, 503)
_LANG_QUERY = {"name": "lang", "in": "query", "schema": _LANG}
_PERIOD_QUERY = {
    "name": "period",
    "in": "query",
    "description": "Only the rulesets in force in this period (default: every version).",
    "schema": _TEXT,
}


def _listing(schema: str, summary: str) -> dict[str, Any]:
    return {
        "get": {
            "summary": summary,
            "operationId": f"list{schema}",
            "parameters": [_LANG_QUERY, _PERIOD_QUERY],
            "responses": {"200": _json(schema, summary), **_problems(400, 401)},
        }
    }


#: The ``paths`` of the OpenAPI document.
PATHS: dict[str, Any] = {
    "/v1/health": {
        "get": {
            "summary": "Whether the service answers (no token needed)",
            "operationId": "health",
            "security": [],
            "responses": {"200": _json("Health", "The service is up")},
        }
    },
    "/v1/openapi.json": {
        "get": {
            "summary": "This document",
            "operationId": "openapi",
            "responses": {
                "200": {"description": "The OpenAPI document", "content": {"application/json": {}}},
                **_problems(401),
            },
        }
    },
    "/v1/evaluate": {
        "post": {
            "summary": "Decide awards for a population and a period",
            "operationId": "evaluate",
            "requestBody": {
                "required": True,
                "content": {"application/json": {"schema": _ref("EvaluateRequest")}},
            },
            "responses": {"200": _json("Evaluation", "The decisions"), **_BODY_ERRORS},
        }
    },
    "/v1/explain": {
        "post": {
            "summary": "Explain one decision in full",
            "operationId": "explain",
            "requestBody": {
                "required": True,
                "content": {"application/json": {"schema": _ref("ExplainRequest")}},
            },
            "responses": {"200": _json("Explanation", "The decision explained"), **_BODY_ERRORS},
        }
    },
    "/v1/rulesets": _listing("Rulesets", "Rulesets with their awards, rules and parameters"),
    "/v1/awards": _listing("Awards", "Awards with their rules' legal basis and certainty"),
    "/v1/facts": _listing("Facts", "Facts the rulesets declare"),
    "/v1/parameters": _listing("Parameters", "Parameters with their basis and certainty"),
    "/v1/check": {
        "post": {
            "summary": "Check a ruleset (TOML text)",
            "operationId": "check",
            "requestBody": {
                "required": True,
                "content": {"application/toml": {"schema": {"type": "string"}}},
            },
            "responses": {
                "200": _json("CheckResult", "The ruleset loads (ok) or its problems"),
                **_problems(401, 408, 413, 415, 503),
            },
        }
    },
}
