"""Functions of the rule language, as plugins contribute them.

A plugin returns :class:`FunctionSpec` objects from ``emulation_register_functions``. A spec
names the function, its arguments and its result type; its ``build`` turns one call into a
Polars expression at evaluation time. Arguments marked ``literal`` are checked at load time and
handed to ``build`` as Python values; the others arrive as Polars expressions.

``build`` may ask the :class:`BuildContext` for a *derived column*: a frame keyed by
``subject`` that the engine joins onto the subjects being evaluated (this is how functions read
evidence, discipline records or award history without a per-record loop).

The rule language (:mod:`emulation.lang`) sees only a function's
:class:`~emulation.lang.signature.Signature`. A :class:`FunctionSpec` *is* a signature with a
``build`` (a subclass, not a composition): the checker, the explanations and the docs read
``spec.name``, ``spec.arguments`` and ``spec.returns`` from a spec as they would from any
signature, a spec can stand wherever the language asks for a signature without being wrapped
or unwrapped, and plugins keep constructing it with the same keywords.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Mapping
from typing import TYPE_CHECKING, Any, Protocol

import attrs

from emulation.lang.scope import FactDecl
from emulation.lang.signature import Argument, ArgumentKind, Signature

if TYPE_CHECKING:
    import datetime as dt

    import polars as pl

    from emulation.data.population import Population
    from emulation.period import Period
    from emulation.rules.model import Consumption, ServiceRule

__all__ = ["Argument", "ArgumentKind", "BuildContext", "FunctionSpec"]


class BuildContext(Protocol):
    """What a function's ``build`` receives besides its arguments."""

    @property
    def period(self) -> Period:
        """The evaluation period."""

    @property
    def population(self) -> Population:
        """The population being evaluated. Read it in the ``make``/``rows`` functions handed
        to :meth:`derived` and :meth:`aggregate`, not in ``build`` itself: rules whose
        ``build`` reads the data are compiled again for every population, the others once
        per request shape."""

    @property
    def as_of(self) -> dt.date:
        """The round's cut-off: the day service and months in operation are counted to
        (``Engine.evaluate(..., as_of=…)``; by default the period's last day)."""

    def derived(self, key: str, make: Callable[[], pl.LazyFrame], default: Any = None) -> pl.Expr:
        """A column joined by subject from the frame ``make()`` builds (columns ``subject``
        and ``key``); subjects absent from it get ``default``. Calls with the same ``key``
        share one join."""

    def outcome(self, award: str) -> pl.Expr | None:
        """The outcome column (``granted``, ``not_eligible`` …) of ``award`` when it is decided
        earlier in the same evaluation, else None (read the history instead)."""

    def fact(self, name: str) -> FactDecl:
        """The declaration of a fact of the rulesets in force."""

    def aggregate(
        self,
        source: str,
        rows: Callable[[], pl.LazyFrame],
        key: str,
        value: pl.Expr,
        default: Any = None,
    ) -> pl.Expr:
        """A column aggregated per subject from the frame ``rows()`` builds (it has a
        ``subject`` column): ``value`` is an aggregation such as ``pl.col("x").sum()``. Every
        aggregation asked with the same ``source`` is computed in one group-by and one join."""

    def derived_from_decisions(
        self, key: str, make: Callable[[pl.DataFrame], pl.LazyFrame], default: Any = None
    ) -> pl.Expr:
        """Like :meth:`derived`, but ``make`` receives the result frame of the decisions taken
        so far in this evaluation (the frame is materialised first: use it only when the
        value depends on earlier outcomes, such as evidence used by awards granted now)."""

    @property
    def current_award(self) -> str:
        """The award whose rules are being compiled."""

    def consumers(self) -> Mapping[str, Consumption]:
        """The awards in force that use up evidence, with what they use."""

    def memo(self, key: Hashable, make: Callable[[], Any]) -> Any:
        """``make()``, computed once per evaluation of a subject kind and shared by every
        call with the same ``key`` (a membership table, a parsed window …)."""

    def service(self, name: str) -> ServiceRule:
        """A ``[service.<name>]`` table of the rulesets in force."""

    def history_type(self, award: str) -> str:
        """The type a grant of ``award`` in this evaluation takes in the award history
        (``merit`` unless its ruleset says otherwise)."""

    def decided_frame(self, kind: str) -> pl.DataFrame | None:
        """The result frame of subjects of ``kind`` decided earlier in the same evaluation
        (persons, when collectives are being decided), or None."""

    def condition_values(
        self, kind: str, condition: Any, decisions: pl.DataFrame | None = None
    ) -> pl.DataFrame:
        """``subject`` and ``value`` (true, false or null) of a ``condition`` argument for
        every candidate of ``kind`` (``"person"`` or ``"collective"``) in the period: the
        condition reads each row's own facts, subject attributes and calls (``granted("x")``
        reads the outcome column of ``x`` in ``decisions``, by default the frame of ``kind``
        decided earlier, else the award history of the period)."""


@attrs.frozen(kw_only=True, eq=False)
class FunctionSpec(Signature):
    """A rule-language function contributed by a plugin: a signature and how to build it.

    ``returns`` is a value type, or ``"numeric"`` for "decimal if any ``value`` argument is
    decimal, else int". ``build(arguments, context)`` returns the Polars expression of one call.
    ``reads`` says in a few words what data the function looks at (for the reference docs).
    """

    build: Callable[[Mapping[str, Any], BuildContext], pl.Expr]
