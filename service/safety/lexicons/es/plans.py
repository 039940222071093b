"""Spanish plans told without a crisis word, as in English (lexicons/en/plans.py): a means at
hand plus a time when the writer will be alone ("ya amarré la cuerda en la viga. esta noche
cuando Liliana se duerma"). Normalised text: no accents or tildes.
"""

from __future__ import annotations

from functools import partial

from service.safety.rule import Rule, make_rule
from service.taxonomy import RiskLevel

_r = partial(make_rule, "es")
U = RiskLevel.URGENT

MEANS = (
    r"(?:pastillas|pastis|pildoras|medicamentos|medicinas|somniferos|clonazepam|rivotril|cuerda|soga|pistola|arma"
    r"|escopeta|rifle|veneno|matarratas|manguera)"
)
HELD = (
    rf"(?:\b(?:tengo|ya\s+tengo|tengo\s+ya)\s+(?:\w+\s+){{0,3}}?{MEANS}\b|\b{MEANS}\s+(?:\w+\s+){{0,6}}?(?:esta|estan|tengo"
    r"|la\s+tengo|lo\s+tengo|las\s+tengo|los\s+tengo)\s+(?:\w+\s+)?(?:escondid\w*|guardad\w*|listas?|listos?|en\s+(?:el|la|mi)"
    rf"|debajo|detras)\b|\b(?:ya\s+)?(?:amarre|compre|junte|guarde|escondi|baje|consegui|prepare)\s+(?:\w+\s+){{0,3}}?{MEANS}\b"
    r"|\bme\s+tomo\s+tod[oa]s?\s+(?:lo\s+que\s+tengo|las\s+que\s+tengo)\s+(?:guardad\w*|escondid\w*|juntad\w*))"
)
WHEN = (
    r"(?:esta\s+noche|hoy(?:\s+a\s+la\s+noche)?|manana(?:\s+temprano)?|este\s+fin\s+de\s+semana|el\s+(?:lunes|martes"
    r"|miercoles|jueves|viernes|sabado|domingo)(?:\s+temprano)?|ese\s+dia)"
)
ALONE = (
    r"(?:(?:cuando|mientras|antes\s+de\s+que|en\s+cuanto)\s+(?:\w+\s+){0,4}?(?:se\s+(?:duerma|duerman|vaya|vayan|lleve)"
    r"|esten?\s+dormid\w*|esten?\s+en\s+(?:el|la)\s+\w+|vuelva|llegue|regrese|se\s+despierte|salga)\b"
    r"|me\s+quedo\s+sol[oa]|(?:voy\s+a\s+estar|estare)\s+sol[oa])"
)
RESOLVE = (
    r"(?:me\s+(?:lo|la|las|los)\s+tomo|lo\s+hago|lo\s+voy\s+a\s+hacer|bajo|subo|me\s+voy|se\s+acaba|todo\s+termina"
    r"|es\s+el\s+dia)"
)
# The time stands on its own ("Tonight, when she's at work.") or comes with a resolve ("I'll do
# it"); "tonight when the kids are asleep I'll take a bath" is not a plan.
TIMED = (
    rf"(?:(?:\b{WHEN}\b[^.!?\n]{{0,40}}?\b{ALONE}|\b{ALONE}[^.!?\n]{{0,40}}?\b{WHEN}\b)"
    rf"(?=(?:\s+\w+){{0,2}}\s*(?:[.!?\n]|$)|[^.!?\n]{{0,40}}?\b{RESOLVE})"
    # ... or the time alone as a sentence: "I've got the pills. Tonight."
    rf"|(?:^|(?<=[.!?\n]))\s*\b{WHEN}\s*(?:[.!?\n]|$))"
)

RULES: tuple[Rule, ...] = (
    _r(
        "self_harm",
        "means_held_and_time",
        # The match is the first of the two parts, so a rule that already read the other one keeps
        # its own evidence.
        rf"(?={HELD}[^\n]{{0,200}}?{TIMED}){HELD}|(?={TIMED}[^\n]{{0,200}}?{HELD}){TIMED}",
        U,
        negatable=False,
    ),
)
