"""emulation: Vietnamese emulation and commendation rules (thi đua – khen thưởng) as code.

The public surface, re-exported one name per line. Start with :func:`build_engine`.
"""

from emulation._version import __version__
from emulation.decision import CriterionResult
from emulation.decision import Decision
from emulation.decision import Reason
from emulation.decision import RulesetRef
from emulation.engine import Engine
from emulation.engine import build_engine
from emulation.errors import DataError
from emulation.errors import EmulationError
from emulation.errors import EvaluationError
from emulation.errors import PeriodError
from emulation.errors import Problem
from emulation.errors import RulesetError
from emulation.evaluation import Evaluation
from emulation.functions import Argument
from emulation.functions import BuildContext
from emulation.functions import FunctionSpec
from emulation.hookspecs import hookimpl
from emulation.period import Period
from emulation.population import Population
from emulation.records import AwardRecord
from emulation.records import DisciplineRecord
from emulation.records import EvidenceItem
from emulation.records import Fact
from emulation.records import ServiceSpell
from emulation.records import Subject
from emulation.ruleset import Award
from emulation.ruleset import FactDecl
from emulation.ruleset import Label
from emulation.ruleset import LegalReference
from emulation.ruleset import Parameter
from emulation.ruleset import Rule
from emulation.ruleset import Ruleset

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
    "Subject",
    "__version__",
    "build_engine",
    "hookimpl",
]
