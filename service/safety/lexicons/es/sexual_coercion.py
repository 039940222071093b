"""Sexual coercion and fear of what a partner will do after a "no" (Spanish).

Consent given out of fear is not consent. Coercive control, elevated. Matched after
normalisation (lower case, accents removed)."""

from __future__ import annotations

from service.safety.rule import Rule, make_rule
from service.taxonomy import RiskLevel

E = RiskLevel.ELEVATED

RULES: tuple[Rule, ...] = (
    make_rule(
        "es",
        "coercive_control",
        "miedo_a_negarme",
        r"\bmiedo\s+(?:de\s+)?(?:a\s+)?lo\s+que\s+(?:el|ella)\s+(?:haria|hara|va\s+a\s+hacer)\s+si\s+(?:me\s+niego|le\s+digo\s+que\s+no)\b"
        r"|\bme\s+(?:obliga|presiona|fuerza)\s+a\s+(?:tener\s+sexo|acostarme)\b",
        E,
    ),
)
