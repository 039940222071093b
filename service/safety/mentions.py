"""Who is being talked about: the writer, the partner, a child, or someone outside the couple;
and whose words a quotation is."""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import Enum

from service.safety.rule import compile_pattern


class Referent(Enum):
    WRITER = "writer"  # the writer or the couple (partner included): the writer's own risk
    CHILD = "child"
    THIRD = "third"  # a friend, relative, colleague...: resources, not a couple escalation


@dataclass(frozen=True)
class Mention:
    start: int
    end: int
    referent: Referent
    is_writer_pronoun: bool = False
    # The pattern group that found it: partner, child, third, parent, thirdpartner, stranger...
    kind: str = ""
    # Named with "my"/"our" (or their de/fr/es forms): the writer's own partner or child.
    own: bool = False
    # "the kids", "her friends": never the single "her" or "him" a rule speaks of.
    plural: bool = False
    # "his son", "her dad", "son fils": whose they are depends on who "his"/"her" is.
    possessive_other: bool = False
    # "my ex", "ex-husband": a former partner.
    ex: bool = False
    # "m" or "f" when the word says so (brother, sister, Freundin), else "".
    gender: str = ""

    @property
    def is_own_partner(self) -> bool:
        """The writer's current partner named as such ("my husband"), not an ex."""
        return self.kind == "partner" and self.own and not self.ex

    @property
    def may_open_story(self) -> bool:
        """Someone whose own story the writer may go on telling for several sentences: one
        person outside the couple, not a stranger met once."""
        return self.referent is Referent.THIRD and self.kind != "stranger" and not self.plural

    def with_referent(self, referent: Referent) -> Mention:
        return Mention(
            self.start,
            self.end,
            referent,
            self.is_writer_pronoun,
            self.kind,
            self.own,
            self.plural,
            self.possessive_other,
            self.ex,
            self.gender,
        )


_PARTNER = (
    r"ex-?(?:husband|wife|boyfriend|girlfriend|partner|fiancee?)|husband|wife|partner|boyfriend|girlfriend|fiancee?"
    r"|spouse|wifey|ex"
    r"|ehemann|ehefrau|mann|frau|freund|freundin|partnerin|verlobte[r]?"
    r"|mari|femme|copain|copine|conjointe?|compagnon|compagne|partenaire|cherie?|mec|meuf"
    r"|esposo|esposa|marido|mujer|novio|novia|pareja|prometid[oa]"
)
_THIRD = (
    r"friends?|bestie|bff|sister|brother|sis|mom|mum|mother|dad|father|cousin|aunt|uncle"
    r"|mate|best\s+mate|buddy|pal|co-?worker|colleague|neighbou?rs?|couple\s+next\s+door|roommate|flatmate|classmate|boss|niece|nephew"
    r"|grandma|grandpa|grandmother|grandfather|(?:sister|brother|mother|father)-?in-?law|in-?laws"
    r"|stepmom|stepdad|teacher|students?|client|coach|patient|caller|nanny|babysitter|au\s+pair|childminder"
    r"|employer|landlord|landlady|madam|pastor|priest|housemate|stepbrother|stepsister|half-?(?:brother|sister)"
    r"|schwester|bruder|mutter|mama|vater|papa|cousine|tante|onkel|kollegin|kollege|nachbarin"
    r"|nachbar|chefin|chef|mitbewohner(?:in)?|schwager(?:in)?|schwiegermutter|oma|opa|bekannte[r]?"
    r"|arbeitgeber(?:in)?|vermieter(?:in)?"
    r"|amie?|soeur|frere|mere|pere|maman|collegue|voisine?|patronne?|coloc|pote|employeur"
    r"|amig[oa]s?|herman[oa]|madre|mama|padre|papa|prim[oa]|tia|tio|companer[oa]|vecin[oa]"
    r"|jef[ea]|cunad[oa]|suegr[oa]|abuel[oa]|colega|patron[ae]?|empleador[ae]?"
)
_CHILD = (
    r"kids?|child|children|son|daughter|baby|toddler|infant|newborn|stepson|stepdaughter|teen(?:ager)?"
    r"|\d{1,2}\s*-?\s*(?:year|yr)s?\s*-?\s*olds?|\d{1,2}\s*yo"
    r"|kind|kinder|sohn|tochter|kleinkind|saugling"
    r"|enfants?|fils|fille|bebe|gamine?"
    r"|hij[oa]s?|nin[oa]s?|nene|nena"
)
_POSSESSIVE_OTHER = r"her|his|their|ihr|ihre|ihren|sein|seine|seinen|son|sa|ses|su|sus"
# The same, for a child or parent named after someone else ("his son", "son fils", "su hijo").
_POSSESSIVE_OTHER_CHILD = (
    r"his|her|their|ihr|ihre|ihren|ihrem|sein|seine|seinen|seinem|son|sa|ses|leur|leurs|su|sus"
)
_MY = (
    r"my|our|mein|meine|meinen|meinem|meiner|unser|unsere|mon|ma|mes|notre|nos|mi|mis|nuestr[oa]s?"
)
_OWN = re.compile(rf"^(?:{_MY})\s")
_EX = re.compile(
    r"\bex\b|\bex-|\bex\w*(?:mann|frau|freund\w*|mari|femme|copain|copine|novio|novia)\b"
)
_PLURAL = re.compile(
    r"(?:kids|children|kinder|enfants|hij[oa]s|nin[oa]s|friends|amig[oa]s|neighbou?rs|students|in-?laws"
    r"|parents|boys|girls|twins|sons|daughters|cousins|sisters|brothers|colleagues|coworkers|co-workers)$"
)
_PARENT_WORDS = r"mere|pere|maman|papa|madre|padre|mama|mutter|vater"
_MALE = frozenset(
    [
        "brother",
        "bro",
        "dad",
        "father",
        "uncle",
        "son",
        "husband",
        "boyfriend",
        "grandpa",
        "grandfather",
        "stepdad",
        "stepfather",
        "nephew",
        "stepson",
        "stepbrother",
        "bruder",
        "vater",
        "papa",
        "onkel",
        "sohn",
        "mann",
        "ehemann",
        "freund",
        "opa",
        "schwager",
        "kollege",
        "nachbar",
        "frere",
        "pere",
        "oncle",
        "fils",
        "mari",
        "copain",
        "neveu",
        "hermano",
        "padre",
        "tio",
        "hijo",
        "marido",
        "novio",
        "abuelo",
        "sobrino",
        "cunado",
        "vecino",
        "amigo",
        "compagnon",
        "conjoint",
        "voisin",
        "ami",
        "man",
        "guy",
        "bloke",
        "gentleman",
        "chap",
        "homme",
        "hombre",
    ]
)
_FEMALE = frozenset(
    [
        "sister",
        "sis",
        "mum",
        "mom",
        "mother",
        "aunt",
        "auntie",
        "daughter",
        "wife",
        "girlfriend",
        "grandma",
        "grandmother",
        "stepmom",
        "stepmother",
        "niece",
        "stepdaughter",
        "stepsister",
        "madam",
        "landlady",
        "schwester",
        "mutter",
        "mama",
        "tante",
        "tochter",
        "frau",
        "ehefrau",
        "freundin",
        "oma",
        "nachbarin",
        "kollegin",
        "chefin",
        "schwagerin",
        "soeur",
        "mere",
        "maman",
        "fille",
        "femme",
        "copine",
        "amie",
        "voisine",
        "hermana",
        "madre",
        "tia",
        "hija",
        "esposa",
        "mujer",
        "novia",
        "abuela",
        "amiga",
        "vecina",
        "cunada",
        "sobrina",
        "compagne",
        "conjointe",
        "woman",
        "lady",
    ]
)


def _gender(found: str) -> str:
    words = re.findall(r"\w+", found)
    # The head of "la maman d'un copain de classe" is its first noun; of "my sister's kid", the last.
    genitive = re.search(r"\s(?:de|d|du|des|dun|dune|del|von|vom|meiner|meines)\s", found)
    for word in words if genitive else reversed(words):
        if word in _MALE:
            return "m"
        if word in _FEMALE:
            return "f"
    return ""


# Alternation order matters: compound phrases must win over their parts.
_MENTION = compile_pattern(
    "|".join(
        [
            # A child's parent is the partner: "his dad", "the kids' mom", "la mère de mes enfants".
            r"(?P<parent>\b(?:his|her|their|the\s+kids|our\s+kids|my\s+kids)\s+(?:dad|father|mom|mum|mother|stepdad)\b"
            rf"|\b(?:(?:{_MY}|the)\s+)?(?:{_CHILD})s\s+(?:dad|father|mom|mum|mother)\b"
            rf"|\b(?:(?:la|le|el|die|der)\s+)?(?:{_PARENT_WORDS})\s+(?:de|des|del|von|meiner|meines)\s+(?:{_MY}|mes|mis)\s+"
            rf"(?:{_CHILD})\b)",
            # Someone else's partner: "my sister's husband", "her boyfriend", "le mari de ma soeur".
            rf"(?P<thirdpartner>\b(?:(?:{_MY}|a)\s+)?(?:\w+\s+)?(?:{_THIRD}|{_CHILD}|{_PARTNER})s\s+(?:new\s+)?(?:{_PARTNER})\b"
            rf"|\b(?:(?:{_MY}|a)\s+)?(?:{_THIRD})s?\s+(?:{_PARTNER})\b"
            rf"|\b(?:{_POSSESSIVE_OTHER})\s+(?:{_PARTNER})\b"
            rf"|\b(?:{_PARTNER})\s+(?:of|de|von|del)\s+(?:{_MY}|la|una?)\s+(?:{_THIRD})\b"
            rf"|\b(?:{_PARTNER})\s+(?:meiner|meines|von\s+meiner|von\s+meinem)\s+(?:{_THIRD})\b"
            # Anyone's partner named by a possessive: "our pastor's wife" (apostrophes are dropped).
            r"|\b(?!(?:my|our|his|her|their|is|was|has|as|its|this|us|yes|always|perhaps|whats|thats|hes|shes|lets)\b)"
            r"\w+s\s+(?:new\s+)?(?:husband|wife|boyfriend|girlfriend|partner|fiancee?)\b)",
            # Someone else's child: "my neighbour's kid", "a friend's daughter", "el hijo de mi vecina",
            # "la maman d'un copain de classe de ma fille" (the head of the chain decides).
            rf"(?P<thirdchild>\b(?:(?:{_MY}|a|the)\s+)?(?:\w+\s+)?(?:{_THIRD})s\s+(?:(?:little|eldest|oldest|youngest|older"
            rf"|younger|new|\d+\s*(?:-|\s)?(?:year|yr)s?(?:-|\s)?old)\s+)?(?:{_CHILD})\b"
            rf"|\b(?:(?:la|le|les|l|el|los|las|die|der|das|une?|una|ein|eine)\s+)?(?:{_THIRD}|{_CHILD})\s+(?:de|d|du|des|dun|dune"
            r"|del|de\s+la|de\s+los|de\s+las|von|vom|meiner|meines)\s+(?:(?:la|le|les|l|el|los|las|una?|une?|der|dem|einer|einem)\s+)?"
            rf"(?:copain\s+de\s+classe|copine\s+de\s+classe|{_THIRD})"
            rf"(?:\s+(?:de|del|von)\s+(?:{_MY}|la|le|el)\s+(?:{_CHILD}|{_THIRD}))?\b)",
            # "a friend", "meine beste Freundin", "ein Freund von mir" are not the partner.
            # A child's class, school or friend is someone else: "my daughter's class".
            rf"(?P<childcircle>\b(?:(?:{_MY})\s+)?(?:{_CHILD})s\s+(?:best\s+)?(?:class|classmates?|school|teacher|friends?|coach|team)\b"
            r"|\b(?:a|another|some)\s+(?:kid|child|boy|girl|student)\b)",
            r"(?P<thirdfriend>\b(?:eine?|einer|beste[rn]?|guter?)\s+freund(?:in)?\b|\bfreund(?:in)?\s+von\s+mir\b"
            r"|\b(?:dun|dune)\s+(?:copain|copine|ami|amie|pote)\b|\b(?:copain|copine)s?\s+de\s+classe\b"
            r"|\bun\s+de\s+mes\s+(?:amis|potes|copains)\b)",
            # A stranger or someone met once: "a man who'd hanged himself", "eine Frau", "un homme".
            r"(?P<stranger>\b(?:a|an|some|one|another)\s+(?:man|woman|guy|lady|bloke|stranger|person|gentleman|chap)\b"
            r"|\b(?:ein|einem|einen|eine|einer)\s+(?:mann|frau|typ|fremde[rnm]?)\b"
            r"|\b(?:un|une)\s+(?:homme|femme|inconnue?|type)\b|\b(?:un|una)\s+(?:hombre|mujer|desconocid[oa])\b)",
            # Someone else's child: "his son", "her daughter", "son fils", "su hijo".
            rf"(?P<otherkid>\b(?:{_POSSESSIVE_OTHER_CHILD})\s+(?:(?:little|new|baby|eldest|oldest|youngest|older|younger"
            rf"|own|two|three|\d+\s*(?:-|\s)?(?:year|yr)s?(?:-|\s)?olds?)\s+)?(?:{_CHILD})\b)",
            rf"(?P<child>\b(?:(?:{_MY}|the|a|le|la|les|el|los|las|das|die|der)\s+)?(?:{_CHILD})\b)",
            rf"(?P<third>\b(?:(?:{_MY}|a|an)\s+)?(?:{_THIRD})\b)",
            rf"(?P<partner>\b(?:(?:{_MY}|the)\s+)?(?:(?:new|current|present|second|lovely|wonderful|amazing|sweet|dear"
            rf"|darling|nouveau|nouvelle|actuel|actuelle|neuer|neue|jetziger|jetzige|nuevo|nueva)\s+)?(?:{_PARTNER})\b)",
            r"(?P<writer>\b(?:i|im|ive|id|my|myself|ich|mein|meine|je|jai|jetais|mon|ma|mes|yo|mi|mis)\b)",
        ]
    )
)
# A partner is met, not a stranger: "I was with a man who...", "seeing a guy", "mit einer Frau".
_PARTNER_INTRO = re.compile(
    r"\b(?:with|seeing|dating|met|meet|marry|married|mit|avec|con|casad[oa]|mariee?|verheiratet)\b[^.!?]{0,30}$"
)


def find_mentions(text: str) -> tuple[Mention, ...]:
    """Every person mention in normalised text, in order."""
    out: list[Mention] = []
    for m in _MENTION.finditer(text):
        kind = m.lastgroup or ""
        found = m.group(0)
        if kind == "writer":
            out.append(Mention(m.start(), m.end(), Referent.WRITER, True, kind))
            continue
        if kind == "stranger" and _PARTNER_INTRO.search(text[max(0, m.start() - 40) : m.start()]):
            kind = "partner"
        if kind in ("parent", "partner"):
            ref = Referent.WRITER
        elif kind in ("child", "otherkid"):
            ref = Referent.CHILD
        else:
            ref = Referent.THIRD
        out.append(
            Mention(
                m.start(),
                m.end(),
                ref,
                kind=kind,
                own=bool(_OWN.match(found)),
                plural=bool(_PLURAL.search(found)),
                possessive_other=kind == "otherkid"
                or (kind == "parent" and found.split()[0] in ("his", "her", "their")),
                ex=kind == "partner" and bool(_EX.search(found)),
                gender=_gender(found),
            )
        )
    return tuple(out)


# --- quotations ---------------------------------------------------------------------------
# Quotes are found in the original text: normalisation drops apostrophes, and with them
# 'single quotes'. An opening mark follows a space or a bracket and precedes a word; a
# closing mark follows a word or punctuation and precedes a space, punctuation or the end.
_DOUBLE_QUOTES = re.compile(
    r"[\"\u201c\u201e\u00ab\u2039]\s*([^\"\u201c\u201d\u201e\u00ab\u00bb\n]{2,400}?)\s*[\"\u201c\u201d\u00bb\u203a]"
)
_SINGLE_OPEN = re.compile(r"(?:(?<=^)|(?<=[\s(\[:;,\u2014\u2013-]))['\u2018\u2019](?=\w)")
_SINGLE_CLOSE = re.compile(r"(?<=[\w.!?,\u2026])['\u2019](?=[\s.,!?;:)\]\u2014\u2013-]|$)")
_MAX_QUOTE = 400


def quoted_spans(text: str) -> tuple[tuple[int, int], ...]:
    """(start, end) of the words inside each quotation of the original text."""
    spans: list[tuple[int, int]] = [(m.start(1), m.end(1)) for m in _DOUBLE_QUOTES.finditer(text)]
    closes = [m.start() for m in _SINGLE_CLOSE.finditer(text)]
    pos = 0
    for m in _SINGLE_OPEN.finditer(text):
        if m.start() < pos:
            continue
        end = next((c for c in closes if c > m.end()), None)
        if end is None or end - m.end() > _MAX_QUOTE or "\n" in text[m.end() : end]:
            continue
        if any(s <= m.start() < e for s, e in spans):
            continue
        spans.append((m.end(), end))
        pos = end + 1
    return tuple(sorted(spans))
