"""The ruleset model: what a loaded, checked TOML ruleset is made of.

See ``docs/reference/ruleset-format.md`` for the TOML that produces these objects.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from decimal import ROUND_CEILING, Decimal
from typing import TYPE_CHECKING, Literal

import attrs

# FactDecl, Label and ParameterValue live with the rule language and the shared types; they
# are re-exported here, where the rest of the ruleset model is.
from emulation.lang.scope import FactDecl as FactDecl
from emulation.types import AwardId, Certainty, RulesetId, ValueType
from emulation.types import Label as Label
from emulation.types import ParameterValue as ParameterValue

if TYPE_CHECKING:
    from emulation.lang.nodes import Node
    from emulation.period import Period
    from emulation.rules.kpis import Kpi, Level
    from emulation.rules.paths import AwardPath, PayoutWindow
    from emulation.rules.scores import ScoreSheet

AwardKind = Literal[
    "title", "flag", "commendation", "medal", "certificate", "scholarship", "nomination"
]
AWARD_KINDS: tuple[AwardKind, ...] = (
    "title",
    "flag",
    "commendation",
    "medal",
    "certificate",
    "scholarship",
    "nomination",
)
Frequency = Literal["per_period", "once"]
FREQUENCIES: tuple[Frequency, ...] = ("per_period", "once")
Role = Literal["criterion", "exclusion", "blocking"]


@attrs.frozen
class ParameterRef:
    """The name of a dated parameter, written where a literal value could also stand (a quota
    ratio, a bonus coefficient …); its value is looked up for the period evaluated."""

    name: str

    def __str__(self) -> str:
        return self.name


def resolve(
    value: ParameterValue | ParameterRef | None, values: Mapping[str, ParameterValue | None]
) -> ParameterValue | None:
    """``value`` itself, or the value in ``values`` of the parameter it names (None when the
    parameter has no value)."""
    return values.get(value.name) if isinstance(value, ParameterRef) else value


@attrs.frozen(kw_only=True)
class LegalReference:
    """A legal document a ruleset relies on."""

    id: str
    document: str
    title: Label | None = None
    url: str | None = None


@attrs.frozen(kw_only=True)
class Parameter:
    """A dated value: ``values`` are ``(start date, value)`` pairs, oldest first."""

    name: str
    type: ValueType
    label: Label
    values: tuple[tuple[dt.date, ParameterValue], ...]
    basis: str
    certainty: Certainty
    confirmed: bool = True
    unit: str | None = None

    def value_on(self, day: dt.date) -> ParameterValue | None:
        """The value in force on ``day``, or None before the first start date."""
        current: ParameterValue | None = None
        for start, value in self.values:
            if start <= day:
                current = value
        return current


@attrs.frozen(kw_only=True, eq=False)
class Rule:
    """A criterion, an exclusion or a blocking state of an award.

    A *criterion* must hold for the award; an *exclusion* that holds makes the subject not
    eligible; a *blocking* state that holds suspends the decision (outcome ``blocked``).
    """

    id: str
    role: Role
    expr: str
    label: Label
    basis: str
    certainty: Certainty
    node: Node
    location: str
    #: The id of the award path whose criterion this is (``[[awards.<id>.paths]]``); None
    #: for the award's own rules, which every path shares.
    path: str | None = None


Rounding = Literal["floor", "half_up", "ceiling"]
ROUNDINGS: tuple[Rounding, ...] = ("floor", "half_up", "ceiling")
QuotaScope = Literal["unit", "cluster", "population"]
QUOTA_SCOPES: tuple[QuotaScope, ...] = ("unit", "cluster", "population")
#: The groups a quota or a budget may be taken over: a scope, or (``"fact"``) the value of a
#: text or enum fact of the subject that names its group (the nominating organisation).
QuotaGroup = Literal["unit", "cluster", "population", "fact"]
QUOTA_GROUPS: tuple[QuotaGroup, ...] = ("unit", "cluster", "population", "fact")


#: How a tie left after every ranking key is treated: reported for the competent authority to
#: settle (``authority``: Cần Thơ QĐ 2579/QĐ-UBND Art 8(2)), or broken by subject id (``id``).
Ties = Literal["authority", "id"]
TIES: tuple[Ties, ...] = ("authority", "id")
#: Whom a quota ranks: the eligible subjects only, or every candidate ("the leader must
#: qualify": a place within the cap held by a subject who does not qualify is not passed on).
RankScope = Literal["eligible", "all_candidates"]
RANK_SCOPES: tuple[RankScope, ...] = ("eligible", "all_candidates")


@attrs.frozen(kw_only=True, eq=False)
class RankKey:
    """One key of a ranking: an expression, sorted ``desc`` (higher first) or ``asc``."""

    expr: str
    descending: bool
    node: Node


@attrs.frozen(kw_only=True, eq=False)
class Quota:
    """A cap on how many eligible subjects are granted, per unit, cluster or population.

    The cap is ``ratio`` × the denominator (holders of award ``of`` in the group, or its
    ``headcount`` of candidates) rounded by ``rounding``, or a fixed ``count`` (top-k). The
    ratio may be a literal decimal or a decimal parameter; ``enabled`` (true, false or a bool
    parameter) switches the quota on. Eligible subjects (every candidate when
    ``rank_scope`` is ``all_candidates``) are ranked by the ``rank`` keys; those ranked beyond
    the cap are ``eligible_over_quota``, and those whose tie straddles the cap are ``tied``
    (or the tie is broken by subject id when ``ties`` is ``id``). The cap may instead come
    from ``count_by`` (a count by the type of the unit), is never below ``min_cap``, and
    the groups may be named by a fact (``per = "fact"``); an award may carry several quotas,
    applied in order (:attr:`Award.quotas`).
    """

    per: QuotaGroup
    rounding: Rounding
    of: str
    ratio: Decimal | ParameterRef | None
    #: A fixed cap, or the int parameter giving it (``count = "places_per_field"``).
    count: int | ParameterRef | None
    enabled: bool | ParameterRef
    rank: tuple[RankKey, ...]
    label: Label
    basis: str
    certainty: Certainty
    ties: Ties = "authority"
    rank_scope: RankScope = "eligible"
    #: A count by the type of the group (``count_by = { central = 2, … }``), the type read
    #: from the fact ``group_type`` of the group's collective (``per = "unit"``).
    count_by: tuple[tuple[str, int], ...] = ()
    group_type: str | None = None
    #: The smallest cap ("if the share gives less than one, one is allowed": ``min_cap = 1``).
    min_cap: int = 0
    #: With ``per = "fact"``: the text or enum fact of the subject naming its group.
    group_fact: str | None = None

    @property
    def scope(self) -> tuple[str, str | None]:
        """What the quota groups by: its ``per`` and, for ``per = "fact"``, the fact."""
        return (self.per, self.group_fact)


@attrs.frozen(kw_only=True)
class Bonus:
    """Bonus money: ``coefficient`` × the parameter ``base`` (the base salary), rounded up to
    a multiple of ``round_up_to`` VND. ``coefficient`` and ``round_up_to`` are literals or
    dated parameters; no bonus is computed for a period in which the coefficient or
    the base has no value yet."""

    coefficient: Decimal | ParameterRef
    base: str
    round_up_to: int | ParameterRef
    basis: str
    certainty: Certainty

    def amount(self, coefficient: Decimal, base: Decimal | int, step: int = 1) -> Decimal:
        """The exact amount for a coefficient and a base salary, rounded up to ``step``."""
        raw = coefficient * Decimal(base)
        return (raw / step).to_integral_value(rounding=ROUND_CEILING) * step if step > 1 else raw


@attrs.frozen(kw_only=True)
class Consumption:
    """Evidence an award uses up when granted: the ``count`` oldest items (by period, then id)
    of ``kinds`` recognised at ``min_scope`` or wider within the ``window`` periods ending with
    the award's period, among those not already used by another award. One achievement earns
    one award (Law 06/2022 Art 6; Decree 98/2023 Art 4(3))."""

    kinds: tuple[str, ...]
    min_scope: str
    window: int
    count: int
    basis: str
    certainty: Certainty
    #: A condition on the facts of the period the award is held for; when it holds, the
    #: award used no evidence (it was earned another way). Reads facts only.
    unless: Node | None = None
    #: The text of ``unless``, as written in the ruleset.
    unless_text: str | None = None


@attrs.frozen(kw_only=True, eq=False)
class Award:
    """An award (title, medal, certificate, flag, commendation, scholarship, nomination)."""

    id: AwardId
    kind: AwardKind
    subject: Literal["person", "collective"]
    frequency: Frequency
    label: Label
    rules: tuple[Rule, ...]
    depends_on: frozenset[AwardId] = frozenset()
    quota: Quota | None = None
    bonus: Bonus | None = None
    consumes: Consumption | None = None
    basis: str | None = None
    certainty: Certainty | None = None
    #: The type its grants take in the award history (``merit``, ``thematic``, ``adhoc``,
    #: ``service``): what ``evaluate_periods`` records and the history functions' ``type``
    #: filter reads.
    history_type: str = "merit"
    #: Alternative groups of criteria (``[[awards.<id>.paths]]``): the award is granted when
    #: its own rules allow it and any path holds. Their criteria are in ``rules`` too, each
    #: with its ``path``.
    paths: tuple[AwardPath, ...] = ()
    #: The quotas applied after :attr:`quota`, in the order declared (``quota`` written as an
    #: array of tables: per group first, then wider).
    more_quotas: tuple[Quota, ...] = ()
    #: A fund spent down the ranking (``[awards.<id>.budget]``).
    budget: Budget | None = None

    @property
    def quotas(self) -> tuple[Quota, ...]:
        """Every quota of the award, in the order they are applied."""
        return () if self.quota is None else (self.quota, *self.more_quotas)

    def rules_of(self, role: Role) -> tuple[Rule, ...]:
        """The criteria, exclusions or blocking states of this award, every path shares
        (the criteria of a path: :meth:`rules_of_path`)."""
        return tuple(rule for rule in self.rules if rule.role == role and rule.path is None)

    def rules_of_path(self, path: str) -> tuple[Rule, ...]:
        """The criteria of the award path ``path``."""
        return tuple(rule for rule in self.rules if rule.path == path)


@attrs.frozen(kw_only=True)
class ServiceRule:
    """How a ruleset counts length of service: a weight per kind of spell (kinds not listed
    count 0), and whether time under discipline is left out."""

    name: str
    label: Label
    weights: tuple[tuple[str, Decimal], ...]
    exclude_discipline: bool
    basis: str
    certainty: Certainty


@attrs.frozen(kw_only=True, eq=False)
class Ruleset:
    """One version of a ruleset, valid from ``effective_from`` to ``effective_to`` inclusive."""

    id: RulesetId
    organisation: str
    version: str
    effective_from: dt.date
    effective_to: dt.date | None
    title: Label
    references: tuple[LegalReference, ...]
    facts: dict[str, FactDecl]
    parameters: dict[str, Parameter]
    awards: dict[AwardId, Award]
    source: str
    content_hash: str
    services: dict[str, ServiceRule] = attrs.field(factory=dict)
    #: The levels of the organisation tree the ruleset names (``[levels]``).
    levels: dict[str, Level] = attrs.field(factory=dict)
    #: Programme targets over the organisation tree (``[kpis]``).
    kpis: dict[str, Kpi] = attrs.field(factory=dict)
    #: The ``[standings.<id>]`` tables: rankings reported for every candidate.
    standings: dict[str, Standings] = attrs.field(factory=dict)
    #: The kinds of period the ruleset may be evaluated for (``[ruleset] periods``).
    periods: tuple[str, ...] = ("year", "school_year")

    def accepts(self, period: Period) -> bool:
        """Whether ``period`` is of a kind this ruleset declares it may be evaluated for."""
        return period.kind in self.periods

    #: The score sheets, by id (``[scores.<id>]``).
    scores: dict[str, ScoreSheet] = attrs.field(factory=dict)
    #: The achievement windows whose titles pay one bonus, by id (``[payout.<id>]``).
    payout: dict[str, PayoutWindow] = attrs.field(factory=dict)

    def in_force(self, period: Period) -> bool:
        """Whether this version applies to ``period`` (the one in force on its last day)."""
        day = period.end
        return self.effective_from <= day and (
            self.effective_to is None or day <= self.effective_to
        )


@attrs.frozen(kw_only=True, eq=False)
class Standings:
    """A ranking reported for every candidate of a subject kind: inside each unit, cluster or
    the whole population, by ``rank`` keys, first key first. Subjects equal on every key share
    a rank (1, 2, 2, 4) unless ``ties`` is ``id``. Standings decide nothing; they say where
    each subject stands ("xếp hạng trong cụm, khối thi đua")."""

    id: str
    subject: Literal["person", "collective"]
    per: QuotaScope
    rank: tuple[RankKey, ...]
    ties: Ties
    label: Label
    basis: str
    certainty: Certainty
    location: str


#: What a budget does with a subject it cannot cover: stop there (nobody ranked after it is
#: granted), or skip it and try the next.
BudgetPolicy = Literal["stop", "skip"]
BUDGET_POLICIES: tuple[BudgetPolicy, ...] = ("stop", "skip")


@attrs.frozen(kw_only=True, eq=False)
class Budget:
    """A fund spent down a ranking, per group (and per category): ``[awards.<id>.budget]``.

    After the award's criteria and quotas, the subjects still granted are ranked by ``rank``
    inside their group and granted ``amount`` each while the fund covers it; under ``stop``
    nobody ranked after the first it cannot cover is granted, under ``skip`` the next ones are
    tried (``evaluate/budget.py``)."""

    #: The decimal or int parameter holding the fund of each group (None with ``fund_by``).
    fund: str | None
    #: ``(category value, parameter)`` pairs: a fund per category (with ``category``).
    fund_by: tuple[tuple[str, str], ...]
    #: The text or enum expression giving a subject's category (with ``fund_by``).
    category: str | None
    category_node: Node | None
    #: The amount of one grant: an expression (a parameter's name is one), exact decimal.
    amount: str
    amount_node: Node
    per: QuotaGroup
    group_fact: str | None
    rank: tuple[RankKey, ...]
    policy: BudgetPolicy
    ties: Ties
    label: Label
    basis: str
    certainty: Certainty

    @property
    def parameters(self) -> tuple[str, ...]:
        """Every parameter the fund and the amount read, sorted."""
        names = {self.fund} if self.fund else set()
        names |= {name for _, name in self.fund_by}
        names |= set(self.amount_node.params)
        if self.category_node is not None:
            names |= set(self.category_node.params)
        return tuple(sorted(n for n in names if n))

    @property
    def nodes(self) -> tuple[Node, ...]:
        """The trees the budget reads: the amount, the category and the ranking keys."""
        found = [self.amount_node, *(key.node for key in self.rank)]
        if self.category_node is not None:
            found.append(self.category_node)
        return tuple(found)
