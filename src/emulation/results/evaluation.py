"""The result of one evaluation: a columnar frame, and decisions built from it on demand."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from typing import Any

import attrs
import polars as pl

from emulation._version import __version__
from emulation.data.population import Population
from emulation.errors import EvaluationError, Problem
from emulation.evaluate.columns import (
    outcome_column,
    score_column,
)
from emulation.evaluate.evidence import granted_in, taken_by
from emulation.evaluate.kpis import KPI_SCHEMA
from emulation.lang.compiler import DECIMAL
from emulation.period import Period
from emulation.results.building import Builder
from emulation.results.decision import Decision
from emulation.results.kpi import KpiResult, kpi_result
from emulation.results.payout import pay_once_per_window
from emulation.results.scores import ScoreResult, score_result
from emulation.results.selection import selection_peers
from emulation.results.standing import Standing, standings_frame, standings_of
from emulation.results.ties import Peers, quota_peers
from emulation.rules.kpis import Kpi
from emulation.rules.model import Award, Consumption, Ruleset, Standings
from emulation.rules.scores import ScoreSheet


@attrs.frozen(kw_only=True, eq=False)
class Evaluation:
    """Every decision of one period.

    ``frames`` holds one result frame per subject kind (``person``, ``collective``): a row per
    candidate with a boolean column ``<award>::<rule>`` per rule, an ``<award>::outcome`` column
    and the inputs the rules read. ``awards`` lists the evaluated awards with the ruleset
    version that decided each; ``parameters`` the parameter values used, by ruleset id.
    """

    period: Period
    population: Population
    frames: dict[str, pl.DataFrame]
    awards: tuple[tuple[Award, Ruleset], ...]
    parameters: dict[str, dict[str, Any]] = attrs.field(factory=dict)
    #: Award ids in the order they were decided (dependencies first).
    order: tuple[str, ...] = ()
    engine_version: str = __version__
    #: The KPIs evaluated, with the ruleset that defines each.
    kpi_specs: tuple[tuple[Kpi, Ruleset], ...] = ()
    #: One row per KPI and node (see :meth:`kpis`); None when no KPI was evaluated.
    kpi_frame: pl.DataFrame | None = None

    def kpis(self) -> pl.DataFrame:
        """A frame ``kpi, node, level, period, numerator, denominator, unknown, value, target,
        target_source, outcome, needed``, sorted by KPI then node (empty without KPIs)."""
        if self.kpi_frame is None:
            return pl.DataFrame(schema=KPI_SCHEMA)
        return self.kpi_frame

    def kpi_results(
        self, kpi: str | None = None, nodes: Sequence[str] | None = None
    ) -> tuple[KpiResult, ...]:
        """The KPI results with their reasons, sorted by KPI then node; only of ``kpi`` and
        ``nodes`` when given."""
        frame = self.kpis()
        if kpi is not None:
            frame = frame.filter(pl.col("kpi") == kpi)
        if nodes is not None:
            frame = frame.filter(pl.col("node").is_in(list(nodes)))
        specs = {spec.id: (spec, ruleset) for spec, ruleset in self.kpi_specs}
        names = dict(self.population.subjects.select("id", "name").iter_rows())
        results = []
        for row in frame.iter_rows(named=True):
            spec, ruleset = specs[row["kpi"]]
            usual = self.parameters.get(ruleset.id, {}).get(spec.target)
            results.append(kpi_result(spec, ruleset, row, names.get(row["node"]), usual))
        return tuple(results)

    #: The standings ranked, each with its ruleset, by id.
    standings_ranked: tuple[tuple[Standings, Ruleset], ...] = ()

    def standings(self) -> pl.DataFrame:
        """A long frame ``standings, subject, period, group, rank, tied_with, group_size``:
        every candidate's place in every ``[standings.<id>]`` of the rulesets in force,
        sorted by standings, group, rank, then subject."""
        return standings_frame(self.frames, self.standings_ranked, str(self.period))

    def standings_of(
        self, subject: str | None = None, standings: str | None = None
    ) -> tuple[Standing, ...]:
        """The places as :class:`Standing` objects, of one ``subject`` or of everyone, in one
        ``standings`` or in all, in the order of :meth:`standings`."""
        frame = self.standings()
        if subject is not None:
            frame = frame.filter(pl.col("subject") == subject)
        if standings is not None:
            known = sorted(item.id for item, _ in self.standings_ranked)
            if standings not in known:
                raise EvaluationError(
                    f'no standings "{standings}" in {self.period} (standings ranked: {known})'
                )
            frame = frame.filter(pl.col("standings") == standings)
        return standings_of(frame, self.standings_ranked)

    #: The cut-off the evaluation was asked to count to (None: the period's last day).
    as_of: dt.date | None = None

    #: The score sheets computed, with the ruleset version that defines each, by id.
    sheets: tuple[tuple[ScoreSheet, Ruleset], ...] = ()

    #: What in the input is likely a mistake (no subject, no facts row for the period, a fact
    #: column no ruleset declares), as located problems with a ``code``; never raised.
    warnings: tuple[Problem, ...] = ()

    #: The decision date the evaluation was given (None: none, and bonuses are computed on
    #: the cut-off, ``as_of`` or the period's last day); see :mod:`emulation.evaluate.money`.
    decision_date: dt.date | None = None

    #: The parameter values bonus money is computed with, by ruleset id: those of
    #: ``parameters`` with the ones a bonus reads taken on the decision date.
    money_parameters: dict[str, dict[str, Any]] = attrs.field(factory=dict)

    def outcomes(self) -> pl.DataFrame:
        """A long frame ``subject, award, period, outcome``, sorted by subject then award."""
        parts = []
        for award, _ in self.awards:
            frame = self.frames.get(award.subject)
            if frame is None or outcome_column(award.id) not in frame.columns:
                continue
            parts.append(
                frame.select(
                    pl.col("id").alias("subject"),
                    pl.lit(award.id).alias("award"),
                    pl.lit(str(self.period)).alias("period"),
                    pl.col(outcome_column(award.id)).cast(pl.String()).alias("outcome"),
                )
            )
        if not parts:
            return pl.DataFrame(
                schema={
                    "subject": pl.String,
                    "award": pl.String,
                    "period": pl.String,
                    "outcome": pl.String,
                }
            )
        return pl.concat(parts).sort("subject", "award")

    def score_results(
        self, subjects: Sequence[str] | None = None, score: str | None = None
    ) -> tuple[ScoreResult, ...]:
        """Every subject's score sheet (or only those of ``subjects``, of sheet ``score``),
        sorted by subject then sheet."""
        found: list[ScoreResult] = []
        for sheet, ruleset in self.sheets:
            frame = self.frames.get(sheet.subject)
            if (score is not None and sheet.id != score) or frame is None:
                continue
            if subjects is not None:
                frame = frame.filter(pl.col("id").is_in(sorted(set(subjects))))
            prefix = score_column(sheet.id, "")
            frame = frame.select("id", *(c for c in frame.columns if c.startswith(prefix)))
            found.extend(
                score_result(sheet, ruleset, row, str(self.period))
                for row in frame.iter_rows(named=True)
            )
        return tuple(sorted(found, key=lambda result: (result.subject, result.score)))

    def score(self, subject: str, score: str) -> ScoreResult:
        """One subject's sheet ``score``; :class:`EvaluationError` if there is none."""
        for found in self.score_results([subject], score):
            return found
        raise EvaluationError(
            f'no score sheet "{score}" for subject "{subject}" in {self.period} (sheets '
            f"computed: {sorted(s.id for s, _ in self.sheets)}; is the subject a candidate?)"
        )

    def scores(self) -> pl.DataFrame:
        """A long frame ``subject, score, period, total, band``, sorted by subject then
        sheet: every subject's total (exact decimal, null when unknown) and band."""
        parts = [
            frame.select(
                pl.col("id").alias("subject"),
                pl.lit(sheet.id).alias("score"),
                pl.lit(str(self.period)).alias("period"),
                pl.col(score_column(sheet.id, "total")).alias("total"),
                pl.col(score_column(sheet.id, "band")).cast(pl.String()).alias("band"),
            )
            for sheet, _ in self.sheets
            if (frame := self.frames.get(sheet.subject)) is not None
            and score_column(sheet.id, "total") in frame.columns
        ]
        if not parts:
            return pl.DataFrame(
                schema={
                    "subject": pl.String,
                    "score": pl.String,
                    "period": pl.String,
                    "total": DECIMAL,
                    "band": pl.String,
                }
            )
        return pl.concat(parts).sort("subject", "score")

    def decisions(self, subjects: Sequence[str] | None = None) -> tuple[Decision, ...]:
        """Decisions with their explanations, sorted by subject then award."""
        wanted = None if subjects is None else set(subjects)
        rows: list[tuple[str, Award, Ruleset, dict[str, Any]]] = []
        shared: dict[str, Peers] = {}
        later: dict[str, dict[str, dict[str, tuple[str, ...]]]] = {}
        # the rows of each kind are read once, for all its awards (they only read them)
        read: dict[str, tuple[list[dict[str, Any]], list[str]]] = {}
        for award, ruleset in self.awards:
            whole = self.frames.get(award.subject)
            if whole is None:
                continue
            if award.subject not in read:
                frame = whole
                if wanted is not None:
                    frame = frame.filter(pl.col("id").is_in(sorted(wanted)))
                read[award.subject] = (frame.rows(named=True), frame["id"].to_list())
            kind_rows, ids = read[award.subject]
            rows.extend((row["id"], award, ruleset, row) for row in kind_rows)
            shared[award.id] = quota_peers(whole, award, ids)
            later[award.id] = selection_peers(whole, award, ids)
        rows.sort(key=lambda item: (item[0], item[1].id))
        hashes = self.population.subject_hashes(sorted({sid for sid, *_ in rows}))
        used = self._evidence_used(rows)
        rulesets = {ruleset.id: ruleset for _, ruleset in self.awards}
        windows = [w for _, r in sorted(rulesets.items()) for w in r.payout.values()]
        build = Builder(
            period=self.period,
            parameters=self.parameters,
            money_parameters=self.money_parameters,
            sheets=self.sheets,
            engine_version=self.engine_version,
            subjects=self.population.subjects,
            decision_date=self.decision_date,
            as_of=self.as_of,
        ).decision
        decided = tuple(
            build(
                sid,
                award,
                ruleset,
                row,
                hashes[sid],
                shared[award.id].get(sid, ((), ())),
                later[award.id].get(sid, {}),
                used.get((sid, award.id), ()),
            )
            for sid, award, ruleset, row in rows
        )
        return pay_once_per_window(decided, windows) if windows else decided

    def _evidence_used(
        self, rows: list[tuple[str, Award, Ruleset, dict[str, Any]]]
    ) -> dict[tuple[str, str], tuple[str, ...]]:
        """Evidence ids each granted award that uses up evidence takes, by (subject, award)."""
        consumers: dict[str, Consumption] = {
            award.id: award.consumes for award, _ in self.awards if award.consumes
        }
        period = str(self.period)
        found: dict[tuple[str, str], tuple[str, ...]] = {}
        if self.population.evidence.height == 0:
            return found  # no evidence: nothing to use up, and no query to run
        for award, _ in self.awards:
            spec = award.consumes
            if spec is None:
                continue
            granted = sorted(
                {
                    sid
                    for sid, a, _, row in rows
                    if a.id == award.id and row[outcome_column(a.id)] == "granted"
                }
            )
            if not granted:
                continue
            before = self.order[: self.order.index(award.id)] if award.id in self.order else ()
            taken = taken_by(
                award.id,
                spec,
                period,
                [str(p) for p in self.period.window(spec.window)],
                granted,
                history=self.population.awards,
                granted_before=granted_in(
                    self.frames[award.subject], [a for a in before if a in consumers], period
                ),
                evidence=self.population.evidence,
                consumers=consumers,
                facts=self.population.facts,
                declared={name: decl for _, r in self.awards for name, decl in r.facts.items()},
            )
            found.update({(sid, award.id): ids for sid, ids in taken.items()})
        return found

    def __iter__(self) -> Iterator[Decision]:
        return iter(self.decisions())

    def decision(self, subject: str, award: str) -> Decision:
        """The decision for one subject and award; :class:`EvaluationError` if there is none."""
        for found in self.decisions([subject]):
            if found.award == award:
                return found
        known = sorted(a.id for a, _ in self.awards)
        raise EvaluationError(
            f'no decision for subject "{subject}" and award "{award}" in {self.period} '
            f"(awards evaluated: {known}; is the subject a candidate in this period?)"
        )
