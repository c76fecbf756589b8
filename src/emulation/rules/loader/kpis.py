"""The organisation tree's levels (``[levels.<name>]``) and the KPIs measured over it
(``[kpis.<id>]``): who is counted, the numerator's and denominator's conditions (checked
expressions), the levels at which each KPI is evaluated, its target parameter and the fact
by which a node may set its own target."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from emulation.errors import suggest
from emulation.i18n import Message
from emulation.lang.scope import Scope
from emulation.rules.kpis import COMPARISONS, KPI_SCOPES, Condition, Kpi, Level
from emulation.rules.loader._fields import (
    Collector,
    check_identifier,
    check_unknown_keys,
    read_choice,
    read_expression,
    read_label,
    read_text,
    shown,
)
from emulation.rules.loader._keys import _KPI, _LEVEL
from emulation.rules.model import Parameter
from emulation.types import CERTAINTIES, AwardId


def read_levels(out: Collector, table: Mapping[str, Any]) -> dict[str, Level]:
    """The ``[levels.<name>]`` tables: each level of the organisation tree and its label."""
    levels: dict[str, Level] = {}
    for name, body in table.items():
        where = f"levels.{name}"
        if not check_identifier(out, where, name):
            continue
        if not isinstance(body, dict):
            out.add(
                where,
                Message(
                    'expected {{ label = {{ vi = "…", en = "…" }} }}, got {body}', body=shown(body)
                ),
                code="wrong_type",
            )
            continue
        check_unknown_keys(out, where, body, _LEVEL)
        label = read_label(out, body, f"{where}.label")
        if label is not None:
            levels[name] = Level(name=name, label=label)
    return levels


def read_kpis(
    out: Collector,
    table: Mapping[str, Any],
    scope: Scope,
    levels: Mapping[str, Level],
    parameters: Mapping[str, Parameter],
) -> dict[str, Kpi]:
    """The ``[kpis.<id>]`` tables (a KPI that cannot be built is left out, its problems
    reported)."""
    kpis: dict[str, Kpi] = {}
    for kpi_id, body in table.items():
        kpi = _read_kpi(out, kpi_id, body, scope, levels, parameters)
        if kpi is not None:
            kpis[kpi_id] = kpi
    return kpis


def _read_kpi(
    out: Collector,
    kpi_id: str,
    body: Any,
    scope: Scope,
    levels: Mapping[str, Level],
    parameters: Mapping[str, Parameter],
) -> Kpi | None:
    where = f"kpis.{kpi_id}"
    if not check_identifier(out, where, kpi_id):
        return None
    if not isinstance(body, dict):
        out.add(where, Message("expected a table, got {body}", body=shown(body)), code="wrong_type")
        return None
    check_unknown_keys(out, where, body, _KPI)
    label = read_label(out, body, f"{where}.label")
    basis = read_text(out, body, f"{where}.basis")
    certainty = read_choice(out, body, f"{where}.certainty", CERTAINTIES)
    subject = read_choice(out, body, f"{where}.subject", ("person", "collective"))
    subject_level = None
    if "subject_level" in body:
        subject_level = _level(out, body, f"{where}.subject_level", levels)
        if subject == "person":
            out.add(
                f"{where}.subject_level",
                Message(
                    'only collectives have a level: remove subject_level or count subject = "collective"'
                ),
                code="invalid_value",
            )
    numerator = _condition(out, body, f"{where}.numerator", scope, required=True)
    denominator = _condition(out, body, f"{where}.denominator", scope, required=False)
    at_levels = _at_levels(out, body, f"{where}.at_levels", levels)
    kpi_scope = read_choice(out, body, f"{where}.scope", KPI_SCOPES, default="subtree")
    target = read_text(out, body, f"{where}.target")
    if target is not None:
        _check_target(out, f"{where}.target", target, parameters)
    override = read_text(out, body, f"{where}.override", required=False)
    if override is not None:
        _check_override(out, f"{where}.override", override, scope)
    comparison = read_choice(out, body, f"{where}.comparison", COMPARISONS, default=">=")
    noun = read_label(out, body, f"{where}.noun", required=False)
    if not (
        label
        and basis
        and certainty
        and subject
        and numerator
        and at_levels
        and kpi_scope
        and target
        and comparison
    ):
        return None
    depends: set[AwardId] = set()
    for condition in (numerator, denominator):
        if condition is not None:
            depends |= _awards_read(condition)
    return Kpi(
        id=kpi_id,
        label=label,
        basis=basis,
        certainty=certainty,
        subject=subject,
        subject_level=subject_level,
        numerator=numerator,
        denominator=denominator,
        at_levels=at_levels,
        scope=kpi_scope,
        target=target,
        override=override,
        comparison=comparison,
        noun=noun,
        depends_on=frozenset(depends),
    )


def _condition(
    out: Collector, body: Mapping[str, Any], path: str, scope: Scope, *, required: bool
) -> Condition | None:
    text = read_text(out, body, path, required=required)
    if text is None:
        return None
    node = read_expression(out, path, text, scope, "bool")
    return None if node is None else Condition(expr=text, node=node, location=path)


def _awards_read(condition: Condition) -> set[AwardId]:
    """The awards a condition reads as decided in the same evaluation (``granted("x")``)."""
    found: set[AwardId] = set()
    for call in condition.node.calls:
        for name, value in call.arguments:
            if value and any(
                a.name == name and a.kind == "award" and a.reads_current
                for a in call.function.arguments
            ):
                found.add(AwardId(str(value)))
    return found


def _level(
    out: Collector, body: Mapping[str, Any], path: str, levels: Mapping[str, Level]
) -> str | None:
    name = read_text(out, body, path)
    if name is not None and name not in levels:
        _unknown_level(out, path, name, levels)
        return None
    return name


def _unknown_level(out: Collector, path: str, name: str, levels: Mapping[str, Level]) -> None:
    declared = (
        Message("; declared levels: {levels}", levels=sorted(levels))
        if levels
        else Message("; declare it in [levels]")
    )
    out.add(
        path,
        Message(
            "unknown level {name}{hint}{declared}",
            name=shown(name),
            hint=suggest(name, levels),
            declared=declared,
        ),
        find=name,
        code="unknown_level",
    )


def _at_levels(
    out: Collector, body: Mapping[str, Any], path: str, levels: Mapping[str, Level]
) -> tuple[str, ...] | None:
    raw = body.get("at_levels")
    if raw is None or raw == []:
        out.add(
            path, Message('expected at_levels = ["grassroots", …], missing'), code="missing_key"
        )
        return None
    if not isinstance(raw, list) or not all(isinstance(item, str) for item in raw):
        out.add(
            path,
            Message('expected at_levels = ["grassroots", …], got {raw}', raw=shown(raw)),
            code="wrong_type",
        )
        return None
    good = True
    for index, name in enumerate(raw):
        if name not in levels:
            _unknown_level(out, f"{path}[{index}]", name, levels)
            good = False
        elif raw.index(name) != index:
            out.add(
                f"{path}[{index}]",
                Message("{name} is listed twice", name=shown(name)),
                code="duplicate_value",
            )
            good = False
    return tuple(raw) if good else None


def _check_target(
    out: Collector, path: str, name: str, parameters: Mapping[str, Parameter]
) -> None:
    """The target must name a decimal parameter whose values are shares (0 to 1)."""
    parameter = parameters.get(name)
    if parameter is None:
        out.add(
            path,
            Message(
                "{name} is not a decimal parameter{hint}; a target names a [parameters] entry",
                name=shown(name),
                hint=suggest(name, parameters),
            ),
            find=name,
            code="unknown_parameter",
        )
        return
    if parameter.type != "decimal":
        out.add(
            path,
            Message(
                "parameter {name} must be a decimal, not {parameter_type}",
                name=shown(name),
                parameter_type=parameter.type,
            ),
            find=name,
            code="wrong_type",
        )
        return
    for index, (_, value) in enumerate(parameter.values):
        if isinstance(value, Decimal) and not Decimal(0) <= value <= Decimal(1):
            out.add(
                f"parameters.{name}.values[{index}].value",
                Message(
                    '{value} is not a share: a KPI target lies between 0 and 1 (65 {percent} is "0.65")',
                    value=value,
                    percent="%",  # a "%" of its own would read as a printf placeholder
                ),
                code="out_of_range",
            )


def _check_override(out: Collector, path: str, name: str, scope: Scope) -> None:
    """The override must name a declared decimal fact (of the nodes)."""
    decl = scope.facts.get(name)
    if decl is None:
        out.add(
            path,
            Message(
                "unknown fact {name}{hint}; an override names a decimal fact of the nodes",
                name=shown(name),
                hint=suggest(name, scope.facts),
            ),
            find=name,
            code="unknown_fact",
        )
    elif decl.type != "decimal":
        out.add(
            path,
            Message(
                'fact {name} is {decl_type}; an override must be a decimal fact (a share such as "0.7")',
                name=shown(name),
                decl_type=decl.type,
            ),
            find=name,
            code="wrong_type",
        )
