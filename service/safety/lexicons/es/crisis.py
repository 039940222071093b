"""Spanish rules for crisis phrasing, with or without accents: means plus resolve, passive
death wishes, jumping, strangulation, "si lo dejo me mata", hair-pulling and throwing down,
phone checks, withheld papers and pay, stalking and proof-of-location demands (see lexicon_es)."""

from __future__ import annotations

from functools import partial

from service.safety.rule import Rule, make_rule
from service.taxonomy import RiskLevel

_r = partial(make_rule, "es")
U, E = RiskLevel.URGENT, RiskLevel.ELEVATED

_MEANS = (
    r"(?:pastillas|pildoras|medicamentos|medicinas|somniferos|cuerda|soga|pistola|arma|cuchillo|navaja|puente|azotea"
    r"|vias)"
)
_RESOLVE = (
    r"(?:hoy|esta\s+noche|manana|ahora)\s+lo\s+hago|lo\s+(?:hago|voy\s+a\s+hacer)\s+(?:hoy|esta\s+noche|manana|ahora)"
    r"|voy\s+a\s+hacerlo|es\s+(?:esta\s+noche|hoy|manana)|(?:esta\s+noche|hoy)\s+(?:se\s+acaba|termina)\s+todo"
    r"|se\s+acaba\s+todo|todo\s+(?:esta\s+)?listo|ya\s+(?:lo\s+)?decidi|(?:ya\s+)?lo\s+he\s+decidido|ya\s+esta\s+decidido"
)
_LEAVE = r"(?:(?:lo|la|te)\s+dejo|me\s+voy|me\s+separo|(?:lo|la)\s+denuncio|(?:lo|la)\s+dejara|me\s+fuera)"

RULES: tuple[Rule, ...] = (
    # --- self-harm ------------------------------------------------------------------------------------
    _r(
        "self_harm",
        "means_and_resolve",
        rf"\b{_MEANS}\b[^\n]{{0,120}}?\b(?:{_RESOLVE})\b|\b(?:{_RESOLVE})\b[^\n]{{0,120}}?\b{_MEANS}\b",
        U,
    ),
    _r(
        "self_harm",
        "no_will_to_live",
        r"\bno\s+quiero\s+seguir\s+(?:viviendo|aqui|con\s+vida|existiendo)\b|\b(?:no\s+tengo|sin|ya\s+no\s+tengo)\s+"
        r"ganas\s+de\s+(?:vivir|seguir\s+viviendo|despertar)\b|\bcansad[oa]\s+de\s+(?:vivir|estar\s+viv[oa])\b"
        r"|\bno\s+vale\s+la\s+pena\s+(?:vivir|seguir\s+viviendo)\b|\bojala\s+no\s+despert\w*\b"
        r"|\bcuando\s+leas\s+esto\b[^.!?\n]{0,30}?\b(?:ya\s+no\s+estare|estare\s+muert[oa])\b",
        E,
        negatable=False,
        urgent_on_timing=True,
    ),
    _r(
        "self_harm",
        "jump",
        r"\b(?:saltar|tirarme|aventarme|lanzarme|arrojarme)\s+(?:del|de\s+la|desde\s+el|desde\s+la|al|a\s+las|a\s+la"
        r"|bajo\s+el|frente\s+al)\s+(?:puente|azotea|edificio|techo|balcon|tren|vias|metro|camion)\b",
        E,
        urgent_on_timing=True,
        jokeable=True,
    ),
    # --- partner violence ---------------------------------------------------------------------------
    _r(
        "partner_violence",
        "strangled",
        r"\bme\s+(?:apreto|apretaba|agarro|agarraba|tomo|sujeto)\s+(?:del\s+|el\s+|por\s+el\s+|de\s+la\s+|la\s+)?"
        r"(?:cuello|garganta)\b|\bmanos\s+(?:en|alrededor\s+de)\s+(?:mi|el)\s+cuello\b|\bme\s+(?:asfixio|asfixiaba)\b",
        E,
        urgent_on_timing=True,
    ),
    _r(
        "partner_violence",
        "if_leave",
        rf"\bsi\s+(?:yo\s+)?{_LEAVE}\b[^.!?\n]{{0,60}}?\b(?:me\s+mata|me\s+matar\w*|me\s+va\s+a\s+matar|matarme|me\s+busca"
        r"|me\s+encuentra|me\s+hace\s+dano|me\s+va\s+a\s+(?:buscar|encontrar|hacer\s+dano))\b",
        E,
        negatable=False,
        urgent_on_timing=True,
    ),
    _r(
        "partner_violence",
        "hair_and_floor",
        r"\bme\s+(?:agarro|jalo|jala|agarra|jalaba|tiro|tira|arrastro|arrastra)\s+(?:del|por\s+el|de\s+los|por\s+los)\s+"
        r"(?:pelo|cabello|pelos)\b|\bme\s+(?:tiro|tira|arrojo|empujo|avento|aviento)\s+(?:al|contra\s+el|contra\s+la"
        r"|por\s+las)\s+(?:piso|suelo|pared|escaleras)\b",
        E,
    ),
    # --- coercive control ------------------------------------------------------------------------------
    _r(
        "coercive_control",
        "checks_phone",
        r"\bme\s+(?:revisa|revisaba|reviso|checa|chequea|mira|lee|controla|vigila|espia|registra|esculca)\s+(?:\w+\s+)?"
        r"(?:el|los|las)\s+(?:celular|telefono|movil|cel|whatsapp|correo|mensajes|chats|redes|llamadas)\b",
        E,
    ),
    _r(
        "coercive_control",
        "withholds",
        r"\bme\s+(?:quita|quito|quitaba|esconde|escondio|retiene|retuvo|confisca|confisco)\s+(?:el|la|los|las|mi|mis)\s+"
        r"(?:pasaporte|documentos|papeles|dni|identificacion|celular|telefono|movil|llaves|tarjetas?|dinero|sueldo"
        r"|salario|plata)\b|\bse\s+queda\s+con\s+(?:todo\s+)?(?:mi|el)\s+(?:sueldo|salario|dinero|plata|pasaporte|tarjeta)\b",
        E,
        jokeable=True,
    ),
    _r(
        "coercive_control",
        "stalking_and_proof",
        r"\bme\s+(?:sigue|seguia|persigue)\s+(?:a\s+todas\s+partes|a\s+todos\s+lados|al\s+trabajo|hasta\s+(?:el|la|mi)"
        r"|por\s+todos\s+lados|cuando\s+salgo)\b|\bme\s+espera\s+(?:afuera|fuera|en\s+la\s+puerta)\s+(?:de|del)\b"
        r"[^.!?\n]{0,30}?\b(?:todos\s+los\s+dias|siempre|cada\s+dia)\b|\b(?:fotos?|pruebas?|selfies?)\b[^.!?\n]{0,50}?"
        r"\b(?:donde\s+estoy|con\s+quien\s+estoy)\b|\bdemostrar(?:le)?\s+donde\s+estoy\b",
        E,
    ),
    _r(
        "self_harm",
        "farewell_and_sleep",
        r"\b(?:decidle|dile|digan(?:le)?|decile)\s+a\s+\w+\s+que\s+(?:la|lo|los|las|le)\s+(?:quise|quiero|ame)\b"
        r"|\bpara\s+no\s+despertar(?:me)?\b|\b(?:fallecio|murio|perdi|muerte)\b[^\n]{0,120}?\b(?:irme|estar)\s+con\s+(?:ella|el)\b"
        r"|\bsi\s+yo\s+no\s+estuviera\s+(?:aqui|viva?o?)\b",
        E,
        negatable=False,
        urgent_on_timing=True,
    ),
    _r(
        "coercive_control",
        "control_more",
        r"\bsi\s+(?:lo|la|te)\s+dejo\b[^.!?\n]{0,40}?\bse\s+(?:mata|matara|va\s+a\s+matar|suicida)\b"
        r"|\bme\s+obliga\s+a\s+(?:tener|compartir|mandar|dejar)\s+(?:\w+\s+){0,2}?ubicacion\b"
        r"|\bme\s+(?:devuelve|manda\s+de\s+vuelta|regresa|deporta)\s+a\s+\w+\s+si\b|\bsin\s+(?:el|ella)\s+no\s+tengo\s+papeles\b"
        r"|\bme\s+sigue\s+en\s+el\s+(?:coche|carro|auto)\b|\borden\s+de\s+(?:alejamiento|proteccion)\b",
        E,
        negatable=False,
        absorbs=True,
        urgent_on_timing=True,
    ),
    _r(
        "partner_violence",
        "violence_more",
        r"\bme\s+(?:obliga|obligo|forzo|fuerza)\s+a\s+(?:tener\s+)?(?:relaciones|sexo|acostarme)\b"
        r"|\bme\s+(?:ha\s+)?dado\s+(?:una|un)\s+(?:paliza|golpe|bofetada|cachetada|patada|punetazo)\b"
        r"|\b(?:volver|venir|regresar|vuelve|viene)\s+con\s+(?:un|una|el|la|su)\s+(?:cuchillo|pistola|arma|navaja|machete)\b",
        E,
        urgent_on_timing=True,
    ),
    _r(
        "child_safety",
        "child_now",
        r"\b(?:tirar|tiro|tira|arrojo|lanzo|empujo)\s+a\s+(?:mi|nuestr[oa]|la|el)\s+(?:hij[oa]|bebe|nin[oa])\b"
        r"|\b(?:la|lo)\s+esta\s+(?:zarandeando|sacudiendo|golpeando|ahorcando)\b",
        E,
        urgent_on_timing=True,
    ),
)
