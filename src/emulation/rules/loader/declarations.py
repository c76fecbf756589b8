"""What a ruleset declares before its awards: legal references, facts, parameters and the
ways it counts length of service.

Also the names every expression may read without declaring them (:data:`SUBJECT_FACTS`) and
the record columns no fact may be named after (:data:`RESERVED_NAMES`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping
from decimal import Decimal
from typing import Any

from emulation.data.schema import RESERVED_FACT_NAMES
from emulation.rules.loader._fields import (
    Collector,
    check_identifier,
    check_unknown_keys,
    read_choice,
    read_label,
    read_text,
    read_value,
)
from emulation.rules.loader._keys import _FACT, _PARAM, _REFERENCE, _SERVICE
from emulation.rules.model import (
    FactDecl,
    Label,
    LegalReference,
    Parameter,
    ParameterValue,
    ServiceRule,
)
from emulation.types import CERTAINTIES, VALUE_TYPES, FactName

#: Subject attributes every expression may read, as if they were declared facts.
SUBJECT_FACTS: dict[str, FactDecl] = {
    "gender": FactDecl(
        name=FactName("gender"),
        type="enum",
        values=("female", "male"),
        label=Label(vi="Giới tính", en="Gender"),
    ),
    "birth_year": FactDecl(
        name=FactName("birth_year"), type="int", label=Label(vi="Năm sinh", en="Birth year")
    ),
    "staff_category": FactDecl(
        name=FactName("staff_category"),
        type="text",
        label=Label(vi="Ngạch, loại cán bộ", en="Staff category"),
    ),
    "hardship_area": FactDecl(
        name=FactName("hardship_area"),
        type="bool",
        label=Label(
            vi="Công tác ở vùng đặc biệt khó khăn", en="Works in an especially difficult area"
        ),
        default=False,
    ),
    "cluster": FactDecl(
        name=FactName("cluster"), type="text", label=Label(vi="Cụm, khối thi đua", en="Cluster")
    ),
}

#: Column names of the input records a fact may not take.
RESERVED_NAMES = RESERVED_FACT_NAMES


def read_references(out: Collector, meta: Mapping[str, Any]) -> tuple[LegalReference, ...]:
    """The ``[[ruleset.references]]``: the legal documents the ruleset relies on."""
    items = meta.get("references", [])
    if not isinstance(items, list):
        out.add("ruleset.references", "expected an array of tables [[ruleset.references]]")
        return ()
    result = []
    for index, item in enumerate(items):
        where = f"ruleset.references[{index}]"
        if not isinstance(item, dict):
            out.add(where, "expected a table")
            continue
        check_unknown_keys(out, where, item, _REFERENCE)
        ref_id = read_text(out, item, f"{where}.id")
        document = read_text(out, item, f"{where}.document")
        title = read_label(out, item, f"{where}.title", required=False)
        url = read_text(out, item, f"{where}.url", required=False)
        if ref_id and document:
            result.append(LegalReference(id=ref_id, document=document, title=title, url=url))
    return tuple(result)


def _named_tables(
    out: Collector, table: Mapping[str, Any], section: str, keys: set[str]
) -> Iterator[tuple[str, str, dict[str, Any]]]:
    """``(name, TOML path, body)`` of each well-named sub-table of ``[section.NAME]``; bad
    names, non-tables and unknown keys are reported on the way."""
    for name, body in table.items():
        where = f"{section}.{name}"
        if not check_identifier(out, where, name):
            continue
        if not isinstance(body, dict):
            out.add(where, "expected a table")
            continue
        check_unknown_keys(out, where, body, keys)
        yield name, where, body


def read_facts(out: Collector, table: Mapping[str, Any]) -> dict[str, FactDecl]:
    """The ``[facts.NAME]`` tables: each fact's type, label, values, default and bounds."""
    facts: dict[str, FactDecl] = {}
    for name, where, body in _named_tables(out, table, "facts", _FACT):
        if name in SUBJECT_FACTS or name in RESERVED_NAMES:
            out.add(
                where,
                f'"{name}" is a subject attribute or a record column every ruleset can read; '
                "choose another fact name",
            )
            continue
        kind = read_choice(out, body, f"{where}.type", VALUE_TYPES)
        label = read_label(out, body, f"{where}.label")
        values: tuple[str, ...] = ()
        if kind == "enum":
            raw_values = body.get("values")
            if (
                not isinstance(raw_values, list)
                or not raw_values
                or not all(isinstance(v, str) for v in raw_values)
            ):
                out.add(
                    f"{where}.values",
                    'an enum fact needs values = ["…", …] (worst first when ordered)',
                )
            elif len(set(raw_values)) != len(raw_values):
                out.add(f"{where}.values", "values must be distinct")
            else:
                values = tuple(raw_values)
        elif "values" in body:
            out.add(f"{where}.values", "only enum facts take values")
        ordered = body.get("ordered", False)
        if not isinstance(ordered, bool):
            out.add(f"{where}.ordered", "expected true or false")
            ordered = False
        better = body.get("better")
        if better not in (None, "higher", "lower"):
            out.add(f"{where}.better", 'expected "higher" or "lower"')
            better = None
        default = None
        if "default" in body and kind:
            default = read_value(out, f"{where}.default", body["default"], kind, values)
        bounds: dict[str, Decimal | None] = {}
        for bound in ("minimum", "maximum"):
            if bound in body:
                if kind not in ("int", "decimal"):
                    out.add(f"{where}.{bound}", "only number facts take bounds")
                else:
                    number = read_value(out, f"{where}.{bound}", body[bound], "decimal", ())
                    bounds[bound] = number if isinstance(number, Decimal) else None
        unit = read_text(out, body, f"{where}.unit", required=False)
        if kind and label:
            facts[name] = FactDecl(
                name=FactName(name),
                type=kind,
                label=label,
                values=values,
                ordered=ordered,
                unit=unit,
                default=default,
                minimum=bounds.get("minimum"),
                maximum=bounds.get("maximum"),
                better=better,
            )
    return facts


def read_services(out: Collector, table: Mapping[str, Any]) -> dict[str, ServiceRule]:
    """The ``[service.NAME]`` tables: how a length of service is counted."""
    services: dict[str, ServiceRule] = {}
    for name, where, body in _named_tables(out, table, "service", _SERVICE):
        label = read_label(out, body, f"{where}.label")
        raw = body.get("weights")
        weights: list[tuple[str, Decimal]] = []
        if not isinstance(raw, dict) or not raw:
            out.add(f"{where}.weights", 'expected { full_time = "1", part_time = "1.5", … }')
        else:
            for kind, value in sorted(raw.items()):
                weight = read_value(out, f"{where}.weights.{kind}", value, "decimal", ())
                if isinstance(weight, Decimal):
                    weights.append((kind, weight))
        exclude = body.get("exclude_discipline", True)
        if not isinstance(exclude, bool):
            out.add(f"{where}.exclude_discipline", "expected true or false")
            exclude = True
        basis = read_text(out, body, f"{where}.basis")
        certainty = read_choice(out, body, f"{where}.certainty", CERTAINTIES)
        if label and basis and certainty:
            services[name] = ServiceRule(
                name=name,
                label=label,
                weights=tuple(weights),
                exclude_discipline=exclude,
                basis=basis,
                certainty=certainty,
            )
    return services


def read_parameters(out: Collector, table: Mapping[str, Any]) -> dict[str, Parameter]:
    """The ``[parameters.NAME]`` tables: each parameter's type and dated values."""
    parameters: dict[str, Parameter] = {}
    for name, where, body in _named_tables(out, table, "parameters", _PARAM):
        kind = read_choice(out, body, f"{where}.type", VALUE_TYPES)
        if kind == "enum":
            out.add(f"{where}.type", "parameters are bool, int, decimal or text")
            kind = None
        label = read_label(out, body, f"{where}.label")
        basis = read_text(out, body, f"{where}.basis")
        certainty = read_choice(out, body, f"{where}.certainty", CERTAINTIES)
        confirmed = body.get("confirmed", True)
        if not isinstance(confirmed, bool):
            out.add(f"{where}.confirmed", "expected true or false")
            confirmed = True
        if certainty in ("R", "U") and confirmed:
            out.add(
                f"{where}.confirmed",
                f"certainty {certainty} is not confirmed: set confirmed = false so users know to check it",
            )
        entries = body.get("values")
        dated: list[tuple[dt.date, ParameterValue]] = []
        if not isinstance(entries, list) or not entries:
            out.add(f"{where}.values", "expected values = [{ from = YYYY-MM-DD, value = … }, …]")
        else:
            for index, entry in enumerate(entries):
                at = f"{where}.values[{index}]"
                if not isinstance(entry, dict) or set(entry) != {"from", "value"}:
                    out.add(at, "expected { from = YYYY-MM-DD, value = … }")
                    continue
                start = entry["from"]
                if not isinstance(start, dt.date) or isinstance(start, dt.datetime):
                    out.add(f"{at}.from", "expected a date, e.g. 2024-01-01")
                    continue
                if kind:
                    value = read_value(out, f"{at}.value", entry["value"], kind, ())
                    if value is not None:
                        dated.append((start, value))
            starts = [start for start, _ in dated]
            if starts != sorted(starts) or len(set(starts)) != len(starts):
                out.add(f"{where}.values", "start dates must be distinct and in increasing order")
        if kind and label and basis and certainty:
            parameters[name] = Parameter(
                name=name,
                type=kind,
                label=label,
                values=tuple(dated),
                basis=basis,
                certainty=certainty,
                confirmed=confirmed,
                unit=read_text(out, body, f"{where}.unit", required=False),
            )
    return parameters
