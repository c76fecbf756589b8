"""Deterministic synthetic people, units and five years of history for the 2017 state rulesets.

The data set is built in *chunks* of whole emulation clusters, so that every quota (per unit
for CSTĐCS, per cluster for the provincial flag) and every collective's members stay inside one
chunk and a chunk can be evaluated on its own. Chunk ``c`` holds units
``c·U … (c+1)·U − 1`` (``U`` units of ``P`` people each; 20 units to a cluster) and is
generated from seed ``seed + c`` only, so chunk 3 is the same whether 4 or 22 chunks are made,
and the first ten chunks of the national data set *are* the 1 M-people data set.

Per chunk, vectorised with NumPy and Polars (no Python loop over rows):

* ``subjects``: the units (``kind = collective``, ``cluster``) and the people (``kind =
  person``, ``parent`` = their unit, ``cluster``, gender, birth year);
* ``facts`` for the calendar years 2019–2023, one row per subject and year: for people
  ``rating`` (a "strong" quarter of the staff is rated HTXS far more often), ``good_attitude``,
  ``recruited_this_period`` with ``months_worked`` (3–5 % recruits a year), months of maternity
  leave and injury treatment for a few; for units ``rating``, ``emulation_active``,
  ``in_province_cluster``, ``exceeded_targets`` and ``emulation_score``; about 1 % missing
  ``good_attitude`` and 0.3 % missing ``rating`` so that ``data_missing`` occurs;
* ``evidence``: initiatives, scientific works, combat ingenuity and commendations; an
  "innovator" eighth of the staff has an initiative most years (so that three-year CSTĐCS
  chains form), everyone else rarely; scope grassroots 75 %, ministry/province 21 %,
  national 4 %;
* ``discipline``: about 1 % of people, a one-year record starting some day of 2019–2023;
* ``awards``: the award history of 2019–2022, decided **by the engine** with
  ``Engine.evaluate_periods`` over the chunk (every award of the 2017 rulesets in force), so
  that the chains and quotas of 2023 rest on history consistent with the rules.

:func:`ensure_chunks` writes each chunk once to ``benchmarks/data/<name>/chunk-NNNN/<table>.parquet``
(``benchmarks/data/`` is git-ignored) and reuses it afterwards; :func:`read_chunks` reads some
chunks back as frames.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl

HERE = Path(__file__).resolve().parent
RULESETS = HERE.parent / "rulesets" / "state"
DATA = HERE / "data"
YEARS = ("2019", "2020", "2021", "2022", "2023")
HISTORY_YEARS = YEARS[:-1]
PERIOD = YEARS[-1]
UNITS_PER_CLUSTER = 20
RATINGS = ("KHT", "HT", "HTT", "HTXS")
EVIDENCE_KINDS = ("initiative", "scientific_work", "combat_ingenuity", "commendation")
SCOPES = ("grassroots", "ministry_province", "national")
DISCIPLINE_LEVELS = ("reprimand", "warning", "salary_reduction", "demotion")
TABLES = ("subjects", "facts", "evidence", "discipline", "awards")


def _ids(prefix: str, start: int, count: int, width: int) -> pl.Series:
    """``prefix`` followed by the zero-padded numbers ``start … start + count − 1``."""
    return pl.select(
        pl.format(
            "{}{}",
            pl.lit(prefix),
            pl.int_range(start, start + count).cast(pl.String).str.zfill(width),
        )
    ).to_series()


def _strings(values: Sequence[str], codes: np.ndarray) -> pl.Series:
    """``values[codes]`` as a String series."""
    return pl.Series(values=np.asarray(values, dtype=object)[codes], dtype=pl.String)


def _null_where(series: pl.Series, mask: np.ndarray) -> pl.Series:
    """``series`` with the rows where ``mask`` holds set to null."""
    return pl.select(
        pl.when(pl.Series(mask)).then(None).otherwise(series).alias(series.name)
    ).to_series()


def _nulls(count: int, dtype: pl.DataType) -> pl.Series:
    """``count`` nulls of ``dtype``."""
    return pl.repeat(None, count, dtype=dtype, eager=True)


def _draw(rng: np.random.Generator, probs: np.ndarray) -> np.ndarray:
    """One category per row of ``probs`` (rows of probabilities summing to 1)."""
    cumulative = np.cumsum(probs, axis=1)
    uniform: np.ndarray = np.asarray(rng.random(size=probs.shape[0]))
    draws = uniform[:, None] > cumulative[:, :-1]
    return np.asarray(draws.sum(axis=1), dtype=np.int64)


def generate_chunk(
    chunk: int, units: int, people_per_unit: int, seed: int
) -> dict[str, pl.DataFrame]:
    """The ``subjects``, ``facts``, ``evidence`` and ``discipline`` frames of one chunk
    (``units`` units, a multiple of 20, of ``people_per_unit`` people each), 2019–2023."""
    if units % UNITS_PER_CLUSTER:
        raise ValueError(f"units per chunk must be a multiple of {UNITS_PER_CLUSTER}")
    rng = np.random.default_rng(seed + chunk)
    first_unit = chunk * units
    n = units * people_per_unit
    unit_ids = _ids("U", first_unit, units, 7)
    cluster_ids = pl.Series(
        [f"K{i:05d}" for i in range(first_unit // 20, (first_unit + units) // 20)], dtype=pl.String
    ).gather(np.repeat(np.arange(units // UNITS_PER_CLUSTER), UNITS_PER_CLUSTER))
    person_ids = _ids("P", first_unit * people_per_unit, n, 9)
    home = np.repeat(np.arange(units), people_per_unit)  # unit of each person, chunk-local
    female = rng.random(n) < 0.55
    strong = rng.random(n) < 0.25
    innovator = rng.random(n) < 0.125

    subjects = pl.concat(
        [
            pl.DataFrame(
                {
                    "id": unit_ids,
                    "kind": pl.repeat("collective", units, eager=True, dtype=pl.String),
                    "name": _nulls(units, pl.String()),
                    "parent": _nulls(units, pl.String()),
                    "cluster": cluster_ids,
                    "gender": _nulls(units, pl.String()),
                    "birth_year": _nulls(units, pl.Int64()),
                }
            ),
            pl.DataFrame(
                {
                    "id": person_ids,
                    "kind": pl.repeat("person", n, eager=True, dtype=pl.String),
                    "name": _nulls(n, pl.String()),
                    "parent": unit_ids.gather(home),
                    "cluster": cluster_ids.gather(home),
                    "gender": pl.Series(np.where(female, "female", "male"), dtype=pl.String),
                    "birth_year": pl.Series(rng.integers(1964, 2001, size=n), dtype=pl.Int64),
                }
            ),
        ]
    )

    person_probs = np.where(
        strong[:, None], np.array([0.01, 0.09, 0.45, 0.45]), np.array([0.02, 0.27, 0.60, 0.11])
    )
    fact_frames: list[pl.DataFrame] = []
    evidence_frames: list[pl.DataFrame] = []
    evidence_seen = 0
    for year in YEARS:  # five iterations, each vectorised over the chunk
        rating = _null_where(
            _strings(RATINGS, _draw(rng, person_probs)).alias("rating"), rng.random(n) < 0.003
        )
        attitude = rng.random(n) < 0.96
        recruited = rng.random(n) < (0.05 if year == YEARS[0] else 0.03)
        worked = np.where(recruited, rng.integers(1, 12, size=n), 12)
        maternity = np.where(recruited & female & (rng.random(n) < 0.15), rng.integers(1, 7, n), 0)
        injury = np.where(rng.random(n) < 0.002, rng.integers(1, 4, size=n), 0)
        people = pl.DataFrame(
            [
                person_ids.alias("subject"),
                pl.repeat(year, n, eager=True, dtype=pl.String).alias("period"),
                rating,
                _null_where(pl.Series("good_attitude", attitude), rng.random(n) < 0.01),
                pl.Series("recruited_this_period", recruited),
                _null_where(
                    pl.Series("months_worked", worked, dtype=pl.Int64),
                    recruited & (rng.random(n) < 0.005),
                ),
                _null_where(
                    pl.Series("months_maternity_leave", maternity, dtype=pl.Int64), maternity == 0
                ),
                _null_where(
                    pl.Series("months_injury_treatment", injury, dtype=pl.Int64), injury == 0
                ),
            ]
        )
        unit_rating = _strings(RATINGS, rng.choice(4, size=units, p=[0.02, 0.18, 0.5, 0.3]))
        collectives = pl.DataFrame(
            [
                unit_ids.alias("subject"),
                pl.repeat(year, units, eager=True, dtype=pl.String).alias("period"),
                unit_rating.alias("rating"),
                pl.Series("emulation_active", rng.random(units) < 0.9),
                pl.Series("in_province_cluster", rng.random(units) < 0.8),
                pl.Series("exceeded_targets", rng.random(units) < 0.5),
                pl.Series("emulation_score", rng.integers(0, 1001, size=units), dtype=pl.Int64),
            ]
        )
        fact_frames.append(pl.concat([people, collectives], how="diagonal"))

        rate = np.where(innovator, 0.85, 0.04)
        holders = np.flatnonzero(rng.random(n) < rate)
        per_holder = rng.choice([1, 2, 3], size=holders.size, p=[0.75, 0.2, 0.05])
        owner = np.repeat(holders, per_holder)
        m = owner.size
        evidence_frames.append(
            pl.DataFrame(
                {
                    "id": _ids(f"E{chunk:04d}-", evidence_seen, m, 8),
                    "subject": person_ids.gather(owner),
                    "kind": _strings(
                        EVIDENCE_KINDS, rng.choice(4, size=m, p=[0.7, 0.15, 0.03, 0.12])
                    ),
                    "period": pl.repeat(year, m, eager=True, dtype=pl.String),
                    "scope": _strings(SCOPES, rng.choice(3, size=m, p=[0.75, 0.21, 0.04])),
                }
            )
        )
        evidence_seen += m

    disciplined = np.flatnonzero(rng.random(n) < 0.01)
    d = disciplined.size
    start = np.datetime64(dt.date(2019, 1, 1)) + rng.integers(0, 5 * 365, size=d).astype(
        "timedelta64[D]"
    )
    discipline = pl.DataFrame(
        {
            "subject": person_ids.gather(disciplined),
            "level": _strings(DISCIPLINE_LEVELS, rng.choice(4, size=d, p=[0.6, 0.3, 0.07, 0.03])),
            "start": pl.Series(start, dtype=pl.Date),
            "end": pl.Series(start + np.timedelta64(365, "D"), dtype=pl.Date),
        }
    )
    return {
        "subjects": subjects,
        "facts": pl.concat(fact_frames),
        "evidence": pl.concat(evidence_frames),
        "discipline": discipline,
    }


def build_engine() -> Any:
    """The engine over the repository's state rulesets only (no installed plugins)."""
    import emulation

    return emulation.build_engine(entry_points=False, ruleset_paths=[RULESETS])


def history(frames: dict[str, pl.DataFrame], engine: Any | None = None) -> pl.DataFrame:
    """The award history of 2019–2022 decided by the engine (``subject, award, period``)."""
    from emulation import Population

    engine = engine or build_engine()
    population = Population.from_frames(source="<synth_history>", **frames)
    evaluations = engine.evaluate_periods(population, list(HISTORY_YEARS))
    granted = [
        e.outcomes().filter(pl.col("outcome") == "granted").select("subject", "award", "period")
        for e in evaluations
    ]
    result: pl.DataFrame = pl.concat(granted).with_columns(pl.col("period").cast(pl.String))
    return result


def dataset_dir(units: int, people_per_unit: int, seed: int) -> Path:
    """Where the chunks of one data set live."""
    return DATA / f"history-u{units}-p{people_per_unit}-s{seed}"


def chunk_dir(units: int, people_per_unit: int, seed: int, chunk: int) -> Path:
    """The folder of one chunk (one Parquet file per table)."""
    return dataset_dir(units, people_per_unit, seed) / f"chunk-{chunk:04d}"


def ensure_chunks(
    chunks: int, units: int, people_per_unit: int, seed: int, log: Any = None
) -> list[Path]:
    """Generate (and decide the 2019–2022 history of) every chunk not on disk yet; one at a
    time, so that memory depends on the chunk size only. The folders of chunks 0 … chunks−1."""
    engine = None
    folders = []
    for chunk in range(chunks):
        folder = chunk_dir(units, people_per_unit, seed, chunk)
        folders.append(folder)
        if (folder / "done").exists():
            continue
        started = time.perf_counter()
        engine = engine or build_engine()
        frames = generate_chunk(chunk, units, people_per_unit, seed)
        generated = time.perf_counter()
        frames["awards"] = history(frames, engine)
        folder.mkdir(parents=True, exist_ok=True)
        for table, frame in frames.items():
            frame.write_parquet(folder / f"{table}.parquet")
        (folder / "done").write_text(
            f"generate {generated - started:.2f} s, history {time.perf_counter() - generated:.2f} s\n",
            encoding="ascii",
        )
        if log is not None:
            log(f"chunk {chunk}: {(folder / 'done').read_text(encoding='ascii').strip()}")
        del frames
    return folders


def read_chunks(folders: Iterable[Path]) -> dict[str, pl.DataFrame]:
    """The tables of the given chunk folders, each table concatenated."""
    folders = list(folders)
    return {
        table: pl.read_parquet([folder / f"{table}.parquet" for folder in folders])
        for table in TABLES
    }


if __name__ == "__main__":  # a quick look at one small chunk
    sample = generate_chunk(0, 20, 10, 20190101)
    for name, frame in sample.items():
        print(name, frame.shape)
        print(frame.head(5))
