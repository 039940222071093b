"""German passive death wishes without a plan, as in English (lexicons/en/passive_wishes.py):
"es wär für alle einfacher, wenn ich nicht mehr da wär", "wenn ich einfach nicht mehr
aufwache". Elevated self-harm. Normalised text: ä->a, ö->o, ü->u ("wär" -> "war").
"""

from __future__ import annotations

from functools import partial

from service.safety.rule import Rule, make_rule
from service.taxonomy import RiskLevel

_r = partial(make_rule, "de")
E = RiskLevel.ELEVATED

RULES: tuple[Rule, ...] = (
    _r(
        "self_harm",
        "easier_without_me",
        r"\b(?:leichter|einfacher|besser)\b[^.!?\n]{0,40}?\bwenn\s+ich\s+(?:\w+\s+)?(?:nicht\s+mehr\s+(?:da|hier|am\s+leben)|weg"
        r"|tot)\s+(?:wae?re?|waer)\b|\bohne\s+mich\s+(?:\w+\s+){0,3}?(?:leichter|einfacher)\b"
        r"|\bwenn\s+ich\s+(?:\w+\s+)?nicht\s+mehr\s+aufwache\b|\bnicht\s+mehr\s+aufwachen\s+(?:wu(?:e)?rde|wae?re)\b"
        r"|\b(?:wofu(?:e)?r|fu(?:e)?r\s+was)\s+ich\s+(?:\w+\s+)?(?:no|noch)\s+leb[e]?\b",
        E,
        negatable=False,
    ),
)
