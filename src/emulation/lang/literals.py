"""The checks of a literal argument of a call (an award id, a fact or service name, a whole
number, a text or one of a list of choices) against the scope of the expression.

A ``condition`` argument is not checked here: it is an expression, which the checker checks
as one (:meth:`emulation.lang.checker.Checker._condition`).
"""

from __future__ import annotations

from emulation.errors import suggest
from emulation.lang.scope import Scope
from emulation.lang.signature import Argument, Signature


def literal_problem(spec: Signature, argument: Argument, value: object, scope: Scope) -> str | None:
    """Why ``value`` cannot be the literal ``argument`` of ``spec`` in ``scope``, or None."""
    what = f'argument "{argument.name}" of {spec.name}()'
    if argument.kind == "award":
        if not isinstance(value, str) or not value:
            return f"{what} must be an award id"
        if value not in scope.awards and scope.closed:
            return f'unknown award "{value}"{suggest(value, scope.awards)}'
        return None
    if argument.kind == "service":
        if value not in scope.services:
            return (
                f'unknown service rule "{value}" (declare [service.{value}])'
                f"{suggest(str(value), scope.services)}"
            )
        return None
    if argument.kind == "fact":
        if value not in scope.facts:
            return f'unknown fact "{value}"{suggest(str(value), scope.facts)}'
        return None
    if argument.kind == "int":
        if not isinstance(value, int) or isinstance(value, bool):
            return f"{what} must be a whole number"
        return None
    if not isinstance(value, str):
        return f"{what} must be text"
    if argument.choices and value not in argument.choices:
        return (
            f'"{value}" is not allowed for "{argument.name}"; expected one of '
            f"{list(argument.choices)}{suggest(value, argument.choices)}"
        )
    return None
