"""Benchmark: a movement's score sheet and standings over a million persons (issue 8, item 10).

Usage::

    python benchmarks/bench_movement.py [--persons 1000000] [--clusters 10000] [--repeat 5]
    python benchmarks/bench_movement.py --quick     # 100 000 persons, 1 000 clusters, 3 rounds

The sheet of ``benchmarks/movement_bench.toml``: ten items of at most 10 points each read from
facts (a few above the maximum, a few at 0, a few missing), a bonus and a deduction each capped
at 5, a floor ("no item at 0") that band A requires, four bands (A ≥ 90, B ≥ 75, C ≥ 50, D),
one knock-out (to D) and one grade cap (at most B); standings by score inside each cluster,
ties left to the competent authority (equal totals share a rank, 1, 2, 2, 4; an unknown total
ranks last, all unknown totals tied).

Two contenders, on the same :class:`emulation.Population` (built and validated before timing):

``engine``
    ``engine.evaluate(population, "2026")``: every sheet and standings in force — the sheet's
    columns (items raw and counted, bonus, deduction, total, floor, band by points, band) and
    the standings' group, rank, tie count and group size, for every person.
``hand``
    :func:`hand` — the same computation written by hand as one lazy Polars query: the same
    join of candidates to their facts, exact decimals, Kleene logic for the floor, the same
    band rules and the same competition rank with ties, nulls last.

Both run once untimed; their totals, bands, ranks and tie counts are compared person by
person (one difference stops the benchmark); then ``--repeat`` rounds in which each runs once,
the order alternating, ``gc.collect()`` before each. Prints a Markdown summary and writes
``benchmarks/results/<date>-movement.json`` (``-movement-quick`` with ``--quick``).
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import json
import os
import statistics
import sys
import time
from decimal import Decimal
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

from bench_state import machine, source_state  # noqa: E402

RULESET = HERE / "movement_bench.toml"
PERIOD = "2026"
SHEET, STANDINGS = "bench", "cluster"
ITEMS = tuple(f"p{i}" for i in range(1, 11))
ITEM_MAX, BONUS_MAX, DEDUCTION_MAX = Decimal(10), Decimal(5), Decimal(5)
BANDS = ("D", "C", "B", "A")  # worst to best, as the engine's band enum
TARGET = 2.0
DECIMAL = pl.Decimal(38, 6)


# -- the data ----------------------------------------------------------------------------------


def generate(persons: int, clusters: int, seed: int) -> dict[str, pl.DataFrame]:
    """``subjects`` (persons, ``cluster`` = one of ``clusters``) and one ``facts`` row each."""
    rng = np.random.default_rng(seed)
    ids = pl.select(
        pl.format("P{}", pl.int_range(persons).cast(pl.String).str.zfill(8))
    ).to_series()
    cluster = rng.integers(0, clusters, size=persons)
    subjects = pl.DataFrame(
        {
            "id": ids,
            "kind": pl.repeat("person", persons, eager=True, dtype=pl.String),
            "cluster": pl.Series(cluster, dtype=pl.Int64).cast(pl.String).str.zfill(5),
        }
    ).with_columns(pl.format("C{}", "cluster").alias("cluster"))

    def points(name: str, halves: np.ndarray, missing: np.ndarray) -> pl.Series:
        value = pl.Series(name, halves, dtype=pl.Int64).cast(DECIMAL) * pl.lit(
            Decimal("0.5"), dtype=DECIMAL
        )
        return pl.select(
            pl.when(pl.Series(missing)).then(None).otherwise(value).alias(name)
        ).to_series()

    columns = [ids.alias("subject"), pl.repeat(PERIOD, persons, eager=True).alias("period")]
    for name in ITEMS:
        # half points around 8.5 of 10; about 1 % above the maximum (capped), 0.5 % at 0,
        # 0.03 % missing (the total, band and rank are then unknown)
        halves = np.clip(np.rint(rng.normal(17, 3, size=persons)), 1, 22).astype(np.int64)
        halves[rng.random(persons) < 0.005] = 0
        columns.append(points(name, halves, rng.random(persons) < 0.0003))
    for name, share in (("bonus_points", 0.10), ("penalty_points", 0.05)):
        # 1–7 points for a few (above the cap of 5 sometimes); empty for the others: default 0
        halves = rng.integers(2, 15, size=persons)
        columns.append(points(name, halves, rng.random(persons) >= share))
    for name, share in (("violation", 0.005), ("warned", 0.02)):
        flag = pl.Series(name, rng.random(persons) < share)
        empty = pl.Series(rng.random(persons) < 0.001)  # left empty: default false
        columns.append(pl.select(pl.when(empty).then(None).otherwise(flag).alias(name)).to_series())
    return {"subjects": subjects, "facts": pl.DataFrame(columns)}


# -- the contenders ----------------------------------------------------------------------------


def _lit(value: Decimal) -> pl.Expr:
    return pl.lit(value, dtype=DECIMAL)


def _counted(raw: pl.Expr, most: Decimal) -> pl.Expr:
    return raw.clip(_lit(Decimal(0)), _lit(most))


def hand(population: Any) -> pl.DataFrame:
    """The sheet and the standings written by hand: ``id, total, band, rank, tied``."""
    people = population.subjects.lazy().filter(pl.col("kind") == "person").select("id", "cluster")
    facts = (
        population.facts.lazy()
        .filter(pl.col("period") == PERIOD)
        .select("subject", *ITEMS, "bonus_points", "penalty_points", "violation", "warned")
    )
    frame = people.join(facts, left_on="id", right_on="subject", how="left")
    items = [_counted(pl.col(name).cast(DECIMAL), ITEM_MAX) for name in ITEMS]
    bonus = _counted(pl.col("bonus_points").cast(DECIMAL).fill_null(_lit(Decimal(0))), BONUS_MAX)
    deduction = _counted(
        pl.col("penalty_points").cast(DECIMAL).fill_null(_lit(Decimal(0))), DEDUCTION_MAX
    )
    total = (pl.sum_horizontal(items, ignore_nulls=False) + bonus - deduction).cast(DECIMAL)
    frame = frame.with_columns(
        total.alias("total"),
        pl.all_horizontal([item > _lit(Decimal(0)) for item in items]).alias("no_zero"),
        pl.col("violation").fill_null(False),
        pl.col("warned").fill_null(False),
    )
    t, floor = pl.col("total"), pl.col("no_zero")
    reached_a = t >= _lit(Decimal(90))
    by_points = (
        pl.when(t.is_null())
        .then(None)
        .when(reached_a & floor.is_null())
        .then(None)
        .when(reached_a & floor)
        .then(3)
        .when(t >= _lit(Decimal(75)))
        .then(2)
        .when(t >= _lit(Decimal(50)))
        .then(1)
        .otherwise(0)
    )
    capped = pl.when(pl.col("warned") & (by_points > 2)).then(2).otherwise(by_points)
    band = pl.when(pl.col("violation")).then(0).otherwise(capped)
    known = t.is_not_null().sum().over("cluster")
    return (
        frame.with_columns(
            band.alias("band_rank"),
            # competition rank, higher total first; unknown totals rank last, together
            pl.when(t.is_null())
            .then(known + 1)
            .otherwise(t.rank("min", descending=True).over("cluster"))
            .cast(pl.Int64)
            .alias("rank"),
            (pl.len().over("cluster", "total") - 1).cast(pl.Int64).alias("tied"),
        )
        .select(
            "id",
            "total",
            pl.col("band_rank").replace_strict(list(range(4)), BANDS, default=None).alias("band"),
            "rank",
            "tied",
        )
        .collect()
    )


def build_engine() -> Any:
    from emulation import build_engine as build

    return build(entry_points=False, ruleset_paths=[RULESET])


def engine_results(evaluation: Any) -> pl.DataFrame:
    """``id, total, band, rank, tied`` from the engine's person frame."""
    from emulation.evaluate.columns import score_column, standing_column

    return evaluation.frames["person"].select(
        "id",
        pl.col(score_column(SHEET, "total")).alias("total"),
        pl.col(score_column(SHEET, "band")).cast(pl.String).alias("band"),
        pl.col(standing_column(STANDINGS, "rank")).cast(pl.Int64).alias("rank"),
        pl.col(standing_column(STANDINGS, "tied")).cast(pl.Int64).alias("tied"),
    )


def compare(engine: pl.DataFrame, by_hand: pl.DataFrame) -> dict[str, Any]:
    """Differences person by person, column by column (a full join on id)."""
    joined = engine.join(by_hand, on="id", how="full", suffix="_hand", coalesce=True)
    report: dict[str, Any] = {"rows": [engine.height, by_hand.height]}
    for column in ("total", "band", "rank", "tied"):
        differ = joined.filter(pl.col(column).ne_missing(pl.col(f"{column}_hand")))
        report[column] = {"differences": differ.height, "examples": differ.head(5).to_dicts()}
    report["agree"] = engine.height == by_hand.height and all(
        report[c]["differences"] == 0 for c in ("total", "band", "rank", "tied")
    )
    return report


# -- the run -----------------------------------------------------------------------------------


def stages(engine: Any, population: Any, repeat: int) -> dict[str, float]:
    """The median time of each stage of ``engine.evaluate`` over ``repeat`` runs: the base
    frame (candidates joined to their facts, cast and checked), the sheet (``evaluate_kind``)
    and the standings, timed by wrapping the functions :func:`emulation.evaluate.run` calls."""
    import emulation.evaluate as stepper

    spent: dict[str, list[float]] = {"base_frame": [], "sheet": [], "standings": []}
    originals = {
        "base_frame": stepper.base_frame,
        "sheet": stepper.evaluate_kind,
        "standings": stepper.apply_standings,
    }
    attributes = {
        "base_frame": "base_frame",
        "sheet": "evaluate_kind",
        "standings": "apply_standings",
    }

    def timed(name: str) -> Any:
        def call(*args: Any, **kwargs: Any) -> Any:
            begun = time.perf_counter()
            result = originals[name](*args, **kwargs)
            spent[name].append(time.perf_counter() - begun)
            return result

        return call

    for name, attribute in attributes.items():
        setattr(stepper, attribute, timed(name))
    whole = []
    try:
        for _ in range(repeat):
            gc.collect()
            begun = time.perf_counter()
            engine.evaluate(population, PERIOD)
            whole.append(time.perf_counter() - begun)
    finally:
        for name, attribute in attributes.items():
            setattr(stepper, attribute, originals[name])
    found = {name: statistics.median(values) for name, values in spent.items()}
    found["evaluate"] = statistics.median(whole)
    return found


def run(args: argparse.Namespace) -> dict[str, Any]:
    from emulation import Population

    started = dt.datetime.now().astimezone()
    before = machine()
    made = time.perf_counter()
    population = Population.from_frames(
        source="<bench_movement>", **generate(args.persons, args.clusters, args.seed)
    )
    data_s = time.perf_counter() - made
    engine = build_engine()
    contenders = {
        "engine": lambda: engine_results(engine.evaluate(population, PERIOD)),
        "hand": lambda: hand(population),
    }
    results = {name: call() for name, call in contenders.items()}  # warm-up
    check = compare(results["engine"], results["hand"])
    if not check["agree"]:
        print(json.dumps(check, indent=2, default=str), file=sys.stderr)
        sys.exit("the hand-written results differ from the engine's")
    times: dict[str, list[float]] = {name: [] for name in contenders}
    names = list(contenders)
    for round_ in range(args.repeat):
        for name in names[round_ % 2 :] + names[: round_ % 2]:
            gc.collect()
            begun = time.perf_counter()
            contenders[name]()
            times[name].append(time.perf_counter() - begun)
    medians = {name: statistics.median(values) for name, values in times.items()}
    profile = stages(engine, population, args.repeat)
    reference = results["hand"]
    summary = {
        "bands": dict(reference.group_by("band").len().sort("band", nulls_last=True).rows()),
        "unknown_totals": reference.get_column("total").null_count(),
        "persons_tied": reference.filter(pl.col("tied") > 0).height,
    }
    result = {
        "date": started.isoformat(timespec="seconds"),
        "command": " ".join(["python", *sys.argv]),
        "settings": {k: getattr(args, k) for k in ("persons", "clusters", "repeat", "seed")},
        "machine_before": before,
        "load_average_after": list(os.getloadavg()),
        "source": source_state(),
        "data_and_validation_s": data_s,
        "times": times,
        "medians_s": medians,
        "ratio_engine_vs_hand": medians["engine"] / medians["hand"],
        "target": {"within": TARGET, "met": medians["engine"] / medians["hand"] <= TARGET},
        "engine_stages_median_s": profile,
        "agreement": check,
        "summary": summary,
    }
    print(render(result))
    suffix = "-movement-quick" if args.quick else "-movement"
    out = HERE / "results" / f"{started.date().isoformat()}{suffix}.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(result, indent=2, ensure_ascii=False, default=str) + "\n", "utf-8")
    print(f"\nwritten {out.relative_to(ROOT)}", file=sys.stderr)
    return result


def render(result: dict[str, Any]) -> str:
    """The Markdown summary."""
    settings, medians = result["settings"], result["medians_s"]
    load = result["machine_before"]["load_average"]
    return "\n".join(
        [
            f"## {result['date']}: {settings['persons']:,} persons in {settings['clusters']:,} "
            f"clusters, median of {settings['repeat']}",
            "",
            "| contender | median s | min–max s |",
            "|---|---:|---:|",
            *(
                f"| {name} | {medians[name]:.3f} | {min(result['times'][name]):.3f}–"
                f"{max(result['times'][name]):.3f} |"
                for name in ("engine", "hand")
            ),
            "",
            f"engine / hand = **{result['ratio_engine_vs_hand']:.2f}×** (target ≤ {TARGET}×: "
            f"{'met' if result['target']['met'] else 'not met'}); results agree: "
            f"{result['agreement']['agree']}; load average before {load[0]:.2f}, after "
            f"{result['load_average_after'][0]:.2f}",
            "engine stages (median s, separate rounds): "
            + ", ".join(f"{k} {v:.3f}" for k, v in result["engine_stages_median_s"].items()),
            f"bands {result['summary']['bands']}, unknown totals "
            f"{result['summary']['unknown_totals']}, persons tied "
            f"{result['summary']['persons_tied']}",
        ]
    )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--persons", type=int, default=1_000_000)
    parser.add_argument("--clusters", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=5, help="timed rounds (median)")
    parser.add_argument("--seed", type=int, default=20260101)
    parser.add_argument("--quick", action="store_true", help="100 000 persons, 1 000 clusters, 3")
    args = parser.parse_args(argv)
    if args.quick:
        args.persons, args.clusters, args.repeat = 100_000, 1_000, 3
    run(args)


if __name__ == "__main__":
    main()
