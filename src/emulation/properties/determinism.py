"""Determinism: row order, plugin registration order and chunking never change a decision."""

from __future__ import annotations

import weakref
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from emulation._testing import variants as _variants
from emulation._testing.counterexample import describe_decision
from emulation.data.population import Population
from emulation.engine import Engine
from emulation.period import Period
from emulation.properties.api import PropertyFailure, awards_in_force, period_of, quota_scopes
from emulation.results.decision import Decision


def assert_deterministic(
    engine: Engine,
    population: Population,
    period: Period | str | None = None,
    *,
    awards: Sequence[str] | None = None,
    parameters: Mapping[str, Any] | None = None,
    seed: int = 0,
    chunks: int = 2,
) -> None:
    """The decisions do not change when the input rows are shuffled (with ``seed``), when the
    plugins are registered in reverse order, or when the subjects are evaluated in ``chunks``
    separate runs. Chunks keep together what a rule may compare — a collective with its
    members, a cluster — and are not tried when a quota covers the whole population."""
    current = period_of(engine, population, period)
    wanted = awards_in_force(engine, current, awards) if current else None
    if current is None or wanted == []:
        return

    def decide(used: Engine, data: Population) -> tuple[Decision, ...]:
        return used.evaluate(data, current, wanted, parameters=parameters).decisions()

    reference = decide(engine, population)
    if engine not in _REVERSED:
        _REVERSED[engine] = _rebuilt(engine, reverse=True)
    backward = _REVERSED[engine]
    rows = _variants.shuffled(population, seed)
    both = decide(backward, rows)
    if both != reference:  # find which change made the difference
        _same(engine, reference, decide(engine, rows), f"shuffling the input rows (seed {seed})")
        forward = _rebuilt(engine, reverse=False)
        _same(
            engine,
            decide(forward, population),
            decide(backward, population),
            "registering the plugins in reverse order",
        )
        # else the rebuilt engines differ from this one only by what they were built with
        _same(engine, decide(forward, rows), both, "registering the plugins in reverse order")
    scopes = quota_scopes(engine, current)
    if chunks > 1 and "population" not in scopes:
        parts: list[Decision] = []
        for part in _split(_variants.groups(population), chunks):
            if part:
                parts.extend(decide(engine, _variants.restricted(population, part)))
        parts.sort(key=lambda d: (d.subject, d.award))
        _same(engine, reference, tuple(parts), f"evaluating the subjects in {chunks} chunks")


def _split(groups: list[list[str]], count: int) -> list[list[str]]:
    parts: list[list[str]] = [[] for _ in range(count)]
    for index, group in enumerate(groups):
        parts[index % count].extend(group)
    return parts


#: Engines rebuilt with their plugins in reverse order, kept while the original engine lives.
_REVERSED: weakref.WeakKeyDictionary[Engine, Engine] = weakref.WeakKeyDictionary()


def _rebuilt(engine: Engine, *, reverse: bool) -> Engine:
    """The same plugins and ruleset files, registered afresh in the same or reverse order."""
    import pluggy

    from emulation import hookspecs
    from emulation._plugins import PluginFacade
    from emulation.rules.catalogue import load_rulesets

    manager = pluggy.PluginManager(hookspecs.PROJECT)
    manager.add_hookspecs(hookspecs)
    registered = [(n, p) for n, p in engine.plugins.manager.list_name_plugin() if p is not None]
    for name, plugin in reversed(registered) if reverse else registered:
        manager.register(plugin, name=name)
    facade = PluginFacade(manager)
    facade.configure(dict(engine.config))
    functions = facade.functions()
    sources = sorted({Path(ruleset.source) for ruleset in engine.rulesets})
    rulesets = load_rulesets(facade, sources, functions)
    return Engine(rulesets=rulesets, functions=functions, plugins=facade, config=engine.config)


def _same(
    engine: Engine, expected: Sequence[Decision], actual: Sequence[Decision], what: str
) -> None:
    old = {(d.subject, d.award): d for d in expected}
    new = {(d.subject, d.award): d for d in actual}
    for key in sorted(set(old) | set(new)):
        before, after = old.get(key), new.get(key)
        if before == after:
            continue
        lines = [f"determinism does not hold: {what} changed a decision"]
        for label, decision in (("expected", before), ("got", after)):
            if decision is None:
                lines.append(f"  {label}: no decision for {key[0]} / {key[1]}")
            else:
                lines.append(f"  {label}:")
                lines.extend(describe_decision(decision, engine.rulesets, indent="    "))
        raise PropertyFailure("\n".join(lines))
