"""The safety rules, one folder per language and one module per kind of signal.

| module | what it holds |
|---|---|
| `<lang>/core.py` | the first rules of the language: self-harm, violence, control, children, concern |
| `<lang>/crisis.py` | crisis phrasing: means plus resolve, farewells, threats in both word orders |
| `<lang>/indirect.py` (de/fr/es) | indirect ideation and plans, violence explained away, weapons |
| `<lang>/means.py` | asking about means or methods (how many pills, the most painless way) |
| `<lang>/sexual_coercion.py` | sex out of fear, "I owe him" |
| `en/abuse.py`, `en/threats.py`, `en/control.py` | partner violence and coercive control |
| `en/self_harm.py`, `en/finality.py`, `en/warning_signs.py` | self-harm: indirect, settling affairs, elliptic plans |
| `en/child.py` | child safety |

Every module exports ``RULES``; a rule's id starts with its language (``de.self_harm.pills``),
which ``active_languages`` uses to decide per text which rules run.
"""

from __future__ import annotations

from service.safety.lexicons.de import core as de_core
from service.safety.lexicons.de import crisis as de_crisis
from service.safety.lexicons.de import indirect as de_indirect
from service.safety.lexicons.de import means as de_means
from service.safety.lexicons.de import sexual_coercion as de_sexual_coercion
from service.safety.lexicons.en import abuse as en_abuse
from service.safety.lexicons.en import child as en_child
from service.safety.lexicons.en import control as en_control
from service.safety.lexicons.en import core as en_core
from service.safety.lexicons.en import crisis as en_crisis
from service.safety.lexicons.en import finality as en_finality
from service.safety.lexicons.en import means as en_means
from service.safety.lexicons.en import self_harm as en_self_harm
from service.safety.lexicons.en import sexual_coercion as en_sexual_coercion
from service.safety.lexicons.en import threats as en_threats
from service.safety.lexicons.en import warning_signs as en_warning_signs
from service.safety.lexicons.es import core as es_core
from service.safety.lexicons.es import crisis as es_crisis
from service.safety.lexicons.es import indirect as es_indirect
from service.safety.lexicons.es import means as es_means
from service.safety.lexicons.es import sexual_coercion as es_sexual_coercion
from service.safety.lexicons.fr import core as fr_core
from service.safety.lexicons.fr import crisis as fr_crisis
from service.safety.lexicons.fr import indirect as fr_indirect
from service.safety.lexicons.fr import means as fr_means
from service.safety.lexicons.fr import sexual_coercion as fr_sexual_coercion
from service.safety.rule import Rule

BY_LANGUAGE: dict[str, tuple[Rule, ...]] = {
    "en": (
        en_core.RULES + en_abuse.RULES + en_self_harm.RULES + en_control.RULES + en_child.RULES
        + en_crisis.RULES + en_threats.RULES + en_warning_signs.RULES + en_means.RULES
        + en_sexual_coercion.RULES + en_finality.RULES
    ),
    "de": de_core.RULES + de_indirect.RULES + de_crisis.RULES + de_means.RULES + de_sexual_coercion.RULES,
    "fr": fr_core.RULES + fr_indirect.RULES + fr_crisis.RULES + fr_means.RULES + fr_sexual_coercion.RULES,
    "es": es_core.RULES + es_indirect.RULES + es_crisis.RULES + es_means.RULES + es_sexual_coercion.RULES,
}  # fmt: skip

ALL_RULES: tuple[Rule, ...] = tuple(rule for rules in BY_LANGUAGE.values() for rule in rules)
