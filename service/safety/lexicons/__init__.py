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
| `<lang>/self_injury.py` | self-injury by any method (burning, cutting, scratching, hitting, purging, starving) |
| `<lang>/care_control.py` | isolation, monitoring and money control framed as love or care |
| `<lang>/plans.py` | a means at hand plus a time when the writer will be alone (urgent in every language) |
| `<lang>/passive_wishes.py` | passive death wishes without a plan ("easier if I wasn't here") |
| `en/everyday_control.py` | control told as everyday life (listening in, deciding who, locks and codes) |

Every module exports ``RULES``; a rule's id starts with its language (``de.self_harm.pills``),
which ``active_languages`` uses to decide per text which rules run.
"""

from __future__ import annotations

from service.safety.lexicons.de import care_control as de_care_control
from service.safety.lexicons.de import core as de_core
from service.safety.lexicons.de import crisis as de_crisis
from service.safety.lexicons.de import indirect as de_indirect
from service.safety.lexicons.de import means as de_means
from service.safety.lexicons.de import passive_wishes as de_passive_wishes
from service.safety.lexicons.de import plans as de_plans
from service.safety.lexicons.de import self_injury as de_self_injury
from service.safety.lexicons.de import sexual_coercion as de_sexual_coercion
from service.safety.lexicons.en import abuse as en_abuse
from service.safety.lexicons.en import care_control as en_care_control
from service.safety.lexicons.en import child as en_child
from service.safety.lexicons.en import control as en_control
from service.safety.lexicons.en import core as en_core
from service.safety.lexicons.en import crisis as en_crisis
from service.safety.lexicons.en import everyday_control as en_everyday_control
from service.safety.lexicons.en import finality as en_finality
from service.safety.lexicons.en import means as en_means
from service.safety.lexicons.en import passive_wishes as en_passive_wishes
from service.safety.lexicons.en import plans as en_plans
from service.safety.lexicons.en import self_harm as en_self_harm
from service.safety.lexicons.en import self_injury as en_self_injury
from service.safety.lexicons.en import sexual_coercion as en_sexual_coercion
from service.safety.lexicons.en import threats as en_threats
from service.safety.lexicons.en import warning_signs as en_warning_signs
from service.safety.lexicons.es import care_control as es_care_control
from service.safety.lexicons.es import core as es_core
from service.safety.lexicons.es import crisis as es_crisis
from service.safety.lexicons.es import indirect as es_indirect
from service.safety.lexicons.es import means as es_means
from service.safety.lexicons.es import passive_wishes as es_passive_wishes
from service.safety.lexicons.es import plans as es_plans
from service.safety.lexicons.es import self_injury as es_self_injury
from service.safety.lexicons.es import sexual_coercion as es_sexual_coercion
from service.safety.lexicons.fr import care_control as fr_care_control
from service.safety.lexicons.fr import core as fr_core
from service.safety.lexicons.fr import crisis as fr_crisis
from service.safety.lexicons.fr import indirect as fr_indirect
from service.safety.lexicons.fr import means as fr_means
from service.safety.lexicons.fr import passive_wishes as fr_passive_wishes
from service.safety.lexicons.fr import plans as fr_plans
from service.safety.lexicons.fr import self_injury as fr_self_injury
from service.safety.lexicons.fr import sexual_coercion as fr_sexual_coercion
from service.safety.rule import Rule

BY_LANGUAGE: dict[str, tuple[Rule, ...]] = {
    "en": (
        en_core.RULES + en_abuse.RULES + en_self_harm.RULES + en_control.RULES + en_child.RULES
        + en_crisis.RULES + en_threats.RULES + en_warning_signs.RULES + en_means.RULES
        + en_sexual_coercion.RULES + en_finality.RULES + en_self_injury.RULES
        + en_care_control.RULES + en_plans.RULES + en_everyday_control.RULES
        + en_passive_wishes.RULES
    ),
    "de": de_core.RULES + de_indirect.RULES + de_crisis.RULES + de_means.RULES + de_sexual_coercion.RULES
    + de_self_injury.RULES + de_care_control.RULES + de_plans.RULES
    + de_passive_wishes.RULES,
    "fr": fr_core.RULES + fr_indirect.RULES + fr_crisis.RULES + fr_means.RULES + fr_sexual_coercion.RULES
    + fr_self_injury.RULES + fr_care_control.RULES + fr_plans.RULES
    + fr_passive_wishes.RULES,
    "es": es_core.RULES + es_indirect.RULES + es_crisis.RULES + es_means.RULES + es_sexual_coercion.RULES
    + es_self_injury.RULES + es_care_control.RULES + es_plans.RULES
    + es_passive_wishes.RULES,
}  # fmt: skip

ALL_RULES: tuple[Rule, ...] = tuple(rule for rules in BY_LANGUAGE.values() for rule in rules)
