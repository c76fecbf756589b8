"""Benchmark: the 2024 LĐTT + CSTĐCS rules over N synthetic person-year records, four ways.

Usage::

    python benchmarks/bench_state.py [--records N] [--repeat R] [--quick]

One run times, on the same data (``synth.py``, seeded):

* ``emulation``   — this engine: ``build_engine(...).evaluate(population, "2024")``;
* ``polars``      — the same rules written by hand as Polars expressions (the floor);
* ``openfisca``   — the same rules as an OpenFisca-core tax-benefit system (vectorised NumPy);
* ``rule_engine`` — the same rules as ``rule_engine.Rule`` objects, evaluated per record dict
  (on a sample: per-record evaluation of a million records would take minutes);
* ``latency``     — one subject through the whole state ruleset, and ``decisions()``.

Each engine runs in a fresh child process (this script with ``--engine NAME``), which builds
the data, notes its resident memory, resets the kernel's peak-RSS mark (``/proc/self/
clear_refs``), runs one untimed warm-up and R timed runs, then reads ``getrusage(RUSAGE_SELF).
ru_maxrss``: the peak while the engine ran, data included. Every comparison engine's outcomes
are then checked against this engine's, record for record; a disagreement stops the benchmark.

The parent prints a Markdown table with the ratios and the targets, and writes
``benchmarks/results/<date>.json``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from importlib import metadata
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
RULESETS = ROOT / "rulesets" / "state"
PERIOD = "2024"
ENGINES = ("emulation", "polars", "openfisca", "rule_engine", "latency")
LABELS = {
    "emulation": "emulation (this engine)",
    "polars": "hand-written Polars (floor)",
    "openfisca": "OpenFisca-core, vectorised: from Population frames",
    "openfisca_compute": "OpenFisca-core, vectorised: simulation + calculate only",
    "rule_engine": "rule-engine, per record",
}
PACKAGES = ("emulation", "polars", "numpy", "OpenFisca-Core", "rule-engine", "attrs", "pluggy")

#: Targets from the issue.
TARGET_VS_POLARS = 3.0  # engine time at most 3x the hand-written Polars time
TARGET_VS_OPENFISCA = 5.0  # engine throughput at least 5x OpenFisca's
TARGET_LATENCY_MS = 5.0  # one subject through the whole state ruleset, median

KIB = 1024


# -- measurement helpers (child side) -----------------------------------------------------------


def rss_kib() -> int:
    """Current resident set size of this process, in KiB (``VmRSS``)."""
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def peak_kib() -> int:
    """Peak resident set size of this process, in KiB (``ru_maxrss`` is KiB on Linux)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def reset_peak() -> bool:
    """Reset the peak-RSS mark to the current RSS (Linux ≥ 4.0); False if not allowed."""
    try:
        with open("/proc/self/clear_refs", "w", encoding="ascii") as handle:
            handle.write("5")
    except OSError:
        return False
    return True


def timed_runs(run: Callable[[], Any], repeat: int) -> tuple[list[float], Any]:
    """One untimed warm-up, then ``repeat`` timed calls of ``run``; the times and last result."""
    result = run()
    times = []
    for _ in range(repeat):
        result = None
        gc.collect()
        start = time.perf_counter()
        result = run()
        times.append(time.perf_counter() - start)
    return times, result


def build_engine() -> Any:
    """The engine over the repository's state rulesets only (no installed plugins)."""
    import emulation

    return emulation.build_engine(entry_points=False, ruleset_paths=[RULESETS])


def engine_outcomes(population: Any) -> Any:
    """``id, ldtt, cstdcs`` as text, sorted by id: the reference every comparison must match."""
    import polars as pl

    frame = build_engine().evaluate(population, PERIOD).frames["person"]
    return frame.select(
        "id",
        pl.col("ldtt::outcome").cast(pl.String).alias("ldtt"),
        pl.col("cstdcs::outcome").cast(pl.String).alias("cstdcs"),
    ).sort("id")


def check_agreement(name: str, population: Any, result: Any, sample: bool = False) -> dict[str, Any]:
    """Compare ``result`` (``id, ldtt, cstdcs`` as text) with the engine, record for record.

    Exits the child with an error when one outcome differs or a record is missing: timing two
    programs that do different work is worthless.
    """
    import polars as pl

    expected = engine_outcomes(population)
    if sample:
        expected = expected.join(result.select("id"), on="id", how="semi")
    joined = expected.join(result, on="id", how="full", suffix="_other", coalesce=True)
    differs = joined.filter(
        pl.col("ldtt").ne_missing(pl.col("ldtt_other"))
        | pl.col("cstdcs").ne_missing(pl.col("cstdcs_other"))
    )
    summary = {
        "records_compared": result.height,
        "engine_records": expected.height,
        "mismatches": differs.height,
        "agree": differs.height == 0 and result.height == expected.height,
    }
    if not summary["agree"]:
        print(f"[{name}] DISAGREES with the engine:\n{differs.head(10)}", file=sys.stderr)
        print(json.dumps(summary), file=sys.stderr)
        sys.exit(3)
    return summary


# -- the engines (child side) ---------------------------------------------------------------------


def run_emulation(population: Any, args: argparse.Namespace) -> dict[str, Any]:
    """This engine: ``evaluate`` over the whole population (data already loaded)."""
    engine = build_engine()
    times, evaluation = timed_runs(lambda: engine.evaluate(population, PERIOD), args.repeat)
    frame = evaluation.frames["person"]
    counts = {
        award: dict(frame.get_column(f"{award}::outcome").cast(str).value_counts().iter_rows())
        for award in ("ldtt", "cstdcs")
    }
    return {"times": times, "records": frame.height, "outcomes": counts}


def run_polars(population: Any, args: argparse.Namespace) -> dict[str, Any]:
    """The hand-written Polars floor."""
    import polars as pl

    import hand_polars

    times, result = timed_runs(lambda: hand_polars.evaluate(population, PERIOD), args.repeat)
    peak = peak_kib()
    text = result.with_columns(pl.col("ldtt", "cstdcs").cast(pl.String))
    return {
        "times": times,
        "records": result.height,
        "peak_kib": peak,
        "agreement": check_agreement("polars", population, text),
    }


def run_openfisca(population: Any, args: argparse.Namespace) -> dict[str, Any]:
    """OpenFisca-core: ``prepare`` (frames to NumPy arrays) + simulation + calculate, timed
    together and apart."""
    import polars as pl

    import openfisca_model
    from emulation.types import OUTCOMES

    system = openfisca_model.tax_benefit_system()
    compute: list[float] = []

    def run() -> tuple[dict[str, Any], dict[str, Any]]:
        prepared = openfisca_model.prepare(population, PERIOD)
        start = time.perf_counter()
        codes = openfisca_model.evaluate(system, prepared, PERIOD)
        compute.append(time.perf_counter() - start)
        return prepared, codes

    times, (prepared, codes) = timed_runs(run, args.repeat)
    peak = peak_kib()
    names = pl.Series(list(OUTCOMES))
    result = pl.DataFrame(
        {
            "id": prepared["ids"],
            "ldtt": names.gather(codes["ldtt"]),
            "cstdcs": names.gather(codes["cstdcs"]),
        }
    )
    return {
        "times": times,
        "compute_times": compute[1:],  # the first belongs to the warm-up
        "records": prepared["count"],
        "peak_kib": peak,
        "agreement": check_agreement("openfisca", population, result),
    }


def run_rule_engine(population: Any, args: argparse.Namespace) -> dict[str, Any]:
    """rule-engine, one record at a time, on the first ``--sample`` records."""
    import polars as pl

    import rule_engine_rules

    rules = rule_engine_rules.compile_rules()
    rows = rule_engine_rules.records(population, args.sample, PERIOD)
    times, result = timed_runs(lambda: rule_engine_rules.evaluate(rules, rows), args.repeat)
    peak = peak_kib()
    frame = pl.DataFrame(result, schema=["id", "ldtt", "cstdcs"], orient="row")
    return {
        "times": times,
        "records": len(rows),
        "sample": True,
        "peak_kib": peak,
        "agreement": check_agreement("rule_engine", population, frame, sample=True),
    }


def run_latency(args: argparse.Namespace) -> dict[str, Any]:
    """One subject (with a 2024 initiative) through every award in force for 2024."""
    import polars as pl

    import synth
    from emulation import Population

    frames = synth.generate(2_000, args.seed)
    holders = frames["evidence"].filter(pl.col("period") == PERIOD, pl.col("kind") == "initiative")
    subject = holders.get_column("subject")[0]
    one = {
        table: frame.filter(pl.col("id" if table == "subjects" else "subject") == subject)
        for table, frame in frames.items()
    }
    population = Population.from_frames(source="<one subject>", **one)
    engine = build_engine()
    awards = sorted(engine.awards_in_force(PERIOD))

    def median_ms(run: Callable[[], Any]) -> dict[str, float]:
        for _ in range(args.warmup):
            run()
        samples = []
        for _ in range(args.latency_runs):
            start = time.perf_counter()
            run()
            samples.append((time.perf_counter() - start) * 1000)
        samples.sort()
        return {
            "median_ms": statistics.median(samples),
            "p95_ms": samples[int(0.95 * (len(samples) - 1))],
            "min_ms": samples[0],
        }

    evaluation = engine.evaluate(population, PERIOD)
    decisions = evaluation.decisions()
    return {
        "subject": subject,
        "awards": awards,
        "decisions": [[d.award, d.outcome] for d in decisions],
        "runs": args.latency_runs,
        "warmup": args.warmup,
        "evaluate": median_ms(lambda: engine.evaluate(population, PERIOD)),
        "decisions_only": median_ms(evaluation.decisions),
        "evaluate_and_decisions": median_ms(
            lambda: engine.evaluate(population, PERIOD).decisions()
        ),
    }


RUNNERS: dict[str, Callable[[Any, argparse.Namespace], dict[str, Any]]] = {
    "emulation": run_emulation,
    "polars": run_polars,
    "openfisca": run_openfisca,
    "rule_engine": run_rule_engine,
}


def child(args: argparse.Namespace) -> dict[str, Any]:
    """Run one engine in this (fresh) process and return its measurements."""
    if args.engine == "latency":
        return {"engine": "latency", **run_latency(args)}
    import synth
    from emulation import Population

    start = time.perf_counter()
    frames = synth.generate(args.records, args.seed)
    generated = time.perf_counter()
    population = Population.from_frames(source="<synth>", **frames)
    loaded = time.perf_counter()
    del frames
    gc.collect()
    data_peak, baseline = peak_kib(), rss_kib()
    reset = reset_peak()
    report = RUNNERS[args.engine](population, args)
    report.setdefault("peak_kib", peak_kib())
    return {
        "engine": args.engine,
        "records_generated": args.records,
        "generate_s": generated - start,
        "from_frames_s": loaded - generated,
        "baseline_rss_kib": baseline,
        "data_peak_kib": data_peak,
        "peak_reset": reset,
        **report,
    }


# -- orchestration (parent side) ------------------------------------------------------------------


def machine() -> dict[str, Any]:
    """What this ran on."""
    cpu = "?"
    with open("/proc/cpuinfo", encoding="utf-8") as info:
        for line in info:
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    with open("/proc/meminfo", encoding="ascii") as info:
        total_kib = int(next(line for line in info if line.startswith("MemTotal")).split()[1])
    versions = {}
    for package in PACKAGES:
        try:
            versions[package] = metadata.version(package)
        except metadata.PackageNotFoundError:
            versions[package] = None
    return {
        "cpus": os.cpu_count(),
        "cpus_usable": len(os.sched_getaffinity(0)),
        "cpu_model": cpu,
        "memory_gib": round(total_kib / KIB / KIB, 1),
        "platform": platform.platform(),
        "python": platform.python_version(),
        "packages": versions,
    }


def spawn(engine: str, args: argparse.Namespace) -> dict[str, Any]:
    """Run this script for one engine in a fresh interpreter; its JSON report."""
    command = [
        sys.executable,
        str(Path(__file__).resolve()),
        "--engine",
        engine,
        "--records",
        str(args.records),
        "--repeat",
        str(args.repeat),
        "--seed",
        str(args.seed),
        "--sample",
        str(args.sample),
        "--latency-runs",
        str(args.latency_runs),
        "--warmup",
        str(args.warmup),
    ]
    print(f"… {engine}", file=sys.stderr, flush=True)
    started = time.perf_counter()
    done = subprocess.run(command, stdout=subprocess.PIPE, text=True, check=False)
    if done.returncode != 0:
        sys.exit(f"{engine}: child exited with {done.returncode}")
    report: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    report["wall_s"] = time.perf_counter() - started
    return report


def summarise(report: dict[str, Any], times_key: str = "times") -> dict[str, Any]:
    """Median time, records/s and memory in MiB of one engine's report."""
    median = statistics.median(report[times_key])
    return {
        "records": report["records"],
        "median_s": median,
        "min_s": min(report[times_key]),
        "records_per_s": report["records"] / median,
        "baseline_rss_mib": report["baseline_rss_kib"] / KIB,
        "peak_rss_mib": report["peak_kib"] / KIB,
        "increment_mib": (report["peak_kib"] - report["baseline_rss_kib"]) / KIB,
    }


def table(rows: dict[str, dict[str, Any]]) -> str:
    """The results as a Markdown table."""
    lines = [
        "| engine | records timed | median s | records/s | baseline RSS MiB "
        "| peak RSS MiB | increment MiB |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for name, row in rows.items():
        lines.append(
            f"| {LABELS[name]} | {row['records']:,} | {row['median_s']:.3f} "
            f"| {row['records_per_s']:,.0f} | {row['baseline_rss_mib']:,.0f} "
            f"| {row['peak_rss_mib']:,.0f} | {row['increment_mib']:,.0f} |"
        )
    return "\n".join(lines)


def parent(args: argparse.Namespace) -> dict[str, Any]:
    """Run every engine in its own process, compare, print and save."""
    started = dt.datetime.now().astimezone()
    reports = {name: spawn(name, args) for name in args.engines}
    rows: dict[str, dict[str, Any]] = {}
    for name in ("emulation", "polars", "openfisca", "rule_engine"):
        if name in reports:
            rows[name] = summarise(reports[name])
        if name == "openfisca" and name in reports:
            rows["openfisca_compute"] = summarise(reports[name], "compute_times")
    ratios: dict[str, float] = {}
    targets: dict[str, dict[str, Any]] = {}
    if "emulation" in rows:
        mine = rows["emulation"]
        for name in ("polars", "openfisca", "openfisca_compute", "rule_engine"):
            if name in rows:
                ratios[f"time_vs_{name}"] = (
                    mine["median_s"] / rows[name]["median_s"] * rows[name]["records"] / mine["records"]
                )
                ratios[f"throughput_vs_{name}"] = mine["records_per_s"] / rows[name]["records_per_s"]
        if "polars" in rows:
            value = ratios["time_vs_polars"]
            targets["within_3x_of_hand_polars"] = {
                "value": value, "target": f"<= {TARGET_VS_POLARS}", "met": value <= TARGET_VS_POLARS
            }
        if "openfisca" in rows:
            value = ratios["throughput_vs_openfisca"]
            targets["at_least_5x_openfisca"] = {
                "value": value, "target": f">= {TARGET_VS_OPENFISCA}", "met": value >= TARGET_VS_OPENFISCA
            }
    if "latency" in reports:
        value = reports["latency"]["evaluate"]["median_ms"]
        targets["one_subject_median_ms"] = {
            "value": value, "target": f"<= {TARGET_LATENCY_MS}", "met": value <= TARGET_LATENCY_MS
        }
    result = {
        "date": started.isoformat(timespec="seconds"),
        "command": " ".join(["python", *sys.argv]),
        "settings": {
            key: getattr(args, key)
            for key in ("records", "repeat", "seed", "sample", "latency_runs", "warmup", "quick")
        },
        "machine": machine(),
        "summary": rows,
        "ratios": ratios,
        "targets": targets,
        "reports": reports,
        "total_wall_s": (dt.datetime.now().astimezone() - started).total_seconds(),
    }
    print(render(result))
    out = HERE / "results" / f"{started.date().isoformat()}{'-quick' if args.quick else ''}.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"\nwritten {out.relative_to(ROOT)}", file=sys.stderr)
    return result


def render(result: dict[str, Any]) -> str:
    """The Markdown report printed at the end of a run."""
    parts = [
        f"## {result['date']} — {result['settings']['records']:,} records, "
        f"median of {result['settings']['repeat']}",
        "",
        table(result["summary"]),
        "",
    ]
    if result["ratios"]:
        parts.append("| ratio (emulation vs …) | time ratio | throughput ratio |")
        parts.append("|---|---:|---:|")
        for name in ("polars", "openfisca", "openfisca_compute", "rule_engine"):
            if f"time_vs_{name}" in result["ratios"]:
                parts.append(
                    f"| {LABELS[name]} | {result['ratios'][f'time_vs_{name}']:.2f}× "
                    f"| {result['ratios'][f'throughput_vs_{name}']:.2f}× |"
                )
        parts.append("")
    latency = result["reports"].get("latency")
    if latency:
        parts.append(
            f"One subject, every award in force ({', '.join(latency['awards'])}), median of "
            f"{latency['runs']}: evaluate {latency['evaluate']['median_ms']:.2f} ms "
            f"(p95 {latency['evaluate']['p95_ms']:.2f}); decisions() "
            f"{latency['decisions_only']['median_ms']:.2f} ms; evaluate + decisions() "
            f"{latency['evaluate_and_decisions']['median_ms']:.2f} ms"
        )
        parts.append("")
    for name, target in result["targets"].items():
        verdict = "met" if target["met"] else "NOT met"
        parts.append(f"- {name}: {target['value']:.2f} (target {target['target']}) — {verdict}")
    return "\n".join(parts)


def main(argv: list[str] | None = None) -> None:
    """Parse the command line; run the whole benchmark, or one engine with ``--engine``."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=1_000_000, help="records (default 1 M)")
    parser.add_argument("--repeat", type=int, default=5, help="timed runs per engine (median)")
    parser.add_argument("--seed", type=int, default=20240101)
    parser.add_argument(
        "--sample", type=int, default=20_000, help="records timed for rule-engine (per record)"
    )
    parser.add_argument("--latency-runs", type=int, default=200, help="single-subject runs")
    parser.add_argument("--warmup", type=int, default=20, help="single-subject warm-up runs")
    parser.add_argument(
        "--quick", action="store_true", help="100 000 records, 3 runs, 5 000-record sample"
    )
    parser.add_argument(
        "--engines", nargs="+", choices=ENGINES, default=list(ENGINES), help="subset to run"
    )
    parser.add_argument("--engine", choices=ENGINES, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.quick:
        args.records, args.repeat = min(args.records, 100_000), min(args.repeat, 3)
        args.sample, args.latency_runs = min(args.sample, 5_000), min(args.latency_runs, 50)
    if args.engine:
        sys.path.insert(0, str(HERE))
        print(json.dumps(child(args)))
    else:
        parent(args)


if __name__ == "__main__":
    main()
