"""Asking about means or methods (Spanish): how many pills it would take, the most painless way.
Asking is itself a self-harm signal (elevated); with timing it is urgent. Matched after
normalisation (lower case, accents removed)."""

from __future__ import annotations

from service.safety.rule import Rule, make_rule
from service.taxonomy import RiskLevel

U, E = RiskLevel.URGENT, RiskLevel.ELEVATED


RULES: tuple[Rule, ...] = (
    make_rule(
        "es",
        "self_harm",
        "cuantas_pastillas",
        r"\bcuant[ao]s\s+(?:pastillas|pildoras|comprimidos|ibuprofenos?|paracetamol|"
        r"somniferos|medicamentos)\b[^.?!\n]{0,60}?\b(?:hacen\s+falta|necesito|tomar|tomo|morir|"
        r"no\s+despertar|se\s+acabe|mortal|basta|bastan)\b",
        E,
        urgent_on_timing=True,
    ),
)
