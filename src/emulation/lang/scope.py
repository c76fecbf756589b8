"""What an expression may name: declared facts, parameters, functions, awards, services and
score sheets.

The language holds only what it reads. A fact is its :class:`FactDecl`; a parameter is only
its value type (anything with a ``type``, such as :class:`emulation.rules.model.Parameter`,
is a :class:`ParameterDecl`); a function is its :class:`~emulation.lang.signature.Signature`.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Literal, Protocol

import attrs

from emulation.lang.signature import Signature
from emulation.types import FactName, Label, ParameterValue, ValueType


@attrs.frozen(kw_only=True)
class FactDecl:
    """A declared fact: its value type and, for enums, the values from worst to best."""

    name: FactName
    type: ValueType
    label: Label
    values: tuple[str, ...] = ()
    ordered: bool = False
    unit: str | None = None
    default: ParameterValue | None = None
    minimum: Decimal | None = None
    maximum: Decimal | None = None
    #: ``"higher"`` or ``"lower"`` when more (or less) of this fact is better for the subject.
    better: Literal["higher", "lower"] | None = None


@attrs.frozen(kw_only=True)
class ScoreDecl:
    """What the checker knows of a score sheet: its band ids worst to best (``band("id")``
    is an ordered enum of them) and its item ids."""

    bands: tuple[str, ...]
    items: tuple[str, ...]


class ParameterDecl(Protocol):
    """What the checker needs of a parameter: the type of its values."""

    @property
    def type(self) -> ValueType:
        """The value type of the parameter."""


@attrs.frozen(kw_only=True)
class Scope:
    """What names an expression may use."""

    facts: Mapping[str, FactDecl]
    parameters: Mapping[str, ParameterDecl]
    functions: Mapping[str, Signature]
    awards: frozenset[str]
    services: frozenset[str] = frozenset()
    #: When false, award ids outside ``awards`` are accepted here and checked later against
    #: every ruleset loaded together (awards of other rulesets).
    closed: bool = True
    #: The score sheets of the ruleset, by id (``[scores.<id>]``).
    scores: Mapping[str, ScoreDecl] = attrs.field(factory=dict)
