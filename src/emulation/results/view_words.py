"""The words of the terminal view (:mod:`emulation.results.view`): titles, column headers and
the hint at the end, in English here (``msgctxt`` "view") and in every language through the
catalogues (:mod:`emulation.i18n`)."""

from __future__ import annotations

from typing import Final

from emulation.i18n import C_, translator
from emulation.types import LANGUAGES

#: key -> English text
ENGLISH: Final[dict[str, str]] = {
    "period": C_("view", "Period"),
    "subjects": C_("view", "subjects"),
    "decisions": C_("view", "decisions"),
    "by_award": C_("view", "By award"),
    "award": C_("view", "Award"),
    "total": C_("view", "Total"),
    "matrix": C_("view", "By subject (columns: the awards of the table above)"),
    "subject": C_("view", "Subject"),
    "name": C_("view", "Name"),
    "none": C_("view", "(no decision)"),
    "legend": C_("view", "Marks"),
    "near_mark": C_("view", "near miss (exactly one criterion failed)"),
    "missing": C_("view", "Data missing"),
    "input": C_("view", "Input"),
    "count": C_("view", "Decisions"),
    "set_aside": C_("view", "Set aside, not decided"),
    "note": C_("view", "Reason"),
    "sheets": C_("view", "Score sheets"),
    "sheet": C_("view", "Sheet"),
    "points": C_("view points", "Total"),
    "band": C_("view", "Band"),
    "standings": C_("view", "Standings"),
    "group": C_("view", "Group"),
    "rank": C_("view", "Rank"),
    "kpis": C_("view", "KPI"),
    "node": C_("view", "Node"),
    "share": C_("view", "Share"),
    "target": C_("view", "Target"),
    "outcome": C_("view", "Outcome"),
    "more": C_(
        "view",
        "Full reasons: add --detail\nOne decision: emulation explain … --subject ID --award ID",
    ),
}

#: key -> msgctxt, where it is not "view" (the English word is the same, the Vietnamese not)
_CONTEXTS: Final[dict[str, str]] = {"points": "view points"}

#: lang -> key -> text
WORDS: Final[dict[str, dict[str, str]]] = {
    lang: {
        key: translator(lang).pgettext(_CONTEXTS.get(key, "view"), text)
        for key, text in ENGLISH.items()
    }
    for lang in LANGUAGES
}
