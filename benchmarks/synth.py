"""Deterministic synthetic person-year records for the 2024 state individual-titles ruleset.

:func:`generate` builds ``N`` people, one facts row each for period ``2024``, as Polars frames
(vectorised with NumPy; no Python loop over rows) and :func:`population` wraps them in an
:class:`emulation.Population` through ``Population.from_frames``. The same ``seed`` gives the
same data, so every engine of the benchmark sees identical records.

Distributions (rough, but of the right shape for a Vietnamese public-sector workforce):

* ``rating``: KHT 2 %, HT 23 %, HTT 58 %, HTXS 17 %; 0.3 % missing.
* ``good_attitude``: true 95 %, false 4 %, missing 1 %.
* ``recruited_this_period``: 8 % (a recruit worked 1–11 months; everyone else 12); 0.5 % of
  recruits have ``months_worked`` missing. The column is missing for 0.2 % of rows (default
  false).
* months of maternity leave (some recruited women), certified injury treatment (rare) and
  counted training (3 %); left empty (default 0) for everyone else.
* blocking states: under discipline review 0.5 %, under investigation 0.3 %, pending complaint
  0.5 %; 0.1 % left empty (default false).
* evidence: about 10 % of people hold 1–3 items of kind initiative, scientific_work,
  combat_ingenuity or commendation (which no criterion counts), dated 2024 (85 %) or 2023.
* discipline: about 1 % of people have a record (the 2024 rules do not read it; it is there so
  that the population has every table a real one has).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import polars as pl

from emulation import Population

PERIOD = "2024"
RULESETS = Path(__file__).resolve().parents[1] / "rulesets" / "state"
RATINGS = ("KHT", "HT", "HTT", "HTXS")
EVIDENCE_KINDS = ("initiative", "scientific_work", "combat_ingenuity", "commendation")
SCOPES = ("grassroots", "ministry_province", "national")
DISCIPLINE_LEVELS = ("reprimand", "warning", "salary_reduction", "demotion")


def _ids(prefix: str, count: int) -> pl.Series:
    """``prefix`` followed by a zero-padded running number, for ``count`` rows."""
    return pl.select(
        pl.format("{}{}", pl.lit(prefix), pl.int_range(count).cast(pl.String).str.zfill(8))
    ).to_series()


def _null_where(values: pl.Series, mask: np.ndarray) -> pl.Series:
    """``values`` with the rows where ``mask`` is true set to null."""
    return pl.select(
        pl.when(pl.Series(mask)).then(None).otherwise(values).alias(values.name)
    ).to_series()


def _choice(
    rng: np.random.Generator, values: tuple[str, ...], probs: list[float], n: int
) -> pl.Series:
    """``n`` draws from ``values`` with probabilities ``probs``, as a String series."""
    codes = rng.choice(len(values), size=n, p=probs)
    return pl.Series(values=np.asarray(values, dtype=object)[codes], dtype=pl.String)


def generate(n: int, seed: int = 20240101) -> dict[str, pl.DataFrame]:
    """The ``subjects``, ``facts``, ``evidence`` and ``discipline`` frames of ``n`` people."""
    rng = np.random.default_rng(seed)
    ids = _ids("P", n)
    female = rng.random(n) < 0.55

    subjects = pl.DataFrame(
        {
            "id": ids,
            "kind": pl.repeat("person", n, eager=True, dtype=pl.String),
            "gender": pl.Series(np.where(female, "female", "male"), dtype=pl.String),
            "birth_year": pl.Series(rng.integers(1964, 2003, size=n), dtype=pl.Int64),
            "hardship_area": pl.Series(rng.random(n) < 0.07, dtype=pl.Boolean),
        }
    )

    rating = _null_where(
        _choice(rng, RATINGS, [0.02, 0.23, 0.58, 0.17], n).alias("rating"), rng.random(n) < 0.003
    )
    attitude = pl.Series("good_attitude", rng.random(n) < 0.96)
    attitude = _null_where(attitude, rng.random(n) < 0.01)

    recruited = rng.random(n) < 0.08
    worked = np.where(recruited, rng.integers(1, 12, size=n), 12)
    months_worked = _null_where(
        pl.Series("months_worked", worked, dtype=pl.Int64), recruited & (rng.random(n) < 0.005)
    )
    recruited_col = _null_where(
        pl.Series("recruited_this_period", recruited), rng.random(n) < 0.002
    )

    maternity = np.where(recruited & female & (rng.random(n) < 0.15), rng.integers(1, 7, size=n), 0)
    injury = np.where(rng.random(n) < 0.002, rng.integers(1, 4, size=n), 0)
    training = np.where(rng.random(n) < 0.03, rng.integers(1, 7, size=n), 0)

    def months(name: str, values: np.ndarray) -> pl.Series:
        # zero months are left empty, as a spreadsheet would: the ruleset default (0) fills them
        return _null_where(pl.Series(name, values, dtype=pl.Int64), values == 0)

    def flag(name: str, rate: float) -> pl.Series:
        return _null_where(pl.Series(name, rng.random(n) < rate), rng.random(n) < 0.001)

    facts = pl.DataFrame(
        [
            ids.alias("subject"),
            pl.repeat(PERIOD, n, eager=True, dtype=pl.String).alias("period"),
            rating,
            attitude,
            recruited_col,
            months_worked,
            months("months_maternity_leave", maternity),
            months("months_injury_treatment", injury),
            months("months_training", training),
            flag("under_discipline_review", 0.005),
            flag("under_investigation", 0.003),
            flag("pending_complaint", 0.005),
        ]
    )

    holders = np.flatnonzero(rng.random(n) < 0.10)
    per_holder = rng.choice([1, 2, 3], size=holders.size, p=[0.7, 0.22, 0.08])
    owner = np.repeat(holders, per_holder)
    m = owner.size
    evidence = pl.DataFrame(
        {
            "id": _ids("E", m),
            "subject": ids.gather(owner),
            "kind": _choice(rng, EVIDENCE_KINDS, [0.55, 0.15, 0.05, 0.25], m),
            "period": pl.Series(np.where(rng.random(m) < 0.85, "2024", "2023"), dtype=pl.String),
            "scope": _choice(rng, SCOPES, [0.8, 0.17, 0.03], m),
        }
    )

    disciplined = np.flatnonzero(rng.random(n) < 0.01)
    d = disciplined.size
    start = np.datetime64(dt.date(2022, 1, 1)) + rng.integers(0, 3 * 365, size=d).astype(
        "timedelta64[D]"
    )
    end = start + np.full(d, 365).astype("timedelta64[D]")
    discipline = pl.DataFrame(
        {
            "subject": ids.gather(disciplined),
            "level": _choice(rng, DISCIPLINE_LEVELS, [0.6, 0.3, 0.07, 0.03], d),
            "start": pl.Series(start, dtype=pl.Date),
            "end": pl.Series(end, dtype=pl.Date),
        }
    )
    return {"subjects": subjects, "facts": facts, "evidence": evidence, "discipline": discipline}


def population(n: int, seed: int = 20240101) -> Population:
    """:func:`generate` wrapped in a validated :class:`emulation.Population`."""
    return Population.from_frames(source="<synth>", **generate(n, seed))


if __name__ == "__main__":  # a quick look at the data
    import sys

    size = int(sys.argv[1]) if len(sys.argv) > 1 else 10
    for name, frame in generate(size).items():
        print(name, frame.shape)
        print(frame.head(5))
