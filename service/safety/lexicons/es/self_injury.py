"""Spanish self-injury by any method, also minimised ("tampoco es tan grave"): cuts, burns with
a lighter, scratching until it bleeds, hitting one's head, purging, starving on purpose.
Current or recent self-injury is elevated self-harm. Normalised text: no accents or tildes.
"""

from __future__ import annotations

from functools import partial

from service.safety.rule import Rule, make_rule
from service.taxonomy import RiskLevel

_r = partial(make_rule, "es")
E = RiskLevel.ELEVATED

_PART = (
    r"(?:los\s+brazos|las\s+piernas|el\s+brazo|la\s+pierna|las?\s+munecas?|el\s+muslo|los\s+muslos|la\s+panza"
    r"|el\s+abdomen|la\s+cadera|las\s+caderas|el\s+antebrazo|los\s+antebrazos|la\s+piel|el\s+tobillo|la\s+mano"
    r"|las\s+manos|el\s+estomago|la\s+barriga)"
)
_TOOL = (
    r"(?:encendedor|mechero|cigarro|cigarrillo|cerillo|fosforo|cuchilla|navaja|gillette|cutter|tijeras|cuchara"
    r"|aguja|alfiler|compas|sacapuntas|vidrio|cristal)"
)
_ACCIDENT = (
    r"(?![^.!?\n]{0,40}\b(?:sol|playa|horno|sarten|olla|cocin\w*|plancha|estufa|vapor|sin\s+querer|por\s+accidente"
    r"|afeit\w*|depil\w*|pelando|picando))"
)

RULES: tuple[Rule, ...] = (
    _r(
        "self_harm",
        "cuts_and_burns",
        r"\bme\s+(?:hago|hice|he\s+hecho|hacia|estoy\s+haciendo|sigo\s+haciendo)\s+(?:\w+\s+)?(?:cortes|cortaditas?"
        r"|cortadas|quemaduras|heridas|rasgunos|rayas)\b"
        r"|\bme\s+(?:corte|he\s+cortado|cortaba|corto|volvi\s+a\s+cortar|vuelvo\s+a\s+cortar|queme|he\s+quemado|quemaba"
        rf"|quemo|volvi\s+a\s+quemar)\s+(?:\w+\s+){{0,2}}?(?:otra\s+vez|de\s+nuevo|{_PART}|a\s+proposito|adrede"
        rf"|con\s+(?:el|la|un|una|mi)\s+{_TOOL})\b{_ACCIDENT}"
        rf"|\b(?:encendedor|mechero|cigarro|cigarrillo|cuchara\s+caliente)\b[^.!?\n]{{0,30}}?\b(?:en|contra|sobre)\s+"
        rf"{_PART}\b",
        E,
    ),
    _r(
        "self_harm",
        "until_it_bleeds",
        r"\bme\s+(?:rasco|rascaba|rasque|arano|arane|aranaba|rasguno|rasgune|muerdo|mordi|mordia|pellizco|golpeo"
        r"|golpee|pego|pegue)\s+(?:\w+\s+){0,3}?hasta\s+(?:sangrar|que\s+(?:me\s+)?sangr\w+|hacerme\s+(?:sangre|dano)"
        r"|sacarme\s+sangre|que\s+(?:me\s+)?duel\w+|marear\w*)"
        r"|\b(?:golpeo|golpee|le\s+doy|le\s+di|doy|di|daba)\s+(?:punetazos|golpes|punetes)\s+a\s+la\s+pared\s+hasta\s+"
        r"(?:sangrar|que\s+(?:me\s+)?sangr\w+|romperme)",
        E,
    ),
    _r(
        "self_harm",
        "head_banging",
        r"\bme\s+(?:golpeo|golpee|pego|pegue|doy|di|daba|golpeaba)\s+(?:\w+\s+){0,2}?(?:la\s+cabeza|golpes|cabezazos"
        r"|punetazos)\s+(?:\w+\s+){0,2}?(?:contra|en)\s+(?:la|las|el)\s+(?:pared|paredes|puerta|suelo|piso)\b"
        r"|\bme\s+(?:golpeo|pego|doy\s+golpes\s+en)\s+(?:en\s+)?(?:la\s+cabeza|las\s+piernas|la\s+cara)\s+con\s+(?:los|el"
        r"|mis)\s+pun(?:o|os)\b",
        E,
    ),
    _r(
        "self_harm",
        "purging",
        r"\b(?:volvi|vuelvo)\s+a\s+vomitar\b|\bme\s+(?:hago|hice|provoco|provoque|induzco)\s+(?:el\s+)?vomit(?:o|ar)\b"
        r"|\bme\s+meto\s+los\s+dedos\b|\bvomito\s+(?:\w+\s+){0,2}?(?:a\s+proposito|despues\s+de\s+(?:comer|cenar"
        r"|cada\s+comida))",
        E,
        negatable=False,
    ),
    _r(
        "self_harm",
        "starving",
        r"\b(?:comiendo|como|comi)\s+(?:solo|solamente|nada\s+mas\s+que)\s+(?:una|un|media)\s+(?:manzana|yogur|galleta)"
        r"\s+al\s+dia\b|\bno\s+como\s+(?:\w+\s+){0,2}?(?:a\s+proposito|adrede|para\s+castigarme)"
        r"|\bdeje\s+de\s+comer\s+(?:a\s+proposito|adrede)|\bme\s+salto\s+(?:las\s+)?comidas\s+(?:a\s+proposito"
        r"|para\s+castigarme)|\bno\s+me\s+merezco\s+comer\b|\bsin\s+comer\s+a\s+proposito\b",
        E,
        negatable=False,
    ),
)
