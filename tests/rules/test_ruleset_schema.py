"""The JSON Schema of ruleset format 1 agrees with the loader.

The schema is what an editor (Taplo, Even Better TOML) checks a ruleset against: it sees the
TOML document as JSON, with TOML dates (and date-times, times) as ISO text. So do these tests.

- every ruleset the project ships, and those of the docs, is valid;
- the keys of every table are exactly those the loader accepts (``rules/loader/_keys.py``), and
  each table refuses any other key, as the loader does;
- every case of the hostile-ruleset corpus whose expected problem is structural is refused by
  the schema too.
"""

from __future__ import annotations

import datetime as dt
import functools
import importlib.util
import json
import keyword
import sys
from collections.abc import Iterator
from importlib import resources
from pathlib import Path
from types import ModuleType
from typing import Any

import jsonschema
import pytest

from emulation.rules.loader import RESERVED_NAMES, SUBJECT_FACTS, _keys
from emulation.rules.model import AWARD_KINDS, BUDGET_POLICIES, FREQUENCIES, QUOTA_GROUPS, ROUNDINGS
from emulation.types import CERTAINTIES, VALUE_TYPES

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

ROOT = Path(__file__).resolve().parents[2]
CORPUS = ROOT / "tests" / "corpus"

#: The rulesets the project ships and those of the docs (case files are not rulesets).
RULESETS = sorted(
    path.relative_to(ROOT).as_posix()
    for pattern in ("rulesets/**/*.toml", "docs/**/*.toml")
    for path in ROOT.glob(pattern)
    if not path.name.endswith(".cases.toml") and path.name != "pyproject.toml"
)

#: Problem codes that are about the structure of the document alone: a key that is missing,
#: unknown or of the wrong TOML type, a format other than 1, a name or id too long or not
#: lower_snake_case, a fact named after a subject attribute, an enum value listed twice, a
#: recalled parameter not marked unconfirmed. The schema refuses every corpus case of these.
STRUCTURAL = {
    "unknown_key",
    "missing_key",
    "wrong_type",
    "unsupported_format",
    "too_long",
    "invalid_name",
    "reserved_name",
    "duplicate_value",
    "unconfirmed",
}

#: Corpus cases of a structural code that need more than the document's structure.
BEYOND_STRUCTURE = {
    # a TOML date and a quoted date are the same text once the document is JSON
    "a quoted date",
    # whether "threshold" names a bool parameter depends on the [parameters] table
    "a quota switched by a decimal parameter",
}

#: Each table of the format as the path to it in the schema's view of a document
#: (``*`` any name, ``[]`` any item), and the keys ``_keys.py`` says it accepts.
TABLES: dict[str, set[str]] = {
    "": _keys._TOP,
    "ruleset": _keys._META,
    "ruleset.title": {"vi", "en"},
    "ruleset.references[]": _keys._REFERENCE,
    "ruleset.references[].title": {"vi", "en"},
    "facts.*": _keys._FACT,
    "facts.*.label": {"vi", "en"},
    "parameters.*": _keys._PARAM,
    "parameters.*.label": {"vi", "en"},
    "parameters.*.values[]": {"from", "value"},
    "service.*": _keys._SERVICE,
    "service.*.label": {"vi", "en"},
    "awards.*": _keys._AWARD,
    "awards.*.label": {"vi", "en"},
    **{f"awards.*.{section}[]": _keys._RULE for section in ("criteria", "exclusions", "blocking")},
    **{
        f"awards.*.{section}[].label": {"vi", "en"}
        for section in ("criteria", "exclusions", "blocking")
    },
    "awards.*.paths[]": _keys._PATH,
    "awards.*.paths[].label": {"vi", "en"},
    "awards.*.paths[].criteria[]": _keys._RULE,
    "awards.*.paths[].criteria[].label": {"vi", "en"},
    "payout.*": _keys._PAYOUT,
    "payout.*.label": {"vi", "en"},
    "awards.*.quota": _keys._QUOTA,
    "awards.*.quota.label": {"vi", "en"},
    "awards.*.quota.rank[]": {"expr", "order"},
    "awards.*.budget": _keys._BUDGET,
    "awards.*.budget.label": {"vi", "en"},
    "awards.*.budget.rank[]": {"expr", "order"},
    "awards.*.bonus": _keys._BONUS,
    "awards.*.consumes": _keys._CONSUMES,
    "levels.*": _keys._LEVEL,
    "levels.*.label": {"vi", "en"},
    "kpis.*": _keys._KPI,
    "kpis.*.label": {"vi", "en"},
    "kpis.*.noun": {"vi", "en"},
    "standings.*": _keys._STANDINGS,
    "standings.*.label": {"vi", "en"},
    "standings.*.rank[]": {"expr", "order"},
    "scores.*": _keys._SHEET,
    "scores.*.label": {"vi", "en"},
    "scores.*.items[]": _keys._ITEM,
    "scores.*.groups[]": _keys._GROUP,
    "scores.*.bonus": _keys._ADJUST,
    "scores.*.deduction": _keys._ADJUST,
    "scores.*.floors[]": _keys._FLOOR,
    "scores.*.bands[]": _keys._BAND,
    "scores.*.knockouts[]": _keys._KNOCKOUT,
    "scores.*.caps[]": _keys._GRADECAP,
    **{
        f"scores.*.{part}.label": {"vi", "en"}
        for part in (
            "items[]",
            "groups[]",
            "bonus",
            "deduction",
            "floors[]",
            "bands[]",
            "knockouts[]",
            "caps[]",
        )
    },
}


@pytest.fixture(scope="module")
def schema() -> dict[str, Any]:
    text = resources.files("emulation").joinpath("schemas/ruleset.schema.json").read_text("utf-8")
    loaded: dict[str, Any] = json.loads(text)
    jsonschema.Draft202012Validator.check_schema(loaded)
    return loaded


@pytest.fixture(scope="module")
def validator(schema: dict[str, Any]) -> jsonschema.Draft202012Validator:
    return jsonschema.Draft202012Validator(
        schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
    )


def as_json(value: Any) -> Any:
    """A parsed TOML value as an editor's validator sees it: dates and times as ISO text."""
    if isinstance(value, dict):
        return {key: as_json(item) for key, item in value.items()}
    if isinstance(value, list):
        return [as_json(item) for item in value]
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    return value


def errors(validator: jsonschema.Draft202012Validator, document: Any) -> list[str]:
    return [
        f"{error.json_path}: {error.message}"[:300] for error in validator.iter_errors(document)
    ]


# -- (a) what the project ships is valid ----------------------------------------------------------


def test_every_bundled_and_documented_ruleset_is_found() -> None:
    assert "docs/reference/examples/every_key.toml" in RULESETS
    assert sum(name.startswith("rulesets/") for name in RULESETS) >= 4
    assert sum(name.startswith("docs/") for name in RULESETS) >= 3


@pytest.mark.parametrize("name", RULESETS)
def test_the_ruleset_is_valid(validator: jsonschema.Draft202012Validator, name: str) -> None:
    document = tomllib.loads((ROOT / name).read_text("utf-8"))
    assert errors(validator, as_json(document)) == []


# -- (b) the schema's tables and keys are the loader's --------------------------------------------


def resolve(schema: dict[str, Any], node: dict[str, Any]) -> dict[str, Any]:
    """``node`` with its ``$ref`` (to ``#/$defs/…``) merged in, recursively."""
    while "$ref" in node:
        target = schema["$defs"][node["$ref"].removeprefix("#/$defs/")]
        node = {**target, **{k: v for k, v in node.items() if k != "$ref"}}
    return node


def tables(
    schema: dict[str, Any], node: dict[str, Any], path: str = ""
) -> Iterator[tuple[str, dict[str, Any]]]:
    """Every ``(path, table schema)`` of the document the schema describes: an object with
    named ``properties``, reached through properties, any-name tables and array items."""
    node = resolve(schema, node)
    if "properties" in node:
        yield path, node
        for key, sub in node["properties"].items():
            yield from tables(schema, sub, f"{path}.{key}" if path else key)
    if isinstance(node.get("additionalProperties"), dict):
        yield from tables(schema, node["additionalProperties"], f"{path}.*")
    if isinstance(node.get("items"), dict):
        yield from tables(schema, node["items"], f"{path}[]")
    for choice in node.get("anyOf", ()):
        # a table that may also be written as an array of tables ([[awards.ID.quota]])
        choice = resolve(schema, choice)
        if "properties" in choice:
            yield from tables(schema, choice, path)
        elif choice.get("type") == "array" and isinstance(choice.get("items"), dict):
            yield from tables(schema, choice["items"], path)


def test_every_table_has_exactly_the_keys_the_loader_accepts(schema: dict[str, Any]) -> None:
    found = {path: set(node["properties"]) for path, node in tables(schema, schema)}
    assert found == TABLES


def test_every_table_refuses_keys_the_loader_does_not_accept(schema: dict[str, Any]) -> None:
    """``additionalProperties: false`` on each fixed table, as the loader reports unknown keys;
    the tables of names (facts, parameters, services, awards, weights) take any name."""
    for path, node in tables(schema, schema):
        assert node.get("additionalProperties") is False, path


def test_every_table_and_field_is_described(schema: dict[str, Any]) -> None:
    for path, node in tables(schema, schema):
        assert node.get("description") or path.endswith(".label"), path
        for key, sub in node["properties"].items():
            assert resolve(schema, sub).get("description"), f"{path}.{key}"


def test_the_schema_choices_are_the_loaders(schema: dict[str, Any]) -> None:
    definitions = schema["$defs"]
    assert definitions["certainty"]["enum"] == list(CERTAINTIES)
    assert definitions["fact"]["properties"]["type"]["enum"] == list(VALUE_TYPES)
    assert definitions["parameter"]["properties"]["type"]["enum"] == [
        kind for kind in VALUE_TYPES if kind != "enum"
    ]
    award = definitions["award"]["properties"]
    assert award["kind"]["enum"] == list(AWARD_KINDS)
    assert award["frequency"]["enum"] == list(FREQUENCIES)
    quota = definitions["quota"]["properties"]
    assert quota["per"]["enum"] == list(QUOTA_GROUPS)
    assert definitions["budget"]["properties"]["per"]["enum"] == list(QUOTA_GROUPS)
    assert definitions["budget"]["properties"]["policy"]["enum"] == list(BUDGET_POLICIES)
    assert quota["rounding"]["enum"] == list(ROUNDINGS)
    names = definitions["name"]["not"]["enum"]
    assert set(names) == {k for k in keyword.kwlist if k.islower()} | {"true", "false"}
    reserved = schema["properties"]["facts"]["propertyNames"]["not"]["enum"]
    assert set(reserved) == set(RESERVED_NAMES) | set(SUBJECT_FACTS)


@pytest.mark.parametrize(
    ("text", "valid"),
    [
        ("8.5", True),
        ("-0.000001", True),
        ("1_000", True),
        (" 7 ", True),
        ("1e3", True),
        ("5.", True),
        (".5", True),
        ("8.5000001", False),
        ("NaN", False),
        ("Infinity", False),
        ("", False),
        ("8,5", False),
    ],
)
def test_decimal_text(validator: jsonschema.Draft202012Validator, text: str, valid: bool) -> None:
    """Decimals as text take Python's ``Decimal`` syntax; NaN, infinities and more than 6 places
    without an exponent are refused."""
    decimal = {"$ref": "#/$defs/decimal", "$defs": validator.schema["$defs"]}
    assert jsonschema.Draft202012Validator(decimal).is_valid(text) is valid


# -- (c) the hostile-ruleset corpus ---------------------------------------------------------------


@functools.cache
def corpus_module() -> ModuleType:
    """The corpus test module (not a package), for its case builder."""
    spec = importlib.util.spec_from_file_location(
        "_ruleset_corpus", CORPUS / "test_ruleset_corpus.py"
    )
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


CASES: list[dict[str, Any]] = tomllib.loads(
    (CORPUS / "rulesets" / "corpus.toml").read_text("utf-8")
)["case"]
STRUCTURAL_CASES = [
    case
    for case in CASES
    if isinstance(case["expect"], dict)
    and case["expect"]["code"] in STRUCTURAL
    and case["name"] not in BEYOND_STRUCTURE
]


def test_the_structural_cases_are_known() -> None:
    names = {case["name"] for case in CASES}
    assert names >= BEYOND_STRUCTURE
    assert {case["expect"]["code"] for case in STRUCTURAL_CASES} == STRUCTURAL


@pytest.mark.parametrize("case", STRUCTURAL_CASES, ids=[c["name"] for c in STRUCTURAL_CASES])
def test_the_schema_refuses_a_structural_corpus_case(
    validator: jsonschema.Draft202012Validator, case: dict[str, Any], tmp_path: Path
) -> None:
    corpus_module().build_case(case, tmp_path)
    target = tmp_path / case["expect"].get("file", "r.toml")
    document = tomllib.loads(target.read_text("utf-8"))
    assert errors(validator, as_json(document)), f"{case['name']}: the schema accepted it"


def test_the_base_of_the_corpus_is_valid(validator: jsonschema.Draft202012Validator) -> None:
    document = tomllib.loads((CORPUS / "rulesets" / "minimal.toml").read_text("utf-8"))
    assert errors(validator, as_json(document)) == []
