"""Sexual coercion and fear of what a partner will do after a "no" (German).

Consent given out of fear is not consent. Coercive control, elevated. Matched after
normalisation (lower case, accents removed)."""

from __future__ import annotations

from service.safety.rule import Rule, make_rule
from service.taxonomy import RiskLevel

E = RiskLevel.ELEVATED

RULES: tuple[Rule, ...] = (
    make_rule(
        "de",
        "coercive_control",
        "angst_vor_nein",
        r"\b(?:angst|furcht)(?:\s+davor)?\s*,?\s*was\s+(?:er|sie)\s+(?:tut|macht|tun\s+wurde|machen\s+wurde)"
        r"\s*,?\s+wenn\s+ich\s+(?:nein\s+sage|nicht\s+mitmache|mich\s+weigere)\b"
        r"|\b(?:er|sie)\s+(?:drangt|zwingt|notigt)\s+mich\s+(?:zum|zu)\s+sex\b",
        E,
    ),
)
