"""English coercive control framed as love or care: isolation the writer has given in to ("she
gets upset when I see my brother so I don't any more"), a partner who "doesn't want me to
work", money handled "so I don't have to stress" with an allowance, proof and permission
asked "because he worries". The framing never defuses the control (see LABELLING.md).
Patterns run on normalised text (see lexicons/en/core.py).
"""

from __future__ import annotations

from functools import partial

from service.safety.lexicons.en.core import HE
from service.safety.rule import Rule, make_rule
from service.taxonomy import RiskLevel

_r = partial(make_rule, "en")
E = RiskLevel.ELEVATED

# People and places a controlling partner cuts the writer off from.
SOCIAL = (
    r"(?:(?:my|our)\s+)?(?:(?:best|old|college|uni|school|work|girl|guy|male|female)\s+)?(?:friends?|family|brother"
    r"|sister|siblings|mum|mom|mother|dad|father|parents|folks|mates|girls|lads|coworkers|colleagues|cousins?|bestie"
    r"|gran|grandma|nan|aunt|uncle|people|anyone|anybody|roommate|group|team|book\s+club|church|choir)"
)
_ACT = (
    r"(?:(?:see|seeing|visit|visiting|meet|meeting|call|calling|phone|phoning|text|texting|talk(?:ing)?\s+to|speak(?:ing)?"
    r"\s+to|hang(?:ing)?\s+out\s+with|spend(?:ing)?\s+time\s+with|go(?:ing)?\s+out\s+with|invit(?:e|ing)|go(?:ing)?\s+to"
    r"\s+see)\s+(?:\w+\s+){0,2}?" + SOCIAL + r"\b"
    r"|go(?:ing)?\s+out\b|go(?:ing)?\s+(?:anywhere|places|out)\s+without\s+(?:him|her|them)"
    r"|(?:go|going|went)\s+to\s+(?:the\s+)?(?:gym|pub|class|classes|church|book\s+club|choir|football|training|practice"
    r"|my\s+(?:\w+\s+)?(?:class|club|team|group|job|friends?\s+house|parents|mums|moms))"
    r"|wear(?:ing)?\s+(?:\w+\s+)?(?:makeup|make-up|skirts?|dresses|shorts|lipstick|heels|crop\s+tops?|what\s+i\s+want)"
    r"|hav(?:e|ing)\s+(?:friends|people|anyone|my\s+\w+|them)\s+over"
    r"|(?:go|going|went)\s+on\s+(?:a|the|my|our)\s+(?:\w+\s+){0,2}?(?:trip|holiday|night\s+out|weekend(?:\s+away)?|stag|hen\s+do))"
)
_UPSET = (
    r"(?:upset|sad|hurt|jealous|angry|mad|anxious|cross|moody|funny|weird|quiet|cold|sulky|insecure|stressed|annoyed"
    r"|off|clingy|panicky|worried|scared|lonely|distant|tearful|abandoned|rejected|betrayed|left\s+out)"
)
# The partner's reaction or wish: "gets upset when I", "doesn't like me", "prefers I don't".
_REACT = (
    rf"(?:{HE}\s+(?:\w+\s+){{0,2}}?(?:gets?|got|is|was|becomes?|goes|feels?)\s+(?:so\s+|really\s+|super\s+|very\s+|a\s+bit"
    rf"\s+|kind\s+of\s+|kinda\s+|all\s+)?{_UPSET}\s+(?:when|if|whenever|every\s+time)\s+i"
    rf"|{HE}\s+(?:\w+\s+)?(?:doesnt|does\s+not|didnt|did\s+not)\s+(?:really\s+)?(?:like|love|want)\s+(?:it\s+when\s+i|when\s+i"
    rf"|me|that\s+i|it\s+if\s+i)|{HE}\s+(?:\w+\s+)?(?:hates|hated|cant\s+stand|isnt\s+comfortable\s+with|is\s+not\s+comfortable"
    rf"\s+with|prefers|would\s+rather|d\s+rather)\s+(?:it\s+when\s+i|when\s+i|me|that\s+i|i)"
    rf"|{HE}\s+(?:\w+\s+)?(?:sulks|cries|freaks\s+out|goes\s+quiet|gives\s+me\s+the\s+silent\s+treatment|doesnt\s+speak\s+to\s+me"
    rf"|wont\s+speak\s+to\s+me|panics|spirals)\s+(?:\w+\s+){{0,2}}?(?:when|if|whenever|every\s+time)\s+i)"
)
# Giving in: "so I don't any more", "so I stopped", "so I quit the team".
_GAVE_IN = (
    r"(?:so|and|which\s+is\s+why)\s+(?:now\s+|these\s+days\s+|i\s+guess\s+|basically\s+|honestly\s+)?(?:i|ive|i\s+have)\s+"
    r"(?:just\s+)?"
    r"(?:dont|do\s+not|dont\s+really|never|rarely|hardly\s+ever|no\s+longer|stopped|have\s+stopped|ve\s+stopped|gave\s+"
    r"(?:it\s+|that\s+|them\s+)?up|quit|cancel\w*|stay\s+(?:home|in)|left|deleted|unfollowed|blocked|dropped|only|skip)\b"
)
# Love framing: "she just wants us close", "because he loves me", "he's so protective".
_LOVE = (
    rf"(?:{HE}\s+)?(?:just\s+|only\s+)?wants?\s+(?:us\s+(?:to\s+be\s+)?(?:close|together)|(?:what\s+is|whats)\s+best\s+for\s+"
    rf"(?:me|us)|to\s+(?:look\s+after|protect|keep)\s+me)|because\s+{HE}\s+(?:\w+\s+)?(?:loves?|cares?\s+about|worr(?:y|ies)"
    rf"\s+about)\s+(?:me|us)|(?:hes|shes|theyre)\s+(?:just\s+|so\s+|really\s+|very\s+|super\s+)?(?:protective|insecure|caring"
    r"|looking\s+out\s+for\s+me)"
)

RULES: tuple[Rule, ...] = (
    _r(
        "coercive_control",
        "isolation_given_in",
        # "she gets upset when I see my brother so I don't any more, she just wants us close".
        rf"\b{_REACT}\s+(?:\w+\s+){{0,2}}?{_ACT}[^.!?\n]{{0,80}}?\b(?:{_GAVE_IN}|{_LOVE})"
        # ... unless the writer says it was their own choice: "so I stopped. Not because she asked."
        r"(?![^\n]{0,40}\bnot\s+because\s+(?:he|she|they)\s+(?:asked|told|wanted|made|said))"
        # "I stopped going to the gym because he gets jealous".
        r"|\bi\s+(?:\w+\s+)?(?:stopped|quit|gave\s+up|dont\s+(?:\w+\s+){0,3}?any\s*more|no\s+longer|left)\b[^.!?\n]{0,60}?"
        rf"\bbecause\s+{HE}\s+(?:\w+\s+)?(?:gets?|got|is|was)\s+(?:so\s+|really\s+|too\s+)?(?:upset|jealous|sad|hurt|angry|mad"
        rf"|anxious|insecure)\b|\bi\s+(?:\w+\s+)?(?:stopped|quit|gave\s+up|no\s+longer)\b[^.!?\n]{{0,60}}?\bbecause\s+{HE}\s+"
        r"(?:\w+\s+)?(?:doesnt|does\s+not|didnt)\s+(?:like|want)\b"
        # "he says my friends are a bad influence so I left the group chat".
        rf"|\b{HE}\s+(?:\w+\s+)?(?:says?|said|thinks|decided)\s+(?:that\s+)?(?:my|all\s+my)\s+(?:\w+\s+)?(?:friends?|family|sisters?"
        r"|brothers?|mum|mom|mother|parents|coworkers|colleagues|cousins?|mates|best\s+friend)\s+(?:is|are|were|was)\s+(?:a\s+)?(?:bad\s+influence|toxic"
        rf"|jealous\s+of\s+us|against\s+us|trouble|negative)\b[^.!?\n]{{0,60}}?\b{_GAVE_IN}",
        E,
    ),
    _r(
        "coercive_control",
        "doesnt_want_me_to",
        # "he doesn't want me to work, he wants to look after me", "she doesn't want me seeing my friends".
        rf"\b{HE}\s+(?:\w+\s+)?(?:doesnt|does\s+not|didnt|did\s+not|wont)\s+(?:really\s+)?want\s+me\s+(?:to\s+)?"
        r"(?:work|working|get\s+a\s+job|have\s+a\s+job|go\s+back\s+to\s+work|return\s+to\s+work|keep\s+my\s+job|take\s+(?:the|a|that"
        r"|this)\s+job)\b(?!\s+(?:so\s+hard|too\s+(?:hard|much|late)|late|weekends|overtime|extra|tonight|today|tomorrow|this"
        r"|on\s+|myself|through|from\s+home|nights|there|for\s+|with\s+|when\s+(?:im|i\s+am)\s+(?:sick|ill|pregnant)|while\s+(?:im|i\s+am)\s+(?:sick|ill|recovering)|until|till|yet))"
        rf"|\b{HE}\s+(?:\w+\s+)?(?:doesnt|does\s+not|didnt|did\s+not|wont)\s+(?:really\s+)?want\s+me\s+(?:to\s+)?(?:see|seeing"
        r"|visit|visiting|meet|meeting|talk\s+to|talking\s+to|hang(?:ing)?\s+out\s+with|spend(?:ing)?\s+time\s+with|go(?:ing)?"
        rf"\s+out\s+with|call|calling|text|texting)\s+(?:\w+\s+){{0,2}}?{SOCIAL}\b"
        rf"|\b{HE}\s+(?:\w+\s+)?(?:doesnt|does\s+not|didnt|did\s+not|wont)\s+(?:really\s+)?want\s+me\s+(?:to\s+)?go(?:ing)?\s+"
        r"(?:out|anywhere|places)\s+without\s+(?:him|her|them)\b"
        rf"|\b{HE}\s+(?:\w+\s+)?(?:prefers|would\s+rather|d\s+rather)\s+(?:that\s+)?i\s+(?:dont|didnt|do\s+not|did\s+not"
        rf"|not|never)\s+{_ACT}",
        E,
    ),
    _r(
        "coercive_control",
        "money_as_care",
        # "he handles all the money so I don't have to stress, I get an allowance".
        rf"\b(?:handles|manages|controls|looks\s+after|takes\s+care\s+of|is\s+in\s+charge\s+of|does|runs|holds)\s+(?:all\s+)?"
        r"(?:of\s+)?(?:the|our|my)\s+(?:money|finances|bank\s+accounts?|accounts?|budget|cards?)\b[^\n]{0,150}?\b(?:allowance"
        r"|pocket\s+money|gives\s+me\s+(?:an?\s+)?\W?\d+|transfers?\s+me|(?:have|need)\s+to\s+ask\s+(?:him|her|them)?\s*(?:for|before)"
        r"|(?:dont|do\s+not)\s+(?:have|know)\s+(?:access|the\s+(?:pin|password|login)|my\s+own\s+(?:card|account|money))"
        r"|no\s+access|(?:my|the)\s+(?:salary|paycheck|paycheque|wages|pension|income|pay)\s+goes)"
        r"|\b(?:my|the)\s+(?:salary|paycheck|paycheque|wages|pay|pension|income|benefits|earnings)\s+(?:\w+\s+)?(?:goes|go|gets"
        r"\s+paid|is\s+paid|are\s+paid|went)\s+(?:straight\s+|directly\s+)?(?:in)?to\s+(?:his|her|their)\s+(?:\w+\s+)?"
        r"(?:account|bank)\b"
        r"|\bi\s+(?:dont|do\s+not|no\s+longer)\s+have\s+(?:(?:any\s+)?access\s+to\s+(?:our|the|my|any)\s+(?:money|accounts?"
        r"|bank\s+accounts?|finances|cards?)|my\s+own\s+(?:money|bank\s+account|account|card|bank\s+card|debit\s+card))\b"
        rf"|\b{HE}\s+(?:\w+\s+)?(?:gives|transfers|sends|hands)\s+me\s+(?:\W?\d+\w*|an?\s+(?:\w+\s+)?(?:allowance|stipend))\s+"
        r"(?:\w+\s+){0,2}?(?:a|per|every|each|on\s+a)\s+(?:week|month|monday|friday|day|payday)\b",
        E,
    ),
    _r(
        "coercive_control",
        "proof_as_care",
        # "he wants a photo of the machine I'm on with a timestamp", "screenshot all our chats".
        r"\b(?:wants|asks\s+for|needs|demands|makes\s+me\s+(?:send|take))\s+(?:a\s+)?(?:photos?|pictures?|pics?|selfies?"
        r"|screenshots?|videos?)\s+(?:\w+\s+){0,4}?(?:every\s+time|whenever|each\s+time|with\s+a\s+timestamp|of\s+(?:where"
        r"|who|what)\s+i)\b|\b(?:asked|asks|makes|made|wants)\s+me\s+to\s+screenshot\s+(?:all\s+)?(?:our|my|the)\s+"
        r"(?:chats?|messages|texts|dms)\b",
        E,
    ),
)
