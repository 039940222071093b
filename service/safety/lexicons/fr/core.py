"""French rules, on normalised text: no accents, apostrophes dropped ("m'a" -> "ma",
"j'ai" -> "jai", "l'argent" -> "largent", "n'en" -> "nen")."""

from __future__ import annotations

from functools import partial

from service.safety.rule import Attribution, Kind, Rule, make_rule
from service.taxonomy import RiskLevel

_r = partial(make_rule, "fr")
U, E, C = RiskLevel.URGENT, RiskLevel.ELEVATED, RiskLevel.CONCERN
OTHER, AUTO = Attribution.OTHER, Attribution.AUTO

_IL = r"(?:il|elle|mon\s+(?:mari|copain|conjoint|compagnon|ex)|ma\s+(?:femme|copine|conjointe|compagne))"
_GAP = r"(?:(?!(?:il|elle|on)\b)\w+\s+){0,3}?"
_PILLS = r"(?:\w+\s+)?(?:cachets|medicaments|pilules|comprimes|somniferes)"
_KIDS = (
    r"(?:les\s+enfants|lenfant|le\s+bebe|notre\s+(?:fils|fille|bebe|enfant)|nos\s+enfants|mon\s+(?:fils|enfant)"
    r"|ma\s+fille|mes\s+enfants|les\s+petits)"
)

RULES: tuple[Rule, ...] = (
    # --- self-harm --------------------------------------------------------------------------------
    _r(
        "self_harm",
        "pills_counted",
        rf"\b(?:compte|stocke|garde|mis\s+de\s+cote|accumule|prepare)\s+(?:\w+\s+){{0,2}}?{_PILLS}\b",
        U,
    ),
    _r(
        "self_harm",
        "pills_taken",
        rf"\b(?:pris|avale|prendre|avaler|prends|prend)\s+(?:tous\s+mes|toutes\s+mes|toute\s+(?:la|ma)\s+boite\s+de|une\s+boite\s+de|plein\s+de"
        rf"|trop\s+de|\d+|des\s+dizaines\s+de|une\s+poignee\s+de)\s+{_PILLS}\b",
        U,
    ),
    _r("self_harm", "overdose", r"\b(?:surdose|overdose)\b", U, attribution=AUTO),
    _r("self_harm", "goodbye", r"\b(?:lettres?|mots?|messages?)\s+dadieu\b", U, attribution=AUTO),
    _r(
        "self_harm",
        "at_the_edge",
        r"\b(?:je\s+suis|suis|je\s+me\s+trouve)\s+(?:\w+\s+){0,2}?(?:sur|au\s+bord\s+du|au\s+bord\s+de\s+la)\s+"
        r"(?:le\s+|la\s+|un\s+)?(?:pont|toit|falaise|rails|quai)\b",
        U,
    ),
    _r(
        "self_harm",
        "plan",
        r"\bjai\s+un\s+plan\b[^.!?\n]{0,40}?\b(?:mourir|en\s+finir|me\s+tuer|suicider)\b",
        U,
    ),
    _r(
        "self_harm",
        "want_to_die",
        r"\b(?:veux|voudrais|aimerais|ai\s+envie\s+de|jai\s+envie\s+de|envie\s+de)\s+(?:juste\s+|seulement\s+)?mourir\b",
        E,
        urgent_on_timing=True,
        jokeable=True,
    ),
    _r(
        "self_harm",
        "kill_myself",
        rf"\bje\s+{_GAP}me\s+(?:tuer|suicider|foutre\s+en\s+lair|pendre|flinguer|tue|suicide)\b|\bme\s+suicider\b"
        r"|\b(?:mettre|mets|met)\s+fin\s+a\s+(?:mes\s+jours|ma\s+vie)\b"
        r"|\bd?en\s+finir\b(?!\s+avec\s+(?:lui|elle|toi|notre|cette|nous|ca))",
        E,
        urgent_on_timing=True,
        jokeable=True,
    ),
    _r(
        "self_harm",
        "suicide_word",
        r"\bsuicid\w*|\bautomutil\w*|\bscarif\w*",
        E,
        attribution=AUTO,
        urgent_on_timing=True,
    ),
    _r(
        "self_harm",
        "not_live",
        r"\b(?:ne\s+)?veux\s+plus\s+vivre\b|\bplus\s+envie\s+de\s+vivre\b|\bmarre\s+de\s+(?:la\s+vie|vivre)\b"
        r"|\bfatigue\w*\s+de\s+vivre\b|\b(?:ne\s+)?(?:pas|plus|jamais)\s+me\s+reveiller\b"
        r"|\bdisparaitre\s+(?:pour\s+toujours|a\s+jamais|definitivement)\b",
        E,
        negatable=False,
    ),
    _r(
        "self_harm",
        "better_off",
        r"\b(?:seraient|serait|serais)\s+mieux\s+sans\s+moi\b|\bmieux\s+sans\s+moi\b",
        E,
    ),
    _r(
        "self_harm",
        "hurt_myself",
        rf"\bje\s+{_GAP}me\s+(?:faire\s+du\s+mal|fais\s+du\s+mal|couper|coupe|scarifie|mutiler)\b",
        E,
        urgent_on_timing=True,
    ),
    _r(
        "self_harm",
        "thinking",
        r"\b(?:pense|pensais|pensees?|idees?)\s+(?:\w+\s+){0,2}?(?:a|au|de)\s+(?:\w+\s+){0,2}?(?:suicide|mourir"
        r"|en\s+finir|me\s+tuer|mettre\s+fin)\b|\bidees\s+noires\b",
        E,
        urgent_on_timing=True,
    ),
    _r(
        "self_harm",
        "other",
        r"\b(?:il|elle)\s+(?:\w+\s+){0,2}?(?:veut|voulait)\s+(?:\w+\s+)?mourir\b|\best\s+suicidaire\b"
        r"|\bse\s+(?:tuer|suicider|faire\s+du\s+mal|scarifier)\b",
        E,
        attribution=OTHER,
    ),
    # --- partner violence ---------------------------------------------------------------------------
    _r(
        "partner_violence",
        "attack_now",
        rf"\b{_IL}\s+(?:est\s+en\s+train\s+de\s+me\s+(?:frapper|battre|etrangler|tuer)|me\s+(?:frappe|bat|etrangle)"
        r"\s+(?:la|en\s+ce\s+moment|maintenant))\b",
        U,
    ),
    _r(
        "partner_violence",
        "weapon",
        rf"\b{_IL}\s+(?:a|tient|brandit|a\s+pris|sort|a\s+sorti)\s+(?:un|une|le|son|sa)\s+(?:couteau|arme|pistolet"
        r"|fusil|flingue|marteau)\b",
        U,
    ),
    _r(
        "partner_violence",
        "door_and_hiding",
        r"\b(?:tape|frappe|cogne|defonce)\s+(?:\w+\s+){0,2}?(?:a\s+la|contre\s+la|la)\s+porte\b[^\n]{0,80}?"
        r"\b(?:cachee?|enfermee?|refugiee?)\b|\b(?:cachee?|enfermee?)\b[^\n]{0,80}?(?:tape|frappe|cogne|defonce)"
        r"\s+(?:\w+\s+){0,2}?(?:a\s+la|contre\s+la|la)\s+porte\b",
        U,
    ),
    _r(
        "partner_violence",
        "hiding",
        r"\bje\s+me\s+(?:suis\s+)?(?:cache\w*|enferme\w*|refugie\w*)\s+(?:\w+\s+){0,3}?(?:dans\s+la\s+salle\s+de\s+bain"
        r"|dans\s+les\s+toilettes|dans\s+la\s+chambre|de\s+lui|delle)\b",
        E,
        urgent_on_timing=True,
    ),
    _r(
        "partner_violence",
        "hit_me",
        # "je me tape la tête contre le mur" is the writer's own doing (see self_injury).
        r"(?<!\bje\s)\b(?:ma|mas|me)\s+(?:(?:encore|deja|souvent|violemment|presque|meme|toujours|aussi|jamais|pas|plus|hier"
        r"|ensuite|vraiment|fort)\s+){0,2}(?:frappee?|frappe|giflee?|gifle|poussee?(?!\s+a\b)|bousculee?"
        r"|etranglee?|etrangle|battue?|bat|cognee?|tapee?|violee?|agressee?|blessee?|secouee?|mordue?"
        r"|jetee?\s+(?:par\s+terre|contre)|tire\s+les\s+cheveux|donne\s+(?:un|des)\s+coups?)\b",
        E,
    ),
    _r(
        "partner_violence",
        "threat_kill",
        rf"\b{_IL}\s+(?:\w+\s+){{0,3}}?(?:va|veut|voulait|allait)\s+me\s+(?:tuer|frapper|buter|faire\s+du\s+mal"
        r"|defoncer|etrangler)\b|\bmenace\w*\s+de\s+(?:me\s+)?(?:tuer|frapper|mort)\b"
        # "m'a menacée de divorcer si je remets de l'ananas" threatens a divorce, not harm.
        r"|\b(?:ma\s+menacee?|me\s+menace)\b(?!\s+de\s+(?!(?:me\s+)?(?:tuer|frapper|battre|mort|buter|defoncer|faire\s+du\s+mal"
        r"|bruler|etrangler|cogner|tabasser)))|\bmenaces\s+de\s+mort\b",
        E,
        urgent_on_timing=True,
        jokeable=True,
    ),
    _r(
        "concern",
        "writer_threat",
        r"\bje\s+vais\s+(?:le|la|les|te)\s+(?:tuer|buter|etrangler)\b",
        C,
        jokeable=True,
    ),
    _r(
        "concern",
        "writer_anger",
        r"\bje\s+(?:pourrais|vais\s+finir\s+par)\s+(?:le|la|te)\s+tuer\b",
        C,
        jokeable=True,
    ),
    _r(
        "partner_violence",
        "thrown_at_me",
        r"\b(?:ma|me)\s+lance\w*\s+(?:une?|des|la|le|son|sa)\s+\w+|\blance\w*\s+(?:\w+\s+){0,3}?(?:sur|contre)\s+moi\b",
        E,
    ),
    _r(
        "partner_violence",
        "injuries_and_violence",
        r"\bdes\s+bleus\b|\bcouverte?\s+de\s+bleus\b|\boeil\s+au\s+beurre\s+noir\b|\bviolences?\s+conjugales?\b"
        r"|\b(?:est|devient)\s+(?:\w+\s+)?violente?\b",
        E,
        attribution=AUTO,
    ),
    _r(
        "partner_violence",
        "afraid_of_harm",
        r"\bpeur\s+(?:quil|quelle)\s+(?:me\s+)?(?:frappe|tue|fasse\s+du\s+mal|me\s+fasse)\b|\bpeur\s+pour\s+ma\s+vie\b"
        r"|\bje\s+(?:ne\s+)?me\s+sens\s+(?:pas|plus)\s+en\s+securite\b",
        E,
        negatable=False,
        urgent_on_timing=True,
    ),
    # --- coercive control ----------------------------------------------------------------------------
    _r(
        "coercive_control",
        "monitoring",
        r"\b(?:controle|fouille|regarde|lit|verifie|surveille|epluche|checke)\s+(?:\w+\s+){0,2}?(?:mon\s+(?:telephone"
        r"|portable|tel|phone|ordi|ordinateur|compte)|mes\s+(?:messages|sms|textos|mails|emails|conversations|appels"
        r"|comptes|depenses|releves))\b",
        E,
        guard_writer_subject=True,
    ),
    _r(
        "coercive_control",
        "tracking",
        r"\b(?:il|elle)\s+me\s+(?:traque|piste|espionne|surveille|suit\s+partout|localise|geolocalise)\b"
        r"|\bpartager\s+ma\s+(?:position|localisation)\b|\bairtag\b|\btraceur\b|\blogiciel\s+espion\b",
        E,
    ),
    _r(
        "coercive_control",
        "forbids",
        r"\b(?:ne\s+)?(?:me\s+)?laisse\s+(?:pas|plus|jamais)\s+(?:voir|sortir|travailler|appeler|parler|aller|avoir"
        r"|conduire|utiliser)\b|(?<!\bne\s)\bminterdit\b(?!\s+rien)|\binterdit\s+de\s+(?:voir|sortir|travailler|parler)\b"
        r"|\b(?:nai|ai)\s+pas\s+le\s+droit\s+de\b|\bmempeche\s+de\s+(?:voir|sortir|travailler|parler|appeler)\b",
        E,
        negatable=False,
    ),
    _r(
        "coercive_control",
        "takes_things",
        r"\b(?:prend|pris|confisque|garde|cache|retire)\s+(?:\w+\s+)?(?:mon\s+(?:telephone|portable|argent|salaire"
        r"|passeport|ordi)|mes\s+(?:cles|papiers|cartes)|les\s+cles\s+de\s+la\s+voiture|ma\s+carte\w*)\b",
        E,
        guard_writer_subject=True,
        jokeable=True,
    ),
    _r(
        "coercive_control",
        "money",
        r"\bcontrole\s+(?:tout\s+)?(?:largent|nos\s+finances|mes\s+finances|notre\s+compte|mon\s+compte"
        r"|mon\s+salaire|tout\s+largent|les\s+finances|mes\s+depenses)\b|\bargent\s+de\s+poche\b"
        r"|\bdemander\s+(?:la\s+)?permission\b",
        E,
        guard_writer_subject=True,
    ),
    _r(
        "coercive_control",
        "isolation",
        r"\bmisole\b|\bisolee?\s+de\s+(?:mes\s+amis|ma\s+famille)\b|\bcoupee?\s+de\s+(?:mes\s+amis|ma\s+famille"
        r"|tout\s+le\s+monde)\b",
        E,
    ),
    _r(
        "coercive_control",
        "threats",
        r"\bsi\s+(?:je\s+pars|tu\s+pars|je\s+le\s+quitte|je\s+la\s+quitte|tu\s+me\s+quittes)\b[^.!?\n]{0,60}?\benfants\b"
        r"|\bprendre\s+les\s+enfants\b|\bverrai\s+plus\s+(?:les|mes)\s+enfants\b"
        r"|\bpersonne\s+ne\s+(?:te|me)\s+(?:croira|va\s+croire|croirait)\b"
        r"|\btu\s+(?:vas\s+le\s+regretter|le\s+regretteras)\b"
        r"|\b(?:dit|dis|menace|crie)\s+que\s+(?:je|tu)\s+(?:vais|vas|allais|allait)\s+le\s+regretter\b",
        E,
        negatable=False,
    ),
    # --- child safety ----------------------------------------------------------------------------------
    _r(
        "child_safety",
        "hits_child",
        rf"\b(?:frappe|bat|battu|tape|gifle|secoue|cogne|frappait)\s+(?:\w+\s+)?{_KIDS}\b",
        E,
        attribution=OTHER,
        urgent_on_timing=True,
    ),
    _r(
        "child_safety",
        "neglect",
        rf"\blaisse\w*\s+(?:\w+\s+)?{_KIDS}\s+(?:tout\s+)?seul\w*\b|\b(?:ivre|saoule?|soule?|bourree?)\b[^.!?\n]{{0,40}}?"
        r"\b(?:avec|devant)\s+les\s+enfants\b|\bconduit\s+(?:\w+\s+){0,2}?(?:ivre|bourree?|saoule?)\b[^.!?\n]{0,30}?enfants\b",
        E,
        attribution=OTHER,
        urgent_on_timing=True,
    ),
    # --- concern ------------------------------------------------------------------------------------------
    _r(
        "concern",
        "hopeless",
        r"\ba\s+quoi\s+bon\b|\bca\s+sert\s+a\s+rien\b|\bplus\s+aucun\s+sens\b|\bsans\s+espoir\b|\bdesespere\w*"
        r"|\brien\s+ne\s+(?:va\s+)?change\w*\b|\bne\s+changera\s+(?:jamais|rien)\b|\bje\s+(?:n\s*)?en\s+peux\s+plus\b"
        r"|\b(?:je\s+n?en|jen|nen)\s+peux\s+plus\b|\bje\s+(?:ne\s+)?(?:tiens|supporte)\s+plus\b|\bpiegee?\b|\bje\s+baisse\s+les\s+bras\b",
        C,
        negatable=False,
        kind=Kind.HOPELESS,
    ),
    _r(
        "concern",
        "fear",
        r"\bpeur\s+de\s+(?:lui|elle|mon\s+(?:mari|copain|conjoint|compagnon)|ma\s+(?:femme|copine))\b"
        r"|\b(?:il|elle)\s+me\s+fait\s+(?:\w+\s+){0,2}?peur\b",  # "il me fait (un peu) peur"
        C,
        kind=Kind.FEAR,
    ),
)
