"""The keys each table of a format 1 ruleset accepts; any other key is reported as unknown.

``docs/reference/ruleset-format.md`` documents every one of them (a docs test checks it).
"""

from __future__ import annotations

_TOP = {
    "format",
    "ruleset",
    "facts",
    "parameters",
    "service",
    "awards",
    "levels",
    "kpis",
    "standings",
    "scores",
    "payout",
}
_SERVICE = {"label", "weights", "exclude_discipline", "basis", "certainty"}
_META = {
    "id",
    "organisation",
    "version",
    "effective_from",
    "effective_to",
    "title",
    "references",
    "periods",
}
_REFERENCE = {"id", "document", "title", "url"}
_FACT = {"type", "label", "values", "ordered", "unit", "default", "minimum", "maximum", "better"}
_PARAM = {"type", "label", "values", "basis", "certainty", "confirmed", "unit"}
_AWARD = {
    "kind",
    "subject",
    "frequency",
    "label",
    "criteria",
    "exclusions",
    "blocking",
    "quota",
    "bonus",
    "consumes",
    "basis",
    "certainty",
    "history_type",
    "paths",
    "budget",
}
_QUOTA = {
    "per",
    "rounding",
    "of",
    "ratio",
    "count",
    "enabled",
    "rank",
    "label",
    "basis",
    "certainty",
    "ties",
    "rank_scope",
    "count_by",
    "group_type",
    "min_cap",
    "group_fact",
}
_BUDGET = {
    "fund",
    "fund_by",
    "category",
    "amount",
    "per",
    "group_fact",
    "rank",
    "policy",
    "ties",
    "label",
    "basis",
    "certainty",
}
_BONUS = {"coefficient", "base", "round_up_to", "basis", "certainty"}
_CONSUMES = {"kinds", "min_scope", "window", "count", "unless", "basis", "certainty"}
_RULE = {"id", "expr", "label", "basis", "certainty"}
_LEVEL = {"label"}
_KPI = {
    "label",
    "basis",
    "certainty",
    "subject",
    "subject_level",
    "numerator",
    "denominator",
    "at_levels",
    "scope",
    "target",
    "override",
    "comparison",
    "noun",
}
_STANDINGS = {"subject", "per", "rank", "ties", "label", "basis", "certainty"}

# Score sheets: [scores.<id>] and its arrays of tables (rules/loader/scores.py)
_SHEET = {
    "subject",
    "label",
    "basis",
    "certainty",
    "items",
    "groups",
    "bonus",
    "deduction",
    "floors",
    "bands",
    "knockouts",
    "caps",
}
_ITEM = {"id", "label", "expr", "max", "group", "default", "basis", "certainty"}
_GROUP = {"id", "label", "max", "basis", "certainty"}
_ADJUST = {"label", "expr", "max", "basis", "certainty"}
_FLOOR = {"id", "label", "kind", "of", "share", "basis", "certainty"}
_BAND = {"id", "label", "min", "below", "requires", "condition", "basis", "certainty"}
_KNOCKOUT = {"id", "label", "expr", "basis", "certainty"}
_GRADECAP = {"id", "label", "expr", "at_most", "basis", "certainty"}

# Award paths and payout windows (rules/loader/paths.py)
_PATH = {"id", "label", "basis", "certainty", "criteria"}
_PAYOUT = {"label", "awards", "basis", "certainty"}
