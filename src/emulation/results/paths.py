"""What explains a decision on an award reached by alternative paths.

The award's own rules explain it as they do any award's. Then the paths: a grant names every
path that holds (the first is the path used) and the criteria met on them; a refusal that no
path could have avoided shows every path and what each misses — the criteria that fail, with
the gap of a near miss, and those that cannot be judged.
"""

from __future__ import annotations

from typing import Any

from emulation.evaluate.columns import path_column
from emulation.evaluate.money import BonusShown
from emulation.i18n import translator
from emulation.results.decision import CriterionResult, PathResult, QuotaPosition, Reason
from emulation.results.explanation import reasons_for
from emulation.results.per_award import once_per_award
from emulation.rules.model import Award, Label
from emulation.rules.paths import AwardPath
from emulation.types import Language


def path_results(award: Award, row: dict[str, Any]) -> tuple[PathResult, ...]:
    """Every path of ``award`` with its value in ``row``, in declared order."""
    if not award.paths:
        return ()
    return tuple(
        PathResult(
            id=path.id,
            label=path.label,
            basis=path.basis,
            certainty=path.certainty,
            value=row.get(column),
            criteria=criteria,
        )
        for path, column, criteria in _path_parts(award)
    )


@once_per_award
def _path_parts(award: Award) -> tuple[tuple[AwardPath, str, tuple[str, ...]], ...]:
    """Each path of ``award`` with its column and its criteria' ids, worked out once."""
    return tuple(
        (
            path,
            path_column(award.id, path.id),
            tuple(rule.id for rule in award.rules_of_path(path.id)),
        )
        for path in award.paths
    )


def path_reasons(
    outcome: str,
    award_label: Label,
    criteria: tuple[CriterionResult, ...],
    quota: QuotaPosition | None = None,
    bonus: BonusShown | None = None,
    *,
    paths: tuple[PathResult, ...],
) -> tuple[Reason, ...]:
    """The reasons of a decision on an award with ``paths``."""
    common = tuple(c for c in criteria if c.path is None)
    held = [p for p in paths if p.value is True]
    if outcome in ("granted", "eligible_over_quota", "tied"):
        used = {p.id for p in held}
        met = common + tuple(c for c in criteria if c.path in used)
        reasons = list(reasons_for(outcome, award_label, met, quota, bonus))
        at = 1 if reasons and reasons[0].code == "granted" else 0
        reasons[at:at] = [Reason("path_held", _params(p, {})) for p in held]
        return tuple(reasons)
    reasons = list(reasons_for(outcome, award_label, common, quota, bonus))
    if outcome == "blocked" or held:
        return tuple(reasons)
    for path in paths:
        own = tuple(c for c in criteria if c.path == path.id)
        if path.value is False:
            failed = [c for c in own if c.value is False]
            reasons.append(
                Reason(
                    "path_not_met",
                    _params(
                        path,
                        {
                            "failed_vi": _labels(failed, "vi"),
                            "failed_en": _labels(failed, "en"),
                        },
                    ),
                )
            )
            reasons += _tagged(reasons_for("not_eligible", award_label, own), path.id)
        elif path.value is None:
            unknown = [c for c in own if c.value is None]
            missing = reasons_for("data_missing", award_label, tuple(unknown))
            needs = sorted(
                {dict(r.params)["missing"] for r in missing if r.code != "parameter_unset"}
            )
            reasons.append(Reason("path_unknown", _params(path, {"missing": "; ".join(needs)})))
            reasons += _tagged(missing, path.id)
    return tuple(reasons)


def _params(path: PathResult, extra: dict[str, str]) -> tuple[tuple[str, str], ...]:
    items = {
        "label_vi": path.label.vi,
        "label_en": path.label.en,
        "basis": path.basis,
        "path": path.id,
        **extra,
    }
    return tuple(sorted(items.items()))


def _labels(criteria: list[CriterionResult], lang: Language) -> str:
    quoted = translator(lang).pgettext("quote", "“{label}”")
    return "; ".join(quoted.format(label=c.label.get(lang)) for c in criteria)


def _tagged(reasons: tuple[Reason, ...], path: str) -> list[Reason]:
    """``reasons`` with the path they belong to among their parameters."""
    return [
        Reason(r.code, tuple(sorted({**dict(r.params), "path": path}.items()))) for r in reasons
    ]
