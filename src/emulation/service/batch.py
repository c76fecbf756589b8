"""Several evaluate requests decided as one population, each answered with the bytes it would
get alone.

An evaluation's cost hardly depends on the number of subjects (one person and thirty cost about
the same), so requests that arrive together and ask the same question — the same period,
awards, parameters, cut-off, decision date and language — are decided in one evaluation and
their answers split back (:mod:`emulation.service.batcher` gathers them).

This is sound only when no decision of one request can read another request's subjects:

- **The awards decided rank or spend over no group wider than one request's tree.** The
  national run's chunking policy answers the question (:func:`emulation._chunk_policy.whole_reason`:
  no quota, budget or standings over the whole population, no KPIs); on top of it, no quota or
  budget grouped by a fact (two requests could name the same group), and no group by cluster
  when a rule reads the cluster (clusters are then left as written, so shared).
- **Each request's subjects are kept apart.** Every id is given a prefix of its own request,
  ``b<k>`` and the control character U+001F: the subject ids, their units (``parent``), their
  clusters, evidence and registration ids. Units, unit quotas, ranking groups and histories
  therefore stay inside their request, and the order of ids within a request is unchanged (a
  common prefix keeps it). In the answer the prefix is removed from every string — decisions,
  reasons, evidence ids, standings groups, ties — and the answer is refused (the batch is then
  evaluated request by request) if any U+001F is left, which would mean one request's answer
  names another's subject. A request whose text holds U+001F, or an id that reading would
  change (spaces around it, not in NFC, beginning with a combining mark), is never batched.
- **The frames read are those each request would give alone.** The reader types a fact column
  from the values of every row (all whole numbers: integers; all numbers: decimals; else text),
  so requests are batched only when each fact's kinds of value, the periods, the kinds of
  subject and the tables they give are the same (:func:`population_signature`).
- **No plugin sees or changes the batch:** no installed plugin adapts populations, observes
  evaluations or renders JSON in place of the built-in reporter.

If the batch fails for any reason (a request's population has problems, the engine refuses
it), each half of it is decided apart, down to a request alone, so that each request gets its
own answer or its own problem.
"""

from __future__ import annotations

import io
import re
import threading
import unicodedata
from collections.abc import Hashable, Mapping, Sequence
from decimal import Decimal
from typing import Any

import attrs
import polars as pl

from emulation._chunk_policy import scopes, whole_reason
from emulation.data.cast import DECIMAL_PLACES, INT_MAX, places, too_large
from emulation.data.decode import repeated_members
from emulation.data.population import Population
from emulation.data.readers import json_frames
from emulation.data.schema import NAME_COLUMNS, ORIGIN
from emulation.engine import Engine
from emulation.evaluate.plan import facts_read, nodes_read
from emulation.results import stream
from emulation.service.operations import EvaluateRequest, evaluate_alone

#: The character that ends each request's prefix (U+001F, the unit separator): no JSON string
#: can hold it but escaped, so a body without ``\u001f`` holds none.
MARK = "\x1f"
_ESCAPED = "\\u001f"
_ESCAPE_IN_BODY = re.compile(rb"\\u001[fF]")
#: The reporter whose JSON a batch reproduces.
_REPORTER = "emulation._builtins.reporters"
#: The nested tables of a subject in the JSON form, and those whose rows carry their own id.
_NESTED = ("evidence", "awards", "service", "discipline", "registrations", "votes")
_WITH_IDS = ("evidence", "registrations")


def prefix(index: int) -> str:
    """The prefix of the ids of the ``index``-th request of a batch."""
    return f"b{index}{MARK}"


@attrs.frozen
class Plan:
    """How the requests of one shape are batched: whether clusters are prefixed (they are
    unless a rule reads them)."""

    clusters: bool


class Policy:
    """Which request shapes of one engine may be batched (read from the rulesets, once per
    period and awards; thread safe)."""

    def __init__(self, engine: Engine, size: int = 256) -> None:
        self._engine = engine
        self._size = size
        self._known: dict[tuple[str, tuple[str, ...] | None], Plan | None] = {}
        self._lock = threading.Lock()
        self._plugins = _plugins_allow(engine)

    def plan(self, request: EvaluateRequest) -> Plan | None:
        """The batch plan of ``request``'s shape, or None when it must be evaluated alone."""
        if not self._plugins:
            return None
        awards = request.body.get("awards")
        key = (str(request.period), None if awards is None else tuple(awards))
        with self._lock:
            if key in self._known:
                return self._known[key]
        found = self._plan(request.period, None if awards is None else list(awards))
        with self._lock:
            if len(self._known) >= self._size:
                self._known.clear()
            self._known[key] = found
        return found

    def _plan(self, period: Any, awards: list[str] | None) -> Plan | None:
        try:
            rulesets = self._engine.rulesets_for(period, awards)
        except Exception:  # the request's own evaluation reports it
            return None
        if whole_reason(rulesets, awards) is not None:
            return None
        groups = scopes(rulesets, awards)
        if "fact" in groups or "population" in groups:
            return None
        every = [award for ruleset in rulesets for award in ruleset.awards.values()]
        nodes = [
            node
            for ruleset in rulesets
            for sheet in ruleset.scores.values()
            for node in sheet.nodes
        ]
        nodes += [key.node for r in rulesets for item in r.standings.values() for key in item.rank]
        reads_cluster = "cluster" in facts_read(every) | nodes_read(nodes)
        if reads_cluster and "cluster" in groups:
            return None
        return Plan(clusters=not reads_cluster)


def _plugins_allow(engine: Engine) -> bool:
    """Whether no plugin adapts populations, observes evaluations or renders JSON itself."""
    hook = engine.plugins.manager.hook
    if hook.emulation_adapt_population.get_hookimpls():
        return False
    if hook.emulation_observe_evaluation.get_hookimpls():
        return False
    return all(impl.plugin_name == _REPORTER for impl in hook.emulation_render.get_hookimpls())


def batch_key(policy: Policy, request: EvaluateRequest, raw: bytes) -> Hashable | None:
    """What requests batched with ``request`` must share, or None when it goes alone."""
    plan = policy.plan(request)
    if plan is None or _ESCAPE_IN_BODY.search(raw):
        return None
    signature = population_signature(request.body["population"], clusters=plan.clusters)
    if signature is None:
        return None
    body = request.body
    parameters = body.get("parameters")
    overrides = (
        None
        if parameters is None
        else tuple(sorted((k, type(v).__name__, str(v)) for k, v in parameters.items()))
    )
    awards = body.get("awards")
    return (
        str(request.period),
        None if awards is None else tuple(awards),
        body.get("as_of"),
        body.get("decision_date"),
        overrides,
        request.lang,
        plan,
        signature,
    )


def population_signature(population: Any, *, clusters: bool) -> Hashable | None:
    """What of a population's JSON form decides the frames' columns and types: its ``format``,
    the kinds of subject, the periods, each fact's kinds of value, the nested tables given.
    None when the population cannot be batched: an object that repeats a member, an id
    reading would change (see the module's docs), anything not of the expected shape (its
    own evaluation reports it)."""
    if not isinstance(population, dict) or repeated_members(population):
        return None
    subjects = population.get("subjects")
    if set(population) - {"format", "subjects"} or not isinstance(subjects, list):
        return None
    kinds: set[Any] = set()
    periods: set[str] = set()
    facts: dict[str, set[str]] = {}
    tables: set[str] = set()
    named = ("parent", "cluster") if clusters else ("parent",)
    for entry in subjects:
        if not isinstance(entry, dict) or repeated_members(entry) or not _clean(entry.get("id")):
            return None
        if any(entry.get(key) is not None and not _clean(entry[key]) for key in named):
            return None
        kinds.add(entry.get("kind"))
        given = entry.get("facts", {})
        if not isinstance(given, dict) or repeated_members(given):
            return None
        for period, values in given.items():
            if not isinstance(values, dict) or repeated_members(values):
                return None
            periods.add(period)
            for name, value in values.items():
                found = facts.setdefault(name, set())
                if value is not None:
                    found.add(_value_kind(value))
        for table in _NESTED:
            rows = entry.get(table)
            if rows is None:
                continue
            if not isinstance(rows, list):
                return None
            for row in rows:
                if not isinstance(row, dict) or repeated_members(row):
                    return None
                if table in _WITH_IDS and not _clean(row.get("id")):
                    return None
            if rows:
                tables.add(table)
    return (
        population.get("format"),
        frozenset(kinds),
        frozenset(periods),
        frozenset((name, frozenset(found)) for name, found in facts.items()),
        frozenset(tables),
    )


def _clean(value: Any) -> bool:
    """Whether reading keeps ``value`` as it is, with a prefix before it or not: a non-empty
    text without spaces around it, in NFC, not beginning with a combining mark."""
    return (
        isinstance(value, str)
        and value != ""
        and value == value.strip()
        and unicodedata.category(value[0])[0] != "M"
        and unicodedata.is_normalized("NFC", value)
    )


def _value_kind(value: Any) -> str:
    """The kind of a fact value, as the reader tells them apart to type a column."""
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, int) and abs(value) <= INT_MAX:
        return "int"
    if isinstance(value, (int, Decimal)):
        number = Decimal(value)
        holdable = not too_large(number) and places(number) <= DECIMAL_PLACES
        return "decimal" if holdable else "text"
    return "text"


# -- deciding a batch -------------------------------------------------------------------------


def answer_together(
    engine: Engine, requests: Sequence[EvaluateRequest], plan: Plan
) -> list[bytes | BaseException]:
    """The answer to each of ``requests`` (of one batch key): its bytes, or the error it
    raises alone. Decided as one population; when that fails, each half is decided apart, down
    to a request alone, so that one bad request costs a few evaluations, not one per request."""
    if len(requests) > 1:
        try:
            return list(_together(engine, requests, plan))
        except Exception:  # any failure: the halves are answered apart
            half = len(requests) // 2
            return answer_together(engine, requests[:half], plan) + answer_together(
                engine, requests[half:], plan
            )
    try:
        return [evaluate_alone(engine, requests[0])]
    except Exception as error:  # the request gets its own error
        return [error]


def _together(engine: Engine, requests: Sequence[EvaluateRequest], plan: Plan) -> list[bytes]:
    first = requests[0]
    body = first.body
    read = Population.from_frames(_SOURCE, **_own_origins(combined(requests, plan), requests))
    population = _Batched(**read.frames(), set_aside=read.set_aside, clusters=plan.clusters)
    evaluation = engine.evaluate(
        population,
        first.period,
        body.get("awards"),
        parameters=body.get("parameters"),
        as_of=body.get("as_of"),
        decision_date=body.get("decision_date"),
    )
    shape = stream.shape_of(evaluation)
    if shape.kpis:  # never with a batched shape (whole_reason); guarded all the same
        raise ValueError("KPIs are evaluated over the whole tree")
    texts: list[dict[str, list[str]]] = [{} for _ in requests]
    for section in stream.sections_of("json", shape):
        for part in texts:
            part[section] = []
        for key, text in stream.items_of(evaluation, "json", first.lang, section):
            subject = key[-1] if section == "standings" else key[0]
            texts[_owner(subject)][section].append(text)
    answers = []
    for index, part in enumerate(texts):
        out = io.StringIO()
        stream.write(out, "json", shape, first.lang, part.__getitem__)
        text = out.getvalue().replace(_escaped(prefix(index)), "")
        if _ESCAPED in text:
            raise ValueError("an answer names a subject of another request")
        answers.append(text.encode())
    return answers


def _own_origins(document: dict[str, Any], requests: Sequence[EvaluateRequest]) -> dict[str, Any]:
    """The frames of the combined ``document``, each row's origin (``population:
    subjects[i]…``, which a subject set aside quotes) counted within its own request."""
    local = [
        index
        for request in requests
        for index in range(len(request.body["population"]["subjects"]))
    ]
    frames: dict[str, Any] = json_frames(document, _SOURCE)
    where = pl.col(ORIGIN).str.extract_groups(_ORIGIN)
    index = where.struct.field("index").cast(pl.Int64)
    own = pl.concat_str(
        pl.lit(f"{_SOURCE}: subjects["),
        index.replace_strict(range(len(local)), local, default=None).cast(pl.String),
        pl.lit("]"),
        where.struct.field("rest"),
    )
    return {
        table: frame.with_columns(pl.coalesce(own, pl.col(ORIGIN)).alias(ORIGIN))
        for table, frame in frames.items()
    }


#: The name a request's population is read under (as :mod:`~emulation.service.operations`
#: reads it alone), and the origin of its rows.
_SOURCE = "population"
_ORIGIN = rf"(?s)^{_SOURCE}: subjects\[(?<index>[0-9]+)\](?<rest>.*)$"


def combined(requests: Sequence[EvaluateRequest], plan: Plan) -> dict[str, Any]:
    """The populations of ``requests`` as one JSON document, each request's ids prefixed."""
    subjects: list[Any] = []
    named = ("id", "parent", "cluster") if plan.clusters else ("id", "parent")
    for index, request in enumerate(requests):
        mark = prefix(index)
        for entry in request.body["population"]["subjects"]:
            copy = dict(entry)
            for key in named:
                if copy.get(key) is not None:
                    copy[key] = mark + copy[key]
            for table in _WITH_IDS:
                if table in copy:
                    copy[table] = [{**row, "id": mark + row["id"]} for row in copy[table]]
            subjects.append(copy)
    document: dict[str, Any] = {"subjects": subjects}
    given: Mapping[str, Any] = requests[0].body["population"]
    if "format" in given:
        document["format"] = given["format"]
    return document


@attrs.frozen(eq=False)
class _Batched(Population):
    """The population of a batch: its input hashes are those of each subject's rows as its
    own request wrote them, without the prefix (a decision's ``input_hash``)."""

    clusters: bool = False

    def subject_hashes(self, subject_ids: Sequence[str]) -> dict[str, str]:
        owners: dict[int, list[str]] = {}
        for sid in subject_ids:
            owners.setdefault(_owner(sid), []).append(sid)
        parts = self._requests()
        found: dict[str, str] = {}
        for index, ids in sorted(owners.items()):
            mark = prefix(index)
            frames: dict[str, Any] = {
                table: by_owner.get(index, _empty(self, table)) for table, by_owner in parts.items()
            }
            own = Population.subject_hashes(Population(**frames), [s[len(mark) :] for s in ids])
            found.update((mark + sid, value) for sid, value in own.items())
        return found

    def _requests(self) -> dict[str, dict[int, pl.DataFrame]]:
        """Each table's rows by request, the ids as the request wrote them (computed once)."""
        parts: dict[str, dict[int, pl.DataFrame]] = {}
        for table, frame in self.frames().items():
            columns = NAME_COLUMNS[table] + (
                ("cluster",) if self.clusters and table == "subjects" else ()
            )
            key = pl.col("id" if table == "subjects" else "subject")
            owned = frame.with_columns(
                key.str.extract(_OWNER, 1).cast(pl.Int64).alias(_REQUEST),
                *(pl.col(column).str.replace(_OWNER, "") for column in columns),
            )
            parts[table] = {
                index: part.drop(_REQUEST)
                for (index,), part in owned.partition_by(_REQUEST, as_dict=True).items()
            }
        return parts


def _empty(population: Population, table: str) -> pl.DataFrame:
    return population.frames()[table].clear()


#: The prefix of an id, the request's index its group.
_OWNER = f"^b([0-9]+){MARK}"
_REQUEST = "__request"


def _owner(subject: str) -> int:
    """The index of the request whose prefixed id ``subject`` is."""
    head, mark, _ = subject.partition(MARK)
    if not mark or not head.startswith("b") or not head[1:].isdigit():
        raise ValueError("an id without its request's prefix")
    return int(head[1:])


def _escaped(text: str) -> str:
    """``text`` as JSON writes it inside a string (the mark escaped)."""
    return text.replace(MARK, _ESCAPED)
