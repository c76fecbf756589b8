"""What the selections after an award's first quota say about a decision: the place in each
later quota, a cap that is not known, and the budget (the amount granted, the rank, the fund
and what remained of it), read from the decision's row of the result frame."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from decimal import Decimal
from typing import Any

import attrs
import polars as pl

from emulation.evaluate.columns import (
    budget_column,
    cap_column,
    entered_column,
    group_column,
    outcome_column,
    quota_name,
    rank_column,
    tied_column,
)
from emulation.evaluate.quota import unset_parameters
from emulation.evaluate.ranking import peers
from emulation.results.decision import Reason
from emulation.results.per_award import once_per_award
from emulation.results.text import show
from emulation.rules.model import Award, Label, ParameterRef, ParameterValue, Quota

Shown = Callable[[Sequence[str]], tuple[str, ...]]


@attrs.frozen(kw_only=True)
class Selection:
    """The later selections of one decision."""

    #: The outcome the first quota gave (``granted`` when a later selection weighed the
    #: subject), to explain the first quota and the criteria with.
    earlier: str
    reasons: tuple[Reason, ...] = ()
    #: The budget: the amount granted (or asked, when not covered), the fund of the group,
    #: what remained of it, and the rank in the budget's ranking.
    amount: Decimal | None = None
    fund: Decimal | None = None
    remaining: Decimal | None = None
    rank: int | None = None
    #: The subjects sharing the rank of a subject tied across the fund's edge.
    tied_with: tuple[str, ...] = ()


@once_per_award
def _stages(award: Award) -> tuple[tuple[str, Quota], ...]:
    """:func:`_stages_of`, worked out once per award (an award never changes)."""
    return tuple(_stages_of(award))


def _stages_of(award: Award) -> list[tuple[str, Quota]]:
    """The quotas that mark whom they weigh (or may: a quota whose count, ratio or switch is
    a parameter marks them when it has no value), with the name they write under."""
    found = [(quota_name(award.id, i), q) for i, q in enumerate(award.more_quotas, start=2)]
    first = award.quota
    if first is not None and (
        first.count_by
        or first.group_fact is not None
        or isinstance(first.count, ParameterRef)
        or isinstance(first.ratio, ParameterRef)
        or isinstance(first.enabled, ParameterRef)
    ):
        found.insert(0, (award.id, first))
    return found


def selection_peers(
    frame: pl.DataFrame, award: Award, subjects: Sequence[str]
) -> dict[str, dict[str, tuple[str, ...]]]:
    """For each of ``subjects`` tied in a later quota or in the budget: the others of its tie,
    by the name the quota or budget writes under."""
    found: dict[str, dict[str, tuple[str, ...]]] = {}
    names = [name for name, _ in _stages(award)]
    columns = [(name, group_column(name), rank_column(name), tied_column(name)) for name in names]
    if award.budget is not None:
        part = "budget"
        columns.append(
            (
                part,
                budget_column(award.id, "group"),
                budget_column(award.id, "rank"),
                budget_column(award.id, "tied"),
            )
        )
    for name, group, rank, tied in columns:
        if group not in frame.columns:
            continue
        for sid, others in peers(frame, group, rank, tied, subjects).items():
            found.setdefault(sid, {})[name] = others
    return found


def selection_of(
    award: Award,
    row: Mapping[str, Any],
    tied: Mapping[str, tuple[str, ...]],
    shown: Shown,
    values: Mapping[str, ParameterValue | None] | None = None,
) -> Selection | None:
    """The later selections of ``row``'s decision, or None when ``award`` has none;
    ``values`` are the parameter values of the evaluation (to name those without one)."""
    values = values or {}
    stages = _stages(award)
    if not stages and award.budget is None:
        return None
    reasons: list[Reason] = []
    entered = False
    for name, quota in stages:
        if not row.get(entered_column(name)):
            continue
        if name != award.id:
            entered = True
        elif row.get(cap_column(name)) is not None:
            continue  # the first quota's place is explained with the criteria
        reason = _quota_reason(name, quota, row, shown(tied.get(name, ())), values)
        if reason is not None:
            reasons.append(reason)
            if reason.code == "quota_unknown":
                reasons.extend(_unset(quota.label, quota.basis, unset_parameters(quota, values)))
    outcome = str(row[outcome_column(award.id)])
    budget = award.budget
    if budget is None:
        return Selection(earlier="granted" if entered else outcome, reasons=tuple(reasons))
    state = row.get(budget_column(award.id, "state"))
    if state is None:
        return Selection(earlier="granted" if entered else outcome, reasons=tuple(reasons))

    def money(part: str) -> Decimal | None:
        value = row.get(budget_column(award.id, part))
        return None if value is None else plain(Decimal(value))

    rank = row.get(budget_column(award.id, "rank"))
    fund, remaining, left = money("fund"), money("remaining"), money("left")
    granted, asked = money("granted"), money("amount")
    params = {
        "rank": str(rank),
        "fund": show(fund),
        "remaining": show(remaining),
        "left": show(left),
        "amount": show(granted if state == "within" else asked),
    }
    if state == "unknown":
        params = {"missing": str(row.get(budget_column(award.id, "missing")) or "?")}
    elif state == "stopped":
        params["stopped"] = str(row.get(budget_column(award.id, "stopped_at")))
    elif state == "tied":
        params["tied"] = ", ".join(shown(tied.get("budget", ())))
    code = {
        "within": "within_budget",
        "over": "over_budget",
        "stopped": "budget_stopped",
        "tied": "budget_tie",
        "unknown": "budget_unknown",
    }[str(state)]
    reasons.append(Reason(code, _params(budget.label, budget.basis, params)))
    if state == "unknown":
        missing = [name for name in budget.parameters if values.get(name) is None]
        reasons.extend(_unset(budget.label, budget.basis, missing))
    return Selection(
        earlier="granted",
        reasons=tuple(reasons),
        amount=granted if state == "within" else asked,
        fund=fund,
        remaining=remaining,
        rank=rank,
        tied_with=tuple(tied.get("budget", ())) if state == "tied" else (),
    )


def with_selection(
    reasons: tuple[Reason, ...], selection: Selection | None, outcome: str
) -> tuple[Reason, ...]:
    """The reasons of the criteria and the first quota, with those of the later selections
    before the criteria met; no ``granted`` reason when a later selection refused."""
    if selection is None:
        return reasons
    kept = [r for r in reasons if r.code != "granted" or outcome == "granted"]
    at = next((i for i, r in enumerate(kept) if r.code == "criterion_met"), len(kept))
    return (*kept[:at], *selection.reasons, *kept[at:])


def _quota_reason(
    name: str,
    quota: Quota,
    row: Mapping[str, Any],
    tied: tuple[str, ...],
    values: Mapping[str, ParameterValue | None],
) -> Reason | None:
    """The place of a subject the quota written under ``name`` weighed."""
    rank, cap = row.get(rank_column(name)), row.get(cap_column(name))
    if cap is None:
        unset = unset_parameters(quota, values)
        if unset:
            missing = ", ".join(unset)
        elif quota.count_by:
            missing = f"{quota.group_type} of {row.get('parent') or '—'} in count_by"
        else:
            missing = str(quota.group_fact)
        return Reason("quota_unknown", _params(quota.label, quota.basis, {"missing": missing}))
    if rank is None:
        return None
    extra = {"rank": str(rank), "cap": str(cap), "of": ""}
    if rank > cap:
        code = "over_quota"
    elif tied and rank + len(tied) > cap:
        code = "tie_unresolved"
        extra["tied"] = ", ".join(tied)
    else:
        code = "within_quota"
    return Reason(code, _params(quota.label, quota.basis, extra))


def _unset(label: Label, basis: str, names: Sequence[str]) -> list[Reason]:
    """A ``parameter_unset`` reason for each parameter of a quota or a budget without a value."""
    return [Reason("parameter_unset", _params(label, basis, {"parameter": n})) for n in names]


def plain(amount: Decimal) -> Decimal:
    """``amount`` without the zeros its column's scale adds: ``3000000``, ``0.5``."""
    whole = amount.to_integral_value()
    return whole.quantize(Decimal(1)) if amount == whole else amount.normalize()


def _params(label: Label, basis: str, extra: Mapping[str, str]) -> tuple[tuple[str, str], ...]:
    items = {"label_vi": label.vi, "label_en": label.en, "basis": basis, **extra}
    return tuple(sorted(items.items()))
