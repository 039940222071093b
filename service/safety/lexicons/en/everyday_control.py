"""English coercive control told as everyday life, without the words "control" or "abuse":
listening in on calls, deciding who the writer sees or texts, calling the writer's boss,
changing the locks or the wifi password as a lever, property put in the partner's name,
contacts deleted on order, nobody seen but the partner (see LABELLING.md, "elevated").
Patterns run on normalised text (see lexicons/en/core.py).
"""

from __future__ import annotations

from functools import partial

from service.safety.lexicons.en.core import HE
from service.safety.rule import Rule, make_rule
from service.taxonomy import RiskLevel

_r = partial(make_rule, "en")
E = RiskLevel.ELEVATED

RULES: tuple[Rule, ...] = (
    _r(
        "coercive_control",
        "listens_in",
        r"\b(?:listens?\s+in\s+on|listened\s+in\s+on|listens?\s+to|records?|recorded|recording|screenshots?)\s+(?:all\s+)?my\s+"
        r"(?:phone\s+)?(?:calls|conversations|sessions|chats|messages)\b"
        r"|\bmakes?\s+me\s+(?:record|put)\s+(?:\w+\s+){0,3}?(?:sessions|calls|on\s+speaker)\b"
        r"|\b(?:likes|wants|makes|needs)\s+(?:my|me\s+to\s+(?:take|keep|have)\s+my)\s+calls\s+on\s+speaker\b"
        r"|\ballowed\s+to\s+call\s+(?:\w+\s+){0,3}?(?:only|on\s+speaker)\b",
        E,
        guard_writer_subject=True,
    ),
    _r(
        "coercive_control",
        "decides_who",
        rf"\b{HE}\s+(?:\w+\s+)?(?:decides?|decided|chooses|picks)\s+(?:which\s+of\s+my\s+(?:friends|family)|who\s+i\s+(?:text|see"
        r"|talk\s+to|can\s+see|message|call|am\s+friends\s+with|follow)|whether\s+i\s+(?:can\s+)?(?:see|go|work|visit)"
        r"|if\s+(?:i\s+(?:can|get\s+to)\s+(?:see|go|visit)|the\s+(?:weekend|visit)\s+happens))\b"
        rf"|\b{HE}\s+(?:\w+\s+)?(?:has\s+)?(?:decided|says|said|told\s+me|insists|insisted)\s+(?:that\s+)?i\s+(?:cant|cannot|can\s+not"
        r"|shouldnt|mustnt|am\s+not\s+allowed\s+to)\s+(?:see\s+(?:my|any)|have\s+(?:a\s+job|friends|my\s+own)|take\s+(?:the|a|that)\s+job"
        r"|go\s+(?:out|to\s+work|back\s+to\s+work)|work|keep\s+my|visit|talk\s+to|wear)\b",
        E,
    ),
    _r(
        "coercive_control",
        "work_sabotage",
        # "she calls my boss pretending to be me, sick", "if I'm late, Kyle calls my manager".
        r"\bcalls?\s+my\s+(?:new\s+)?(?:boss|manager|work|employer|office|supervisor)\b[^.!?\n]{0,60}?\b(?:pretending|sick|said"
        r"|says|saying|tells|told|to\s+check|if\s+i|whenever|every\s+time)"
        r"|\bif\s+i(?:m|\s+am)\s+(?:\w+\s+){0,4}?late\b[^.!?\n]{0,40}?\bcalls?\s+my\s+(?:boss|manager|work|mum|mom|mother|friends?"
        r"|sister)\b|\bmade\s+me\s+(?:quit|leave|give\s+up)\s+my\s+(?:job|work|course|studies|degree|career|classes|hobby)\b",
        E,
    ),
    _r(
        "coercive_control",
        "locks_and_codes",
        # A lever, not a house chore: "changed the wifi password and only gives it to me when I've earned it".
        r"\bchanged\s+the\s+(?:locks|wifi\s+password|door\s+code|alarm\s+code|pin)\b[^.!?\n]{0,60}?\b(?:only|until|unless|after"
        r"|so\s+i\s+(?:cant|cannot|couldnt)|when\s+i|earned)\b|\b(?:ll|will|would|d|going\s+to)\s+change\s+the\s+locks\b",
        E,
    ),
    _r(
        "coercive_control",
        "property_taken",
        r"\b(?:put|transferred|moved)\s+(?:it|the\s+(?:house|car|flat|inheritance|money|account|savings))\s+(?:\w+\s+)?(?:in|into"
        r"|to)\s+(?:just\s+)?his\s+name\b|\b(?:had|made|got|pressured)\s+me\s+(?:to\s+)?sign\s+(?:\w+\s+){0,3}?over\s+to\s+(?:him"
        r"|her|his|just\s+his)\b|\btalked\s+me\s+into\s+selling\s+my\s+(?:car|house|flat)\b",
        E,
    ),
    _r(
        "coercive_control",
        "contacts_cut",
        r"\bmade\s+me\s+(?:block|unfriend|delete|unfollow|remove)\s+(?:\w+\s+){0,3}?(?:numbers?|contacts?|accounts?|instagram"
        r"|facebook|whatsapp|friends?|family|sisters?|brothers?|mum|mom|dad|exes?)\b"
        r"|\b(?:havent|have\s+not|hadnt)\s+seen\s+(?:anyone|anybody|my\s+(?:family|friends|parents))\s+(?:but|except|other\s+than)"
        r"\s+(?:him|her)\b",
        E,
        negatable=False,
    ),
    _r(
        "coercive_control",
        "spy_app",
        r"\b(?:app|software|program)\b[^.!?\n]{0,40}?\bon\s+my\s+(?:phone|laptop|computer)\s+(?:that\s+)?i\s+(?:never|didnt)\s+"
        r"install\w*|\b(?:put|installed)\s+an?\s+app\s+on\s+(?:the|my)\s+(?:car|phone|laptop)\s+that\s+(?:tells|shows)\s+(?:him|her)\b",
        E,
        negatable=False,
    ),
)
