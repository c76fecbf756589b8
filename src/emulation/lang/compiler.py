"""Turn a checked rule-language tree into a Polars expression.

Facts are columns, parameters literals of the value in force for the period (null when the
parameter has none), function calls whatever their ``build`` returns. Numbers mixing whole and decimal values are computed as exact
decimals (``DECIMAL``); missing values stay null, so ``and``/``or``/``not`` follow three-valued
(Kleene) logic and an unknown fact makes a criterion unknown instead of false.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Mapping
from decimal import Decimal, localcontext
from functools import reduce
from typing import Any, Protocol, runtime_checkable

import attrs
import polars as pl

from emulation.errors import EvaluationError
from emulation.lang.nodes import (
    Arith,
    BoolOp,
    Call,
    Compare,
    Condition,
    Constant,
    FactRef,
    IfElse,
    Member,
    Node,
    ParamRef,
    Unary,
    walk_conditions,
)
from emulation.types import ParameterValue


class Context(Protocol):
    """What the compiler itself reads of the context it hands to ``build``: the period.

    The engine passes its :class:`emulation.functions.BuildContext`; the compiler only hands
    it on to each call's ``build``.
    """

    @property
    def period(self) -> object:
        """The evaluation period (named in messages)."""


@runtime_checkable
class Buildable(Protocol):
    """A function signature that can also build a call's expression, such as
    :class:`emulation.functions.FunctionSpec`."""

    @property
    def build(self) -> Callable[[Mapping[str, Any], Any], pl.Expr]:
        """``build(arguments, context)``: the Polars expression of one call."""


#: The exact decimal type of scores, money and thresholds: 38 digits, 6 after the point.
DECIMAL = pl.Decimal(38, 6)


def dtype_of(node_type: str, enum: tuple[str, ...] = ()) -> pl.DataType:
    """The Polars dtype of a rule-language value type."""
    if node_type == "bool":
        return pl.Boolean()
    if node_type == "int":
        return pl.Int64()
    if node_type == "decimal":
        return DECIMAL
    if node_type == "enum":
        return pl.Enum(list(enum))
    return pl.String()


class Compiler:
    """Compiles trees for one period: parameter values and the build context are fixed.

    Without a ``context`` the compiler works in a context-free mode, for expressions that
    read facts and parameters only: compiling a function call then raises
    :class:`~emulation.errors.EvaluationError`.
    """

    def __init__(
        self, parameters: Mapping[str, ParameterValue | None], context: Context | None = None
    ) -> None:
        self.parameters = parameters
        self.context = context
        #: Keys of the calls whose value is already a column of the query (see
        #: :attr:`~emulation.lang.nodes.Call.key`): compiling such a call reads the column, so
        #: a call nested in another is computed once, not once per call that holds it.
        self.columns: set[str] = set()

    def compile(self, node: Node) -> pl.Expr:
        """The Polars expression of ``node``."""
        if isinstance(node, Constant):
            return self._literal(node.value, node)
        if isinstance(node, FactRef):
            return pl.col(node.name)
        if isinstance(node, ParamRef):
            # a parameter with no value for the period (an unconfirmed one shipped with
            # ``values = []``, or one whose first value starts later) is unknown, like a
            # missing fact: the rules that need it are unknown, never an error
            return self._literal(self.parameters.get(node.name), node)
        if isinstance(node, Unary):
            operand = self.compile(node.operand)
            return ~operand if node.op == "not" else -operand
        if isinstance(node, BoolOp):
            parts = [self.compile(operand) for operand in node.operands]
            if node.op == "and":
                return reduce(operator.and_, parts)
            return reduce(operator.or_, parts)
        if isinstance(node, Compare):
            left, right = self._pair(node.left, node.right)
            return _COMPARISONS[node.op](left, right)
        if isinstance(node, Member):
            operand = self.compile(node.operand)
            if node.operand.type == "enum":
                values = pl.Series(list(node.values), dtype=dtype_of("enum", node.operand.enum))
            elif node.operand.type in ("int", "decimal") and any(
                isinstance(v, Decimal) for v in node.values
            ):
                operand = operand.cast(DECIMAL)
                exact = [_six_places(Decimal(str(v))) for v in node.values]
                values = pl.Series(exact, dtype=DECIMAL)
            else:
                values = pl.Series(list(node.values))
            # a null operand stays null (unknown): is_in propagates it when not nulls_equal;
            # the list is one scalar, so that a literal operand (``0 in (0,)``) gives a scalar,
            # which Polars' in-memory engine broadcasts (a one-row Series it refuses)
            listed = pl.lit(values.implode()).first()
            test = operand.is_in(listed, nulls_equal=False)
            return ~test if node.negate else test
        if isinstance(node, Arith):
            left, right = self._pair(node.left, node.right, force_decimal=node.op == "/")
            if node.op == "/":
                # a division by zero has no value: the criterion is unknown, never an error
                return left / right.replace(0, None)
            return _ARITHMETIC[node.op](left, right)
        if isinstance(node, IfElse):
            then, other = self._pair(node.then, node.other)
            return shared(
                lambda t, a, b: pl.when(t.is_null()).then(None).when(t).then(a).otherwise(b),
                self.compile(node.test),
                then,
                other,
            )
        if isinstance(node, Call):
            return self._call(node)
        raise TypeError(f"cannot compile {type(node).__name__}")  # pragma: no cover

    def _call(self, node: Call) -> pl.Expr:
        if node.key in self.columns:
            return pl.col(node.key)
        function = node.function
        if self.context is None:
            raise EvaluationError(
                f"{node.text} cannot be computed here: only facts and parameters can"
            )
        if not isinstance(function, Buildable):
            raise EvaluationError(f"{function.name}() has a signature but nothing builds it")
        arguments = {name: self._argument(value) for name, value in node.arguments}
        return function.build(arguments, self.context)

    def _argument(self, value: Any) -> Any:
        if isinstance(value, Node):
            return self.compile(value)
        if isinstance(value, Condition):
            return BoundCondition(condition=value, parameters=self.parameters)
        return value

    def _pair(
        self, left: Node, right: Node, force_decimal: bool = False
    ) -> tuple[pl.Expr, pl.Expr]:
        a, b = self.compile(left), self.compile(right)
        numeric = ("int", "decimal")
        if (
            left.type in numeric
            and right.type in numeric
            and (force_decimal or left.type != right.type)
        ):
            return a.cast(DECIMAL), b.cast(DECIMAL)
        return a, b

    def _literal(self, value: ParameterValue | None, node: Node) -> pl.Expr:
        dtype = dtype_of(node.type, node.enum)
        if isinstance(value, Decimal) and node.type == "decimal":
            value = _six_places(value)
        return pl.lit(value, dtype=dtype)


@attrs.frozen(kw_only=True, repr=False)
class BoundCondition:
    """A ``condition`` argument as a function's ``build`` receives it: the checked condition
    with the parameter values of the period, ready to be compiled over other rows.

    ``expression(context)`` is the condition's Polars expression, to be evaluated over rows
    that hold the facts it reads (``condition.node.facts``) and the columns its calls ask of
    ``context``: the build context of those rows, not of the subject that holds the call.
    """

    condition: Condition
    parameters: Mapping[str, ParameterValue | None]

    @property
    def text(self) -> str:
        """The condition as written."""
        return self.condition.text

    def expression(self, context: Context | None = None) -> pl.Expr:
        """The condition compiled with its parameter values (true, false or null)."""
        return Compiler(self.parameters, context).compile(self.condition.node)

    def __repr__(self) -> str:
        """The text, and the values of the parameters it reads (both decide its value)."""
        names = sorted(
            {name for node in walk_conditions(self.condition.node) for name in node.params}
        )
        values = ", ".join(f"{name}={self.parameters.get(name)!s}" for name in names)
        return repr(self.text) if not values else repr(f"{self.text} [{values}]")


def _six_places(value: Decimal) -> Decimal:
    """``value`` written with the 6 places of ``DECIMAL``: a zero or a whole number spelt with
    an exponent (``0e3091``, ``1e31``) does not fit Polars' decimals as it is written. Exact:
    the checker and the loader admit no more than 32 digits before the point and 6 after."""
    with localcontext() as exact:
        exact.prec = 60
        return value.quantize(_MICRO)


_MICRO = Decimal("0.000001")


def shared(body: Callable[..., pl.Expr], *values: pl.Expr) -> pl.Expr:
    """``body(*values)``, with each value computed once however often ``body`` reads it.

    Polars writes an expression used twice out twice when it plans a query, so a construct
    that reads a subexpression twice (``x is null``, then ``x``) doubles at every level of
    nesting: ``min`` nested 16 deep took over a minute and gigabytes. Here the values become
    the fields of one struct and ``body`` reads the fields, so the compiled expression grows
    linearly with the source. Every construct that reads an operand more than once — and every
    function ``build`` that does — goes through this.
    """
    names = [f"v{index}" for index, _ in enumerate(values)]
    packed = pl.struct(*(value.alias(name) for value, name in zip(values, names, strict=True)))
    result = body(*(pl.field(name) for name in names)).alias("result")
    return packed.struct.with_fields(result).struct.field("result")


_Binary = Callable[[pl.Expr, pl.Expr], pl.Expr]
_COMPARISONS: dict[str, _Binary] = {
    "==": operator.eq,
    "!=": operator.ne,
    "<": operator.lt,
    "<=": operator.le,
    ">": operator.gt,
    ">=": operator.ge,
}
_ARITHMETIC: dict[str, _Binary] = {
    "+": operator.add,
    "-": operator.sub,
    "*": operator.mul,
    "/": operator.truediv,
}
