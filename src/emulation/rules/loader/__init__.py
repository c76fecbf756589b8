"""Build a :class:`~emulation.rules.model.Ruleset` from a parsed TOML document.

Every problem is collected — a wrong type, an unknown key, a misspelt fact inside an
expression, an unsafe expression — and raised together as one :class:`RulesetError`, each with
the file, the line when it can be found, the TOML path and, inside an expression, the column.

The sections are read in order: the ``[ruleset]`` metadata here, then the declarations
(:mod:`.declarations`), then each award with its rules (:mod:`.awards`) and extras
(:mod:`.extras`), then the score sheets (:mod:`.scores`, declared before the awards so that
their expressions can name them); last, the awards and sheets are checked not to read each
other in a cycle.
"""

from __future__ import annotations

import graphlib
import hashlib
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from emulation.errors import RulesetError
from emulation.i18n import Message
from emulation.lang.scope import Scope
from emulation.lang.signature import Signature
from emulation.rules.loader._fields import (
    Collector,
    check_unknown_keys,
    read_date,
    read_label,
    read_table,
    read_text,
    shown,
)

# Every table's accepted keys, gathered here where the format page's test looks for them.
from emulation.rules.loader._keys import (  # noqa: F401
    _ADJUST,
    _AWARD,
    _BAND,
    _BONUS,
    _CONSUMES,
    _FACT,
    _FLOOR,
    _GRADECAP,
    _GROUP,
    _ITEM,
    _KNOCKOUT,
    _KPI,
    _LEVEL,
    _META,
    _PARAM,
    _PATH,
    _PAYOUT,
    _QUOTA,
    _REFERENCE,
    _RULE,
    _SERVICE,
    _SHEET,
    _STANDINGS,
    _TOP,
)
from emulation.rules.loader.awards import read_award
from emulation.rules.loader.declarations import (
    RESERVED_NAMES,
    SUBJECT_FACTS,
    read_facts,
    read_parameters,
    read_references,
    read_services,
)
from emulation.rules.loader.kpis import read_kpis, read_levels
from emulation.rules.loader.paths import read_payout
from emulation.rules.loader.period_kinds import read_period_kinds
from emulation.rules.loader.scores import check_score_reads, declare_scores, read_scores
from emulation.rules.loader.standings import read_standings
from emulation.rules.model import Award, Ruleset
from emulation.rules.toml import read_toml
from emulation.types import AwardId, RulesetId

__all__ = [
    "CASE_SUFFIX",
    "FORMAT_VERSION",
    "RESERVED_NAMES",
    "RULESET_SUFFIX",
    "SUBJECT_FACTS",
    "load_ruleset",
    "load_ruleset_file",
]

#: The ruleset format this loader reads.
FORMAT_VERSION = 1

#: Suffix of the ruleset files this loader reads.
RULESET_SUFFIX = ".toml"

#: Suffix of case files, which live beside rulesets but are not rulesets.
CASE_SUFFIX = ".cases.toml"

_ID = re.compile(r"^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)*$")
_VERSION = re.compile(r"^\d+\.\d+\.\d+$")


def load_ruleset(
    document: Mapping[str, Any],
    raw: bytes,
    source: str,
    functions: Mapping[str, Signature],
) -> Ruleset:
    """Check ``document`` and build the ruleset, or raise :class:`RulesetError`."""
    out = Collector(source, raw.decode("utf-8", errors="replace"))
    check_unknown_keys(out, "", document, _TOP)
    _check_format(out, document)
    meta = read_table(out, document, "ruleset")
    check_unknown_keys(out, "ruleset", meta, _META)
    ruleset_id = read_text(out, meta, "ruleset.id", pattern=_ID)
    organisation = read_text(out, meta, "ruleset.organisation")
    version = read_text(
        out,
        meta,
        "ruleset.version",
        pattern=_VERSION,
        hint=Message("MAJOR.MINOR.PATCH, e.g. 1.0.0"),
    )
    effective_from = read_date(out, meta, "ruleset.effective_from")
    effective_to = read_date(out, meta, "ruleset.effective_to", required=False)
    if effective_from and effective_to and effective_to < effective_from:
        out.add(
            "ruleset.effective_to",
            Message("effective_to is before effective_from"),
            code="invalid_value",
        )
    title = read_label(out, meta, "ruleset.title")
    references = read_references(out, meta)
    periods = read_period_kinds(out, meta)

    facts = read_facts(out, read_table(out, document, "facts", required=False))
    parameters = read_parameters(out, read_table(out, document, "parameters", required=False))
    services = read_services(out, read_table(out, document, "service", required=False))
    # a ruleset of score sheets alone needs no award
    awards_doc = read_table(out, document, "awards", required="scores" not in document)
    award_ids = frozenset(awards_doc)
    scores_doc = read_table(out, document, "scores", required=False)
    scope = Scope(
        facts={**SUBJECT_FACTS, **facts},
        parameters=parameters,
        functions=functions,
        awards=award_ids,
        services=frozenset(services),
        closed=False,
        scores=declare_scores(scores_doc),
    )
    awards: dict[AwardId, Award] = {}
    for award_id, body in awards_doc.items():
        award = read_award(out, award_id, body, scope)
        if award is not None:
            awards[award.id] = award
    sheets = read_scores(out, scores_doc, scope)
    if sheets:
        check_score_reads(out, awards, sheets)  # the cycles through sheets and awards too
    else:
        _check_cycles(out, awards)
    levels = read_levels(out, read_table(out, document, "levels", required=False))
    kpis = read_kpis(
        out, read_table(out, document, "kpis", required=False), scope, levels, parameters
    )
    standings = read_standings(out, read_table(out, document, "standings", required=False), scope)
    payout = read_payout(out, read_table(out, document, "payout", required=False), awards)
    if out.problems:
        raise RulesetError(out.reported())
    if not (ruleset_id and organisation and version and effective_from and title):
        raise AssertionError("a ruleset without problems has all its metadata")  # unreachable
    return Ruleset(
        id=RulesetId(ruleset_id),
        organisation=organisation,
        version=version,
        effective_from=effective_from,
        effective_to=effective_to,
        title=title,
        references=references,
        facts=facts,
        parameters=parameters,
        awards=awards,
        source=source,
        content_hash=hashlib.sha256(raw).hexdigest(),
        services=services,
        levels=levels,
        kpis=kpis,
        standings=standings,
        periods=periods,
        scores=sheets,
        payout=payout,
    )


def load_ruleset_file(path: Path, functions: Mapping[str, Signature]) -> Ruleset:
    """Read and load one TOML ruleset file."""
    document, raw = read_toml(path)
    return load_ruleset(document, raw, str(path), functions)


def _check_cycles(out: Collector, awards: Mapping[AwardId, Award]) -> None:
    graph = {award.id: set(award.depends_on) & set(awards) for award in awards.values()}
    try:
        tuple(graphlib.TopologicalSorter(graph).static_order())
    except graphlib.CycleError as error:
        cycle = " -> ".join(error.args[1])
        out.add(
            "awards",
            Message("awards depend on each other in a cycle: {cycle}", cycle=cycle),
            code="award_cycle",
        )


def _check_format(out: Collector, document: Mapping[str, Any]) -> None:
    fmt = document.get("format")
    if fmt is None:
        out.add(
            "format",
            Message("expected format = {version}, missing", version=FORMAT_VERSION),
            code="missing_key",
        )
    elif not isinstance(fmt, int) or isinstance(fmt, bool):
        out.add(
            "format",
            Message(
                "expected format = {version}, got {fmt}", version=FORMAT_VERSION, fmt=shown(fmt)
            ),
            code="wrong_type",
        )
    elif fmt != FORMAT_VERSION:
        out.add(
            "format",
            Message("expected format = {version}, got {fmt}", version=FORMAT_VERSION, fmt=fmt),
            code="unsupported_format",
        )
