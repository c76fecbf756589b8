"""The decisions as a Parquet file, written as a stream: the rows (already in their order:
decisions by subject then award, then the subjects set aside) are cut into parts of
:data:`PART_ROWS` rows, each written to a temporary folder as a Parquet file of the typed
columns of :mod:`emulation.results.columns`, and Polars' streaming engine writes the parts as
one file (``sink_parquet``). No table of the whole output is ever built, and since the parts
depend on the rows alone — not on how the population was cut into chunks — the file is the
same bytes whatever the chunks.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from itertools import chain, islice
from pathlib import Path
from typing import IO

import polars as pl

from emulation.results import columns

#: Rows a part holds.
PART_ROWS = 50_000


def write_parquet(
    out: Path | IO[bytes],
    header: list[str],
    sections: Callable[[str], Iterable[columns.Row]],
    folder: Path,
) -> None:
    """Write the rows of ``sections("decisions")`` then ``sections("set_aside")`` (each a
    row of ``header``'s columns) to ``out`` as one Parquet file, its parts kept in
    ``folder`` (a temporary folder the caller removes)."""
    parts: list[Path] = []
    rows = chain(sections("decisions"), sections("set_aside"))
    while batch := list(islice(rows, PART_ROWS)):
        path = folder / f"part-{len(parts):06d}.parquet"
        columns.parquet_frame(header, batch).write_parquet(path)
        parts.append(path)
    if not parts:
        columns.parquet_frame(header, []).write_parquet(out)
        return
    pl.scan_parquet(parts).sink_parquet(out)
