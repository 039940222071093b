"""English rules. Patterns run on normalised text: lower case, no accents, no apostrophes
("dont", "hes", "im", "ill" for I'll), slang expanded ("wanna" -> "want to", "kms")."""

from __future__ import annotations

from functools import partial

from service.safety.lexicons.en.self_injury import TOOL_TAIL
from service.safety.rule import Attribution, Kind, Rule, make_rule
from service.taxonomy import RiskLevel

_r = partial(make_rule, "en")
U, E, C = RiskLevel.URGENT, RiskLevel.ELEVATED, RiskLevel.CONCERN
OTHER, AUTO = Attribution.OTHER, Attribution.AUTO

# Subject and object fragments, shared with lexicon_en_abuse.
PARTNER = r"husband|wife|partner|boyfriend|girlfriend|fiancee?|spouse|ex"
HE = rf"(?:he|she|they|(?:my|our|the)\s+(?:{PARTNER}))"
HES = rf"(?:hes|shes|theyre|{HE}\s+(?:is|are))"
WILL = r"(?:\s*ll|\s+will|\s+would|\s*d|\s+is\s+going\s+to|s\s+going\s+to|\s+was\s+going\s+to|\s+going\s+to)"
KIDS = (
    r"(?:the|my|our|his|her)\s+(?:\w+\s+)?(?:\d+\s*(?:-|\s)?(?:year|yr|month)s?(?:-|\s)?old|\d+\s*(?:yo|y/o)|kids?|children|child"
    r"|son|daughter|baby|toddler|boy|girl|stepson|stepdaughter|little\s+one|infant|newborn)"
)
_PILLS = r"(?:\w+\s+)?(?:pills|tablets|meds|painkillers|medication|medications)"
HARM_VERBS = (
    r"hit|hits|slapped|slaps|punched|punches|kicked|kicks|shoved|shoves|pushed|pushes|choked"
    r"|chokes|strangled|strangles|beat|beats|beaten|smacked|smacks|bit|bites|spat\s+on|spit\s+on"
    r"|headbutted|elbowed|tackled|slammed|pinned|dragged|shook|burned|scratched|attacked"
    r"|assaulted|raped|molested|strangling|choking|beating|hitting|punching|kicking|slapping"
    r"|yanked|body\s+slammed|stomped\s+on"
)

RULES: tuple[Rule, ...] = (
    # --- self-harm: imminent (plan, means, timing) ---------------------------------------------
    _r(
        "self_harm",
        "took_pills",
        rf"\b(?:took|taken|take|taking|swallow(?:ed|ing)?|pop(?:ped|ping)|down(?:ed|ing))\s+"
        rf"(?:all\s+(?:of\s+)?(?:my|the)\s+|a\s+(?:bunch|lot|handful|bottle|whole\s+bottle|box|pack)\s+of\s+"
        rf"(?:my\s+)?|too\s+many\s+|(?:\d+|ten|twenty|thirty|forty|fifty|a\s+hundred)\s+|the\s+(?:whole|entire)"
        rf"\s+(?:bottle|box|pack)\s+of\s+){_PILLS}\b"
        # "took like 30 of my mom's sleeping pills like an hour ago".
        rf"|\b(?:took|taken|swallowed|downed)\s+(?:like\s+|about\s+|around\s+|maybe\s+|over\s+)?(?:\d{{2,}}|twenty|thirty|forty"
        rf"|fifty)\s+(?:of\s+)?(?:my\s+|the\s+|his\s+|her\s+|\w+s\s+)?{_PILLS}\b",
        U,
    ),
    _r(
        "self_harm",
        "counted_pills",
        rf"\b(?:count(?:ed|ing)?|sav(?:ed|ing)|stockpil(?:ed|ing|e)|hoard(?:ed|ing)?|lin(?:ed|ing)\s+up"
        rf"|collect(?:ed|ing))\s+(?:up\s+|out\s+)?(?:all\s+)?(?:of\s+)?(?:my|the|these|those|some)?\s*{_PILLS}\b",
        U,
    ),
    _r("self_harm", "overdose", r"\b(?:overdos(?:ed|ing|e)|oded|i\s+odd)\b", U, attribution=AUTO),
    _r(
        "self_harm",
        "goodbye_letters",
        r"\b(?:wrote|written|writing|write|left|leaving|finished|drafted|drafting|typed)\s+(?:my\s+|a\s+|the\s+|some\s+)?"
        r"(?:goodbye|good-bye|farewell|suicide)\s+(?:letters?|notes?|messages?|texts?|videos?)\b"
        r"|\bsuicide\s+note\b|\bsaid\s+(?:my\s+)?goodbyes?\s+to\s+(?:everyone|everybody|my\s+(?:family|kids|friends))\b",
        U,
        attribution=AUTO,
    ),
    _r(
        "self_harm",
        "at_the_edge",
        r"\b(?:standing|sitting|im|i\s+am)\s+(?:\w+\s+){0,2}?(?:on|at|near)\s+(?:the|a|this)\s+(?:edge\s+of\s+the\s+)?"
        r"(?:bridge|ledge|roof|rooftop|cliff|train\s+tracks|tracks|platform\s+edge)\b"
        # "I'm on the bridge, traffic is terrible" is a commute, not a ledge.
        r"(?![^.!?\n]{0,60}\b(?:traffic|stuck|late|jam|queue|commute|driving|drive|bus|car|on\s+my\s+way|heading"
        r"|be\s+home|bike|cycling|walking\s+home)\b)",
        U,
    ),
    _r(
        "self_harm",
        "plan",
        r"\b(?:a|the|my)\s+plan\s+(?:to|for|how\s+to)\s+(?:end|kill|die|suicide|do\s+it)\b"
        r"|\b(?:i\s+know|figured\s+out|planned|planning|picked)\s+(?:exactly\s+)?(?:how|when|where)\s+"
        r"(?:i\s*(?:ll|will|would|d)|to)\s+(?:do\s+it|end\s+it|kill\s+myself|die)\b",
        U,
    ),
    # --- self-harm: thoughts and intent without a plan ----------------------------------------------
    _r(
        "self_harm",
        "kill_myself",
        r"\b(?:kill(?:ing)?|hang(?:ing)?|shoot(?:ing)?|unaliv(?:e|ing)|drown(?:ing)?|poison(?:ing)?)\s+myself\b"
        r"|\bunalive\b|\bsewer\s?slide\b",
        E,
        urgent_on_timing=True,
        jokeable=True,
    ),
    _r(
        "self_harm",
        "end_my_life",
        r"\b(?:end(?:ing)?|take|taking|took)\s+my\s+(?:own\s+)?life\b|\bend(?:ing)?\s+it\s+all\b"
        r"|\b(?:end|ending)\s+(?:it|things|everything)\b(?!\s+(?:with|between))",
        E,
        attribution=AUTO,
        urgent_on_timing=True,
        jokeable=True,
    ),
    _r(
        "self_harm",
        "want_to_die",
        r"\b(?:want|wanted|wanting|ready|planning|need|decided?|choose|chose|going)\s+to\s+(?:just\s+)?die\b"
        r"|\bwish\s+i\s+(?:could|would|was|were|had)?\s*(?:just\s+)?(?:die|died|dead)\b|\bbetter\s+off\s+dead\b",
        E,
        attribution=AUTO,
        urgent_on_timing=True,
        jokeable=True,
    ),
    _r(
        "self_harm",
        "suicide_word",
        r"\bsu[aiy]{0,2}c[iy]{0,2}d(?:e|al|ial|le|ality)?\b|\bs[\W_]u[\W_]?[i1!][\W_]?c[\W_]?[i1!][\W_]?d[\W_]?e\b",
        E,
        attribution=AUTO,
        urgent_on_timing=True,
    ),
    _r(
        "self_harm",
        "self_harm_word",
        r"\b(?:cut(?:ting)?|burn(?:ing|ed|t)?|hurt(?:ing)?|harm(?:ing|ed)?|hit(?:ting)?"
        r"|punch(?:ed|ing)?|slap(?:ped|ping)?|scratch(?:ed|ing)?|bit|bite|biting|starv(?:e|ed|ing)|punish(?:ing|ed)?)"
        r"\s+myself\b|\b(?:started|start)\s+cutting\s+again\b|\bcutting\s+again\b"
        r"|\b(?:burning|cutting|slashing|scratching|carving)\s+(?:into\s+)?my\s+(?:upper\s+|inner\s+)?(?:arms?|wrists?|legs?"
        r"|thighs?|skin|stomach|hips?|forearms?|ankles?)\b" + TOOL_TAIL,
        E,
        urgent_on_timing=True,
    ),
    _r(
        "self_harm",
        "self_harm_noun",
        r"(?<!\bposting\sabout\s)(?<!\bposts\sabout\s)(?<!\bposted\sabout\s)\bself[- ]?harm(?:ing|ed)?\b(?!\s+scars)",
        E,
        attribution=AUTO,
        urgent_on_timing=True,
    ),
    _r("self_harm", "better_off_without_me", r"\bbetter\s+off\s+without\s+me\b", E),
    _r(
        "self_harm",
        "dont_want_to_live",
        r"\b(?:dont|do\s+not|no\s+longer|never)\s+want\s+to\s+(?:wake\s+up|be\s+alive|live|exist|go\s+on"
        r"|keep\s+living|be\s+here\s+any\s*more)\b|\bnot\s+sure\s+i\s+want\s+to\s+(?:live|be\s+alive|go\s+on)\b"
        r"|\b(?:hope|hoping)\s+i\s+(?:dont|never)\s+wake\s+up\b",
        E,
        negatable=False,
    ),
    _r(
        "self_harm",
        "wish_not_exist",
        r"\bwish\s+i\s+(?:could\s+)?(?:just\s+)?(?:not\s+wake\s+up|didnt\s+wake\s+up|wouldnt\s+wake\s+up"
        r"|never\s+woke\s+up|was\s+never\s+born|were\s+never\s+born|didnt\s+exist|could\s+disappear(?!\s+(?:for|to|from|on|into|with)\b)"
        r"|sleep\s+forever|wasnt\s+(?:alive|here)|were\s+(?:gone|not\s+here))",
        E,
        negatable=False,
    ),
    _r(
        "self_harm",
        "disappear_forever",
        r"\b(?:want\s+to|wish\s+i\s+could)\s+(?:just\s+)?(?:disappear|vanish|fade\s+away)\s+"
        r"(?:forever|for\s+good|permanently|and\s+never\s+come\s+back)\b"
        r"|\b(?:want\s+to|wish\s+i\s+could)\s+(?:just\s+)?(?:stop\s+existing|not\s+exist|cease\s+to\s+exist"
        r"|sleep\s+forever|never\s+wake\s+up|go\s+to\s+sleep\s+and\s+never\s+wake\s+up)\b",
        E,
    ),
    _r(
        "self_harm",
        "thinking_about_it",
        r"\b(?:think(?:ing)?|thought|thoughts)\s+(?:a\s+lot\s+)?(?:about|of)\s+(?:ending\s+it|ending\s+my\s+life"
        r"|ending\s+it\s+all|killing\s+myself|suicide|taking\s+my\s+(?:own\s+)?life|not\s+being\s+(?:here|alive|around)"
        r"|hurting\s+myself|dying|my\s+own\s+death|being\s+dead|not\s+existing)\b",
        E,
        attribution=AUTO,
        urgent_on_timing=True,
    ),
    _r(
        "self_harm",
        "no_reason_to_live",
        r"\bno\s+(?:reason|point)\s+(?:to|in)\s+(?:live|living|going\s+on|being\s+alive|staying\s+alive)\b"
        r"|\bwhats\s+the\s+point\s+(?:of|in)\s+(?:living|life|being\s+alive|going\s+on)\b"
        r"|\b(?:life|it)\s+(?:is\s+not|isnt)\s+worth\s+living\b|\bnot\s+worth\s+living\b"
        r"|\btired\s+of\s+(?:living|being\s+alive|life)\b|\bdone\s+with\s+(?:life|living)\b|\bhate\s+being\s+alive\b"
        r"|\b(?:dont|do\s+not|cant|no\s+longer)\s+see\s+(?:the|much|any|a)\s+(?:point|reason)\s+(?:in|of|to|for)\s+"
        r"(?:being\s+alive|living|life|going\s+on|keep\s+going|keeping\s+going|carrying\s+on|staying\s+alive)\b"
        r"|\b(?:no|not\s+much|little)\s+(?:reason|point)\s+(?:to|in)\s+(?:keep(?:ing)?\s+going|carry(?:ing)?\s+on"
        r"|keep(?:ing)?\s+living|get(?:ting)?\s+up\s+any\s*more)\b(?!\s+(?:to|with)\b)"
        r"|\b(?:nobody|no\s+one)\s+would\s+(?:miss\s+me|notice\s+if\s+i\s+(?:was|were)\s+gone|care\s+if\s+i\s+died)\b",
        E,
        negatable=False,
    ),
    _r(
        "self_harm",
        "other_suicidal",
        r"\b(?:is|are|was|were|seems|sounds|feels|been|hes|shes|theyre)\s+(?:\w+\s+)?suicidal\b"
        r"|\b(?:kill(?:ed|s)?|hurt(?:s|ing)?|harm(?:s|ed|ing)?|cut(?:s|ting)?|starv(?:es|ing)|hang(?:ed|s))\s+"
        r"(?:himself|herself|themselves|themself)\b(?![^.!?\n]{0,40}\bif\s+(?:i|we)\b)"
        r"|\b(?:he|she|they)\s+(?:\w+\s+){0,2}?(?:wants?|wanted)\s+to\s+die\b|\bself[- ]?harms\b",
        E,
        attribution=OTHER,
    ),
    # --- concern: hopelessness and fear without a threat ------------------------------------------------
    _r("concern", "whats_the_point", r"\bwhats\s+(?:even\s+)?the\s+point\b", C, kind=Kind.HOPELESS),
    _r(
        "concern",
        "nothing_changes",
        r"\bnothing\s+(?:will\s+)?(?:ever\s+)?(?:changes?|gets?\s+better|is\s+going\s+to\s+change|going\s+to\s+change)\b"
        r"|\b(?:it|he|she|things|this)\s+(?:will\s+|is\s+going\s+to\s+)?never\s+(?:change|get\s+better|improve)s?\b",
        C,
        negatable=False,
        kind=Kind.HOPELESS,
    ),
    _r(
        "concern",
        "cant_go_on",
        r"\bcant\s+(?:go\s+on|keep\s+going|take\s+(?:it|this)\s+any\s*more|do\s+this\s+any\s*more|live\s+like\s+this"
        r"|cope|handle\s+(?:it|this)\s+any\s*more)\b|\bcannot\s+go\s+on\b",
        C,
        negatable=False,
        kind=Kind.HOPELESS,
    ),
    _r(
        "concern",
        "hopeless",
        r"\b(?:hopeless(?!\s+(?:with|at|romantic|case\s+(?:with|at))|\s+about\s+(?:us|our|this\s+(?:relationship|marriage)|the\s+"
        r"(?:relationship|marriage)|my\s+(?:relationship|marriage)|him|her|them)\b)|helpless|worthless|no\s+way\s+out|no\s+hope"
        r"(?!\s+for\s+(?:us|our|this\s+(?:relationship|marriage)|the\s+(?:relationship|marriage)))|lost\s+all\s+hope|i\s+give\s+up"
        r"|giving\s+up\s+on\s+(?:everything|life)|trapped)\b|\bhate\s+my\s+life\b|\bi\s+hate\s+myself\b"
        r"|\b(?:im|feel\s+like)\s+(?:such\s+|just\s+)?a\s+burden\b"
        r"|\bwant\s+to\s+(?:just\s+)?disappear\b(?!\s+(?:for|to|from|on|into|with|somewhere)\b)"
        r"|\bwant\s+(?:it\s+all|everything)\s+to\s+(?:just\s+)?(?:stop|end)\b"
        r"|\bso\s+(?:tired|exhausted)\s+of\s+(?:everything|it\s+all)\b",
        C,
        kind=Kind.HOPELESS,
    ),
    _r(
        "concern",
        "relationship_hopeless",
        # Hopeless about the couple, not about living: a concern the mood number does not raise.
        r"\bhopeless\s+about\s+(?:us|our|this\s+(?:relationship|marriage)|the\s+(?:relationship|marriage)|my\s+(?:relationship"
        r"|marriage)|him|her|them)\b|\bno\s+hope\s+for\s+(?:us|our|this\s+(?:relationship|marriage)|the\s+(?:relationship"
        r"|marriage))\b",
        C,
    ),
    _r(
        "concern",
        "fear",
        rf"\b{HE}\s+(?:really\s+|sometimes\s+|kind\s+of\s+|kinda\s+|honestly\s+)?(?:scares|frightens|terrifies"
        r"|intimidates)\s+me\b|\b(?:scared|afraid|frightened|terrified|fearful)\s+(?:to\s+death\s+)?of\s+"
        rf"(?:him|her|them|my\s+(?:{PARTNER}))\b|\bwalk(?:ing)?\s+on\s+egg\s?shells\b"
        rf"|\b{HE}\s+(?:\w+\s+)?hurt\s+me\b|\bkicked\s+me\s+out\b",
        C,
        kind=Kind.FEAR,
    ),
    _r(
        "concern",
        "kids_scared",
        r"\b(?:kids|children|son|daughter)\s+(?:\w+\s+){0,2}?(?:scared|afraid|terrified)\s+of\s+(?:him|her)\b",
        C,
        kind=Kind.FEAR,
    ),
    _r(
        "concern", "gaslighting", r"\bgaslight(?:s|ing|ed)?\s+me\b|\bmakes\s+me\s+feel\s+crazy\b", C
    ),
)
