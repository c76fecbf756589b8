"""The names and types of the columns of a result frame: the vocabulary evaluation writes and
explanations, reporters and built-in functions read.

A result frame has one row per candidate. Beside the candidate's inputs it holds, for an
award ``a`` and its rule ``r``:

- ``a::r`` — the rule's value (true, false or null when unknown);
- ``a::outcome`` — the award's outcome, of type :data:`OUTCOME_DTYPE`;
- ``a::path::p`` — whether every criterion of the award path ``p`` holds;
- ``a::r::has`` and ``a::r::needs`` — both sides of a rule that compares two numbers;
- ``a::group``, ``a::rank``, ``a::cap`` and ``a::denominator`` — the subject's place in its
  quota group;
- ``a::tied`` — how many other subjects share that rank after every ranking key, and
  ``a::unqualified`` — how many subjects ranked within the cap of the group do not qualify
  (a quota that ranks every candidate); who they are is read again from the group and rank;
- ``standing::s::group``, ``::rank``, ``::tied`` and ``::size`` — the subject's place in
  the standings ``s``;
- ``fn::…`` — the value of one function call, under the key its function chose.
"""

from __future__ import annotations

from typing import Final

import polars as pl

from emulation.lang.nodes import CALL_PREFIX
from emulation.types import OUTCOMES

#: Separates the parts of a result column's name.
SEPARATOR: Final = "::"

#: Starts the key of a column that holds the value of a function call.

#: The type of every outcome column: the outcomes as a Polars enum, in their fixed order.
OUTCOME_DTYPE: Final = pl.Enum(list(OUTCOMES))


def outcome_column(award: str) -> str:
    """Name of the outcome column of ``award`` in the result frame."""
    return f"{award}{SEPARATOR}outcome"


def rule_column(award: str, rule: str) -> str:
    """Name of the boolean column of one rule of ``award`` in the result frame."""
    return f"{award}{SEPARATOR}{rule}"


def path_column(award: str, path: str) -> str:
    """Name of the column of award path ``path`` of ``award``: whether every criterion of
    the path holds (true, false or null when unknown)."""
    return f"{award}{SEPARATOR}path{SEPARATOR}{path}"


def gap_columns(award: str, rule: str) -> tuple[str, str]:
    """Names of the two sides of a rule that is one numeric comparison (``has``, ``needs``)."""
    column = rule_column(award, rule)
    return f"{column}{SEPARATOR}has", f"{column}{SEPARATOR}needs"


def quota_name(award: str, index: int) -> str:
    """The name under which the ``index``-th quota of ``award`` (2 and on: the first writes
    under the award's own id) writes its columns: ``a::quota2``, so that its rank is
    ``a::quota2::rank``."""
    return f"{award}{SEPARATOR}quota{index}"


def entered_column(name: str) -> str:
    """Whether the subject was still granted when the quota written under ``name`` began
    (a quota after the first, or one whose cap may be unknown)."""
    return f"{name}{SEPARATOR}entered"


def budget_column(award: str, part: str) -> str:
    """Column ``part`` of the budget of ``award``: ``group``, ``rank``, ``tied``, ``amount``
    (asked), ``granted`` (paid), ``fund``, ``left`` (what remained at its turn),
    ``remaining`` (what remained of the group's fund at the end) and ``state`` (``within``,
    ``over``, ``stopped``, ``tied``, ``unknown``)."""
    return f"{award}{SEPARATOR}budget{SEPARATOR}{part}"


def rank_column(award: str) -> str:
    """Rank of an eligible subject inside its quota group (1 = first)."""
    return f"{award}{SEPARATOR}rank"


def cap_column(award: str) -> str:
    """The cap of the subject's quota group."""
    return f"{award}{SEPARATOR}cap"


def denominator_column(award: str) -> str:
    """The denominator the cap was computed from (null for a fixed count)."""
    return f"{award}{SEPARATOR}denominator"


def tied_column(award: str) -> str:
    """How many other subjects share the subject's rank in its quota group."""
    return f"{award}{SEPARATOR}tied"


def unqualified_column(award: str) -> str:
    """How many subjects ranked within the cap of the group do not qualify (a quota with
    ``rank_scope = "all_candidates"``)."""
    return f"{award}{SEPARATOR}unqualified"


#: Starts the name of a column of standings.
STANDING_PREFIX: Final = f"standing{SEPARATOR}"


def standing_column(standings: str, part: str) -> str:
    """Column ``part`` (``group``, ``rank``, ``tied`` or ``size``) of the standings
    ``standings`` in the result frame."""
    return f"{STANDING_PREFIX}{standings}{SEPARATOR}{part}"


def group_column(award: str) -> str:
    """The quota group of a subject: its unit, its cluster, ``"*"`` for the whole population,
    or ``"\x00"`` + its id when it has no unit (or cluster) and is ranked alone."""
    return f"{award}{SEPARATOR}group"


def call_key(function: str, **arguments: object) -> str:
    """Key of the column holding the value of a call of ``function`` with ``arguments``:
    ``call_key("held", award="cstdcs", back=1)`` is ``fn::held(award='cstdcs', back=1)``.

    Calls that give the same key share one column, so a function builds its key from every
    argument its value depends on.
    """
    written = ", ".join(f"{name}={value!r}" for name, value in arguments.items())
    return f"{CALL_PREFIX}{function}({written})"


#: Starts the name of every column of a score sheet: ``score::<sheet>::…``.
SCORE_PREFIX: Final = "score"


def score_column(sheet: str, *parts: str) -> str:
    """A column of score sheet ``sheet`` in the result frame:

    - ``score::<s>::total`` — the total (exact decimal), null when an item is unknown;
    - ``score::<s>::band`` — the band (an enum of the bands, worst to best), after floors,
      knock-outs and grade caps; ``score::<s>::points_band`` — the band by points and
      floors alone, before knock-outs and caps;
    - ``score::<s>::item::<i>`` and ``…::item::<i>::raw`` — an item's points counted (capped
      at its maximum, never below 0) and as its expression gave them;
    - ``score::<s>::group::<g>`` and ``…::group::<g>::raw`` — a group's subtotal, capped at
      the group's maximum, and before the cap;
    - ``score::<s>::bonus``, ``::deduction`` (and ``::raw``) — the bonus and the deduction;
    - ``score::<s>::floor::<f>``, ``::knockout::<k>``, ``::cap::<c>``,
      ``::condition::<band>`` — whether each floor, knock-out, grade cap and band condition
      holds (true, false or null).
    """
    return SEPARATOR.join((SCORE_PREFIX, sheet, *parts))
