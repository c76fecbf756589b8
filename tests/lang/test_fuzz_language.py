"""A fuzzer of the rule language, run with a bounded budget (the ``dev`` Hypothesis profile in
the inner loop, ``ci`` in CI): a grammar of valid and invalid expressions over the facts,
parameters and functions of the bundled state ruleset, with literals of every type (huge ones
too), every operator, calls with right and wrong arguments, deep nesting and planted payloads.

It asserts that the checker gives a tree or our located errors and nothing else; that no
payload ever runs (a canary file and a canary attribute stay untouched); that an accepted
expression compiles to a Polars expression proportional to its size; and that an accepted
rule, put in place of a criterion of ``ldtt``, is decided on the example union within 500 MB
(and well within a guard of 30 seconds against a blow-up; speed itself is measured by the
benchmarks, not asserted here), without any exception but ours. The coverage-guided fuzz target is
``benchmarks/fuzz_language.py`` (see ``benchmarks/FUZZING.md``).
"""

from __future__ import annotations

import builtins
import functools
import resource
import tempfile
import time
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, assume, event, given, settings
from hypothesis import strategies as st

import emulation
from emulation._testing.substitute import ruleset_of, scope_of, with_criterion
from emulation.lang import limits
from emulation.lang.checker import Checker, ExprError
from emulation.lang.compiler import Compiler
from emulation.types import ValueType

ROOT = Path(__file__).resolve().parents[2]
CANARY = Path(tempfile.gettempdir()) / "emulation-fuzz-canary"
CANARY_NAME = "emulation_fuzz_canary"
TARGET = "ldtt"

ENGINE = emulation.build_engine(entry_points=False, ruleset_paths=[ROOT / "rulesets" / "state"])
UNION = ENGINE.read_population(ROOT / "examples" / "union.json")
RULESET = ruleset_of(ENGINE, TARGET, "2024")
ALL_AWARDS = sorted({a for r in ENGINE.rulesets for a in r.awards})
SCOPE = scope_of(ENGINE, RULESET)
PARAMETER_VALUES = {name: parameter.values[-1][1] for name, parameter in RULESET.parameters.items()}


def _names(table: Any, kind: str) -> list[str]:
    return sorted(name for name, decl in table.items() if decl.type == kind)


FACTS = {kind: _names(SCOPE.facts, kind) for kind in ("bool", "int", "decimal", "enum", "text")}
PARAMS = {kind: _names(RULESET.parameters, kind) for kind in ("bool", "int", "decimal")}
ENUMS = {name: SCOPE.facts[name].values for name in FACTS["enum"]}

# -- the grammar --------------------------------------------------------------------------------

HUGE_INTS = ["9223372036854775807", "9223372036854775808", "99999999999999999999", "10" + "0" * 400]
HUGE_DECIMALS = [
    "1e309",
    "1e32",
    "1e31",
    "0e3091",
    "0.0e-9",
    "1.5e3",
    "1e400",
    "0.1234567",
    "1_000.5",
    "1e-7",
    ".5",
    "5.",
]
HOSTILE = [
    f'__import__("pathlib").Path("{CANARY}").touch()',
    f'open("{CANARY}", "w")',
    f"exec(\"import pathlib; pathlib.Path('{CANARY}').touch()\")",
    f"eval(\"setattr(__import__('builtins'), '{CANARY_NAME}', 1)\")",
    f"setattr(__builtins__, '{CANARY_NAME}', 1)",
    "().__class__.__base__.__subclasses__()",
    "[c for c in ().__class__.__bases__]",
    f"f\"{{__import__('pathlib').Path('{CANARY}').touch()}}\"",
    f"(lambda: open('{CANARY}', 'w'))()",
    "getattr(months_worked, '__class__')",
    "rating.__class__",
    "months_worked[0]",
    "(x := 1)",
    "{1: 2}",
    "{1, 2}",
    "*months_worked",
    "held(**{'award': 'ldtt'})",
    "breakpoint()",
    "__debug__",
    "_",
    "None",
    "...",
    "1j",
    'b"1"',
    "months_worked ** 2",
    "months_worked % 2",
    "months_worked // 2",
    "~months_worked",
    "+months_worked",
    "months_worked is None",
    "months_worked @ 2",
    "await months_worked",
    "yield",
]
TOKENS = ["(", ")", ",", ".", "[", "]", "-", "not ", " and ", " if ", '"', "'", "\\", "\n", "#"]
TOKENS += ["__", "1e400", "**", "lambda:", "=", "==", " in ", "\x00", "\ud800", "é", "\t"]


def _int_literal() -> st.SearchStrategy[str]:
    return st.one_of(
        st.integers(-1_000, 1_000).map(str),
        st.integers(-(2**63), 2**63).map(str),
        st.sampled_from(HUGE_INTS),
    )


def _decimal_literal() -> st.SearchStrategy[str]:
    exact = st.decimals(
        min_value=Decimal("-1e12"), max_value=Decimal("1e12"), places=3, allow_nan=False
    ).map(lambda d: f"{d:f}" if "." in f"{d:f}" else f"{d:f}.0")
    return st.one_of(exact, st.sampled_from(HUGE_DECIMALS))


def _text_literal() -> st.SearchStrategy[str]:
    values = [v for vs in ENUMS.values() for v in vs]
    return st.one_of(
        st.sampled_from(values).map(lambda v: f'"{v}"'),
        st.text(max_size=12).map(repr),
        st.integers(limits.MAX_TEXT - 1, limits.MAX_TEXT + 1).map(lambda n: f'"{"x" * n}"'),
    )


def _atoms(kind: ValueType) -> st.SearchStrategy[str]:
    options: list[st.SearchStrategy[str]] = []
    names = FACTS.get(kind, []) + PARAMS.get(kind, [])
    if names:
        options.append(st.sampled_from(names))
    if kind == "bool":
        options.append(st.sampled_from(["true", "false", "True", "False"]))
    elif kind == "int":
        options.append(_int_literal())
    elif kind == "decimal":
        options.append(_decimal_literal())
    else:
        options.append(_text_literal())
    return st.one_of(options)


def _literal_argument(argument: Any) -> st.SearchStrategy[str]:
    """A right (mostly) or wrong literal for a literal argument of a function."""
    if argument.kind == "award":
        right = st.sampled_from(ALL_AWARDS).map(repr)
    elif argument.kind == "awards":
        right = st.one_of(
            st.sampled_from(ALL_AWARDS).map(repr),
            st.lists(st.sampled_from(ALL_AWARDS), max_size=3).map(lambda ids: repr(tuple(ids))),
        )
    elif argument.kind == "fact":
        right = st.sampled_from(sorted(SCOPE.facts)).map(repr)
    elif argument.kind == "service":
        right = st.sampled_from([*sorted(RULESET.services), "nowhere"]).map(repr)
    elif argument.kind == "int":
        right = st.one_of(st.integers(-3, 12).map(str), _int_literal())
    elif argument.kind == "choice":
        right = st.sampled_from(argument.choices).map(repr)
    else:
        right = st.one_of(
            st.sampled_from([v for vs in ENUMS.values() for v in vs]).map(repr), _text_literal()
        )
    wrong = st.sampled_from(['-"x"', "-None", '-b"1"', "-True", "None", "1.5", "x", "(1,)", "'zz'"])
    return st.one_of(right, right, right, wrong)


@functools.cache
def typed(kind: ValueType, depth: int) -> st.SearchStrategy[str]:
    """Expressions meant to be of type ``kind``, nested up to ``depth`` (mostly valid)."""
    atoms = _atoms(kind)
    if depth == 0:
        return atoms

    def sub(k: ValueType) -> st.SearchStrategy[str]:
        return typed(k, depth - 1)

    number = st.one_of(sub("int"), sub("decimal"))
    options: list[st.SearchStrategy[str]] = [atoms, atoms]
    if kind == "bool":
        options += [
            sub("bool").map(lambda x: f"not {x}"),
            st.lists(sub("bool"), min_size=2, max_size=4).map(" and ".join),
            st.lists(sub("bool"), min_size=2, max_size=4).map(" or ".join),
            st.tuples(number, st.sampled_from(["<", "<=", ">", ">=", "==", "!="]), number).map(
                lambda t: f"({t[0]} {t[1]} {t[2]})"
            ),
            st.tuples(number, number, number).map(lambda t: f"({t[0]} < {t[1]} <= {t[2]})"),
            st.sampled_from(sorted(ENUMS)).flatmap(
                lambda f: st.tuples(
                    st.sampled_from(["==", "!=", ">=", "<"]), st.sampled_from(ENUMS[f])
                ).map(lambda t: f'{f} {t[0]} "{t[1]}"')
            ),
            st.tuples(
                st.sampled_from(sorted(ENUMS)), st.sampled_from([" in ", " not in "])
            ).flatmap(
                lambda t: st.lists(st.sampled_from(ENUMS[t[0]]), min_size=1, max_size=4).map(
                    lambda vs: f"{t[0]}{t[1]}({', '.join(map(repr, vs))},)"
                )
            ),
            st.tuples(number, st.lists(_int_literal(), min_size=1, max_size=4)).map(
                lambda t: f"{t[0]} in ({', '.join(t[1])},)"
            ),
            st.tuples(sub("bool"), sub("bool"), sub("bool")).map(
                lambda t: f"({t[0]} if {t[1]} else {t[2]})"
            ),
        ]
    if kind in ("int", "decimal"):
        options += [
            st.tuples(number, st.sampled_from(["+", "-", "*", "/"]), number).map(
                lambda t: f"({t[0]} {t[1]} {t[2]})"
            ),
            number.map(lambda x: f"-{x}"),
            st.tuples(st.sampled_from(["min", "max"]), number, number).map(
                lambda t: f"{t[0]}({t[1]}, {t[2]})"
            ),
            st.tuples(number, sub("bool"), number).map(lambda t: f"({t[0]} if {t[1]} else {t[2]})"),
        ]
    options += [_calls(kind)]
    return st.one_of(options)


def _calls(kind: ValueType) -> st.SearchStrategy[str]:
    functions = [
        f for f in ENGINE.functions.values() if f.returns == kind or f.returns == "numeric"
    ]
    if not functions:
        return st.nothing()

    @st.composite
    def call(draw: st.DrawFn) -> str:
        spec = draw(st.sampled_from(sorted(functions, key=lambda f: f.name)))
        parts = []
        for argument in spec.arguments:
            if not argument.required and draw(st.booleans()):
                continue
            if argument.literal:
                value = draw(_literal_argument(argument))
            else:
                value = draw(_atoms(draw(st.sampled_from(argument.accepts))))
            keyword = not argument.required or draw(st.integers(0, 4)) == 0
            parts.append(f"{argument.name}={value}" if keyword else value)
        extra = draw(st.sampled_from(["", "", "", ", 1", ", nope=1", ", **x"]))
        ordered = sorted(parts, key=lambda p: "=" in p)  # positional first
        return f"{spec.name}({', '.join(ordered)}{extra})"

    return call()


def _nested() -> st.SearchStrategy[str]:
    """One construct nested many times: close to, at and beyond the depth limit."""
    templates = [
        ("min({}, 1)", "months_worked", " > 0"),
        ("max(1.5, {})", "months_worked", " > 0"),
        ("(1 if {} > 0 else 0)", "months_worked", " > 0"),
        ("(1 / {})", "months_worked", " > 0"),
        ("(({}) in (true,))", "good_attitude", ""),
        ("not {}", "good_attitude", ""),
        ("-{}", "months_worked", " > 0"),
        ("({} + months_worked)", "1", " > 0"),
        ("(({}) == good_attitude)", "good_attitude", ""),
    ]
    depths = st.one_of(st.integers(1, 20), st.integers(limits.MAX_DEPTH - 4, limits.MAX_DEPTH + 4))
    return st.tuples(st.sampled_from(templates), depths).map(lambda t: _nest(*t[0], t[1]))


def _nest(template: str, seed: str, suffix: str, depth: int) -> str:
    source = seed
    for _ in range(depth):
        source = template.format(source)
    return source + suffix


@st.composite
def _mutated(draw: st.DrawFn) -> str:
    source = draw(typed("bool", 2))
    for _ in range(draw(st.integers(1, 3))):
        at = draw(st.integers(0, len(source)))
        token = draw(st.sampled_from(TOKENS))
        cut = draw(st.integers(0, 2))
        source = source[:at] + token + source[at + cut :]
    return source


def _hostile() -> st.SearchStrategy[str]:
    payload = st.sampled_from(HOSTILE)
    return st.one_of(
        payload,
        st.tuples(typed("bool", 1), payload).map(lambda t: f"{t[0]} and {t[1]}"),
        payload.map(lambda p: f"held_before({p})"),
        payload.map(lambda p: f"min({p}, 1) > 0"),
    )


EXPRESSIONS = st.one_of(
    typed("bool", 3),
    typed("bool", 3),
    typed("int", 2),
    _nested(),
    _mutated(),
    _hostile(),
    st.text(max_size=40),
)


# -- the properties -----------------------------------------------------------------------------


@pytest.fixture(autouse=True)
def _canary_untouched() -> Any:
    """No payload may run: neither the canary file nor the canary attribute may appear."""
    CANARY.unlink(missing_ok=True)
    yield
    assert not CANARY.exists(), "a payload ran: the canary file was created"
    assert not hasattr(builtins, CANARY_NAME), "a payload ran: the canary attribute was set"


def check(source: str, expect: ValueType | None = "bool") -> tuple[Any, list[ExprError]]:
    """The checker's answer; any exception but ours fails the test with the source."""
    checker = Checker(source, SCOPE)
    node = checker.check(expect)
    assert (node is None) == bool(checker.errors), source
    for error in checker.errors:
        assert isinstance(error, ExprError)
        assert error.column >= 1, (source, error)
        assert error.message, (source, error)
    return node, checker.errors


_SIZE_PER_CHARACTER = 400  # serialised Polars JSON per character of source: measured 2 to 140


@settings(max_examples=4 * settings().max_examples, suppress_health_check=[HealthCheck.too_slow])
@given(EXPRESSIONS)
def test_the_checker_gives_a_tree_or_our_errors(source: str) -> None:
    node, errors = check(source, expect=None)
    event("accepted" if node is not None else f"refused: {errors[0].code or 'type'}")
    if node is None:
        return
    if not node.calls:
        # no construct repeats a subexpression: the compiled expression is linear in the source
        expr = Compiler(PARAMETER_VALUES).compile(node)
        assert len(expr.meta.serialize(format="json")) <= _SIZE_PER_CHARACTER * len(source) + 4_000


def _with_rule(node: Any, source: str) -> emulation.Engine:
    """The state engine with ``source`` in place of the second criterion of ``ldtt``."""
    engine = with_criterion(ENGINE, RULESET, TARGET, 1, node, source)
    assume(engine is not None)  # a cycle: refused at load
    assert engine is not None
    return engine


#: Seconds after which deciding one generated rule counts as a blow-up: typical runs take a
#: small fraction of a second; the guard leaves room for a loaded two-core machine.
HANG_GUARD = 30

_BASELINE = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024  # MB
_ACCEPTED_RULES = st.one_of(typed("bool", 3), typed("bool", 3), _nested(), _hostile())


@pytest.mark.slow
@settings(suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
@given(_ACCEPTED_RULES)
def test_an_accepted_rule_is_decided_in_bounded_time_and_memory(source: str) -> None:
    node, _ = check(source)
    assume(node is not None)
    event(f"accepted, {len(node.calls)} calls")
    engine = _with_rule(node, source)
    start = time.perf_counter()
    try:
        decisions = engine.evaluate(UNION, "2024", [TARGET]).decisions()
    except emulation.EmulationError:
        event("our error at evaluation")
        return  # ours, e.g. a parameter without a value in 2024
    elapsed = time.perf_counter() - start
    assert decisions
    # a guard against a blow-up (an exponential compile took minutes), not a speed target
    assert elapsed < HANG_GUARD, (source, elapsed)
    grown = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024 - _BASELINE
    assert grown < 500, (source, grown)
