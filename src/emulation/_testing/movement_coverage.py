"""Coverage of score sheets and KPIs: which parts of a movement the case files have seen both
ways. Kept apart from the rules' criterion coverage (:mod:`emulation._testing.coverage`),
whose figures keep their meaning; the report shows both and a threshold applies to each.

Per score sheet: each item seen at 0 and positive, and within and above its maximum; each
group whose maximum is below its items' sum, and the bonus and the deduction, within and
above their caps; each band reached and not; each floor held and failed; each knock-out and
grade cap applied and not. Per KPI: met and not met (at some node). Unknown values cover
nothing.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

import attrs

from emulation._testing.coverage_table import coverage_table
from emulation.results.evaluation import Evaluation
from emulation.rules.model import Ruleset
from emulation.rules.scores import ScoreSheet

#: (ruleset id, version, "sheet" or "kpi", sheet or KPI id, part, what is seen)
TargetKey = tuple[str, str, str, str, str, str]

#: What each kind of target must be seen as, both ways, and how the ways are named.
WAYS = {
    "zero": ("at 0", "positive"),
    "cap": ("within its maximum", "above its maximum"),
    "band": ("reached", "not reached"),
    "floor": ("held", "failed"),
    "knockout": ("applied", "not applied"),
    "grade_cap": ("applied", "not applied"),
    "kpi": ("met", "not met"),
}


@attrs.frozen(kw_only=True)
class TargetCoverage:
    """One part of a sheet or KPI and the ways it was seen (True: the first way)."""

    key: TargetKey
    seen: frozenset[bool | None]

    @property
    def covered(self) -> bool:
        return {True, False} <= self.seen

    @property
    def missing(self) -> str:
        first, second = WAYS[self.key[5]]
        if not self.seen - {None}:
            return "never known" if self.seen else "never evaluated"
        return f"never {second}" if True in self.seen else f"never {first}"


@attrs.frozen
class MovementReport:
    """Coverage of every part of every sheet and KPI, sorted."""

    targets: tuple[TargetCoverage, ...] = ()

    @property
    def total(self) -> int:
        return len(self.targets)

    @property
    def covered(self) -> int:
        return sum(t.covered for t in self.targets)

    @property
    def percent(self) -> float:
        """Covered parts in percent (100 when there is none)."""
        return 100.0 * self.covered / self.total if self.total else 100.0

    def lines(self) -> list[str]:
        """A table by sheet and KPI, the total, and every part not covered (nothing when the
        rulesets have no sheet or KPI)."""
        if not self.targets:
            return []
        groups: dict[str, list[TargetCoverage]] = {}
        for target in self.targets:
            key = target.key
            groups.setdefault(f"{key[0]} {key[1]} {key[2]} {key[3]}", []).append(target)
        gaps = [
            f"{t.key[0]} {t.key[1]}: {t.key[2]} {t.key[3]}: {t.key[4]} "
            f"({' / '.join(WAYS[t.key[5]])}): {t.missing}"
            for t in self.targets
            if not t.covered
        ]
        lines = coverage_table("score sheet and KPI coverage (parts seen both ways):", groups, gaps)
        return lines


@attrs.define
class MovementCoverage:
    """Collects the parts of sheets and KPIs to cover and the ways evaluations showed them."""

    seen: dict[TargetKey, set[bool | None]] = attrs.field(factory=dict)

    def add_rulesets(self, rulesets: Iterable[Ruleset]) -> None:
        """Count every part of every sheet and KPI of ``rulesets``."""
        for ruleset in rulesets:
            head = (ruleset.id, ruleset.version)
            for sheet in ruleset.scores.values():
                for key in _sheet_targets(sheet):
                    self.seen.setdefault((*head, "sheet", sheet.id, *key), set())
            for kpi in ruleset.kpis.values():
                self.seen.setdefault((*head, "kpi", kpi.id, "outcome", "kpi"), set())

    def record(self, evaluation: Evaluation) -> None:
        """Note how every sheet and KPI of ``evaluation`` came out."""
        for result in evaluation.score_results():
            base = (result.ruleset.id, result.ruleset.version, "sheet", result.score)
            for item in result.items:
                self._see((*base, f"item {item.id}", "zero"), _zero(item.points))
                self._see((*base, f"item {item.id}", "cap"), _within(item.raw, item.max))
            for group in result.groups:
                self._see((*base, f"group {group.id}", "cap"), _within(group.raw, group.max))
            for part in (result.bonus, result.deduction):
                if part is not None:
                    self._see((*base, part.id, "cap"), _within(part.raw, part.max))
            for band in _bands(evaluation, result.score):
                self._see(
                    (*base, f"band {band}", "band"),
                    None if result.band is None else result.band == band,
                )
            for check in result.checks:
                kind = {"floor": "floor", "knockout": "knockout"}.get(check.kind, "grade_cap")
                self._see((*base, f"{check.kind} {check.id}", kind), check.value)
        for kpi in evaluation.kpi_results():
            met = {"met": True, "not_met": False}.get(kpi.outcome)
            self._see((kpi.ruleset, kpi.version, "kpi", kpi.kpi, "outcome", "kpi"), met)

    def _see(self, key: TargetKey, value: bool | None) -> None:
        if key in self.seen:
            self.seen[key].add(value)

    def report(self) -> MovementReport:
        return MovementReport(
            tuple(
                TargetCoverage(key=key, seen=frozenset(values))
                for key, values in sorted(self.seen.items())
            )
        )


def _sheet_targets(sheet: ScoreSheet) -> list[tuple[str, str]]:
    """(part, what is seen) of every target of ``sheet``; a group whose maximum its items
    cannot pass has no cap to see."""
    found: list[tuple[str, str]] = []
    for item in sheet.items:
        found += [(f"item {item.id}", "zero"), (f"item {item.id}", "cap")]
    for group in sheet.groups:
        if group.max < sum((i.max for i in sheet.items if i.group == group.id), Decimal(0)):
            found.append((f"group {group.id}", "cap"))
    found += [(name, "cap") for name in ("bonus", "deduction") if getattr(sheet, name)]
    found += [(f"band {b.id}", "band") for b in sheet.bands]
    found += [(f"floor {f.id}", "floor") for f in sheet.floors]
    found += [(f"knockout {k.id}", "knockout") for k in sheet.knockouts]
    found += [(f"cap {c.id}", "grade_cap") for c in sheet.caps]
    return found


def _bands(evaluation: Evaluation, score: str) -> tuple[str, ...]:
    return next((s.band_order for s, _ in evaluation.sheets if s.id == score), ())


def _zero(points: Decimal | None) -> bool | None:
    return None if points is None else points == 0


def _within(raw: Decimal | None, most: Decimal) -> bool | None:
    return None if raw is None else raw <= most
