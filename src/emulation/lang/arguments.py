"""The literal arguments of a call, read from the expression and checked against their kind.

An ``award`` argument names an award (known when the rulesets loaded together are closed),
``awards`` one award or a literal tuple of them, ``service`` a ``[service.<name>]`` table,
``score`` a ``[scores.<id>]`` sheet (a ``score_item`` is checked against it once the call is
bound, by :func:`emulation.lang.literals.item_problem`),
``fact`` a declared fact, ``int`` a whole number, ``choice`` one of the argument's choices,
``text`` any text. A problem is reported through the checker's ``fail``, with its node.

A ``condition`` argument is not read here: it is an expression, which the checker checks as
one (:meth:`emulation.lang.checker.Checker._condition`).
"""

from __future__ import annotations

import ast
from typing import Any, NoReturn, Protocol

import attrs

from emulation.errors import suggest
from emulation.i18n import Message
from emulation.lang import limits
from emulation.lang.scope import Scope
from emulation.lang.signature import Argument, Signature


class Fail(Protocol):
    """How a problem is reported: at ``node``, with a message and a code; never returns."""

    def __call__(self, node: ast.AST, message: str, code: str = "") -> NoReturn: ...


def literal_argument(
    spec: Signature, argument: Argument, source: ast.expr, wrapped: str, scope: Scope, fail: Fail
) -> Any:
    if argument.kind == "awards" and isinstance(source, (ast.Tuple, ast.List)):
        if not source.elts:
            fail(
                source,
                Message(
                    'argument "{argument_name}" of {spec_name}() names no award',
                    argument_name=argument.name,
                    spec_name=spec.name,
                ),
            )
        one = attrs.evolve(argument, kind="award")
        return tuple(
            literal_argument(spec, one, element, wrapped, scope, fail) for element in source.elts
        )
    problem = limits.argument_problem(source, wrapped)
    if problem is not None:
        fail(problem[0], problem[2], code=problem[1])
    value = limits.argument_value(source)
    if value is None:
        fail(
            source,
            Message(
                'argument "{argument_name}" of {spec_name}() must be a literal',
                argument_name=argument.name,
                spec_name=spec.name,
            ),
        )
    if argument.kind in ("award", "awards"):
        if not isinstance(value, str) or not value:
            fail(
                source,
                Message(
                    'argument "{argument_name}" of {spec_name}() must be an award id',
                    argument_name=argument.name,
                    spec_name=spec.name,
                ),
            )
        if value not in scope.awards and scope.closed:
            fail(
                source,
                Message(
                    'unknown award "{value}"{hint}',
                    value=value,
                    hint=suggest(str(value), scope.awards),
                ),
            )
        return value
    if argument.kind == "service":
        if value not in scope.services:
            fail(
                source,
                Message(
                    'unknown service rule "{value}" (declare [service.{value}]){hint}',
                    value=value,
                    hint=suggest(str(value), scope.services),
                ),
            )
        return value
    if argument.kind == "score":
        if value not in scope.scores:
            fail(
                source,
                Message(
                    'unknown score sheet "{value}" (declare [scores.{value}]){hint}',
                    value=value,
                    hint=suggest(str(value), scope.scores),
                ),
            )
        return value
    if argument.kind == "fact":
        if value not in scope.facts:
            fail(
                source,
                Message(
                    'unknown fact "{value}"{hint}',
                    value=value,
                    hint=suggest(str(value), scope.facts),
                ),
            )
        return value
    if argument.kind == "int":
        if not isinstance(value, int) or isinstance(value, bool):
            fail(
                source,
                Message(
                    'argument "{argument_name}" of {spec_name}() must be a whole number',
                    argument_name=argument.name,
                    spec_name=spec.name,
                ),
            )
        return value
    if not isinstance(value, str):
        fail(
            source,
            Message(
                'argument "{argument_name}" of {spec_name}() must be text',
                argument_name=argument.name,
                spec_name=spec.name,
            ),
        )
    if argument.choices and value not in argument.choices:
        fail(
            source,
            Message(
                '"{value}" is not allowed for "{argument_name}"; expected one of {choices}{hint}',
                value=value,
                argument_name=argument.name,
                choices=list(argument.choices),
                hint=suggest(value, argument.choices),
            ),
        )
    return value
