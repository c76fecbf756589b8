"""Build a :class:`~emulation.rules.model.Ruleset` from a parsed TOML document.

Every problem is collected — a wrong type, an unknown key, a misspelt fact inside an
expression, an unsafe expression — and raised together as one :class:`RulesetError`, each with
the file, the line when it can be found, the TOML path and, inside an expression, the column.
"""

from __future__ import annotations

import datetime as dt
import graphlib
import hashlib
import keyword
import re
from collections.abc import Iterator, Mapping
from decimal import Decimal
from pathlib import Path
from typing import Any

from emulation.data.records import SCOPES
from emulation.errors import Problem, RulesetError, suggest
from emulation.functions import FunctionSpec
from emulation.lang.checker import Checker
from emulation.lang.nodes import Node
from emulation.lang.scope import Scope
from emulation.rules.model import (
    AWARD_KINDS,
    FREQUENCIES,
    QUOTA_SCOPES,
    ROUNDINGS,
    Award,
    Bonus,
    Consumption,
    FactDecl,
    Label,
    LegalReference,
    Parameter,
    ParameterValue,
    Quota,
    RankKey,
    Role,
    Rule,
    Ruleset,
    ServiceRule,
)
from emulation.types import CERTAINTIES, VALUE_TYPES, AwardId, FactName, RulesetId, ValueType

#: The ruleset format this loader reads.
FORMAT_VERSION = 1

#: Suffix of case files, which live beside rulesets but are not rulesets.
CASE_SUFFIX = ".cases.toml"

_NAME = re.compile(r"^[a-z][a-z0-9_]*$")
_VERSION = re.compile(r"^\d+\.\d+\.\d+$")
_ROLES: dict[str, Role] = {
    "criteria": "criterion",
    "exclusions": "exclusion",
    "blocking": "blocking",
}

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
RESERVED_NAMES = frozenset({"id", "kind", "name", "parent", "subject", "period"})

_TOP = {"format", "ruleset", "facts", "parameters", "service", "awards"}
_SERVICE = {"label", "weights", "exclude_discipline", "basis", "certainty"}
_META = {"id", "organisation", "version", "effective_from", "effective_to", "title", "references"}
_FACT = {"type", "label", "values", "ordered", "unit", "default", "minimum", "maximum", "better"}
_PARAM = {"type", "label", "values", "basis", "certainty", "confirmed", "unit"}
_AWARD = {
    "kind",
    "subject",
    "frequency",
    "label",
    "criteria",
    "exclusions",
    "blocking",
    "quota",
    "bonus",
    "consumes",
    "basis",
    "certainty",
}
_QUOTA = {
    "per",
    "rounding",
    "of",
    "ratio",
    "count",
    "enabled",
    "rank",
    "label",
    "basis",
    "certainty",
}
_BONUS = {"coefficient", "base", "round_up_to", "basis", "certainty"}
_CONSUMES = {"kinds", "min_scope", "window", "count", "unless", "basis", "certainty"}
_RULE = {"id", "expr", "label", "basis", "certainty"}


class _Collector:
    def __init__(self, source: str, text: str) -> None:
        self.source = source
        self.lines = text.splitlines()
        self.problems: list[Problem] = []

    def add(
        self, location: str, message: str, column: int | None = None, find: str | None = None
    ) -> None:
        self.problems.append(
            Problem(
                file=self.source,
                location=location,
                line=self.line_of(find, location),
                column=column,
                message=message,
            )
        )

    def line_of(self, needle: str | None, location: str) -> int | None:
        """The first line holding ``needle`` (the offending text), when it can be found."""
        if needle:
            first = needle.strip().splitlines()[0] if needle.strip() else needle
            hits = [n for n, line in enumerate(self.lines, start=1) if first in line]
            key = location.rsplit(".", 1)[-1].split("[")[0] if location else ""
            keyed = [n for n in hits if key and self.lines[n - 1].lstrip().startswith(key)]
            found = keyed or hits
            return found[0] if found else None
        return None


def load_ruleset(
    document: Mapping[str, Any],
    raw: bytes,
    source: str,
    functions: Mapping[str, FunctionSpec],
) -> Ruleset:
    """Check ``document`` and build the ruleset, or raise :class:`RulesetError`."""
    out = _Collector(source, raw.decode("utf-8", errors="replace"))
    _unknown_keys(out, "", document, _TOP)
    fmt = document.get("format")
    if fmt != FORMAT_VERSION:
        out.add("format", f"expected format = {FORMAT_VERSION}, got {fmt!r}")
    meta = _table(out, document, "ruleset")
    _unknown_keys(out, "ruleset", meta, _META)
    ruleset_id = _text(
        out, meta, "ruleset.id", pattern=re.compile(r"^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)*$")
    )
    organisation = _text(out, meta, "ruleset.organisation")
    version = _text(
        out, meta, "ruleset.version", pattern=_VERSION, hint="MAJOR.MINOR.PATCH, e.g. 1.0.0"
    )
    effective_from = _date(out, meta, "ruleset.effective_from")
    effective_to = _date(out, meta, "ruleset.effective_to", required=False)
    if effective_from and effective_to and effective_to < effective_from:
        out.add("ruleset.effective_to", "effective_to is before effective_from")
    title = _label(out, meta, "ruleset.title")
    references = _references(out, meta)

    facts = _facts(out, _table(out, document, "facts", required=False))
    parameters = _parameters(out, _table(out, document, "parameters", required=False))
    services = _services(out, _table(out, document, "service", required=False))
    awards_doc = _table(out, document, "awards")
    award_ids = frozenset(awards_doc)
    scope = Scope(
        facts={**SUBJECT_FACTS, **facts},
        parameters=parameters,
        functions=functions,
        awards=award_ids,
        services=frozenset(services),
        closed=False,
    )
    awards: dict[AwardId, Award] = {}
    for award_id, body in awards_doc.items():
        award = _award(out, award_id, body, scope)
        if award is not None:
            awards[award.id] = award
    _check_cycles(out, awards)
    if out.problems:
        raise RulesetError(out.problems)
    if not (ruleset_id and organisation and version and effective_from and title):
        raise AssertionError("a ruleset without problems has all its metadata")  # unreachable
    return Ruleset(
        id=RulesetId(ruleset_id),
        organisation=organisation,
        version=version,
        effective_from=effective_from,
        effective_to=effective_to,
        title=title,
        references=references,
        facts=facts,
        parameters=parameters,
        awards=awards,
        source=source,
        content_hash=hashlib.sha256(raw).hexdigest(),
        services=services,
    )


def load_ruleset_file(path: Path, functions: Mapping[str, FunctionSpec]) -> Ruleset:
    """Read and load one TOML ruleset file."""
    from emulation.rules.toml import read_toml

    document, raw = read_toml(path)
    return load_ruleset(document, raw, str(path), functions)


# -- sections ----------------------------------------------------------------------------------


def _references(out: _Collector, meta: Mapping[str, Any]) -> tuple[LegalReference, ...]:
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
        _unknown_keys(out, where, item, {"id", "document", "title", "url"})
        ref_id = _text(out, item, f"{where}.id")
        document = _text(out, item, f"{where}.document")
        title = _label(out, item, f"{where}.title", required=False)
        url = _text(out, item, f"{where}.url", required=False)
        if ref_id and document:
            result.append(LegalReference(id=ref_id, document=document, title=title, url=url))
    return tuple(result)


def _named_tables(
    out: _Collector, table: Mapping[str, Any], section: str, keys: set[str]
) -> Iterator[tuple[str, str, dict[str, Any]]]:
    """``(name, TOML path, body)`` of each well-named sub-table of ``[section.NAME]``; bad
    names, non-tables and unknown keys are reported on the way."""
    for name, body in table.items():
        where = f"{section}.{name}"
        if not _identifier(out, where, name):
            continue
        if not isinstance(body, dict):
            out.add(where, "expected a table")
            continue
        _unknown_keys(out, where, body, keys)
        yield name, where, body


def _facts(out: _Collector, table: Mapping[str, Any]) -> dict[str, FactDecl]:
    facts: dict[str, FactDecl] = {}
    for name, where, body in _named_tables(out, table, "facts", _FACT):
        if name in SUBJECT_FACTS or name in RESERVED_NAMES:
            out.add(
                where,
                f'"{name}" is a subject attribute or a record column every ruleset can read; '
                "choose another fact name",
            )
            continue
        kind = _choice(out, body, f"{where}.type", VALUE_TYPES)
        label = _label(out, body, f"{where}.label")
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
            default = _value(out, f"{where}.default", body["default"], kind, values)
        bounds = {}
        for bound in ("minimum", "maximum"):
            if bound in body:
                if kind not in ("int", "decimal"):
                    out.add(f"{where}.{bound}", "only number facts take bounds")
                else:
                    bounds[bound] = _value(out, f"{where}.{bound}", body[bound], "decimal", ())
        unit = _text(out, body, f"{where}.unit", required=False)
        if kind and label:
            facts[name] = FactDecl(
                name=FactName(name),
                type=kind,
                label=label,
                values=values,
                ordered=ordered,
                unit=unit,
                default=default,
                minimum=bounds.get("minimum"),  # type: ignore[arg-type]
                maximum=bounds.get("maximum"),  # type: ignore[arg-type]
                better=better,
            )
    return facts


def _services(out: _Collector, table: Mapping[str, Any]) -> dict[str, ServiceRule]:
    services: dict[str, ServiceRule] = {}
    for name, where, body in _named_tables(out, table, "service", _SERVICE):
        label = _label(out, body, f"{where}.label")
        raw = body.get("weights")
        weights: list[tuple[str, Decimal]] = []
        if not isinstance(raw, dict) or not raw:
            out.add(f"{where}.weights", 'expected { full_time = "1", part_time = "1.5", … }')
        else:
            for kind, value in sorted(raw.items()):
                weight = _value(out, f"{where}.weights.{kind}", value, "decimal", ())
                if isinstance(weight, Decimal):
                    weights.append((kind, weight))
        exclude = body.get("exclude_discipline", True)
        if not isinstance(exclude, bool):
            out.add(f"{where}.exclude_discipline", "expected true or false")
            exclude = True
        basis = _text(out, body, f"{where}.basis")
        certainty = _choice(out, body, f"{where}.certainty", CERTAINTIES)
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


def _parameters(out: _Collector, table: Mapping[str, Any]) -> dict[str, Parameter]:
    parameters: dict[str, Parameter] = {}
    for name, where, body in _named_tables(out, table, "parameters", _PARAM):
        kind = _choice(out, body, f"{where}.type", VALUE_TYPES)
        if kind == "enum":
            out.add(f"{where}.type", "parameters are bool, int, decimal or text")
            kind = None
        label = _label(out, body, f"{where}.label")
        basis = _text(out, body, f"{where}.basis")
        certainty = _choice(out, body, f"{where}.certainty", CERTAINTIES)
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
                    value = _value(out, f"{at}.value", entry["value"], kind, ())
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
                unit=_text(out, body, f"{where}.unit", required=False),
            )
    return parameters


def _award(out: _Collector, award_id: str, body: Any, scope: Scope) -> Award | None:
    where = f"awards.{award_id}"
    if not _identifier(out, where, award_id):
        return None
    if not isinstance(body, dict):
        out.add(where, "expected a table")
        return None
    _unknown_keys(out, where, body, _AWARD)
    kind = _choice(out, body, f"{where}.kind", AWARD_KINDS)
    subject = _choice(out, body, f"{where}.subject", ("person", "collective"))
    frequency = body.get("frequency", "per_period")
    if frequency not in FREQUENCIES:
        out.add(f"{where}.frequency", f"expected one of {list(FREQUENCIES)}")
        frequency = "per_period"
    label = _label(out, body, f"{where}.label")
    rules: list[Rule] = []
    depends: set[AwardId] = set()
    seen: set[str] = set()
    for section, role in _ROLES.items():
        items = body.get(section, [])
        if not isinstance(items, list):
            out.add(f"{where}.{section}", f"expected an array of tables [[{where}.{section}]]")
            continue
        for index, item in enumerate(items):
            at = f"{where}.{section}[{index}]"
            if not isinstance(item, dict):
                out.add(at, "expected a table")
                continue
            _unknown_keys(out, at, item, _RULE)
            rule_id = _text(out, item, f"{at}.id")
            if rule_id and not _NAME.match(rule_id):
                out.add(f"{at}.id", "ids are lower_snake_case")
            if rule_id in seen:
                out.add(f"{at}.id", f'duplicate rule id "{rule_id}" in award "{award_id}"')
            seen.add(rule_id or "")
            expr = _text(out, item, f"{at}.expr")
            rule_label = _label(out, item, f"{at}.label")
            basis = _text(out, item, f"{at}.basis")
            certainty = _choice(out, item, f"{at}.certainty", CERTAINTIES)
            if expr is None:
                continue
            node = _expression(out, f"{at}.expr", expr, scope, "bool")
            if node is None or not (rule_id and rule_label and basis and certainty):
                continue
            for call in node.calls:
                for name, value in call.arguments:
                    if value and any(
                        a.name == name and a.kind == "award" and a.reads_current
                        for a in call.function.arguments
                    ):
                        depends.add(AwardId(value))
            rules.append(
                Rule(
                    id=rule_id,
                    role=role,
                    expr=expr,
                    label=rule_label,
                    basis=basis,
                    certainty=certainty,
                    node=node,
                    location=f"{at}.expr",
                )
            )
    if not body.get("criteria"):
        out.add(f"{where}.criteria", "an award needs at least one criterion")
    basis = _text(out, body, f"{where}.basis", required=frequency == "once")
    certainty = (
        _choice(out, body, f"{where}.certainty", CERTAINTIES)
        if "certainty" in body or frequency == "once"
        else None
    )
    if frequency == "once" and basis and certainty:
        rules.append(_once_rule(award_id, basis, certainty, scope, where))
    quota = _quota(out, where, body.get("quota"), scope) if "quota" in body else None
    if quota is not None and quota.of not in ("headcount",):
        depends.add(AwardId(quota.of))
    bonus = _bonus(out, where, body.get("bonus"), scope) if "bonus" in body else None
    consumes = _consumes(out, where, body.get("consumes"), scope) if "consumes" in body else None
    if award_id in depends:
        out.add(where, f'award "{award_id}" reads its own result')
    if not (kind and subject and label):
        return None
    return Award(
        id=AwardId(award_id),
        kind=kind,
        subject=subject,
        frequency=frequency,
        label=label,
        rules=tuple(rules),
        depends_on=frozenset(depends),
        quota=quota,
        bonus=bonus,
        consumes=consumes,
        basis=basis,
        certainty=certainty,
    )


def _expression(
    out: _Collector,
    at: str,
    text: str,
    scope: Scope,
    expect: ValueType | None,
    hint: str = "",
) -> Node | None:
    """Check one expression of the rule language; report each problem at ``at`` with its
    column (and ``hint`` appended)."""
    checker = Checker(text, scope)
    node = checker.check(expect)
    for error in checker.errors:
        out.add(at, error.message + hint, column=error.column, find=text)
    return node


def _once_rule(award_id: str, basis: str, certainty: Any, scope: Scope, where: str) -> Rule:
    """The exclusion every once-only award carries: already held in an earlier period."""
    expr = f'held_before("{award_id}")'
    node = Checker(expr, scope).check("bool")
    if node is None:  # pragma: no cover - held_before is a built-in
        raise AssertionError("held_before is not registered")
    return Rule(
        id="already_held",
        role="exclusion",
        expr=expr,
        label=Label(
            vi="Đã được tặng trước đây (chỉ tặng một lần)", en="Already awarded (awarded once only)"
        ),
        basis=basis,
        certainty=certainty,
        node=node,
        location=f"{where}.frequency",
    )


def _quota(out: _Collector, where: str, body: Any, scope: Scope) -> Quota | None:
    at = f"{where}.quota"
    if not isinstance(body, dict):
        out.add(at, "expected a table [awards.<id>.quota]")
        return None
    _unknown_keys(out, at, body, _QUOTA)
    per = _choice(out, body, f"{at}.per", QUOTA_SCOPES)
    rounding = body.get("rounding", "floor")
    if rounding not in ROUNDINGS:
        out.add(
            f"{at}.rounding",
            f"expected one of {list(ROUNDINGS)}{suggest(str(rounding), ROUNDINGS)}",
        )
    of = body.get("of", "headcount")
    if not isinstance(of, str):
        out.add(f"{at}.of", 'expected "headcount" or an award id')
        of = "headcount"
    ratio: Decimal | str | None = None
    count = body.get("count")
    if ("ratio" in body) == (count is not None):
        out.add(at, "give exactly one of ratio (a share) or count (top-k)")
    if "ratio" in body:
        raw = body["ratio"]
        if isinstance(raw, str) and raw in scope.parameters:
            if scope.parameters[raw].type != "decimal":
                out.add(f"{at}.ratio", f'parameter "{raw}" must be a decimal')
            ratio = raw
        else:
            ratio = _value(out, f"{at}.ratio", raw, "decimal", ())  # type: ignore[assignment]
    if count is not None and (not isinstance(count, int) or isinstance(count, bool) or count < 0):
        out.add(f"{at}.count", "expected a whole number ≥ 0")
        count = None
    enabled = body.get("enabled", True)
    if isinstance(enabled, str):
        if enabled not in scope.parameters or scope.parameters[enabled].type != "bool":
            out.add(
                f"{at}.enabled",
                f'"{enabled}" is not a bool parameter{suggest(enabled, scope.parameters)}',
            )
    elif not isinstance(enabled, bool):
        out.add(f"{at}.enabled", "expected true, false or the name of a bool parameter")
    keys = []
    for index, item in enumerate(body.get("rank", [])):
        key_at = f"{at}.rank[{index}]"
        if not isinstance(item, dict) or set(item) - {"expr", "order"} or "expr" not in item:
            out.add(key_at, 'expected { expr = "…", order = "desc" | "asc" }')
            continue
        order = item.get("order", "desc")
        if order not in ("desc", "asc"):
            out.add(f"{key_at}.order", 'expected "desc" or "asc"')
        node = _expression(out, f"{key_at}.expr", str(item["expr"]), scope, None)
        if node is not None:
            if node.type == "text" or (node.type == "enum" and not node.ordered):
                out.add(
                    f"{key_at}.expr",
                    "a ranking key must be a number, true/false or an ordered value",
                )
            keys.append(RankKey(expr=str(item["expr"]), descending=order == "desc", node=node))
    label = _label(out, body, f"{at}.label")
    basis = _text(out, body, f"{at}.basis")
    certainty = _choice(out, body, f"{at}.certainty", CERTAINTIES)
    if not (per and label and basis and certainty) or rounding not in ROUNDINGS:
        return None
    return Quota(
        per=per,
        rounding=rounding,
        of=of,
        ratio=ratio,
        count=count,
        enabled=enabled,
        rank=tuple(keys),
        label=label,
        basis=basis,
        certainty=certainty,
    )


def _consumes(out: _Collector, where: str, body: Any, scope: Scope) -> Consumption | None:
    at = f"{where}.consumes"
    if not isinstance(body, dict):
        out.add(at, "expected a table [awards.<id>.consumes]")
        return None
    _unknown_keys(out, at, body, _CONSUMES)
    kinds = body.get("kinds")
    if not isinstance(kinds, list) or not kinds or not all(isinstance(k, str) and k for k in kinds):
        out.add(f"{at}.kinds", 'expected kinds = ["initiative", …]')
        kinds = None
    min_scope = body.get("min_scope", "grassroots")
    if min_scope not in SCOPES:
        out.add(f"{at}.min_scope", f"expected one of {list(SCOPES)}")
    numbers = {}
    for key, default in (("window", 1), ("count", 1)):
        value = body.get(key, default)
        if not isinstance(value, int) or isinstance(value, bool) or value < 1:
            out.add(f"{at}.{key}", "expected a whole number ≥ 1")
            value = None
        numbers[key] = value
    unless = None
    if "unless" in body:
        facts_only = Scope(facts=scope.facts, parameters={}, functions={}, awards=frozenset())
        unless = _expression(
            out,
            f"{at}.unless",
            str(body["unless"]),
            facts_only,
            "bool",
            " (only facts may be read here)",
        )
    basis = _text(out, body, f"{at}.basis")
    certainty = _choice(out, body, f"{at}.certainty", CERTAINTIES)
    if not (
        kinds
        and min_scope in SCOPES
        and numbers["window"]
        and numbers["count"]
        and basis
        and certainty
    ):
        return None
    return Consumption(
        kinds=tuple(kinds),
        min_scope=min_scope,
        window=numbers["window"],
        count=numbers["count"],
        basis=basis,
        certainty=certainty,
        unless=unless,
        unless_expr=str(body["unless"]) if unless is not None else None,
    )


def _bonus(out: _Collector, where: str, body: Any, scope: Scope) -> Bonus | None:
    at = f"{where}.bonus"
    if not isinstance(body, dict):
        out.add(at, "expected a table [awards.<id>.bonus]")
        return None
    _unknown_keys(out, at, body, _BONUS)
    raw = body.get("coefficient")
    coefficient: Decimal | str | None
    if isinstance(raw, str) and raw in scope.parameters:
        if scope.parameters[raw].type != "decimal":
            out.add(f"{at}.coefficient", f'parameter "{raw}" must be a decimal')
        coefficient = raw
    else:
        coefficient = _value(out, f"{at}.coefficient", raw, "decimal", ())  # type: ignore[assignment]
    base = _text(out, body, f"{at}.base")
    if base and (
        base not in scope.parameters or scope.parameters[base].type not in ("int", "decimal")
    ):
        out.add(
            f"{at}.base", f'"{base}" is not a number parameter{suggest(base, scope.parameters)}'
        )
    step = body.get("round_up_to", 1)
    if isinstance(step, str):
        if step not in scope.parameters or scope.parameters[step].type != "int":
            out.add(
                f"{at}.round_up_to",
                f'"{step}" is not an int parameter{suggest(step, scope.parameters)}',
            )
    elif not isinstance(step, int) or isinstance(step, bool) or step < 1:
        out.add(f"{at}.round_up_to", "expected a whole number ≥ 1 (VND) or an int parameter")
        step = 1
    basis = _text(out, body, f"{at}.basis")
    certainty = _choice(out, body, f"{at}.certainty", CERTAINTIES)
    if not (isinstance(coefficient, (Decimal, str)) and base and basis and certainty):
        return None
    return Bonus(
        coefficient=coefficient, base=base, round_up_to=step, basis=basis, certainty=certainty
    )


def _check_cycles(out: _Collector, awards: Mapping[AwardId, Award]) -> None:
    graph = {award.id: set(award.depends_on) & set(awards) for award in awards.values()}
    try:
        tuple(graphlib.TopologicalSorter(graph).static_order())
    except graphlib.CycleError as error:
        cycle = " -> ".join(error.args[1])
        out.add("awards", f"awards depend on each other in a cycle: {cycle}")


# -- scalar helpers ----------------------------------------------------------------------------


def _unknown_keys(out: _Collector, where: str, table: Any, allowed: set[str]) -> None:
    if not isinstance(table, dict):
        return
    for key in table:
        if key not in allowed:
            location = f"{where}.{key}" if where else key
            out.add(location, f'unknown key "{key}"{suggest(key, allowed)}', find=f"{key} =")


def _table(
    out: _Collector, document: Mapping[str, Any], key: str, required: bool = True
) -> dict[str, Any]:
    value = document.get(key)
    if value is None:
        if required:
            out.add(key, f"missing table [{key}]")
        return {}
    if not isinstance(value, dict):
        out.add(key, f"[{key}] must be a table")
        return {}
    return value


def _text(
    out: _Collector,
    table: Mapping[str, Any],
    path: str,
    required: bool = True,
    pattern: re.Pattern[str] | None = None,
    hint: str = "",
) -> str | None:
    key = path.rsplit(".", 1)[-1]
    value = table.get(key)
    if value is None:
        if required:
            out.add(path, "required text is missing")
        return None
    if not isinstance(value, str) or not value.strip():
        out.add(path, f"expected non-empty text, got {value!r}")
        return None
    if pattern and not pattern.match(value):
        out.add(path, f"{value!r} is not valid{': ' + hint if hint else ''}")
        return None
    return value


def _date(
    out: _Collector, table: Mapping[str, Any], path: str, required: bool = True
) -> dt.date | None:
    key = path.rsplit(".", 1)[-1]
    value = table.get(key)
    if value is None:
        if required:
            out.add(path, "required date is missing (YYYY-MM-DD, unquoted)")
        return None
    if not isinstance(value, dt.date) or isinstance(value, dt.datetime):
        out.add(path, f"expected a TOML date such as 2024-01-01 (unquoted), got {value!r}")
        return None
    return value


def _label(
    out: _Collector, table: Mapping[str, Any], path: str, required: bool = True
) -> Label | None:
    key = path.rsplit(".", 1)[-1]
    value = table.get(key)
    if value is None:
        if required:
            out.add(path, 'missing label: write { vi = "…", en = "…" }')
        return None
    if (
        not isinstance(value, dict)
        or set(value) != {"vi", "en"}
        or not all(isinstance(v, str) and v.strip() for v in value.values())
    ):
        out.add(path, 'expected { vi = "…", en = "…" } with both texts')
        return None
    return Label(vi=value["vi"], en=value["en"])


def _choice(out: _Collector, table: Mapping[str, Any], path: str, choices: tuple[Any, ...]) -> Any:
    key = path.rsplit(".", 1)[-1]
    value = table.get(key)
    if value not in choices:
        got = "missing" if value is None else f"got {value!r}"
        hint = suggest(value, [str(c) for c in choices]) if isinstance(value, str) else ""
        out.add(path, f"expected one of {list(choices)}, {got}{hint}")
        return None
    return value


def _identifier(out: _Collector, where: str, name: str) -> bool:
    if not _NAME.match(name) or keyword.iskeyword(name) or name in ("true", "false"):
        out.add(where, f'"{name}" is not a valid name: use lower_snake_case letters, digits and _')
        return False
    return True


def _value(
    out: _Collector, path: str, value: Any, kind: str, values: tuple[str, ...]
) -> ParameterValue | None:
    if kind == "bool" and isinstance(value, bool):
        return value
    if kind == "int" and isinstance(value, int) and not isinstance(value, bool):
        return value
    if kind == "decimal":
        if isinstance(value, int) and not isinstance(value, bool):
            return Decimal(value)
        if isinstance(value, str):
            try:
                number = Decimal(value)
            except ArithmeticError:
                number = None
            if number is not None and number.is_finite():
                if -number.as_tuple().exponent > 6:  # type: ignore[operator]
                    out.add(
                        path, f'"{value}" has more than 6 decimal places; decimals are exact to 6'
                    )
                    return None
                return number
        if isinstance(value, float):
            out.add(path, f'write decimals as text so they stay exact, e.g. "{value}"')
            return None
    if kind == "text" and isinstance(value, str):
        return value
    if kind == "enum" and isinstance(value, str) and value in values:
        return value
    out.add(path, f"{value!r} is not a valid {kind} value")
    return None
