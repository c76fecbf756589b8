"""The options several subcommands share: ``--rulesets``/``--plugin``, ``-o``, ``--as-of``,
``--decision-date``, ``--set`` (their help in the interface language)."""

from __future__ import annotations

import argparse
from pathlib import Path

from emulation.i18n import gettext as _


def rulesets_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--rulesets",
        action="append",
        type=Path,
        default=[],
        metavar="PATH",
        help=_("also load rulesets from this file or folder (repeatable)"),
    )
    parser.add_argument(
        "--plugin",
        action="append",
        dest="plugins",
        default=[],
        metavar="NAME",
        help=_("use only these installed plugins' rulesets (repeatable; default: every one)"),
    )


def output_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "-o", "--output", type=Path, help=_("write to this file (atomically) instead of stdout")
    )


def as_of_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--as-of",
        dest="as_of",
        metavar="YYYY-MM-DD",
        help=_(
            "the round's cut-off within the period: service and months in operation are "
            "counted to this day (default: the period's last day)"
        ),
    )


def decision_date_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--decision-date",
        dest="decision_date",
        metavar="YYYY-MM-DD",
        help=_(
            "the day the awards are decided, on or after the cut-off: bonus money uses the "
            "base salary and coefficients in force that day (default: the cut-off, --as-of or "
            "the period's last day)"
        ),
    )


def parameter_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--set",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        dest="parameters",
        help=_("override a ruleset parameter for this run (repeatable)"),
    )
