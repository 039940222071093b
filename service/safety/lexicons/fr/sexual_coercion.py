"""Sexual coercion and fear of what a partner will do after a "no" (French).

Consent given out of fear is not consent. Coercive control, elevated. Matched after
normalisation (lower case, accents removed)."""

from __future__ import annotations

from service.safety.rule import Rule, make_rule
from service.taxonomy import RiskLevel

E = RiskLevel.ELEVATED

RULES: tuple[Rule, ...] = (
    make_rule(
        "fr",
        "coercive_control",
        "peur_de_refuser",
        r"\bpeur\s+de\s+ce\s+qu\s*(?:il|elle)\s+(?:ferait|fera|va\s+faire)\s+si\s+je\s+(?:refuse|disais\s+non|dis\s+non)\b"
        r"|\b(?:il|elle)\s+(?:me\s+force|m\s*oblige|me\s+pousse)\s+a\s+(?:coucher|faire\s+l\s*amour)\b",
        E,
    ),
)
