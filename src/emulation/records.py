"""Public import path kept for compatibility: the code lives in :mod:`emulation.data.records`."""

from emulation.data.records import (
    DISCIPLINE_LEVELS,
    GENDERS,
    SCOPES,
    SUBJECT_KINDS,
    AwardRecord,
    DisciplineRecord,
    EvidenceItem,
    Fact,
    FactValue,
    ServiceSpell,
    Subject,
    SubjectKind,
)

__all__ = [
    "DISCIPLINE_LEVELS",
    "GENDERS",
    "SCOPES",
    "SUBJECT_KINDS",
    "AwardRecord",
    "DisciplineRecord",
    "EvidenceItem",
    "Fact",
    "FactValue",
    "ServiceSpell",
    "Subject",
    "SubjectKind",
]
