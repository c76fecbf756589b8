"""Criterion coverage: which rules the case files have seen both true and false.

Every rule (criterion, exclusion, blocking state) of every loaded ruleset version counts; a
rule is covered once some decision showed it true and some decision showed it false. Unknown
(missing data) is recorded and reported but covers nothing. The pytest plugin and
``emulation test`` feed it the decisions of every case they run.
"""

from __future__ import annotations

from collections.abc import Iterable

import attrs

from emulation._testing.coverage_table import coverage_table
from emulation._testing.movement_coverage import MovementCoverage, MovementReport
from emulation.results.decision import Decision
from emulation.results.evaluation import Evaluation
from emulation.rules.model import Role, Ruleset

#: (ruleset id, version, award, rule)
RuleKey = tuple[str, str, str, str]


@attrs.frozen(kw_only=True)
class RuleCoverage:
    """The values one rule was seen to take."""

    key: RuleKey
    role: Role
    seen: frozenset[bool | None]

    @property
    def covered(self) -> bool:
        """Seen both true and false."""
        return {True, False} <= self.seen

    @property
    def missing(self) -> str:
        """What was never seen: ``never true``, ``never false`` or ``never evaluated``."""
        if not self.seen - {None}:
            return "never true or false" if self.seen else "never evaluated"
        return "never false" if True in self.seen else "never true"


@attrs.frozen
class CoverageReport:
    """Coverage of every rule, sorted by ruleset, version, award and rule."""

    rules: tuple[RuleCoverage, ...]
    #: Score sheets and KPIs, reported apart (see :mod:`emulation._testing.movement_coverage`).
    movements: MovementReport = attrs.field(factory=MovementReport)

    @property
    def total(self) -> int:
        return len(self.rules)

    @property
    def covered(self) -> int:
        return sum(rule.covered for rule in self.rules)

    @property
    def percent(self) -> float:
        """Covered rules in percent (100 when there is no rule)."""
        return 100.0 * self.covered / self.total if self.total else 100.0

    def format(self) -> str:
        """A table by ruleset version, the total, and every rule not covered."""
        versions: dict[str, list[RuleCoverage]] = {}
        for rule in self.rules:
            versions.setdefault(f"{rule.key[0]} {rule.key[1]}", []).append(rule)
        gaps = [
            f"{r.key[0]} {r.key[1]}: {r.key[2]}.{r.key[3]} ({r.role}): {r.missing}"
            for r in self.rules
            if not r.covered
        ]
        lines = coverage_table(
            "criterion coverage (rules seen both true and false):", versions, gaps
        )
        lines.extend(self.movements.lines())
        return "\n".join(lines)

    def below(self, minimum: float) -> list[str]:
        """What falls short of ``minimum`` percent: the rules' coverage, and that of the
        score sheets and KPIs (when there are any), each as ``"coverage 80.0 %"`` or
        ``"score sheet and KPI coverage 75.0 %"``."""
        found = []
        if self.percent < minimum:
            found.append(f"coverage {self.percent:.1f} %")
        if self.movements.total and self.movements.percent < minimum:
            found.append(f"score sheet and KPI coverage {self.movements.percent:.1f} %")
        return found


@attrs.define
class Coverage:
    """Collects the rules to cover and the values decisions showed for them."""

    roles: dict[RuleKey, Role] = attrs.field(factory=dict)
    seen: dict[RuleKey, set[bool | None]] = attrs.field(factory=dict)
    movements: MovementCoverage = attrs.field(factory=MovementCoverage)

    def add_rulesets(self, rulesets: Iterable[Ruleset]) -> None:
        """Count every rule of ``rulesets``."""
        for ruleset in rulesets:
            for award in ruleset.awards.values():
                for rule in award.rules:
                    self.roles[(ruleset.id, ruleset.version, award.id, rule.id)] = rule.role

    def record(self, decisions: Iterable[Decision]) -> None:
        """Note the value of every rule of every decision."""
        for decision in decisions:
            ref = decision.ruleset
            for criterion in decision.criteria:
                key = (ref.id, ref.version, decision.award, criterion.id)
                self.seen.setdefault(key, set()).add(criterion.value)

    def report(self) -> CoverageReport:
        """The coverage of every rule added so far."""
        return CoverageReport(
            tuple(
                RuleCoverage(key=key, role=role, seen=frozenset(self.seen.get(key, ())))
                for key, role in sorted(self.roles.items())
            ),
            movements=self.movements.report(),
        )

    # -- score sheets and KPIs (apart from the rules) ----------------------------------------

    def add_movements(self, rulesets: Iterable[Ruleset]) -> None:
        """Count every part of every score sheet and KPI of ``rulesets``."""
        self.movements.add_rulesets(rulesets)

    def record_movements(self, evaluation: Evaluation) -> None:
        """Note how the score sheets and KPIs of ``evaluation`` came out."""
        self.movements.record(evaluation)
