"""Built-in plugin: functions over registered initiatives and models (the ``registrations``
table) — how long a model has been in operation, and whether the subject registered one.

Both count to the evaluation's cut-off (``as_of``; by default the last day of the period): a
registration that starts after it does not count yet, and one that ended before it counts up
to its end. The registrations table lists every registration of the population, so a subject
with none of the kind asked for has operated no such model (0 months, not registered) — this is
an absence on record, not a missing value.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import polars as pl

from emulation._builtins.service import whole_months
from emulation.data.records import REGISTRATION_STATUSES
from emulation.evaluate.columns import call_key
from emulation.functions import Argument, BuildContext, FunctionSpec
from emulation.hookspecs import hookimpl

#: The status argument's values: ``any`` status, or one of the registration statuses.
STATUS_CHOICES = ("any", *REGISTRATION_STATUSES)

_ARGUMENTS = (
    Argument(name="kind", kind="text", doc='the kind of model, e.g. "dan_van_kheo"'),
    Argument(
        name="status",
        kind="choice",
        choices=STATUS_CHOICES,
        default="any",
        doc="count only registrations of this status (default: any)",
    ),
    Argument(
        name="field", kind="text", default="", doc="count only this field (default: any field)"
    ),
)


def _started(arguments: Mapping[str, Any], context: BuildContext) -> pl.LazyFrame:
    """The registrations of the call's kind, status and field that started by ``as_of``."""
    kind, status, field = arguments["kind"], arguments["status"], arguments["field"]
    chosen = (pl.col("kind") == kind) & (pl.col("start") <= pl.lit(context.as_of))
    if status != "any":
        chosen &= pl.col("status") == status
    if field:
        chosen &= pl.col("field") == field
    return context.population.registrations.lazy().filter(chosen)


def _key(name: str, arguments: Mapping[str, Any]) -> str:
    return call_key(
        name, kind=arguments["kind"], status=arguments["status"], field=arguments["field"]
    )


def _months_in_operation(arguments: Mapping[str, Any], context: BuildContext) -> pl.Expr:
    key = _key("months_in_operation", arguments)
    as_of = pl.lit(context.as_of)

    def make() -> pl.LazyFrame:
        last = pl.min_horizontal(pl.col("end").fill_null(as_of), as_of)
        return (
            _started(arguments, context)
            .group_by("subject")
            .agg(whole_months(pl.col("start"), last).max().alias(key))
        )

    return context.derived(key, make, default=pl.lit(0, dtype=pl.Int64))


def _registered(arguments: Mapping[str, Any], context: BuildContext) -> pl.Expr:
    key = _key("registered", arguments)

    def make() -> pl.LazyFrame:
        found = _started(arguments, context).select("subject").unique()
        return found.with_columns(pl.lit(True).alias(key))

    return context.derived(key, make, default=False)


MONTHS_IN_OPERATION = FunctionSpec(
    name="months_in_operation",
    arguments=_ARGUMENTS,
    returns="int",
    build=_months_in_operation,
    reads="registrations",
    unit="month",
    doc="Whole months the subject's longest-running registration of ``kind`` (of ``status`` "
    "and ``field`` when given) has been in operation, from its ``start`` to the evaluation's "
    "cut-off (``as_of``; by default the period's last day) or to its ``end`` when earlier: "
    "1 August 2024 to 31 July 2025 is 12 months, to 28 July 2025 is 11. A registration that "
    "starts after the cut-off does not count; a subject with none counts 0. "
    '``months_in_operation("dan_van_kheo", status="effective") >= min_months``.',
)

REGISTERED = FunctionSpec(
    name="registered",
    arguments=_ARGUMENTS,
    returns="bool",
    build=_registered,
    reads="registrations",
    doc="Whether the subject has a registration of ``kind`` (of ``status`` and ``field`` "
    "when given) that started by the evaluation's cut-off (``as_of``). "
    '``registered("gia_dinh_hoc_tap")``.',
)


@hookimpl(trylast=True)
def emulation_register_functions() -> list[FunctionSpec]:
    """months_in_operation and registered."""
    return [MONTHS_IN_OPERATION, REGISTERED]
