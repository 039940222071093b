"""German self-injury by any method, also minimised or in dialect ("is ned schlimm"): ritzen,
burning with a lighter, scratching until it bleeds, hitting one's head, purging, starving on
purpose, extra pills to switch off, relapses. Current or recent self-injury is elevated
self-harm. Normalised text: ä->a, ö->o, ü->u, ß->ss (typed "ae/oe/ue" allowed).
"""

from __future__ import annotations

from functools import partial

from service.safety.rule import Rule, make_rule
from service.taxonomy import RiskLevel

_r = partial(make_rule, "de")
E = RiskLevel.ELEVATED

BODY = (
    r"(?:arm|arme|armen|unterarm\w*|oberarm\w*|handgelenk\w*|oberschenkel\w*|schenkel|bein|beine|beinen|hue?fte\w*"
    r"|bauch|haut|hand|hae?nde\w*|kopf|brust|schulter\w*|knoe?chel|finger\w*|waden?|rue?cken|fuss|fue?sse|hals"
    r"|gesicht|stirn|handrue?cken|handflae?che\w*|kno(?:e)?chel)"
)
_MY = r"(?:meine[nmrs]?|mein|den|die|das|dem|der)"
_TOOL = (
    r"(?:feuerzeug|zigarette|kippe|glut|streichho(?:e)?lz\w*|bue?geleisen|glae?tteisen|lockenstab|loe?ffel|heissklebe\w*"
    r"|klinge|rasierklinge|messer|schere|cutter|teppichmesser|glasscherbe|scherbe|nadel|zirkel|spitzer\w*)"
)
_HURT = (
    r"(?:verbrannt|verbrenne|verbrenn|geschnitten|schneide|schneid|gekratzt|kratze|kratz|geschlagen|schlage|schlag"
    r"|gebissen|beisse|beiss|verletzt|verletze|verletz|gehauen|haue|hau|geritzt|ritze|ritz|aufgeschnitten"
    r"|aufgekratzt|gebrannt)"
)
_BLOOD = (
    r"\bbis\s+(?:es|sie|die\s+haut|ich|die\s+\w+)\s+(?:\w+\s+)?(?:blutet|bluten|blutete|bluteten|aufplatzt|aufgeplatzt"
    r"|wund|weh\s*tut|wehtut|weh\s+tuet|schwindlig|sterne\s+sehe|blau\s+\w+|blaue\s+flecken)"
)

RULES: tuple[Rule, ...] = (
    _r(
        "self_harm",
        "ritzen",
        r"\b(?=das|ins|mit|vom|zum|beim|im|ich|i|hab|habe|hatte|han|ha|mich|angefangen|ritz|wieder)"
        r"(?![^.!?\n]{0,60}\b(?:aufgeho(?:e)?rt|aufzuho(?:e)?ren))"
        r"(?:\b(?:das|ins|mit\s+dem|vom|zum|beim|im)\s+(?:alte[nms]?\s+)?ritzen\b(?!\s+(?:der|des|zwischen))"
        r"|\b(?:ich|i)\s+(?:(?!aufgeho(?:e)?rt|aufho(?:e)?ren)\w+\s+){0,4}?ritz(?:e|en)?\b(?!\s+(?:den|die|das|initialen"
        r"|namen)\b)"
        r"|\b(?:hab|habe|hatte|han|ha)\s+(?:mich|mi)\s+(?:\w+\s+){0,3}?geritzt\b|\bmich\s+(?:\w+\s+){0,3}?geritzt\b"
        r"|\britz(?:e|en)?\s+(?:ich|i)\s+(?:mich|mi)\b|\bangefangen\s+(?:\w+\s+)?zu\s+ritzen\b|\britzen\s+angefangen\b|\bwieder\s+(?:am\s+)?ritzen\b)",
        E,
    ),
    _r(
        "self_harm",
        "tool_to_skin",
        # "ich halt das feuerzeug an meinen unterarm", "hab mich mit dem Feuerzeug verbrannt".
        rf"\b(?:feuerzeug|zigarette|kippe|glut|streichho(?:e)?lz\w*|heisse[nsm]?\s+\w+|gluhende[nsm]?\s+\w+|loe?ffel"
        rf"|flamme)\b[^.!?\n]{{0,40}}?\b(?:an|auf|gegen|in|unter)\s+(?:meine[nmr]?|mein)\s+(?:\w+\s+)?{BODY}\b"
        rf"|\b(?:mich|mir|mi)\s+(?:\w+\s+){{0,4}}?mit\s+(?:dem|einem|der|einer|nem|ner)\s+(?:\w+\s+)?{_TOOL}\s+"
        rf"(?:\w+\s+){{0,3}}?{_HURT}\b(?![^.!?\n]{{0,40}}\b(?:beim\s+(?:kochen|schneiden|rasieren|bue?geln|basteln)"
        r"|aus\s+versehen|versehentlich))"
        rf"|\b(?:kleine|paar|ein\s+paar|drei|zwei)?\s*(?:schnitte|brandwunden|brandmale|kratzer)\s+(?:\w+\s+){{0,2}}?mit\s+"
        rf"(?:dem|der|einer|einem)\s+{_TOOL}",
        E,
    ),
    _r(
        "self_harm",
        "on_purpose",
        rf"\b(?:mich|mir|mi)\s+(?:\w+\s+){{0,5}}?(?:absichtlich|mit\s+absicht|extra|bewusst|zur\s+strafe)\s+(?:\w+\s+){{0,4}}?"
        rf"{_HURT}\b"
        rf"|\b{_HURT}\s+(?:ich\s+)?(?:mich|mir|mi)\s+(?:\w+\s+){{0,2}}?(?:absichtlich|mit\s+absicht|extra|zur\s+strafe)\b"
        rf"|\b(?:mich|mir|mi)\s+(?:\w+\s+){{0,4}}?{_HURT}\b[^.!?\n]{{0,30}}?\b(?:absichtlich|mit\s+absicht|zur\s+strafe"
        r"|um\s+(?:mich\s+)?(?:zu\s+spue?ren|was\s+zu\s+spue?ren|mich\s+zu\s+bestrafen|runterzukommen))",
        E,
    ),
    _r(
        "self_harm",
        "until_it_bleeds",
        # "kratz mir seit a paar tagen wieder die arme auf bis es blutet".
        r"\bkratz\w*\s+(?:ich\s+)?(?:mir|mich|mi)\s+(?:\w+\s+){0,6}?(?:auf|blutig|wund)\b"
        rf"|\b(?:kratz|beiss|schlag|schlah|hau|knabber|reiss|zupf|pul|box|drue?ck|kneif)\w*\s+(?:ich\s+)?(?:mir|mich|mi)\b"
        rf"[^.!?\n]{{0,60}}?{_BLOOD}",
        E,
    ),
    _r(
        "self_harm",
        "head_banging",
        r"\b(?:schlag\w*|schlah|hau\w*|knall\w*|box\w*|ramm\w*|hae?mmer\w*)\s+(?:ich\s+)?(?:mir|mich|mi)\s+"
        rf"(?:\w+\s+){{0,5}}?(?:gegen|an|auf|gag)\s+(?:den|die|meinen|meine|de|d)\s+(?:kopf|chopf|stirn|schae?del|beine"
        rf"|oberschenkel|bauch|brust)\b[^.!?\n]{{0,60}}?(?:{_BLOOD}|\bimmer\s+wieder|\bso\s+(?:fest|lange|hart)"
        r"|\babsichtlich|\bwenn\b)"
        r"|\b(?:schlag\w*|schlah|hau\w*|knall\w*|ramm\w*)\s+(?:ich\s+)?(?:mir|mich|mi)\s+(?:\w+\s+){0,2}?mit\s+(?:der|den"
        r"|beiden|de)\s+(?:fae?ust\w*|fuust|hae?nde\w*)\s+(?:\w+\s+){0,2}?(?:gegen|an|auf|gag|ins)\s+(?:den|die|das"
        r"|de|d)?\s*(?:kopf|chopf|stirn|gesicht|beine|bauch)\b"
        r"|\b(?:schlag\w*|hau\w*|knall\w*|ramm\w*)\s+(?:ich\s+)?(?:meinen|den)\s+kopf\s+(?:\w+\s+){0,3}?(?:gegen|an)\s+die"
        rf"\s+(?:wand|tue?r|fliesen)\b[^.!?\n]{{0,60}}?(?:{_BLOOD}|\bimmer\s+wieder|\babsichtlich|\bbeule)"
        r"|\b(?:schlag\w*|box\w*|hau\w*)\s+(?:ich\s+)?(?:mit\s+der\s+faust\s+)?(?:gegen\s+die\s+wand|die\s+wand)\b"
        r"[^.!?\n]{0,40}?\bbis\s+(?:die\s+|meine\s+)?(?:kno(?:e)?chel|hand|hae?nde|fae?uste?)\s+(?:\w+\s+)?(?:bluten|blutet"
        r"|aufplatz\w*|kaputt)",
        E,
    ),
    _r(
        "self_harm",
        "purging",
        r"\b(?:bringe?|brachte|bring)\s+mich\s+(?:\w+\s+){0,3}?zum\s+(?:erbrechen|kotzen|uebergeben|ubergeben|brechen)\b"
        r"|\b(?:erbreche|erbrach|kotze|kotz|uebergebe|ubergebe|breche)\s+(?:mich\s+)?(?:\w+\s+){0,3}?(?:nach\s+(?:dem|jedem)"
        r"\s+essen|absichtlich|extra|nach\s+jeder\s+mahlzeit)\b|\bfinger\s+in\s+den\s+hals\b"
        r"|\b(?:fressattacke\w*|essanfall\w*|essanfae?lle\w*)\s+und\s+(?:dann\s+)?(?:erbrechen|kotzen)",
        E,
    ),
    _r(
        "self_harm",
        "starving",
        r"\b(?:esse|ess|iss)\s+(?:\w+\s+){0,4}?(?:absichtlich|extra|mit\s+absicht|zur\s+strafe)\s+(?:\w+\s+){0,2}?(?:nichts"
        r"|kaum|nix)\b|\b(?:absichtlich|zur\s+strafe)\s+(?:\w+\s+){0,3}?(?:nichts|nix)\s+(?:\w+\s+)?(?:gegessen|essen|esse)\b"
        r"|\bhungere\s+mich\b|\bverdiene\s+(?:es\s+)?(?:kein\s+essen|nicht\s+zu\s+essen|nichts\s+zu\s+essen)\b"
        r"|\b(?:nur|bloss)\s+(?:noch\s+)?(?:einen|ein(?:en)?)\s+apfel\s+(?:am|pro)\s+tag\b",
        E,
    ),
    _r(
        "self_harm",
        "knock_out_pills",
        r"\b(?:extra|mehr|doppelt\w*|eine\s+handvoll|zu\s+viele)\s+(?:\w+\s+)?(?:tabletten|pillen|schlaftabletten"
        r"|medikamente|beruhigungs\w*)\s+(?:\w+\s+){0,4}?(?:genommen|geschluckt|eingeworfen|nehme|schlucke)\b"
        r"[^.!?\n]{0,60}?\bum\s+(?:mich\s+)?(?:\w+\s+){0,3}?(?:auszuknocken|wegzuknallen|wegzuschiessen|abzuschalten"
        r"|nichts\s+(?:mehr\s+)?zu\s+(?:spue?ren|fue?hlen)|wegzudae?mmern|wegzupennen)",
        E,
    ),
    _r(
        "self_harm",
        "relapse",
        r"\b(?:rue?ckfall|rue?ckfae?llig)\b[^.!?\n]{0,40}?\b(?:ritzen|geritzt|selbstverletz\w*|svv|erbrechen|essstoe?rung)"
        r"|\b(?:ritz|svv|selbstverletzungs?)-?\s*rue?ckfall\w*",
        E,
    ),
)
