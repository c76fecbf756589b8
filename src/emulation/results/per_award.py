"""What the decisions of an award share, worked out once per award.

An award never changes once its ruleset is loaded, and building the decisions of an
evaluation asks the same questions of it for every subject (which rules read what, which
score sheets and quotas it has). :func:`once_per_award` keeps each answer by the identity of
the award — an award is compared by its identity, not hashed by its whole value, which would
cost more than the answer — with the award itself, so that the identity is not reused by
another object while the entry lives.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Final, TypeVar

from emulation.rules.model import Award

T = TypeVar("T")

#: How many awards each answer is kept for before all are forgotten at once.
MOST: Final = 4096


def once_per_award(make: Callable[[Award], T]) -> Callable[[Award], T]:
    """``make``, asked once per award: its answers kept by the identity of the award (at most
    :data:`MOST`, then forgotten all at once)."""
    kept: dict[int, tuple[Award, T]] = {}

    @functools.wraps(make)
    def once(award: Award) -> T:
        found = kept.get(id(award))
        if found is not None and found[0] is award:
            return found[1]
        answer = make(award)
        if len(kept) >= MOST:
            kept.clear()
        kept[id(award)] = (award, answer)
        return answer

    return once
