"""Spanish coercive control framed as love or care: isolation the writer has given in to ("no
le gusta que salga con las compañeras, entonces ya ni voy"), "no quiere que trabaje",
passwords and live location asked "por seguridad", the pay handed over. The framing never
defuses the control. Normalised text: no accents or tildes.
"""

from __future__ import annotations

from functools import partial

from service.safety.rule import Rule, make_rule
from service.taxonomy import RiskLevel

_r = partial(make_rule, "es")
E = RiskLevel.ELEVATED

_REACT = (
    r"(?:no\s+le\s+gusta\s+que\s+(?:\w+\s+){0,2}?(?:salga|vea|visite|hable|vaya|me\s+vista|tenga|invite|llame|me\s+junte"
    r"|me\s+maquille|use)\b|no\s+quiere\s+que\s+(?:\w+\s+){0,2}?(?:salga|vea|visite|hable|vaya|me\s+junte|invite)\b"
    r"|se\s+(?:pone|enoja|enfada|molesta|pone\s+(?:triste|celos[oa]|mal|de\s+malas))\s+(?:\w+\s+)?(?:cuando|si|cada\s+vez"
    r"\s+que)\s+(?:\w+\s+){0,3}?(?:salgo|veo|voy|hablo|visito|llamo|me\s+junto))"
)
_GAVE_IN = (
    r"(?:entonces|asi\s+que|por\s+eso|pues|y|ya)\s+(?:ya\s+)?(?:ni|no)\s+(?:\w+\s+){0,2}?(?:voy|salgo|veo|hablo|visito"
    r"|llamo|los\s+veo|las\s+veo|la\s+veo|lo\s+veo|me\s+junto)\b|\b(?:ya\s+)?deje\s+de\s+(?:ir|salir|ver\w*|hablar\w*"
    r"|visitar\w*)\b|\bya\s+(?:ni|no)\s+voy\b"
)

RULES: tuple[Rule, ...] = (
    _r(
        "coercive_control",
        "isolation_given_in",
        rf"\b{_REACT}[^\n]{{0,150}}?(?:{_GAVE_IN})",
        E,
        negatable=False,
    ),
    _r(
        "coercive_control",
        "doesnt_want_me_to",
        r"\bno\s+quiere\s+que\s+(?:yo\s+)?(?:vea|visite|salga\s+con|hable\s+con|llame\s+a)\s+(?:a\s+)?(?:mi|mis)\s+(?:familia"
        r"|amig\w+|papas|padres|mama|madre|papa|padre|herman\w+|prim\w+|compa\w+)\b"
        r"|\bno\s+quiere\s+que\s+(?:yo\s+)?(?:trabaje|vuelva\s+a\s+trabajar|busque\s+trabajo|estudie|tenga\s+(?:trabajo"
        r"|amigas|amigos))\b(?!\s+(?:tanto|tan\s+tarde|de\s+noche|los\s+fines|este|hoy|manana|enferm))"
        r"|\bme\s+(?:pidio|pide|exige|exigio|obliga\s+a\s+dar(?:le)?)\s+(?:la|las|mis|mi)\s+(?:clave|claves|contrasena"
        r"|contrasenas|password)\b"
        r"|\b(?:me\s+(?:ha\s+)?(?:pide|pidio|pedido|exige|exigio)|quiere|tengo\s+que\s+(?:compartir|mandar|tener|dejar))\s+"
        r"(?:\w+\s+){0,2}?(?:la\s+|mi\s+)?(?:ubicacion|localizacion)\s+(?:\w+\s+){0,2}?(?:en\s+tiempo\s+real|todo\s+el\s+tiempo"
        r"|siempre|a\s+todas\s+horas|activada|por\s+seguridad|en\s+vivo)\b",
        E,
        negatable=False,
    ),
    _r(
        "coercive_control",
        "money_as_care",
        r"\b(?:mi)\s+(?:sueldo|salario|quincena|pension|dinero)\s+(?:\w+\s+)?(?:va|se\s+va|entra|cae|llega)\s+(?:directo\s+)?"
        r"(?:a|en)\s+su\s+cuenta\b|\bno\s+tengo\s+acceso\s+a\s+(?:la|nuestra|mi|las)\s+(?:cuenta|cuentas|tarjeta|dinero)\b"
        r"|\ble\s+doy\s+todo\s+(?:el|mi)\s+(?:\w+\s+)?(?:dinero|sueldo|cash|salario|plata|quincena)\b[^.!?\n]{0,40}?"
        r"\bme\s+da\s+(?:solo\s+)?(?:para|\d+)\b|\bme\s+da\s+\d+\s*(?:pesos|euros|dolares|soles|lucas)?\s+(?:a\s+la|por|cada)"
        r"\s+(?:semana|quincena|mes)\b",
        E,
        negatable=False,
    ),
)
