"""Asking about means or methods (French): how many pills it would take, the most painless way.
Asking is itself a self-harm signal (elevated); with timing it is urgent. Matched after
normalisation (lower case, accents removed)."""

from __future__ import annotations

from service.safety.rule import Rule, make_rule
from service.taxonomy import RiskLevel

U, E = RiskLevel.URGENT, RiskLevel.ELEVATED


RULES: tuple[Rule, ...] = (
    make_rule(
        "fr",
        "self_harm",
        "combien_de_cachets",
        r"\bcombien\s+de\s+(?:cachets|comprimes|pilules|medicaments|somniferes|doliprane|"
        r"paracetamol)\b[^.?!\n]{0,60}?\b(?:prendre|faut|mourir|en\s+finir|mortel|suffit|"
        r"suffisent|ne\s+plus\s+me\s+reveiller)\b",
        E,
        urgent_on_timing=True,
    ),
)
