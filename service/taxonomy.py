"""The stable label names of ../shared/TAXONOMY.md: part of the public API, never renamed."""

from __future__ import annotations

from enum import StrEnum


class RiskLevel(StrEnum):
    """How much danger a check-in signals, ordered from none to urgent."""

    NONE = "none"
    CONCERN = "concern"
    ELEVATED = "elevated"
    URGENT = "urgent"

    @property
    def rank(self) -> int:
        return _RISK_ORDER.index(self)

    def at_least(self, other: RiskLevel) -> bool:
        return self.rank >= other.rank

    @staticmethod
    def highest(*levels: RiskLevel) -> RiskLevel:
        """The most severe of the given levels (``none`` when given nothing)."""
        return max(levels, key=lambda lvl: lvl.rank, default=RiskLevel.NONE)


_RISK_ORDER = (RiskLevel.NONE, RiskLevel.CONCERN, RiskLevel.ELEVATED, RiskLevel.URGENT)


class RiskCategory(StrEnum):
    SELF_HARM = "self_harm"
    PARTNER_VIOLENCE = "partner_violence"
    COERCIVE_CONTROL = "coercive_control"
    CHILD_SAFETY = "child_safety"


class Pattern(StrEnum):
    CRITICISM = "criticism"
    CONTEMPT = "contempt"
    DEFENSIVENESS = "defensiveness"
    STONEWALLING = "stonewalling"
    TECHNOFERENCE = "technoference"
    TURNING_AWAY = "turning_away"
    EMOTIONAL_DISTANCE = "emotional_distance"
    CONFLICT_ESCALATION = "conflict_escalation"
    CONFLICT_AVOIDANCE = "conflict_avoidance"
    INTIMACY_DECLINE = "intimacy_decline"
    SECRECY = "secrecy"
    CODEPENDENCY = "codependency"
    APPRECIATION = "appreciation"
    REPAIR = "repair"
    SHARED_RITUAL = "shared_ritual"
    VULNERABILITY = "vulnerability"
    RESPONSIVENESS = "responsiveness"


POSITIVE_PATTERNS = frozenset(
    {
        Pattern.APPRECIATION,
        Pattern.REPAIR,
        Pattern.SHARED_RITUAL,
        Pattern.VULNERABILITY,
        Pattern.RESPONSIVENESS,
    }
)


class BurnoutSignal(StrEnum):
    IRRITABILITY_OR_NUMBNESS = "irritability_or_numbness"
    RESENTMENT_AT_REQUESTS = "resentment_at_requests"
    WITHDRAWAL_FROM_SHARED_ACTIVITIES = "withdrawal_from_shared_activities"
    SLEEP_DISRUPTION = "sleep_disruption"
    LOSS_OF_HUMOR = "loss_of_humor"
    ESCAPE_FANTASIES = "escape_fantasies"
    TOUCHED_OUT = "touched_out"


# Categories under which joint exercises and couple-communication tips are never offered.
SAFETY_CONTRAINDICATED = frozenset({RiskCategory.PARTNER_VIOLENCE, RiskCategory.COERCIVE_CONTROL})


# Relationship labels (as opposed to safety categories): evidence spans under these are the
# writer's pattern cues, never shown to a coach as danger evidence.
LABEL_IDS = frozenset({*(str(p) for p in Pattern), *(str(b) for b in BurnoutSignal)})
