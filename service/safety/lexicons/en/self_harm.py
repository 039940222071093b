"""More English self-harm rules: indirect and passive ideation, self-injury, recent attempts,
and plans told without the word "suicide" (see lexicon_en for the normalisation notes)."""

from __future__ import annotations

from functools import partial

from service.safety.rule import Attribution, Rule, make_rule
from service.taxonomy import RiskLevel

_r = partial(make_rule, "en")
U, E = RiskLevel.URGENT, RiskLevel.ELEVATED
AUTO = Attribution.AUTO

_PILLS = (
    r"(?:\w+\s+)?(?:pills|tablets|meds|painkillers|medication|medications|medicine|prescriptions)"
)
_INTENT = (
    r"(?:im\s+going\s+to|i\s+am\s+going\s+to|im\s+gonna|ill|i\s+will|i\s+plan\s+to|i\s+want\s+to)"
)

RULES: tuple[Rule, ...] = (
    # --- imminent: plans, means ready, timing ---------------------------------------------------------
    _r(
        "self_harm",
        "means_ready",
        rf"\b{_PILLS}\s+(?:are\s+)?(?:all\s+)?(?:counted|lined\s+up|laid\s+out|saved\s+up|set\s+out|stockpiled)\b|\b(?:have|got)\s+(?:the|my|all\s+the)\s+{_PILLS}\s+(?:counted|lined\s+up|laid\s+out|ready)\b"
        r"|\btake\s+everything\s+in\s+the\s+(?:\w+\s+)?(?:cabinet|cupboard|drawer)\b",
        U,
        # Whose pills: a crisis-line caller's are someone else's.
        attribution=AUTO,
    ),
    _r(
        "self_harm",
        "plan_is",
        r"\b(?:my\s+|the\s+)?plan\s+is\s+to\b[^.!?\n]{0,60}?\b(?:gun|pills|rope|bridge|overdose|jump|die|end\s+it"
        r"|kill\s+myself|hang|drown|crash)\b",
        U,
    ),
    _r(
        "self_harm",
        "not_found",
        r"\b(?:so\s+(?:that\s+)?(?:nobody|no\s+one|no-one)|before\s+(?:anyone|anybody|someone))\s+(?:\w+\s+)?"
        r"(?:finds?|can\s+find|could\s+find|stops?)\s+me\b",
        U,
    ),
    _r(
        "self_harm",
        "done_letters",
        r"\b(?:letters?|notes?|goodbyes?)\b[^\n]{0,80}?\b(?:ill|i\s+will|im\s+going\s+to)\s+do\s+it\b"
        r"|\b(?:sent|send|sending|recorded|posted)\s+(?:\w+\s+){0,3}?(?:goodbye|farewell)\s+(?:\w+\s+)?"
        r"(?:texts?|messages?|letters?|notes?|videos?|emails?)\b",
        U,
        attribution=AUTO,
    ),
    _r(
        "self_harm",
        "wont_be_around",
        r"\bwont\s+be\s+(?:around|here)\b[^\n]{0,120}?\b(?:made\s+my\s+(?:choice|decision|peace)|set\s+the\s+date"
        r"|decided|goodbye)\b",
        U,
        negatable=False,
    ),
    _r(
        "self_harm",
        "final_message",
        r"\b(?:my|this\s+is\s+my)\s+(?:very\s+)?(?:last|final)\s+(?:check[- ]?in|entry|post|message|log)\b"
        r"|\b(?:log|write|say|tell\s+\w+)\s+(?:it\s+)?one\s+(?:last|final)\s+time\b",
        E,
        urgent_on_timing=True,
    ),
    _r(
        "self_harm",
        "join_the_dead",
        r"\b(?:funeral|passed\s+away|passed|died|death|grave|gone|widow\w*)\b[^\n]{0,200}?\b(?:decided|going|want"
        r"|ready|plan\w*|will|ill)\s+(?:\w+\s+){0,3}?(?:to\s+)?(?:join|be\s+with)\s+(?:him|her|them)\b",
        E,
        urgent_on_timing=True,
    ),
    _r(
        "self_harm",
        "drive_off_road",
        rf"\b{_INTENT}\s+(?:\w+\s+){{0,2}}?(?:go|drive|swerve|crash|steer|run)\s+(?:\w+\s+){{0,2}}?(?:off\s+the\s+"
        r"(?:road|bridge|cliff|overpass)|into\s+(?:a|the|oncoming)\s+(?:\w+\s+)?(?:tree|wall|truck|traffic|river"
        r"|pillar|lake))\b",
        U,
    ),
    # --- ideation without a plan -------------------------------------------------------------------------
    _r(
        "self_harm",
        "swerve_thoughts",
        r"\b(?:think\w*|thought|imagin\w*|pictur\w*|tempted|urge|easy\s+it\s+would\s+be|could\s+just|might\s+just"
        r"|want(?:ed)?\s+to)\b[^.!?\n]{0,50}?\b(?:swerve|go\s+off\s+the\s+road|drive\s+off\s+(?:the|a)|drive\s+into"
        r"|steer\s+into|crash\s+(?:the|my)\s+car)\b",
        E,
        negatable=False,
        urgent_on_timing=True,
    ),
    _r(
        "self_harm",
        "sleep_forever",
        r"\b(?:sleep|go\s+to\s+sleep|fall\s+asleep|close\s+my\s+eyes)\s+and\s+(?:just\s+)?(?:not|never)\s+wake\s+up\b"
        r"|\bnot\s+(?:to\s+)?wake\s+up\s+(?:again|any\s*more|tomorrow)\b",
        E,
        negatable=False,
    ),
    _r(
        "self_harm",
        "better_if_dead",
        r"\b(?:better|happier|easier)\s+(?:off\s+)?(?:for\s+(?:\w+\s+){1,2})?(?:if|when|once)\s+i\s+(?:died|was\s+dead"
        r"|were\s+dead|was\s+gone|were\s+gone|wasnt\s+(?:here|around|alive)|werent\s+(?:here|around|alive)"
        r"|disappeared|killed\s+myself|didnt\s+exist)\b"
        r"|\b(?:easier|better)\s+(?:for\s+(?:\w+\s+){1,2})?(?:not\s+to\s+be|to\s+not\s+be)\s+(?:here|around|alive)\b"
        r"|\bworth\s+more\s+(?:to\s+(?:\w+\s+){1,2})?dead\b",
        E,
        negatable=False,
    ),
    _r(
        "self_harm",
        "not_being_here",
        r"\babout\s+not\s+(?:being\s+(?:here|alive|around)|existing|waking\s+up)\b"
        r"|\b(?:dark|suicidal|intrusive|bad|those|the)\s+thoughts\s+(?:are|came|come|have\s+come)\s+back\b"
        r"|\b(?:passive|suicidal)\s+ideation\b",
        E,
        attribution=AUTO,
        urgent_on_timing=True,
    ),
    _r(
        "self_harm",
        "burden_disappear",
        r"\b(?:disappear|vanish|be\s+gone|not\s+be\s+here)\s+so\s+(?:that\s+)?(?:nobody|no\s+one|everyone|they|he|she)"
        r"\s+(?:\w+\s+){0,2}?(?:has|have|would|doesnt|dont|wont|can)\b",
        E,
    ),
    _r(
        "self_harm",
        "pills_on_purpose",
        rf"\b(?:took|take|taking|swallowed)\s+(?:a\s+few\s+|some\s+|a\s+couple\s+(?:of\s+)?|a\s+lot\s+of\s+)?"
        rf"(?:extra|more)\s+{_PILLS}\b[^.!?\n]{{0,40}}?\bon\s+purpose\b|\bon\s+purpose\b[^.!?\n]{{0,30}}?\b"
        rf"(?:took|swallowed)\s+(?:\w+\s+){{0,3}}?{_PILLS}\b",
        E,
    ),
    _r(
        "self_harm",
        "recent_attempt",
        r"\b(?:got\s+out\s+of|discharged\s+from|released\s+from|admitted\s+to|was\s+in|been\s+in|back\s+from"
        r"|ended\s+up\s+in|put\s+(?:me\s+)?in|spent\s+(?:\w+\s+){1,2}in)\s+(?:the|a)\s+(?:psych(?:iatric)?\s+(?:ward|hospital"
        r"|unit)|mental\s+hospital)\b|\b(?:72[- ]hour\s+hold|5150|sectioned|baker\s+act)\b|\b(?:suicide|suicidal)\s+attempt\b|\battempted\s+(?:suicide|to\s+(?:kill|end))\b"
        r"|\b(?:after|since|before)\s+my\s+(?:last\s+|first\s+|second\s+)?attempt\b",
        E,
        attribution=AUTO,
    ),
    _r(
        "self_harm",
        "identifies_with_suicide",
        r"\b(?:killed|kill)\s+(?:himself|herself|themselves)\b[^.!?\n]{0,60}?\bi\s+(?:\w+\s+)?(?:understand|get)\s+"
        r"(?:him|her|them|it)\s+now\b|\b(?:killed|kill)\s+(?:himself|herself|themselves)\b[^.!?\n]{0,60}?\bi\s+"
        r"(?:\w+\s+)?(?:understand\s+why\s+(?:he|she|they)\s+did\s+it|feel\s+the\s+same|feel\s+like\s+(?:him|her))\b",
        E,
    ),
)
