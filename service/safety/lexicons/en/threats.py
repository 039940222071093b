"""English partner-violence and control rules for phrasing the older lexicons missed:
strangulation, weapons and doors happening now, "if you leave" threats, hidden injuries,
stalking, withheld documents and money, proof-of-location demands (see lexicon_en)."""

from __future__ import annotations

from functools import partial

from service.safety.lexicons.en.core import HES
from service.safety.rule import Attribution, Rule, make_rule
from service.taxonomy import RiskLevel

_r = partial(make_rule, "en")
U, E = RiskLevel.URGENT, RiskLevel.ELEVATED
AUTO = Attribution.AUTO

_WEAPON = r"(?:gun|rifle|shotgun|pistol|revolver|knife|machete|axe|weapon)"
_LEAVE = (
    r"(?:leave|left|try\s+to\s+leave|take\s+the\s+kids(?:\s+and\s+(?:go|leave))?|go|walk\s+out|divorce|break\s+up|call\s+the\s+(?:police|cops)|tell\s+anyone"
    r"|go\s+to\s+the\s+police|report)"
)
_DOCS = (
    r"(?:passport|id|id\s+card|documents|papers|visa|residence\s+permit|birth\s+certificate|bank\s+card|debit\s+card"
    r"|phone|car\s+keys|keys|money|wallet|cash|inhaler|insulin|epipen|medication|meds|glasses|hearing\s+aids?)"
)
_NO_RETURN = (
    r"(?:wont|will\s+not|refuses\s+to|doesnt|never)\s+(?:give|let\s+me|hand|return)"
    r"|so\s+(?:that\s+)?i\s+(?:cant|cannot|can\s+not|couldnt|wont\s+be\s+able\s+to)"
)

RULES: tuple[Rule, ...] = (
    # --- happening now -------------------------------------------------------------------------------
    _r(
        "partner_violence",
        "door_now",
        rf"\b{HES}\s+(?:\w+\s+)?(?:kicking|breaking|smashing|bashing|forcing|trying\s+to\s+(?:break|kick|force))\s+"
        r"(?:in\s+|down\s+)?(?:the|my|our)\s+(?:\w+\s+)?(?:door|window)s?\b"
        rf"|\b{HES}\s+(?:\w+\s+)?trying\s+to\s+(?:get|break)\s+in\b",
        U,
    ),
    _r(
        "partner_violence",
        "weapon_now",
        rf"\b{HES}\s+(?:\w+\s+){{0,3}}?(?:loading|waving|pointing|sharpening|brandishing)\s+(?:his|her|a|the|my)\s+"
        rf"(?:\w+\s+)?{_WEAPON}\b",
        U,
    ),
    _r(
        "partner_violence",
        "weapon_with",
        rf"\b{HES}\s+(?:\w+\s+){{0,4}}?with\s+(?:a|his|her|the|my)\s+(?:\w+\s+)?{_WEAPON}\b",
        E,
        urgent_on_timing=True,
    ),
    # --- strangulation -------------------------------------------------------------------------------
    _r(
        "partner_violence",
        "strangled",
        # Held under water is strangulation's sibling: "he held my face underwater in the lake".
        r"\b(?:held|holds|holding|pushed|pushes|shoved|forced)\s+my\s+(?:head|face)\s+(?:\w+\s+)?(?:under|underwater|into\s+the"
        r"|in\s+the)\s*(?:the\s+)?(?:water|bath|sink|pool|lake|toilet|tub|pillow)?\b|"
        r"\b(?:hands?|fingers|arm|forearm|knee)\s+(?:\w+\s+)?(?:around|on|against|across|over)\s+my\s+(?:throat|neck"
        r"|windpipe)\b|\b(?:squeez|press|crush|pinn)\w*\s+(?:\w+\s+)?my\s+(?:throat|neck|windpipe)\b"
        r"|\b(?:blacked|passed)\s+out\b[^.!?\n]{0,60}?\b(?:chok|strangl|squeez)\w*|\b(?:chok|strangl)\w*\b[^.!?\n]{0,60}?"
        r"\b(?:blacked|passed)\s+out\b|\bsmother(?:ed|s|ing)?\s+me\b|\bpillow\s+over\s+my\s+face\b"
        r"|\b(?:choke|sleeper)\s*hold\b|\bheadlock\b",
        E,
        urgent_on_timing=True,
    ),
    _r(
        "partner_violence",
        "head_slammed",
        r"\b(?:slammed|smashed|bashed|shoved|pushed|threw|grabbed|banged)\s+my\s+(?:head|face)\s+(?:\w+\s+)?(?:against|into"
        r"|on|onto|off|through)\b|\b(?:shoved|pushed|threw|kicked)\s+me\s+down\s+(?:the\s+)?(?:stairs|steps)\b",
        E,
        guard_writer_subject=True,
        urgent_on_timing=True,
    ),
    _r(
        "partner_violence",
        "hidden_injuries",
        r"\b(?:wear|wore|wearing|worn|put\s+on|use|used|using)\s+(?:\w+\s+){0,2}?(?:long\s+sleeves|a\s+scarf|scarves"
        r"|turtlenecks?|polo\s+necks?|concealer|makeup|make-up|sunglasses|foundation)\b[^.!?\n]{0,60}?\b(?:so\s+(?:that\s+)?"
        r"(?:nobody|no\s+one|noone|people|they|my\s+\w+|others)\s+(?:\w+\s+)?(?:sees?|notices?|can\s+see|asks?|will\s+see)"
        r"|to\s+(?:hide|cover)\s+(?:up\s+)?(?:the|my)?\s*(?:marks|bruises|bruising|neck|eye))\b"
        r"|\b(?:hide|hiding|cover|covering|covered)\s+(?:up\s+)?(?:the|my)\s+(?:marks|bruises|bruising|black\s+eye)\b"
        r"|\b(?:marks|bruises)\s+(?:that\s+)?(?:he|she)\s+left\b",
        E,
    ),
    # --- threats -------------------------------------------------------------------------------------
    _r(
        "partner_violence",
        "if_leave_violence",
        rf"\bif\s+(?:i|you)\s+(?:ever\s+)?{_LEAVE}\b[^.!?\n]{{0,80}}?\b(?:kill|hurt|shoot|stab|strangle|burn"
        r"|find\s+(?:me|you)|hunt\s+(?:me|you)\s+down|come\s+after|end\s+up\s+(?:dead|in\s+a\s+(?:ditch|box|hospital))"
        r"|find\s+us|use\s+it\s+on\s+(?:me|you)|make\s+(?:me|you)\s+disappear)",
        E,
        negatable=False,
        urgent_on_timing=True,
    ),
    _r(
        "coercive_control",
        "if_leave_control",
        rf"\bif\s+(?:i|you)\s+(?:ever\s+)?{_LEAVE}\b[^.!?\n]{{0,80}}?\b(?:make\s+(?:my|your)\s+life\s+(?:a\s+)?(?:living\s+)?"
        r"(?:hell|misery)|ruin\s+(?:me|you|my|your)|destroy\s+(?:me|you)|never\s+see\s+(?:the|my|our|your|them)"
        r"|take\s+(?:the|my|our|your)\s+(?:kids|children|son|daughter|baby)|tell\s+everyone|leave\s+(?:me|you)\s+with\s+nothing"
        r"|regret\s+it|ruin\s+me)",
        E,
        negatable=False,
    ),
    _r(
        "partner_violence",
        "death_threat_phrases",
        r"\b(?:no\s+one|nobody|noone|they)\s+(?:will|would|d|is\s+going\s+to)\s+(?:ever\s+)?find\s+(?:my|your|the)\s+body\b"
        r"|\bmake\s+(?:me|you)\s+disappear\b|\bmake\s+it\s+look\s+like\s+(?:an\s+accident|suicide)\b"
        r"|\b(?:youll|you\s+will|youd|you\s+would|ill|i\s+will)\s+end\s+up\s+(?:dead|in\s+a\s+(?:ditch|box|body\s+bag))\b",
        E,
        negatable=False,
        urgent_on_timing=True,
    ),
    _r(
        "partner_violence",
        "called_police",
        r"\bcalled\s+the\s+(?:police|cops)\b|\bcalled\s+(?:911|999|112)\b",
        E,
        attribution=AUTO,
    ),
    # --- stalking and tracking ------------------------------------------------------------------------
    _r(
        "coercive_control",
        "found_tracker",
        r"\b(?:found|discovered|noticed)\s+(?:an?\s+)?(?:airtag|tracker|tracking\s+(?:device|app)|gps\s+(?:tracker|device)"
        r"|spyware|stalkerware|hidden\s+camera|recording\s+device)\b",
        E,
    ),
    _r(
        "coercive_control",
        "follows_me",
        r"\bfollow(?:s|ed|ing)?\s+me\s+(?:to|home|from|into|around|everywhere|when|whenever|wherever|in\s+(?:his|her|the)\s+car)\b"
        r"|\b(?:keeps?|kept|always)\s+(?:\w+\s+)?(?:showing|turning)\s+up\s+(?:at|wherever|everywhere|outside|uninvited)\b"
        r"|\b(?:shows?|showed|turns?|turned)\s+up\s+(?:wherever|everywhere)\s+i\s+(?:go|am)\b",
        E,
        attribution=AUTO,
        guard_writer_subject=True,
    ),
    _r(
        "coercive_control",
        "waits_outside",
        r"\b(?:parked|waiting|sitting|standing|lurking|hanging\s+around)\s+outside\s+(?:my|our)\s+(?:flat|house|home|apartment"
        r"|place|work|office|building|window|school|gym)\b[^.!?\n]{0,60}?\b(?:again|for\s+(?:an|\d+|two|three|several)\s+hours?"
        r"|every\s+(?:day|night|morning)|all\s+(?:day|night)|wont\s+leave)\b|\bwaits?\s+(?:for\s+me\s+)?outside\s+(?:my|the)\s+"
        r"(?:\w+\s+)?(?:work|office|house|flat|school|gym)\s+every\b",
        E,
        attribution=AUTO,
    ),
    _r(
        "coercive_control",
        "proof_of_location",
        r"\b(?:photos?|pictures?|pics?|selfies?|videos?|proof|screenshots?)\s+(?:\w+\s+){0,3}?(?:of\s+)?(?:where\s+i\s+(?:am|was)"
        r"|who\s+im\s+with|who\s+i\s+(?:am|was)\s+with)\b|\bprove\s+(?:to\s+(?:him|her)\s+)?where\s+i\s+(?:am|was)\b"
        r"|\b(?:have|has|need|makes?\s+me)\s+to\s+(?:text|call|check\s+in\s+with|report\s+to|message)\s+(?:him|her)\s+every\s+"
        r"(?:hour|\d+\s+(?:minutes|mins)|half\s+hour|thirty\s+minutes)\b",
        E,
    ),
    _r(
        "coercive_control",
        "surveillance",
        r"\b(?:logs?|logged|logging)\s+(?:in)?to\s+my\s+(?:email|e-mail|accounts?|facebook|instagram|bank|icloud|phone|laptop"
        r"|whatsapp|messages)\b|\b(?:installed|put\s+up|set\s+up|hid|hides|placed|put)\s+(?:\w+\s+)?cameras?\b[^.!?\n]{0,60}?"
        r"\b(?:(?:watch|spy\s+on|monitor|check\s+on|keep\s+an\s+eye\s+on|record)\s+me|see\s+what\s+i\s+(?:do|am\s+doing))\b",
        E,
        guard_writer_subject=True,
    ),
    # --- isolation, documents and money ---------------------------------------------------------------
    _r(
        "coercive_control",
        "contacts_deleted",
        r"\b(?:deleted|blocked|removed|erased)\s+(?:all\s+)?(?:of\s+)?my\s+(?:friends|family|contacts|male\s+friends"
        r"|female\s+friends|guy\s+friends)\b",
        E,
        guard_writer_subject=True,
    ),
    _r(
        "coercive_control",
        "leave_only_with_leave",
        # "she can't go anywhere without him" is a friend's story, not the writer's.
        r"(?<!\bshe\s)(?<!\bhe\s)(?<!\bthey\s)\b(?:cant|cannot|can\s+not|not\s+allowed\s+to)\s+(?:go|leave|step|get)\s+(?:out"
        r"|outside|anywhere|the\s+house"
        r"|the\s+flat|home)\b[^.!?\n]{0,20}?\bwithout\s+(?:telling|asking|his|her|him|permission|checking\s+with)\b",
        E,
        negatable=False,
    ),
    _r(
        "coercive_control",
        "documents_withheld",
        rf"\b(?:has|have|kept|keeps|keep|took|takes|holds?|holding|hid|hides|locked\s+up|locked\s+away)\s+my\s+{_DOCS}\b"
        rf"[^.!?\n]{{0,50}}?\b(?:{_NO_RETURN})|\b(?:drove|ran|took)\s+off\s+with\s+my\s+{_DOCS}\b"
        rf"|\b(?:keeps?|kept|has|holds?)\s+my\s+{_DOCS}\s+(?:\w+\s+){{0,2}}?(?:in\s+(?:a\s+)?locked|locked\s+(?:up|away))",
        E,
        guard_writer_subject=True,
    ),
    _r(
        "coercive_control",
        "money_taken",
        r"\bmakes?\s+me\s+(?:hand\s+over|give\s+(?:him|her)|turn\s+over|transfer|sign\s+over)\s+(?:all\s+)?(?:of\s+)?my\s+"
        r"(?:money|salary|paycheck|paycheque|wages|bank\s+card|cards?|pin|passwords?|earnings|benefits|savings)\b"
        r"|\b(?:takes|took|keeps|kept|pockets)\s+(?:all\s+(?:of\s+)?)?my\s+(?:whole|entire)\s+(?:salary|paycheck|paycheque"
        r"|wages|pay|income|pension)\b",
        E,
        guard_writer_subject=True,
    ),
)
