"""Histories that contradict themselves: found per subject, so the rest can still be decided.

A subject whose records cannot all be true — two different facts rows for one period, an
award or a service spell dated before the person was born, service spells that overlap — is
set aside: it gets no decision, and the evaluation reports it with the rows involved. (A
facts row that repeats another exactly is refused when the data is read, see
:mod:`emulation.data.validate`.)
"""

from __future__ import annotations

import attrs
import polars as pl

from emulation.data.schema import ORIGIN
from emulation.messages import render
from emulation.period import period_start_year
from emulation.types import Language


@attrs.frozen(kw_only=True)
class SetAside:
    """A subject left out of the evaluation because its records contradict each other.

    ``code`` is one of ``conflicting_facts``, ``award_before_birth``, ``service_before_birth``,
    ``overlapping_service``; ``rows`` names the file and row (or JSON path) of each record
    involved.
    """

    subject: str
    code: str
    detail: str
    rows: tuple[str, ...]

    def to_dict(self, lang: Language = "vi") -> dict[str, object]:
        """JSON-ready form with the message in ``lang``."""
        return {
            "subject": self.subject,
            "code": self.code,
            "message": render(self.code, {"detail": self.detail}, lang),
            "rows": list(self.rows),
        }


def find(frames: dict[str, pl.DataFrame]) -> tuple[dict[str, pl.DataFrame], tuple[SetAside, ...]]:
    """List every contradiction found."""
    found: list[SetAside] = []
    facts = frames["facts"]
    clashes = facts.filter(pl.struct("subject", "period").is_duplicated())
    for (sid, period), group in clashes.group_by("subject", "period", maintain_order=True):
        found.append(
            SetAside(
                subject=str(sid),
                code="conflicting_facts",
                detail=str(period),
                rows=tuple(group.get_column(ORIGIN).to_list()),
            )
        )
    born = (
        frames["subjects"]
        .select(pl.col("id").alias("subject"), "birth_year")
        .filter(pl.col("birth_year").is_not_null())
    )
    if "awards" in frames:
        early = (
            frames["awards"]
            .join(born, on="subject")
            .filter(period_start_year() < pl.col("birth_year"))
        )
        for sid, period, origin in early.select("subject", "period", ORIGIN).iter_rows():
            found.append(
                SetAside(subject=sid, code="award_before_birth", detail=period, rows=(origin,))
            )
    if "service" in frames:
        spells = frames["service"]
        early = spells.join(born, on="subject").filter(
            pl.col("start").dt.year() < pl.col("birth_year")
        )
        for sid, start, origin in early.select("subject", "start", ORIGIN).iter_rows():
            found.append(
                SetAside(
                    subject=sid, code="service_before_birth", detail=str(start), rows=(origin,)
                )
            )
        found.extend(_overlapping(spells))
    return frames, tuple(sorted(found, key=lambda s: (s.subject, s.code, s.rows)))


def _overlapping(spells: pl.DataFrame) -> list[SetAside]:
    indexed = spells.with_row_index("_n")
    pairs = (
        indexed.join(indexed, on="subject", suffix="_b")
        .filter(pl.col("_n") < pl.col("_n_b"))
        .filter(
            (pl.col("start") <= pl.col("end_b").fill_null(pl.date(9999, 12, 31)))
            & (pl.col("start_b") <= pl.col("end").fill_null(pl.date(9999, 12, 31)))
        )
    )
    return [
        SetAside(
            subject=sid,
            code="overlapping_service",
            detail=f"{start} – {end or '…'} / {start_b} – {end_b or '…'}",
            rows=(origin, origin_b),
        )
        for sid, start, end, start_b, end_b, origin, origin_b in pairs.select(
            "subject", "start", "end", "start_b", "end_b", ORIGIN, f"{ORIGIN}_b"
        ).iter_rows()
    ]
