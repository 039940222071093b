"""Rule-first safety detection: runs before, and independent of, any model."""

from service.safety.detector import assess_risk
from service.safety.language import detect_language
from service.safety.model import RULES_VERSION, EvidenceSpan, RiskAssessment

__all__ = ["RULES_VERSION", "EvidenceSpan", "RiskAssessment", "assess_risk", "detect_language"]
