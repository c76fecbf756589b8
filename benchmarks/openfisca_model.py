"""The LĐTT and CSTĐCS rules of 2024 as a minimal OpenFisca-core tax-benefit system.

One ``Person`` entity, input variables for the facts and vectorised NumPy formulas for every
criterion, blocking state and outcome. OpenFisca has no missing values (every variable has a
default), so the model carries them as OpenFisca users do: a ``*_known`` input flag beside
each fact that may be missing (``rating``, ``good_attitude``, ``months_worked``; the other facts
have ruleset defaults, filled when the inputs are laid out). Criteria are three-valued integers
— 0 false, 1 unknown, 2 true — so that Kleene ``and`` is ``minimum``, ``or`` is ``maximum`` and
``not`` is ``2 - x``; the outcomes therefore agree with the engine's on every record, the
``data_missing`` ones included.

Evidence items are not an OpenFisca entity: the count of qualifying items per person is an
input variable, computed with ``numpy.bincount`` from the items already mapped to person
indices (see :func:`prepare`).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import polars as pl
from openfisca_core.entities import build_entity
from openfisca_core.indexed_enums import Enum, EnumArray
from openfisca_core.periods import DateUnit
from openfisca_core.simulations import SimulationBuilder
from openfisca_core.taxbenefitsystems import TaxBenefitSystem
from openfisca_core.variables import Variable

from emulation import Population
from hand_polars import disciplined

MIN_MONTHS_WORKED = 6
EXCELLENCE_EVIDENCE = ("initiative", "scientific_work", "combat_ingenuity")
FALSE, UNKNOWN, TRUE = 0, 1, 2

Person = build_entity(
    key="person", plural="persons", label="A person evaluated for a title", is_person=True
)


class Rating(Enum):
    """Annual task rating, worst first."""

    KHT = "không hoàn thành"
    HT = "hoàn thành"
    HTT = "hoàn thành tốt"
    HTXS = "hoàn thành xuất sắc"


class Outcome(Enum):
    """The outcomes of a decision (member names are the engine's outcome names)."""

    granted = "granted"
    not_eligible = "not_eligible"
    blocked = "blocked"
    data_missing = "data_missing"


def _input(name: str, value_type: type, default: Any = None, **extra: Any) -> type[Variable]:
    """An input variable of a person for a year."""
    attributes: dict[str, Any] = {
        "value_type": value_type,
        "entity": Person,
        "definition_period": DateUnit.YEAR,
        "label": name,
        **extra,
    }
    if default is not None:
        attributes["default_value"] = default
    return type(name, (Variable,), attributes)


def _tri(name: str, formula: Any) -> type[Variable]:
    """A three-valued criterion (0 false, 1 unknown, 2 true) computed by ``formula``."""
    return type(
        name,
        (Variable,),
        {
            "value_type": int,
            "entity": Person,
            "definition_period": DateUnit.YEAR,
            "label": name,
            "formula": formula,
        },
    )


def _tri_of(values: np.ndarray, known: np.ndarray) -> np.ndarray:
    return np.where(known, np.where(values, TRUE, FALSE), UNKNOWN)


def _task_rating(person: Any, period: Any) -> np.ndarray:
    rating = np.asarray(person("rating", period))
    return _tri_of(rating >= Rating.HTT.index, person("rating_known", period))


def _attitude(person: Any, period: Any) -> np.ndarray:
    return _tri_of(person("good_attitude", period), person("good_attitude_known", period))


def _min_service(person: Any, period: Any) -> np.ndarray:
    months = (
        person("months_worked", period)
        + person("months_maternity_leave", period)
        + person("months_injury_treatment", period)
        + person("months_training", period)
    )
    enough = _tri_of(months >= MIN_MONTHS_WORKED, person("months_worked_known", period))
    not_recruited = np.where(person("recruited_this_period", period), FALSE, TRUE)
    return np.maximum(not_recruited, enough)


def _under_review(person: Any, period: Any) -> np.ndarray:
    review = (
        person("under_discipline_review", period)
        | person("under_investigation", period)
        | person("pending_complaint", period)
    )
    return np.where(review, TRUE, FALSE)


def _outcome(blocked: np.ndarray, met: np.ndarray, excluded: np.ndarray | None = None) -> EnumArray:
    refused = met == FALSE if excluded is None else (met == FALSE) | excluded
    codes = np.select(
        [blocked == TRUE, refused, (blocked == UNKNOWN) | (met == UNKNOWN)],
        [Outcome.blocked.index, Outcome.not_eligible.index, Outcome.data_missing.index],
        default=Outcome.granted.index,
    )
    return EnumArray(codes.astype(np.int16), Outcome)


def _ldtt_outcome(person: Any, period: Any) -> EnumArray:
    met = np.minimum(
        np.minimum(person("ldtt_task_rating", period), person("ldtt_attitude", period)),
        person("ldtt_min_service", period),
    )
    return _outcome(person("under_review", period), met, person("disciplined", period))


def _cstdcs_ldtt(person: Any, period: Any) -> np.ndarray:
    ldtt = np.asarray(person("ldtt_outcome", period))
    return np.select(
        [ldtt == Outcome.granted.index, ldtt == Outcome.data_missing.index], [TRUE, UNKNOWN], FALSE
    )


def _cstdcs_excellence(person: Any, period: Any) -> np.ndarray:
    rating = np.asarray(person("rating", period))
    htxs = _tri_of(rating == Rating.HTXS.index, person("rating_known", period))
    evidence = np.where(person("excellence_evidence", period) >= 1, TRUE, FALSE)
    return np.maximum(htxs, evidence)


def _cstdcs_outcome(person: Any, period: Any) -> EnumArray:
    met = np.minimum(person("cstdcs_ldtt", period), person("cstdcs_excellence", period))
    return _outcome(person("under_review", period), met)


def _outcome_variable(name: str, formula: Any) -> type[Variable]:
    return type(
        name,
        (Variable,),
        {
            "value_type": Enum,
            "possible_values": Outcome,
            "default_value": Outcome.data_missing,
            "entity": Person,
            "definition_period": DateUnit.YEAR,
            "label": name,
            "formula": formula,
        },
    )


INPUTS: dict[str, type[Variable]] = {
    "rating": _input("rating", Enum, Rating.KHT, possible_values=Rating),
    "rating_known": _input("rating_known", bool),
    "good_attitude": _input("good_attitude", bool),
    "good_attitude_known": _input("good_attitude_known", bool),
    "recruited_this_period": _input("recruited_this_period", bool),
    "months_worked": _input("months_worked", int),
    "months_worked_known": _input("months_worked_known", bool),
    "months_maternity_leave": _input("months_maternity_leave", int),
    "months_injury_treatment": _input("months_injury_treatment", int),
    "months_training": _input("months_training", int),
    "under_discipline_review": _input("under_discipline_review", bool),
    "under_investigation": _input("under_investigation", bool),
    "pending_complaint": _input("pending_complaint", bool),
    # a discipline record in force during the period (LĐTT's exclusion, Decree 152/2025 Art 4(4))
    "disciplined": _input("disciplined", bool),
    "excellence_evidence": _input("excellence_evidence", int),
}
FORMULAS: list[type[Variable]] = [
    _tri("ldtt_task_rating", _task_rating),
    _tri("ldtt_attitude", _attitude),
    _tri("ldtt_min_service", _min_service),
    _tri("under_review", _under_review),
    _outcome_variable("ldtt_outcome", _ldtt_outcome),
    _tri("cstdcs_ldtt", _cstdcs_ldtt),
    _tri("cstdcs_excellence", _cstdcs_excellence),
    _outcome_variable("cstdcs_outcome", _cstdcs_outcome),
]


def tax_benefit_system() -> TaxBenefitSystem:
    """The system: the ``Person`` entity and every variable above."""
    system = TaxBenefitSystem([Person])
    for variable in [*INPUTS.values(), *FORMULAS]:
        system.add_variable(variable)
    return system


def prepare(population: Population, period: str = "2024") -> dict[str, Any]:
    """Lay the population out as OpenFisca consumes it: one NumPy array per input, in person
    order, defaults filled, plus the evidence items as person indices for ``bincount``.

    Not timed: this is the data loading an OpenFisca user does before a simulation.
    """
    people = (
        population.subjects.filter(pl.col("kind") == "person")
        .select("id")
        .join(population.facts.filter(pl.col("period") == period), left_on="id", right_on="subject")
        .with_row_index("index")
    )
    rating = people.get_column("rating").cast(pl.Enum(list(Rating.__members__)))
    arrays: dict[str, np.ndarray] = {
        "rating": rating.to_physical().fill_null(0).to_numpy().astype(np.int16),
        "rating_known": rating.is_not_null().to_numpy(),
        "good_attitude": people.get_column("good_attitude").fill_null(False).to_numpy(),
        "good_attitude_known": people.get_column("good_attitude").is_not_null().to_numpy(),
        "months_worked": people.get_column("months_worked").fill_null(0).to_numpy(),
        "months_worked_known": people.get_column("months_worked").is_not_null().to_numpy(),
    }
    for name in ("months_maternity_leave", "months_injury_treatment", "months_training"):
        arrays[name] = people.get_column(name).fill_null(0).to_numpy()
    for name in (
        "recruited_this_period",
        "under_discipline_review",
        "under_investigation",
        "pending_complaint",
    ):
        arrays[name] = people.get_column(name).fill_null(False).to_numpy()
    arrays["disciplined"] = (
        people.select("id")
        .join(
            disciplined(population, period).collect(), left_on="id", right_on="subject", how="left"
        )
        .get_column("disciplined")
        .fill_null(False)
        .to_numpy()
    )
    items = population.evidence.filter(
        pl.col("period") == period, pl.col("kind").is_in(EXCELLENCE_EVIDENCE)
    ).join(people.select("id", "index"), left_on="subject", right_on="id")
    return {
        "ids": people.get_column("id"),
        "count": people.height,
        "inputs": arrays,
        "evidence_owner": items.get_column("index").to_numpy(),
    }


def evaluate(
    system: TaxBenefitSystem, prepared: dict[str, Any], period: str = "2024"
) -> dict[str, np.ndarray]:
    """Build a simulation of every person, set the inputs and compute both outcomes (timed).

    Returns the outcome codes (indices into :class:`Outcome`).
    """
    count = prepared["count"]
    simulation = SimulationBuilder().build_default_simulation(system, count)
    for name, values in prepared["inputs"].items():
        simulation.set_input(name, period, values)
    simulation.set_input(
        "excellence_evidence", period, np.bincount(prepared["evidence_owner"], minlength=count)
    )
    return {
        "ldtt": np.asarray(simulation.calculate("ldtt_outcome", period)),
        "cstdcs": np.asarray(simulation.calculate("cstdcs_outcome", period)),
    }
