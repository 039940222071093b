"""English rules for two quiet signals: settling one's affairs (giving things away "I won't
need", putting affairs in order) and a child of the writer's household being hurt by anyone,
including a grandparent or step-parent (the writer's child is the writer's safety concern,
not a third party's). Texts are matched after normalisation (no apostrophes, lower case)."""

from __future__ import annotations

from service.safety.rule import Rule, make_rule
from service.taxonomy import RiskLevel

E = RiskLevel.ELEVATED
_CHILD = (
    r"(?:my|our)\s+(?:little\s+|baby\s+|\d+\s*(?:yo|year\s+old)\s+)?(?:son|daughter|kids?|children|child|"
    r"baby|toddler|boy|girl|stepson|stepdaughter|twins)"
)

# Someone with power over the child; siblings playing and pets are not this rule's business.
_ADULT = (
    r"(?:he|she|they|(?:my|our|his|her)\s+(?:mom|mum|mother|dad|father|stepdad|stepmom|stepfather|"
    r"stepmother|husband|wife|partner|boyfriend|girlfriend|ex|grandma|grandpa|grandmother|"
    r"grandfather|nan|nana|uncle|aunt|babysitter|nanny|mother\s+in\s+law|father\s+in\s+law))"
)

RULES: tuple[Rule, ...] = (
    make_rule(
        "en",
        "self_harm",
        "giving_things_away",
        # Finality, not a hand-me-down or a move: "won't need it where I'm going / after tonight".
        r"\b(?:gave|give|giving|given|handed)\s+(?:away\s+)?[^\n]{0,100}?\bi\s+"
        r"(?:wont|will\s+not)\s+(?:need|be\s+needing|be\s+using)\s+"
        r"(?:it|them|any\s+of\s+(?:it|them|this)|anything)\s+"
        r"(?:where\s+im\s+going|when\s+im\s+gone|after\s+(?:tonight|today|this\s+week(?:end)?|"
        r"(?:mon|tues|wednes|thurs|fri|satur|sun)day))\b",
        E,
        urgent_on_timing=True,
    ),
    make_rule(
        "en",
        "self_harm",
        "affairs_in_order",
        # With goodbye letters or notes; settling an estate with a lawyer is not a signal.
        r"\b(?:sorted|sorting|put|putting|got|getting)\s+(?:all\s+)?(?:out\s+)?my\s+affairs"
        r"(?:\s+(?:in\s+order|sorted))?[^\n]{0,80}?\b(?:letters?|goodbyes?|notes?)\b",
        E,
        urgent_on_timing=True,
    ),
    make_rule(
        "en",
        "child_safety",
        "household_child_hurt",
        rf"\b{_ADULT}\s+(?:\w+\s+)?(?:hits|hit|slaps|slapped|smacks|smacked|beats|beat|kicks|kicked|"
        rf"shakes|shook|burns|burned|punches|punched|chokes|choked|shoves|shoved)\s+{_CHILD}\b",
        E,
    ),
)
