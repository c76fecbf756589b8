"""KPI expectations of case files: ``{ kpi = "ID", node = "…", outcome = "met", value = "…",
needed = 0, target = "…" }``, read and compared with the evaluation's KPI results.

:mod:`emulation.cases` reads a ``[[case.expect]]`` that names ``kpi`` here; the run evaluates
the KPIs the case names (with the awards they read) and compares each expectation with the
:class:`~emulation.results.kpi.KpiResult` of its node.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal, InvalidOperation
from typing import Any

import attrs

from emulation.errors import Problem
from emulation.evaluate.kpis import KPI_OUTCOMES
from emulation.results.kpi import KpiResult

#: The keys of a KPI expectation.
KPI_KEYS = {
    "kpi",
    "node",
    "outcome",
    "value",
    "target",
    "needed",
    "numerator",
    "denominator",
    "reasons",
}
#: Written for a value or target that must be unknown (None).
UNKNOWN = "unknown"


@attrs.frozen(kw_only=True)
class KpiExpectation:
    """The expected result of KPI ``kpi`` at ``node``: the outcome and, when given, the share
    (``value``), the ``target``, how many are ``needed``, the counts and reason codes.
    Decimals are text, compared exactly; ``"unknown"`` for a value or target that is None."""

    kpi: str
    node: str
    outcome: str | None = None
    value: str | None = None
    target: str | None = None
    needed: int | str | None = None
    numerator: int | None = None
    denominator: int | None = None
    reasons: tuple[str, ...] = ()


def kpi_expectation(
    source: str, at: str, item: Mapping[str, Any], problems: list[Problem]
) -> KpiExpectation | None:
    """A KPI expectation read from ``item`` (a ``[[case.expect]]`` naming ``kpi``); problems
    go to ``problems`` with their location."""
    for key in sorted(set(item) - KPI_KEYS):
        problems.append(
            Problem(file=source, location=f"{at}.{key}", message=f'unknown key "{key}"')
        )
    usage = (
        f'expected {{ kpi = "ID", node = "…", outcome = one of {list(KPI_OUTCOMES)}, '
        'value = "…", target = "…", needed = … }'
    )
    texts = [item.get(k) for k in ("value", "target")]
    counts = [item.get(k) for k in ("numerator", "denominator")]
    needed = item.get("needed")
    if (
        not isinstance(item.get("kpi"), str)
        or not isinstance(item.get("node"), str)
        or item.get("outcome", KPI_OUTCOMES[0]) not in KPI_OUTCOMES
        or not any(k in item for k in ("outcome", "value", "target", "needed", *counts))
        or not all(t is None or isinstance(t, (str, int)) for t in texts)
        or not all(c is None or (isinstance(c, int) and not isinstance(c, bool)) for c in counts)
        or not (needed is None or needed == UNKNOWN or type(needed) is int)
        or not all(_number(t) for t in texts if t is not None)
    ):
        problems.append(Problem(file=source, location=at, message=usage))
        return None
    return KpiExpectation(
        kpi=item["kpi"],
        node=item["node"],
        outcome=item.get("outcome"),
        value=None if item.get("value") is None else str(item["value"]),
        target=None if item.get("target") is None else str(item["target"]),
        needed=needed,
        numerator=item.get("numerator"),
        denominator=item.get("denominator"),
        reasons=tuple(str(r) for r in item.get("reasons", ())),
    )


def _number(text: Any) -> bool:
    if str(text) == UNKNOWN:
        return True
    try:
        Decimal(str(text))
    except InvalidOperation:
        return False
    return True


def kpi_failures(expected: Sequence[KpiExpectation], results: Sequence[KpiResult]) -> list[str]:
    """Every mismatch between the expectations and the KPI results, expected against actual,
    with the result's reasons in English."""
    by_node = {(r.kpi, r.node): r for r in results}
    failures = []
    for want in expected:
        where = f"{want.node}/kpi {want.kpi}"
        got = by_node.get((want.kpi, want.node))
        if got is None:
            nodes = sorted(r.node for r in results if r.kpi == want.kpi)
            failures.append(
                f"{where}: no result for this node (the KPI was evaluated at {nodes or 'no node'})"
            )
            continue
        wrong = []
        if want.outcome is not None and want.outcome != got.outcome:
            wrong.append(f"expected {want.outcome}, got {got.outcome}")
        for name in ("value", "target"):
            text = getattr(want, name)
            if text is not None and not _same(text, getattr(got, name)):
                wrong.append(f"expected {name} {text}, got {_shown(getattr(got, name))}")
        if (
            want.needed is not None
            and (UNKNOWN if got.needed is None else got.needed) != want.needed
        ):
            wrong.append(f"expected needed {want.needed}, got {_shown(got.needed)}")
        for name in ("numerator", "denominator"):
            count = getattr(want, name)
            if count is not None and count != getattr(got, name):
                wrong.append(f"expected {name} {count}, got {getattr(got, name)}")
        codes = {reason.code for reason in got.reasons}
        missing = [code for code in want.reasons if code not in codes]
        if missing:
            wrong.append(f"expected reasons {missing}, got {sorted(codes)}")
        if wrong:
            shown = "\n".join(f"    {reason.render('en')}" for reason in got.reasons)
            failures.append(
                f"{where}: {'; '.join(wrong)} (share {_shown(got.value)} = "
                f"{got.numerator} / {got.denominator}, {got.unknown} unknown, target "
                f"{got.comparison} {_shown(got.target)})\n{shown}"
            )
    return failures


def _same(want: str, got: Decimal | None) -> bool:
    if want == UNKNOWN or got is None:
        return want == UNKNOWN and got is None
    return Decimal(want) == got


def _shown(value: Any) -> str:
    return UNKNOWN if value is None else str(value)
