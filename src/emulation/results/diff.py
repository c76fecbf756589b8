"""What changes if: the decisions of one population for one period under two rule sets.

:func:`diff_evaluations` sets the decisions of a "before" evaluation against those of an
"after" one (other rulesets, other parameter values) and gives a :class:`Diff` naming every
decision that changes: its outcome, the criteria whose value changes, rank, cap and bonus.
:meth:`emulation.Engine.diff` evaluates both sides and compares them; ``emulation diff``
prints the result as a table, JSON or CSV.

A decision changes when its outcome, the value of one of its criteria (or the set of its
criteria), its rank, its cap or its bonus differs; which ruleset version decided, the
inputs a criterion read and the wording of the reasons are not compared by themselves.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Mapping
from decimal import Decimal
from typing import Any, Literal

import attrs

from emulation.i18n import C_, translator
from emulation.messages import outcome_label
from emulation.results.decision import Decision
from emulation.results.evaluation import Evaluation
from emulation.results.json_diff import field_differences
from emulation.results.text import MARKS, show
from emulation.rules.model import Label
from emulation.types import Language

#: How a decision changes: granted after but not before, granted before but not after, or
#: otherwise (another refusal, another rank, cap or bonus).
Change = Literal["gained", "lost", "changed"]

#: The value of a criterion a side does not have (its decision lacks it, or has no decision).
ABSENT = "absent"

#: The output formats of :meth:`Diff.render`.
FORMATS = ("csv", "json", "table")


@attrs.frozen(kw_only=True)
class CriterionChange:
    """A criterion whose value differs: True, False, None (unknown) or ``"absent"``."""

    id: str
    label: Label
    before: bool | str | None
    after: bool | str | None

    def to_dict(self, lang: Language = "vi") -> dict[str, Any]:
        """JSON-ready form."""
        return {
            "id": self.id,
            "label": self.label.get(lang),
            "before": self.before,
            "after": self.after,
        }


@attrs.frozen(kw_only=True)
class DecisionChange:
    """One subject's decision for one award, before and after; a side without a decision
    (the award not in force, or the subject not a candidate, on that side) is None."""

    subject: str
    award: str
    award_label: Label
    before: Decision | None
    after: Decision | None
    criteria: tuple[CriterionChange, ...]
    #: The paths, in a decision's JSON form, of the compared values that differ.
    fields: tuple[str, ...]

    @property
    def outcome_before(self) -> str | None:
        """The outcome before, or None without a decision."""
        return None if self.before is None else self.before.outcome

    @property
    def outcome_after(self) -> str | None:
        """The outcome after, or None without a decision."""
        return None if self.after is None else self.after.outcome

    @property
    def change(self) -> Change:
        """``gained``, ``lost`` or ``changed``."""
        before, after = self.outcome_before == "granted", self.outcome_after == "granted"
        if after and not before:
            return "gained"
        if before and not after:
            return "lost"
        return "changed"

    @property
    def bonus_change(self) -> Decimal:
        """The bonus after less the bonus before, a missing bonus counting as zero."""
        return _money(self.after) - _money(self.before)

    def to_dict(self, lang: Language = "vi") -> dict[str, Any]:
        """JSON-ready form."""
        before, after = self.before, self.after
        return {
            "subject": self.subject,
            "award": self.award,
            "award_label": self.award_label.get(lang),
            "change": self.change,
            "outcome": {"before": self.outcome_before, "after": self.outcome_after},
            "criteria": [criterion.to_dict(lang) for criterion in self.criteria],
            "rank": {"before": _get(before, "rank"), "after": _get(after, "rank")},
            "cap": {"before": _get(before, "cap"), "after": _get(after, "cap")},
            "bonus": {
                "before": _text(_get(before, "bonus")),
                "after": _text(_get(after, "bonus")),
                "change": str(self.bonus_change),
            },
            "fields": list(self.fields),
        }


@attrs.frozen(kw_only=True)
class AwardCount:
    """How many decisions of one award gain, lose or change otherwise, and the change in
    bonus money they add up to."""

    award: str
    label: Label
    gained: int = 0
    lost: int = 0
    changed: int = 0
    bonus_change: Decimal = Decimal(0)

    def to_dict(self, lang: Language = "vi") -> dict[str, Any]:
        """JSON-ready form."""
        return {
            "award": self.award,
            "label": self.label.get(lang),
            "gained": self.gained,
            "lost": self.lost,
            "changed": self.changed,
            "bonus_change": str(self.bonus_change),
        }


@attrs.frozen(kw_only=True)
class Diff:
    """Every decision that changes between two evaluations of one period, sorted by subject
    then award; ``compared`` counts the distinct ``(subject, award)`` of both sides."""

    period: str
    compared: int
    changes: tuple[DecisionChange, ...]

    @property
    def same(self) -> bool:
        """True when no decision changes."""
        return not self.changes

    @property
    def bonus_change(self) -> Decimal:
        """The total change in bonus money, exact."""
        return sum((change.bonus_change for change in self.changes), Decimal(0))

    def counts(self) -> tuple[AwardCount, ...]:
        """Per award with a change, sorted by id: how many gain, lose or change otherwise."""
        found: dict[str, AwardCount] = {}
        for change in self.changes:
            count = found.get(change.award) or AwardCount(
                award=change.award, label=change.award_label
            )
            found[change.award] = attrs.evolve(
                count,
                **{change.change: getattr(count, change.change) + 1},
                bonus_change=count.bonus_change + change.bonus_change,
            )
        return tuple(found[key] for key in sorted(found))

    def to_dict(self, lang: Language = "vi") -> dict[str, Any]:
        """JSON-ready form: period, counts, total bonus change and every change."""
        return {
            "period": self.period,
            "lang": lang,
            "compared": self.compared,
            "changed": len(self.changes),
            "bonus_change": str(self.bonus_change),
            "awards": [count.to_dict(lang) for count in self.counts()],
            "changes": [change.to_dict(lang) for change in self.changes],
        }

    def render(self, format: str = "table", lang: Language = "vi") -> str:
        """The diff as ``table`` (for people), ``json`` or ``csv`` (one row per change)."""
        if format == "json":
            return json.dumps(self.to_dict(lang), ensure_ascii=False, indent=2) + "\n"
        if format == "csv":
            return _csv(self, lang)
        if format == "table":
            return _table(self, lang)
        raise ValueError(f'unknown diff format "{format}"; expected one of {list(FORMATS)}')


def diff_evaluations(before: Evaluation, after: Evaluation) -> Diff:
    """Set the decisions of ``after`` against those of ``before`` (the same period)."""
    old = {(d.subject, d.award): d for d in before.decisions()}
    new = {(d.subject, d.award): d for d in after.decisions()}
    keys = sorted(old.keys() | new.keys())
    changes = []
    for key in keys:
        a, b = old.get(key), new.get(key)
        fields = tuple(path for path, _, _ in field_differences(_compared(a), _compared(b)))
        if not fields:
            continue
        either = b if b is not None else a  # the label the after side gives
        assert either is not None
        changes.append(
            DecisionChange(
                subject=key[0],
                award=key[1],
                award_label=either.award_label,
                before=a,
                after=b,
                criteria=_criteria(a, b),
                fields=fields,
            )
        )
    return Diff(period=str(before.period), compared=len(keys), changes=tuple(changes))


def _compared(decision: Decision | None) -> Mapping[str, Any]:
    """The part of a decision that makes it change, in its JSON form."""
    if decision is None:
        return {"decision": None}
    whole = decision.to_dict()
    return {
        "outcome": whole["outcome"],
        "criteria": [{"id": c["id"], "value": c["value"]} for c in whole["criteria"]],
        "rank": whole["rank"],
        "cap": whole["cap"],
        "bonus": whole["bonus"],
    }


def _criteria(before: Decision | None, after: Decision | None) -> tuple[CriterionChange, ...]:
    old = {c.id: c for c in before.criteria} if before else {}
    new = {c.id: c for c in after.criteria} if after else {}
    found = []
    for key in [*old, *(key for key in new if key not in old)]:
        a, b = old.get(key), new.get(key)
        value_a = ABSENT if a is None else a.value
        value_b = ABSENT if b is None else b.value
        if value_a is value_b:
            continue
        label = (b or a).label  # type: ignore[union-attr]
        found.append(CriterionChange(id=key, label=label, before=value_a, after=value_b))
    return tuple(found)


def _money(decision: Decision | None) -> Decimal:
    return Decimal(0) if decision is None or decision.bonus is None else decision.bonus


def _get(decision: Decision | None, name: str) -> Any:
    return None if decision is None else getattr(decision, name)


def _text(value: Any) -> str | None:
    return None if value is None else str(value)


# -- rendering ---------------------------------------------------------------------------------

#: The words of the diff table (msgctxt "diff").
_WORDS = {
    "none": C_("diff", "no decision"),
    "criterion": C_("diff", "criterion"),
    "rank": C_("diff", "rank"),
    "cap": C_("diff", "cap"),
    "bonus": C_("diff", "bonus"),
    "gained": C_("diff", "gain"),
    "lost": C_("diff", "lose"),
    "changed": C_("diff", "change otherwise"),
    "per_award": C_("diff", "Per award:"),
    "total": C_("diff", "Total change in bonus money"),
    "absent": C_("diff", "absent"),
}


def _word(key: str, lang: Language) -> str:
    return translator(lang).pgettext("diff", _WORDS[key])


def _outcome(outcome: str | None, lang: Language) -> str:
    if outcome is None:
        return _word("none", lang)
    return f"{outcome_label(outcome, lang)} ({outcome})"


def _mark(value: bool | str | None, lang: Language) -> str:
    return _word("absent", lang) if value == ABSENT else MARKS[value]  # type: ignore[index]


def _signed(amount: Decimal) -> str:
    text = show(amount)
    return text if amount <= 0 else f"+{text}"


def _table(diff: Diff, lang: Language) -> str:
    words = translator(lang)
    if diff.same:
        same = words.npgettext(
            "diff",
            "Period {period}: no decision changes ({compared} decision compared).",
            "Period {period}: no decision changes ({compared} decisions compared).",
            diff.compared,
        )
        return same.format(period=diff.period, compared=diff.compared) + "\n"
    lines = []
    for change in diff.changes:
        lines.append(
            f"{change.subject}  {change.award} ({change.award_label.get(lang)}): "
            f"{_outcome(change.outcome_before, lang)} → {_outcome(change.outcome_after, lang)}"
        )
        for criterion in change.criteria:
            lines.append(
                f"    {_word('criterion', lang)} {criterion.id} ({criterion.label.get(lang)}): "
                f"{_mark(criterion.before, lang)} → {_mark(criterion.after, lang)}"
            )
        for name in ("rank", "cap"):
            old, new = _get(change.before, name), _get(change.after, name)
            if old != new:
                lines.append(f"    {_word(name, lang)}: {show(old)} → {show(new)}")
        if change.bonus_change or _get(change.before, "bonus") != _get(change.after, "bonus"):
            old, new = _get(change.before, "bonus"), _get(change.after, "bonus")
            lines.append(
                f"    {_word('bonus', lang)}: {show(old)} → {show(new)} ({_signed(change.bonus_change)})"
            )
    lines += ["", _word("per_award", lang)]
    for count in diff.counts():
        lines.append(
            f"  {count.award} ({count.label.get(lang)}): {_word('gained', lang)} {count.gained}, "
            f"{_word('lost', lang)} {count.lost}, {_word('changed', lang)} {count.changed}; "
            f"{_word('bonus', lang)} {_signed(count.bonus_change)}"
        )
    lines.append(f"{_word('total', lang)}: {_signed(diff.bonus_change)}")
    changed = words.npgettext(
        "diff",
        "Period {period}: {changed} of {compared} decision changes.",
        "Period {period}: {changed} of {compared} decisions change.",
        diff.compared,
    )
    lines.append(
        changed.format(period=diff.period, changed=len(diff.changes), compared=diff.compared)
    )
    return "\n".join(lines) + "\n"


#: The columns of the CSV form, one row per changed decision.
CSV_COLUMNS = (
    "subject",
    "award",
    "award_label",
    "change",
    "outcome_before",
    "outcome_after",
    "criteria",
    "rank_before",
    "rank_after",
    "cap_before",
    "cap_after",
    "bonus_before",
    "bonus_after",
    "bonus_change",
)


def _csv(diff: Diff, lang: Language) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for change in diff.changes:
        criteria = "; ".join(
            f"{c.id}: {_json(c.before)} -> {_json(c.after)}" for c in change.criteria
        )
        before, after = change.before, change.after
        writer.writerow(
            [
                change.subject,
                change.award,
                change.award_label.get(lang),
                change.change,
                change.outcome_before or "",
                change.outcome_after or "",
                criteria,
                *(_cell(_get(side, name)) for name in ("rank", "cap") for side in (before, after)),
                _cell(_get(before, "bonus")),
                _cell(_get(after, "bonus")),
                str(change.bonus_change),
            ]
        )
    return buffer.getvalue()


def _json(value: Any) -> str:
    return value if isinstance(value, str) else json.dumps(value)


def _cell(value: Any) -> str:
    return "" if value is None else str(value)
