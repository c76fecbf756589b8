"""Replay: the decisions a file records, set against the same decisions derived again.

:func:`read_decisions` reads the JSON that ``emulation evaluate --format json`` writes and
checks its shape; :func:`compare` sets it against a new evaluation of the same period and
gives a :class:`Replay` naming every difference, field by field. :meth:`emulation.Engine.replay`
does both.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from collections import Counter
from collections.abc import Mapping
from pathlib import Path
from typing import Any, ClassVar, cast

import attrs

from emulation.data.decode import load_json
from emulation.errors import DataError, PeriodError, Problem
from emulation.evaluate.money import decision_day
from emulation.i18n import Message, localise, said, translator
from emulation.period import Period, cut_off
from emulation.results.evaluation import Evaluation
from emulation.results.json_diff import ABSENT, json_differences, plain, same
from emulation.results.replay_notes import replay_notes
from emulation.types import LANGUAGES, Language


@attrs.frozen(kw_only=True)
class Difference:
    """One way a recorded decision and the one derived again differ.

    ``what`` is the path of the differing value inside the decision's JSON form (``outcome``,
    ``input_hash``, ``ruleset.content_hash``, ``criteria[excellence].value``,
    ``criteria[ldtt].inputs["ldtt.outcome"]``), or ``decision`` when one side has no decision
    at all; ``recorded`` and ``replayed`` are the two JSON values, :attr:`ABSENT` for a side
    that lacks it. ``award`` is empty for a subject set aside.
    """

    #: The value of a side that has none.
    ABSENT: ClassVar[Any] = ABSENT

    subject: str
    award: str
    what: str
    recorded: Any
    replayed: Any

    def __str__(self) -> str:
        return self.translated("en")

    def translated(self, lang: Language) -> str:
        """The difference as one line in ``lang``."""
        words = translator(lang)
        who = (
            f"{self.subject} {self.award}"
            if self.award
            else words.pgettext("replay", "{subject} (set aside)").format(subject=self.subject)
        )
        line = words.pgettext("replay", "{who}: {what}: recorded {recorded}, replayed {replayed}")
        return line.format(
            who=who, what=self.what, recorded=_show(self.recorded), replayed=_show(self.replayed)
        )


@attrs.frozen(kw_only=True)
class Replay:
    """The outcome of replaying a decisions file.

    ``recorded`` and ``derived`` count the decisions in the file and those derived again;
    ``differences`` lists every difference, sorted by subject then award; ``notes`` says
    what the reader should know besides (another engine version, awards no longer in force,
    rulesets that changed). ``engine_version`` is the running engine's,
    ``recorded_engine_versions`` those the file names.
    """

    source: str
    period: str
    engine_version: str
    recorded_engine_versions: tuple[str, ...]
    recorded: int
    derived: int
    differences: tuple[Difference, ...]
    notes: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        """True when every decision re-derives identically."""
        return not self.differences

    @property
    def same_engine(self) -> bool:
        """True when the file names only the running engine's version."""
        return self.recorded_engine_versions == (self.engine_version,)

    def differing(self) -> tuple[tuple[str, str], ...]:
        """The ``(subject, award)`` of each decision that does not re-derive identically."""
        return tuple(dict.fromkeys((d.subject, d.award) for d in self.differences))

    def report(self, lang: Language = "en") -> str:
        """The differences, the notes and a summary line, as text for people, in ``lang``."""
        words = translator(lang)
        lines = [difference.translated(lang) for difference in self.differences]
        note = words.pgettext("replay", "note: {note}")
        lines += [note.format(note=localise(text, lang)) for text in self.notes]
        head = words.pgettext("replay", "replay of {source}, period {period}")
        head = head.format(source=self.source, period=self.period)
        if self.ok:
            summary = words.npgettext(
                "replay",
                "{head}: {recorded} decision re-derived identically by engine {version}",
                "{head}: {recorded} decisions re-derived identically by engine {version}",
                self.recorded,
            )
        else:
            summary = words.npgettext(
                "replay",
                "{head}: {differing} of {recorded} decision recorded ({derived} derived again) "
                "do not re-derive identically ({differences})",
                "{head}: {differing} of {recorded} decisions recorded ({derived} derived again) "
                "do not re-derive identically ({differences})",
                self.recorded,
            )
        n = len(self.differences)
        differences = words.npgettext("replay", "{n} difference", "{n} differences", n).format(n=n)
        lines.append(
            summary.format(
                head=head,
                recorded=self.recorded,
                version=self.engine_version,
                differing=len(self.differing()),
                derived=self.derived,
                differences=differences,
            )
        )
        return "\n".join(lines) + "\n"


@attrs.frozen(kw_only=True)
class Recorded:
    """A decisions file, read and checked: decisions by ``(subject, award)``, subjects set
    aside by id, in the language the file was written in."""

    source: str
    period: str
    lang: Language
    engine_versions: tuple[str, ...]
    decisions: Mapping[tuple[str, str], Mapping[str, Any]]
    set_aside: Mapping[str, Mapping[str, Any]]
    #: The cut-off the recorded evaluation counted to (None: the period's last day).
    as_of: dt.date | None = None
    #: The decision date the recorded evaluation was given (None: none).
    decision_date: dt.date | None = None

    def awards(self) -> tuple[str, ...]:
        """The award ids the file holds decisions for, sorted."""
        return tuple(sorted({award for _, award in self.decisions}))


def read_decisions(source: str | os.PathLike[str] | Mapping[str, Any]) -> Recorded:
    """The decisions file at ``source`` (or its parsed document), checked: a
    :class:`DataError` names the JSON path of every member that is not as
    ``emulation evaluate --format json`` writes it."""
    if isinstance(source, Mapping):
        name, document = "<decisions>", source
    else:
        name = os.fspath(source)
        document = load_json(Path(name))  # our DataError for bad JSON, too deep, too long
    return _checked(document, name)


def _checked(document: Any, name: str) -> Recorded:
    problems: list[Problem] = []

    def problem(location: str, message: str) -> None:
        problems.append(Problem(file=name, location=location, message=message))

    if not isinstance(document, Mapping):
        raise DataError(
            [Problem(file=name, message=Message("expected the object that evaluate writes"))]
        )
    period, lang = document.get("period"), document.get("lang")
    if not isinstance(period, str):
        problem("period", Message("expected the period as text, such as '2024'"))
    else:
        try:
            period = str(Period.parse(period))
        except PeriodError as error:
            problem("period", said(error))
    as_of = document.get("as_of")
    if as_of is not None:
        try:
            if not isinstance(as_of, str):
                raise PeriodError(
                    Message(
                        "as_of must be a date written YYYY-MM-DD, not {value}", value=_show(as_of)
                    )
                )
            as_of = cut_off(Period.parse(period), as_of) if isinstance(period, str) else None
        except PeriodError as error:
            problem("as_of", said(error))
    decided = document.get("decision_date")
    if decided is not None:
        try:
            if not isinstance(decided, str):
                raise PeriodError(
                    Message(
                        "decision_date must be a date written YYYY-MM-DD, not {value}",
                        value=_show(decided),
                    )
                )
            if isinstance(period, str):
                start = as_of if isinstance(as_of, dt.date) else Period.parse(period).end
                decided = decision_day(start, decided)
            else:
                decided = None
        except PeriodError as error:
            problem("decision_date", said(error))
    if "lang" not in document:
        problem(
            "lang",
            Message(
                "missing: the language the file is written in, one of {languages}",
                languages=list(LANGUAGES),
            ),
        )
    elif lang not in LANGUAGES:
        problem(
            "lang",
            Message(
                "expected one of {languages}, got {value}",
                languages=list(LANGUAGES),
                value=_show(lang),
            ),
        )
    decisions: dict[tuple[str, str], Mapping[str, Any]] = {}
    versions: set[str] = set()
    listed = document.get("decisions")
    if not isinstance(listed, list):
        problem("decisions", Message("expected a list of decisions"))
        listed = []
    for index, item in enumerate(listed):
        where = f"decisions[{index}]"
        if not isinstance(item, Mapping):
            problem(where, Message("expected an object"))
            continue
        subject, award = item.get("subject"), item.get("award")
        if not isinstance(subject, str) or not isinstance(award, str):
            problem(where, Message('expected text "subject" and "award" members'))
            continue
        if (subject, award) in decisions:
            problem(
                where,
                Message(
                    "a second decision for subject {subject} and award {award}",
                    subject=repr(subject),
                    award=repr(award),
                ),
            )
        decisions[subject, award] = item
        version = item.get("engine_version")
        versions.add(version if isinstance(version, str) else _show(version))
    set_aside: dict[str, Mapping[str, Any]] = {}
    others = document.get("set_aside", [])
    if not isinstance(others, list):
        problem("set_aside", Message("expected a list"))
        others = []
    for index, item in enumerate(others):
        if not isinstance(item, Mapping) or not isinstance(item.get("subject"), str):
            problem(f"set_aside[{index}]", Message('expected an object with a text "subject"'))
            continue
        set_aside[item["subject"]] = item
    if problems:
        raise DataError(problems)
    if not versions and isinstance(document.get("engine_version"), str):
        versions.add(document["engine_version"])
    return Recorded(
        source=name,
        period=str(period),
        lang=cast(Language, lang),
        engine_versions=tuple(sorted(versions)),
        decisions=decisions,
        set_aside=set_aside,
        as_of=as_of,
        decision_date=decided,
    )


def compare(recorded: Recorded, evaluation: Evaluation) -> Replay:
    """Set the recorded decisions against those of ``evaluation``, field by field."""
    derived = {
        (d.subject, d.award): plain(d.to_dict(recorded.lang)) for d in evaluation.decisions()
    }
    differences: list[Difference] = []
    changed_rulesets: Counter[tuple[str, str]] = Counter()
    for key in sorted(recorded.decisions.keys() | derived.keys()):
        old, new = recorded.decisions.get(key, ABSENT), derived.get(key, ABSENT)
        if old is ABSENT or new is ABSENT:
            outcomes = (_get(old, "outcome"), _get(new, "outcome"))
            differences.append(
                Difference(
                    subject=key[0],
                    award=key[1],
                    what="decision",
                    recorded=outcomes[0],
                    replayed=outcomes[1],
                )
            )
            continue
        found = list(json_differences("", old, new))
        differences += [
            Difference(subject=key[0], award=key[1], what=w, recorded=a, replayed=b)
            for w, a, b in found
        ]
        if old.get("ruleset") != new["ruleset"]:
            changed_rulesets[_show_ruleset(old.get("ruleset")), _show_ruleset(new["ruleset"])] += 1
    now = {
        item.subject: {"subject": item.subject, "code": item.code}
        for item in evaluation.population.set_aside
    }
    for subject in sorted(recorded.set_aside.keys() | now.keys()):
        old_code = _get(recorded.set_aside.get(subject, ABSENT), "code")
        new_code = _get(now.get(subject, ABSENT), "code")
        if not same(old_code, new_code):
            differences.append(
                Difference(
                    subject=subject, award="", what="code", recorded=old_code, replayed=new_code
                )
            )
    differences.sort(key=lambda d: (d.subject, d.award))
    evaluated = {award.id for award, _ in evaluation.awards}
    return Replay(
        source=recorded.source,
        period=recorded.period,
        engine_version=evaluation.engine_version,
        recorded_engine_versions=recorded.engine_versions,
        recorded=len(recorded.decisions),
        derived=len(derived),
        differences=tuple(differences),
        notes=replay_notes(
            recorded.engine_versions,
            evaluation.engine_version,
            str(evaluation.period),
            [award for award in recorded.awards() if award not in evaluated],
            changed_rulesets,
        ),
    )


def _get(item: Any, key: str) -> Any:
    return item.get(key, ABSENT) if isinstance(item, Mapping) else ABSENT


def _show(value: Any) -> str:
    if value is ABSENT:
        return "absent"
    return json.dumps(value, ensure_ascii=False, default=str)


def _show_ruleset(ruleset: Any) -> str:
    if not isinstance(ruleset, Mapping):
        return _show(ruleset)
    digest = ruleset.get("content_hash")
    short = digest[:12] if isinstance(digest, str) else _show(digest)
    return f"{ruleset.get('id')} {ruleset.get('version')} (sha256 {short}…)"
