"""Who is being talked about: the writer, the partner, a child, or someone outside the couple."""

from __future__ import annotations

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


_PARTNER = (
    r"husband|wife|partner|boyfriend|girlfriend|fiancee?|spouse|wifey|ex|ex-?husband|ex-?wife"
    r"|ehemann|ehefrau|mann|frau|freund|freundin|partnerin|verlobte[r]?"
    r"|mari|femme|copain|copine|conjointe?|compagnon|compagne|partenaire|cherie?|mec|meuf"
    r"|esposo|esposa|marido|mujer|novio|novia|pareja|prometid[oa]"
)
_THIRD = (
    r"friends?|bestie|bff|sister|brother|sis|mom|mum|mother|dad|father|cousin|aunt|uncle"
    r"|mate|best\s+mate|buddy|pal|co-?worker|colleague|neighbou?rs?|couple\s+next\s+door|roommate|flatmate|classmate|boss|niece|nephew"
    r"|grandma|grandpa|grandmother|grandfather|(?:sister|brother|mother|father)-?in-?law|in-?laws"
    r"|stepmom|stepdad|teacher|students?|client|coach|patient|caller|nanny|babysitter|au\s+pair|childminder"
    r"|schwester|bruder|mutter|mama|vater|papa|cousine|tante|onkel|kollegin|kollege|nachbarin"
    r"|nachbar|chefin|chef|mitbewohner(?:in)?|schwager(?:in)?|schwiegermutter|oma|opa|bekannte[r]?"
    r"|amie?|soeur|frere|mere|pere|maman|collegue|voisine?|patronne?|coloc|pote"
    r"|amig[oa]s?|herman[oa]|madre|mama|padre|papa|prim[oa]|tia|tio|companer[oa]|vecin[oa]"
    r"|jef[ea]|cunad[oa]|suegr[oa]|abuel[oa]|colega"
)
_CHILD = (
    r"kids?|child|children|son|daughter|baby|toddler|infant|newborn|stepson|stepdaughter|teen(?:ager)?"
    r"|kind|kinder|sohn|tochter|kleinkind|saugling"
    r"|enfants?|fils|fille|bebe|gamine?"
    r"|hij[oa]s?|nin[oa]s?|nene|nena"
)
_POSSESSIVE_OTHER = r"her|his|their|ihr|ihre|ihren|sein|seine|seinen|son|sa|ses|su|sus"
_MY = (
    r"my|our|mein|meine|meinen|meinem|meiner|unser|unsere|mon|ma|mes|notre|nos|mi|mis|nuestr[oa]s?"
)

# Alternation order matters: compound phrases must win over their parts.
_MENTION = compile_pattern(
    "|".join(
        [
            # A child's parent is the partner: "his dad", "the kids' mom".
            r"(?P<parent>\b(?:his|her|their|the\s+kids|our\s+kids|my\s+kids)\s+(?:dad|father|mom|mum|mother|stepdad)\b)",
            # Someone else's partner: "my sister's husband", "her boyfriend", "le mari de ma soeur".
            rf"(?P<thirdpartner>\b(?:(?:{_MY}|a)\s+)?(?:\w+\s+)?(?:{_THIRD}|{_CHILD}|{_PARTNER})s\s+(?:new\s+)?(?:{_PARTNER})\b"
            rf"|\b(?:(?:{_MY}|a)\s+)?(?:{_THIRD})s?\s+(?:{_PARTNER})\b"
            rf"|\b(?:{_POSSESSIVE_OTHER})\s+(?:{_PARTNER})\b"
            rf"|\b(?:{_PARTNER})\s+(?:of|de|von|del)\s+(?:{_MY}|la|una?)\s+(?:{_THIRD})\b"
            rf"|\b(?:{_PARTNER})\s+(?:meiner|meines|von\s+meiner|von\s+meinem)\s+(?:{_THIRD})\b"
            # Anyone's partner named by a possessive: "our pastor's wife" (apostrophes are dropped).
            r"|\b(?!(?:my|our|his|her|their|is|was|has|as|its|this|us|yes|always|perhaps|whats|thats|hes|shes|lets)\b)"
            r"\w+s\s+(?:new\s+)?(?:husband|wife|boyfriend|girlfriend|partner|fiancee?)\b)",
            # "a friend", "meine beste Freundin", "ein Freund von mir" are not the partner.
            # A child's class, school or friend is someone else: "my daughter's class".
            rf"(?P<childcircle>\b(?:{_MY}\s+)?(?:{_CHILD})s\s+(?:best\s+)?(?:class|classmates?|school|teacher|friends?|coach|team)\b"
            r"|\b(?:a|another|some)\s+(?:kid|child|boy|girl|student)\b)",
            r"(?P<thirdfriend>\b(?:eine?|einer|beste[rn]?|guter?)\s+freund(?:in)?\b|\bfreund(?:in)?\s+von\s+mir\b)",
            rf"(?P<child>\b(?:(?:{_MY}|the|a|le|la|les|el|los|las|das|die|der)\s+)?(?:{_CHILD})\b)",
            rf"(?P<third>\b(?:(?:{_MY}|a|an)\s+)?(?:{_THIRD})\b)",
            rf"(?P<partner>\b(?:(?:{_MY}|the)\s+)?(?:{_PARTNER})\b)",
            r"(?P<writer>\b(?:i|im|ive|id|my|myself|ich|mein|meine|je|jai|jetais|mon|ma|mes|yo|mi|mis)\b)",
        ]
    )
)


def find_mentions(text: str) -> tuple[Mention, ...]:
    """Every person mention in normalised text, in order."""
    out: list[Mention] = []
    for m in _MENTION.finditer(text):
        kind = m.lastgroup
        if kind in ("parent", "partner"):
            ref = Referent.WRITER
        elif kind == "child":
            ref = Referent.CHILD
        elif kind == "writer":
            out.append(Mention(m.start(), m.end(), Referent.WRITER, is_writer_pronoun=True))
            continue
        else:
            ref = Referent.THIRD
        out.append(Mention(m.start(), m.end(), ref))
    return tuple(out)
