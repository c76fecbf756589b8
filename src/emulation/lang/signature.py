"""What the checker knows of a rule-language function: its name, arguments and result type.

A :class:`Signature` is everything needed to check a call at load time and to explain its
value afterwards. How a call becomes a Polars expression (``build``) is not part of it: that
belongs to :class:`emulation.functions.FunctionSpec`, the plugin API one floor up, which adds
``build`` to a signature.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal

import attrs

from emulation.types import ValueType

#: What an argument of a function may be written as (see :class:`Argument`).
ArgumentKind = Literal[
    "award",
    "awards",
    "fact",
    "service",
    "score",
    "score_item",
    "text",
    "int",
    "choice",
    "value",
    "condition",
]

_NO_DEFAULT = object()


@attrs.frozen(kw_only=True)
class Argument:
    """One argument of a rule-language function.

    ``kind`` is ``award`` (a literal award id, checked to exist when the rulesets are loaded
    together; when ``reads_current`` the calling award depends on it and is decided after it),
    ``awards`` (one literal award id, or a literal tuple of them, ``("hcld3", "hcld2")``, each
    checked like an ``award``; the calling award does not depend on them), ``fact`` (a literal name of a declared fact), ``service`` (a literal name of a
    ``[service.<name>]`` table of the ruleset), ``score`` (a literal id of a ``[scores.<id>]``
    sheet of the ruleset), ``score_item`` (a literal item id of the sheet named by the call's
    ``score`` argument), ``text``, ``int``, ``choice`` (literal text
    from ``choices``), ``value`` (any expression whose type is in ``accepts``), or
    ``condition`` (literal text holding a true/false expression, checked in the same scope as
    the call but read over other rows — a collective's members or child collectives — by the
    function's ``build``, which receives it as a
    :class:`~emulation.lang.compiler.BoundCondition`; an empty default means "no condition").

    A ``quiet`` argument is left out of the call's text (its explanation label and column
    key) while it has its default value, so that adding it to a function changes nothing for
    the calls that do not give it.
    """

    name: str
    kind: ArgumentKind
    choices: tuple[str, ...] = ()
    accepts: tuple[ValueType, ...] = ()
    default: Any = _NO_DEFAULT
    doc: str = ""
    reads_current: bool = True
    quiet: bool = False

    @property
    def literal(self) -> bool:
        """Whether the argument must be written as a literal."""
        return self.kind != "value"

    @property
    def required(self) -> bool:
        """Whether the call must give this argument."""
        return self.default is _NO_DEFAULT


@attrs.frozen(kw_only=True, eq=False)
class Signature:
    """A rule-language function as the checker and the explanations see it.

    ``returns`` is a value type, or ``"numeric"`` for "decimal if any ``value`` argument is
    decimal, else int". ``reads`` says in a few words what data the function looks at (for
    the reference docs).
    """

    name: str
    arguments: tuple[Argument, ...]
    returns: ValueType | Literal["numeric"]
    doc: str
    reads: str = ""
    #: How much the value grows each period while the subject keeps qualifying (a streak
    #: grows by 1, years of service by 1 a year): lets a near miss say when it could be met.
    grows_per_period: int | None = None
    #: ``"year"`` when the value is a number of years (explanations then say "17 years
    #: 4 months").
    unit: str | None = None
    #: The name of a ``score`` argument when the call's value is that sheet's band: an
    #: ordered enum whose values, worst to best, are the sheet's bands.
    enum_from: str | None = None

    def result_type(self, bound: Mapping[str, Any]) -> ValueType:
        """The value type of a call with the given (checked) arguments."""
        if self.returns != "numeric":
            return self.returns
        types = {getattr(value, "type", None) for value in bound.values()}
        return "decimal" if "decimal" in types else "int"


def award_ids(value: str | tuple[str, ...] | None) -> tuple[str, ...]:
    """The award ids of an ``awards`` argument (one id or a tuple of them; empty: none)."""
    if not value:
        return ()
    return (value,) if isinstance(value, str) else tuple(value)
