"""Words aimed at the system rather than about the writer's life: attempts to override the
service's instructions, requests to see the other partner's private words, and probing or
hypothetical questions about what the service does with a disclosure.

None of these is danger by itself; they are a defusing context (``system`` or ``probing``):
a model may not raise such a sentence past ``concern`` on its own. A real disclosure next to
them is still read, by the rules and by the model on the rest of the text. Patterns run on
normalised text (lower case, no accents, no apostrophes).
"""

from __future__ import annotations

import re

from service.safety.rule import compile_pattern

_ADDRESSED: dict[str, tuple[tuple[str, str], ...]] = {
    "en": (
        (
            "system",
            r"\b(?:ignore|disregard|forget|override|bypass)\s+(?:all\s+|any\s+|your\s+|the\s+|my\s+)?"
            r"(?:previous\s+|prior\s+|earlier\s+|above\s+|safety\s+)?(?:instructions|rules|prompts?|guidelines"
            r"|guardrails|programming|filters?)\b"
            r"|\b(?:system|hidden|initial)\s+prompt\b|\bdeveloper\s+mode\b|\bjailbr[eo]a?k\w*"
            r"|\byou\s+are\s+now\s+(?:in\s+|a\s+|an\s+|dan\b)|\bpretend\s+(?:that\s+)?(?:the\s+|your\s+)?"
            r"(?:rules|filters|restrictions|guidelines)\b|\bact\s+as\s+(?:if\s+you\s+(?:have|had)\s+no|an?\s+unfiltered)\b"
            r"|\bno\s+(?:restrictions|filters|rules)\s+mode\b",
        ),
        (
            "system",
            r"\b(?:show|tell|give|send|read|forward|print|reveal)\s+me\s+(?:what|everything|all)\s+"
            r"(?:\w+\s+){0,2}?(?:wrote|writes|said|says|posted|shared|checked\s+in|told\s+you)\b"
            r"|\b(?:show|tell|give|read|reveal)\s+me\s+(?:his|her|their|my\s+(?:wifes|husbands|partners"
            r"|boyfriends|girlfriends))\s+(?:private\s+)?(?:check-?ins?|messages|entries|notes|answers)\b"
            r"|\bwhat\s+(?:did|has|does)\s+(?:he|she|they|my\s+\w+)\s+(?:write|written|say|said|tell|told)\s+"
            r"(?:you|here|in\s+(?:his|her|their)\s+check-?ins?)\b",
        ),
        (
            "probing",
            r"\bwhat\s+(?:happens|would\s+happen|do\s+you\s+do)\s+if\s+(?:i|someone|somebody|a\s+person)\s+"
            r"(?:tells?|told|says?|said|writes?|wrote|mentions?|mentioned|admits?|admitted)\b"
            r"|\bwould\s+(?:you|someone|anyone|this\s+app)\s+(?:call|report|tell|alert|notify|contact)\b"
            r"|\bwho\s+(?:can|will|would|gets\s+to)\s+(?:see|read)\s+(?:this|what\s+i|my)\b"
            r"|\b(?:asking|its)\s+for\s+a\s+(?:friend|story|novel|book|school\s+project|class)\b"
            r"|\bhypothetically\b|\bjust\s+(?:testing|curious\s+how\s+(?:you|this|the\s+app)\s+work)",
        ),
    ),
    "de": (
        (
            "system",
            r"\b(?:ignorier|vergiss|vergess)\w*\s+(?:alle\s+|deine\s+|die\s+|bisherigen\s+|vorherigen\s+)*"
            r"(?:anweisungen|regeln|vorgaben|instruktionen)\b|\bsystem-?prompt\b|\bentwicklermodus\b"
            r"|\b(?:zeig|sag|gib)\s+mir\s+(?:was|alles\s+was)\s+(?:er|sie|mein\s+\w+|meine\s+\w+)\s+"
            r"(?:\w+\s+){0,2}?(?:geschrieben|gesagt|eingetragen)\b",
        ),
        (
            "probing",
            r"\bwas\s+(?:passiert|wurdet?\s+ihr\s+tun|macht\s+ihr),?\s+(?:\w+\s+){0,2}?wenn\s+(?:ich|jemand)\s+"
            r"(?:\w+\s+){0,4}?(?:(?:rein)?schreibe?|sage|erzahle?|(?:rein)?schreibt|sagt|erzahlt)\b"
            r"|\bwer\s+(?:kann|darf|wird)\s+(?:das|meine?\s+\w+)\s+lesen\b|\brein\s+hypothetisch\b"
            r"|\bfrage\s+fur\s+(?:eine|einen)\s+(?:freundin|freund|bekannte[nr]?)\b",
        ),
    ),
    "fr": (
        (
            "system",
            r"\b(?:ignore[rz]?|oublie[rz]?)\s+(?:toutes\s+)?(?:tes|vos|les)\s+(?:instructions|consignes|regles)\b"
            r"|\bprompt\s+systeme\b|\bmode\s+developpeur\b"
            r"|\b(?:montre|dis|donne)[sz]?-?moi\s+(?:ce\s+qu(?:e|il|elle)|tout\s+ce\s+qu(?:e|il|elle))\s*"
            r"(?:\w+\s+){0,3}?(?:ecrit|dit|raconte)\b",
        ),
        (
            "probing",
            r"\bque\s+se\s+passe(?:-t-il|rait-il)?,?\s+si\s+(?:je|quelqu\s*un)\s+(?:\w+\s+){0,3}?"
            r"(?:dis|disais|ecris|ecrivais|raconte|racontais)\b"
            r"|\bqui\s+(?:peut|va|pourra)\s+lire\b|\bhypothetiquement\b"
            r"|\bje\s+demande\s+pour\s+(?:une?\s+)?(?:ami|amie|copain|copine|pote)\b"
            r"|\bqu\s*est-ce\s+que\s+vous\s+faites\s+si\s+quelqu\s*un\b",
        ),
    ),
    "es": (
        (
            "system",
            r"\b(?:ignora[rd]?|olvida[rd]?|olvidate\s+de)\s+(?:todas\s+)?(?:tus|las|sus)\s+"
            r"(?:instrucciones|reglas|indicaciones)\b"
            r"|\bprompt\s+del\s+sistema\b|\bmodo\s+desarrollador\b"
            r"|\b(?:muestrame|dime|ensename|dame)\s+(?:lo\s+que|todo\s+lo\s+que|que)\s+(?:\w+\s+){0,3}?"
            r"(?:escribio|escrito|dijo|dicho|conto|contado|puso)\b",
        ),
        (
            "probing",
            r"\bque\s+pasa(?:ria)?,?\s+si\s+(?:yo\s+|alguien\s+)?(?:\w+\s+){0,3}?(?:digo|dijera|escribo"
            r"|escribiera|cuento|contara)\b|\bquien\s+(?:puede|va\s+a|podra)\s+leer\b|\bhipoteticamente\b"
            r"|\bpregunto\s+por\s+(?:un|una)\s+(?:amigo|amiga|conocid[oa])\b"
            r"|\bque\s+(?:haceis|hacen|haces)\s+si\s+alguien\b",
        ),
    ),
}

PATTERNS: tuple[tuple[str, str, re.Pattern[str]], ...] = tuple(
    (lang, kind, compile_pattern(pattern))
    for lang, entries in _ADDRESSED.items()
    for kind, pattern in entries
)


def addressed_spans(text: str, languages: frozenset[str]) -> list[tuple[str, int, int, str]]:
    """(kind, start, end, rule id) for every phrase aimed at the system, in normalised text."""
    found = []
    for lang, kind, pattern in PATTERNS:
        if lang not in languages:
            continue
        found += [
            (kind, m.start(), m.end(), f"{lang}.context.{kind}") for m in pattern.finditer(text)
        ]
    return found
