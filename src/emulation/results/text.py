"""How values and decisions are shown to people.

:func:`show` writes one value as a rule author writes it; :func:`explain_text` writes out a
whole decision, in Vietnamese or English, as ``emulation explain`` prints it.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any, Literal

from emulation.i18n import C_, words
from emulation.messages import outcome_label
from emulation.results.decision import Decision
from emulation.types import Language

#: How :func:`show` writes decimals and dates. ``short``: trailing zeros dropped (8.5, not
#: 8.500000), a negative zero as 0, dates in ISO form (counterexamples). ``short_signed``: the
#: same, but a negative zero keeps its sign and a date is written by :func:`str`, as the
#: reasons' parameters always have. ``stored``: every value as :func:`str` writes it
#: (8.500000), as ``emulation explain`` always has.
Style = Literal["short", "short_signed", "stored"]

#: The mark of a rule that holds, does not hold, or is unknown.
MARKS = {True: "✓", False: "✗", None: "?"}


def show(value: Any, style: Style = "short") -> str:
    """A value as a rule author writes it: true/false, ∅ for missing, 8.5 (not 8.500000),
    dates as ISO dates; ``style`` chooses how decimals and dates are written."""
    if value is None:
        return "∅"
    if isinstance(value, bool):
        return "true" if value else "false"
    if style == "stored":
        return str(value)
    if isinstance(value, Decimal):
        text = format(value.normalize(), "f")
        return "0" if text == "-0" and style == "short" else text
    if style == "short" and hasattr(value, "isoformat"):
        return str(value.isoformat())
    return str(value)


#: The words of :func:`explain_text` (msgctxt "explain").
_WORDS = {
    "subject": C_("explain", "Subject"),
    "period": C_("explain", "Period"),
    "award": C_("explain", "Award"),
    "outcome": C_("explain", "Outcome"),
    "ruleset": C_("explain", "Ruleset"),
    "input": C_("explain", "Input rows"),
    "criteria": C_("explain", "Criteria:"),
    "used": C_("explain", "← the path used"),
    "path": C_("explain", "path"),
    "criterion": C_("explain", "criterion"),
    "exclusion": C_("explain", "exclusion"),
    "blocking": C_("explain", "blocking"),
    "basis": C_("explain", "basis"),
    "values": C_("explain", "values"),
    "reasons": C_("explain", "Reasons:"),
}


def explain_text(decision: Decision, lang: Language) -> str:
    """A decision written out for a person: outcome, every criterion with inputs (those of an
    award path under the path, the path used marked), the score sheets it reads item by item,
    reasons."""
    w = words(lang, "explain", _WORDS)
    lines = [
        f"{w['subject']}: {decision.subject}    {w['period']}: {decision.period}",
        f"{w['award']}: {decision.award_label.get(lang)} ({decision.award})",
        f"{w['outcome']}: {outcome_label(decision.outcome, lang)} ({decision.outcome})",
        f"{w['ruleset']}: {decision.ruleset.id} {decision.ruleset.version} "
        f"(sha256 {decision.ruleset.content_hash[:12]}…), engine {decision.engine_version}",
        f"{w['input']}: sha256 {decision.input_hash[:12]}…",
        "",
        w["criteria"],
    ]
    paths = {path.id: path for path in decision.paths}
    shown: set[str] = set()
    for criterion in decision.criteria:
        path = paths.get(criterion.path or "")
        if path is not None and path.id not in shown:
            shown.add(path.id)
            used = f"  {w['used']}" * (path.id == decision.path)
            lines.append(
                f"  [{MARKS[path.value]}] {w['path']} {path.id}: "
                f"{path.label.get(lang)} ({path.basis}; {path.certainty}){used}"
            )
        indent = "    " if path is not None else ""
        role = w[criterion.role]
        lines.append(
            f"{indent}  [{MARKS[criterion.value]}] {role} {criterion.id}: {criterion.label.get(lang)}"
        )
        lines.append(f"{indent}      {w['basis']}: {criterion.basis} ({criterion.certainty})")
        if criterion.inputs:
            values = ", ".join(
                f"{name} = {show(value, 'stored')}" for name, value in criterion.inputs
            )
            lines.append(f"{indent}      {w['values']}: {values}")
    for sheet in decision.scores:
        lines += ["", sheet.explain(lang).rstrip("\n")]
    lines += ["", w["reasons"]]
    lines += [f"  - {reason.render(lang)}" for reason in decision.reasons]
    return "\n".join(lines) + "\n"
