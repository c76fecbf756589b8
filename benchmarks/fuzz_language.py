"""Coverage-guided fuzz target of the rule language (atheris, libFuzzer's engine for Python).

Each input is read as an expression's text (UTF-8, undecodable bytes replaced) and taken the
whole road a ruleset's criterion takes: the checker (with the scope of the bundled state ruleset
``individual_titles`` 2024: its facts, parameters and every registered function), then, when
it is accepted as a true/false rule, the compiler and an evaluation of ``ldtt`` on the example
union with the rule in place of its second criterion. A finding is any exception but ours
(``EmulationError``), a planted payload that ran (the canary file or attribute), or a rule
decided in more than a second.

Run it from the repository root (see ``benchmarks/FUZZING.md``)::

    pip install -e '.[fuzz]' ./plugins/state
    python benchmarks/fuzz_language.py -atheris_runs=1000000 -dict=benchmarks/fuzz_language.dict

Extra arguments go to libFuzzer (``-max_total_time=600``, ``-jobs=2`` …). The corpus lives in
``benchmarks/data/fuzz-corpus`` (not committed), seeded with every bundled expression; the
counts of expressions tried and accepted are printed every 100 000 inputs and at the end.
"""

from __future__ import annotations

import atexit
import builtins
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import atheris

with atheris.instrument_imports(include=["emulation"]):
    import emulation
    from emulation._testing.substitute import ruleset_of, scope_of, with_criterion
    from emulation.lang.checker import Checker
    from emulation.rules.toml import read_toml

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "benchmarks" / "data" / "fuzz-corpus"
CANARY = Path(tempfile.gettempdir()) / "emulation-fuzz-canary"
CANARY_NAME = "emulation_fuzz_canary"
TARGET = "ldtt"

ENGINE = emulation.build_engine(entry_points=False, ruleset_paths=[ROOT / "rulesets" / "state"])
UNION = ENGINE.read_population(ROOT / "examples" / "union.json")
RULESET = ruleset_of(ENGINE, TARGET, "2024")
SCOPE = scope_of(ENGINE, RULESET)
COUNTS = {"tried": 0, "accepted": 0, "decided": 0, "ours_at_evaluation": 0, "cycles": 0}
STARTED = time.monotonic()


def _engine_with(node: Any, source: str) -> emulation.Engine | None:
    """The state engine with ``source`` as the second criterion of ``ldtt``; None when the rule
    would read an award that reads ``ldtt`` (a cycle, refused at load)."""
    return with_criterion(ENGINE, RULESET, TARGET, 1, node, source)


def _report() -> None:
    seconds = time.monotonic() - STARTED
    print(
        f"\n[fuzz_language] tried {COUNTS['tried']:,} expressions in {seconds:,.0f} s; "
        f"accepted {COUNTS['accepted']:,}; decided {COUNTS['decided']:,}; "
        f"our error at evaluation {COUNTS['ours_at_evaluation']:,}; "
        f"skipped as cycles {COUNTS['cycles']:,}",
        file=sys.stderr,
        flush=True,
    )


def _decide(engine: emulation.Engine, count: bool = True) -> float:
    """Decide ``ldtt`` on the union with ``engine``; the seconds it took."""
    start = time.perf_counter()
    try:
        engine.evaluate(UNION, "2024", [TARGET]).decisions()
        COUNTS["decided"] += count
    except emulation.EmulationError:
        COUNTS["ours_at_evaluation"] += count
    return time.perf_counter() - start


def test_one_input(data: bytes) -> None:
    source = data.decode("utf-8", errors="replace")
    COUNTS["tried"] += 1
    if COUNTS["tried"] % 100_000 == 0:
        _report()
    node = Checker(source, SCOPE).check("bool")
    if node is not None:
        COUNTS["accepted"] += 1
        engine = _engine_with(node, source)
        if engine is None:
            COUNTS["cycles"] += 1
        else:
            elapsed = _decide(engine)
            if elapsed > 1.0:  # timed again, so that a pause of the machine is not a finding
                elapsed = min(elapsed, _decide(engine, count=False))
            if elapsed > 1.0:
                raise AssertionError(f"{source!r} took {elapsed:.2f} s to decide")
    if CANARY.exists() or hasattr(builtins, CANARY_NAME):
        raise AssertionError(f"a payload ran: {source!r}")


def _seed_corpus() -> None:
    """Every expression of the bundled rulesets, tests and docs, as the first corpus."""
    if CORPUS.exists() and any(CORPUS.iterdir()):
        return
    CORPUS.mkdir(parents=True, exist_ok=True)
    found: list[str] = []

    def visit(value: Any, key: str = "") -> None:
        if isinstance(value, dict):
            for k, v in value.items():
                visit(v, k)
        elif isinstance(value, list):
            for v in value:
                visit(v, key)
        elif isinstance(value, str) and key in ("expr", "unless"):
            found.append(value)

    for path in sorted(ROOT.glob("rulesets/**/*.toml")) + sorted(ROOT.glob("tests/**/*.toml")):
        try:
            visit(read_toml(path)[0])
        except emulation.EmulationError:
            continue
    for number, expr in enumerate(sorted(set(found))):
        (CORPUS / f"seed-{number:04d}").write_text(expr, "utf-8")


def main() -> None:
    CANARY.unlink(missing_ok=True)
    _seed_corpus()
    atexit.register(_report)
    arguments = [sys.argv[0], *sys.argv[1:]]
    if not any(not a.startswith("-") for a in sys.argv[1:]):
        arguments.append(str(CORPUS))
    atheris.Setup(arguments, test_one_input)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
