"""Budgets: a fund spent down a ranking (``[awards.<id>.budget]``).

After the award's criteria (and its quotas), the eligible subjects of each group are ranked by
the budget's keys and granted, in rank order, an amount each from the group's fund. Under the
``stop`` policy the selection stops at the first subject the fund cannot cover; under ``skip``
that subject is passed over and the next ones are tried. A subject the fund could not cover is
``eligible_over_budget``. The fund is a dated parameter, one per group, or one per category
(``category`` an expression, ``fund_by`` a parameter per category value). See
``docs/reference/ruleset-format.md`` ("Budgets").
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

import attrs

from emulation.rules.model import Label, QuotaGroup, RankKey, Ties
from emulation.types import Certainty

if TYPE_CHECKING:
    from emulation.lang.nodes import Node

#: What a budget does with a subject it cannot cover: stop there (nobody ranked after it is
#: granted), or skip it and try the next.
BudgetPolicy = Literal["stop", "skip"]
BUDGET_POLICIES: tuple[BudgetPolicy, ...] = ("stop", "skip")


@attrs.frozen(kw_only=True, eq=False)
class Budget:
    """A fund spent down a ranking, per group (and per category)."""

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
