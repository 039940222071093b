"""French passive death wishes without a plan, as in English (lexicons/en/passive_wishes.py):
"ce serait plus simple pour tout le monde si je n'étais plus là". Elevated self-harm.
Normalised text: no accents, apostrophes dropped.
"""

from __future__ import annotations

from functools import partial

from service.safety.rule import Rule, make_rule
from service.taxonomy import RiskLevel

_r = partial(make_rule, "fr")
E = RiskLevel.ELEVATED

RULES: tuple[Rule, ...] = (
    _r(
        "self_harm",
        "easier_without_me",
        r"\b(?:plus\s+simple|plus\s+facile|mieux|plus\s+leger)\b[^.!?\n]{0,40}?\bsi\s+je\s+(?:n\s*)?(?:etais|netais)\s+(?:plus"
        r"\s+la|pas\s+la|plus\s+de\s+ce\s+monde)\b|\bsi\s+je\s+(?:ne\s+)?me\s+reveillais\s+(?:pas|plus)\b"
        r"|\b(?:plus\s+simple|plus\s+facile|mieux)\s+(?:de\s+)?(?:ne\s+)?(?:pas|plus)\s+me\s+reveiller\b",
        E,
        negatable=False,
    ),
)
