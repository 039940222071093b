"""German coercive control framed as love or care: isolation the writer has given in to ("meine
Freundinnen treff ich nicht mehr, er wird sonst so traurig"), "er will nicht, dass ich
arbeite", money kept "zur Sicherheit" with a weekly allowance, permission to go out. The
framing never defuses the control. Normalised text: ä->a, ö->o, ü->u, ß->ss.
"""

from __future__ import annotations

from functools import partial

from service.safety.rule import Rule, make_rule
from service.taxonomy import RiskLevel

_r = partial(make_rule, "de")
E = RiskLevel.ELEVATED

_ER = r"(?:er|sie|mein\s+(?:mann|freund|partner|ehemann|verlobter)|meine\s+(?:frau|freundin|partnerin|ehefrau|verlobte))"
_UPSET = (
    r"(?:traurig|sauer|eifersue?chtig|wue?tend|beleidigt|verletzt|komisch|eingeschnappt|grantig|gekrae?nkt|still"
    r"|unruhig|panisch|gereizt|zickig|bockig|kalt|muffig|angefressen)"
)
# Giving in: "deshalb treff ich sie nicht mehr", "bin aus dem Verein raus".
_GAVE_IN = (
    r"(?:deswegen|deshalb|also|darum|seitdem|daher|drum)\s+(?:\w+\s+){0,6}?(?:nicht\s+mehr|kaum\s+noch|nie\s+mehr|nimmer"
    r"|ned\s+mehr|nur\s+noch\s+selten|kaum\s+mehr|fast\s+nie\s+mehr|nur\s+noch\s+mit\s+(?:ihm|ihr)|aufgeho(?:e)?rt|ausgetreten|raus)\b"
)
_ACT = (
    r"(?:treffe|sehe|besuche|ausgehe|weggehe|rausgehe|telefoniere|anrufe|schreibe|ausgehen|weggehen|treffen|sehen"
    r"|besuchen|unterwegs\s+bin|fortgehe|ins\s+training|zum\s+sport|zum\s+verein|zum\s+chor)"
)

RULES: tuple[Rule, ...] = (
    _r(
        "coercive_control",
        "isolation_given_in",
        rf"\b{_ER}\s+(?:wird|ist|reagiert|wirkt|ist\s+dann|wird\s+dann)\s+(?:\w+\s+){{0,2}}?{_UPSET}\s*,?\s*(?:wenn|sobald"
        rf"|jedes\s+mal\s+wenn)\s+ich\b[^.!?\n]{{0,80}}?\b{_GAVE_IN}"
        # "meine Freundinnen treff ich nicht mehr, er wird sonst so traurig".
        r"|\b(?:nicht\s+mehr|kaum\s+noch|nie\s+mehr|nimmer|ned\s+mehr|aufgeho(?:e)?rt|ausgetreten|raus)\b[^.!?\n]{0,80}?"
        rf"\b(?:er|sie)\s+(?:wird|ist|wae?re|waer|wird\s+halt)\s+sonst\s+(?:\w+\s+){{0,2}}?{_UPSET}"
        r"|\b(?:er|sie)\s+(?:will|mo(?:e)?chte)\s+(?:(?:halt|einfach|nur|eben|ja)\s*,?\s*)*,?\s*dass\s+wir\s+nur\s+(?:noch\s+)?"
        r"(?:uns|einander)\s+haben\b"
        rf"|\b{_ER}\s+(?:mag|mochte)\s+(?:es\s+)?(?:\w+\s+)?nicht,?\s+wenn\s+ich\s+(?:\w+\s+){{0,4}}?{_ACT}\b[^.!?\n]{{0,80}}?"
        rf"\b{_GAVE_IN}"
        r"|\b(?:heisst\s+es|sagt\s+er|sagt\s+sie|meint\s+er|meint\s+sie)\b[^.!?\n]{0,40}?\b(?:hetzt|hetzen)\s+mich\s+gegen\s+"
        r"(?:ihn|sie)\s+auf\b",
        E,
    ),
    _r(
        "coercive_control",
        "doesnt_want_me_to",
        # "er will nicht, dass ich arbeite / meine Freundinnen sehe".
        rf"\b{_ER}\s+(?:will|mo(?:e)?chte|mag)\s+(?:es\s+)?(?:halt\s+|einfach\s+|eben\s+)?nicht,?\s+dass\s+ich\s+(?:\w+\s+){{0,5}}?"
        r"(?:sehe|treffe|besuche|arbeite|arbeiten\s+gehe|ausgehe|weggehe|telefoniere|schminke|anrufe|wieder\s+arbeite"
        r"|einen\s+job\s+\w+|studiere|fortgehe)\b"
        r"|\bdarf\s+(?:ich|i)\s+nur\b[^.!?\n]{0,40}?\bwenn\s+(?:er|sie)\w*\s+(?:\w+\s+)?(?:erlaubt|mitkommt|dabei\s+ist|okay|ok"
        r"|ja\s+sagt|einverstanden\s+ist)\b"
        r"|\b(?:will|muss)\s+(?:immer|sta?e?ndig|jederzeit|die\s+ganze\s+zeit|jede\s+minute)\s+wissen,?\s+wo\s+ich\s+bin\b",
        E,
        negatable=False,
    ),
    _r(
        "coercive_control",
        "money_as_care",
        r"\b(?:mein\w*|mei)\s+(?:gehalt|lohn|rente|pension|geld|einkommen)\s+(?:\w+\s+){0,2}?(?:geht|lae?uft|kommt|wird"
        r"\s+\w+|ueberwiesen|uberwiesen)\s+(?:\w+\s+)?(?:auf|an)\s+(?:sein\w*|sei|ihr\w*)\s+konto\b"
        r"|\bverwaltet\s+(?:\w+\s+){0,3}?(?:geld|finanzen|konto|konten)\b[^\n]{0,150}?(?:taschengeld|\d+\s*(?:euro|eur"
        r"|franken|chf)|muss\s+(?:ihn|sie)\s+fragen|auf\s+sein\w*\s+konto|kein\s+eigenes)"
        r"|\bich\s+(?:bekomme|kriege|krieg|bekomm)\s+(?:\w+\s+){0,2}?\d+\s*(?:euro|eur|franken|chf)\s+(?:\w+\s+){0,2}?(?:die"
        r"|pro|jede|in\s+der|jeden)\s+(?:woche|monat|montag|tag)\b"
        r"|\bich\s+(?:bekomme|kriege|krieg|bekomm)\s+(?:jeden|jede|pro|einmal\s+die)\s+(?:\w+\s+)?\d+\s*(?:euro|eur|franken"
        r"|chf)\b|\bkonto\s+auf\s+seinen\s+namen\s+(?:umgestellt|umgeschrieben|laufen)\b"
        r"|\bmuss\s+(?:ihn|sie)\s+(?:\w+\s+)?fragen,?\s+(?:bevor|wenn|ob)\s+ich\s+(?:\w+\s+){0,3}?(?:kaufe|ausgebe|ausgehe"
        r"|weggehe|treffe|besuche)\b"
        r"|\b(?:ec-karte|bankkarte|kreditkarte|karte|pass|reisepass|ausweis)\s+(?:hat\s+(?:er|sie)\s+)?(?:\w+\s+){0,3}?"
        r"(?:eingesteckt|an\s+sich\s+genommen|einbehalten|weggeschlossen|in\s+seinem\s+tresor|in\s+seinem\s+safe)\b"
        r"|\b(?:verlangt|will|muss)\b[^.!?\n]{0,40}?\b(?:kassazettel|kassenzettel|kassenbons?|belege|quittungen)\b",
        E,
    ),
)
