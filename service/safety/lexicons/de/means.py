"""Asking about means or methods (German): how many pills it would take, the most painless way.
Asking is itself a self-harm signal (elevated); with timing it is urgent. Matched after
normalisation (lower case, accents removed)."""

from __future__ import annotations

from service.safety.rule import Rule, make_rule
from service.taxonomy import RiskLevel

U, E = RiskLevel.URGENT, RiskLevel.ELEVATED


RULES: tuple[Rule, ...] = (
    make_rule(
        "de",
        "self_harm",
        "wie_viele_tabletten",
        r"\bwie\s+viele?\s+(?:\w+\s+)?(?:tabletten|pillen|ibuprofen|paracetamol|schlaftabletten|"
        r"aspirin|medikamente)\b[^.?!\n]{0,60}?\b(?:nehmen|reichen|todlich|sterben|vorbei|"
        r"aufwachen|brauche)\b",
        E,
        urgent_on_timing=True,
    ),
)
