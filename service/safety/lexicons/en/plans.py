"""English plans told without a crisis word: a means already at hand (hidden, saved, bought,
tied) and a time when the writer will be alone ("the pills are in my drawer. Tonight, when
she's at work."). Means plus time named together is urgent in every language; the same rule
exists in de/fr/es (lexicons/<lang>/plans.py). Patterns run on normalised text.
"""

from __future__ import annotations

from functools import partial

from service.safety.rule import Rule, make_rule
from service.taxonomy import RiskLevel

_r = partial(make_rule, "en")
U = RiskLevel.URGENT

MEANS = (
    r"(?:pills|tablets|meds|sleeping\s+pills|painkillers|rope|noose|gun|shotgun|rifle|pistol|hose|hosepipe|charcoal"
    r"|poison|razor\s+blades|insulin)"
)
# Possessed or prepared: "I've got the pills hidden", "the rope is in the garage", "I bought the rope".
HELD = (
    rf"(?:\b(?:i\s+have|ive\s+got|i\s+got|i\s+bought|ive\s+bought|i\s+hid|ive\s+hidden|i\s+tied|ive\s+tied|i\s+tested"
    rf"|ive\s+collected|ive\s+saved|i\s+saved|ive\s+put|i\s+put|i\s+took|ive\s+taken|i\s+found|i\s+kept|ive\s+kept)\s+"
    rf"(?:\w+\s+){{0,3}}?{MEANS}\b(?!\s+for\s+(?:the|a|my|our)\s+(?:tent|hammock|boat|camping|swing|dog|garden|trip|hunting"
    rf"|range|headache|flight|pain))"
    rf"|\b(?:the|my|his|her|dads|mums|moms|\w+s)\s+{MEANS}\s+(?:is|are|s)\s+(?:already\s+|all\s+|still\s+)?(?:hidden|stashed"
    r"|ready|waiting|in\s+(?:the|my)\s+\w+|under\s+(?:the|my)|behind\s+(?:the|my)|tied|in\s+my\s+\w+))"
)
WHEN = (
    r"(?:tonight|tomorrow(?:\s+(?:morning|night))?|this\s+(?:weekend|evening|afternoon)|(?:on\s+)?(?:mon|tues|wednes"
    r"|thurs|fri|satur|sun)day(?:\s+(?:night|morning))?|that\s+day|after\s+(?:the\s+\w+|that|it))"
)
# When nobody will be there: "when she's at work", "before anyone wakes", "I'll be home alone".
ALONE = (
    r"(?:(?:when|while|once|after|before)\s+(?:\w+\s+){0,3}?(?:(?:is|are|s|re|goes|go|leaves|left|gets|falls|has\s+gone"
    r"|will\s+be|ll\s+be|fall)\s+)?(?:\w+\s+)?(?:asleep|sleeping|away|at\s+work|out|gone|to\s+(?:bed|sleep|work)|on\s+(?:shift"
    r"|nights)|at\s+(?:training|school|practice|the\s+\w+|his\s+\w+|her\s+\w+)|with\s+(?:her|his|their)\s+\w+)\b"
    r"|before\s+(?:anyone|anybody|she|he|they|everyone)\s+(?:wakes|is\s+up|are\s+up|gets\s+(?:home|back|up))"
    r"|(?:ill|i\s+will|im|i\s+am)\s+(?:be\s+)?(?:home\s+)?(?:all\s+)?alone)"
)
RESOLVE = (
    r"(?:(?:ill|i\s+will|im\s+going\s+to|im\s+gonna|i\s+can)\s+(?:finally\s+)?(?:do\s+it|end\s+it|go|be\s+gone|take\s+(?:them"
    r"|it|all)|use\s+it)|it(?:ll|\s+will|s\s+going\s+to)\s+(?:all\s+)?be\s+(?:over|done|finished)|(?:thats|that\s+is)\s+(?:when"
    r"|the\s+(?:time|day|night))|its\s+(?:happening|time))"
)
# The time stands on its own ("Tonight, when she's at work.") or comes with a resolve ("I'll do
# it"); "tonight when the kids are asleep I'll take a bath" is not a plan.
TIMED = (
    rf"(?:(?:\b{WHEN}\b[^.!?\n]{{0,40}}?\b{ALONE}|\b{ALONE}[^.!?\n]{{0,40}}?\b{WHEN}\b)"
    rf"(?=(?:\s+\w+){{0,2}}\s*(?:[.!?\n]|$)|[^.!?\n]{{0,40}}?\b{RESOLVE})"
    # ... or the time alone as a sentence: "I've got the pills. Tonight."
    rf"|(?:^|(?<=[.!?\n]))\s*\b{WHEN}\s*(?:[.!?\n]|$))"
)

RULES: tuple[Rule, ...] = (
    _r(
        "self_harm",
        "take_them_all",
        # The pills named, then "I'm gonna take them all when I finish typing this" in the next sentence.
        rf"\b{MEANS}\b[^\n]{{0,120}}?\b(?:im\s+)?(?:gonna|going\s+to|will|ll)\s+(?:take|swallow|down)\s+(?:them|it)\s+all\b",
        U,
        negatable=False,
    ),
    _r(
        "self_harm",
        "means_held_and_time",
        # The match is the first of the two parts, so a rule that already read the other one keeps
        # its own evidence.
        rf"(?={HELD}[^\n]{{0,200}}?{TIMED}){HELD}|(?={TIMED}[^\n]{{0,200}}?{HELD}){TIMED}",
        U,
        negatable=False,
    ),
)
