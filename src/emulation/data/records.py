"""The records a population is made of, as frozen attrs classes.

These are the Python form of the input. A :class:`~emulation.Population` holds the same data as
Polars frames; build it from these objects with :meth:`Population.from_records`.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any, Literal

import attrs

SubjectKind = Literal["person", "collective"]
SUBJECT_KINDS: tuple[SubjectKind, ...] = ("person", "collective")

#: Genders, as recorded for the priority for women (Decree 98/2023 Art 4).
GENDERS = ("female", "male")

#: Recognition scope of evidence, lowest first (domain brief §8, pattern 8).
SCOPES = ("grassroots", "ministry_province", "national")

#: Discipline levels, lightest first (khiển trách, cảnh cáo, hạ bậc lương, giáng chức,
#: cách chức, buộc thôi việc).
DISCIPLINE_LEVELS = (
    "reprimand",
    "warning",
    "salary_reduction",
    "demotion",
    "removal",
    "dismissal",
)

#: Statuses of a registered initiative or model, in the order of its life: registered (đã
#: đăng ký), judged effective at its review (được đánh giá hiệu quả), judged not effective
#: (không hiệu quả), withdrawn or stopped (rút đăng ký, dừng thực hiện).
REGISTRATION_STATUSES = ("registered", "effective", "not_effective", "withdrawn")

#: Kinds of an award-history record, as Decree 152/2025 Art 4(3) distinguishes them: ``merit``
#: (khen thưởng theo công trạng và thành tích), ``thematic`` (khen thưởng theo chuyên đề),
#: ``adhoc`` (khen thưởng đột xuất) and ``service`` (khen thưởng quá trình cống hiến). A record
#: without a type is a merit award.
RECORD_TYPES = ("merit", "thematic", "adhoc", "service")

FactValue = bool | int | Decimal | str


def _share_in_range(instance: object, attribute: attrs.Attribute[Any], value: Decimal) -> None:
    if not isinstance(value, Decimal) or not (0 < value <= 1):
        raise ValueError(
            f"{attribute.name} must be an exact decimal with 0 < share <= 1, not {value!r}"
        )


def _optional_str() -> Any:
    return attrs.field(
        default=None, validator=attrs.validators.optional(attrs.validators.instance_of(str))
    )


@attrs.frozen(kw_only=True)
class Subject:
    """A person or a collective (a unit, a grassroots union, a school ...).

    ``parent`` is the id of the collective it belongs to; ``cluster`` the emulation cluster
    (cụm/khối thi đua) it competes in; ``level`` a collective's level in the organisation
    tree (for KPIs).
    """

    id: str = attrs.field(validator=attrs.validators.instance_of(str))
    kind: SubjectKind = attrs.field(validator=attrs.validators.in_(SUBJECT_KINDS))
    name: str | None = _optional_str()
    parent: str | None = _optional_str()
    cluster: str | None = _optional_str()
    gender: str | None = attrs.field(
        default=None, validator=attrs.validators.optional(attrs.validators.in_(GENDERS))
    )
    birth_year: int | None = attrs.field(
        default=None, validator=attrs.validators.optional(attrs.validators.instance_of(int))
    )
    staff_category: str | None = _optional_str()
    hardship_area: bool = attrs.field(default=False, validator=attrs.validators.instance_of(bool))
    #: The level of a collective in the organisation tree (``grassroots``, ``province`` …),
    #: as a ruleset's ``[levels]`` names it; KPIs are evaluated at named levels.
    level: str | None = _optional_str()


@attrs.frozen(kw_only=True)
class Fact:
    """The value of one declared fact for one subject in one period (``period`` as text)."""

    subject: str
    period: str
    name: str
    value: FactValue


@attrs.frozen(kw_only=True)
class EvidenceItem:
    """A piece of evidence: an initiative, a scientific work, a benefit in VND ..."""

    id: str
    subject: str
    kind: str
    period: str
    scope: str = attrs.field(default="grassroots", validator=attrs.validators.in_(SCOPES))
    amount: Decimal | None = None
    description: str | None = None
    #: The subject's share of ``amount`` (a co-author's part of a benefit), 0 < share ≤ 1.
    share: Decimal = attrs.field(default=Decimal(1), validator=_share_in_range)
    #: The authority that recognised the item's ``scope`` (a ministry or province code, as the
    #: data names it); ``evidence_count(..., recognised_by="issuer")`` compares it with the
    #: subject's issuing authority. None: not recorded.
    recognised_by: str | None = None


@attrs.frozen(kw_only=True)
class AwardRecord:
    """An award the subject already holds: ``award`` id conferred for ``period``, of
    ``type`` (one of :data:`RECORD_TYPES`; ``merit`` unless said)."""

    subject: str
    award: str
    period: str
    type: str = attrs.field(default="merit", validator=attrs.validators.in_(RECORD_TYPES))


@attrs.frozen(kw_only=True)
class ServiceSpell:
    """A spell of service from ``start`` to ``end`` (open when ``end`` is None)."""

    subject: str
    start: dt.date
    end: dt.date | None = None
    kind: str = "full_time"


@attrs.frozen(kw_only=True)
class DisciplineRecord:
    """A disciplinary measure of ``level`` in force from ``start`` to ``end``."""

    subject: str
    level: str = attrs.field(validator=attrs.validators.in_(DISCIPLINE_LEVELS))
    start: dt.date
    end: dt.date | None = None


@attrs.frozen(kw_only=True)
class Registration:
    """A registered initiative or model (a "Dân vận khéo" model, a learning-family
    registration …): ``kind`` of model, optional ``field``, in operation from ``start``,
    reviewed on ``review``, ended on ``end`` (open when None), and its ``status`` (one of
    :data:`REGISTRATION_STATUSES`)."""

    id: str
    subject: str
    kind: str
    start: dt.date
    review: dt.date | None = None
    end: dt.date | None = None
    status: str = attrs.field(
        default="registered", validator=attrs.validators.in_(REGISTRATION_STATUSES)
    )
    field: str | None = _optional_str()


@attrs.frozen(kw_only=True)
class VoteRecord:
    """A council's vote on proposing ``award`` for the subject in ``period``: ``votes_for`` of
    ``council_size`` members (all members, present or not), ``votes_against``, and the
    members absent who voted in writing (``absent_in_writing``, counted in the votes)."""

    subject: str
    award: str
    period: str
    votes_for: int
    council_size: int
    votes_against: int | None = None
    absent_in_writing: int | None = None
