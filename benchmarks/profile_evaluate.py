"""Where ``Engine.evaluate`` spends its time, on the benchmark's data.

Usage::

    python benchmarks/profile_evaluate.py [--records N] [--repeat R] [--cprofile]

Wraps the two stages ``engine.evaluate`` calls — ``base_frame`` (candidates ⨝ facts, every
declared fact cast, checked and defaulted) and ``evaluate_kind`` (derived-column joins, rule
and outcome columns, one ``collect``) — with timers, and reports the median of each over R
runs next to the whole call. It then times, in plain Polars on the same frames, the pieces a
faster engine could do differently (see ``RESULTS.md``). ``--cprofile`` adds the functions of
the ``emulation`` package by cumulative time.
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import pstats
import statistics
import time
from collections.abc import Callable
from typing import Any

import polars as pl

import hand_polars
import synth
from emulation import build_engine
from emulation import evaluate as engine
from emulation.data.population import Population

PERIOD = "2024"
KINDS = ("combat_ingenuity", "initiative", "scientific_work")
SCOPES = ("grassroots", "ministry_province", "national")


def median_ms(run: Callable[[], Any], repeat: int) -> float:
    """Median wall time of ``run`` in milliseconds, after one warm-up call."""
    run()
    samples = []
    for _ in range(repeat):
        gc.collect()
        start = time.perf_counter()
        run()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples) * 1000


def stage_times(population: Population, repeat: int, awards: list[str] | None) -> dict[str, float]:
    """Median of the whole ``evaluate`` and of its two stages (summed over subject kinds), ms."""
    the_engine = build_engine(entry_points=False, ruleset_paths=[synth.RULESETS])
    names = ("base_frame", "evaluate_kind")
    originals = {name: getattr(engine, name) for name in names}
    current = dict.fromkeys(names, 0.0)

    def timer(name: str) -> Callable[..., Any]:
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            start = time.perf_counter()
            try:
                return originals[name](*args, **kwargs)
            finally:
                current[name] += time.perf_counter() - start

        return wrapped

    samples: dict[str, list[float]] = {"evaluate (whole)": [], **{f"  {n}": [] for n in names}}
    for name in names:
        setattr(engine, name, timer(name))
    try:
        for index in range(repeat + 1):  # the first run is a warm-up
            current.update(dict.fromkeys(names, 0.0))
            gc.collect()
            start = time.perf_counter()
            the_engine.evaluate(population, PERIOD, awards)
            total = time.perf_counter() - start
            if index:
                samples["evaluate (whole)"].append(total)
                for name in names:
                    samples[f"  {name}"].append(current[name])
    finally:
        for name, original in originals.items():
            setattr(engine, name, original)
    result = {label: statistics.median(values) * 1000 for label, values in samples.items()}
    rest = [
        total - sum(samples[f"  {n}"][i] for n in names)
        for i, total in enumerate(samples["evaluate (whole)"])
    ]
    result["  rest (plugins, parameters, Evaluation, observers)"] = statistics.median(rest) * 1000
    return result


def what_ifs(population: Population, repeat: int) -> dict[str, float]:
    """Pieces of the same work in plain Polars, to size the possible gains (ms)."""
    subjects, facts, evidence = population.subjects, population.facts, population.evidence

    def candidates() -> pl.DataFrame:
        people = subjects.filter(pl.col("kind") == "person").drop("_origin", "kind")
        rows = facts.filter(pl.col("period") == PERIOD).drop("period")
        return people.join(rows, left_on="id", right_on="subject", how="inner")

    base = candidates()

    def one_count(kind: str, alias: str) -> pl.LazyFrame:
        return (
            evidence.lazy()
            .filter(
                (pl.col("kind") == kind)
                & (pl.col("period") == PERIOD)
                & pl.col("scope").is_in(SCOPES)
            )
            .group_by("subject")
            .agg(pl.len().cast(pl.Int64).alias(alias))
        )

    def three_joins() -> pl.DataFrame:
        lazy = base.lazy()
        for kind in KINDS:
            lazy = lazy.join(one_count(kind, kind), left_on="id", right_on="subject", how="left")
            lazy = lazy.with_columns(pl.col(kind).fill_null(0))
        return lazy.collect()

    def one_join() -> pl.DataFrame:
        counts = (
            evidence.lazy()
            .filter(pl.col("period") == PERIOD, pl.col("scope").is_in(SCOPES))
            .group_by("subject")
            .agg((pl.col("kind") == kind).sum().cast(pl.Int64).alias(kind) for kind in KINDS)
        )
        joined = base.lazy().join(counts, left_on="id", right_on="subject", how="left")
        return joined.with_columns(pl.col(KINDS).fill_null(0)).collect()

    def candidates_lean() -> pl.DataFrame:
        people = subjects.lazy().filter(pl.col("kind") == "person").select("id")
        rows = facts.lazy().filter(pl.col("period") == PERIOD).drop("period", "_origin")
        return people.join(rows, left_on="id", right_on="subject", how="inner").collect()

    return {
        "candidates: subjects ⨝ facts, all columns (as base_frame)": median_ms(candidates, repeat),
        "candidates: lazy, only id + fact columns": median_ms(candidates_lean, repeat),
        "evidence_count x3: three group-bys, three joins (as now)": median_ms(three_joins, repeat),
        "evidence_count x3: one group-by, one join": median_ms(one_join, repeat),
        "hand-written Polars, whole job": median_ms(
            lambda: hand_polars.evaluate(population, PERIOD), repeat
        ),
    }


def main() -> None:
    """Print the stage times, the what-ifs and optionally a cProfile listing."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--records", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--cprofile", action="store_true", help="also list emulation functions")
    parser.add_argument(
        "--awards",
        nargs="*",
        default=["ldtt", "cstdcs"],
        help="awards to evaluate (default: ldtt cstdcs, as the benchmark; none: every award)",
    )
    args = parser.parse_args()
    awards = args.awards or None
    population = synth.population(args.records)
    print(f"{args.records:,} records, awards {awards or 'all'}, median of {args.repeat} (ms)")
    for label, value in stage_times(population, args.repeat, awards).items():
        print(f"{label:62s} {value:9.1f}")
    if args.records > 1:
        print()
        for label, value in what_ifs(population, args.repeat).items():
            print(f"{label:62s} {value:9.1f}")
    if args.cprofile:
        the_engine = build_engine(entry_points=False, ruleset_paths=[synth.RULESETS])
        profile = cProfile.Profile()
        profile.enable()
        for _ in range(args.repeat):
            the_engine.evaluate(population, PERIOD, awards)
        profile.disable()
        pstats.Stats(profile).sort_stats("cumulative").print_stats("emulation", 25)


if __name__ == "__main__":
    main()
