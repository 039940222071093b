"""French coercive control framed as love or care: isolation the writer has given in to ("il
boude quand je sors avec mes copines, du coup j'y vais plus"), "il ne veut pas que je
travaille", phone and location checks "parce qu'il s'inquiète", no access to the account.
The framing never defuses the control. Normalised text: no accents, apostrophes dropped.
"""

from __future__ import annotations

from functools import partial

from service.safety.rule import Rule, make_rule
from service.taxonomy import RiskLevel

_r = partial(make_rule, "fr")
E = RiskLevel.ELEVATED

_IL = r"(?:il|elle|y|mon\s+(?:mari|copain|conjoint|compagnon|chum|mec)|ma\s+(?:femme|copine|conjointe|compagne|blonde))"
_REACT = (
    rf"(?:{_IL}\s+(?:\w+\s+){{0,2}}?(?:est|devient|se\s+met|a\s+lair|etait)\s+(?:\w+\s+)?(?:triste|jaloux|jalouse|vexee?"
    rf"|fache\w*|en\s+colere|malheureu\w+|inquiet\w*|angoisse\w*|blesse\w*|mal)|{_IL}\s+(?:\w+\s+)?(?:boude|pleure|fait\s+la"
    rf"\s+(?:tete|gueule)|me\s+fait\s+la\s+(?:tete|gueule)|ne\s+me\s+parle\s+plus|me\s+parle\s+plus|panique)"
    rf"|{_IL}\s+(?:naime|aime)\s+pas\s+(?:que|quand)\s+je)"
)
_GAVE_IN = (
    r"(?:donc|alors|du\s+coup|fait\s+que|faque|depuis|maintenant|pis)\s+(?:\w+\s+){0,4}?(?:plus|arrete|arretee|lache"
    r"|quitte|annule)\b"
)

RULES: tuple[Rule, ...] = (
    _r(
        "coercive_control",
        "isolation_given_in",
        rf"\b{_REACT}\b[^.!?\n]{{0,80}}?\b{_GAVE_IN}"
        r"|\b(?:jai|ai)\s+arrete\w*\s+(?:\w+\s+){0,4}?(?:parce\s+qu|car|vu\s+qu)\s*(?:il|elle)\s+(?:est|devient|etait"
        r"|deven\w+)\s+(?:\w+\s+)?(?:jaloux|jalouse|triste|malheureu\w+|fache\w*)"
        r"|\b(?:ma|mas)\s+fait\s+(?:supprimer|bloquer|effacer|quitter|desinstaller)\s+(?:\w+\s+){0,2}?(?:instagram|insta"
        r"|facebook|snap\w*|tiktok|whatsapp|mes\s+amis|mes\s+contacts|(?:le|son)\s+numero|les\s+numeros)\b",
        E,
        negatable=False,
    ),
    _r(
        "coercive_control",
        "doesnt_want_me_to",
        rf"\b{_IL}\s+(?:ne\s+)?veut\s+(?:plus|pas)\s+que\s+je\s+(?:\w+\s+){{0,2}}?(?:voie|vois|revoie|sorte|travaille"
        r"|reprenne\s+(?:le\s+travail|mon\s+travail|le\s+boulot|la\s+job|mes\s+etudes)|retourne\s+(?:au\s+travail|travailler"
        r"|bosser|au\s+boulot)|parle\s+(?:a|avec)|appelle|aille\s+(?:voir|chez|au|a\s+la|aux)|invite|frequente|maquille"
        r"|porte\s+(?:de|des|du)\s+(?:maquillage|jupes?|robes?|shorts?))\b"
        r"|\b(?:veut|exige)\s+(?:toujours\s+)?(?:savoir|connaitre)\s+ou\s+je\s+suis\s+(?:a\s+chaque\s+minute|tout\s+le\s+temps"
        r"|en\s+permanence|h24|a\s+toute\s+heure)\b|\b(?:veut|exige)\s+(?:ma\s+|la\s+)?(?:localisation|position)\s+en\s+"
        r"(?:direct|temps\s+reel)\b|\b(?:a\s+mis|met|a\s+active|active)\s+ma\s+(?:localisation|position|geolocalisation)\s+sur"
        r"\s+son\b|\b(?:a\s+demande|exige|veut)\s+mon\s+code\s+(?:de\s+)?(?:gsm|telephone|portable|tel|natel|cell)\b",
        E,
        negatable=False,
    ),
    _r(
        "coercive_control",
        "money_as_care",
        r"\b(?:nai|ai|jai)\s+(?:plus|pas)\s+(?:d\s*)?acces\s+(?:au|a\s+notre|a\s+mon|aux|a\s+nos|a\s+la)\s+(?:compte|comptes"
        r"|argent|carte|banque)\b|\b(?:mon|ma)\s+(?:salaire|paie|paye|pension|retraite)\s+(?:\w+\s+)?(?:va|est\s+verse\w*"
        r"|tombe|arrive)\s+(?:directement\s+)?sur\s+son\s+compte\b|\bme\s+(?:donne|verse|vire|fait)\s+(?:des\s+virements"
        r"|\d+\s*(?:euros|francs|balles|dollars|piasses))\s+(?:\w+\s+){0,2}?(?:par\s+(?:semaine|mois)|quand\s+je\s+(?:demande"
        r"|lui\s+demande))\b",
        E,
        negatable=False,
    ),
)
