"""What the safety detector returns: a risk level with the spans that justify it."""

from __future__ import annotations

from dataclasses import dataclass

from service.taxonomy import RiskCategory, RiskLevel

# Bumped whenever a rule changes, so stored assessments say which rules produced them.
RULES_VERSION = "safety-rules-2"


@dataclass(frozen=True)
class EvidenceSpan:
    """One piece of text (or a number) that triggered a level or category decision."""

    label: str
    start: int
    end: int
    quote: str
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
