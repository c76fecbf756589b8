"""The notes of a replay: what the comparison of recorded and replayed decisions cannot say
by itself (another engine, awards not in force, rulesets changed since), as
:class:`~emulation.i18n.Message` so each is shown in the reader's language."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from emulation.i18n import Message, Plural


def replay_notes(
    recorded_by: Sequence[str],
    replayed_by: str,
    period: str,
    missing: Sequence[str],
    rulesets: Counter[tuple[str, str]],
) -> tuple[str, ...]:
    """The notes of a replay: ``recorded_by`` the engine versions of the decisions file,
    ``replayed_by`` this engine's, ``missing`` the awards recorded but not in force for
    ``period``, ``rulesets`` the count of decisions by (recorded, loaded) ruleset."""
    notes: list[str] = []
    if recorded_by and tuple(recorded_by) != (replayed_by,):
        notes.append(
            Message(
                "the decisions were recorded by engine {recorded} and replayed by engine "
                "{replayed}: what agrees shows that this engine derives the same decisions "
                "from the same rulesets and input, not how the recording engine behaved; a "
                "difference may come from the change of engine",
                recorded=", ".join(recorded_by),
                replayed=replayed_by,
            )
        )
    if missing:
        notes.append(
            Message(
                "not in force for {period} with the rulesets loaded, so not derived again: "
                "{awards}",
                period=period,
                awards=", ".join(missing),
            )
        )
    for (old, new), count in sorted(rulesets.items()):
        decisions = Plural("{n} decision", "{n} decisions", count)
        notes.append(
            Message(
                "ruleset recorded as {old}, now {new} ({decisions})",
                old=old,
                new=new,
                decisions=decisions,
            )
        )
    return tuple(notes)
