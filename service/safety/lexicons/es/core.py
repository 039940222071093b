"""Spanish rules, on normalised text: no accents or tildes ("pegó" -> "pego", "daño" -> "dano")."""

from __future__ import annotations

from functools import partial

from service.safety.rule import Attribution, Kind, Rule, make_rule
from service.taxonomy import RiskLevel

_r = partial(make_rule, "es")
U, E, C = RiskLevel.URGENT, RiskLevel.ELEVATED, RiskLevel.CONCERN
OTHER, AUTO = Attribution.OTHER, Attribution.AUTO

_PILLS = r"(?:\w+\s+)?(?:pastillas|pastis|pildoras|medicinas|medicamentos|somniferos)"
_KIDS = (
    r"(?:los\s+ninos|las\s+ninas|los\s+chicos|mis\s+hijos|nuestros\s+hijos|nuestr[ao]\s+(?:hij[oa]|bebe)"
    r"|mi\s+(?:hij[oa]|bebe)|el\s+bebe|la\s+bebe|la\s+nena|el\s+nene|al\s+(?:bebe|nene|nino|nino\s+chico))"
)
_ADV = r"(?:(?:ya|otra\s+vez|de\s+nuevo|siempre|a\s+veces|hoy|ayer|anoche|nunca|no)\s+)?"

RULES: tuple[Rule, ...] = (
    # --- self-harm --------------------------------------------------------------------------------
    _r(
        "self_harm",
        "pills_taken",
        rf"\b(?:me\s+)?(?:tome|tomado|trague|tragado|tomo|trago|voy\s+a\s+tomar|voy\s+a\s+tragar)\s+(?:todas\s+(?:mis|las)|un\s+monton\s+de|muchas|\d+"
        rf"|una\s+caja\s+de|el\s+frasco\s+de|un\s+frasco\s+de|un\s+punado\s+de)\s+{_PILLS}\b",
        U,
    ),
    _r(
        "self_harm",
        "pills_counted",
        rf"\b(?:conte|contando|guardando|juntando|juntado|guarde|acumulando)\s+(?:\w+\s+){{0,2}}?{_PILLS}\b",
        U,
    ),
    _r("self_harm", "overdose", r"\bsobredosis\b", U, attribution=AUTO),
    _r(
        "self_harm",
        "goodbye",
        r"\b(?:cartas?|notas?|mensajes?)\s+de\s+despedida\b|\bme\s+despedi\s+de\s+todos\b",
        U,
        attribution=AUTO,
    ),
    _r(
        "self_harm",
        "at_the_edge",
        r"\b(?:estoy|ando)\s+(?:\w+\s+){0,2}?(?:en|sobre)\s+(?:el|la|las)\s+(?:puente|azotea|techo|vias|cornisa"
        r"|borde|acantilado)\b",
        U,
    ),
    _r(
        "self_harm",
        "plan",
        r"\btengo\s+un\s+plan\b[^.!?\n]{0,40}?\b(?:morir|matarme|suicid\w*|acabar)\b",
        U,
    ),
    _r(
        "self_harm",
        "want_to_die",
        r"\b(?:quiero|quisiera|deseo|ganas\s+de)\s+(?:\w+\s+)?(?:morir|morirme|matarme|suicidarme)\b"
        r"|\bme\s+quiero\s+morir\b",
        E,
        urgent_on_timing=True,
        jokeable=True,
    ),
    _r(
        "self_harm",
        "kill_myself",
        r"\b(?:me\s+voy\s+a\s+(?:matar|suicidar)|voy\s+a\s+(?:matarme|suicidarme)|quitarme\s+la\s+vida"
        r"|acabar\s+con\s+(?:mi\s+vida|todo)|terminar\s+con\s+(?:mi\s+vida|todo)|me\s+mato"
        r"|me\s+(?:pego|pegaria|voy\s+a\s+pegar)\s+un\s+tiro|pegarme\s+un\s+tiro)\b",
        E,
        urgent_on_timing=True,
        jokeable=True,
    ),
    _r(
        "self_harm",
        "suicide_word",
        r"\bsuicid\w*|\bautolesi\w*",
        E,
        attribution=AUTO,
        urgent_on_timing=True,
    ),
    _r(
        "self_harm",
        "not_live",
        r"\bya\s+no\s+quiero\s+(?:vivir|seguir)\b|\bno\s+quiero\s+(?:seguir\s+)?(?:vivir|existir|despertar"
        r"|estar\s+aqui)\b|\bno\s+despertar\s+(?:mas|nunca)\b|\bojala\s+(?:no\s+despertara|no\s+me\s+despierte"
        r"|estuviera\s+muert[oa]|me\s+muriera|no\s+hubiera\s+nacido)\b|\bdesaparecer\s+para\s+siempre\b"
        r"|\bdejar\s+de\s+existir\b",
        E,
        negatable=False,
    ),
    _r(
        "self_harm",
        "better_off",
        r"\b(?:estarian|estaria|estarias)\s+mejor\s+sin\s+mi\b|\bmejor\s+sin\s+mi\b",
        E,
    ),
    _r(
        "self_harm",
        "hurt_myself",
        r"(?<!va a )(?<!iba a )\b(?:hacerme\s+dano|lastimarme|cortarme)\b|\bme\s+(?:corto|he\s+cortado|lastimo)"
        r"\s+(?:otra\s+vez|de\s+nuevo|los\s+brazos|las\s+piernas|a\s+proposito)\b",
        E,
        urgent_on_timing=True,
    ),
    _r(
        "self_harm",
        "thinking",
        r"\b(?:pienso|pensando|pensamientos|pense|ideas?)\s+(?:\w+\s+){0,2}?(?:en|de)\s+(?:\w+\s+){0,2}?"
        r"(?:matarme|suicid\w*|morir(?:me)?|quitarme\s+la\s+vida|acabar\s+con\s+todo)\b",
        E,
        urgent_on_timing=True,
    ),
    _r(
        "self_harm",
        "other",
        r"\b(?:el|ella)\s+(?:\w+\s+){0,2}?(?:quiere|queria)\s+(?:\w+\s+)?(?:morir|morirse|matarse)\b"
        # "se va a matar" / "va a matarse", not "me va a matar" (a threat against the writer).
        r"|\bse\s+(?:quiere|va\s+a|intento)\s+(?:matar|suicidar)\b|\b(?:quiere|intento|va\s+a)\s+(?:matar|suicidar)se\b|\bse\s+corta\b"
        r"|\bquiere\s+(?:\w+\s+)?(?:morir|morirse|matarse|suicidarse)\b",
        E,
        attribution=OTHER,
    ),
    # --- partner violence ---------------------------------------------------------------------------
    _r(
        "partner_violence",
        "attack_now",
        r"\b(?:me\s+esta|esta)\s+(?:pegando|golpeando|ahorcando|estrangulando|matando|pateando)(?:me)?\b",
        U,
    ),
    _r(
        "partner_violence",
        "weapon",
        r"\b(?:tiene|saco|agarro|trae|tomo)\s+(?:un|una|el|la|su)\s+(?:cuchillo|navaja|pistola|arma|machete|martillo)\b",
        U,
    ),
    _r(
        "partner_violence",
        "door_and_hiding",
        r"\b(?:golpeando|pateando|aporreando)\s+(?:\w+\s+){0,2}?(?:la\s+)?puerta\b[^\n]{0,80}?\b(?:escondid[ao]"
        r"|encerrad[ao])\b|\b(?:escondid[ao]|encerrad[ao])\b[^\n]{0,80}?(?:golpeando|pateando|aporreando)"
        r"\s+(?:\w+\s+){0,2}?(?:la\s+)?puerta\b",
        U,
    ),
    _r(
        "partner_violence",
        "hiding",
        r"\b(?:escondid[ao]|encerrad[ao]|me\s+escondi|me\s+encerre)\s+(?:\w+\s+){0,2}?(?:en\s+el\s+bano"
        r"|en\s+el\s+cuarto|en\s+la\s+habitacion|de\s+el|de\s+ella)\b",
        E,
        urgent_on_timing=True,
    ),
    _r(
        "partner_violence",
        "hit_me",
        rf"\bme\s+{_ADV}(?:ha\s+)?{_ADV}(?:pego|pega|pegaba|pegado|golpeo|golpea|golpeaba|golpeado|empujo|empuja"
        r"|empujado|abofeteo|cacheteo|ahorco|ahorca|estrangulo|pateo|patea|violo|agredio|lastimo|lastima"
        r"|dio\s+(?:una|un)\s+(?:bofetada|cachetada|patada|paliza|golpe|punetazo|empujon|cachetazo))\b"
        # "me pego un tiro" is a (joking or not) self-harm phrase; "me golpeo la cabeza" is self-injury.
        r"(?!\s+(?:un\s+tiro|la\s+cabeza|a\s+mi\s+mism[oa]|solo|sola|en\s+las\s+piernas)\b)",
        E,
    ),
    _r(
        "partner_violence",
        "threat_kill",
        r"\b(?:me\s+va\s+a|va\s+a|me\s+iba\s+a|iba\s+a)\s+(?:matar|pegar|golpear|hacer\s+dano|lastimar)(?:me)?\b"
        r"|\bme\s+(?:amenazo|amenaza|amenazaba)\b|\bamenaz\w*\s+con\s+matarme\b"
        r"|\bdijo\s+que\s+me\s+(?:iba\s+a\s+|va\s+a\s+)?matar\w*\b",
        E,
        urgent_on_timing=True,
        jokeable=True,
    ),
    _r(
        "concern",
        "writer_threat",
        r"\b(?:lo|la)\s+voy\s+a\s+matar\b|\bvoy\s+a\s+matarl[oa]\b",
        C,
        jokeable=True,
    ),
    _r("concern", "writer_anger", r"\b(?:lo|la)\s+(?:mataria|podria\s+matar)\b", C, jokeable=True),
    _r(
        "partner_violence",
        "thrown_at_me",
        r"\bme\s+(?:tiro|lanzo|arrojo|avento)\s+(?:un|una|el|la|los|las)\s+\w+",
        E,
    ),
    _r(
        "partner_violence",
        "injuries_and_violence",
        r"\bmoretones\b|\bmoratones\b|\bojo\s+morado\b|\bviolencia\s+(?:domestica|de\s+genero|intrafamiliar)\b"
        r"|\b(?:es|se\s+pone)\s+(?:muy\s+)?violent[oa]\b",
        E,
        attribution=AUTO,
    ),
    _r(
        "partner_violence",
        "afraid_of_harm",
        r"\bmiedo\s+(?:a\s+|de\s+)?que\s+me\s+(?:pegue|mate|haga\s+dano|lastime)\b|\bmiedo\s+por\s+mi\s+vida\b"
        r"|\bno\s+me\s+siento\s+segur[oa]\b",
        E,
        negatable=False,
        urgent_on_timing=True,
    ),
    # --- coercive control ----------------------------------------------------------------------------
    _r(
        "coercive_control",
        "monitoring",
        r"\b(?:revisa|revisaba|reviso|checa|chequea|mira|lee|controla|vigila|espia|registra)\s+(?:\w+\s+)?"
        r"(?:mi\s+(?:celular|telefono|movil|cel|whatsapp|correo|computadora|compu|ubicacion)|mis\s+(?:mensajes"
        r"|chats|correos|redes|llamadas|cuentas|gastos))\b",
        E,
        guard_writer_subject=True,
    ),
    _r(
        "coercive_control",
        "tracking",
        r"\bme\s+(?:rastrea|localiza|persigue|espia|vigila|acosa)\b|\bcompartir\s+mi\s+ubicacion\b"
        r"|\bsaber\s+donde\s+estoy\s+(?:todo\s+el\s+tiempo|siempre|a\s+todas\s+horas)\b",
        E,
    ),
    _r(
        "coercive_control",
        "forbids",
        r"\bno\s+me\s+deja\s+(?:\w+\s+)?(?:ver|salir|trabajar|hablar|ir|tener|usar|visitar|llamar|estudiar|vestir)\b"
        r"|\bme\s+prohib(?:e|io)\b|\bno\s+tengo\s+permiso\s+para\b|\bno\s+me\s+permite\b",
        E,
        negatable=False,
    ),
    _r(
        "coercive_control",
        "takes_things",
        # "se llevó las llaves de mi auto en el bolsillo" by mistake is not control.
        r"\b(?=quit|escond|se\s+llev|guard)(?![^.!?\n]{0,80}\b(?:en\s+el\s+bolsillo|sin\s+querer|por\s+error|por\s+equivocacion|sin\s+darse\s+cuenta))"
        r"\b(?:quita|quito|esconde|escondio|se\s+lleva|se\s+llevo|guarda)\s+(?:las\s+llaves|mi\s+(?:telefono|celular"
        r"|dinero|sueldo|salario|pasaporte|tarjeta)|mis\s+(?:llaves|documentos|tarjetas))\b",
        E,
        guard_writer_subject=True,
        jokeable=True,
    ),
    _r(
        "coercive_control",
        "money",
        r"\b(?:controla|maneja\s+solo|maneja\s+todo)\s+(?:\w+\s+)?(?:el\s+dinero|la\s+plata|nuestro\s+dinero"
        r"|mi\s+dinero|las\s+finanzas|mis\s+gastos|la\s+cuenta|mi\s+sueldo)\b|\bpedirle\s+(?:permiso|dinero)\b"
        r"|\bpedir\s+permiso\b",
        E,
        guard_writer_subject=True,
    ),
    _r(
        "coercive_control",
        "isolation",
        r"\bme\s+(?:aisla|aislo|ha\s+aislado)\b|\baislad[oa]\s+de\s+(?:mis\s+amig\w+|mi\s+familia)\b"
        r"|\bme\s+(?:aleja|alejo)\s+de\s+(?:mis\s+amig\w+|mi\s+familia)\b",
        E,
    ),
    _r(
        "coercive_control",
        "threats",
        r"\bsi\s+(?:me\s+voy|lo\s+dejo|la\s+dejo|te\s+vas|me\s+dejas)\b[^.!?\n]{0,60}?\b(?:ninos|hijos|ninas|hijas)\b"
        r"|\bquitar(?:me|te)?\s+a\s+los\s+(?:ninos|hijos)\b|\bno\s+(?:volveras|volvere)\s+a\s+ver\s+a\s+(?:los|tus|mis)"
        r"\s+(?:ninos|hijos)\b|\bnadie\s+(?:te|me)\s+(?:va\s+a\s+)?(?:creer|creera|cree)\b"
        r"|\bte\s+vas\s+a\s+arrepentir\b|\bte\s+arrepentiras\b",
        E,
        negatable=False,
    ),
    # --- child safety ----------------------------------------------------------------------------------
    _r(
        "child_safety",
        "hits_child",
        rf"\b(?:le\s+|les\s+)?(?:pega|pego|golpea|golpeo|abofetea|sacude|sacudio|zarandea)\s+(?:a\s+)?{_KIDS}\b",
        E,
        attribution=OTHER,
        urgent_on_timing=True,
    ),
    _r(
        "child_safety",
        "neglect",
        rf"\bdej[ao]\s+(?:\w+\s+)?(?:a\s+)?{_KIDS}\s+(?:\w+\s+)?sol[oa]s?\b|\b(?:borrach[oa]|ebri[oa]|drogad[oa])\b"
        rf"[^.!?\n]{{0,40}}?\bcon\s+{_KIDS}\b|\bmaneja\s+(?:\w+\s+){{0,2}}?borrach[oa]\b[^.!?\n]{{0,30}}?(?:ninos|hijos)",
        E,
        attribution=OTHER,
        urgent_on_timing=True,
    ),
    # --- concern ------------------------------------------------------------------------------------------
    _r(
        "concern",
        "hopeless",
        r"\bde\s+que\s+sirve\b|\bya\s+no\s+(?:puedo|aguanto)\s+mas\b|\bno\s+(?:puedo|aguanto)\s+mas\b"
        r"|\bsin\s+esperanza\b|\bdesesperad[oa]\b|\bnada\s+(?:va\s+a\s+)?cambia(?:r|ra)?\b"
        r"|\bnunca\s+va\s+a\s+cambiar\b|\bno\s+(?:tiene|hay)\s+sentido\b|\batrapad[oa]\b|\bno\s+hay\s+salida\b"
        r"|\bme\s+rindo\b",
        C,
        negatable=False,
        kind=Kind.HOPELESS,
    ),
    _r(
        "concern",
        "fear",
        r"\b(?:miedo|temor)\s+(?:a|de)\s+(?:el|ella|mi\s+(?:esposo|marido|novio|pareja|esposa|novia))\b"
        r"|\bme\s+da\s+(?:\w+\s+){0,3}?miedo\b|\bme\s+asusta\b",  # "me da (un poco de) miedo"
        C,
        kind=Kind.FEAR,
    ),
)
