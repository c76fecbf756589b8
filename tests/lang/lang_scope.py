"""Scopes for the rule-language tests: declared facts, parameters and functions, built in one
line each (imported by the test modules of this folder)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping

from emulation.functions import FunctionSpec
from emulation.lang.scope import FactDecl, Scope
from emulation.rules.model import Parameter
from emulation.types import FactName, Label, ParameterValue, ValueType

L = Label(vi="x", en="x")


def fact(
    name: str, kind: ValueType, values: tuple[str, ...] = (), ordered: bool = False
) -> FactDecl:
    """A declared fact of type ``kind`` (an enum's ``values`` worst to best when ``ordered``)."""
    return FactDecl(name=FactName(name), type=kind, label=L, values=values, ordered=ordered)


def parameter(name: str, kind: ValueType, value: ParameterValue) -> Parameter:
    """A parameter with one value, in force since 2000."""
    return Parameter(
        name=name,
        type=kind,
        label=L,
        values=((dt.date(2000, 1, 1), value),),
        basis="b",
        certainty="C",
    )


def scope(
    facts: Mapping[str, ValueType | FactDecl],
    parameters: Iterable[Parameter] = (),
    functions: Iterable[FunctionSpec] = (),
    awards: Iterable[str] = (),
    *,
    closed: bool = True,
) -> Scope:
    """A scope over ``facts`` (a type, or a whole declaration, by name); ``closed=False`` as
    the loader checks, leaving award ids to the check across rulesets."""
    return Scope(
        facts={
            name: kind if isinstance(kind, FactDecl) else fact(name, kind)
            for name, kind in facts.items()
        },
        parameters={p.name: p for p in parameters},
        functions={f.name: f for f in functions},
        awards=frozenset(awards),
        closed=closed,
    )
