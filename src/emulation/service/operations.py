"""What each endpoint does with a parsed request, without the web library: validate it against
its schema in the OpenAPI document, build the population, evaluate through the engine's public
API and render the answer. Each runs in a worker thread (see :mod:`emulation.service.app`)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import attrs

from emulation.data.decode import repeated_members
from emulation.data.population import Population
from emulation.engine import Engine
from emulation.errors import DataError, EmulationError, PeriodError
from emulation.evaluate.money import decision_day
from emulation.period import Period, cut_off
from emulation.results.evaluation import Evaluation
from emulation.results.text import explain_text
from emulation.service.body import parse_body
from emulation.service.problems import ServiceProblem, data_errors, pointer
from emulation.service.settings import Settings
from emulation.service.spec import validator
from emulation.types import Language

#: The name problems of the population are reported under by the reader.
_POPULATION = "population"


def evaluate(engine: Engine, settings: Settings, raw: bytes) -> bytes:
    """``POST /v1/evaluate``: the document ``emulation evaluate --format json`` writes."""
    return evaluate_alone(engine, prepare_evaluate(settings, raw))


@attrs.frozen(kw_only=True, eq=False)
class EvaluateRequest:
    """An evaluate request read and checked, not yet evaluated: its body as parsed, and the
    period, cut-off and decision date already found valid."""

    body: dict[str, Any]
    period: Period

    @property
    def lang(self) -> Language:
        lang: Language = self.body.get("lang", "vi")
        return lang


def prepare_evaluate(settings: Settings, raw: bytes) -> EvaluateRequest:
    """The body of ``POST /v1/evaluate`` parsed and checked against its schema, its dates
    checked; a problem (400, 413, 422) naming the member at fault otherwise."""
    request = _request(raw, "EvaluateRequest", settings)
    return EvaluateRequest(body=request, period=_dates(request))


def evaluate_alone(engine: Engine, request: EvaluateRequest) -> bytes:
    """The answer to one prepared evaluate request, evaluated by itself."""
    evaluation = _population_evaluated(
        engine, request.body, request.period, request.body.get("awards")
    )
    return engine.render(evaluation, "json", request.lang).encode()


def explain(engine: Engine, settings: Settings, raw: bytes) -> dict[str, Any]:
    """``POST /v1/explain``: one decision, JSON-ready and as ``emulation explain`` writes it."""
    request = _request(raw, "ExplainRequest", settings)
    lang = request.get("lang", "vi")
    evaluation = _evaluated(engine, request, [request["award"]])
    subjects = set(evaluation.population.subjects.get_column("id").to_list())
    if request["subject"] not in subjects:
        raise ServiceProblem(
            422,
            "unknown-subject",
            "no subject of the population has this id",
            [{"pointer": "/subject", "detail": "not a subject of the population"}],
        )
    try:
        decision = evaluation.decision(request["subject"], request["award"])
    except EmulationError as error:
        raise ServiceProblem(
            422, "no-decision", str(error), [{"pointer": "/subject", "detail": str(error)}]
        ) from None
    return {"decision": decision.to_dict(lang), "text": explain_text(decision, lang)}


def _request(raw: bytes, schema: str, settings: Settings) -> dict[str, Any]:
    """The parsed body, checked against ``schema``: 422 naming every member at fault."""
    document = parse_body(raw)
    problems = sorted(validator(schema).iter_errors(document), key=lambda e: list(e.path))
    if problems:
        errors = [
            {
                "pointer": pointer(*(f"[{p}]" if isinstance(p, int) else p for p in e.path)),
                "detail": e.message,
                "code": str(e.validator),
            }
            for e in problems
        ]
        raise ServiceProblem(
            422, "invalid-request", f"the body does not follow the {schema} schema", errors
        )
    assert isinstance(document, dict)  # the schema says it is an object
    repeated = repeated_members(document)
    if repeated:
        raise ServiceProblem(
            422,
            "invalid-request",
            "a member is written twice",
            [
                {"pointer": pointer(name), "detail": "written twice", "code": "repeated_member"}
                for name in repeated
            ],
        )
    count = len(document["population"]["subjects"])
    if count > settings.max_subjects:
        raise ServiceProblem(
            413,
            "too-many-subjects",
            f"the population has {count} subjects; this service evaluates at most "
            f"{settings.max_subjects} in one request",
            [{"pointer": "/population/subjects", "detail": "too many subjects"}],
        )
    return document


def _evaluated(engine: Engine, request: Mapping[str, Any], awards: Any) -> Evaluation:
    """The evaluation a request asks for; each refusal names its member."""
    return _population_evaluated(engine, request, _dates(request), awards)


def _dates(request: Mapping[str, Any]) -> Period:
    """The period of a request, once it, the cut-off and the decision date are found valid."""
    period: Period = _field("/period", lambda: Period.parse(request["period"]))
    day = _field("/as_of", lambda: cut_off(period, request.get("as_of")))
    _field("/decision_date", lambda: decision_day(day, request.get("decision_date")))
    return period


def _population_evaluated(
    engine: Engine, request: Mapping[str, Any], period: Period, awards: Any
) -> Evaluation:
    """The population of a request read and evaluated; each refusal names its member."""
    try:
        population = Population.from_json(request["population"], source=_POPULATION)
        return engine.evaluate(
            population,
            period,
            awards,
            parameters=request.get("parameters"),
            as_of=request.get("as_of"),
            decision_date=request.get("decision_date"),
        )
    except DataError as error:
        raise ServiceProblem(
            422,
            "invalid-population",
            "the population has problems",
            data_errors(error.problems, _POPULATION, "/population"),
        ) from None
    except EmulationError as error:
        raise ServiceProblem(422, "not-evaluated", str(error)) from None


def _field(where: str, read: Any) -> Any:
    try:
        return read()
    except (PeriodError, EmulationError, ValueError) as error:
        raise ServiceProblem(
            422, "invalid-request", str(error), [{"pointer": where, "detail": str(error)}]
        ) from None
