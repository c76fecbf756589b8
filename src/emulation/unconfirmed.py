"""The unconfirmed parameters of the loaded rulesets: the values a user must check, or set.

A parameter marked ``confirmed = false`` is a threshold nobody has confirmed in a source (or
one taken from a text not read article by article): :func:`unconfirmed_parameters` lists
each, optionally of one plugin, with its label, legal basis and certainty and the value it
takes on a day — or none, when it ships with ``values = []`` (the decisions that need it are
``data_missing`` until it is set with ``--set`` or ``parameters=``). ``emulation list
--unconfirmed`` prints the same list.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path
from typing import Any

import attrs

from emulation.engine import Engine, _owner
from emulation.errors import EmulationError, suggest
from emulation.i18n import translator
from emulation.types import Label, Language, ParameterValue


@attrs.frozen(kw_only=True)
class UnconfirmedParameter:
    """One unconfirmed parameter of one ruleset version, and its value on ``on``."""

    plugin: str | None
    ruleset: str
    version: str
    name: str
    label: Label
    type: str
    unit: str | None
    basis: str
    certainty: str
    on: dt.date
    #: The value in force on ``on``; None when it has none (no value shipped, or the first
    #: one starts later).
    value: ParameterValue | None
    #: The day that value took effect; None without a value.
    since: dt.date | None

    def to_dict(self, lang: Language = "vi") -> dict[str, Any]:
        """JSON-ready form (a decimal value as text, no value as ``null``)."""
        value = self.value
        return {
            "plugin": self.plugin,
            "ruleset": self.ruleset,
            "version": self.version,
            "name": self.name,
            "label": self.label.get(lang),
            "type": self.type,
            "unit": self.unit,
            "basis": self.basis,
            "certainty": self.certainty,
            "value": str(value) if isinstance(value, Decimal) else value,
            "since": None if self.since is None else self.since.isoformat(),
        }


def unconfirmed_parameters(
    engine: Engine, plugin: str | None = None, on: dt.date | None = None
) -> tuple[UnconfirmedParameter, ...]:
    """Every unconfirmed parameter of every ruleset version ``engine`` loaded (of ``plugin``
    only, when given), with its value on ``on`` (default: today), sorted by ruleset, version
    and name. Raises :class:`EmulationError` for a plugin that contributes no ruleset."""
    day = on or dt.date.today()
    roots = engine.plugins.ruleset_paths_by_plugin()
    if plugin is not None and plugin not in roots:
        raise EmulationError(
            f'plugin "{plugin}" contributes no ruleset{suggest(plugin, roots)}; '
            f"plugins with rulesets: {sorted(roots)}"
        )
    found: list[UnconfirmedParameter] = []
    for ruleset in engine.rulesets:
        owner, _ = _owner(Path(ruleset.source), roots)
        if plugin is not None and owner != plugin:
            continue
        for name in sorted(ruleset.parameters):
            parameter = ruleset.parameters[name]
            if parameter.confirmed:
                continue
            started = [start for start, _ in parameter.values if start <= day]
            found.append(
                UnconfirmedParameter(
                    plugin=owner,
                    ruleset=ruleset.id,
                    version=ruleset.version,
                    name=name,
                    label=parameter.label,
                    type=parameter.type,
                    unit=parameter.unit,
                    basis=parameter.basis,
                    certainty=parameter.certainty,
                    on=day,
                    value=parameter.value_on(day),
                    since=started[-1] if started else None,
                )
            )
    return tuple(sorted(found, key=lambda p: (p.ruleset, _version_key(p.version), p.name)))


def _version_key(version: str) -> tuple[int | str, ...]:
    return tuple(int(part) if part.isdigit() else part for part in version.split("."))


def unconfirmed_table(parameters: tuple[UnconfirmedParameter, ...], lang: Language) -> str:
    """The list as ``emulation list --unconfirmed`` prints it: one block per ruleset version,
    one line per parameter (name, label, type and unit, value or "no value", basis,
    certainty)."""
    words = translator(lang)
    none = words.pgettext("unconfirmed", "no value")
    since = words.pgettext("unconfirmed", "since")
    if not parameters:
        return words.pgettext("unconfirmed", "No unconfirmed parameter.")
    lines: list[str] = []
    shown: tuple[str, str] | None = None
    for p in parameters:
        if (p.ruleset, p.version) != shown:
            shown = (p.ruleset, p.version)
            owner = "" if p.plugin is None else f" [{p.plugin}]"
            lines.append(f"{p.ruleset} {p.version}{owner}")
        kind = p.type if p.unit is None else f"{p.type}, {p.unit}"
        value = none if p.value is None else f"{_shown(p.value)} ({since} {p.since})"
        lines.append(f"  {p.name}: {p.label.get(lang)} [{kind}] = {value}")
        lines.append(f"      {p.basis}; {p.certainty}")
    return "\n".join(lines)


def _shown(value: ParameterValue) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Decimal):
        return format(value.normalize(), "f") if value == value.to_integral() else str(value)
    return str(value)
