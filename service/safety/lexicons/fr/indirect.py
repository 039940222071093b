"""More French rules: indirect self-harm ideation and plans, violence explained away, weapons in
conflict, threats, everyday control, locking in, and children in danger (see lexicon_fr)."""

from __future__ import annotations

from functools import partial

from service.safety.rule import Attribution, Rule, make_rule
from service.taxonomy import RiskLevel

_r = partial(make_rule, "fr")
U, E = RiskLevel.URGENT, RiskLevel.ELEVATED
OTHER, AUTO = Attribution.OTHER, Attribution.AUTO

_PILLS = r"(?:cachets|medicaments|pilules|comprimes|somniferes)"
_KIDS = (
    r"(?:les\s+enfants|lenfant|le\s+bebe|notre\s+(?:fils|fille|bebe|enfant)|nos\s+enfants|mon\s+(?:fils|enfant)"
    r"|ma\s+fille|mes\s+enfants|les\s+petits)"
)
_WEAPON = r"(?:arme|pistolet|fusil|couteau|flingue)"
_DO_IT = r"je\s+(?:le\s+fais|vais\s+le\s+faire|passe\s+a\s+lacte)"

RULES: tuple[Rule, ...] = (
    # --- self-harm ------------------------------------------------------------------------------------
    _r(
        "self_harm",
        "means_ready",
        rf"\b{_PILLS}\s+(?:sont\s+)?(?:prets|comptes|prepares|de\s+cote)\b"
        rf"|\b(?:lettres?|tout\s+est\s+pret)\b[^\n]{{0,80}}?\b{_DO_IT}\b|\b{_DO_IT}\b[^\n]{{0,80}}?\b(?:tout\s+est\s+pret"
        r"|lettres?)\b",
        U,
    ),
    _r(
        "self_harm",
        "better_dead",
        r"\b(?:seraient|serait)\s+(?:plus\s+)?(?:heureux|heureuse|mieux)\s+si\s+(?:je\s+)?(?:netais\s+plus\s+la|mourais"
        r"|disparaissais)\b|\bvaux\s+plus\s+(?:cher\s+)?morte?\b|\b(?:aucune|plus\s+de)\s+raison\s+de\s+(?:vivre|continuer)"
        r"\b|\bje\s+ne\s+vois\s+(?:plus\s+)?(?:pas\s+)?(?:linteret|le\s+sens|lutilite)\s+de\s+vivre\b",
        E,
        negatable=False,
    ),
    _r(
        "self_harm",
        "thoughts_back",
        r"\b(?:les\s+)?(?:idees|pensees)\s+(?:noires\s+)?(?:sont\s+)?revenues\b|\bhopital\s+psychiatrique\b"
        r"|\bhp\s+psy\b|\b(?:foncer|me\s+jeter)\s+(?:dans|contre)\s+un\s+(?:arbre|mur)\b|\bquitter\s+la\s+route\b",
        E,
        attribution=AUTO,
        urgent_on_timing=True,
    ),
    _r(
        "self_harm",
        "self_injury",
        r"\bje\s+me\s+(?:brule|frappe|griffe|mords)\b",
        E,
        urgent_on_timing=True,
    ),
    # --- partner violence -----------------------------------------------------------------------------
    _r(
        "partner_violence",
        "cover_story",
        r"\b(?:dit|raconte)\s+(?:\w+\s+){0,3}?que\s+(?:je\s+)?(?:suis|jetais|etais)\s+tombee?\b",
        E,
    ),
    _r(
        "partner_violence",
        "weapon_in_conflict",
        rf"\b{_WEAPON}\b[^.!?\n]{{0,60}}?\bquand\s+on\s+se\s+dispute\b|\bquand\s+on\s+se\s+dispute\b[^.!?\n]{{0,60}}?"
        rf"\b{_WEAPON}\b",
        E,
        urgent_on_timing=True,
    ),
    # --- coercive control -----------------------------------------------------------------------------
    _r(
        "coercive_control",
        "exposure_and_authorities",
        r"\b(?:publier|poster|envoyer|montrer)\s+(?:mes|nos)\s+(?:photos|videos|nudes)\b|\bfaire\s+expulser\b"
        r"|\bme\s+denoncer\s+a\s+la\s+prefecture\b",
        E,
    ),
    _r(
        "coercive_control",
        "locked_in",
        r"\b(?:ma|mas)\s+enfermee?\b|\bmenferme\b|\bmenfermer\b",
        E,
        urgent_on_timing=True,
        jokeable=True,
    ),
    _r(
        "coercive_control",
        "everyday_control",
        r"\bchange\s+(?:tous\s+)?mes\s+mots\s+de\s+passe\b|\binstalle\s+(?:quelque\s+chose|une\s+appli\w*|un\s+logiciel)"
        r"\s+sur\s+mon\s+(?:telephone|portable|ordi)\b|\bdecide\s+(?:quand|ce\s+que|ou|qui)\s+je\b"
        r"|\b(?:prend|pris|confisque|garde|cache)\s+(?:\w+\s+)?(?:mes\s+medicaments|ma\s+pension|ma\s+retraite"
        r"|mes\s+papiers)\b",
        E,
        guard_writer_subject=True,
        jokeable=True,
    ),
    # --- child safety ---------------------------------------------------------------------------------
    _r(
        "child_safety",
        "impaired_driving",
        rf"\b(?:ivre|saoule?|soule?|bourree?)\b[^.!?\n]{{0,40}}?\bparti\w*\s+avec\s+{_KIDS}"
        rf"|\bparti\w*\s+avec\s+{_KIDS}\b[^.!?\n]{{0,40}}?\b(?:ivre|saoule?|soule?|bourree?)\b",
        U,
        attribution=OTHER,
    ),
    _r(
        "child_safety",
        "rough_and_locked",
        rf"\b(?:brutale?|violente?)\s+avec\s+(?:{_KIDS}|lui|eux)\b|\benferme\w*\s+(?:\w+\s+)?{_KIDS}\b"
        r"|\b(?:frappe|tape|bat)\s+(?:\w+\s+){0,3}?avec\s+(?:la|sa)\s+ceinture\b",
        E,
        attribution=OTHER,
        urgent_on_timing=True,
    ),
    _r(
        "child_safety",
        "child_fear",
        rf"\b{_KIDS}\b[^.!?\n]{{0,60}}?\bterrifiee?s?\s+(?:par\s+(?:lui|elle)|de\s+lui|delle)\b",
        E,
        attribution=OTHER,
        negatable=False,
    ),
)
