"""More Spanish rules: indirect self-harm ideation and plans, violence explained away, weapons in
conflict, threats, everyday control, locking in, and children in danger (see lexicon_es)."""

from __future__ import annotations

from functools import partial

from service.safety.rule import Attribution, Rule, make_rule
from service.taxonomy import RiskLevel

_r = partial(make_rule, "es")
U, E = RiskLevel.URGENT, RiskLevel.ELEVATED
OTHER, AUTO = Attribution.OTHER, Attribution.AUTO

_PILLS = r"(?:pastillas|pildoras|medicamentos|medicinas|somniferos)"
_KIDS = (
    r"(?:los\s+ninos|las\s+ninas|los\s+chicos|mis\s+hijos|nuestros\s+hijos|nuestr[ao]\s+(?:hij[oa]|bebe)"
    r"|mi\s+(?:hij[oa]|bebe)|el\s+bebe|la\s+bebe|la\s+nena|el\s+nene|el\s+nino|la\s+nina)"
)
_WEAPON = r"(?:pistola|arma|escopeta|cuchillo|navaja)"

RULES: tuple[Rule, ...] = (
    # --- self-harm ------------------------------------------------------------------------------------
    _r(
        "self_harm",
        "means_ready",
        rf"\b{_PILLS}\s+(?:\w+\s+)?(?:preparad[ao]s|guardad[ao]s|contad[ao]s|juntad[ao]s)\b"
        r"(?!\s+para\s+(?:el|la|las|los|mi|mis)\s+(?:viaje|vacaciones|semana|mes|tratamiento|manana|dia))"
        r"|\bme\s+despedi\s+de\s+(?:\w+\s+){0,2}?sin\s+que\b",
        U,
        attribution=AUTO,
    ),
    _r(
        "self_harm",
        "better_dead",
        r"\b(?:estarian|estaria)\s+mejor\s+si\s+(?:yo\s+)?(?:me\s+muriera|no\s+estuviera|desapareciera)\b"
        r"|\bvalgo\s+mas\s+muert[oa]\b|\bno\s+(?:le\s+)?veo\s+(?:sentido\s+a\s+(?:la\s+vida|vivir|seguir)"
        r"|razon\s+para\s+vivir)\b|\bningun\s+motivo\s+para\s+(?:vivir|seguir)\b|\bsin\s+razon\s+para\s+vivir\b",
        E,
        negatable=False,
    ),
    _r(
        "self_harm",
        "thoughts_back",
        r"\b(?:los\s+)?pensamientos\s+(?:\w+\s+)?(?:han\s+vuelto|volvieron)\b|\b(?:hospital\s+)?psiquiatrico\b"
        r"|\bsalirme\s+de\s+la\s+carretera\b|\bestrellarme\b",
        E,
        attribution=AUTO,
        urgent_on_timing=True,
    ),
    _r(
        "self_harm",
        "self_injury",
        r"\bme\s+(?:quemo|golpeo|rasguno|muerdo)\s+(?:a\s+mi\s+mism[oa]|los\s+brazos|las\s+piernas)\b|\bquemarme\b",
        E,
        urgent_on_timing=True,
    ),
    # --- partner violence -----------------------------------------------------------------------------
    _r(
        "partner_violence",
        "cover_story",
        r"\b(?:dije|dijimos)\s+(?:\w+\s+){0,3}?que\s+me\s+(?:cai|resbale|golpee)\b",
        E,
    ),
    _r(
        "partner_violence",
        "weapon_in_conflict",
        rf"\b{_WEAPON}\b[^.!?\n]{{0,60}}?\bcuando\s+discutimos\b|\bcuando\s+discutimos\b[^.!?\n]{{0,60}}?\b{_WEAPON}\b",
        E,
        urgent_on_timing=True,
    ),
    # --- coercive control -----------------------------------------------------------------------------
    _r(
        "coercive_control",
        "threats_more",
        r"\b(?:publicar|subir|mandar|ensenar)\s+(?:mis|nuestras)\s+(?:fotos|videos|desnudos)\b|\bdeportar(?:me)?\b"
        r"|\bque\s+me\s+deporten\b|\bno\s+(?:los|las|lo|la)\s+(?:vas|voy)\s+a\s+volver\s+a\s+ver\b"
        r"|\bno\s+(?:los|las|lo|la)\s+(?:volveras|volvere)\s+a\s+ver\b",
        E,
        negatable=False,
        urgent_on_timing=True,
    ),
    _r(
        "coercive_control",
        "locked_in",
        r"\bme\s+(?:encerro|encierra|dejo\s+encerrad[ao])\b",
        E,
        urgent_on_timing=True,
        jokeable=True,
    ),
    _r(
        "coercive_control",
        "everyday_control",
        r"\bcambio\s+(?:todas\s+)?(?:mis\s+)?contrasenas\b|\binstalo\s+(?:algo|una\s+app|un\s+programa)\s+en\s+mi\s+"
        r"(?:celular|telefono|movil)\b|\bdecide\s+(?:cuando|que|donde|con\s+quien)\s+(?:yo\s+)?(?:puedo|como|duermo"
        r"|salgo|voy|me)\b|\b(?:quita|quito|esconde|escondio|se\s+lleva|se\s+llevo|guarda)\s+(?:mis\s+(?:medicinas"
        r"|medicamentos|papeles|pastillas)|mi\s+(?:pension|jubilacion|documentacion))\b",
        E,
        guard_writer_subject=True,
        jokeable=True,
    ),
    # --- child safety ---------------------------------------------------------------------------------
    _r(
        "child_safety",
        "impaired_driving",
        rf"\bse\s+(?:ha\s+)?llev(?:o|ado)\s+(?:a\s+)?{_KIDS}[^.!?\n]{{0,40}}?\b(?:borrach[oa]|bebid[oa]|drogad[oa])\b"
        rf"|\b(?:borrach[oa]|bebid[oa]|drogad[oa])\b[^.!?\n]{{0,40}}?\bse\s+(?:ha\s+)?llev(?:o|ado)\s+(?:a\s+)?{_KIDS}",
        U,
        attribution=OTHER,
    ),
    _r(
        "child_safety",
        "rough_and_locked",
        rf"\b(?:le\s+|les\s+)?(?:pega|pego|golpea|golpeo)\s+con\s+(?:el|la|un|una)\s+\w+\s+(?:a\s+)?{_KIDS}"
        rf"|\b(?:brusco|violento|agresivo)\s+con\s+(?:{_KIDS}|ellos)\b|\bencierra\s+(?:a\s+)?{_KIDS}\b",
        E,
        attribution=OTHER,
        urgent_on_timing=True,
    ),
    _r(
        "child_safety",
        "child_fear",
        rf"\b{_KIDS}\b[^.!?\n]{{0,60}}?\b(?:aterrad[oa]s?\s+(?:de|con)\s+(?:el|ella)|le\s+tiene"
        r"\s+terror|les?\s+tiene\s+panico)\s*(?:[.!?,;]|$|\b(?:y|pero|cuando|desde)\b)",
        E,
        attribution=OTHER,
        negatable=False,
    ),
)
