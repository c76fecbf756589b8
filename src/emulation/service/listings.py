"""``GET /v1/rulesets``, ``/v1/awards``, ``/v1/facts`` and ``/v1/parameters``: the rules the
engine holds, each award's rules and each parameter with its legal basis and certainty, in
the language asked for, for every version or for those in force in a period."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from emulation._list_cli import listing, listing_extras
from emulation.engine import Engine
from emulation.errors import EmulationError
from emulation.period import Period
from emulation.rules.model import Ruleset
from emulation.service.problems import ServiceProblem
from emulation.types import LANGUAGES, Language

#: The query parameters every listing takes.
QUERY = ("lang", "period")


def rulesets(engine: Engine, query: Mapping[str, str]) -> bytes:
    """The document ``emulation list --format json`` writes (every version)."""
    lang, chosen = _query(engine, query)
    if chosen is None:
        return listing(engine, lang, "json").encode()
    in_force = {id(r) for r in chosen}
    document = json.loads(listing(engine, lang, "json"))
    document["rulesets"] = [
        entry
        for entry, ruleset in zip(document["rulesets"], engine.rulesets, strict=True)
        if id(ruleset) in in_force
    ]
    return json_dumps(document)


def awards(engine: Engine, query: Mapping[str, str]) -> bytes:
    """Every award with its rules, their legal basis and certainty."""
    lang, chosen = _query(engine, query)
    found = []
    for ruleset in chosen or engine.rulesets:
        for award in (ruleset.awards[key] for key in sorted(ruleset.awards)):
            rules = [
                {
                    "id": rule.id,
                    "role": rule.role,
                    "label": rule.label.get(lang),
                    "basis": rule.basis,
                    "certainty": rule.certainty,
                }
                | ({"path": rule.path} if rule.path else {})
                for rule in award.rules
            ]
            found.append(
                {
                    "id": award.id,
                    "kind": award.kind,
                    "subject": award.subject,
                    "label": award.label.get(lang),
                    **_owner(ruleset),
                    "rules": rules,
                }
            )
    return json_dumps({"awards": found})


def facts(engine: Engine, query: Mapping[str, str]) -> bytes:
    """Every fact a ruleset declares: type, label, values, unit."""
    lang, chosen = _query(engine, query)
    found = [
        {
            "name": fact.name,
            "type": str(fact.type),
            "label": fact.label.get(lang),
            "values": list(fact.values),
            "unit": fact.unit,
            **_owner(ruleset),
        }
        for ruleset in chosen or engine.rulesets
        for fact in (ruleset.facts[key] for key in sorted(ruleset.facts))
    ]
    return json_dumps({"facts": found})


def parameters(engine: Engine, query: Mapping[str, str]) -> bytes:
    """Every parameter with its dated values, basis, certainty and whether it is confirmed."""
    lang, chosen = _query(engine, query)
    found = []
    for ruleset in chosen or engine.rulesets:
        units = {name: p.unit for name, p in ruleset.parameters.items()}
        for entry in listing_extras(ruleset, lang)["parameters"]:
            found.append({**entry, "unit": units[entry["id"]], **_owner(ruleset)})
    return json_dumps({"parameters": found})


def _owner(ruleset: Ruleset) -> dict[str, str]:
    return {"ruleset": ruleset.id, "version": ruleset.version}


def _query(engine: Engine, query: Mapping[str, str]) -> tuple[Language, tuple[Ruleset, ...] | None]:
    """The language and the rulesets in force in ``period`` (None: every version); 400 for
    an unknown parameter, language or period."""
    unknown = sorted(set(query) - set(QUERY))
    if unknown:
        raise ServiceProblem(
            400,
            "invalid-query",
            "unknown query parameters",
            [{"parameter": name, "detail": f"expected one of {list(QUERY)}"} for name in unknown],
        )
    if query.get("lang", "vi") not in LANGUAGES:
        raise ServiceProblem(
            400,
            "invalid-query",
            "unknown language",
            [{"parameter": "lang", "detail": f"expected one of {list(LANGUAGES)}"}],
        )
    lang: Language = "en" if query.get("lang") == "en" else "vi"
    if "period" not in query:
        return lang, None
    try:
        period = Period.parse(query["period"])
    except EmulationError as error:
        raise ServiceProblem(
            400, "invalid-query", str(error), [{"parameter": "period", "detail": str(error)}]
        ) from None
    return lang, engine.rulesets_in_force(period)


def json_dumps(document: Any) -> bytes:
    """``document`` as the listings send it: UTF-8, two-space indent, like ``emulation list``."""
    return json.dumps(document, ensure_ascii=False, indent=2).encode()
