"""What the awards in force read beyond one subject, for a run decided in chunks
(:mod:`emulation._evaluate_cli`): whether they need the whole population at once, over which
groups they rank or spend, which facts name groups, and whether a collective's decision reads
the collectives below it. Read from the rulesets alone, before any data.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from emulation.i18n import Message
from emulation.lang.nodes import Node, calls_within
from emulation.rules.model import Award, Ruleset


def whole_reason(rulesets: Sequence[Ruleset], awards: list[str] | None) -> Message | None:
    """Why the awards decided with ``rulesets`` (those named in ``awards``, or all) must be
    decided over the whole population at once, or None when whole quota groups may be
    decided apart."""
    decided = _decided(rulesets, awards)
    for award in decided:
        for quota in award.quotas:
            if quota.per == "population" or (quota.per == "fact" and not quota.group_fact):
                return Message(
                    'award "{award}" has a quota over the whole population', award=award.id
                )
        budget = award.budget
        if budget is not None and (
            budget.per == "population" or (budget.per == "fact" and not budget.group_fact)
        ):
            return Message('award "{award}" has a budget over the whole population', award=award.id)
    for ruleset in rulesets:
        for item in ruleset.standings.values():
            if item.per == "population":
                return Message(
                    'standings "{standings}" rank the whole population', standings=item.id
                )
        if ruleset.kpis and not awards:
            return Message("KPIs are evaluated over the organisation tree")
    return None


def scopes(rulesets: Iterable[Ruleset], awards: list[str] | None) -> set[str]:
    """The groups the quotas, budgets and standings decided rank or spend over."""
    found = {
        spec.per
        for award in _decided(rulesets, awards)
        for spec in (*award.quotas, award.budget)
        if spec is not None
    }
    return found | {item.per for ruleset in rulesets for item in ruleset.standings.values()}


def group_facts(rulesets: Sequence[Ruleset], awards: list[str] | None) -> tuple[str, ...]:
    """The facts naming the groups of the quotas and budgets ``per = "fact"`` decided."""
    found = set()
    for award in _decided(rulesets, awards):
        for spec in (*award.quotas, award.budget):
            if spec is not None and spec.per == "fact" and spec.group_fact:
                found.add(spec.group_fact)
    return tuple(sorted(found))


def _decided(rulesets: Iterable[Ruleset], awards: list[str] | None) -> list[Award]:
    """The awards an evaluation decides: those named and what they depend on, or all."""
    known: dict[str, Award] = {a.id: a for r in rulesets for a in r.awards.values()}
    if not awards:
        return list(known.values())
    found: dict[str, Award] = {}
    todo = [name for name in awards if name in known]
    while todo:
        name = todo.pop()
        if name not in found:
            found[name] = known[name]
            todo.extend(d for d in known[name].depends_on if d in known)
    return list(found.values())


#: Functions that read the collectives below a collective, not only its own members.
CHILD_FUNCTIONS = frozenset({"child_share", "child_count"})


def reads_up_the_tree(rulesets: Iterable[Ruleset], awards: list[str] | None) -> bool:
    """Whether a collective's decision may read collectives below it, so that a collective
    must be decided with the one above it: a collective award ranked or funded per unit, a
    collective standings per unit, or a call of :data:`CHILD_FUNCTIONS` or with ``scope =
    "subtree"`` anywhere in the awards decided (their rules, ranking keys and budgets) or in
    the score sheets."""
    decided = _decided(rulesets, awards)
    for award in decided:
        if award.subject == "collective" and any(
            spec is not None and spec.per == "unit" for spec in (*award.quotas, award.budget)
        ):
            return True
    nodes: list[Node] = []
    for award in decided:
        nodes += [rule.node for rule in award.rules]
        nodes += [key.node for quota in award.quotas for key in quota.rank]
        nodes += list(award.budget.nodes) if award.budget is not None else []
    for ruleset in rulesets:
        nodes += [n for sheet in ruleset.scores.values() for n in sheet.nodes]
        for item in ruleset.standings.values():
            if item.subject == "collective" and item.per == "unit":
                return True
            nodes += [key.node for key in item.rank]
    return any(
        call.function.name in CHILD_FUNCTIONS or dict(call.arguments).get("scope") == "subtree"
        for node in nodes
        for call in calls_within(node)
    )
