"""The words of the HTML report (:mod:`emulation.results.report`): titles, headers, captions,
in English here (``msgctxt`` "report") and in every language through the catalogues
(:mod:`emulation.i18n`). The outcomes are written as the terminal view writes them
(:func:`emulation.messages.outcome_label`, in the order of
:data:`emulation.results.view.OUTCOME_ORDER`)."""

from __future__ import annotations

from typing import Final

from emulation.i18n import C_, translator
from emulation.types import LANGUAGES

#: key -> English text
ENGLISH: Final[dict[str, str]] = {
    "title": C_("report", "Emulation and commendation report"),
    "period": C_("report", "Period"),
    "as_of": C_("report", "as of"),
    "decision_date": C_("report", "decided on"),
    "summary": C_("report", "{subjects} subjects · {decisions} decisions"),
    "contents": C_("report", "Contents"),
    "counts": C_("report", "Decisions by award and outcome"),
    "counts_axis": C_("report", "Decisions"),
    "award": C_("report", "Award"),
    "total": C_("report", "Total"),
    "standings": C_("report", "Standings by cluster"),
    "group": C_("report", "Group"),
    "rank": C_("report", "Rank"),
    "rank_axis": C_("report", "Place (the longest bar is first)"),
    "tied_note": C_("report", "= tied: the order is for the competent authority to decide"),
    "score": C_("report", "Score"),
    "band": C_("report", "Band"),
    "value": C_("report", "Value"),
    "earnings": C_("report", "Who earns what"),
    "subject": C_("report", "Subject"),
    "name": C_("report", "Name"),
    "outcome": C_("report", "Outcome"),
    "place": C_("report", "Rank / cap"),
    "bonus": C_("report", "Bonus (VND)"),
    "nobody": C_("report", "Nobody is granted an award in this period."),
    "kpis": C_("report", "KPIs by node against their targets"),
    "node": C_("report", "Node"),
    "share": C_("report", "Share"),
    "share_axis": C_("report", "Share (%); black mark: target"),
    "target": C_("report", "Target"),
    "needed": C_("report", "Still needed"),
    "subjects": C_("report", "Each subject explained"),
    "explanation": C_("report", "Explanation"),
    "sheet": C_("report", "Score sheet"),
    "kpi": C_("report", "KPI"),
    "basis": C_("report", "basis"),
    "none": C_("report", "No decision."),
    "chart": C_("report", "Chart"),
    "table": C_("report", "Figures"),
    "engine": C_("report", "Engine"),
    "top": C_("report", "Back to the top"),
    "set_aside": C_("report", "Set aside, not decided (records that contradict each other)"),
    "reason": C_("report", "Reason"),
    "rows": C_("report", "Rows"),
}

#: lang -> key -> text
WORDS: Final[dict[str, dict[str, str]]] = {
    lang: {key: translator(lang).pgettext("report", text) for key, text in ENGLISH.items()}
    for lang in LANGUAGES
}
