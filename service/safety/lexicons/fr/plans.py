"""French plans told without a crisis word, as in English (lexicons/en/plans.py): a means at
hand plus a time when the writer will be alone ("Le fusil est encore à la cave. Demain matin
quand Corinne sera partie au travail."). Normalised text: no accents, apostrophes dropped.
"""

from __future__ import annotations

from functools import partial

from service.safety.rule import Rule, make_rule
from service.taxonomy import RiskLevel

_r = partial(make_rule, "fr")
U = RiskLevel.URGENT

MEANS = (
    r"(?:cachets|medicaments|medocs|pilules|comprimes|somniferes|corde|fusil|carabine|arme|pistolet|tuyau|charbon"
    r"|poison|rasoir|doliprane|paracetamol)"
)
HELD = (
    rf"(?:\bjai\s+(?:\w+\s+){{0,3}}?(?:achete|garde|cache|mis\s+de\s+cote|recupere|trouve|pris|prepare|stocke|accroche)\s+"
    rf"(?:\w+\s+){{0,3}}?{MEANS}\b|\b{MEANS}\s+(?:\w+\s+){{0,6}}?(?:est|sont)\s+(?:deja\s+|encore\s+|bien\s+)?(?:cache\w*"
    rf"|pret\w*|dans|a\s+la|au|sous|derriere)\b|\bje\s+(?:mets|garde)\s+de\s+cote\s+(?:\w+\s+){{0,2}}?{MEANS}\b"
    rf"|\bjai\s+(?:les|la|le|mes|ma|mon|des|assez\s+de)\s+{MEANS}\b)"
)
WHEN = (
    r"(?:ce\s+soir|a\s+soir|cette\s+nuit|demain(?:\s+(?:matin|soir))?|ce\s+week-?end|cette\s+fin\s+de\s+semaine"
    r"|(?:lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche)(?:\s+(?:soir|matin|prochain))?|le\s+\d+(?:\s+au\s+matin)?"
    r"|apres\s+(?:le\s+\w+|ca))"
)
ALONE = (
    r"(?:(?:quand|pendant\s+qu|lorsqu|avant\s+qu|des\s+qu|une\s+fois\s+qu)\s*(?:\w+\s+){0,4}?(?:sera\s+parti\w*|est\s+parti\w*"
    r"|(?:sera|seront|est|sont|va\s+etre|vont\s+etre)\s+(?:\w+\s+)?(?:au|aux|a\s+la|a\s+l\w*|chez|en\s+\w+|de\s+(?:garde"
    r"|nuit)|couche\w*|endormi\w*)|dort|dormira|dormiront|se\s+reveille|revienne|rentre|rentrera|au\s+travail|au\s+foot"
    r"|a\s+lecole)\b"
    r"|(?:je\s+serai|chu|je\s+suis)\s+(?:tout\w*\s+)?seule?\b)"
)
RESOLVE = (
    r"(?:je\s+(?:le\s+fais|vais\s+le\s+faire|les\s+prends|les\s+avale|pars|men\s+vais|y\s+vais|monte)|(?:ca|ce)\s+(?:va\s+etre"
    r"|sera)\s+fini|cest\s+(?:la\s+que|ce\s+jour)|tout\s+sera\s+fini)"
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
