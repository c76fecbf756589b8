"""The ``emulation list`` command: every installed ruleset with its awards and their rules, and
beside the awards its score sheets (the points of
a movement), standings and KPIs, each with its legal basis and certainty, and its parameters,
each marked confirmed or not — an organisation's movements and targets are listed like its
awards, and a value the sources do not confirm is never shown as the law.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from emulation.i18n import C_, words
from emulation.rules.model import Ruleset
from emulation.types import Language

if TYPE_CHECKING:
    from emulation.engine import Engine


#: The words of the ``list`` table (msgctxt "list").
_WORDS = {
    "plugins": C_("list", "Plugins"),
    "path": C_("list", "path"),
    "bands": C_("list", "bands"),
    "per": C_("list", "per"),
    "target": C_("list", "target"),
    "from": C_("list", "from"),
    "no_value": C_("list", "no value"),
    "unconfirmed": C_("list", "unconfirmed"),
}


def listing(engine: Engine, lang: Language, format: str) -> str:
    """The text of ``emulation list``: a JSON document when ``format`` is ``"json"``, else one
    block per ruleset with its awards, rules, sheets, standings, KPIs and parameters."""
    document: dict[str, Any] = {"plugins": engine.plugins.plugin_names(), "rulesets": []}
    for ruleset in engine.rulesets:
        document["rulesets"].append(
            {
                "id": ruleset.id,
                "version": ruleset.version,
                "organisation": ruleset.organisation,
                "effective_from": ruleset.effective_from.isoformat(),
                "effective_to": ruleset.effective_to.isoformat() if ruleset.effective_to else None,
                "title": ruleset.title.get(lang),
                "source": ruleset.source,
                "awards": [
                    {
                        "id": award.id,
                        "kind": award.kind,
                        "subject": award.subject,
                        "label": award.label.get(lang),
                        "rules": [
                            {
                                "id": rule.id,
                                "role": rule.role,
                                "label": rule.label.get(lang),
                                "basis": rule.basis,
                                "certainty": rule.certainty,
                            }
                            | ({"path": rule.path} if rule.path else {})
                            for rule in award.rules
                        ],
                    }
                    for award in (ruleset.awards[key] for key in sorted(ruleset.awards))
                ],
            }
            | listing_extras(ruleset, lang)
        )
    if format == "json":
        return json.dumps(document, ensure_ascii=False, indent=2)
    say = words(lang, "list", _WORDS)
    lines = [f"{say['plugins']}: " + ", ".join(document["plugins"])]
    for entry in document["rulesets"]:
        until = entry["effective_to"] or "…"
        lines.append(
            f"\n{entry['id']} {entry['version']} ({entry['effective_from']} – {until}): "
            f"{entry['title']}"
        )
        for award in entry["awards"]:
            lines.append(f"  {award['id']}: {award['label']} [{award['kind']}, {award['subject']}]")
            for rule in award["rules"]:
                path = f" ({say['path']} {rule['path']})" if "path" in rule else ""
                lines.append(
                    f"    - {rule['role']}{path} {rule['id']}: {rule['label']} "
                    f"({rule['basis']}; {rule['certainty']})"
                )
        lines.extend(listing_lines(entry, lang))
    return "\n".join(lines)


def listing_extras(ruleset: Ruleset, lang: Language) -> dict[str, list[dict[str, Any]]]:
    """The ``scores``, ``standings``, ``kpis`` and ``parameters`` members of a ruleset's entry
    in ``emulation list --format json``, each sorted by id."""
    return {
        "scores": [
            {
                "id": sheet.id,
                "subject": sheet.subject,
                "label": sheet.label.get(lang),
                "basis": sheet.basis,
                "certainty": sheet.certainty,
                "bands": [band.id for band in sheet.bands],
            }
            for sheet in (ruleset.scores[key] for key in sorted(ruleset.scores))
        ],
        "standings": [
            {
                "id": item.id,
                "subject": item.subject,
                "per": item.per,
                "label": item.label.get(lang),
                "basis": item.basis,
                "certainty": item.certainty,
            }
            for item in (ruleset.standings[key] for key in sorted(ruleset.standings))
        ],
        "kpis": [
            {
                "id": kpi.id,
                "label": kpi.label.get(lang),
                "target": kpi.target,
                "at_levels": list(kpi.at_levels),
                "basis": kpi.basis,
                "certainty": kpi.certainty,
            }
            for kpi in (ruleset.kpis[key] for key in sorted(ruleset.kpis))
        ],
        "parameters": [
            {
                "id": parameter.name,
                "label": parameter.label.get(lang),
                "values": [
                    {"from": start.isoformat(), "value": _text(value)}
                    for start, value in parameter.values
                ],
                "basis": parameter.basis,
                "certainty": parameter.certainty,
                "confirmed": parameter.confirmed,
            }
            for parameter in (ruleset.parameters[key] for key in sorted(ruleset.parameters))
        ],
    }


def listing_lines(entry: dict[str, Any], lang: Language = "en") -> list[str]:
    """The table lines of a ruleset entry's score sheets, standings, KPIs and parameters (the
    kinds named by their TOML tables, the other words in ``lang``)."""
    say = words(lang, "list", _WORDS)
    lines = []
    for sheet in entry["scores"]:
        bands = ", ".join(sheet["bands"])
        lines.append(
            f"  score {sheet['id']}: {sheet['label']} [{sheet['subject']}; {say['bands']} {bands}] "
            f"({sheet['basis']}; {sheet['certainty']})"
        )
    for item in entry["standings"]:
        lines.append(
            f"  standings {item['id']}: {item['label']} [{item['subject']}, {say['per']} {item['per']}] "
            f"({item['basis']}; {item['certainty']})"
        )
    for kpi in entry["kpis"]:
        lines.append(
            f"  kpi {kpi['id']}: {kpi['label']} [{say['target']} {kpi['target']}; "
            f"{', '.join(kpi['at_levels'])}] ({kpi['basis']}; {kpi['certainty']})"
        )
    for parameter in entry["parameters"]:
        values = "; ".join(f"{v['value']} {say['from']} {v['from']}" for v in parameter["values"])
        flag = "" if parameter["confirmed"] else f" ⚠ {say['unconfirmed']}"
        lines.append(
            f"  parameter {parameter['id']} = {values or say['no_value']}{flag}: {parameter['label']} "
            f"({parameter['basis']}; {parameter['certainty']})"
        )
    return lines


def _text(value: object) -> str:
    """A parameter value as a ruleset writes it: ``true``, ``12``, ``0.65``."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)
