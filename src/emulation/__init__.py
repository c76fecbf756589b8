"""emulation: Vietnamese emulation and commendation rules (thi đua – khen thưởng) as code.

The public surface: re-exports only, with an alphabetised ``__all__``. Start with
:func:`build_engine`.

Names are imported on first use, so that ``import emulation`` (and the pytest and Hypothesis
plugins that import it) stay light until the engine is needed.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from emulation._version import __version__

if TYPE_CHECKING:
    from emulation.data.contradictions import SetAside
    from emulation.data.excel import read_workbook
    from emulation.data.population import Population
    from emulation.data.records import (
        AwardRecord,
        DisciplineRecord,
        EvidenceItem,
        Fact,
        Registration,
        ServiceSpell,
        Subject,
        VoteRecord,
    )
    from emulation.data.template import template_workbook
    from emulation.engine import Engine, build_engine
    from emulation.errors import (
        DataError,
        EmulationError,
        EvaluationError,
        PeriodError,
        Problem,
        RulesetError,
    )
    from emulation.functions import Argument, BuildContext, FunctionSpec
    from emulation.hookspecs import hookimpl
    from emulation.lang.scope import FactDecl
    from emulation.period import Period
    from emulation.results.decision import (
        CriterionResult,
        Decision,
        PathResult,
        Reason,
        RulesetRef,
    )
    from emulation.results.diff import AwardCount, CriterionChange, DecisionChange, Diff
    from emulation.results.evaluation import Evaluation
    from emulation.results.kpi import KpiResult
    from emulation.results.replay import Difference, Replay
    from emulation.results.report import render_report
    from emulation.results.scores import ScoreCheck, ScorePoints, ScoreResult
    from emulation.results.standing import Standing
    from emulation.results.workbook import evaluation_workbook
    from emulation.rules.kpis import Kpi, Level
    from emulation.rules.model import (
        Award,
        LegalReference,
        Parameter,
        Rule,
        Ruleset,
        Standings,
    )
    from emulation.rules.paths import AwardPath, PayoutWindow
    from emulation.rules.scores import ScoreSheet
    from emulation.types import Label
    from emulation.unconfirmed import UnconfirmedParameter, unconfirmed_parameters

#: Where each public name lives.
_HOMES = {
    "SetAside": "emulation.data.contradictions",
    "CriterionResult": "emulation.results.decision",
    "Decision": "emulation.results.decision",
    "PathResult": "emulation.results.decision",
    "Reason": "emulation.results.decision",
    "RulesetRef": "emulation.results.decision",
    "Engine": "emulation.engine",
    "build_engine": "emulation.engine",
    "DataError": "emulation.errors",
    "EmulationError": "emulation.errors",
    "EvaluationError": "emulation.errors",
    "PeriodError": "emulation.errors",
    "Problem": "emulation.errors",
    "RulesetError": "emulation.errors",
    "Evaluation": "emulation.results.evaluation",
    "KpiResult": "emulation.results.kpi",
    "Kpi": "emulation.rules.kpis",
    "Level": "emulation.rules.kpis",
    "AwardCount": "emulation.results.diff",
    "CriterionChange": "emulation.results.diff",
    "DecisionChange": "emulation.results.diff",
    "Diff": "emulation.results.diff",
    "Difference": "emulation.results.replay",
    "ScoreCheck": "emulation.results.scores",
    "ScorePoints": "emulation.results.scores",
    "ScoreResult": "emulation.results.scores",
    "ScoreSheet": "emulation.rules.scores",
    "Replay": "emulation.results.replay",
    "render_report": "emulation.results.report",
    "Argument": "emulation.functions",
    "BuildContext": "emulation.functions",
    "FunctionSpec": "emulation.functions",
    "hookimpl": "emulation.hookspecs",
    "Period": "emulation.period",
    "Population": "emulation.data.population",
    "AwardRecord": "emulation.data.records",
    "DisciplineRecord": "emulation.data.records",
    "EvidenceItem": "emulation.data.records",
    "Fact": "emulation.data.records",
    "Registration": "emulation.data.records",
    "ServiceSpell": "emulation.data.records",
    "Subject": "emulation.data.records",
    "VoteRecord": "emulation.data.records",
    "Award": "emulation.rules.model",
    "FactDecl": "emulation.lang.scope",
    "Label": "emulation.types",
    "LegalReference": "emulation.rules.model",
    "Parameter": "emulation.rules.model",
    "Rule": "emulation.rules.model",
    "Ruleset": "emulation.rules.model",
    "Standing": "emulation.results.standing",
    "Standings": "emulation.rules.model",
    "AwardPath": "emulation.rules.paths",
    "PayoutWindow": "emulation.rules.paths",
    "UnconfirmedParameter": "emulation.unconfirmed",
    "read_workbook": "emulation.data.excel",
    "template_workbook": "emulation.data.template",
    "evaluation_workbook": "emulation.results.workbook",
    "unconfirmed_parameters": "emulation.unconfirmed",
}

__all__ = [
    "Argument",
    "Award",
    "AwardCount",
    "AwardPath",
    "AwardRecord",
    "BuildContext",
    "CriterionChange",
    "CriterionResult",
    "DataError",
    "Decision",
    "DecisionChange",
    "Diff",
    "Difference",
    "DisciplineRecord",
    "EmulationError",
    "Engine",
    "Evaluation",
    "EvaluationError",
    "EvidenceItem",
    "Fact",
    "FactDecl",
    "FunctionSpec",
    "Kpi",
    "KpiResult",
    "Label",
    "LegalReference",
    "Level",
    "Parameter",
    "PathResult",
    "PayoutWindow",
    "Period",
    "PeriodError",
    "Population",
    "Problem",
    "Reason",
    "Registration",
    "Replay",
    "Rule",
    "Ruleset",
    "RulesetError",
    "RulesetRef",
    "ScoreCheck",
    "ScorePoints",
    "ScoreResult",
    "ScoreSheet",
    "ServiceSpell",
    "SetAside",
    "Standing",
    "Standings",
    "Subject",
    "UnconfirmedParameter",
    "VoteRecord",
    "__version__",
    "build_engine",
    "evaluation_workbook",
    "hookimpl",
    "read_workbook",
    "render_report",
    "template_workbook",
    "unconfirmed_parameters",
]


def __getattr__(name: str) -> Any:
    """Import a public name from its module the first time it is used."""
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module 'emulation' has no attribute {name!r}")
    value = getattr(importlib.import_module(home), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
