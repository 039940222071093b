"""More English partner-violence and coercive-control rules: violence told indirectly, injuries
explained away, weapons in conflict, threats, and everyday control (see lexicon_en)."""

from __future__ import annotations

from functools import partial

from service.safety.lexicons.en.core import HE, HES, WILL
from service.safety.rule import Attribution, Rule, make_rule
from service.taxonomy import RiskLevel

_r = partial(make_rule, "en")
U, E = RiskLevel.URGENT, RiskLevel.ELEVATED
AUTO = Attribution.AUTO

_WEAPON = r"(?:guns?|pistols?|rifles?|shotguns?|firearms?|knife|knives|machete|revolver)"
_FAMILY = r"(?:family|parents|friends|mom|mum|mother|dad|father|sister|brother|son|daughter|kids|children)"

RULES: tuple[Rule, ...] = (
    # --- violence told indirectly -------------------------------------------------------------------
    _r(
        "partner_violence",
        "grabbed_me",
        r"\b(?:grabbed|grabs|grabbing|yanked)\s+me\s+(?:so\s+hard|hard|roughly|violently|by\s+the\s+(?:throat|neck|hair"
        r"|arms?|wrists?|shoulders?|collar|jaw|face)|and\s+(?:shoved|pushed|threw|shook|slammed|pinned|dragged))\b"
        r"|\b(?:bruises?|marks?|sore|hurts?|scratches)\b[^.!?\n]{0,40}?\b(?:grabbed|yanked)\s+me\b"
        r"|\byanked\s+me\s+(?:off|out\s+of|down|by)\b|\bchased\s+me\s+(?:out\s+of|down\s+the|through|into|with\s+a)\b",
        E,
        urgent_on_timing=True,
    ),
    _r(
        "partner_violence",
        "threw_me",
        r"\b(?:threw|throws|thrown|throwing|flung)\s+me\s+(?:\w+\s+)?(?:against|into|onto|down|across|to\s+the\s+"
        r"(?:floor|ground))\b|\bthrown\s+(?:\w+\s+){0,2}?at\s+me\b",
        E,
        urgent_on_timing=True,
    ),
    _r(
        "partner_violence",
        "saw_him_hit_me",
        r"\b(?:saw|watched|seen|see|watch|heard)\s+(?:him|her|them|my\s+\w+|daddy|mommy)\s+(?:push|shove|hit|slap"
        r"|punch|kick|choke|grab|strangle|beat|hurt|attack|throw)\s+me\b",
        E,
    ),
    _r(
        "partner_violence",
        "hits_when",
        r"\b(?:when|if|whenever|once)\s+(?:hes|shes|he\s+is|she\s+is|he\s+gets|she\s+gets|hes\s+been|shes\s+been)\s+"
        r"(?:\w+\s+)?(?:drunk|angry|mad|high|upset|drinking|jealous)\s*,?\s+(?:he|she)\s+(?:hits|punches|slaps|shoves"
        r"|pushes|chokes|kicks|bites|throws\s+things|gets\s+violent|gets\s+physical)\b(?!\s+on\b)"
        r"|\b(?:he|she)\s+(?:hits|punches|slaps|shoves|chokes)\s*(?=[.!?;]|$)",
        E,
    ),
    _r(
        "partner_violence",
        "cover_story",
        r"\b(?:told|tell|said|say|says|saying)\s+(?:\w+\s+){0,3}?(?:that\s+)?i\s+(?:walked|ran)\s+into\s+a\s+door\b|\b(?:we|he|she)\s+told\s+(?:\w+\s+){0,3}?(?:that\s+)?i\s+(?:fell|slipped"
        r"|tripped|bumped)\b|\b(?:made|makes)\s+me\s+(?:say|tell\s+(?:\w+\s+){0,3}?)(?:that\s+)?i\s+(?:fell|slipped"
        r"|tripped|bumped|walked)\b",
        E,
        attribution=AUTO,
    ),
    _r(
        "partner_violence",
        "weapon_in_conflict",
        rf"\b(?:keeps|has|got|owns|bought|carries)\s+(?:a|his|her|the|two|three|loaded)\s+(?:\w+\s+)?{_WEAPON}\b"
        r"[^.!?\n]{0,80}?\b(?:when\s+we\s+(?:fight|argue)|during\s+(?:fights|arguments)|brings\s+it\s+up|mentions?\s+it"
        r"|reminds\s+me|when\s+(?:hes|shes)\s+(?:angry|mad|drunk)|threat\w*)"
        rf"|\b(?:when\s+we\s+(?:fight|argue)|when\s+(?:hes|shes)\s+(?:angry|mad|drunk))\b[^.!?\n]{{0,60}}?\b{_WEAPON}"
        rf"|\b(?:theres|there\s+is|there\s+was)\s+a\s+(?:\w+\s+)?{_WEAPON}\s+(?:on|in|under)\s+(?:his|her)\b",
        E,
        urgent_on_timing=True,
    ),
    _r(
        "partner_violence",
        "threat_dead",
        rf"\b{HE}{WILL}\s+(?:\w+\s+){{0,4}}?(?:burn|torch|set\s+fire\s+to)\b[^.!?\n]{{0,30}}?\bme\b"
        r"|\b(?:im|i\s+am|youre|you\s+are)\s+(?:so\s+)?dead\s+(?:when|if|once|the\s+moment)\s+(?:he|she|i|they)\b"
        r"|\bget\s+in\s+one\s+way\s+or\s+another\b",
        E,
        urgent_on_timing=True,
        jokeable=True,
    ),
    _r(
        "partner_violence",
        "said_threat",
        r"\b(?:said|says|told\s+me|texted|texting|texts|threatened|warned|yelled|keeps\s+saying)\b[^.!?\n]{0,90}?"
        r"\b(?:watch\s+(?:myself|yourself|my\s+back|your\s+back)|see\s+what\s+happens|be\s+sorry|pay\s+for\s+(?:it|this"
        r"|that)|make\s+(?:me|you)\s+pay|knows?\s+where\s+(?:i|you|we)\s+(?:live|work|are))\b",
        E,
        urgent_on_timing=True,
        negatable=False,
        jokeable=True,
    ),
    _r(
        "partner_violence",
        "blocks_exit",
        rf"\b{HES}\s+(?:\w+\s+)?(?:standing|blocking)\s+(?:in\s+front\s+of\s+|between\s+me\s+and\s+)?(?:the|my)\s+"
        r"(?:front\s+)?(?:door|doorway|exit|stairs|way\s+out)\b",
        U,
    ),
    _r(
        "partner_violence",
        "blocked_exit",
        r"\b(?:blocked|blocks|blocking|stood\s+in\s+front\s+of|stands\s+in\s+front\s+of)\s+(?:the|my)\s+(?:front\s+)?"
        r"(?:door|doorway|exit|way\s+out)\b|\b(?:kicked|broke|busted|smashed|forced)\s+(?:the|my|our)\s+(?:\w+\s+)?"
        r"door\s+(?:in|down|open)\b|\bkicked\s+in\s+(?:the|my|our)\s+door\b",
        E,
        urgent_on_timing=True,
    ),
    _r(
        "partner_violence",
        "reckless_driving",
        r"\bdrives?\s+(?:\w+\s+){0,2}?(?:fast|recklessly|like\s+a\s+maniac|crazy|dangerously)\b[^.!?\n]{0,40}?"
        r"\b(?:on\s+purpose|to\s+scare\s+me|with\s+me\s+in\s+the\s+car|laughs\s+when\s+i\s+scream)",
        E,
    ),
    # --- threats -------------------------------------------------------------------------------------
    _r(
        "coercive_control",
        "exposure",
        rf"\b{HE}{WILL}\s+(?:\w+\s+){{0,2}}?(?:post|share|leak|send|show)\s+(?:my|our|the|those)\s+(?:\w+\s+)?"
        r"(?:nudes|photos|pictures|pics|videos|sex\s+tape|texts|messages|secrets?)\b"
        rf"|\b{HE}{WILL}\s+show\s+(?:my|everyone|people|the|your)\s+(?:\w+\s+)?(?:parents|family|boss|friends|kids)\b"
        r"|\b(?:films?|filmed|filming|records?|recorded|recording)\s+(?:me|it)\b[^.!?\n]{0,60}?\b(?:(?:show|post|send"
        r"|share|laugh)(?:s|ed|d|ing)?\b|humiliat\w*)",
        E,
        guard_writer_subject=True,
    ),
    _r(
        "coercive_control",
        "threat_authorities",
        # The partner's threat to call the authorities; the writer calling CPS about a neighbour is not it.
        r"\b(?:he|she|they|hes|shes|hed|shed|hell|shell|theyll|threat\w*|says?|said)\b[^.!?\n]{0,40}?\b(?:call|calling"
        r"|report\s+me\s+to)\s+(?:the\s+)?(?:immigration|ice|social\s+services|cps|child\s+services)\b"
        r"|\breport\s+me\s+to\s+(?:the\s+)?(?:immigration|ice|social\s+services|cps|child\s+services)\b"
        r"|\b(?:get|have)\s+me\s+deported\b|\bdeport(?:ed)?\s+me\b|\b(?:tell|tells|told)\s+(?:\w+\s+){0,3}?(?:that\s+)?"
        r"(?:im|i\s+am)\s+(?:the\s+)?(?:abuser|abusive|crazy|unstable|confused|insane|an\s+unfit|unfit)\b",
        E,
        guard_writer_subject=True,
    ),
    _r(
        "coercive_control",
        "take_kids_if",
        r"\bif\s+i\b[^.!?\n]{0,80}?\b(?:he|she)\s*(?:ll|will|d|would)\b[^.!?\n]{0,60}?\b(?:take|get|keep)s?\s+"
        r"(?:the|my|our|your)\s+(?:kids|children|son|daughter|baby)\b"
        rf"|\bnever\s+see\s+(?:my|your|the|our)\s+{_FAMILY}\s+again\b"
        r"|\b(?:ill|youll|you\s+will|i\s+will)\s+never\s+see\s+(?:her|him|them)\s+again\b",
        E,
        negatable=False,
        urgent_on_timing=True,
    ),
    _r(
        "coercive_control",
        "knows_where",
        r"\b(?:knows|found\s+out|figured\s+out)\s+where\s+(?:i|we)\s+(?:live|am|moved|work)\s+now\b",
        E,
    ),
    # --- control ------------------------------------------------------------------------------------
    _r(
        "coercive_control",
        "location_always",
        r"\b(?:has|have|sees|watches|checks|knows)\s+my\s+(?:live\s+)?location\s+(?:on\s+)?(?:24/7|24-7|all\s+the\s+time"
        r"|at\s+all\s+times|constantly|always)\b|\b(?:installed|put|hid|downloaded|added|set\s+up)\s+(?:something"
        r"|some\s+(?:app|software|program)|an?\s+(?:app|program|software|tracker|spyware))\s+(?:on|in|to)\s+my\s+"
        r"(?:phone|laptop|computer|car)\b",
        E,
        guard_writer_subject=True,
        jokeable=True,
    ),
    _r(
        "coercive_control",
        "approves",
        r"\b(?:has|have|needs?|wants)\s+to\s+(?:approve|okay|ok|sign\s+off\s+on|vet)\s+(?:what|who|where|when|how\s+much"
        r"|everything|every\s+\w+|all\s+(?:my|the))\s+(?:i\s+|my\s+)?(?:wear|eat|buy|spend|do|see|say|text|read|watch|sign"
        r"|clothes|outfits?|purchases?|messages|friends)\b|\b(?:decides|controls|dictates|chooses|decided)\s+(?:when|what|where|how\s+much"
        r"|how\s+often|if|whether|who)\s+(?:i|im)\s+(?:can\s+|get\s+to\s+|am\s+allowed\s+to\s+|allowed\s+to\s+|should\s+)?(?:sleep|eat"
        r"|shower|wear|go|see|spend|work|leave|talk|use|call|drive|rest|buy)",
        E,
        guard_writer_subject=True,
        jokeable=True,
    ),
    _r(
        "coercive_control",
        "accounts",
        r"\bchanged\s+(?:the\s+|all\s+(?:the\s+|of\s+)?|my\s+)?passwords?\s+(?:on|to|for)\s+(?:all\s+)?my\b"
        r"|\bchanged\s+(?:all\s+)?my\s+passwords?\b|\blocked\s+me\s+out\s+of\s+(?:my|our|the)\s+(?:accounts?|email"
        r"|phone|bank)",
        E,
        guard_writer_subject=True,
        jokeable=True,
    ),
    _r(
        "coercive_control",
        "work_and_money",
        r"\b(?:quit|left|gave\s+up|lost)\s+my\s+job\s+because\s+(?:he|she|my\s+\w+)\s+(?:made\s+me|insisted|wouldnt\s+let"
        r"|(?:didnt|doesnt)\s+want\s+me\s+to\s+work|(?:said|says|thinks|thought)\s+(?:a\s+wife|a\s+woman|women|wives"
        r"|i|a\s+husband|men)\s+(?:shouldnt|cant|mustnt|should\s+not|has\s+no\s+business))\b"
        r"|\b(?:a\s+wife|women|i)\s+(?:shouldnt|should\s+not|must\s+not)\s+work\b"
        r"|\b(?:took|taken|takes)\s+over\s+(?:my|our)\s+(?:pension|savings|benefits|money|finances|accounts?|bank)\b",
        E,
        negatable=False,
    ),
    _r(
        "coercive_control",
        "takes_essentials",
        r"(?<!\bstop[p]ed\s)(?<!\bstarted\s)(?<!\bquit\s)(?<!\bforgot\s)(?<!\bke[e]p\s)"
        r"\b(?:takes|took|taken|taking|keeps|kept|hides|hid|confiscat\w+|flushed|flushes|throws\s+away"
        r"|threw\s+away)\s+(?:away\s+)?my\s+(?:\w+\s+)?(?:papers|documents|passport|id|wallet|bank\s+card|pills|meds"
        r"|medication|medicine|antidepressants|hearing\s+aids?|pension|benefits|savings)\b",
        E,
        guard_writer_subject=True,
        jokeable=True,
    ),
    _r(
        "coercive_control",
        "wont_let_me_more",
        r"\b(?:wont|doesnt|never|wouldnt|didnt|refuses\s+to)\s+(?:let|lets|allow|allows)\s+me\s+(?:to\s+)?(?:take\s+my"
        r"|ring|phone|go\s+to\s+(?:the\s+)?(?:doctor|er|hospital|therapy|church|school|class)|shower|rest|lock|close"
        r"|study|see\s+a\s+doctor)\b"
        r"|\bnot\s+allowed\s+to\s+(?:lock|close|shut|keep|sleep|eat|rest|sit|answer|have\s+my)\b",
        E,
        negatable=False,
    ),
    _r(
        "coercive_control",
        "isolation_sabotage",
        r"\b(?:every\s+time|whenever|when)\s+i\s+(?:want\s+to\s+|try\s+to\s+|plan\s+to\s+)?(?:see|visit|go\s+out\s+with"
        rf"|meet|call|go\s+see)\s+(?:my\s+)?{_FAMILY}\b[^.!?\n]{{0,40}}?\b(?:he|she)\s+(?:gets|starts|picks|throws"
        rf"|sulks|makes|freaks|has|punishes)\b|\bstopped\s+(?:seeing|visiting|going\s+to\s+see|talking\s+to|calling)\s+"
        rf"(?:my\s+)?{_FAMILY}\s+because\s+(?:of\s+)?(?:him|her|he|she)\b",
        E,
    ),
)
