"""emulation: Vietnamese emulation and commendation rules (thi đua – khen thưởng) as code.

The public surface: re-exports only, with an alphabetised ``__all__``. Start with
:func:`build_engine`.
"""

from emulation._contradictions import SetAside
from emulation._version import __version__
from emulation.decision import CriterionResult, Decision, Reason, RulesetRef
from emulation.engine import Engine, build_engine
from emulation.errors import (
    DataError,
    EmulationError,
    EvaluationError,
    PeriodError,
    Problem,
    RulesetError,
)
from emulation.evaluation import Evaluation
from emulation.functions import Argument, BuildContext, FunctionSpec
from emulation.hookspecs import hookimpl
from emulation.period import Period
from emulation.population import Population
from emulation.records import (
    AwardRecord,
    DisciplineRecord,
    EvidenceItem,
    Fact,
    ServiceSpell,
    Subject,
)
from emulation.ruleset import Award, FactDecl, Label, LegalReference, Parameter, Rule, Ruleset

__all__ = [
    "Argument",
    "Award",
    "AwardRecord",
    "BuildContext",
    "CriterionResult",
    "DataError",
    "Decision",
    "DisciplineRecord",
    "EmulationError",
    "Engine",
    "Evaluation",
    "EvaluationError",
    "EvidenceItem",
    "Fact",
    "FactDecl",
    "FunctionSpec",
    "Label",
    "LegalReference",
    "Parameter",
    "Period",
    "PeriodError",
    "Population",
    "Problem",
    "Reason",
    "Rule",
    "Ruleset",
    "RulesetError",
    "RulesetRef",
    "ServiceSpell",
    "SetAside",
    "Subject",
    "__version__",
    "build_engine",
    "hookimpl",
]
