"""The escalation policy: what a partner gets, and who may see it, for each risk level.

Follows ``TAXONOMY.md``: ``none`` normal coaching; ``concern`` coaching plus a gentle check-in
question and resources; ``elevated`` no joint exercises, safety resources first, a coach alerted;
``urgent`` the safety response only, on the high-priority queue. When the danger comes from the
partner (violence, coercive control), nothing is visible to or sent to that partner.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from service.taxonomy import SAFETY_CONTRAINDICATED, RiskLevel

DANGER_FROM_OTHERS = frozenset({"partner_violence", "coercive_control", "child_safety"})


class ResponseMode(StrEnum):
    COACHING = "coaching"  # a normal tip
    COACHING_WITH_CARE = "coaching_with_care"  # tip + check-in question + resources
    SAFETY = "safety"  # resources first, individual steps only, coach alerted
    SAFETY_ONLY = "safety_only"  # crisis line + emergency number, nothing else generated


@dataclass(frozen=True)
class ResponsePlan:
    mode: ResponseMode
    risk_level: RiskLevel
    categories: tuple[str, ...]
    # Card contraindications to filter on; at elevated and above, joint exercises always go.
    blocked_categories: tuple[str, ...]
    joint_exercises: bool
    escalate: bool
    high_priority: bool
    # Kept from the other partner even if the writer ticked "share".
    private: bool
    # Retrieval and a model may be used (never for urgent risk).
    generate: bool

    @property
    def danger_from_partner(self) -> bool:
        return bool(set(self.categories) & {str(c) for c in SAFETY_CONTRAINDICATED})


def plan_for(risk_level: RiskLevel | str, categories: Iterable[str] = ()) -> ResponsePlan:
    """The response plan for one classified check-in or chat message."""
    level = RiskLevel(risk_level)
    cats = tuple(sorted(set(categories)))
    at_risk = level.at_least(RiskLevel.ELEVATED)
    blocked = set(cats)
    if at_risk:
        # Without a named category we cannot rule out danger at home: no joint exercises.
        blocked |= {str(c) for c in SAFETY_CONTRAINDICATED}
    if level == RiskLevel.URGENT:
        mode = ResponseMode.SAFETY_ONLY
    elif level == RiskLevel.ELEVATED:
        mode = ResponseMode.SAFETY
    elif level == RiskLevel.CONCERN:
        mode = ResponseMode.COACHING_WITH_CARE
    else:
        mode = ResponseMode.COACHING
    return ResponsePlan(
        mode=mode,
        risk_level=level,
        categories=cats,
        blocked_categories=tuple(sorted(blocked)),
        joint_exercises=not at_risk and not set(cats) & DANGER_FROM_OTHERS,
        escalate=at_risk,
        high_priority=level == RiskLevel.URGENT,
        private=at_risk or bool(set(cats) & DANGER_FROM_OTHERS),
        generate=level != RiskLevel.URGENT,
    )
