"""English self-harm rules written for how people in crisis actually phrase things: a means
plus a resolve ("pills on the nightstand, tonight is the night"), farewells, researching a
method, jumping, passive death wishes; plus sexual harm to a child (see lexicon_en)."""

from __future__ import annotations

from functools import partial

from service.safety.rule import Attribution, Rule, make_rule
from service.taxonomy import RiskLevel

_r = partial(make_rule, "en")
U, E = RiskLevel.URGENT, RiskLevel.ELEVATED
OTHER, AUTO = Attribution.OTHER, Attribution.AUTO

_PILLS = (
    r"(?:\w+\s+)?(?:pills|tablets|meds|painkillers|medication|medications|medicine|prescriptions)"
)
# A means of suicide named as a thing at hand.
_MEANS = (
    r"(?:pills|tablets|meds|painkillers|sleeping\s+pills|medication|insulin|rope|noose|gun|pistol|rifle|razors?"
    r"|blades?|(?:the|a)\s+knife|the\s+bridge|the\s+ledge|the\s+roof|the\s+tracks|the\s+bottle|charcoal"
    r"|(?:the|a)\s+(?:train\s+line|railway|reservoir|river|cliffs?)|(?:i\s+have|ive\s+got|i\s+made)\s+a\s+plan"
    r"|everything\s+i\s+need|(?:the\s+)?(?:thing|stuff)\s+(?:im|i\s+am)\s+(?:going\s+to|gonna)\s+use|(?:the|my)\s+note)"
)
# First-person resolve about timing: "tonight is the night", "doing it this weekend".
_RESOLVE = (
    r"(?:tonight|today|tomorrow)\s+is\s+the\s+(?:night|day)|(?:its|it\s+is)\s+time\b"
    r"|(?:im|i\s+am)\s+(?:\w+\s+)?(?:doing|going\s+to\s+do)\s+it\b|(?:ill|i\s+will)\s+do\s+it\b"
    r"|doing\s+it\s+(?:tonight|today|tomorrow|this\s+(?:weekend|evening|morning|afternoon|week)"
    r"|(?:on\s+)?(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday)|after|when|while|once|before)"
    r"|(?:it|this|everything)\s+(?:all\s+)?ends\s+(?:tonight|today|tomorrow|soon|now)"
    r"|(?:tonight|today|tomorrow)\s+(?:it|this|everything)\s+(?:all\s+)?ends"
    r"|(?:im|i\s+am)\s+ready\s+to\s+go\b|no\s+turning\s+back|last\s+(?:night|day)\s+(?:alive|on\s+earth)"
    r"|(?:its|it\s+is)\s+(?:for\s+)?(?:tonight|today|tomorrow|this\s+weekend)\b"
    r"|(?:picked|chosen|chose|set)\s+(?:a|the)\s+(?:day|date)\b|(?:just\s+)?want\s+(?:it|this|everything)\s+(?:all\s+)?to\s+(?:stop|end)"
    r"|(?:he|she|they)(?:ll|\s+will)\s+find\s+(?:it|me)\s+when"
)
# Farewell formulas that, next to a means or "I won't be here", read as a suicide note.
_FAREWELL = (
    r"(?:im\s+)?sorry\s+for\s+everything|(?:i\s+)?love\s+you\s+all|goodbye\s+(?:everyone|everybody|all|world|forever)"
    r"|(?:please\s+)?take\s+care\s+of\s+(?:my|the)\s+(?:kids|children|dog|cat|mum|mom)\s+for\s+me"
    r"|this\s+is\s+(?:my\s+)?goodbye|(?:wanted|want)\s+to\s+say\s+goodbye|saying\s+(?:my\s+)?goodbyes?"
    r"|thank\s+you\s+for\s+everything|tell\s+\w+\s+(?:that\s+)?it\s+(?:wasnt|isnt|was\s+not|is\s+not)\s+(?:his|her|their"
    r"|your)\s+fault|dont\s+blame\s+yourself|(?:im|i\s+am)\s+(?:quite\s+|completely\s+)?at\s+peace\s+with\s+(?:it|this)"
)
_GONE = (
    r"(?:wont|will\s+not)\s+be\s+(?:here|around|alive)|(?:ill|i\s+will)\s+be\s+gone"
    r"|(?:and\s+)?(?:not|never)\s+come\s+back"
)
_INTENT = r"(?:going\s+to|gonna|about\s+to|will|ill|i\s*ll|plan\s+to|planning\s+to|ready\s+to|decided\s+to)"
_JUMP = (
    r"(?:jump|throw\s+myself|fling\s+myself)\s+(?:off|from)\s+(?:the|a|this|that|my)\s+(?:\w+\s+)?(?:bridge|roof|rooftop"
    r"|building|balcony|overpass|tower|car\s+park|parking\s+(?:garage|deck)|window)"
    r"|(?:step|jump|throw\s+myself|walk|lie\s+down|run)\s+(?:out\s+)?in\s+front\s+of\s+(?:a|the|the\s+next|a\s+passing)\s+"
    r"(?:train|bus|truck|lorry|tram|car|one)|(?:jump|throw\s+myself|lie\s+down)\s+(?:onto|on)\s+the\s+(?:tracks|rails)"
)
_KID = (
    r"(?:kids?|children|child|son|daughter|boy|girl|toddler|baby|stepson|stepdaughter"
    r"|\d+\s*(?:yo|y/o|year\s*old|yr\s*old|years\s*old))"
)

RULES: tuple[Rule, ...] = (
    # --- imminent ------------------------------------------------------------------------------------
    _r(
        "self_harm",
        "means_and_resolve",
        rf"\b{_MEANS}\b[^\n]{{0,120}}?\b(?:{_RESOLVE})|\b(?:{_RESOLVE})[^\n]{{0,120}}?\b{_MEANS}\b",
        U,
    ),
    _r(
        "self_harm",
        "farewell_and_means",
        rf"\b(?:{_FAREWELL})\b[^\n]{{0,150}}?\b(?:{_MEANS}|{_GONE})\b|\b(?:{_MEANS}|{_GONE})\b[^\n]{{0,150}}?\b(?:{_FAREWELL})\b",
        U,
    ),
    _r(
        "self_harm",
        "read_this",
        r"\b(?:by\s+the\s+time|when|once)\s+(?:you|anyone|someone|somebody|they|he|she)\s+(?:reads?|sees?|finds?|gets?)\s+"
        r"(?:this|these|my\s+(?:message|note|letter))\b[^.!?\n]{0,40}?\b(?:ill|i\s+will|i\s*ll|im|i\s+am|i\s+wont)\s+"
        r"(?:be\s+)?(?:gone|dead|not\s+(?:be\s+)?here|no\s+longer|be\s+(?:here|around|alive))",
        U,
        negatable=False,
    ),
    _r(
        "self_harm",
        "swallowed_some",
        rf"\b(?:took|taken|swallowed|downed|popped)\s+(?:about\s+|like\s+|maybe\s+|already\s+)?(?:half|most|all|the\s+rest"
        rf"|a\s+whole|an\s+entire|two|three|four|a\s+couple)\s+(?:of\s+)?(?:the|a|my)?\s*(?:bottles?|box(?:es)?|packs?"
        rf"|packets?|strips?|blister\s+packs?|sheets?)\s+of\s+(?:my\s+)?{_PILLS}\b"
        rf"|\btake\s+(?:every|all\s+(?:the|my|of\s+my))\s+(?:\w+\s+)?(?:pills?|tablets?|meds|medication|painkillers)\s+"
        r"(?:in\s+the\s+(?:house|cabinet|flat|apartment|drawer)|i\s+have|i\s+can\s+find|ive\s+got)\b",
        U,
    ),
    _r(
        "self_harm",
        "stockpiling",
        rf"\b{_PILLS}\b[^.!?\n]{{0,60}}?\b(?:sav|stockpil|hoard|collect|stash)(?:e|es|ed|ing)?\s+(?:them|it)(?:\s+up)?\b",
        U,
    ),
    _r(
        "self_harm",
        "jump_intent",
        rf"\b{_INTENT}\s+(?:just\s+)?(?:{_JUMP})\b",
        U,
    ),
    _r(
        "self_harm",
        "took_a_lot",
        r"\b(?:took|taken|swallowed|downed|popped)\s+(?:a\s+(?:load|lot|bunch|handful|heap|ton)\s+of|loads\s+of|all\s+(?:of\s+)?"
        r"(?:my|the)|too\s+many|\d{2,}|twenty|thirty|forty|fifty)\s+(?:my\s+|the\s+)?(?:paracetamol|acetaminophen|tylenol"
        r"|ibuprofen|aspirin|codeine|tramadol|oxy\w*|xanax|valium|diazepam|benadryl|sleeping\s+tablets|antidepressants"
        r"|sertraline|insulin|lithium|co-?codamol|codamol|naproxen|zopiclone|amitriptyline|propranolol|quetiapine|seroquel"
        r"|melatonin|nytol|sleeping\s+pills)\b"
        rf"|\b{_PILLS}\b[^.!?\n]{{0,80}}?\b(?:going\s+to|gonna|will|ll)\s+(?:take|swallow)\s+(?:them|it)\s+all\b",
        U,
    ),
    # --- plans and preparations that are urgent with a timing word -----------------------------------
    _r(
        "self_harm",
        "means_ready",
        rf"\b(?:the|my|all\s+(?:the|my))\s+{_PILLS}\s+(?:are\s+)?(?:all\s+)?(?:ready|prepared|waiting)\b"
        r"(?!\s+(?:for|to|at)\b)"
        rf"|\b(?:have|got|ve\s+got|collected|saved)\s+(?:more\s+than\s+)?enough\s+{_PILLS}\b(?!\s+(?:for|until|till|to\s+last))"
        rf"|\b{_PILLS}\b[^.!?\n]{{0,60}}?\b(?:i\s+have|ive\s+got|i\s+got)\s+enough\b(?!\s+(?:for|until|till|to\s+last))",
        E,
        urgent_on_timing=True,
    ),
    _r(
        "self_harm",
        "letters_to_all",
        r"\b(?:wrote|written|writing|write|finished|left)\s+(?:\w+\s+){0,2}?(?:letters?|notes?)\s+(?:to|for)\s+(?:everyone"
        r"|everybody|all\s+of\s+(?:you|them)|(?:all\s+)?(?:the\s+)?people\s+i\s+love|my\s+loved\s+ones|each\s+of\s+(?:my|them))\b"
        r"|\b(?:letters?|notes?)\s+(?:to|for)\s+my\s+(?:kids|children|family|parents)\s+(?:for\s+(?:after|when)|in\s+case)\b",
        E,
        urgent_on_timing=True,
    ),
    _r(
        "self_harm",
        "wont_be_here",
        # Someone else's end of life is grief: "she's scared her mom won't be around much longer".
        r"\b(?=wont|will\s+not)(?<!\bmom\s)(?<!\bmum\s)(?<!\bdad\s)(?<!\bmother\s)(?<!\bfather\s)(?<!\bgrandma\s)(?<!\bgrandpa\s)(?<!\bnan\s)"
        r"(?<!\bdog\s)(?<!\bcat\s)(?<!\bhe\s)(?<!\bshe\s)(?<!\bthey\s)(?<!\bparents\s)"
        r"\b(?:wont|will\s+not)\s+be\s+(?:here|around|alive)\s+(?:much\s+longer|for\s+(?:much\s+)?longer|any\s*more"
        r"|by\s+(?:then|morning|the\s+weekend))\b",
        E,
        attribution=AUTO,
        urgent_on_timing=True,
    ),
    _r(
        "self_harm",
        "research_method",
        r"\b(?:looked\s+up|look(?:ing)?\s+up|googl(?:ed|ing|e)|search(?:ed|ing)\s+(?:for\s+)?|research(?:ed|ing)"
        r"|read(?:ing)?\s+(?:up\s+)?(?:about|on))\s+(?:\w+\s+){0,2}?(?:(?:painless|quick|quickest|easiest|best|peaceful"
        r"|fastest|surest)\s+ways?\s+to\s+(?:die|go|end\s+it|kill\s+(?:my|your)self)|ways\s+to\s+(?:die|end\s+it"
        r"|kill\s+myself|commit\s+suicide)|how\s+to\s+(?:die|end\s+it|kill\s+myself|overdose|hang\s+myself)"
        r"|(?:lethal|fatal|deadly)\s+doses?|how\s+(?:many|much)\s+(?:of\s+(?:my|the|these)\s+)?(?:\w+\s+)?"
        r"(?:it\s+)?(?:would|it\s+would|it\s*d|to)\s+(?:take|kill))"
        # A novelist's research on a character ("how much digoxin it would take to stop a man's heart").
        r"(?!\s+(?:to\s+)?(?:stop|kill)\s+(?:a|his|her|the|someone|somebody|anyone|my\s+(?:character|villain))\b)",
        E,
        urgent_on_timing=True,
    ),
    _r(
        "self_harm",
        "jump_thoughts",
        rf"\b(?:want\s+to|wanted\s+to|wanting\s+to|think\w*\s+(?:about|of)|thought\s+(?:about|of)|urge\s+to|tempted\s+to"
        rf"|imagin\w*)\s+(?:just\s+)?(?:{_JUMP}|jumping\s+(?:off|from)\s+(?:the|a)\s+(?:bridge|roof|building|balcony))\b"
        r"|\bhow\s+easy\s+it\s+(?:would|d)\s+be\s+to\s+(?:just\s+)?(?:jump|fall|step|let\s+go|end\s+it|not\s+be\s+here"
        r"|disappear|die)\b|\b(?:balcony|bridge|ledge|rooftop|edge|platform|tracks)\b[^.!?\n]{0,80}?\bhow\s+easy\s+it"
        r"\s+(?:would|d)\s+be\b",
        E,
        urgent_on_timing=True,
    ),
    _r(
        "self_harm",
        "how_id_do_it",
        r"\b(?:think\w*|thought)\s+(?:about|of)\s+how\s+i\s*(?:d|would|could|will|ll)\s+do\s+it\b"
        r"|\b(?:thinking|think|thought)\s+about\s+my\s+(?:own\s+)?funeral\b|\bi\s+(?:took|swallowed)\s+something\b"
        r"|\bi\s+(?:cut|burned|burnt)\s+(?:again|tonight|today|yesterday|last\s+night|this\s+morning)\b"
        r"|\b(?:skipping|skip|starving|starve)\s+(?:meals\s+)?(?:on\s+purpose\s+)?as\s+(?:a\s+)?punishment\b"
        r"|\b(?:better\s+off|worth\s+more|richer)\s+with\s+(?:my\s+)?(?:life\s+)?insurance\b|\b(?:fine|better)\s+without\s+me\b"
        r"[^.!?\n]{0,40}?\binsurance\b",
        E,
        urgent_on_timing=True,
    ),
    _r(
        "self_harm",
        "note_left",
        r"\b(?:written|wrote|left|taped|finished|put)\s+(?:the|my|a)\s+(?:note|letter)\b[^\n]{0,80}?\b(?:(?:hell|shell|theyll"
        r"|he\s+will|she\s+will)\s+find\s+it|(?:im|i\s+am)\s+(?:doing\s+it|not\s+scared|ready|calm))",
        U,
    ),
    # --- passive death wishes -------------------------------------------------------------------------
    _r(
        "self_harm",
        "passive_wish",
        r"\b(?:hope|hopes|hoping|wish|pray|praying)\s+(?:that\s+)?(?:a|some|the)\s+(?:\w+\s+)?(?:car|bus|truck|lorry|train"
        r"|plane)\s+(?:would\s+|will\s+)?(?:hits?|runs?\s+(?:me\s+)?over|crash(?:es)?)\b"
        r"|\b(?:wouldnt|would\s+not|dont|do\s+not|didnt)\s+(?:even\s+)?(?:mind|care)\s+(?:if\s+i\s+(?:died|die|didnt\s+wake\s+up"
        r"|never\s+woke\s+up|get\s+hit|got\s+hit|was\s+gone|were\s+gone|crashed)|dying|not\s+waking\s+up|never\s+waking\s+up)\b"
        r"|\bif\s+i\s+(?:didnt|did\s+not|never|dont|do\s+not)\s+wake\s+up\b[^.!?\n]{0,40}?\b(?:fine|ok|okay|alright"
        r"|relief|good|better|wouldnt\s+mind|so\s+be\s+it|a\s+blessing)\b"
        r"|\b(?:would|will|does|did)\s+(?:anyone|anybody|nobody|no\s+one|they|he|she|people)\s+(?:even\s+|really\s+)?"
        r"(?:notice|care|miss\s+me)\s+if\s+i\s+(?:was|were|died|disappeared|wasnt\s+here|werent\s+here|killed\s+myself"
        r"|didnt\s+exist|was\s+gone|were\s+gone)\b"
        r"|\b(?:tired|exhausted|sick)\s+of\s+(?:existing|being\s+here)\b|\bwish\w*\s+(?:that\s+)?i\s+could\s+(?:just\s+)?(?:fall\s+asleep"
        r"|sleep|go\s+to\s+sleep)\s+(?:forever|and\s+never\s+wake\s+up)\b|\b(?:nobody|no\s+one|noone)\s+would\s+(?:even\s+|really\s+)?"
        r"(?:notice|care|miss\s+me)\s+if\s+i\s+(?:died|was\s+gone|were\s+gone|disappeared|killed\s+myself)\b"
        r"|\b(?:fine|ok|okay|happy|content)\s+(?:with\s+)?not\s+waking\s+up\b|\b(?:dont|do\s+not)\s+(?:much\s+|really\s+)?care\s+"
        r"(?:whether|if)\s+i\s+(?:wake\s+up|live|die|make\s+it)\b|\b(?:id|i\s+would)\s+rather\s+(?:not\s+be\s+alive|be\s+dead"
        r"|die)\b(?!\s+than)",
        E,
        negatable=False,
    ),
    _r(
        "self_harm",
        "better_without_me",
        # "better off without me" is lexicon_en's; this catches "would be better without me".
        r"\b(?:would|will|d)\s+(?:all\s+)?be\s+(?:so\s+much\s+|much\s+|a\s+lot\s+|just\s+)?(?:better|easier|happier|lighter)\s+"
        r"without\s+me\b|\b(?:world|everyone|everybody|they|family)\s+(?:\w+\s+){0,3}?(?:better|easier|happier)"
        r"\s+(?:off\s+)?without\s+me\s+(?:in\s+it|around|here|alive)\b",
        E,
    ),
    _r(
        "self_harm",
        "want_out_for_good",
        r"\bwant\s+out\s+(?:of\s+(?:everything|it\s+all|life|this\s+life)\s+)?(?:for\s+good|permanently|forever)\b"
        r"|\bwant\s+(?:it\s+all|everything)\s+to\s+(?:stop|end)\s+(?:for\s+good|forever|permanently)\b",
        E,
    ),
    _r(
        "self_harm",
        "hiding_cuts",
        r"\b(?:long\s+sleeves|bracelets?|hoodies?|jeans|bandages?)\b[^.!?\n]{0,60}?\b(?:hide|cover|see|notices?)\s+"
        r"(?:\w+\s+)?(?:cuts|scars|burns)\b|\b(?:cuts|scars)\s+on\s+my\s+(?:arms?|wrists?|thighs?|legs?)\b",
        E,
    ),
    # --- child safety: sexual harm -----------------------------------------------------------------
    _r(
        "child_safety",
        "touches_child",
        rf"\b{_KID}\b[^.!?\n]{{0,100}}?\b(?:touch(?:es|ed|ing)?|tickl(?:es|ed|ing)?|fondl\w*|rubs?|rubbed)\s+(?:her|him|them)\s+"
        r"(?:at\s+night|there|down\s+there|inappropriately|in\s+(?:her|his|their)\s+(?:private|bed)|under\s+(?:her|his|their)"
        r"\s+(?:clothes|pyjamas|pajamas|underwear))\b|\b(?:touch(?:es|ed|ing)?|tickl(?:es|ed|ing)?)\s+(?:her|him)\s+"
        r"(?:down\s+)?there\b",
        E,
        attribution=OTHER,
        negatable=False,
    ),
)
