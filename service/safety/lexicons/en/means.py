"""Asking about means or methods (English): how many pills it would take, the most painless way.
Asking is itself a self-harm signal (elevated); with timing it is urgent. Matched after
normalisation (lower case, accents removed)."""

from __future__ import annotations

from service.safety.rule import Rule, make_rule
from service.taxonomy import RiskLevel

U, E = RiskLevel.URGENT, RiskLevel.ELEVATED

_PILLS_EN = (
    r"(?:pills|tablets|paracetamol|tylenol|acetaminophen|ibuprofen|aspirin|sleeping\s+pills|"
    r"xanax|valium|insulin|meds|medication|medicine|heart\s+pills|antidepressants|painkillers)"
)
_INTENT_EN = (
    r"(?:to\s+die|to\s+not\s+wake\s+up|never\s+wake\s+up|kill\s+me|end\s+it|end\s+things|"
    r"make\s+it\s+stop|be\s+enough|be\s+fatal|be\s+lethal|be\s+dangerous|actually\s+be\s+dangerous|"
    r"would\s+i\s+need|would\s+it\s+take|does\s+it\s+take|do\s+i\s+need|overdose|od)"
)

RULES: tuple[Rule, ...] = (
    make_rule(
        "en",
        "self_harm",
        "how_many_pills",
        rf"\bhow\s+(?:many|much)\s+(?:of\s+)?(?:my\s+|his\s+|her\s+|mum'?s\s+|mom'?s\s+|the\s+)?"
        rf"(?:\w+\s+)?{_PILLS_EN}\b[^.?!\n]{{0,80}}?\b{_INTENT_EN}\b"
        rf"|\bhow\s+much\s+\w+\s+(?:plus|and|with)\s+(?:my\s+)?{_PILLS_EN}\b",
        E,
        urgent_on_timing=True,
    ),
    make_rule(
        "en",
        "self_harm",
        "painless_way",
        r"\b(?:most\s+painless|least\s+painful|quickest|easiest|surest|best)\s+way\s+"
        r"(?:to\s+(?:die|go|end\s+it|end\s+my\s+life|kill\s+myself|not\s+wake\s+up)|out)\b"
        r"|\bwhat'?s\s+the\s+(?:most\s+painless|least\s+painful)\s+way\b",
        E,
        urgent_on_timing=True,
    ),
    make_rule(
        "en",
        "self_harm",
        "car_in_garage",
        r"\b(?:car|engine)\s+(?:running\s+)?in\s+the\s+garage\b[^.?!\n]{0,60}?\b(?:door|shut|closed)\b"
        r"|\bexhaust\s+(?:pipe|fumes)\b[^.?!\n]{0,40}?\b(?:hose|window|car)\b",
        E,
        urgent_on_timing=True,
    ),
)
