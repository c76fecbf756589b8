"""What explains a decision, read from its row of the result frame: each rule's value with the
inputs it read and, for a numeric comparison, the gap; then the reasons for the outcome.

The reasons name what made the outcome what it is, with their legal bases: for a granted
award its quota place, bonus and every criterion met; otherwise the rules that failed, applied
or could not be judged, and how far a near miss is from its threshold.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from decimal import ROUND_CEILING, Decimal
from typing import Any

import attrs

from emulation.evaluate.columns import gap_columns, outcome_column, rule_column
from emulation.evaluate.money import BonusShown
from emulation.evaluate.query import comparison
from emulation.evaluate.windows import takes_anchor, window_key
from emulation.lang.nodes import Call, Compare, walk_conditions
from emulation.period import Period
from emulation.results.decision import CriterionResult, Gap, QuotaPosition, Reason
from emulation.results.per_award import once_per_award
from emulation.results.text import show
from emulation.rules.model import Award, Label, Rule


@attrs.frozen
class _Reads:
    """What :func:`criterion_result` reads for one rule of one award, worked out once from
    the rule's tree (a tree never changes): the same for every row."""

    #: The facts the rule reads, sorted.
    facts: tuple[str, ...]
    #: The parameters the rule and the conditions its calls hold read, sorted.
    params: tuple[str, ...]
    #: ``(input name, column)`` of each call's value, its window and the outcomes of the
    #: awards it reads, in that order; each read when its column is in the row.
    keyed: tuple[tuple[str, str], ...]
    #: The rule's own column.
    column: str
    #: For a rule that compares two numbers: its comparison and the two columns of its sides.
    compared: Compare | None
    has_column: str
    needs_column: str


def _reads_of(award: Award, rule: Rule) -> _Reads:
    keyed: list[tuple[str, str]] = []
    for call in rule.node.calls:
        keyed.append((call.text, call.key))
        bound = dict(call.arguments)
        if takes_anchor(call.function):
            keyed.append((f"{call.text}.window", window_key(call.function.name, bound)))
        for argument in call.function.arguments:
            if argument.kind == "award" and argument.reads_current:
                dependency = bound[argument.name]
                keyed.append((f"{dependency}.outcome", outcome_column(dependency)))
    has_column, needs_column = gap_columns(award.id, rule.id)
    return _Reads(
        facts=tuple(sorted(rule.node.facts)),
        # the parameters a condition argument reads count too (its facts are other subjects')
        params=tuple(sorted({name for part in walk_conditions(rule.node) for name in part.params})),
        keyed=tuple(keyed),
        column=rule_column(award.id, rule.id),
        compared=comparison(rule.node),
        has_column=has_column,
        needs_column=needs_column,
    )


@once_per_award
def rule_reads(award: Award) -> tuple[tuple[Rule, _Reads], ...]:
    """Each rule of ``award`` with what it reads, worked out once per award."""
    return tuple((rule, _reads_of(award, rule)) for rule in award.rules)


def _gap(reads: _Reads, row: dict[str, Any], period: Period) -> Gap | None:
    """Both sides of a rule that compares two numbers, and when time alone could close it."""
    compared = reads.compared
    if compared is None or reads.has_column not in row:
        return None
    has, needs = row[reads.has_column], row[reads.needs_column]
    first = None
    grows = compared.left.function.grows_per_period if isinstance(compared.left, Call) else None
    if grows and has is not None and needs is not None and compared.op in (">=", ">"):
        short = Decimal(str(needs)) - Decimal(str(has))
        if short > 0 or (short == 0 and compared.op == ">"):
            steps = int((short / grows).to_integral_value(rounding=ROUND_CEILING))
            if compared.op == ">" and short % grows == 0:
                steps += 1
            first = str(period.back(-steps))
    unit = compared.left.function.unit if isinstance(compared.left, Call) else None
    return Gap(op=compared.op, has=has, needs=needs, first_period=first, unit=unit)


@attrs.frozen
class CriteriaReader:
    """Reads the criteria of one award from rows of its result frame, for one set of
    parameter values: what each rule reads and the parameters' part of its inputs are
    worked out once, the rows' part once per row."""

    period: Period
    #: Each rule with what it reads, its parameters as inputs, and those without a value.
    rules: tuple[tuple[Rule, _Reads, tuple[tuple[str, Any], ...], tuple[str, ...]], ...]

    def __call__(self, row: dict[str, Any]) -> tuple[CriterionResult, ...]:
        """The value of every rule in ``row``, with the inputs it read (facts, parameters,
        the value of each call, the outcomes of the awards it reads) and its gap."""
        period = self.period
        found = []
        for rule, reads, params, unset in self.rules:
            inputs = [(name, row.get(name)) for name in reads.facts]
            inputs += params
            inputs += [(name, row[key]) for name, key in reads.keyed if key in row]
            found.append(
                CriterionResult(
                    id=rule.id,
                    role=rule.role,
                    value=row[reads.column],
                    label=rule.label,
                    basis=rule.basis,
                    certainty=rule.certainty,
                    inputs=tuple(inputs),
                    gap=_gap(reads, row, period),
                    path=rule.path,
                    unset=unset,
                )
            )
        return tuple(found)


def criteria_reader(award: Award, parameters: Mapping[str, Any], period: Period) -> CriteriaReader:
    """The :class:`CriteriaReader` of ``award``'s rules with the ``parameters`` values."""
    rules = []
    for rule, reads in rule_reads(award):
        params = tuple((name, parameters.get(name)) for name in reads.params)
        unset = tuple(name for name, value in params if value is None)
        rules.append((rule, reads, params, unset))
    return CriteriaReader(period=period, rules=tuple(rules))


def reasons_for(
    outcome: str,
    award_label: Label,
    criteria: tuple[CriterionResult, ...],
    quota: QuotaPosition | None = None,
    bonus: BonusShown | None = None,
) -> tuple[Reason, ...]:
    """The reasons of a decision: what made the outcome what it is, with legal bases.

    ``bonus`` is the bonus money of a granted award that pays one, as it was computed.
    """
    reasons: list[Reason] = []
    if outcome in ("granted", "eligible_over_quota", "tied"):
        if outcome == "granted":
            reasons.append(_granted(award_label))
        if quota is not None:
            of = "" if quota.denominator is None else f" = {quota.ratio} × {quota.denominator}"
            code = {"granted": "within_quota", "tied": "tie_unresolved"}.get(outcome, "over_quota")
            extra = {"rank": str(quota.rank), "cap": str(quota.cap), "of": of}
            if outcome == "tied":
                extra["tied"] = ", ".join(quota.tied)
            reasons.append(Reason(code, _params(quota.label, quota.basis, extra)))
            if outcome == "eligible_over_quota" and quota.unqualified:
                extra = {"leaders": ", ".join(quota.unqualified), "group": quota.group}
                reasons.append(
                    Reason("leader_not_qualified", _params(quota.label, quota.basis, extra))
                )
        if bonus is not None and outcome == "granted":
            reasons.append(_bonus(award_label, bonus))
        reasons.extend(_met(c.label, c.basis, c.id) for c in criteria if c.role == "criterion")
        return tuple(reasons)
    for criterion in criteria:
        found = _code(outcome, criterion)
        if found is None:
            continue
        code = found
        extra = {"criterion": criterion.id, "values": _values(criterion.inputs)}
        if criterion.value is None:
            missing = [name for name, value in criterion.inputs if value in (None, "data_missing")]
            extra["missing"] = ", ".join(missing) or "?"
        reasons.append(Reason(code, _params(criterion.label, criterion.basis, extra)))
        if criterion.value is None:
            # a parameter with no value for the period: say which one to set, and how
            reasons.extend(
                Reason(
                    "parameter_unset",
                    _params(
                        criterion.label,
                        criterion.basis,
                        {"criterion": criterion.id, "parameter": name},
                    ),
                )
                for name in criterion.unset
            )
        gap = criterion.gap
        if code == "criterion_failed" and gap is not None and gap.has is not None:
            numbers = {
                "criterion": criterion.id,
                "op": {">=": "≥", "<=": "≤"}.get(gap.op, gap.op),
                "needs": show(gap.needs, "short_signed"),
                "has": show(gap.has, "short_signed"),
            }
            if gap.first_period is not None:
                numbers["first_period"] = gap.first_period
            if gap.unit is not None:
                numbers["unit"] = gap.unit
            kind = "gap_in_time" if gap.first_period is not None else "gap"
            reasons.append(Reason(kind, _params(criterion.label, criterion.basis, numbers)))
    return tuple(reasons)


@functools.lru_cache(maxsize=4096)
def _granted(award_label: Label) -> Reason:
    """The ``granted`` reason of an award (the same for every grant: made once)."""
    return Reason("granted", _params(award_label, "", {}))


@functools.lru_cache(maxsize=4096)
def _bonus(award_label: Label, bonus: BonusShown) -> Reason:
    """The ``bonus`` reason of an award's grants (the same for every grant: made once)."""
    return Reason("bonus", _params(award_label, bonus.basis, bonus.params()))


@functools.lru_cache(maxsize=4096)
def _met(label: Label, basis: str, criterion: str) -> Reason:
    """The ``criterion_met`` reason of a criterion (the same for every subject: made once)."""
    return Reason("criterion_met", _params(label, basis, {"criterion": criterion}))


def _code(outcome: str, criterion: CriterionResult) -> str | None:
    role, value = criterion.role, criterion.value
    if outcome == "blocked":
        return "blocked" if role == "blocking" and value is True else None
    if outcome == "not_eligible":
        if role == "exclusion" and value is True:
            return "exclusion_applies"
        if role == "criterion" and value is False:
            return "criterion_failed"
        return None
    if outcome == "data_missing" and value is None:
        return {"criterion": "criterion_unknown", "exclusion": "exclusion_unknown"}.get(
            role, "blocking_unknown"
        )
    return None


def _params(label: Label, basis: str, extra: Mapping[str, str]) -> tuple[tuple[str, str], ...]:
    items = {"label_vi": label.vi, "label_en": label.en, "basis": basis, **extra}
    return tuple(sorted(items.items()))


def _values(inputs: tuple[tuple[str, Any], ...]) -> str:
    return ", ".join(f"{name}={show(value, 'short_signed')}" for name, value in inputs) or "—"
