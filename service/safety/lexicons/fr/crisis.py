"""French rules for crisis phrasing, with or without accents: means plus resolve, farewells,
passive death wishes, strangulation, leaving threats, weapons, proof-of-location demands and
stalking (see lexicon_fr for the normalisation notes)."""

from __future__ import annotations

from functools import partial

from service.safety.rule import Attribution, Rule, make_rule
from service.taxonomy import RiskLevel

_r = partial(make_rule, "fr")
U, E = RiskLevel.URGENT, RiskLevel.ELEVATED
AUTO = Attribution.AUTO

_MEANS = (
    r"(?:cachets|medicaments|medocs|pilules|comprimes|somniferes|corde|arme|pistolet|fusil|couteau|lames?|pont|rails"
    r"|voie\s+ferree|jai\s+tout\s+ce\s+quil\s+(?:me\s+)?faut|une\s+lettre\s+pour|(?:mes|les)\s+lettres)"
)
_RESOLVE = (
    r"je\s+(?:le\s+fais|vais\s+le\s+faire|passe\s+a\s+lacte)|jen\s+finis\b|cest\s+pour\s+(?:ce\s+soir|cette\s+nuit|demain"
    r"|aujourdhui)|cest\s+(?:ce\s+soir|cette\s+nuit|demain)\s+que|(?:ce\s+soir|cette\s+nuit)\s+cest\s+(?:fini|la\s+fin)"
    r"|tout\s+est\s+pret|cest\s+decide|cest\s+(?:ce\s+soir|cette\s+nuit|demain|aujourdhui|maintenant)\b"
    r"|(?:ce|ca)\s+(?:serait|sera)\s+(?:ce\s+soir|cette\s+nuit|demain)|pardon\s+a\s+tous|adieu\s+a\s+tous"
    r"|(?:voulais|veux)\s+(?:juste\s+)?(?:vous\s+|te\s+)?dire\s+au\s+revoir"
)
_WEAPON = r"(?:couteau|arme|pistolet|fusil|flingue|hache|marteau|batte)"

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
        "jen_finis",
        # "ce soir j'en finis" (the elliptic "I end it"), not "j'en finis avec ce dossier".
        r"\bj?en\s+finis\b(?!\s+avec\s+(?:lui|elle|toi|notre|cette|nous|ca|ce|le|la|les|mon|ma|mes|un|une))",
        E,
        urgent_on_timing=True,
        jokeable=True,
    ),
    _r(
        "self_harm",
        "farewell",
        r"\blettres?\b[^.!?\n]{0,80}?\bdire\s+adieu\b|\b(?:leur|vous|te|lui)\s+dire\s+adieu\b"
        r"|\bdire\s+adieu\s+a\s+(?:tout\s+le\s+monde|tous|ma\s+famille|mes\s+enfants|mes\s+proches)\b"
        r"|\bquand\s+tu\s+liras\s+(?:ceci|ca|ce\s+message)\b[^.!?\n]{0,30}?\bje\s+(?:serai|ne\s+serai\s+plus)\b",
        E,
        attribution=AUTO,
        urgent_on_timing=True,
    ),
    _r(
        "self_harm",
        "no_will_to_live",
        r"\bplus\s+(?:la\s+force|le\s+courage|lenvie|envie)\s+de\s+(?:continuer\s+a\s+)?vivre\b|\bdisparaitre\s+pour\s+de\s+bon\b"
        r"|\b(?:marre|fatiguee?)\s+detre\s+(?:en\s+vie|vivante?)\b|\bpas\s+envie\s+de\s+me\s+reveiller\b"
        r"|\bmieux\s+(?:si\s+je\s+)?(?:netais\s+plus\s+la|morte?)\b|\bje\s+veux\s+(?:juste\s+)?(?:que\s+)?(?:tout\s+)?"
        r"(?:sarrete|en\s+finir)\s+(?:pour\s+de\s+bon|definitivement)\b",
        E,
        negatable=False,
    ),
    _r(
        "self_harm",
        "jump",
        r"\b(?:sauter|me\s+jeter|je\s+saute|me\s+lancer)\s+(?:du|de\s+la|dun|dune|sous\s+(?:le|un))\s+(?:pont|toit|balcon"
        r"|fenetre|immeuble|falaise|train|metro)\b",
        E,
        urgent_on_timing=True,
        jokeable=True,
    ),
    # --- partner violence ---------------------------------------------------------------------------
    _r(
        "partner_violence",
        "strangled",
        r"\b(?:ma|mas|me)\s+(?:\w+\s+)?(?:serre|serrait|pris|attrape|saisi|tenu)\s+(?:\w+\s+)?(?:le\s+cou|la\s+gorge)\b"
        r"|\bmains?\s+autour\s+(?:de\s+mon|du)\s+cou\b|\betrangl\w*",
        E,
        urgent_on_timing=True,
    ),
    _r(
        "partner_violence",
        "threat_future",
        r"\b(?:il|elle)\s+(?:\w+\s+)?me\s+(?:tuera|tuerait|retrouvera|retrouverait|fera\s+(?:la\s+peau|du\s+mal))\b"
        r"|\bsi\s+(?:je\s+)?(?:pars|le\s+quitte|la\s+quitte|men\s+vais|porte\s+plainte|parle)\b[^.!?\n]{0,80}?\b(?:tuer"
        r"|tuera|tuerait|tue|retrouver|retrouvera|crever|faire\s+du\s+mal)\b",
        E,
        negatable=False,
        urgent_on_timing=True,
    ),
    _r(
        "partner_violence",
        "weapon_with",
        rf"\b(?:il|elle)\s+(?:est|etait|arrive|revient|vient|court|ma\s+menacee?|me\s+menace)\s+(?:\w+\s+){{0,4}}?"
        rf"avec\s+(?:un|une|son|sa|le|la)\s+{_WEAPON}\b",
        E,
        urgent_on_timing=True,
    ),
    # --- coercive control ------------------------------------------------------------------------------
    _r(
        "coercive_control",
        "proof_and_stalking",
        r"\b(?:photos?|preuves?|selfies?)\b[^.!?\n]{0,50}?\b(?:ou\s+je\s+suis|avec\s+qui\s+je\s+suis)\b"
        r"|\bprouver\s+(?:\w+\s+)?ou\s+je\s+(?:suis|etais)\b|\bmattend\s+(?:\w+\s+){0,2}?(?:devant|a\s+la\s+sortie)\b"
        r"[^.!?\n]{0,40}?\b(?:tous\s+les\s+jours|chaque\s+(?:jour|soir)|toujours)\b|\b(?:debarque|se\s+pointe)\s+partout\b",
        E,
    ),
    _r(
        "coercive_control",
        "control_more",
        r"\bsi\s+je\b[^.!?\n]{0,60}?\b(?:il|elle)\s+se\s+(?:tuera|tue|suicidera|fera\s+du\s+mal)\b"
        r"|\b(?:garde|cache|confisque|pris)\s+(?:mon|ma|mes)\s+(?:titre\s+de\s+sejour|carte\s+de\s+sejour|papiers)\b"
        r"|\bappellera\s+la\s+prefecture\b|\bexige\s+(?:une\s+)?(?:photo|preuve|selfie)s?\b|\b(?:il|elle)\s+controle\s+tout\b"
        r"|\bchange\s+(?:le|les|mon|mes)\s+mots?\s+de\s+passe\s+(?:de\s+)?(?:ma|mon|mes)\b"
        r"|\brefuse\s+que\s+je\s+prenne\s+la\s+pilule\b|\bjette\s+(?:mes|ma)\s+(?:pilules?|boites|contraception)\b"
        r"|\binterdiction\s+dapprocher\b|\bordonnance\s+de\s+protection\b",
        E,
        negatable=False,
        absorbs=True,
        urgent_on_timing=True,
    ),
    _r(
        "partner_violence",
        "weapon_to_head",
        r"\b(?:arme|pistolet|couteau|flingue)\s+(?:\w+\s+)?(?:sur|contre)\s+(?:la|ma)\s+(?:tempe|gorge|tete|cou)\b",
        E,
        urgent_on_timing=True,
    ),
    _r(
        "child_safety",
        "locks_child_in",
        r"\b(?:lenferme|les\s+enferme|lenfermait|les\s+enfermait)\s+(?:\w+\s+)?dans\s+(?:le|la|un|une)\s+(?:placard|cave"
        r"|chambre|salle\s+de\s+bain|garage|voiture|grenier)\b",
        E,
        urgent_on_timing=True,
    ),
)
