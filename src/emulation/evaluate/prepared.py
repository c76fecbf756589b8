"""The plan of one request shape, built once and kept by the engine.

Everything an evaluation decides before it reads any data — the rulesets used, the awards and
score sheets in dependency order, the facts each subject kind reads, the parameter values
after overrides, the values bonuses read on the decision date, and the rules compiled
(:mod:`emulation.evaluate.compiled`) — depends only on the request:
the period, the awards, score sheets and KPIs asked for, the parameter overrides, the cut-off
and the decision date. :class:`PlanCache` keeps the :class:`Prepared` plan of the most recent
request shapes (least recently used first out), so that evaluating another population for the
same request (the next subject, the next chunk of a national run, the next HTTP request)
starts from the data. The rulesets of an engine never change, so an entry never goes stale;
``Engine.clear_cache()`` empties it all the same (to free memory, or to time a cold start).
"""

from __future__ import annotations

import datetime as dt
import functools
import weakref
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import attrs

from emulation.evaluate.compiled import CompiledKinds
from emulation.evaluate.money import money_parameters
from emulation.evaluate.plan import EvaluationPlan, by_id, plan_evaluation
from emulation.period import Period
from emulation.rules.model import Ruleset

#: Every plan cache of the process (weakly: an engine's goes with it).
_EVERY: weakref.WeakSet[PlanCache] = weakref.WeakSet()

#: How many request shapes an engine keeps by default.
PLAN_CACHE_SIZE = 128


@attrs.frozen(kw_only=True)
class Shape:
    """What the plan of an evaluation depends on. Two shapes are equal when every part is;
    an override is compared by its type and ``repr`` (``1``, ``True`` and ``Decimal("1.0")``
    are different requests: the first two may be refused for a parameter the third suits,
    and ``1.0`` is shown as written)."""

    period: Period
    awards: tuple[str, ...] | None
    kpis: tuple[str, ...] | None
    scores: tuple[str, ...] | None
    #: The day achievements are counted to, and the day the awards are decided.
    cut_off: dt.date
    decided: dt.date
    #: ``(name, type, repr)`` of each override, by name.
    overrides: tuple[tuple[str, str, str], ...]
    #: The overrides themselves (not compared: ``overrides`` stands for them).
    values: Mapping[str, Any] = attrs.field(eq=False, hash=False, repr=False)

    @classmethod
    def of(
        cls,
        period: Period,
        awards: Sequence[str] | None,
        kpis: Sequence[str] | None,
        scores: Sequence[str] | None,
        cut_off: dt.date,
        decided: dt.date,
        overrides: Mapping[str, Any] | None,
    ) -> Shape:
        values = dict(overrides or {})
        return cls(
            period=period,
            awards=None if awards is None else tuple(awards),
            kpis=None if kpis is None else tuple(kpis),
            scores=None if scores is None else tuple(scores),
            cut_off=cut_off,
            decided=decided,
            overrides=tuple(
                (str(name), type(value).__qualname__, repr(value))
                for name, value in sorted(values.items(), key=lambda item: str(item[0]))
            ),
            values=values,
        )


@attrs.frozen(kw_only=True, eq=False)
class Prepared:
    """The plan of one request shape, with what the engine adds to it."""

    #: The rulesets the evaluation uses (in force, accepting the period's kind).
    rulesets: tuple[Ruleset, ...]
    plan: EvaluationPlan
    #: The parameter values bonuses read, by ruleset id, taken on the decision date.
    money_parameters: Mapping[str, Mapping[str, Any]]
    #: The subject kinds' rules, compiled once and kept for the next population.
    compiled: CompiledKinds = attrs.field(factory=CompiledKinds)


def prepare(shape: Shape, rulesets_for: Callable[..., tuple[Ruleset, ...]]) -> Prepared:
    """The plan of ``shape``; ``rulesets_for(period, awards)`` gives the rulesets used."""
    rulesets = rulesets_for(shape.period, shape.awards)
    plan = plan_evaluation(
        shape.period,
        rulesets,
        by_id(rulesets, lambda ruleset: ruleset.awards.values(), "award"),
        shape.awards,
        shape.values,
        shape.kpis,
        sheets=by_id(rulesets, lambda ruleset: ruleset.scores.values(), "score sheet"),
        scores=shape.scores,
    )
    plan = attrs.evolve(plan, as_of=shape.cut_off)
    money = money_parameters(rulesets, plan.parameters, shape.decided, plan.overrides)
    return Prepared(rulesets=rulesets, plan=plan, money_parameters=money)


class PlanCache:
    """The :class:`Prepared` plans of the ``size`` most recently used request shapes.

    Safe to use from several threads at once (:func:`functools.lru_cache` guards its table;
    two threads asking for a new shape at the same time may both build it, and the results
    are equal). A request that fails (an unknown award, an override of the wrong type) is not
    kept: it fails again the next time. ``size=0`` keeps nothing.
    """

    def __init__(self, build: Callable[[Shape], Prepared], size: int = PLAN_CACHE_SIZE) -> None:
        if size < 0:
            raise ValueError(f"the plan cache size must be 0 or more, got {size}")
        self._cached = functools.lru_cache(maxsize=size)(build)
        _EVERY.add(self)

    @classmethod
    def clear_every(cls) -> None:
        """Forget the plans of every engine of the process (a test that patches how rules
        are compiled calls it, so that no engine runs rules compiled before the patch)."""
        for cache in list(_EVERY):
            cache.clear()

    def get(self, shape: Shape) -> Prepared:
        """The plan of ``shape``, built now if it is not kept."""
        try:
            hash(shape)
        except TypeError:  # an override that is not hashable: built each time
            return self._cached.__wrapped__(shape)
        return self._cached(shape)

    def clear(self) -> None:
        """Forget every plan kept."""
        self._cached.cache_clear()

    def info(self) -> functools._CacheInfo:
        """Hits, misses, the size limit and how many plans are kept."""
        return self._cached.cache_info()
