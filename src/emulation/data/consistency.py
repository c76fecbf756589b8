"""Checks of the registrations and votes tables beyond their columns' types.

A registration must not be reviewed before it starts, nor judged (``effective``,
``not_effective``) without a review date; a vote must count no more votes than the council has
members, none of them negative; a registration id and a (subject, award, period) vote are given
once. Each problem names the file and row (or JSON path) it came from.
"""

from __future__ import annotations

import polars as pl

from emulation.data.schema import ORIGIN
from emulation.errors import Problem
from emulation.i18n import Message

#: Statuses that say a review took place, so the registration needs a review date.
JUDGED = ("effective", "not_effective")

_COUNTS = ("votes_for", "votes_against", "absent_in_writing")


def row_problems(table: str, frame: pl.DataFrame) -> list[Problem]:
    """The problems of single rows of ``table`` (already cast to its types)."""
    if table == "registrations":
        return _registration_problems(frame)
    if table == "votes":
        return _vote_problems(frame)
    return []


def _registration_problems(frame: pl.DataFrame) -> list[Problem]:
    found: list[Problem] = []
    early = frame.filter(pl.col("review") < pl.col("start"))
    for origin, start, review in early.select(ORIGIN, "start", "review").iter_rows():
        found.append(
            Problem(
                file=origin,
                location="review",
                message=Message(
                    "reviewed on {review}, before it starts on {start}", review=review, start=start
                ),
                code="review_before_start",
            )
        )
    unreviewed = frame.filter(pl.col("status").is_in(list(JUDGED)) & pl.col("review").is_null())
    for origin, status in unreviewed.select(ORIGIN, "status").iter_rows():
        found.append(
            Problem(
                file=origin,
                location="review",
                message=Message(
                    "status {status} is the result of a review: give its review date",
                    status=repr(status),
                ),
                code="review_missing",
            )
        )
    return found


def _vote_problems(frame: pl.DataFrame) -> list[Problem]:
    found: list[Problem] = []
    for name in _COUNTS:
        negative = frame.filter(pl.col(name) < 0)
        for origin, value in negative.select(ORIGIN, name).iter_rows():
            found.append(
                Problem(
                    file=origin,
                    location=name,
                    message=Message(
                        "{value} is negative; a count of votes is 0 or more", value=value
                    ),
                    code="negative_count",
                )
            )
    empty = frame.filter(pl.col("council_size") < 1)
    for origin, value in empty.select(ORIGIN, "council_size").iter_rows():
        found.append(
            Problem(
                file=origin,
                location="council_size",
                message=Message(
                    "a council of {value} members cannot vote; it has at least one", value=value
                ),
                code="empty_council",
            )
        )
    cast = pl.col("votes_against").fill_null(0)
    over = frame.filter(
        (pl.col("council_size") >= 1)
        & (
            (pl.col("votes_for") + cast > pl.col("council_size"))
            | (pl.col("absent_in_writing").fill_null(0) > pl.col("council_size"))
        )
    )
    for origin, votes_for, against, absent, size in over.select(
        ORIGIN, "votes_for", "votes_against", "absent_in_writing", "council_size"
    ).iter_rows():
        found.append(
            Problem(
                file=origin,
                location="votes_for",
                message=Message(
                    "{votes_for} for, {against} against and {absent} absent in writing do not fit a council of {size} members",
                    votes_for=votes_for,
                    against=against or 0,
                    absent=absent or 0,
                    size=size,
                ),
                code="votes_exceed_council",
            )
        )
    return found


def link_problems(frames: dict[str, pl.DataFrame]) -> list[Problem]:
    """Evidence and registration ids given twice; two votes for one subject, award and
    period."""
    found: list[Problem] = []
    for table, what in (
        ("evidence", Message("evidence")),
        ("registrations", Message("registration")),
    ):
        if table not in frames or frames[table].height == 0:
            continue
        twice = frames[table].filter(pl.col("id").is_duplicated())
        found.extend(
            Problem(
                file=origin,
                location="id",
                message=Message("duplicate {what} id {ident}", what=what, ident=repr(ident)),
                code="duplicate_id",
            )
            for origin, ident in twice.select(ORIGIN, "id").iter_rows()
        )
    if "votes" in frames and frames["votes"].height > 0:
        keys = ("subject", "award", "period")
        twice = frames["votes"].filter(pl.struct(keys).is_duplicated())
        for origin, sid, award, period in twice.select(ORIGIN, *keys).iter_rows():
            found.append(
                Problem(
                    file=origin,
                    message=Message(
                        "a second vote for subject {sid}, award {award} in {period}",
                        sid=repr(sid),
                        award=repr(award),
                        period=period,
                    ),
                    code="duplicate_vote",
                )
            )
    return found
