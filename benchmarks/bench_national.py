"""Benchmark: the national run through the command line, and the streamed outputs (issue 13).

Usage::

    python benchmarks/bench_national.py --quick   # 100 000 persons: the outputs and one run
    python benchmarks/bench_national.py           # + 1 000 000 and 11 000 000 person-years
    python benchmarks/bench_national.py --persons 1000000   # + the national run at that size

The data are ``synth.py``'s persons (one facts row each for 2024, with evidence and discipline),
generated in slices of at most 500 000 (slice ``s`` from seed ``seed + s``, ids prefixed by the
slice) and placed in units of 100 persons (``parent``), 20 units to a cluster, so that CSTĐCS's
quota per unit and the flag's per cluster have groups to work on. Each data set is written once
as a folder of Parquet tables under ``benchmarks/data/national-<N>/`` (git-ignored) and reused.

Every run is ``emulation evaluate FOLDER --period 2024 --plugin state --award ldtt --award
cstdcs`` (LĐTT and CSTĐCS with its quota per unit, as the issue's 100 000-person figures were
measured; ``--all-awards`` decides every award of the state rulesets in force, about six times
the decisions) in a fresh child process; its wall time and peak resident set come from
``os.wait4`` (``ru_maxrss``, and its CPU time, of that child alone):

``outputs``
    100 000 persons to ``--format json``, ``jsonl``, ``csv`` and ``parquet`` (``-o`` a file):
    targets — the JSON in at most 1 GB and at most 2× the time of the CSV.
``national``
    ``--format parquet -o`` for each size (100 000 with ``--quick``; 1 000 000 and 11 000 000
    otherwise): target — the peak flat between 1 M and 11 M and at most 2 GB.

Writes ``benchmarks/results/<date>-national[-quick].json`` and prints a Markdown report.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import polars as pl

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

from bench_state import machine, source_state  # noqa: E402
from synth import generate  # noqa: E402

PERIOD = "2024"
#: Persons generated at a time (a whole number of units, so no unit spans two slices).
SLICE = 500_000
PEOPLE_PER_UNIT = 100
UNITS_PER_CLUSTER = 20
KIB_PER_GB = 1024 * 1024
TARGET_JSON_GB = 1.0
TARGET_JSON_VS_CSV = 2.0
TARGET_NATIONAL_GB = 2.0
FORMATS = ("csv", "json", "jsonl", "parquet")
AWARDS = ("ldtt", "cstdcs")


def data_dir(persons: int, seed: int) -> Path:
    return HERE / "data" / f"national-{persons}-s{seed}"


def _slice(start: int, count: int, index: int, seed: int) -> dict[str, pl.DataFrame]:
    """``count`` persons of slice ``index`` (persons ``start`` … in the whole data set), in
    units and clusters numbered across the whole data set."""
    frames = generate(count, seed + index)
    prefix = f"S{index:03d}-"
    unit_of = pl.int_range(start, start + count, eager=True) // PEOPLE_PER_UNIT
    people = frames["subjects"].with_columns(
        (pl.lit(prefix) + pl.col("id")).alias("id"),
        pl.format("U{}", unit_of).alias("parent"),
    )
    first, last = start // PEOPLE_PER_UNIT, (start + count - 1) // PEOPLE_PER_UNIT
    units = pl.DataFrame({"unit": pl.int_range(first, last + 1, eager=True)}).select(
        pl.format("U{}", "unit").alias("id"),
        pl.lit("collective").alias("kind"),
        pl.format("K{}", pl.col("unit") // UNITS_PER_CLUSTER).alias("cluster"),
    )
    renamed = {"subjects": pl.concat([people, units], how="diagonal_relaxed")}
    for table in ("facts", "evidence", "discipline"):
        frame = frames[table].with_columns((pl.lit(prefix) + pl.col("subject")).alias("subject"))
        if table == "evidence":
            frame = frame.with_columns((pl.lit(prefix) + pl.col("id")).alias("id"))
        renamed[table] = frame
    return renamed


def ensure_data(persons: int, seed: int) -> Path:
    """The Parquet folder of ``persons`` persons, generated once."""
    folder = data_dir(persons, seed)
    if (folder / "facts.parquet").exists():
        return folder
    folder.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=folder) as scratch:
        parts: dict[str, list[Path]] = {}
        for index, start in enumerate(range(0, persons, SLICE)):
            count = min(SLICE, persons - start)
            for table, frame in _slice(start, count, index, seed).items():
                path = Path(scratch) / f"{table}-{index:04d}.parquet"
                frame.write_parquet(path)
                parts.setdefault(table, []).append(path)
        for table, paths in parts.items():
            # one file a table, concatenated by the streaming engine
            lazy = pl.concat([pl.scan_parquet(path) for path in paths], how="diagonal_relaxed")
            lazy.sink_parquet(folder / f"{table}.parquet")
    return folder


def run_cli(
    folder: Path, format: str, out: Path, awards: list[str], extra: tuple[str, ...] = ()
) -> dict[str, Any]:
    """One ``emulation evaluate`` in a child process: wall and CPU seconds, peak RSS (KiB)."""
    script = Path(sys.executable).with_name("emulation")
    launcher = [str(script)] if script.exists() else [sys.executable, "-m", "emulation.cli"]
    command = [
        *launcher,
        "evaluate",
        str(folder),
        "--period",
        PERIOD,
        "--plugin",
        "state",
        "--format",
        format,
        "-o",
        str(out),
        *(part for award in awards for part in ("--award", award)),
        *extra,
    ]
    started = time.perf_counter()
    child = subprocess.Popen(command, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(child.pid, 0)
    seconds = time.perf_counter() - started
    err = child.stderr.read().decode() if child.stderr else ""
    if status != 0:
        raise SystemExit(f"emulation evaluate failed ({status}):\n{err}")
    return {
        "format": format,
        "seconds": round(seconds, 2),
        # CPU of the child alone: moves less than wall time on a shared machine
        "cpu_seconds": round(usage.ru_utime + usage.ru_stime, 2),
        "peak_kib": usage.ru_maxrss,
        "output_bytes": out.stat().st_size,
        "stderr": err.strip(),
    }


def measure(args: argparse.Namespace) -> dict[str, Any]:
    sizes = args.persons or ([100_000] if args.quick else [1_000_000, 11_000_000])
    awards = [] if args.all_awards else list(AWARDS)
    result: dict[str, Any] = {
        "awards": awards or "every award in force",
        "date": dt.date.today().isoformat(),
        "machine": machine(),
        "source": source_state(),
        "outputs": [],
        "national": [],
    }
    with tempfile.TemporaryDirectory(dir=HERE / "data") as scratch:
        small = ensure_data(100_000, args.seed)
        for format in FORMATS:
            found = run_cli(small, format, Path(scratch) / f"decisions.{format}", awards)
            result["outputs"].append(found)
            print(f"outputs {format}: {found['seconds']} s, {found['peak_kib'] // 1024} MiB")
        for persons in sizes:
            folder = ensure_data(persons, args.seed)
            out = Path(scratch) / f"national-{persons}.parquet"
            extra = ("--chunk-size", str(args.chunk_size)) if args.chunk_size else ()
            found = run_cli(folder, "parquet", out, awards, extra)
            found["persons"] = persons
            result["national"].append(found)
            print(f"national {persons}: {found['seconds']} s, {found['peak_kib'] // 1024} MiB")
    return result


def render(result: dict[str, Any]) -> str:
    outputs = {item["format"]: item for item in result["outputs"]}
    lines = [
        f"## The streamed outputs and the national run ({result['date']})",
        "",
        "| run | time (s) | CPU (s) | peak RSS (MiB) | output (MiB) |",
        "|---|---:|---:|---:|---:|",
    ]
    for item in result["outputs"]:
        lines.append(
            f"| 100 000 persons → `--format {item['format']}` | {item['seconds']} "
            f"| {item.get('cpu_seconds', '')} "
            f"| {item['peak_kib'] // 1024} | {item['output_bytes'] / 2**20:.1f} |"
        )
    for item in result["national"]:
        lines.append(
            f"| national run, {item['persons']:,} persons → `--format parquet` | {item['seconds']} "
            f"| {item.get('cpu_seconds', '')} "
            f"| {item['peak_kib'] // 1024} | {item['output_bytes'] / 2**20:.1f} |"
        )
    lines.append("")
    if "json" in outputs and "csv" in outputs:
        json_gb = outputs["json"]["peak_kib"] / KIB_PER_GB
        ratio = outputs["json"]["seconds"] / outputs["csv"]["seconds"]
        lines.append(
            f"- JSON peak {json_gb:.2f} GB (target ≤ {TARGET_JSON_GB} GB: "
            f"{'met' if json_gb <= TARGET_JSON_GB else 'not met'}); JSON/CSV time "
            f"{ratio:.2f}× (target ≤ {TARGET_JSON_VS_CSV}×: "
            f"{'met' if ratio <= TARGET_JSON_VS_CSV else 'not met'})"
        )
    if len(result["national"]) >= 2:
        low, high = result["national"][0], result["national"][-1]
        growth = high["peak_kib"] / low["peak_kib"]
        peak_gb = high["peak_kib"] / KIB_PER_GB
        lines.append(
            f"- national peak {low['peak_kib'] // 1024} MiB at {low['persons']:,} and "
            f"{high['peak_kib'] // 1024} MiB at {high['persons']:,} ({growth:.2f}×; target "
            f"flat and ≤ {TARGET_NATIONAL_GB} GB: "
            f"{'met' if peak_gb <= TARGET_NATIONAL_GB and growth <= 1.25 else 'not met'})"
        )
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="100 000 persons only")
    parser.add_argument("--seed", type=int, default=20240101)
    parser.add_argument(
        "--all-awards", action="store_true", help="every state award, not LĐTT + CSTĐCS"
    )
    parser.add_argument(
        "--chunk-size", type=int, help="--chunk-size of the national runs (default: the CLI's)"
    )
    parser.add_argument(
        "--persons",
        type=int,
        action="append",
        metavar="N",
        help="the national runs' sizes instead of the default ones (repeatable)",
    )
    args = parser.parse_args(argv)
    (HERE / "data").mkdir(exist_ok=True)
    result = measure(args)
    name = f"{result['date']}-national{'-quick' if args.quick else ''}.json"
    (HERE / "results" / name).write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(render(result))


if __name__ == "__main__":
    main()
