"""Benchmark: chains, quotas and a national run over five years of synthetic history (issue 3).

Usage::

    python benchmarks/bench_history.py [--repeat 3] [--stream-chunks 22] [--quick]

On the data of ``synth_history.py`` (chunks of 1 000 units × 100 people, five calendar years
2019–2023, the 2019–2022 award history decided by the engine; made once, cached under
``benchmarks/data/``), for the period 2023 under the 2017 state rulesets, in fresh child
processes (this script with ``--child``):

``timing``
    The first ten chunks — 1 000 000 people in 10 000 units, 5 000 000 person-years — as one
    :class:`emulation.Population`. Three contenders, each run once untimed, then ``--repeat``
    rounds in which each runs once (order rotating): ``engine_all`` = ``engine.evaluate(pop,
    "2023")`` (every award of individual_titles 1.0.0 and collective_titles 1.0.0),
    ``engine_three`` = ``engine.evaluate(pop, "2023", ["ldtt", "cstdcs", "cstd_tinh"])``, and
    ``hand`` = ``hand_history.evaluate`` (the same three awards written by hand in Polars).
    Afterwards the outcomes of the three awards are compared person by person between the
    hand-written query and both engine runs; one difference stops the benchmark. The CPU time
    of every run (``time.process_time``, all threads) is kept beside its wall time, and the
    ratios are given for both: on a shared machine the wall time also measures the others'
    load.
``memory NAME``
    One contender alone on the same data: settle 2 s, note the resident set (baseline),
    reset the kernel's peak mark, run once, read ``ru_maxrss`` (as ``bench_state.py``), with
    Polars' jemalloc returning freed pages at once.
``stream K``
    The national-size run: for each of the first K chunks, read its Parquet files, build a
    Population, evaluate every award for 2023, write the outcomes as ``part-NNNN.parquet`` of
    one output data set, drop everything. Peak RSS (``ru_maxrss`` of the whole process) and
    the RSS after every chunk. Run for 2 chunks (1 M person-years) and 22 chunks (11 M), with
    Polars' default allocator.

Writes ``benchmarks/results/<date>-history.json`` and prints a Markdown report.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import json
import os
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

from bench_state import (  # noqa: E402
    KIB,
    PURGING,
    SETTLE_S,
    cpu_pressure,
    machine,
    peak_kib,
    reset_peak,
    rss_kib,
    source_state,
)

PERIOD = "2023"
THREE = ("ldtt", "cstdcs", "cstd_tinh")
CONTENDERS = ("engine_all", "engine_three", "hand")
LABELS = {
    "engine_all": "emulation, every award in force (2017 rulesets)",
    "engine_three": "emulation, LĐTT + CSTĐCS (quota) + CSTĐ tỉnh",
    "hand": "hand-written Polars, the same three awards (floor)",
}
# issue 13: chains and quotas within 2x of the hand-written floor, every award within 3x
TARGET_THREE_VS_HAND = 2.0
TARGET_ALL_VS_HAND = 3.0


# -- child side ----------------------------------------------------------------------------------


def _folders(args: argparse.Namespace, count: int) -> list[Path]:
    import synth_history

    return [
        synth_history.chunk_dir(args.units_per_chunk, args.people_per_unit, args.seed, c)
        for c in range(count)
    ]


def load(args: argparse.Namespace) -> tuple[Any, dict[str, Any]]:
    """The Population of the first ``--chunks`` chunks, and how long reading it took."""
    import synth_history
    from emulation import Population

    started = time.perf_counter()
    frames = synth_history.read_chunks(_folders(args, args.chunks))
    read = time.perf_counter()
    population = Population.from_frames(source="<synth_history>", **frames)
    built = time.perf_counter()
    if population.set_aside:
        sys.exit(f"{len(population.set_aside)} subjects set aside; the comparison assumes none")
    sizes = {table: frame.height for table, frame in frames.items()}
    del frames
    gc.collect()
    return population, {
        "read_parquet_s": read - started,
        "from_frames_s": built - read,
        "rows": sizes,
        "people": population.subjects.filter(
            population.subjects.get_column("kind") == "person"
        ).height,
    }


def contenders(population: Any) -> dict[str, Callable[[], Any]]:
    """The timed calls."""
    import hand_history
    import synth_history

    engine = synth_history.build_engine()
    return {
        "engine_all": lambda: engine.evaluate(population, PERIOD),
        "engine_three": lambda: engine.evaluate(population, PERIOD, list(THREE)),
        "hand": lambda: hand_history.evaluate(population, PERIOD),
    }


def outcomes(name: str, result: Any) -> Any:
    """``id`` and the three awards' outcomes as text."""
    import polars as pl

    if name == "hand":
        return result.with_columns(pl.col(list(THREE)).cast(pl.String))
    frame = result.frames["person"]
    return frame.select(
        "id", *(pl.col(f"{award}::outcome").cast(pl.String).alias(award) for award in THREE)
    )


def agreement(reference: Any, other: Any) -> dict[str, Any]:
    """Differences per award between two outcome frames (a full join on id)."""
    import polars as pl

    joined = reference.join(other, on="id", how="full", suffix="_other")
    report: dict[str, Any] = {"rows": [reference.height, other.height]}
    for award in THREE:
        differ = joined.filter(pl.col(award).ne_missing(pl.col(f"{award}_other")))
        report[award] = {
            "differences": differ.height,
            "examples": differ.head(5).to_dicts(),
        }
    report["agree"] = reference.height == other.height and all(
        report[a]["differences"] == 0 for a in THREE
    )
    return report


def child_timing(args: argparse.Namespace) -> dict[str, Any]:
    """Warm-up, ``--repeat`` rotating rounds, then the agreement check."""
    import polars as pl

    population, loading = load(args)
    runs = contenders(population)
    results = {name: run() for name, run in runs.items()}  # warm-up
    times: dict[str, list[float]] = {name: [] for name in runs}
    # CPU time of the process (every thread), beside the wall time: on a shared machine the
    # wall time also measures the others' load
    cpu: dict[str, list[float]] = {name: [] for name in runs}
    names = list(runs)
    for round_ in range(args.repeat):
        for name in names[round_ % len(names) :] + names[: round_ % len(names)]:
            gc.collect()
            started, cpu_started = time.perf_counter(), time.process_time()
            results[name] = runs[name]()
            times[name].append(time.perf_counter() - started)
            cpu[name].append(time.process_time() - cpu_started)
    hand = outcomes("hand", results["hand"])
    checks = {
        name: agreement(outcomes(name, results[name]), hand)
        for name in ("engine_three", "engine_all")
    }
    counts = {award: dict(hand.group_by(award).len().sort(award).iter_rows()) for award in THREE}
    everything = results["engine_all"].outcomes()
    all_counts = (
        everything.group_by("award", "outcome")
        .len()
        .sort("award", "outcome")
        .with_columns(pl.col("outcome").cast(pl.String))
        .rows()
    )
    return {
        "kind": "timing",
        **loading,
        "times": times,
        "cpu_times": cpu,
        "agreement": checks,
        "outcome_counts": counts,
        "all_awards_outcome_counts": all_counts,
        "awards_in_force": sorted({award for award, _, _ in all_counts}),
    }


def child_memory(args: argparse.Namespace) -> dict[str, Any]:
    """Peak memory of one contender (``--name``)."""
    population, loading = load(args)
    run = contenders(population)[args.name]
    gc.collect()
    time.sleep(SETTLE_S)
    baseline = rss_kib()
    reset = reset_peak()
    run()
    return {
        "kind": "memory",
        "name": args.name,
        "allocator": os.environ.get("_RJEM_MALLOC_CONF") or "default",
        **loading,
        "baseline_rss_kib": baseline,
        "peak_reset": reset,
        "peak_kib": peak_kib(),
    }


def child_stream(args: argparse.Namespace) -> dict[str, Any]:
    """Evaluate the first ``--chunks`` chunks one at a time, appending outcome parts."""
    import polars as pl

    import synth_history
    from emulation import Population

    out = synth_history.DATA / f"outcomes-{PERIOD}-{args.chunks}-chunks"
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir(parents=True)
    engine = synth_history.build_engine()
    start_rss = rss_kib()
    chunks: list[dict[str, Any]] = []
    started = time.perf_counter()
    person_years = people = decisions = 0
    for index, folder in enumerate(_folders(args, args.chunks)):
        begun = time.perf_counter()
        frames = synth_history.read_chunks([folder])
        read = time.perf_counter()
        population = Population.from_frames(source=str(folder), **frames)
        built = time.perf_counter()
        evaluation = engine.evaluate(population, PERIOD)
        evaluated = time.perf_counter()
        result = evaluation.outcomes()
        result.write_parquet(out / f"part-{index:04d}.parquet")
        facts = frames["facts"]
        person_years += facts.filter(pl.col("subject").str.starts_with("P")).height
        people += evaluation.frames["person"].height
        decisions += result.height
        del frames, population, evaluation, result, facts
        gc.collect()
        chunks.append(
            {
                "read_s": read - begun,
                "from_frames_s": built - read,
                "evaluate_s": evaluated - built,
                "write_s": time.perf_counter() - evaluated,
                "rss_after_kib": rss_kib(),
            }
        )
    total = time.perf_counter() - started
    written = pl.scan_parquet(out / "*.parquet").select(pl.len()).collect().item()
    return {
        "kind": "stream",
        "chunks": args.chunks,
        "allocator": os.environ.get("_RJEM_MALLOC_CONF") or "default",
        "person_years": person_years,
        "people_decided": people,
        "decisions_written": written,
        "decisions": decisions,
        "total_s": total,
        "person_years_per_s": person_years / total,
        "rss_before_first_chunk_kib": start_rss,
        "peak_kib": peak_kib(),
        "per_chunk": chunks,
        "output": str(out.relative_to(ROOT)),
    }


# -- parent side -------------------------------------------------------------------------------


def spawn(args: argparse.Namespace, child: list[str], allocator: str | None) -> dict[str, Any]:
    """This script as a child in a fresh interpreter; its JSON report."""
    command = [
        sys.executable, str(Path(__file__).resolve()), *child,
        "--repeat", str(args.repeat), "--seed", str(args.seed),
        "--units-per-chunk", str(args.units_per_chunk),
        "--people-per-unit", str(args.people_per_unit),
    ]  # fmt: skip
    env = dict(os.environ)
    env.pop("_RJEM_MALLOC_CONF", None)
    if allocator:
        env["_RJEM_MALLOC_CONF"] = allocator
    print(f"… {' '.join(child)} {allocator or ''}", file=sys.stderr, flush=True)
    started = time.perf_counter()
    done = subprocess.run(command, stdout=subprocess.PIPE, text=True, check=False, env=env)
    if done.returncode != 0:
        sys.exit(f"{' '.join(child)}: child exited with {done.returncode}")
    report: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    report["wall_s"] = time.perf_counter() - started
    return report


def parent(args: argparse.Namespace) -> dict[str, Any]:
    """Make the data, run the children, compare, print and save."""
    import synth_history

    started = dt.datetime.now().astimezone()
    before = {"load_average": os.getloadavg(), "cpu_pressure": cpu_pressure()}
    made = time.perf_counter()
    needed = max(args.chunks, args.stream_chunks, args.small_stream)
    synth_history.ensure_chunks(
        needed,
        args.units_per_chunk,
        args.people_per_unit,
        args.seed,
        log=lambda line: print(line, file=sys.stderr, flush=True),
    )
    data_s = time.perf_counter() - made
    base = ["--chunks", str(args.chunks)]
    timing = spawn(args, ["--child", "timing", *base], None)
    if not all(check["agree"] for check in timing["agreement"].values()):
        print(json.dumps(timing["agreement"], indent=2, default=str), file=sys.stderr)
        sys.exit("the hand-written outcomes differ from the engine's")
    memory = {
        name: spawn(args, ["--child", "memory", "--name", name, *base], PURGING)
        for name in CONTENDERS
    }
    streams = {
        count: spawn(args, ["--child", "stream", "--chunks", str(count)], None)
        for count in sorted({args.small_stream, args.stream_chunks})
    }
    rows = {}
    people = timing["people"]
    for name in CONTENDERS:
        median = statistics.median(timing["times"][name])
        rows[name] = {
            "people": people,
            "median_s": median,
            "min_s": min(timing["times"][name]),
            "max_s": max(timing["times"][name]),
            "people_per_s": people / median,
            "baseline_rss_mib": memory[name]["baseline_rss_kib"] / KIB,
            "peak_rss_mib": memory[name]["peak_kib"] / KIB,
            "increment_mib": (memory[name]["peak_kib"] - memory[name]["baseline_rss_kib"]) / KIB,
        }
    hand = rows["hand"]["median_s"]
    hand_cpu = statistics.median(timing["cpu_times"]["hand"])
    ratios = {
        "engine_three_vs_hand": rows["engine_three"]["median_s"] / hand,
        "engine_all_vs_hand": rows["engine_all"]["median_s"] / hand,
        "engine_three_vs_hand_cpu": statistics.median(timing["cpu_times"]["engine_three"])
        / hand_cpu,
        "engine_all_vs_hand_cpu": statistics.median(timing["cpu_times"]["engine_all"]) / hand_cpu,
    }
    small, large = streams[args.small_stream], streams[args.stream_chunks]
    result = {
        "date": started.isoformat(timespec="seconds"),
        "command": " ".join(["python", *sys.argv]),
        "settings": {
            key: getattr(args, key)
            for key in (
                "repeat",
                "seed",
                "chunks",
                "stream_chunks",
                "small_stream",
                "units_per_chunk",
                "people_per_unit",
            )
        },
        "machine": machine(),
        "machine_before": before,
        "source": source_state(),
        "data_preparation_s": data_s,
        "summary": rows,
        "ratios": ratios,
        "targets": {
            "engine_three_within_2x_of_hand": {
                "value": ratios["engine_three_vs_hand"],
                "met": ratios["engine_three_vs_hand"] <= TARGET_THREE_VS_HAND,
            },
            "engine_all_within_3x_of_hand": {
                "value": ratios["engine_all_vs_hand"],
                "met": ratios["engine_all_vs_hand"] <= TARGET_ALL_VS_HAND,
            },
        },
        "stream_peak_growth": large["peak_kib"] / small["peak_kib"],
        "children": {"timing": timing, "memory": memory, "stream": streams},
        "total_wall_s": (dt.datetime.now().astimezone() - started).total_seconds(),
    }
    print(render(result))
    suffix = "-history-quick" if args.quick else "-history"
    out = HERE / "results" / f"{started.date().isoformat()}{suffix}.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(result, indent=2, ensure_ascii=False, default=str) + "\n", "utf-8")
    print(f"\nwritten {out.relative_to(ROOT)} in {result['total_wall_s']:.0f} s", file=sys.stderr)
    return result


def render(result: dict[str, Any]) -> str:
    """The Markdown report."""
    timing = result["children"]["timing"]
    parts = [
        f"## {result['date']}: {timing['people']:,} people, period {PERIOD}, median of "
        f"{result['settings']['repeat']}",
        "",
        "| contender | median s | min–max s | people/s | baseline RSS MiB | peak RSS MiB "
        "| increment MiB |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for name, row in result["summary"].items():
        parts.append(
            f"| {LABELS[name]} | {row['median_s']:.3f} | {row['min_s']:.3f}–{row['max_s']:.3f} "
            f"| {row['people_per_s']:,.0f} | {row['baseline_rss_mib']:,.0f} "
            f"| {row['peak_rss_mib']:,.0f} | {row['increment_mib']:,.0f} |"
        )
    ratios = result["ratios"]
    parts += [
        "",
        f"engine (three awards) / hand = **{ratios['engine_three_vs_hand']:.2f}×**; "
        f"engine (every award) / hand = {ratios['engine_all_vs_hand']:.2f}× (CPU time: "
        f"{ratios['engine_three_vs_hand_cpu']:.2f}× and {ratios['engine_all_vs_hand_cpu']:.2f}×); "
        "outcomes agree: "
        + ", ".join(f"{k}: {v['agree']}" for k, v in timing["agreement"].items()),
        "",
        "| streamed run | chunks | person-years | people decided | total s | person-years/s "
        "| peak RSS MiB | RSS after last chunk MiB |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for count, stream in result["children"]["stream"].items():
        parts.append(
            f"| {count} chunks | {stream['chunks']} | {stream['person_years']:,} "
            f"| {stream['people_decided']:,} | {stream['total_s']:.1f} "
            f"| {stream['person_years_per_s']:,.0f} | {stream['peak_kib'] / KIB:,.0f} "
            f"| {stream['per_chunk'][-1]['rss_after_kib'] / KIB:,.0f} |"
        )
    parts.append("")
    parts.append(f"peak growth, small → large streamed run: {result['stream_peak_growth']:.2f}×")
    return "\n".join(parts)


def main(argv: list[str] | None = None) -> None:
    """Parse the command line; run the whole benchmark, or one child with ``--child``."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3, help="timed rounds (median)")
    parser.add_argument("--seed", type=int, default=20190101)
    parser.add_argument("--chunks", type=int, default=10, help="chunks of the in-memory run")
    parser.add_argument("--stream-chunks", type=int, default=22, help="chunks, national run")
    parser.add_argument("--small-stream", type=int, default=2, help="chunks, small streamed run")
    parser.add_argument("--units-per-chunk", type=int, default=1000)
    parser.add_argument("--people-per-unit", type=int, default=100)
    parser.add_argument("--quick", action="store_true", help="2 chunks in memory, 2 and 4 streamed")
    parser.add_argument("--child", choices=("timing", "memory", "stream"), help=argparse.SUPPRESS)
    parser.add_argument("--name", choices=CONTENDERS, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.quick:
        args.chunks, args.small_stream, args.stream_chunks = 2, 2, 4
    if args.child is None:
        parent(args)
        return
    report = {"timing": child_timing, "memory": child_memory, "stream": child_stream}[args.child](
        args
    )
    print(json.dumps(report, default=str))


if __name__ == "__main__":
    main()
