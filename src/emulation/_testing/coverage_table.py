"""How a coverage report is written: one row per ruleset version (or sheet, or KPI) with
what is covered out of what there is, then the total, then every part not covered."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Protocol


class Covered(Protocol):
    """A rule, or a part of a sheet or KPI, seen both ways or not."""

    @property
    def covered(self) -> bool: ...


def row(done: int, total: int) -> str:
    """``done / total`` and the percentage, aligned."""
    percent = 100.0 * done / total if total else 100.0
    return f"{done:>4} / {total:<4} {percent:5.1f} %"


def coverage_table(
    title: str, groups: Mapping[str, Sequence[Covered]], gaps: Sequence[str]
) -> list[str]:
    """``title``, a row per group and the total, then ``not covered:`` and the ``gaps``."""
    width = max([len("total"), *(len(name) for name in groups)])
    lines = [title]
    for name, items in groups.items():
        lines.append(f"  {name:<{width}}  {row(sum(i.covered for i in items), len(items))}")
    every = [item for items in groups.values() for item in items]
    lines.append(f"  {'total':<{width}}  {row(sum(i.covered for i in every), len(every))}")
    if gaps:
        lines.append("not covered:")
        lines.extend(f"  {gap}" for gap in gaps)
    return lines
