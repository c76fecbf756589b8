"""Case files: golden examples beside a ruleset, with inputs and expected outcomes.

A case file is TOML whose name ends in ``.cases.toml`` (so no other TOML is taken for one);
see ``docs/reference/case-files.md``. Each ``[[case]]`` holds one or more subjects in the
nested JSON form, the period, optional parameter overrides, and ``[[case.expect]]`` entries
naming an award, the expected outcome and, optionally, reason codes that must appear
(``"criterion_failed"`` or ``"criterion_failed:min_service"``), the ``rank`` and ``cap`` of a
quota, the ``bonus`` in VND, the award ``path`` used (and ``paths`` held), and the ``evidence`` ids the decision uses up; or naming a score
sheet (``score = "ID"``) with the expected ``total``, ``band`` and ``points`` of items; or
naming a KPI (``kpi = "ID"``, ``node = "…"``) with its ``outcome``, ``value``, ``target`` and
``needed`` (:mod:`emulation._testing.kpi_cases`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from decimal import Decimal
from pathlib import Path
from typing import Any

import attrs

from emulation._testing.kpi_cases import KpiExpectation, kpi_expectation, kpi_failures
from emulation.data.population import Population
from emulation.engine import Engine
from emulation.errors import Problem, RulesetError
from emulation.results.evaluation import Evaluation
from emulation.rules.loader import CASE_SUFFIX
from emulation.rules.toml import read_toml
from emulation.types import OUTCOMES

_EXPECT_KEYS = {
    "subject",
    "award",
    "outcome",
    "reasons",
    "rank",
    "cap",
    "bonus",
    "evidence",
    "tied_with",
    "path",
    "paths",
    "amount",
    "fund_remaining",
}
#: The keys of an expectation about a score sheet (``score = "ID"`` instead of ``award``).
_SCORE_KEYS = {"subject", "score", "total", "band", "points", "reasons"}
#: Written for a total or band that must be unknown (missing data).
UNKNOWN = "unknown"
_PERIOD_KEY = re.compile(r"^(\d{4}(-\d{4})?|(term|phase):\d{4}-\d{4})$")

__all__ = ["CASE_SUFFIX", "Case", "CaseResult", "Expectation", "load_case_file", "run_case"]


@attrs.frozen(kw_only=True)
class Expectation:
    """One expected decision: ``award`` for ``subject`` has ``outcome`` and these reasons."""

    subject: str
    award: str
    outcome: str
    reasons: tuple[str, ...] = ()
    rank: int | None = None
    cap: int | None = None
    bonus: str | None = None
    evidence: tuple[str, ...] | None = None
    #: The ids of the subjects the decision shares its quota rank with, in any order.
    tied_with: tuple[str, ...] | None = None
    #: The award path used (the first that holds); ``""`` for none.
    path: str | None = None
    #: Every award path that holds, in declared order.
    paths: tuple[str, ...] | None = None
    #: For an expectation about a score sheet (``award`` and ``outcome`` are then empty): its
    #: id, the total and band (text; ``"unknown"`` for none) and points by item.
    score: str | None = None
    total: str | None = None
    band: str | None = None
    points: tuple[tuple[str, str], ...] = ()
    #: For an award with a budget: the amount and what remained of the fund, in VND (text).
    amount: str | None = None
    fund_remaining: str | None = None


@attrs.frozen(kw_only=True, eq=False)
class Case:
    """One case of a case file."""

    name: str
    file: str
    index: int
    period: str
    subjects: tuple[Mapping[str, Any], ...]
    parameters: Mapping[str, Any]
    expect: tuple[Expectation, ...]
    #: The round's cut-off (``YYYY-MM-DD``), as ``evaluate(as_of=…)``; None: the period's end.
    as_of: str | None = None
    #: Expected KPI results by node (``[[case.expect]]`` naming ``kpi``).
    kpis: tuple[KpiExpectation, ...] = ()
    #: The day the awards are decided (``YYYY-MM-DD``), as ``evaluate(decision_date=…)``:
    #: bonuses read their coefficient and base salary on it; None: the cut-off.
    decision_date: str | None = None

    @property
    def location(self) -> str:
        """``file: case[i]`` for messages."""
        return f"{self.file}: case[{self.index}]"

    def population(self) -> Population:
        """The case's subjects as a population."""
        return Population.from_json({"subjects": list(self.subjects)}, source=self.location)


@attrs.frozen(kw_only=True, eq=False)
class CaseResult:
    """The outcome of running a case: ``failures`` is empty when it passed."""

    case: Case
    evaluation: Evaluation
    failures: tuple[str, ...]

    @property
    def passed(self) -> bool:
        """Whether every expectation held."""
        return not self.failures


def load_case_file(path: Path) -> tuple[Case, ...]:
    """Read and check a case file; every problem is reported at once."""
    document, _ = read_toml(path)
    source = str(path)
    problems: list[Problem] = []
    if document.get("format") != 1:
        problems.append(Problem(file=source, location="format", message="expected format = 1"))
    entries = document.get("case")
    if not isinstance(entries, list) or not entries:
        problems.append(Problem(file=source, location="case", message="expected [[case]] tables"))
        entries = []
    cases = []
    for index, entry in enumerate(entries):
        where = f"case[{index}]"
        case = _case(source, index, entry, problems, where)
        if case is not None:
            cases.append(case)
    if problems:
        raise RulesetError(problems)
    return tuple(cases)


def _case(source: str, index: int, entry: Any, problems: list[Problem], where: str) -> Case | None:
    if not isinstance(entry, dict):
        problems.append(Problem(file=source, location=where, message="expected a table"))
        return None
    allowed = {
        "name",
        "period",
        "as_of",
        "decision_date",
        "subject",
        "subjects",
        "parameters",
        "expect",
    }
    for key in entry:
        if key not in allowed:
            problems.append(
                Problem(file=source, location=f"{where}.{key}", message=f'unknown key "{key}"')
            )
    name = entry.get("name")
    period = entry.get("period")
    if not isinstance(name, str) or not isinstance(period, (str, int)):
        problems.append(
            Problem(file=source, location=where, message="a case needs name and period")
        )
        return None
    period = str(period)
    raw_subjects = entry.get("subjects") or ([entry["subject"]] if "subject" in entry else [])
    if not raw_subjects or not all(isinstance(s, dict) for s in raw_subjects):
        problems.append(
            Problem(
                file=source,
                location=where,
                message="a case needs subject = {…} or subjects = [{…}]",
            )
        )
        return None
    subjects = tuple(_subject(s, period) for s in raw_subjects)
    default_subject = subjects[0].get("id") if len(subjects) == 1 else None
    expectations = []
    kpis = []
    for position, item in enumerate(entry.get("expect", [])):
        at = f"{where}.expect[{position}]"
        if isinstance(item, dict) and "kpi" in item:
            wanted = kpi_expectation(source, at, item, problems)
            if wanted is not None:
                kpis.append(wanted)
            continue
        if isinstance(item, dict) and "score" in item:
            found = _score_expectation(source, at, item, default_subject, problems)
            if found is not None:
                expectations.append(found)
            continue
        if isinstance(item, dict):
            for key in sorted(set(item) - _EXPECT_KEYS):
                problems.append(
                    Problem(file=source, location=f"{at}.{key}", message=f'unknown key "{key}"')
                )
        if not isinstance(item, dict) or item.get("outcome") not in OUTCOMES or "award" not in item:
            problems.append(
                Problem(
                    file=source,
                    location=at,
                    message=f"expected {{ award = …, outcome = one of {list(OUTCOMES)} }}",
                )
            )
            continue
        subject = item.get("subject", default_subject)
        if subject is None:
            problems.append(Problem(file=source, location=at, message="name the subject"))
            continue
        expectations.append(
            Expectation(
                subject=str(subject),
                award=str(item["award"]),
                outcome=str(item["outcome"]),
                reasons=tuple(str(r) for r in item.get("reasons", ())),
                rank=item.get("rank"),
                cap=item.get("cap"),
                bonus=None if item.get("bonus") is None else str(item["bonus"]),
                evidence=None if "evidence" not in item else tuple(item["evidence"]),
                tied_with=None if "tied_with" not in item else tuple(item["tied_with"]),
                path=None if item.get("path") is None else str(item["path"]),
                paths=None if "paths" not in item else tuple(item["paths"]),
                amount=None if item.get("amount") is None else str(item["amount"]),
                fund_remaining=(
                    None if item.get("fund_remaining") is None else str(item["fund_remaining"])
                ),
            )
        )
    if not expectations and not kpis:
        problems.append(
            Problem(file=source, location=where, message="a case needs [[case.expect]]")
        )
        return None
    return Case(
        name=name,
        file=source,
        index=index,
        period=period,
        subjects=subjects,
        parameters=dict(entry.get("parameters", {})),
        expect=tuple(expectations),
        as_of=None if entry.get("as_of") is None else str(_plain(entry["as_of"])),
        kpis=tuple(kpis),
        decision_date=(
            None if entry.get("decision_date") is None else str(_plain(entry["decision_date"]))
        ),
    )


def _score_expectation(
    source: str, at: str, item: Mapping[str, Any], subject: Any, problems: list[Problem]
) -> Expectation | None:
    """``{ score = "ID", total = "95", band = "HTXS", points = { item = "5" } }``."""
    for key in sorted(set(item) - _SCORE_KEYS):
        problems.append(
            Problem(file=source, location=f"{at}.{key}", message=f'unknown key "{key}"')
        )
    points = item.get("points", {})
    wanted = (
        [item.get("total"), item.get("band"), *dict(points).values()]
        if isinstance(points, dict)
        else [None]
    )
    if (
        not isinstance(item["score"], str)
        or not isinstance(points, dict)
        or not any(key in item for key in ("total", "band", "points"))
        or not all(isinstance(value, (str, int)) for value in wanted if value is not None)
    ):
        problems.append(
            Problem(
                file=source,
                location=at,
                message='expected { score = "ID", total = "…", band = "…", points = { item = "…" } }',
            )
        )
        return None
    subject = item.get("subject", subject)
    if subject is None:
        problems.append(Problem(file=source, location=at, message="name the subject"))
        return None
    return Expectation(
        subject=str(subject),
        award="",
        outcome="",
        reasons=tuple(str(r) for r in item.get("reasons", ())),
        score=item["score"],
        total=None if item.get("total") is None else str(item["total"]),
        band=item.get("band"),
        points=tuple(sorted((str(k), str(v)) for k, v in points.items())),
    )


def _subject(raw: Mapping[str, Any], period: str) -> dict[str, Any]:
    """Facts given flat (``facts = { rating = "HTT" }``) belong to the case period."""
    subject = dict(raw)
    facts = subject.get("facts")
    if isinstance(facts, dict) and facts and not all(_PERIOD_KEY.match(str(k)) for k in facts):
        subject["facts"] = {period: facts}
    subject.setdefault("kind", "person")
    plain: dict[str, Any] = _plain(subject)
    return plain


def _plain(value: Any) -> Any:
    """TOML dates become ISO text, as in the JSON form."""
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


def run_case(engine: Engine, case: Case) -> CaseResult:
    """Evaluate a case and compare every expectation; failures read expected vs actual."""
    awards = sorted({e.award for e in case.expect if e.score is None})
    scores = sorted({e.score for e in case.expect if e.score is not None})
    evaluation = engine.evaluate(
        case.population(),
        case.period,
        awards,
        parameters=case.parameters,
        as_of=case.as_of,
        decision_date=case.decision_date,
        scores=scores,
        kpis=sorted({e.kpi for e in case.kpis}),
    )
    decisions = {(d.subject, d.award): d for d in evaluation.decisions()}
    sheets = {(s.subject, s.score): s for s in evaluation.score_results()}
    failures = []
    for expected in case.expect:
        if expected.score is not None:
            failures.extend(
                _score_failures(expected, sheets.get((expected.subject, expected.score)))
            )
            continue
        decision = decisions.get((expected.subject, expected.award))
        if decision is None:
            failures.append(f"{expected.subject}/{expected.award}: no decision was made")
            continue
        actual_reasons = _reason_keys(decision.reasons)
        missing = [r for r in expected.reasons if r not in actual_reasons]
        extras = _extras(expected, decision)
        if extras:
            failures.append(f"{expected.subject}/{expected.award}: {extras}")
        if decision.outcome != expected.outcome or missing:
            failures.append(
                f"{expected.subject}/{expected.award}: expected {expected.outcome}"
                f"{' with ' + ', '.join(expected.reasons) if expected.reasons else ''}, "
                f"got {decision.outcome} with {', '.join(sorted(actual_reasons - {r.code for r in decision.reasons})) or 'no reasons'}\n"
                + "\n".join(f"    {reason.render('en')}" for reason in decision.reasons)
            )
    if case.kpis:
        failures.extend(kpi_failures(case.kpis, evaluation.kpi_results()))
    return CaseResult(case=case, evaluation=evaluation, failures=tuple(failures))


def _extras(expected: Expectation, decision: Any) -> str:
    """Mismatches of rank, cap, ties, evidence, paths and bonus, when the case names them."""
    wrong = []
    for name in ("rank", "cap"):
        want = getattr(expected, name)
        if want is not None and getattr(decision, name) != want:
            wrong.append(f"expected {name} {want}, got {getattr(decision, name)}")
    if expected.evidence is not None and tuple(decision.evidence) != expected.evidence:
        wrong.append(f"expected evidence {list(expected.evidence)}, got {list(decision.evidence)}")
    if expected.tied_with is not None and sorted(decision.tied_with) != sorted(expected.tied_with):
        wrong.append(
            f"expected tied with {sorted(expected.tied_with)}, got {sorted(decision.tied_with)}"
        )
    if expected.path is not None and (decision.path or "") != expected.path:
        wrong.append(f"expected path {expected.path or 'none'}, got {decision.path or 'none'}")
    if expected.paths is not None and tuple(decision.held) != expected.paths:
        wrong.append(f"expected paths {list(expected.paths)}, got {list(decision.held)}")
    if expected.bonus is not None:
        got = decision.bonus
        if got is None or Decimal(expected.bonus) != got:
            wrong.append(f"expected bonus {expected.bonus} VND, got {got}")
    for name in ("amount", "fund_remaining"):
        want, got = getattr(expected, name), getattr(decision, name, None)
        if want is not None and (got is None or Decimal(want) != got):
            wrong.append(f"expected {name.replace('_', ' ')} {want} VND, got {got}")
    return "; ".join(wrong)


def _score_failures(expected: Expectation, sheet: Any) -> list[str]:
    """Mismatches of a sheet's total, band, item points and reasons."""
    where = f"{expected.subject}/score {expected.score}"
    if sheet is None:
        return [f"{where}: no score sheet was computed"]
    wrong = []
    if expected.total is not None and not _same_number(expected.total, sheet.total):
        wrong.append(f"expected total {expected.total}, got {_shown(sheet.total)}")
    if expected.band is not None and expected.band != (sheet.band or UNKNOWN):
        wrong.append(f"expected band {expected.band}, got {sheet.band or UNKNOWN}")
    for item, want in expected.points:
        got = next((p.points for p in sheet.items if p.id == item), "no such item")
        if not _same_number(want, got):
            wrong.append(f"expected {want} points for {item}, got {_shown(got)}")
    keys = {reason.code for reason in sheet.reasons}
    missing = [r for r in expected.reasons if r not in keys]
    if missing:
        wrong.append(f"expected reasons {missing}, got {sorted(keys)}")
    if not wrong:
        return []
    reasons = "\n".join(f"    {reason.render('en')}" for reason in sheet.reasons)
    return [f"{where}: {'; '.join(wrong)}\n{reasons}"]


def _same_number(want: str, got: Any) -> bool:
    if want == UNKNOWN or got is None:
        return want == UNKNOWN and got is None
    try:
        return isinstance(got, Decimal) and Decimal(want) == got
    except ArithmeticError:
        return False


def _shown(value: Any) -> str:
    return UNKNOWN if value is None else str(value)


def _reason_keys(reasons: Iterable[Any]) -> set[str]:
    keys = set()
    for reason in reasons:
        keys.add(reason.code)
        criterion = dict(reason.params).get("criterion")
        if criterion:
            keys.add(f"{reason.code}:{criterion}")
        path = dict(reason.params).get("path")
        if path:
            keys.add(f"{reason.code}:{path}")
    return keys
