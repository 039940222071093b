"""More English child-safety rules: rough handling, harsh punishment, neglect, weapons and drugs
around children, a child's fear, and children taken or endangered now (see lexicon_en)."""

from __future__ import annotations

from functools import partial

from service.safety.lexicons.en.core import HE, HES, KIDS, WILL
from service.safety.rule import Attribution, Rule, make_rule
from service.taxonomy import RiskLevel

_r = partial(make_rule, "en")
U, E = RiskLevel.URGENT, RiskLevel.ELEVATED
OTHER = Attribution.OTHER

# A child named loosely: "my son", "the kids", "our 5 year old", "my 4 yo".
_KID = (
    r"(?:kids?|children|child|son|daughter|boy|girl|toddler|baby|stepson|stepdaughter"
    r"|\d+\s*(?:yo|y/o|year\s*old|yr\s*old|years\s*old|months?\s*old))"
)
_IMPAIRED = r"(?:drunk|wasted|high|hammered|intoxicated|stoned|been\s+drinking)"

RULES: tuple[Rule, ...] = (
    # --- child safety: violence, threats, neglect ---------------------------------------------------------------------------------
    _r(
        "child_safety",
        "hurting_child_now",
        rf"\b{HES}\s+(?:\w+\s+)?(?:hitting|beating|choking|shaking|hurting|kicking|strangling|smothering"
        rf"|attacking)\s+{KIDS}\b|\b(?:baby|toddler|child|son|daughter)\s+(?:is\s+not|isnt)\s+breathing\b",
        U,
        negatable=False,
    ),
    _r(
        "child_safety",
        "hits_child",
        rf"\b(?:hits|hit|hitting|beats|beat|beating|slaps|slapped|slapping|smacks|smacked|spanks|spanked"
        rf"|punched|punches|kicks|kicked|shakes|shook|shaking|chokes|choked|hurts|hurt|hurting|burned|burns"
        rf"|abuses|abused|shoved|pushed|molest\w*)\s+{KIDS}\b|\bthrew\s+\w+\s+at\s+{KIDS}\b"
        rf"|\btouch\w*\s+{KIDS}\s+inappropriately\b",
        E,
        attribution=OTHER,
        urgent_on_timing=True,
    ),
    _r(
        "child_safety",
        "threat_to_child",
        rf"\b(?:threaten(?:s|ed|ing)?\s+to|said\s+{HE}{WILL}|{HE}{WILL})\s+(?:\w+\s+)?(?:hurt|kill|hit|beat)\s+"
        rf"{KIDS}\b",
        E,
        urgent_on_timing=True,
    ),
    _r(
        "child_safety",
        "left_alone",
        rf"\b(?:leaves|left|leaving|leave)\s+(?!(?:the|my|our|his|her)\s+(?:9|1\d)\s*(?:-|\s)?(?:year|yr))"
        rf"{KIDS}\s+(?:\([^)]{{0,20}}\)\s+)?(?:\w+\s+){{0,2}}?(?:alone|unattended|unsupervised"
        r"|home\s+alone|in\s+the\s+car|by\s+(?:him|her|them)sel(?:f|ves))\b",
        E,
        attribution=OTHER,
        urgent_on_timing=True,
    ),
    _r(
        "child_safety",
        "drunk_with_kids",
        rf"\b(?:drunk|wasted|high|stoned|drinking|intoxicated|hammered|blackout)\s+(?:\w+\s+){{0,5}}?"
        rf"(?:with|around|while\s+(?:watching|looking\s+after|babysitting|driving|caring\s+for))\s+{KIDS}\b"
        rf"|\b(?:drives|drove|driving|drive)\s+(?:\w+\s+){{0,2}}?(?:drunk|high|wasted|after\s+drinking)\s+with\s+{KIDS}\b"
        rf"|\b(?:drives|drove|driving)\s+{KIDS}\s+(?:\w+\s+){{0,2}}?(?:drunk|high|wasted)\b",
        E,
        attribution=OTHER,
        urgent_on_timing=True,
    ),
    # --- danger now ----------------------------------------------------------------------------------
    _r(
        "child_safety",
        "impaired_driving",
        rf"\b{_IMPAIRED}\b[^.!?\n]{{0,40}}?\b(?:drove|driving|drives|took\s+off|left)\b[^.!?\n]{{0,30}}?{KIDS}\b"
        rf"|\b(?:drove|driving|took)\s+(?:off\s+)?(?:with\s+)?{KIDS}\b[^.!?\n]{{0,40}}?\b{_IMPAIRED}\b"
        rf"|\b(?:drove|driving|drives|took\s+off|left)\s+(?:off\s+|away\s+)?{_IMPAIRED}\s+with\s+{KIDS}",
        U,
        attribution=OTHER,
    ),
    _r(
        "child_safety",
        "child_taken",
        rf"\b(?:took|taken|picked\s+up|has|grabbed)\s+(?:\w+\s+)?{KIDS}\b[^\n]{{0,120}}?\b(?:never\s+see"
        r"|not\s+answering|isnt\s+answering|wont\s+answer|turned\s+off\s+(?:his|her)\s+phone|wont\s+say\s+where)"
        r"|\b(?:kids|children|they|we|the\s+kids)\s+(?:would|will|d)\s+(?:all\s+)?be\s+better\s+off\s+(?:in\s+heaven"
        r"|dead|with\s+god)\b|\btak(?:ing|e|es)\s+(?:the\s+kids|the\s+children|them)\s+and\s+(?:herself|himself)\b",
        U,
        attribution=OTHER,
        negatable=False,
    ),
    _r(
        "child_safety",
        "too_impaired_to_watch",
        r"\btoo\s+(?:high|drunk|wasted|stoned|out\s+of\s+it|passed\s+out)\s+to\s+(?:notice|watch|look\s+after"
        r"|care\s+for|wake\s+up|hear|supervise)\b",
        E,
        attribution=OTHER,
        urgent_on_timing=True,
    ),
    # --- harm and harsh punishment ------------------------------------------------------------------
    _r(
        "child_safety",
        "rough_with_kids",
        rf"\b(?:rough|violent|aggressive)\s+with\s+(?:them|{KIDS})\b"
        rf"|\b(?:threw|throws|thrown|shoved|pushed|slammed|dragged|grabbed|yanked|shook)\s+{KIDS}\s+(?:\w+\s+){{0,2}}?"
        r"(?:against|into|across|down|onto|by)\b",
        E,
        attribution=OTHER,
        urgent_on_timing=True,
    ),
    _r(
        "child_safety",
        "harsh_punishment",
        r"\b(?:pushups|push-?ups|push\s+ups|laps|squats|sit-?ups|burpees|run|kneel\w*|stand\w*)\s+(?:\w+\s+){0,4}?"
        r"(?:until|till)\s+(?:he|she|they)\s+(?:throws?\s+up|threw\s+up|vomits?|vomited|collapses?|collapsed|passes\s+out"
        r"|wets?\s+(?:her|him|them)sel(?:f|ves)|pees?\s+(?:her|him|them)sel(?:f|ves)"
        r"|passed\s+out|bleeds?|faints?|fainted|cant\s+(?:stand|breathe))\b"
        r"|\b(?:hits?|beats?|whips?|whipped|spanks?|spanked|pega)\s+(?:\w+\s+){0,2}?with\s+(?:a|the|his|her)\s+(?:belt"
        r"|cord|wooden\s+spoon|hanger|switch|stick)\b"
        rf"|\block(?:s|ed|ing)?\s+{KIDS}\s+(?:\w+\s+){{0,2}}?(?:in|inside|outside|out\s+of\s+the\s+(?:house|flat|apartment))\b"
        r"|\block(?:s|ed|ing)?\s+(?:him|her|them)\s+in\s+(?:his|her|their|the)\s+(?:room|closet|basement|car|cupboard|garage"
        r"|shed|cellar|bathroom|attic)\b",
        E,
        attribution=OTHER,
    ),
    _r(
        "child_safety",
        "child_injury",
        rf"\b{_KID}\b[^.!?\n]{{0,60}}?\b(?:bruises?|welts|burn\s+marks|marks|a\s+black\s+eye)\s+on\s+(?:her|his|their)\s+"
        r"(?:\w+\s+)?(?:legs?|arms?|back|face|neck|bottom|butt|body|cheeks?|head|wrists?)\b",
        E,
        attribution=OTHER,
    ),
    # --- neglect, weapons, drugs -------------------------------------------------------------------
    _r(
        "child_safety",
        "guns_unsecured",
        r"\b(?:loaded|unlocked|unsecured)\s+(?:\w+\s+)?(?:guns?|firearms?|pistols?|rifles?|weapons?)\b"
        r"|\b(?:guns?|firearms?|pistols?)\s+(?:\w+\s+){0,3}?(?:unlocked|lying\s+around|within\s+(?:their|her|his)\s+reach)\b",
        E,
    ),
    _r(
        "child_safety",
        "drugs_around_kids",
        r"\b(?:smokes?|smoking|uses?|using|does|doing|shoots?\s+up|snorts?|high\s+on|deals?|dealing|sells?|selling|cooks?"
        r"|cooking|making)\s+"
        rf"(?:\w+\s+)?(?:meth|crack|heroin|cocaine|coke|fentanyl|drugs)\b[^.!?\n]{{0,60}}?\b{_KID}\b"
        rf"|\b{_KID}\b[^.!?\n]{{0,60}}?\b(?:smokes?|smoking|uses?|using|shoots?\s+up|snorts?|cooks?|cooking)\s+(?:\w+\s+)?(?:meth|crack"
        r"|heroin|cocaine|fentanyl)\b",
        E,
        attribution=OTHER,
        urgent_on_timing=True,
    ),
    # --- a child's fear and emotional abuse --------------------------------------------------------
    _r(
        "child_safety",
        "child_fear",
        rf"\b{_KID}\b[^.!?\n]{{0,60}}?\b(?:wont|doesnt\s+want\s+to|refuses\s+to|is\s+(?:scared|afraid|terrified)\s+to)"
        r"\s+be\s+alone\s+with\s+(?:him|her|my\s+(?:husband|partner|boyfriend|wife|girlfriend)|(?:his|her)\s+(?:stepdad"
        r"|stepfather|stepmom|stepmother|dad|father|mom|mum|mother|moms\s+boyfriend|mums\s+boyfriend))\b|\b(?:hides?|hiding)\s+(?:under|in)\s+(?:her|his|their|the)\s+(?:bed|closet|room|wardrobe)\s+"
        r"(?:whenever|when|every\s+time)\s+(?:he|she)\b"
        rf"|\b{_KID}\b[^.!?\n]{{0,80}}?\b(?:hes|shes|theyre|is|are|gets|get)\s+(?:\w+\s+)?terrified\s+of\s+(?:him|her)\b"
        r"(?=\s*(?:[.!?,;]|$)|\s+(?:and|but|when|whenever|now|since)\b)",
        E,
        attribution=OTHER,
        negatable=False,
    ),
    _r(
        "child_safety",
        "wish_never_born",
        r"\b(?:wish(?:es|ed)?)\s+(?:he|she|they|you)\s+(?:was|were|had)\s+never\s+(?:been\s+)?born\b",
        E,
        attribution=OTHER,
        negatable=False,
    ),
)
