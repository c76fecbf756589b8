"""An engine with one criterion of one award replaced by another expression: how the language
fuzzers (``tests/lang/test_fuzz_language.py``, ``benchmarks/fuzz_language.py``) decide a rule
they generated, on real rules and real data, without writing a ruleset file."""

from __future__ import annotations

import attrs

from emulation.engine import Engine
from emulation.lang.nodes import Node, calls_within
from emulation.lang.scope import Scope
from emulation.rules.loader import SUBJECT_FACTS
from emulation.rules.model import Ruleset
from emulation.types import AwardId


def ruleset_of(engine: Engine, award: str, period: str) -> Ruleset:
    """The ruleset in force in ``period`` that defines ``award``."""
    return next(r for r in engine.rulesets_in_force(period) if award in r.awards)


def scope_of(engine: Engine, ruleset: Ruleset) -> Scope:
    """What an expression of ``ruleset`` may name, as the loader checks it."""
    return Scope(
        facts={**SUBJECT_FACTS, **ruleset.facts},
        parameters=ruleset.parameters,
        functions=engine.functions,
        awards=frozenset(a for r in engine.rulesets for a in r.awards),
        services=frozenset(ruleset.services),
    )


def awards_read(node: Node) -> set[str]:
    """The awards whose decision in the same period ``node`` reads."""
    return {
        value
        for call in calls_within(node)
        for name, value in call.arguments
        if any(
            a.name == name and a.kind == "award" and a.reads_current
            for a in call.function.arguments
        )
    }


def readers_of(engine: Engine, award: str) -> frozenset[str]:
    """The awards that read ``award``'s decision, directly or not."""
    found: set[str] = set()
    pending = [award]
    while pending:
        current = pending.pop()
        for ruleset in engine.rulesets:
            for other in ruleset.awards.values():
                if current in other.depends_on and other.id not in found:
                    found.add(other.id)
                    pending.append(other.id)
    return frozenset(found)


def with_criterion(
    engine: Engine, ruleset: Ruleset, award: str, index: int, node: Node, source: str
) -> Engine | None:
    """``engine`` with rule ``index`` of ``award`` (in ``ruleset``) replaced by ``source``
    (checked as ``node``); None when the rule would read an award that reads ``award`` (a
    cycle, refused at load)."""
    reads = awards_read(node)
    if reads & {award, *readers_of(engine, award)}:
        return None
    old = ruleset.awards[AwardId(award)]
    rules = list(old.rules)
    rules[index] = attrs.evolve(rules[index], expr=source, node=node)
    changed = attrs.evolve(
        old, rules=tuple(rules), depends_on=old.depends_on | {AwardId(a) for a in reads}
    )
    new = attrs.evolve(ruleset, awards={**ruleset.awards, old.id: changed})
    return attrs.evolve(engine, rulesets=tuple(new if r is ruleset else r for r in engine.rulesets))
