"""The HTML report of an evaluation: one self-contained file with charts.

:func:`render_report` writes, in Vietnamese or English:

- the counts of decisions by award and outcome (a chart and its table), the outcomes in the
  order and the words of the terminal view (:mod:`emulation.results.view`);
- every standings, per group (unit or cluster), as a chart of the value the ranking reads (a
  score sheet's total, or the fact that is the first key; else the ranks) and a table;
- who earns what: every granted decision with its rank, cap and bonus;
- every KPI at every node against its target (a chart and a table);
- one section per subject: each decision explained as ``emulation explain`` explains it
  (:func:`~emulation.results.text.explain_text`), its score sheets, its places, its KPIs;
- the subjects set aside (records that contradict each other), with the reason.

The tables link each subject to its section. The page is written by a Jinja2 template with
autoescaping on, so every text from the input is escaped; the charts are SVG that Matplotlib
draws and escapes (:mod:`emulation.results.report_charts`). Nothing is loaded at view time, no
script runs, and the same evaluation gives the same bytes.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal, InvalidOperation
from typing import Any

import jinja2
from markupsafe import Markup

from emulation.messages import outcome_label, percent
from emulation.results.decision import Decision
from emulation.results.evaluation import Evaluation
from emulation.results.kpi import KPI_OUTCOME_LABELS, KpiResult, explain_kpi
from emulation.results.report_charts import OUTCOME_COLOURS, Bar, bars_chart, counts_chart
from emulation.results.report_words import WORDS
from emulation.results.scores import ScoreResult
from emulation.results.standing import Standing, fact_values, key_fact
from emulation.results.text import explain_text
from emulation.results.view import MARKS, OUTCOME_ORDER, nfc
from emulation.rules.kpis import Kpi
from emulation.rules.model import Standings
from emulation.rules.scores import reads
from emulation.types import Language

#: The template, in this package's ``templates`` folder.
TEMPLATE = "report.html.j2"


def render_report(evaluation: Evaluation, lang: Language = "vi") -> str:
    """The report of ``evaluation`` in ``lang`` as one HTML document (see the module)."""
    words = WORDS[lang]
    decisions = evaluation.decisions()
    names = {
        key: nfc(value or "")
        for key, value in evaluation.population.subjects.select("id", "name").iter_rows()
    }
    places = evaluation.standings_of()
    kpis = [(kpi, evaluation.kpi_results(kpi.id)) for kpi, _ in evaluation.kpi_specs]
    sheets = evaluation.score_results()
    subjects = sorted(
        {d.subject for d in decisions}
        | {p.subject for p in places}
        | {s.subject for s in sheets}
        | {r.node for _, found in kpis for r in found}
    )
    context = {
        "lang": lang,
        "words": words,
        "period": str(evaluation.period),
        "as_of": None if evaluation.as_of is None else evaluation.as_of.isoformat(),
        "decision_date": (
            None if evaluation.decision_date is None else evaluation.decision_date.isoformat()
        ),
        "engine_version": evaluation.engine_version,
        "summary": words["summary"].format(
            subjects=len({d.subject for d in decisions}), decisions=len(decisions)
        ),
        "counts": _counts(decisions, lang),
        "standings": _standings(evaluation, places, names, lang),
        "earnings": _earnings(decisions, names, lang),
        "kpis": [_kpi(index, kpi, found, lang) for index, (kpi, found) in enumerate(kpis)],
        "subjects": _subjects(subjects, names, decisions, places, sheets, kpis, lang),
        "set_aside": [
            {"subject": item.subject, "name": names.get(item.subject, ""), **item.to_dict(lang)}
            for item in evaluation.population.set_aside
        ],
        "colours": OUTCOME_COLOURS,
    }
    return _environment().get_template(TEMPLATE).render(context)


def anchor(*parts: str) -> str:
    """An HTML id made of ``parts``: ASCII letters, digits and ``-`` kept, every other
    character written ``_<hex>_``, the parts joined by ``.`` (which a part never holds once
    written), so that two different ids never meet."""
    return ".".join(
        "".join(c if c.isascii() and (c.isalnum() or c == "-") else f"_{ord(c):x}_" for c in p)
        for p in parts
    )


def subject_anchor(subject: str) -> str:
    """The id of a subject's section."""
    return "s-" + anchor(subject)


def decision_anchor(subject: str, award: str) -> str:
    """The id of one decision's explanation in its subject's section."""
    return "d-" + anchor(subject, award)


def _environment() -> jinja2.Environment:
    """Autoescaping always on: only :class:`Markup` (the charts) is written as it is."""
    return jinja2.Environment(
        loader=jinja2.PackageLoader("emulation.results", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


def _counts(decisions: Sequence[Decision], lang: Language) -> dict[str, Any]:
    """The chart and the table of the counts by award (ordered as the terminal view orders
    them, by label) and outcome."""
    labels = {d.award: nfc(d.award_label.get(lang)) for d in decisions}
    awards = sorted(labels, key=lambda a: (labels[a], a))
    per_award: dict[str, Counter[str]] = {award: Counter() for award in awards}
    for decision in decisions:
        per_award[decision.award][decision.outcome] += 1
    totals: Counter[str] = Counter(d.outcome for d in decisions)
    present = [o for o in OUTCOME_ORDER if totals[o]]
    outcomes = [(o, outcome_label(o, lang)) for o in present]
    rows = [
        {
            "award": award,
            "label": labels[award],
            "cells": [per_award[award][o] for o in present],
            "total": sum(per_award[award].values()),
        }
        for award in awards
    ]
    chart = None
    if awards:
        chart = Markup(  # SVG drawn and escaped by Matplotlib (report_charts)
            counts_chart(
                "chart-counts",
                [(f"{labels[a]} ({a})", per_award[a]) for a in awards],
                outcomes,
                WORDS[lang]["counts_axis"],
            )
        )
    return {
        "outcomes": [
            {"id": o, "label": label, "mark": MARKS[o], "total": totals[o]} for o, label in outcomes
        ],
        "rows": rows,
        "total": len(decisions),
        "chart": chart,
    }


def _standings(
    evaluation: Evaluation, places: Sequence[Standing], names: Mapping[str, str], lang: Language
) -> list[dict[str, Any]]:
    """One block per standings and group, in the order of :meth:`Evaluation.standings`."""
    specs = {item.id: (item, ruleset) for item, ruleset in evaluation.standings_ranked}
    totals = {
        (subject, score): (total, band)
        for subject, score, total, band in evaluation.scores()
        .select("subject", "score", "total", "band")
        .iter_rows()
    }
    blocks: dict[tuple[str, str | None], list[Standing]] = {}
    for place in places:
        blocks.setdefault((place.standings, place.group), []).append(place)
    found = []
    for index, ((name, group), members) in enumerate(blocks.items()):
        item, ruleset = specs[name]
        sheet = _sheet_of(item)
        fact = None if sheet else key_fact(item, ruleset)
        facts = (
            fact_values(evaluation.population.facts, str(evaluation.period), fact) if fact else {}
        )
        rows, bars = [], []
        for place in members:
            value: Decimal | None
            band = None
            rank = f"{place.rank}{'=' if place.tied_with else ''}"
            if sheet:
                value, band = totals.get((place.subject, sheet), (None, None))
            elif fact:
                value = _decimal(facts.get(place.subject))
            else:  # nothing measured: the first is the longest bar, its text the rank
                value = Decimal(place.group_size - place.rank + 1)
            text = rank if not (sheet or fact) else "∅" if value is None else _number(value, lang)
            label = names.get(place.subject) or place.subject
            bars.append(Bar(label=label, value=value, text=text))
            rows.append(
                {
                    "rank": rank,
                    "subject": place.subject,
                    "anchor": subject_anchor(place.subject),
                    "name": names.get(place.subject, ""),
                    "value": text,
                    "band": band,
                    "tied_with": ", ".join(place.tied_with),
                }
            )
        words = WORDS[lang]
        value_header = (
            words["score"]
            if sheet
            else ruleset.facts[fact].label.get(lang)
            if fact
            else words["rank"]
        )
        axis = words["rank_axis"] if not sheet and not fact else value_header
        found.append(
            {
                "id": f"standings-{index}",
                "label": item.label.get(lang),
                "standings": item.id,
                "group": group or "—",
                "size": members[0].group_size,
                "basis": item.basis,
                "certainty": item.certainty,
                "ruleset": f"{ruleset.id} {ruleset.version}",
                "value_header": value_header,
                "banded": sheet is not None,
                "rows": rows,
                "tied": any(place.tied_with for place in members),
                # SVG drawn and escaped by Matplotlib (report_charts); none when no value
                # is known (the table says ∅ for each)
                "chart": Markup(
                    bars_chart(f"chart-standings-{index}", bars, axis, ticks=bool(sheet or fact))
                )
                if any(bar.value is not None for bar in bars)
                else None,
            }
        )
    return found


def _sheet_of(item: Standings) -> str | None:
    """The score sheet the ranking keys read, the first key's first; None when none."""
    for key in item.rank:
        sheets = sorted(reads([key.node])[1])
        if sheets:
            return sheets[0]
    return None


def _decimal(value: Any) -> Decimal | None:
    """A fact's value as a decimal (None when unknown or not a number)."""
    if value is None or isinstance(value, bool):
        return None
    try:
        return Decimal(str(value))
    except InvalidOperation:
        return None


def _number(value: Decimal, lang: Language) -> str:
    """A decimal for a reader: trailing zeros dropped, digits grouped (``1.880.000`` and
    ``8,5`` in Vietnamese, ``1,880,000`` and ``8.5`` in English)."""
    value = value.normalize()
    if value == value.to_integral_value():
        value = value.quantize(Decimal(1))
    text = format(value, ",f")
    return text.translate(str.maketrans(",.", ".,")) if lang == "vi" else text


def _earnings(
    decisions: Iterable[Decision], names: Mapping[str, str], lang: Language
) -> dict[str, Any]:
    """Every granted decision: who, what, at which rank of which cap, and the bonus (or, for
    an award with a budget, the amount granted)."""
    rows, total = [], Decimal(0)
    for decision in decisions:
        if decision.outcome != "granted":
            continue
        money = decision.bonus if decision.bonus is not None else decision.amount
        total += money or 0
        place = ""
        if decision.rank is not None:
            place = (
                f"{decision.rank}/{decision.cap}"
                if decision.cap is not None
                else str(decision.rank)
            )
        rows.append(
            {
                "subject": decision.subject,
                "anchor": subject_anchor(decision.subject),
                "decision": decision_anchor(decision.subject, decision.award),
                "name": names.get(decision.subject, ""),
                "award": decision.award,
                "label": decision.award_label.get(lang),
                "place": place,
                "money": "" if money is None else _number(money, lang),
            }
        )
    return {"rows": rows, "total": _number(total, lang) if total else ""}


def _kpi(index: int, kpi: Kpi, found: Sequence[KpiResult], lang: Language) -> dict[str, Any]:
    """One KPI: a chart of the share at each node against its target, and a table."""
    words = WORDS[lang]
    bars, rows = [], []
    for result in found:
        share = "∅" if result.value is None else percent(str(result.value), lang)
        target = "∅" if result.target is None else percent(str(result.target), lang)
        bars.append(
            Bar(
                label=result.node_name or result.node,
                value=result.value,
                text=share,
                target=result.target,
                outcome=result.outcome,
            )
        )
        rows.append(
            {
                "node": result.node,
                "anchor": subject_anchor(result.node),
                "name": result.node_name or "",
                "share": f"{share} ({result.numerator}/{result.denominator})",
                "target": target,
                "outcome": result.outcome,
                "outcome_label": KPI_OUTCOME_LABELS[result.outcome].get(lang),
                "needed": "" if result.needed is None else str(result.needed),
            }
        )
    chart = None
    if bars:
        chart = Markup(  # SVG drawn and escaped by Matplotlib (report_charts)
            bars_chart(f"chart-kpi-{index}", bars, words["share_axis"], percent=True)
        )
    return {
        "id": f"kpi-{index}",
        "kpi": kpi.id,
        "label": kpi.label.get(lang),
        "basis": kpi.basis,
        "certainty": kpi.certainty,
        "rows": rows,
        "chart": chart,
    }


def _subjects(
    subjects: Sequence[str],
    names: Mapping[str, str],
    decisions: Sequence[Decision],
    places: Sequence[Standing],
    sheets: Sequence[ScoreResult],
    kpis: Sequence[tuple[Kpi, Sequence[KpiResult]]],
    lang: Language,
) -> list[dict[str, Any]]:
    """One section per subject: its decisions explained, the score sheets no decision of it
    already explains, its places in the standings, its KPIs."""
    by_subject: dict[str, dict[str, list[Any]]] = {
        s: {"decisions": [], "sheets": [], "places": [], "kpis": []} for s in subjects
    }
    for decision in decisions:
        by_subject[decision.subject]["decisions"].append(
            {
                "anchor": decision_anchor(decision.subject, decision.award),
                "award": decision.award,
                "label": decision.award_label.get(lang),
                "outcome": decision.outcome,
                "outcome_label": outcome_label(decision.outcome, lang),
                "mark": MARKS[decision.outcome],
                "text": explain_text(decision, lang),
            }
        )
    explained = {(d.subject, s.score) for d in decisions for s in d.scores}
    for sheet in sheets:
        if (sheet.subject, sheet.score) not in explained:
            by_subject[sheet.subject]["sheets"].append(
                {"label": sheet.label.get(lang), "text": sheet.explain(lang)}
            )
    for place in places:
        by_subject[place.subject]["places"].append(
            {
                "label": place.label.get(lang),
                "group": place.group or "—",
                "rank": f"{place.rank}{'=' if place.tied_with else ''}/{place.group_size}",
            }
        )
    for _, found in kpis:
        for result in found:
            by_subject[result.node]["kpis"].append(
                {"label": result.label.get(lang), "text": explain_kpi(result, lang)}
            )
    return [
        {
            "id": subject,
            "anchor": subject_anchor(subject),
            "name": names.get(subject, ""),
            **by_subject[subject],
        }
        for subject in subjects
    ]
