"""Decisions built from the rows of an evaluation's result frames.

:meth:`emulation.Evaluation.decisions` reads each subject kind's rows once and hands each
(subject, award) row to a :class:`Builder`. What a decision shares with every other decision of
its award — the parameter values, the ruleset reference, the score sheets it reads, its bonus
money, the names of the subjects it may name — is worked out once per call, and what a rule
reads once per rule (:mod:`emulation.results.explanation`), not once per decision: one subject's
22 decisions cost a fraction of a millisecond of Python, and a run's outputs about as much per
decision as writing them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from decimal import Decimal
from functools import partial
from typing import Any

import attrs
import polars as pl

from emulation.evaluate.columns import (
    cap_column,
    denominator_column,
    group_column,
    outcome_column,
    rank_column,
)
from emulation.evaluate.money import BonusShown
from emulation.evaluate.steps import award_reads
from emulation.period import Period
from emulation.results.decision import Decision, QuotaPosition, RulesetRef
from emulation.results.explanation import CriteriaReader, criteria_reader, reasons_for
from emulation.results.paths import path_reasons, path_results
from emulation.results.per_award import once_per_award
from emulation.results.scores import score_result
from emulation.results.selection import selection_of, with_selection
from emulation.rules.model import Award, Ruleset, resolve
from emulation.rules.scores import ScoreSheet
from emulation.types import Label


@attrs.frozen
class _Shared:
    """What every decision of one award in one call shares."""

    values: Mapping[str, Any]
    criteria: CriteriaReader
    ruleset: RulesetRef
    #: The score sheets the award reads, with their rulesets, in the evaluation's order.
    sheets: tuple[tuple[ScoreSheet, Ruleset], ...]


@attrs.define
class Builder:
    """Builds the decisions of one :meth:`~emulation.Evaluation.decisions` call from the
    evaluation's fields (given one by one: this module does not import the evaluation)."""

    period: Period
    parameters: Mapping[str, Mapping[str, Any]]
    money_parameters: Mapping[str, Mapping[str, Any]]
    sheets: tuple[tuple[ScoreSheet, Ruleset], ...]
    engine_version: str
    subjects: pl.DataFrame
    decision_date: dt.date | None
    as_of: dt.date | None
    _shared: dict[str, _Shared] = attrs.field(factory=dict, init=False)
    _names: dict[str, Any] | None = attrs.field(default=None, init=False)
    #: The period as decisions write it.
    _period: str = attrs.field(init=False)
    #: The bonus money of a grant of each award that pays one (None: its values are unknown),
    #: worked out at the award's first grant.
    _bonuses: dict[str, BonusShown | None] = attrs.field(factory=dict, init=False)

    def __attrs_post_init__(self) -> None:
        self._period = str(self.period)

    def decision(
        self,
        subject: str,
        award: Award,
        ruleset: Ruleset,
        row: dict[str, Any],
        input_hash: str,
        peers: tuple[tuple[str, ...], tuple[str, ...]] = ((), ()),
        later: dict[str, tuple[str, ...]] | None = None,
        evidence: tuple[str, ...] = (),
    ) -> Decision:
        """The decision of ``subject`` on ``award`` from its ``row`` of the result frame."""
        shared = self._shared.get(award.id)
        if shared is None:
            shared = self._shared[award.id] = self._shared_of(award, ruleset)
        values = shared.values
        criteria = shared.criteria(row)
        outcome = row[outcome_column(award.id)]
        rank = row.get(rank_column(award.id))
        cap = row.get(cap_column(award.id)) if rank is not None else None
        position = None
        tied, unqualified = peers
        if award.quota is not None and rank is not None and cap is not None:
            position = QuotaPosition(
                label=award.quota.label,
                basis=award.quota.basis,
                rank=rank,
                cap=cap,
                denominator=row.get(denominator_column(award.id)),
                ratio=str(resolve(award.quota.ratio, values)),
                tied=self.shown(tied),
                unqualified=self.shown(unqualified),
                group=_group_of(row.get(group_column(award.id))),
            )
        bonus = None
        if award.bonus is not None and outcome == "granted":
            if award.id not in self._bonuses:
                self._bonuses[award.id] = self._bonus(award, ruleset)
            bonus = self._bonuses[award.id]
        # quotas after the first and the budget (results/selection.py)
        selection = selection_of(award, row, later or {}, self.shown, values)
        explained = outcome if selection is None else selection.earlier
        shown_period = self._period
        sheets = tuple(
            score_result(sheet, sheet_ruleset, row, shown_period)
            for sheet, sheet_ruleset in shared.sheets
        )
        paths = path_results(award, row)
        explain = partial(path_reasons, paths=paths) if paths else reasons_for
        return Decision(
            subject=subject,
            award=award.id,
            award_label=award.label,
            period=shown_period,
            outcome=outcome,
            criteria=criteria,
            reasons=with_selection(
                explain(explained, award.label, criteria, position, bonus), selection, outcome
            )
            + tuple(reason for sheet in sheets for reason in sheet.reasons),
            paths=paths,
            scores=sheets,
            ruleset=shared.ruleset,
            engine_version=self.engine_version,
            input_hash=input_hash,
            rank=rank if rank is not None or selection is None else selection.rank,
            cap=cap,
            bonus=None if bonus is None else bonus.amount,
            evidence=evidence,
            tied_with=tied or (() if selection is None else selection.tied_with),
            amount=None if selection is None else selection.amount,
            fund=None if selection is None else selection.fund,
            fund_remaining=None if selection is None else selection.remaining,
        )

    def _shared_of(self, award: Award, ruleset: Ruleset) -> _Shared:
        read = _sheets_read(award)
        values = self.parameters.get(ruleset.id, {})
        return _Shared(
            values=values,
            criteria=criteria_reader(award, values, self.period),
            ruleset=RulesetRef(
                id=ruleset.id, version=ruleset.version, content_hash=ruleset.content_hash
            ),
            sheets=tuple(pair for pair in self.sheets if pair[0].id in read),
        )

    def _bonus(self, award: Award, ruleset: Ruleset) -> BonusShown | None:
        """The bonus money of ``award`` granted, its parameters read on the decision date
        (Decree 152/2025 Art 49(1)); None when the coefficient or the base has no value."""
        spec = award.bonus
        assert spec is not None
        values = self.money_parameters.get(ruleset.id, self.parameters.get(ruleset.id, {}))
        base = values.get(spec.base)
        coefficient = resolve(spec.coefficient, values)
        if base is None or coefficient is None:
            return None
        step = int(resolve(spec.round_up_to, values) or 1)
        day = self.decision_date or self.as_of or self.period.end
        declared = ruleset.parameters.get(spec.base)
        return BonusShown(
            amount=spec.amount(Decimal(str(coefficient)), base, step),
            coefficient=str(coefficient),
            base=f"{Decimal(base):f}",
            step=str(step),
            basis=spec.basis,
            base_label=declared.label
            if declared is not None
            else Label(vi=spec.base, en=spec.base),
            day=day,
            default_day=self.decision_date is None,
        )

    def shown(self, subjects: Sequence[str]) -> tuple[str, ...]:
        """Subjects as people read them: ``name (id)``, or the id of a subject without name."""
        if not subjects:
            return ()
        if self._names is None:
            # every name of the population, read once per call when a decision names others
            self._names = dict(self.subjects.select("id", "name").iter_rows())
        names = self._names
        return tuple(f"{names[s]} ({s})" if names.get(s) else s for s in subjects)


@once_per_award
def _sheets_read(award: Award) -> frozenset[str]:
    """The ids of the score sheets ``award`` reads, worked out once per award."""
    return frozenset(award_reads(award))


def _group_of(group: str | None) -> str:
    """A quota group as shown to people (a subject ranked alone is its own group)."""
    return (group or "").removeprefix("\x00")
