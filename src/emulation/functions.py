"""Functions of the rule language, as plugins contribute them.

A plugin returns :class:`FunctionSpec` objects from ``emulation_register_functions``. A spec
names the function, its arguments and its result type; its ``build`` turns one call into a
Polars expression at evaluation time. Arguments marked ``literal`` are checked at load time and
handed to ``build`` as Python values; the others arrive as Polars expressions.

``build`` may ask the :class:`BuildContext` for a *derived column*: a frame keyed by
``subject`` that the engine joins onto the subjects being evaluated (this is how functions read
evidence, discipline records or award history without a per-record loop).
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Mapping
from typing import TYPE_CHECKING, Any, Literal, Protocol

import attrs

from emulation.types import ValueType

if TYPE_CHECKING:
    import polars as pl

    from emulation.data.population import Population
    from emulation.period import Period
    from emulation.rules.model import Consumption, FactDecl, ServiceRule

ArgumentKind = Literal["award", "fact", "service", "text", "int", "choice", "value"]

_NO_DEFAULT = object()


class BuildContext(Protocol):
    """What a function's ``build`` receives besides its arguments."""

    @property
    def period(self) -> Period:
        """The evaluation period."""

    @property
    def population(self) -> Population:
        """The population being evaluated."""

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

    def decided_frame(self, kind: str) -> pl.DataFrame | None:
        """The result frame of subjects of ``kind`` decided earlier in the same evaluation
        (persons, when collectives are being decided), or None."""


@attrs.frozen(kw_only=True)
class Argument:
    """One argument of a rule-language function.

    ``kind`` is ``award`` (a literal award id, checked to exist when the rulesets are loaded
    together; when ``reads_current`` the calling award depends on it and is decided after it),
    ``fact`` (a literal name of a declared fact), ``service`` (a literal name of a
    ``[service.<name>]`` table of the ruleset), ``text``, ``int``, ``choice`` (literal text
    from ``choices``), or ``value`` (any expression whose type is in ``accepts``).
    """

    name: str
    kind: ArgumentKind
    choices: tuple[str, ...] = ()
    accepts: tuple[ValueType, ...] = ()
    default: Any = _NO_DEFAULT
    doc: str = ""
    reads_current: bool = True

    @property
    def literal(self) -> bool:
        """Whether the argument must be written as a literal."""
        return self.kind != "value"

    @property
    def required(self) -> bool:
        """Whether the call must give this argument."""
        return self.default is _NO_DEFAULT


@attrs.frozen(kw_only=True, eq=False)
class FunctionSpec:
    """A rule-language function contributed by a plugin.

    ``returns`` is a value type, or ``"numeric"`` for "decimal if any ``value`` argument is
    decimal, else int". ``build(arguments, context)`` returns the Polars expression of one call.
    ``reads`` says in a few words what data the function looks at (for the reference docs).
    """

    name: str
    arguments: tuple[Argument, ...]
    returns: ValueType | Literal["numeric"]
    build: Callable[[Mapping[str, Any], BuildContext], pl.Expr]
    doc: str
    reads: str = ""
    #: How much the value grows each period while the subject keeps qualifying (a streak
    #: grows by 1, years of service by 1 a year): lets a near miss say when it could be met.
    grows_per_period: int | None = None
    #: ``"year"`` when the value is a number of years (explanations then say "17 years
    #: 4 months").
    unit: str | None = None

    def result_type(self, bound: Mapping[str, Any]) -> ValueType:
        """The value type of a call with the given (checked) arguments."""
        if self.returns != "numeric":
            return self.returns
        types = {getattr(value, "type", None) for value in bound.values()}
        return "decimal" if "decimal" in types else "int"
