"""Classify one check-in: rule-first safety, then patterns and burnout signals."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from service.classify.lexicon import BURNOUT_CUES, PATTERN_CUES, find_cues
from service.classify.taxonomy import RiskLevel
from service.safety import assess_risk

BACKEND = "rules"
MODEL_VERSION = "lexicon-1"


@dataclass(frozen=True)
class ClassificationResult:
    risk_level: RiskLevel
    risk_categories: list[str]
    patterns: list[str]
    burnout_signals: list[str]
    evidence: list[dict[str, Any]] = field(default_factory=list)
    language: str = "und"
    third_party: bool = False
    backend: str = BACKEND
    model_version: str = MODEL_VERSION
    notes: list[str] = field(default_factory=list)

    def labels(self) -> dict[str, Any]:
        """The TAXONOMY.md batch fields."""
        return {
            "risk_level": str(self.risk_level),
            "risk_categories": self.risk_categories,
            "patterns": self.patterns,
            "burnout_signals": self.burnout_signals,
            "backend": self.backend,
        }


def classify(
    text: str, *, mood: int | None = None, connection: int | None = None, locale: str | None = None
) -> ClassificationResult:
    risk = assess_risk(text, mood=mood, connection=connection, locale=locale)
    evidence: list[dict[str, Any]] = [
        {"label": s.label, "start": s.start, "end": s.end, "quote": s.quote, "rule": s.rule}
        for s in risk.evidence
    ]
    notes: list[str] = []
    patterns: list[str] = []
    burnout: list[str] = []
    if risk.language in ("en", "und"):
        pattern_hits = find_cues(text, PATTERN_CUES)
        burnout_hits = find_cues(text, BURNOUT_CUES)
        patterns = sorted({h.label for h in pattern_hits})
        burnout = sorted({h.label for h in burnout_hits})
        evidence += [
            {"label": h.label, "start": h.start, "end": h.end, "quote": h.quote, "rule": "lexicon"}
            for h in (*pattern_hits, *burnout_hits)
        ]
    else:
        # Pattern cues are English-only; say so instead of guessing (safety rules still ran).
        notes.append(f"patterns and burnout signals are English-only; text is '{risk.language}'")
    return ClassificationResult(
        risk_level=risk.level,
        risk_categories=[str(c) for c in risk.categories],
        patterns=patterns,
        burnout_signals=burnout,
        evidence=evidence,
        language=risk.language,
        third_party=risk.third_party,
        notes=notes,
    )


def fail_closed(reason: str) -> ClassificationResult:
    """What a check-in is treated as when classification fails: at risk, not fine."""
    return ClassificationResult(
        risk_level=RiskLevel.ELEVATED,
        risk_categories=[],
        patterns=[],
        burnout_signals=[],
        backend="fail-closed",
        model_version="none",
        notes=[f"classification failed: {reason}"],
    )
