"""The checking of function calls in the rule language: arguments by position and name,
literal and condition arguments, the result type; the checker's messages, in English, marked
for the catalogues."""

from __future__ import annotations

import ast
from typing import Any, NoReturn, Protocol

import attrs

from emulation.errors import suggest
from emulation.i18n import Message
from emulation.lang import limits
from emulation.lang.arguments import literal_argument
from emulation.lang.kinds import merge as _merge
from emulation.lang.literals import item_problem, score_enum
from emulation.lang.nodes import Call, Condition, Node
from emulation.lang.scope import Scope
from emulation.lang.signature import Argument, Signature


class Nested(Protocol):
    """A checker of a condition argument's text."""

    errors: list[Any]

    def check(self, expect: Any = "bool") -> Node | None: ...


class Checking(Protocol):
    """What the call checks need of the checker."""

    scope: Scope
    _wrapped: str

    def _node(self, node: ast.expr) -> Node: ...

    def _fail(self, node: ast.AST, message: str, code: str = "") -> NoReturn: ...

    def _expect(self, source: ast.AST, node: Node, types: tuple[str, ...], what: str) -> None: ...

    def nested(self, source: str) -> Nested: ...


def check_call(checker: Checking, node: ast.Call) -> Node:
    """The typed call of a registered function, its arguments checked against its signature."""
    assert isinstance(node.func, ast.Name)  # screened
    name = node.func.id
    spec = checker.scope.functions.get(name)
    if spec is None:
        checker._fail(
            node,
            Message(
                'unknown function "{name}"{hint}',
                name=name,
                hint=suggest(name, checker.scope.functions),
            ),
        )
    bound: dict[str, Any] = {}
    params = {argument.name: argument for argument in spec.arguments}
    if len(node.args) > len(spec.arguments):
        checker._fail(
            node,
            Message(
                "{name}() takes at most {count} arguments", name=name, count=len(spec.arguments)
            ),
        )
    pairs: list[tuple[str, ast.expr]] = [
        (spec.arguments[i].name, arg) for i, arg in enumerate(node.args)
    ]
    for keyword in node.keywords:
        assert keyword.arg is not None
        if keyword.arg not in params:
            checker._fail(
                keyword.value,
                Message(
                    '{name}() has no argument "{argument}"{hint}',
                    name=name,
                    argument=keyword.arg,
                    hint=suggest(keyword.arg, params),
                ),
            )
        pairs.append((keyword.arg, keyword.value))
    children: list[Node] = []
    for arg_name, source in pairs:
        if arg_name in bound:
            checker._fail(
                source, Message('{name}() got "{arg_name}" twice', name=name, arg_name=arg_name)
            )
        argument = params[arg_name]
        if argument.kind == "condition":
            bound[arg_name] = _condition_argument(checker, spec, argument, source)
        elif argument.literal:
            bound[arg_name] = literal_argument(
                spec, argument, source, checker._wrapped, checker.scope, checker._fail
            )
        else:
            child = checker._node(source)
            what = Message(
                'argument "{argument}" of {function}()', argument=arg_name, function=name
            )
            checker._expect(source, child, argument.accepts, what)
            children.append(child)
            bound[arg_name] = child
    for argument in spec.arguments:
        if argument.name not in bound:
            if argument.required:
                checker._fail(
                    node,
                    Message(
                        '{name}() needs the argument "{argument_name}"',
                        name=name,
                        argument_name=argument.name,
                    ),
                )
            bound[argument.name] = argument.default
    wrong_item = item_problem(checker.scope, spec, bound)
    if wrong_item is not None:
        checker._fail(node, wrong_item)
    returns = spec.result_type(bound)
    bands = score_enum(checker.scope, spec, bound)
    text = ast.get_source_segment(checker._wrapped, node) or name
    literal_args = ", ".join(
        f"{key}={value!r}"
        for key, value in bound.items()
        if not isinstance(value, Node) and not (params[key].quiet and value == params[key].default)
    )
    call = Call(
        type=returns,
        function=spec,
        arguments=tuple(bound.items()),
        text=f"{name}({literal_args})" if not children else " ".join(text.split()),
        enum=bands,
        ordered=bool(bands),
        **_merge(children),
    )
    return attrs.evolve(call, calls=(*call.calls, call))


def _condition_argument(
    checker: Checking, spec: Signature, argument: Argument, source: ast.expr
) -> Any:
    problem = limits.argument_problem(source, checker._wrapped)
    if problem is not None:
        checker._fail(problem[0], problem[2], code=problem[1])
    value = limits.argument_value(source)
    if value is None:
        checker._fail(
            source,
            Message(
                'argument "{argument_name}" of {spec_name}() must be a literal',
                argument_name=argument.name,
                spec_name=spec.name,
            ),
        )
    return _condition(checker, spec, argument, source, value)


def _condition(
    checker: Checking, spec: Signature, argument: Argument, source: ast.expr, value: object
) -> Condition:
    """A condition argument: its text checked as a true/false expression in this scope."""
    if not isinstance(value, str):
        checker._fail(
            source,
            Message(
                "argument \"{argument_name}\" of {spec_name}() must be a condition written as text, e.g. 'months_in_post >= 6'",
                argument_name=argument.name,
                spec_name=spec.name,
            ),
        )
    inner = checker.nested(value)
    node = inner.check("bool")
    if node is None:
        first = inner.errors[0]
        checker._fail(
            source,
            Message(
                'in the condition "{argument_name}" of {spec_name}(), at its column {column}: {problem}',
                argument_name=argument.name,
                spec_name=spec.name,
                column=first.column,
                problem=first.message,
            ),
            code=first.code,
        )
    return Condition(text=value, node=node)
