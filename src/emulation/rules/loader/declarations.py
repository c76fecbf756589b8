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
from emulation.i18n import Message
from emulation.rules.loader._fields import (
    Collector,
    check_identifier,
    check_unknown_keys,
    read_choice,
    read_date,
    read_flag,
    read_label,
    read_text,
    read_value,
    shown,
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
        out.add(
            "ruleset.references",
            Message(
                "expected an array of tables [[ruleset.references]], got {items}",
                items=shown(items),
            ),
            code="wrong_type",
        )
        return ()
    result = []
    seen: set[str] = set()
    for index, item in enumerate(items):
        where = f"ruleset.references[{index}]"
        if not isinstance(item, dict):
            out.add(
                where, Message("expected a table, got {item}", item=shown(item)), code="wrong_type"
            )
            continue
        check_unknown_keys(out, where, item, _REFERENCE)
        ref_id = read_text(out, item, f"{where}.id")
        if ref_id in seen:
            out.add(
                f"{where}.id",
                Message("duplicate reference id {ref_id}", ref_id=shown(ref_id)),
                code="duplicate_id",
            )
        seen.add(ref_id or "")
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
            out.add(
                where, Message("expected a table, got {body}", body=shown(body)), code="wrong_type"
            )
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
                Message(
                    '"{name}" is a subject attribute or a record column every ruleset can read; choose another fact name',
                    name=name,
                ),
                code="reserved_name",
            )
            continue
        kind = read_choice(out, body, f"{where}.type", VALUE_TYPES)
        label = read_label(out, body, f"{where}.label")
        values: tuple[str, ...] = ()
        if kind == "enum":
            values = _enum_values(out, body, f"{where}.values")
        elif "values" in body:
            out.add(f"{where}.values", Message("only enum facts take values"), code="unknown_key")
        ordered = read_flag(out, body, f"{where}.ordered", False)
        better = (
            read_choice(out, body, f"{where}.better", ("higher", "lower"))
            if "better" in body
            else None
        )
        default = None
        if "default" in body and kind:
            default = read_value(out, f"{where}.default", body["default"], kind, values)
        bounds: dict[str, Decimal | None] = {}
        for bound in ("minimum", "maximum"):
            if bound in body:
                if kind not in ("int", "decimal"):
                    out.add(
                        f"{where}.{bound}",
                        Message("only number facts take bounds"),
                        code="unknown_key",
                    )
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
        if raw is None:
            out.add(
                f"{where}.weights",
                Message('missing weights = { full_time = "1", … }'),
                code="missing_key",
            )
        elif not isinstance(raw, dict) or not raw:
            out.add(
                f"{where}.weights",
                Message(
                    'expected {{ full_time = "1", part_time = "1.5", … }}, got {raw}',
                    raw=shown(raw),
                ),
                code="wrong_type" if not isinstance(raw, dict) else "invalid_value",
            )
        else:
            for kind, value in sorted(raw.items()):
                weight = read_value(out, f"{where}.weights.{kind}", value, "decimal", ())
                if isinstance(weight, Decimal):
                    weights.append((kind, weight))
        exclude = read_flag(out, body, f"{where}.exclude_discipline", True)
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
            out.add(
                f"{where}.type",
                Message("parameters are bool, int, decimal or text"),
                code="invalid_value",
            )
            kind = None
        label = read_label(out, body, f"{where}.label")
        basis = read_text(out, body, f"{where}.basis")
        certainty = read_choice(out, body, f"{where}.certainty", CERTAINTIES)
        confirmed = read_flag(out, body, f"{where}.confirmed", True)
        if certainty in ("R", "U") and confirmed and isinstance(body.get("confirmed", True), bool):
            out.add(
                f"{where}.confirmed",
                Message(
                    "certainty {certainty} is not confirmed: set confirmed = false so users know to check it",
                    certainty=certainty,
                ),
                code="unconfirmed",
            )
        entries = body.get("values")
        dated: list[tuple[dt.date, ParameterValue]] = []
        if entries == [] and not confirmed:
            pass  # an unknown threshold with no defensible default: the user must set it
        elif not isinstance(entries, list) or not entries:
            out.add(
                f"{where}.values",
                Message("expected values = [{ from = YYYY-MM-DD, value = … }, …]")
                if entries is None
                else Message(
                    "expected values = [{{ from = YYYY-MM-DD, value = … }}, …], got {entries}",
                    entries=shown(entries),
                ),
                code="missing_key"
                if entries is None
                else "wrong_type"
                if not isinstance(entries, list)
                else "invalid_value",
            )
        else:
            for index, entry in enumerate(entries):
                at = f"{where}.values[{index}]"
                if not isinstance(entry, dict):
                    out.add(
                        at,
                        Message(
                            "expected {{ from = YYYY-MM-DD, value = … }}, got {entry}",
                            entry=shown(entry),
                        ),
                        code="wrong_type",
                    )
                    continue
                check_unknown_keys(out, at, entry, {"from", "value"})
                start = read_date(out, entry, f"{at}.from")
                if "value" not in entry:
                    out.add(f"{at}.value", Message("required value is missing"), code="missing_key")
                if start is None or "value" not in entry or set(entry) != {"from", "value"}:
                    continue
                if kind:
                    value = read_value(out, f"{at}.value", entry["value"], kind, ())
                    if value is not None:
                        dated.append((start, value))
            starts = [start for start, _ in dated]
            if starts != sorted(starts) or len(set(starts)) != len(starts):
                out.add(
                    f"{where}.values",
                    Message("start dates must be distinct and in increasing order"),
                    code="invalid_value",
                )
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


def _enum_values(out: Collector, body: Mapping[str, Any], path: str) -> tuple[str, ...]:
    """The ``values`` of an enum fact: distinct texts, worst first when ordered."""
    raw = body.get("values")
    if raw is None or raw == []:
        out.add(
            path,
            Message('an enum fact needs values = ["…", …] (worst first when ordered)'),
            code="missing_key",
        )
        return ()
    if not isinstance(raw, list):
        out.add(
            path,
            Message('expected values = ["…", …], got {raw}', raw=shown(raw)),
            code="wrong_type",
        )
        return ()
    texts: dict[str, None] = {}
    good = True
    for index, value in enumerate(raw):
        at = f"{path}[{index}]"
        text = read_text(out, {at.rsplit(".", 1)[-1]: value}, at)
        if text is None or text in texts:
            if text is not None:
                out.add(
                    at, Message("{text} is listed twice", text=shown(text)), code="duplicate_value"
                )
            good = False
            continue
        texts[text] = None
    return tuple(texts) if good else ()
