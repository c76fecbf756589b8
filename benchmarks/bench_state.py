"""Benchmark: the 2024 LĐTT + CSTĐCS rules over N synthetic person-year records, four ways.

Usage::

    python benchmarks/bench_state.py [--records N] [--repeat R] [--quick]

One run measures, on the same seeded data (``synth.py``):

* ``emulation``   — this engine: ``build_engine(...).evaluate(population, "2024",
  ["ldtt", "cstdcs"])``;
* ``emulation_all`` — the same engine deciding every award in force (for information);
* ``polars``      — the same rules written by hand as Polars expressions (the floor);
* ``openfisca``   — the same rules as an OpenFisca-core tax-benefit system (vectorised NumPy),
  timed from the Population frames and, apart, simulation + calculate alone;
* ``rule_engine`` — the same rules as ``rule_engine.Rule`` objects evaluated per record dict,
  on a sample (``--sample``, default 20 000): a million records would take about a minute
  per round;
* ``latency``     — one subject through every award of the state ruleset, and ``decisions()``.

Three kinds of fresh child process (this script with ``--engine``):

``timing``
    Builds the data once, prepares every engine, runs each once untimed (warm-up), then R
    rounds in which every engine runs once (the order rotating), so that the noise of a shared
    machine falls on all of them alike. The medians are reported, of the wall time and of the
    process's CPU time (``time.process_time``, every thread; the wall time of a shared machine
    also measures the others' load). Afterwards every comparison
    engine's outcomes are checked against this engine's record for record; a disagreement stops
    the benchmark (timing two programs that do different work is worthless).
``NAME --memory``
    One engine alone: builds the data, waits 2 s for the allocator to settle, notes the
    resident set (the baseline), resets the kernel's peak-RSS mark (``/proc/self/clear_refs``),
    runs the engine once and reads ``getrusage(RUSAGE_SELF).ru_maxrss``. It runs twice: with
    Polars' jemalloc returning freed pages at once
    (``_RJEM_MALLOC_CONF=dirty_decay_ms:0,muzzy_decay_ms:0``, so the increment is the memory
    the engine needs) and with Polars' default settings (freed pages go back after 0.5–1 s:
    the RSS a user sees).
``latency``
    The single-subject figures.

The parent prints a Markdown table with the ratios and the targets, and writes
``benchmarks/results/<date>.json`` (``<date>-quick.json`` with ``--quick``).
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
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
RULESETS = ROOT / "rulesets" / "state"
PERIOD = "2024"
AWARDS = ("ldtt", "cstdcs")
ENGINES = ("emulation", "emulation_all", "polars", "openfisca", "rule_engine")
LABELS = {
    "emulation": "emulation (this engine), LĐTT + CSTĐCS",
    "emulation_all": "emulation, every award in force",
    "polars": "hand-written Polars (floor)",
    "openfisca": "OpenFisca-core vectorised, from Population frames",
    "openfisca_compute": "OpenFisca-core vectorised, simulation + calculate only",
    "rule_engine": "rule-engine, per record (sample)",
}
PACKAGES = ("emulation", "polars", "numpy", "OpenFisca-Core", "rule-engine", "attrs", "pluggy")
PURGING = "dirty_decay_ms:0,muzzy_decay_ms:0"
SETTLE_S = 2.0  # Polars sets jemalloc to return freed pages after 0.5–1 s

#: Targets from the issue.
# issue 13: LĐTT + CSTĐCS within 1.3x of the hand-written Polars and faster than OpenFisca
TARGET_VS_POLARS = 1.3  # engine time at most 1.3x the hand-written Polars time
TARGET_VS_OPENFISCA = 1.0  # engine throughput above OpenFisca's (fed from the same frames)
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


def build_engine() -> Any:
    """The engine over the repository's state rulesets only (no installed plugins)."""
    import emulation

    return emulation.build_engine(entry_points=False, ruleset_paths=[RULESETS])


def load_population(args: argparse.Namespace) -> tuple[Any, dict[str, float]]:
    """The synthetic population of ``--records`` people, and how long it took to build."""
    import synth
    from emulation import Population

    start = time.perf_counter()
    frames = synth.generate(args.records, args.seed)
    generated = time.perf_counter()
    population = Population.from_frames(source="<synth>", **frames)
    loaded = time.perf_counter()
    del frames
    gc.collect()
    return population, {"generate_s": generated - start, "from_frames_s": loaded - generated}


# -- the contenders (child side) --------------------------------------------------------------


@dataclass
class Contender:
    """One engine, ready to run: ``run()`` does the timed work; ``outcomes(result)`` turns its
    result into ``id, ldtt, cstdcs`` text columns for the agreement check."""

    name: str
    records: int
    run: Callable[[], Any]
    outcomes: Callable[[Any], Any] | None = None
    sample: bool = False
    phases: dict[str, list[float]] = field(default_factory=dict)


def setup_emulation(population: Any, args: argparse.Namespace) -> Contender:
    """This engine: ``evaluate`` of LĐTT and CSTĐCS over the whole population (data already
    loaded) — the work the other engines do."""
    engine = build_engine()
    return Contender(
        "emulation",
        population.facts.height,
        lambda: engine.evaluate(population, PERIOD, list(AWARDS)),
    )


def setup_emulation_all(population: Any, args: argparse.Namespace) -> Contender:
    """This engine: ``evaluate`` of every award in force for the period (for information; the
    comparisons use :func:`setup_emulation`)."""
    engine = build_engine()
    return Contender(
        "emulation_all",
        population.facts.height,
        lambda: engine.evaluate(population, PERIOD),
        engine_outcomes,
    )


def setup_polars(population: Any, args: argparse.Namespace) -> Contender:
    """The hand-written Polars floor."""
    import polars as pl

    import hand_polars

    return Contender(
        "polars",
        population.facts.height,
        lambda: hand_polars.evaluate(population, PERIOD),
        lambda result: result.with_columns(pl.col("ldtt", "cstdcs").cast(pl.String)),
    )


def setup_openfisca(population: Any, args: argparse.Namespace) -> Contender:
    """OpenFisca-core: ``prepare`` (frames to NumPy arrays) then simulation + calculate; the
    second phase is also timed alone."""
    import polars as pl

    import openfisca_model

    system = openfisca_model.tax_benefit_system()
    compute: list[float] = []

    def run() -> tuple[dict[str, Any], dict[str, Any]]:
        prepared = openfisca_model.prepare(population, PERIOD)
        start = time.perf_counter()
        codes = openfisca_model.evaluate(system, prepared, PERIOD)
        compute.append(time.perf_counter() - start)
        return prepared, codes

    def outcomes(result: tuple[dict[str, Any], dict[str, Any]]) -> Any:
        prepared, codes = result
        names = pl.Series([outcome.name for outcome in openfisca_model.Outcome])
        return pl.DataFrame(
            {
                "id": prepared["ids"],
                "ldtt": names.gather(codes["ldtt"]),
                "cstdcs": names.gather(codes["cstdcs"]),
            }
        )

    return Contender(
        "openfisca", population.facts.height, run, outcomes, phases={"compute": compute}
    )


def setup_rule_engine(population: Any, args: argparse.Namespace) -> Contender:
    """rule-engine, one record at a time, on the first ``--sample`` records."""
    import polars as pl

    import rule_engine_rules

    rules = rule_engine_rules.compile_rules()
    rows = rule_engine_rules.records(population, args.sample, PERIOD)
    return Contender(
        "rule_engine",
        len(rows),
        lambda: rule_engine_rules.evaluate(rules, rows),
        lambda result: pl.DataFrame(result, schema=["id", "ldtt", "cstdcs"], orient="row"),
        sample=True,
    )


SETUPS: dict[str, Callable[[Any, argparse.Namespace], Contender]] = {
    "emulation": setup_emulation,
    "emulation_all": setup_emulation_all,
    "polars": setup_polars,
    "openfisca": setup_openfisca,
    "rule_engine": setup_rule_engine,
}


def engine_outcomes(evaluation: Any) -> Any:
    """``id, ldtt, cstdcs`` as text, sorted by id: the reference every comparison must match."""
    import polars as pl

    return (
        evaluation.frames["person"]
        .select(
            "id",
            pl.col("ldtt::outcome").cast(pl.String).alias("ldtt"),
            pl.col("cstdcs::outcome").cast(pl.String).alias("cstdcs"),
        )
        .sort("id")
    )


def check_agreement(name: str, expected: Any, result: Any, sample: bool) -> dict[str, Any]:
    """Compare ``result`` with the engine's outcomes ``expected``, record for record.

    Exits the child with an error when one outcome differs or a record is missing.
    """
    import polars as pl

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


def child_timing(args: argparse.Namespace) -> dict[str, Any]:
    """Every engine on one population, interleaved in rounds; then the agreement checks."""
    population, loading = load_population(args)
    contenders = [SETUPS[name](population, args) for name in args.engines]
    last: dict[str, Any] = {c.name: c.run() for c in contenders}  # warm-up
    for contender in contenders:
        for phase in contender.phases.values():
            phase.clear()
    times: dict[str, list[float]] = {c.name: [] for c in contenders}
    # CPU time of the process (every thread) beside the wall time: on a shared machine the
    # wall time also measures the others' load
    cpu: dict[str, list[float]] = {c.name: [] for c in contenders}
    for round_no in range(args.repeat):
        shift = round_no % len(contenders)
        for contender in contenders[shift:] + contenders[:shift]:
            last[contender.name] = None
            gc.collect()
            start, cpu_start = time.perf_counter(), time.process_time()
            last[contender.name] = contender.run()
            times[contender.name].append(time.perf_counter() - start)
            cpu[contender.name].append(time.process_time() - cpu_start)
    reports: dict[str, Any] = {}
    reference = engine_outcomes(last["emulation"]) if "emulation" in last else None
    for contender in contenders:
        report: dict[str, Any] = {
            "records": contender.records,
            "sample": contender.sample,
            "times": times[contender.name],
            "cpu_times": cpu[contender.name],
            **{f"{phase}_times": values for phase, values in contender.phases.items()},
        }
        if contender.outcomes is not None and reference is not None:
            report["agreement"] = check_agreement(
                contender.name,
                reference,
                contender.outcomes(last[contender.name]),
                contender.sample,
            )
        reports[contender.name] = report
    if reference is not None:
        report = reports["emulation"]
        report["outcomes"] = {
            award: dict(reference.get_column(award).value_counts().sort(award).iter_rows())
            for award in ("ldtt", "cstdcs")
        }
    return {"kind": "timing", **loading, "engines": reports}


def child_memory(args: argparse.Namespace) -> dict[str, Any]:
    """One engine alone in this process: baseline RSS, then the peak over one run."""
    population, loading = load_population(args)
    time.sleep(SETTLE_S)  # let jemalloc hand back the pages data generation freed
    data_peak, baseline = peak_kib(), rss_kib()
    reset = reset_peak()
    contender = SETUPS[args.engine](population, args)
    contender.run()
    return {
        "kind": "memory",
        "engine": args.engine,
        "allocator": os.environ.get("_RJEM_MALLOC_CONF") or "default",
        **loading,
        "data_peak_kib": data_peak,
        "baseline_rss_kib": baseline,
        "peak_reset": reset,
        "peak_kib": peak_kib(),
    }


def child_latency(args: argparse.Namespace) -> dict[str, Any]:
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

    def measure(run: Callable[[], Any]) -> dict[str, float]:
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
    return {
        "kind": "latency",
        "subject": subject,
        "awards": sorted(engine.awards_in_force(PERIOD)),
        "decisions": [[d.award, d.outcome] for d in evaluation.decisions()],
        "runs": args.latency_runs,
        "warmup": args.warmup,
        "evaluate": measure(lambda: engine.evaluate(population, PERIOD)),
        "evaluate_ldtt_cstdcs": measure(lambda: engine.evaluate(population, PERIOD, list(AWARDS))),
        "decisions_only": measure(evaluation.decisions),
        "evaluate_and_decisions": measure(lambda: engine.evaluate(population, PERIOD).decisions()),
    }


# -- orchestration (parent side) ------------------------------------------------------------------


def cpu_pressure() -> str | None:
    """The kernel's CPU pressure line (share of time some task waited for a CPU), if any."""
    try:
        with open("/proc/pressure/cpu", encoding="ascii") as pressure:
            return pressure.readline().strip()
    except OSError:
        return None


def source_state() -> dict[str, Any]:
    """The commit measured, and which engine files differ from it (uncommitted work)."""

    def git(*command: str) -> str:
        done = subprocess.run(
            ["git", *command], cwd=ROOT, capture_output=True, text=True, check=False
        )
        return done.stdout

    changed = git("status", "--porcelain", "--", "src", "rulesets", "plugins")
    return {
        "commit": git("rev-parse", "HEAD").strip() or None,
        "uncommitted": [line[3:] for line in changed.splitlines() if line.strip()],
    }


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
        "load_average": os.getloadavg(),
        "cpu_pressure": cpu_pressure(),
        "platform": platform.platform(),
        "python": platform.python_version(),
        "packages": versions,
    }


def spawn(
    args: argparse.Namespace, mode: list[str], allocator: str | None = None
) -> dict[str, Any]:
    """Run this script as a child in a fresh interpreter; its JSON report."""
    command = [
        sys.executable,
        str(Path(__file__).resolve()),
        *mode,
        "--records", str(args.records),
        "--repeat", str(args.repeat),
        "--seed", str(args.seed),
        "--sample", str(args.sample),
        "--latency-runs", str(args.latency_runs),
        "--warmup", str(args.warmup),
        "--engines", *args.engines,
    ]  # fmt: skip
    env = dict(os.environ)
    env.pop("_RJEM_MALLOC_CONF", None)
    if allocator:
        env["_RJEM_MALLOC_CONF"] = allocator
    print(f"… {' '.join(mode)} {allocator or ''}", file=sys.stderr, flush=True)
    started = time.perf_counter()
    done = subprocess.run(command, stdout=subprocess.PIPE, text=True, check=False, env=env)
    if done.returncode != 0:
        sys.exit(f"{' '.join(mode)}: child exited with {done.returncode}")
    report: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    report["wall_s"] = time.perf_counter() - started
    return report


def summarise(
    timing: dict[str, Any],
    memory: dict[str, Any],
    default: dict[str, Any],
    times_key: str = "times",
) -> dict[str, Any]:
    """Median time, records/s and memory in MiB of one engine."""
    median = statistics.median(timing[times_key])
    return {
        "records": timing["records"],
        "median_s": median,
        "min_s": min(timing[times_key]),
        "max_s": max(timing[times_key]),
        "records_per_s": timing["records"] / median,
        # the CPU time per record (the phases of a run have none)
        "cpu_s_per_record": (
            statistics.median(timing["cpu_times"]) / timing["records"]
            if times_key == "times" and "cpu_times" in timing
            else None
        ),
        "baseline_rss_mib": memory["baseline_rss_kib"] / KIB,
        "peak_rss_mib": memory["peak_kib"] / KIB,
        "increment_mib": (memory["peak_kib"] - memory["baseline_rss_kib"]) / KIB,
        "default_baseline_rss_mib": default["baseline_rss_kib"] / KIB,
        "default_peak_rss_mib": default["peak_kib"] / KIB,
        "default_increment_mib": (default["peak_kib"] - default["baseline_rss_kib"]) / KIB,
        "agree": timing.get("agreement", {}).get("agree"),
    }


def compare(
    rows: dict[str, dict[str, Any]], latency: dict[str, Any] | None
) -> tuple[dict[str, float], dict[str, Any]]:
    """Ratios of the engine to every other row, and the targets of the issue."""
    ratios: dict[str, float] = {}
    targets: dict[str, dict[str, Any]] = {}
    if "emulation" in rows:
        mine = rows["emulation"]
        for name, row in rows.items():
            if name not in ("emulation", "emulation_all"):
                # per-record time ratio (rows may be timed on a different number of records)
                ratios[f"time_vs_{name}"] = row["records_per_s"] / mine["records_per_s"]
                ratios[f"throughput_vs_{name}"] = mine["records_per_s"] / row["records_per_s"]
                ratios[f"peak_rss_vs_{name}"] = mine["peak_rss_mib"] / row["peak_rss_mib"]
                if row["cpu_s_per_record"] and mine["cpu_s_per_record"]:
                    ratios[f"cpu_time_vs_{name}"] = (
                        mine["cpu_s_per_record"] / row["cpu_s_per_record"]
                    )
        if "polars" in rows:
            value = ratios["time_vs_polars"]
            targets["within_1_3x_of_hand_polars"] = {
                "value": value, "target": f"<= {TARGET_VS_POLARS}", "met": value <= TARGET_VS_POLARS
            }  # fmt: skip
        if "openfisca" in rows:
            value = ratios["throughput_vs_openfisca"]
            targets["faster_than_openfisca"] = {
                "value": value, "target": f"> {TARGET_VS_OPENFISCA}", "met": value > TARGET_VS_OPENFISCA
            }  # fmt: skip
    if latency is not None:
        value = latency["evaluate"]["median_ms"]
        targets["one_subject_median_ms"] = {
            "value": value, "target": f"<= {TARGET_LATENCY_MS}", "met": value <= TARGET_LATENCY_MS
        }  # fmt: skip
    return ratios, targets


def parent(args: argparse.Namespace) -> dict[str, Any]:
    """Run the children, compare, print and save."""
    started = dt.datetime.now().astimezone()
    before = {"load_average": os.getloadavg(), "cpu_pressure": cpu_pressure()}
    timing = spawn(args, ["--engine", "timing"])
    memory = {name: spawn(args, ["--engine", name, "--memory"], PURGING) for name in args.engines}
    default = {name: spawn(args, ["--engine", name, "--memory"]) for name in args.engines}
    latency = spawn(args, ["--engine", "latency"]) if not args.no_latency else None
    rows: dict[str, dict[str, Any]] = {}
    for name in args.engines:
        rows[name] = summarise(timing["engines"][name], memory[name], default[name])
        if name == "openfisca":
            rows["openfisca_compute"] = summarise(
                timing["engines"][name], memory[name], default[name], "compute_times"
            )
    ratios, targets = compare(rows, latency)
    result = {
        "date": started.isoformat(timespec="seconds"),
        "command": " ".join(["python", *sys.argv]),
        "settings": {
            key: getattr(args, key)
            for key in ("records", "repeat", "seed", "sample", "latency_runs", "warmup", "quick")
        },
        "machine": machine(),
        "machine_before": before,
        "source": source_state(),
        "summary": rows,
        "ratios": ratios,
        "targets": targets,
        "latency": latency,
        "children": {"timing": timing, "memory": memory, "memory_default_allocator": default},
        "total_wall_s": (dt.datetime.now().astimezone() - started).total_seconds(),
    }
    print(render(result))
    suffix = "-quick" if args.quick else ""
    out = HERE / "results" / f"{started.date().isoformat()}{suffix}.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"\nwritten {out.relative_to(ROOT)} in {result['total_wall_s']:.0f} s", file=sys.stderr)
    return result


def render(result: dict[str, Any]) -> str:
    """The Markdown report printed at the end of a run."""
    settings = result["settings"]
    source = result["source"]
    dirty = f" + {len(source['uncommitted'])} uncommitted files" if source["uncommitted"] else ""
    parts = [
        f"## {result['date']}: {settings['records']:,} records, median of {settings['repeat']}",
        "",
        f"Commit {(source['commit'] or '?')[:10]}{dirty}; load average before "
        f"{result['machine_before']['load_average'][0]:.2f}, after "
        f"{result['machine']['load_average'][0]:.2f}; CPU pressure after: "
        f"{result['machine']['cpu_pressure']}.",
        "",
        "| engine | records timed | median s | records/s | baseline RSS MiB | peak RSS MiB "
        "| increment MiB | peak / increment MiB, default allocator | agrees |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    for name, row in result["summary"].items():
        agrees = {True: "yes", False: "NO", None: "—"}[row["agree"]]
        if name == "emulation":
            agrees = "reference"
        parts.append(
            f"| {LABELS[name]} | {row['records']:,} | {row['median_s']:.3f} "
            f"| {row['records_per_s']:,.0f} | {row['baseline_rss_mib']:,.0f} "
            f"| {row['peak_rss_mib']:,.0f} | {row['increment_mib']:,.0f} "
            f"| {row['default_peak_rss_mib']:,.0f} / {row['default_increment_mib']:,.0f} "
            f"| {agrees} |"
        )
    parts.append("")
    if result["ratios"]:
        parts.append(
            "| emulation vs … | time per record | CPU time per record | throughput | peak RSS |"
        )
        parts.append("|---|---:|---:|---:|---:|")
        for name in result["summary"]:
            if f"time_vs_{name}" in result["ratios"]:
                cpu_ratio = result["ratios"].get(f"cpu_time_vs_{name}")
                parts.append(
                    f"| {LABELS[name]} | {result['ratios'][f'time_vs_{name}']:.2f}× "
                    f"| {'—' if cpu_ratio is None else f'{cpu_ratio:.2f}×'} "
                    f"| {result['ratios'][f'throughput_vs_{name}']:.2f}× "
                    f"| {result['ratios'][f'peak_rss_vs_{name}']:.2f}× |"
                )
        parts.append("")
    latency = result["latency"]
    if latency:
        ev, two, do, both = (
            latency["evaluate"],
            latency["evaluate_ldtt_cstdcs"],
            latency["decisions_only"],
            latency["evaluate_and_decisions"],
        )
        parts.append(
            f"One subject, every award in force ({', '.join(latency['awards'])}), median of "
            f"{latency['runs']} after {latency['warmup']} warm-up runs: evaluate "
            f"{ev['median_ms']:.2f} ms (p95 {ev['p95_ms']:.2f}, min {ev['min_ms']:.2f}); "
            f"decisions() {do['median_ms']:.2f} ms; evaluate + decisions() "
            f"{both['median_ms']:.2f} ms. LĐTT + CSTĐCS only: evaluate "
            f"{two['median_ms']:.2f} ms (min {two['min_ms']:.2f})."
        )
        parts.append("")
    for name, target in result["targets"].items():
        verdict = "met" if target["met"] else "NOT met"
        parts.append(f"- {name}: {target['value']:.2f} (target {target['target']}): {verdict}")
    return "\n".join(parts)


def main(argv: list[str] | None = None) -> None:
    """Parse the command line; run the whole benchmark, or one child with ``--engine``."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--records", type=int, default=1_000_000, help="records (default 1 M)")
    parser.add_argument("--repeat", type=int, default=5, help="timed rounds (median)")
    parser.add_argument("--seed", type=int, default=20240101)
    parser.add_argument(
        "--sample", type=int, default=20_000, help="records timed for rule-engine (per record)"
    )
    parser.add_argument("--latency-runs", type=int, default=200, help="single-subject runs")
    parser.add_argument("--warmup", type=int, default=20, help="single-subject warm-up runs")
    parser.add_argument(
        "--quick", action="store_true", help="100 000 records, 3 rounds, 5 000-record sample"
    )
    parser.add_argument(
        "--engines", nargs="+", choices=ENGINES, default=list(ENGINES), help="subset to run"
    )
    parser.add_argument("--no-latency", action="store_true", help="skip the single-subject run")
    parser.add_argument("--engine", choices=(*ENGINES, "timing", "latency"), help=argparse.SUPPRESS)
    parser.add_argument("--memory", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.quick:
        args.records, args.repeat = min(args.records, 100_000), min(args.repeat, 3)
        args.sample, args.latency_runs = min(args.sample, 5_000), min(args.latency_runs, 50)
    if args.engine is None:
        parent(args)
        return
    sys.path.insert(0, str(HERE))
    if args.engine == "timing":
        report = child_timing(args)
    elif args.engine == "latency":
        report = child_latency(args)
    else:
        report = child_memory(args)
    print(json.dumps(report))


if __name__ == "__main__":
    main()
