"""What the safety detector returns: a risk level with the spans that justify it."""

from __future__ import annotations

from dataclasses import dataclass

from service.taxonomy import RiskCategory, RiskLevel

# Bumped whenever a rule changes, so stored assessments say which rules produced them.
RULES_VERSION = "safety-rules-4"


@dataclass(frozen=True)
class EvidenceSpan:
    """One piece of text (or a number) that triggered a level or category decision."""

    label: str
    start: int
    end: int
    quote: str
    rule: str


@dataclass(frozen=True)
class ContextSpan:
    """A stretch of text the rules read in context: a defusing one (an idiom, a past that is
    over, someone else's danger, fiction, a hypothetical, words aimed at the system) or a
    present-danger cue (a means, "he's outside", an urgent finding)."""

    kind: str
    start: int
    end: int
    rule: str


@dataclass(frozen=True)
class RiskAssessment:
    """The rule-based safety reading of one check-in."""

    level: RiskLevel
    categories: tuple[RiskCategory, ...]
    evidence: tuple[EvidenceSpan, ...]
    third_party: bool
    language: str
    rules_version: str
    # Context that limits what a model alone may raise, and cues that lift that limit.
    defusing: tuple[ContextSpan, ...] = ()
    present_danger: tuple[ContextSpan, ...] = ()
