"""Spanish passive death wishes without a plan, as in English (lexicons/en/passive_wishes.py):
"todo sería más fácil si yo no estuviera". Elevated self-harm. Normalised text: no accents.
"""

from __future__ import annotations

from functools import partial

from service.safety.rule import Rule, make_rule
from service.taxonomy import RiskLevel

_r = partial(make_rule, "es")
E = RiskLevel.ELEVATED

RULES: tuple[Rule, ...] = (
    _r(
        "self_harm",
        "easier_without_me",
        r"\b(?:mas\s+facil|mas\s+sencillo|mejor|mas\s+tranquil[oa]s?)\b[^.!?\n]{0,40}?\bsi\s+(?:yo\s+)?no\s+(?:estuviera|existiera"
        r"|despertara|hubiera\s+nacido)\b|\b(?:estarian|estaria)\s+mejor\s+con\s+otra\s+(?:madre|mama|esposa|mujer)\b",
        E,
        negatable=False,
    ),
)
