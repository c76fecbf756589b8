"""Benchmark: one subject, the three single-subject figures of issue 13, in one process.

Usage::

    python benchmarks/bench_single.py [--runs N] [--warmup W] [--quick] [--json]

The subject is the one ``bench_state.py``'s latency child uses: the first person of the seeded
synthetic data (``synth.py``, 2 000 people) with an initiative in 2024, alone in a population.
Measured, each as the median (and minimum, 95th percentile, median CPU time) of ``--runs``
calls after ``--warmup`` calls, on one engine built once:

* ``every_award`` — ``engine.evaluate(population, "2024")``: every state award in force
  (target: 5 ms);
* ``ldtt_cstdcs`` — ``engine.evaluate(population, "2024", ["ldtt", "cstdcs"])`` (1.5 ms);
* ``decisions`` — ``Evaluation.decisions()`` of the first, already evaluated (2 ms);
* ``every_award_cold`` — the first, with the engine's plan cache emptied before each call
  (what the plan cache and the rules compiled with it save);
* ``every_award_rules_query`` and ``ldtt_cstdcs_rules_query`` — the last query of each, the
  one that computes the rules' own columns (captured as the evaluation runs it, then run
  alone the same way): the part of one evaluation that no cache removes, a floor for it.

CPU time (``time.process_time``, every thread of the process) is given beside the wall time:
on a shared machine it moves less with the load. ``--quick`` makes 50 runs after 10.
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from collections.abc import Callable
from typing import Any

import polars as pl

import bench_state
import synth
from emulation import Population

TARGETS_MS = {"every_award": 5.0, "ldtt_cstdcs": 1.5, "decisions": 2.0}


def one_subject(seed: int) -> Population:
    """The latency subject of ``bench_state.py``, alone in a population."""
    frames = synth.generate(2_000, seed)
    holders = frames["evidence"].filter(
        pl.col("period") == bench_state.PERIOD, pl.col("kind") == "initiative"
    )
    subject = holders.get_column("subject")[0]
    one = {
        table: frame.filter(pl.col("id" if table == "subjects" else "subject") == subject)
        for table, frame in frames.items()
    }
    return Population.from_frames(source="<one subject>", **one)


def rules_query(engine: Any, population: Population, period: str, awards: Any) -> Callable[[], Any]:
    """The last rules query of ``engine.evaluate(population, period, awards)``, to run alone as
    the evaluation runs it (``evaluate/collect.py``'s ``collect_rules``)."""
    from emulation.evaluate import query  # the engine's own module: captured, then restored

    captured: list[pl.LazyFrame] = []
    kept: dict[str, Any] = {}
    real = query.collect_rules

    def capture(lazy: pl.LazyFrame, **options: Any) -> pl.DataFrame:
        captured[:] = [lazy]
        kept.update(options)
        return real(lazy, **options)

    query.collect_rules = capture  # type: ignore[assignment]
    try:
        engine.evaluate(population, period, awards)
    finally:
        query.collect_rules = real
    lazy = captured[0]
    return lambda: real(lazy, **kept)


def measure(run: Callable[[], Any], runs: int, warmup: int) -> dict[str, float]:
    """Median, minimum and 95th percentile wall time and median CPU time of ``run``, in ms."""
    for _ in range(warmup):
        run()
    wall, cpu = [], []
    for _ in range(runs):
        start, start_cpu = time.perf_counter(), time.process_time()
        run()
        wall.append((time.perf_counter() - start) * 1000)
        cpu.append((time.process_time() - start_cpu) * 1000)
    wall.sort()
    return {
        "median_ms": statistics.median(wall),
        "min_ms": wall[0],
        "p95_ms": wall[int(0.95 * (len(wall) - 1))],
        "cpu_median_ms": statistics.median(cpu),
    }


def main(argv: list[str] | None = None) -> None:
    """Measure and print a Markdown table (or JSON with ``--json``)."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--runs", type=int, default=200)
    parser.add_argument("--warmup", type=int, default=20)
    parser.add_argument("--seed", type=int, default=20240101)
    parser.add_argument("--quick", action="store_true", help="50 runs after 10 warm-up runs")
    parser.add_argument("--json", action="store_true", help="print JSON instead of a table")
    args = parser.parse_args(argv)
    if args.quick:
        args.runs, args.warmup = min(args.runs, 50), min(args.warmup, 10)
    population = one_subject(args.seed)
    engine = bench_state.build_engine()
    period, awards = bench_state.PERIOD, list(bench_state.AWARDS)
    evaluation = engine.evaluate(population, period)

    def cold() -> None:
        engine.clear_cache()
        engine.evaluate(population, period)

    figures = {
        "every_award": measure(lambda: engine.evaluate(population, period), args.runs, args.warmup),
        "ldtt_cstdcs": measure(
            lambda: engine.evaluate(population, period, awards), args.runs, args.warmup
        ),
        "decisions": measure(evaluation.decisions, args.runs, args.warmup),
        "every_award_cold": measure(cold, args.runs, args.warmup),
        "every_award_rules_query": measure(
            rules_query(engine, population, period, None), args.runs, args.warmup
        ),
        "ldtt_cstdcs_rules_query": measure(
            rules_query(engine, population, period, awards), args.runs, args.warmup
        ),
    }
    report = {
        "awards": len(evaluation.awards),
        "decisions": len(evaluation.decisions()),
        "runs": args.runs,
        "warmup": args.warmup,
        "figures": figures,
    }
    if args.json:
        print(json.dumps(report, indent=2))
        return
    print(f"one subject, {report['awards']} awards, {args.runs} runs after {args.warmup}")
    print()
    print("| figure | median ms | min ms | p95 ms | CPU median ms | target ms |")
    print("|---|---:|---:|---:|---:|---:|")
    for name, value in figures.items():
        target = TARGETS_MS.get(name)
        shown = (
            ""
            if target is None
            else f"{target:g}" + (" met" if value["median_ms"] <= target else " not met")
        )
        print(
            f"| {name} | {value['median_ms']:.2f} | {value['min_ms']:.2f} | "
            f"{value['p95_ms']:.2f} | {value['cpu_median_ms']:.2f} | {shown} |"
        )


if __name__ == "__main__":
    main()
