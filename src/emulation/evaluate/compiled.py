"""The rules of one request shape compiled once, and kept for the next population.

Compiling a subject kind's rules — every award's rule expressions, the call columns the
explanations show, the outcome, quotas, budgets and score sheets, and the columns the rules'
functions ask for (:class:`~emulation.evaluate.context.Context`) — depends on the request
alone (the plan: period, awards, parameter values), not on the data, as long as no function's
``build`` reads the data itself: the built-in functions read it only in the frames they hand
to ``derived``/``aggregate``, which are made when a population is joined. What is compiled is
therefore kept with the plan (:class:`~emulation.evaluate.prepared.Prepared`) and bound to the
next population evaluated for the same request, instead of being compiled again.

A compiled kind is bound to one population at a time, so a kept one is taken out of
:class:`CompiledKinds` while it runs: evaluations running at once in several threads (the HTTP
service) each take their own, compiling another when none is free. A compilation during which
a function's ``build`` read the data (a plugin's function may) is used for that evaluation
only, and compiled again for the next; so is one whose evaluation failed.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, Final

import attrs
import polars as pl

if TYPE_CHECKING:
    from emulation.evaluate.conditions import EvaluationContext

#: How many compiled copies of one subject kind a plan keeps (evaluations running at once
#: beyond this compile their own and drop it).
KEPT_PER_KIND: Final = 4


@attrs.define(kw_only=True, eq=False)
class CompiledKind:
    """The stages that decide the awards and compute the score sheets of one subject kind,
    with the context the rules were compiled in (the columns their functions ask for)."""

    context: EvaluationContext
    stages: tuple[Callable[[pl.LazyFrame], pl.LazyFrame], ...]


class CompiledKinds:
    """The compiled subject kinds of one plan that no evaluation is using (thread-safe)."""

    def __init__(self, most: int = KEPT_PER_KIND) -> None:
        self._most = most
        self._free: dict[str, list[CompiledKind]] = {}
        self._lock = threading.Lock()

    def take(self, kind: str) -> CompiledKind | None:
        """A compiled ``kind`` for one evaluation to use, or None (compile one)."""
        with self._lock:
            free = self._free.get(kind)
            return free.pop() if free else None

    def give(self, kind: str, compiled: CompiledKind) -> None:
        """Keep ``compiled`` (no longer bound to any data) for the next evaluation."""
        with self._lock:
            free = self._free.setdefault(kind, [])
            if len(free) < self._most:
                free.append(compiled)

    def kept(self, kind: str) -> int:
        """How many compiled copies of ``kind`` are kept."""
        with self._lock:
            return len(self._free.get(kind, ()))
