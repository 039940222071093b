"""French self-injury by any method, also minimised ("c'est pas grave, c'est petit") or in
chat spelling ("jme suis coupé"): cutting, burning with a lighter, scratching until it bleeds,
hitting one's head, purging, starving on purpose, relapses. Current or recent self-injury is
elevated self-harm. Normalised text: no accents, apostrophes dropped ("j'ai" -> "jai").
"""

from __future__ import annotations

from functools import partial

from service.safety.rule import Rule, make_rule
from service.taxonomy import RiskLevel

_r = partial(make_rule, "fr")
E = RiskLevel.ELEVATED

BODY = (
    r"(?:bras|avant-bras|poignets?|cuisses?|jambes?|hanches?|ventre|peau|mains?|tete|chevilles?|epaules?|doigts?"
    r"|mollets?|poitrine|cou|visage|front|phalanges|jointures|cotes|dos|pieds?)"
)
_TOOL = (
    r"(?:briquet|cigarette|clope|allumettes?|flamme|cutter|lame|rasoir|compas|ciseaux|aiguille|epingle|couteau"
    r"|cuillere\s+chaude|fer\s+a\s+lisser|morceau\s+de\s+verre|verre\s+casse|taille-crayon)"
)
_DONE = (
    r"(?:brulee?|coupee?|scarifiee?|griffee?|mordue?|mutilee?|entaillee?|tailladee?|tapee?|frappee?|cognee?"
    r"|ouvert\s+(?:le|la|les)\s+\w+)"
)
# "je me suis encore coupé", "jme suis brûlé".
_I_DID = r"(?:\bje\s+me|\bjme|\bj\s+me)\s+suis\s+(?:encore\s+|de\s+nouveau\s+|re)?"
_BLOOD = (
    r"\bjusqu\s*(?:a|au)\s+(?:sang|saigner|ce\s+que\s+(?:ca|ça|\w+)\s+(?:saigne\w*|brule\w*)|avoir\s+mal"
    r"|voir\s+(?:des\s+)?etoiles|me\s+faire\s+mal)"
)

RULES: tuple[Rule, ...] = (
    _r(
        "self_harm",
        "injury_told",
        # "jme suis coupé encore hier soir ... au cutter", "j'ai pris le briquet et je me suis brûlé le poignet".
        rf"{_I_DID}{_DONE}\b(?=[^.!?\n]{{0,80}}\b(?:expres|volontairement|encore|de\s+nouveau|au\s+(?:briquet|cutter"
        r"|rasoir|compas)|a\s+la\s+(?:lame|cigarette|clope)|avec\s+(?:un|une|le|la|mon|ma)\s+(?:briquet|cutter|lame"
        r"|rasoir|cigarette|clope|compas|ciseaux|aiguille|epingle)|jusqu|pour\s+(?:me\s+punir|sentir|me\s+calmer)))"
        rf"|\b(?:briquet|cigarette|clope|cutter|lame|rasoir|compas)\b[^.!?\n]{{0,60}}?{_I_DID}{_DONE}\b"
        r"|\bje\s+me\s+(?:fais|faisais|suis\s+fait[e]?)\s+(?:\w+\s+)?(?:coupures|entailles|brulures|griffures"
        r"|scarifications|marques)\b"
        rf"|\b(?:coupures|entailles|griffures|brulures|marques)\s+(?:\w+\s+){{0,3}}?(?:au|a\s+la|avec\s+(?:le|la|un|une))"
        r"\s+(?:cutter|lame|rasoir|briquet|cigarette|clope|compas)\b",
        E,
    ),
    _r(
        "self_harm",
        "tool_to_skin",
        # "je tiens le briquet contre mon bras", "je me brûle le poignet à la cigarette".
        rf"\b(?:briquet|cigarette|clope|flamme|cuillere\s+(?:chaude|chauffee)|allumette)\b[^.!?\n]{{0,30}}?\b(?:sur|contre"
        rf"|dans)\s+(?:mon|ma|mes|l)\s*(?:\w+\s+)?{BODY}\b"
        rf"|\bje\s+me\s+(?:\w+\s+)?(?:brule|coupe|scarifie|taillade|entaille)\s+(?:\w+\s+){{0,3}}?(?:au|a\s+la|avec\s+(?:le|la"
        rf"|un|une|mon|ma))\s+{_TOOL}\b",
        E,
    ),
    _r(
        "self_harm",
        "until_it_bleeds",
        rf"(?:\bje\s+me|\bjme)\s+(?:suis\s+)?(?:\w+\s+)?(?:gratt|griff|arrach|mord|pinc|tap|cogn|frapp)\w*\s+(?:\w+\s+){{0,4}}?"
        rf"{_BLOOD}"
        r"|\bje\s+(?:frappe|tape|cogne)\s+(?:dans\s+)?(?:le|les)\s+murs?\s+(?:\w+\s+){0,3}?jusqu\s*(?:a|au)\s+(?:ce\s+que\s+"
        r"(?:mes|les)\s+(?:mains|jointures|phalanges|poings)\s+saignent|sang|saigner)",
        E,
    ),
    _r(
        "self_harm",
        "head_banging",
        r"(?:\bje\s+me|\bjme)\s+(?:\w+\s+)?(?:tape|cogne|frappe|tapais|cognais|suis\s+tapee?|suis\s+cognee?)\s+la\s+tete\s+"
        r"contre\s+(?:le|les|la)\s+(?:mur|murs|porte|sol|carrelage)\b(?=[^.!?\n]{0,60}\b(?:jusqu|expres|fort|plusieurs\s+fois"
        r"|encore|quand|a\s+chaque|volontairement))"
        r"|(?:\bje\s+me|\bjme)\s+(?:\w+\s+)?(?:tape|frappe|cogne)\s+(?:sur\s+)?(?:la\s+tete|les\s+cuisses|le\s+visage)\s+"
        r"(?:\w+\s+){0,2}?(?:avec|a\s+coups?\s+de)\s+(?:les\s+|mes\s+)?poings?\b",
        E,
    ),
    _r(
        "self_harm",
        "purging",
        r"(?:\bje\s+me|\bjme|\bj\s+me)\s+(?:fais|faisais|suis\s+fait[e]?)\s+vomir\b|(?<!\bva\s)\bme\s+faire\s+vomir\s+"
        r"(?:apres|tous\s+les|chaque|expres)|\b(?:doigts?)\s+dans\s+la\s+gorge\b",
        E,
    ),
    _r(
        "self_harm",
        "starving",
        r"\bsans\s+manger\s+(?:\w+\s+){0,2}?(?:expres|volontairement)\b|\b(?:expres|volontairement)\s+(?:\w+\s+){0,2}?sans"
        r"\s+manger\b|\bje\s+(?:ne\s+)?mange\s+(?:plus|rien|presque\s+rien|quasiment\s+rien)\s+(?:\w+\s+){0,2}?(?:expres"
        r"|volontairement|pour\s+me\s+punir)|\bje\s+me\s+prive\s+de\s+(?:manger|nourriture|repas)|\bje\s+maffame\b"
        r"|\bje\s+(?:ne\s+)?merite\s+pas\s+de\s+manger\b|\b(?:seulement|juste|que)\s+(?:une|un)\s+(?:pomme|yaourt)\s+par\s+jour\b",
        E,
        negatable=False,
    ),
    _r(
        "self_harm",
        "relapse",
        r"\brechut\w*\b[^.!?\n]{0,40}?\b(?:scarif\w*|me\s+couper|coupures|automutil\w*|vomir|me\s+bruler)"
        r"|\b(?:scarif\w*|automutil\w*)\b[^.!?\n]{0,30}?\brechut\w*",
        E,
    ),
)
