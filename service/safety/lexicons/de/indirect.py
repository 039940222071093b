"""More German rules: indirect self-harm ideation and plans, violence explained away, weapons
in conflict, threats, everyday control, locking in, and children in danger (see lexicon_de)."""

from __future__ import annotations

from functools import partial

from service.safety.rule import Attribution, Rule, make_rule
from service.taxonomy import RiskLevel

_r = partial(make_rule, "de")
U, E = RiskLevel.URGENT, RiskLevel.ELEVATED
OTHER, AUTO = Attribution.OTHER, Attribution.AUTO

_PILLS = r"(?:tabletten|pillen|medikamente|schlaftabletten)"
_KIDS = (
    r"(?:die\s+kinder|das\s+kind|das\s+baby|den\s+kindern|dem\s+kind|unser\w*\s+(?:sohn|tochter|kind|kinder|baby)"
    r"|mein\w*\s+(?:sohn|tochter|kind|kinder))"
)
_WEAPON = r"(?:waffe|pistole|gewehr|messer|revolver)"

RULES: tuple[Rule, ...] = (
    # --- self-harm ------------------------------------------------------------------------------------
    _r(
        "self_harm",
        "means_ready",
        rf"\b{_PILLS}\s+(?:\w+\s+){{0,3}}?(?:liegen|sind|habe\s+ich)\s+(?:\w+\s+){{0,2}}?(?:gezae?hlt|gesammelt"
        r"|gehortet)\b|\balle\s+(?:meine\s+)?{_PILLS}\s+(?:liegen|sind)\s+(?:\w+\s+)?(?:bereit|parat|zurechtgelegt)\b"
        r"|\b(?:brief\w*|alles\s+ist\s+(?:bereit|vorbereitet|geregelt))\b[^\n]{0,80}?\b(?:mache|tue)\s+ich\s+es\b"
        r"|\b(?:mache|tue)\s+ich\s+es\b[^\n]{0,80}?\b(?:alles\s+ist\s+(?:bereit|vorbereitet|geregelt)|brief\w*)",
        U,
    ),
    _r(
        "self_harm",
        "better_dead",
        r"\bmehr\s+wert\s+tot\b|\btot\s+mehr\s+wert\b|\b(?:besser|glue?cklicher)\s+(?:\w+\s+){0,2}?wenn\s+ich\s+"
        r"(?:tot|nicht\s+mehr\s+da)\s+wae?re\b|\bkeinen\s+(?:grund|sinn)\s+mehr\s+(?:zu\s+leben|weiterzumachen"
        r"|weiterzuleben)\b|\bsehe\s+keinen\s+sinn\s+mehr\s+(?:im|in\s+meinem)\s+leben\b",
        E,
        negatable=False,
    ),
    _r(
        "self_harm",
        "thoughts_back",
        r"\b(?:die\s+)?(?:dunklen\s+|suizid\w*\s+)?gedanken\s+sind\s+wieder\s+da\b|\b(?:aus\s+der|in\s+der|in\s+die)\s+"
        r"psychiatrie\b|\bgeschlossene\w*\s+(?:station|abteilung)\b",
        E,
        attribution=AUTO,
    ),
    _r(
        "self_harm",
        "self_injury",
        r"\bich\s+(?:\w+\s+){0,2}?(?:verbrenne|schlage|kratze|schneide|beisse)\s+mich\b(?!\s+(?:beim|durch|mit\s+dem))"
        r"|\bgegen\s+(?:einen|den)\s+baum\s+(?:zu\s+)?(?:fahren|lenken)\b|\bvon\s+der\s+(?:strasse|brue?cke)\s+"
        r"(?:abzukommen|abkommen|zu\s+fahren)\b",
        E,
        urgent_on_timing=True,
    ),
    # --- partner violence -----------------------------------------------------------------------------
    _r(
        "partner_violence",
        "cover_story",
        r"\b(?:wir\s+haben|er\s+hat\s+mich\s+gezwungen|sie\s+hat\s+mich\s+gezwungen|ich\s+musste|musste\s+ich)\b"
        r"[^.!?\n]{0,40}?(?:gesagt|erzae?hlt|sagen|erzae?hlen),?\s+(?:\w+\s+){0,3}?(?:dass\s+)?ich\s+(?:\w+\s+){0,3}?"
        r"(?:gestue?rzt|gefallen|ausgerutscht)\b|\bbin\s+(?:\w+\s+){0,2}?gegen\s+(?:die|eine)\s+tue?r\s+gelaufen\b",
        E,
    ),
    _r(
        "partner_violence",
        "weapon_in_conflict",
        rf"\b{_WEAPON}\b[^.!?\n]{{0,60}}?\bwenn\s+wir\s+streiten\b|\bwenn\s+wir\s+streiten\b[^.!?\n]{{0,60}}?\b{_WEAPON}\b",
        E,
        urgent_on_timing=True,
    ),
    # --- coercive control -----------------------------------------------------------------------------
    _r(
        "coercive_control",
        "exposure_and_authorities",
        r"\b(?:nacktbilder|nacktfotos|fotos|videos|bilder)\s+(?:von\s+mir\s+)?(?:\w+\s+){0,3}?(?:zu\s+)?"
        r"(?:veroe?ffentlichen|posten|verschicken|rumschicken)\b|\b(?:droht|drohte|sagt|sagte)\b"
        # "mein Freund sagt, ich soll beim Jugendamt anrufen" is advice about neighbours, not a threat.
        r"(?![^.!?\n]{0,20}\bich\s+(?:soll|sollte|muss)\b)[^.!?\n]{0,60}?"
        r"\b(?:auslae?nderbehoe?rde|abschieben|abschiebung|jugendamt)\b",
        E,
    ),
    _r(
        "coercive_control",
        "locked_in",
        r"\b(?:hat|hatte)\s+(?:er\s+|sie\s+)?mich\s+(?:\w+\s+){0,3}?(?:eingesperrt|eingeschlossen|ausgesperrt)\b"
        r"|\bsperrt\s+mich\s+(?:\w+\s+){0,2}?(?:ein|aus)\b",
        E,
        urgent_on_timing=True,
        jokeable=True,
    ),
    _r(
        "coercive_control",
        "everyday_control",
        r"\b(?:passwoe?rter|passwort)\s+(?:\w+\s+){0,3}?geae?ndert\b|\b(?:etwas|eine\s+app|spyware|software)\s+auf\s+"
        r"mein(?:em|en)?\s+(?:handy|laptop|telefon)\s+installiert\b|\bentscheidet,?\s+(?:wann|was|wo|wen|wie\s+viel|ob)"
        r"\s+ich\b|\b(?:er|sie)\s+muss\s+(?:\w+\s+){0,3}?(?:genehmigen|absegnen)\b"
        r"|\b(?:nimmt|nahm|hat)\s+mir\s+(?:\w+\s+){0,2}?(?:meine\s+(?:medikamente|tabletten|papiere|rente|bankkarte"
        r"|ec-karte)|die\s+(?:papiere|medikamente))\b(?!\s+(?:\w+\s+){0,2}?(?:gebracht|mitgebracht|geholt|gegeben|besorgt"
        r"|gekauft|hingelegt|gereicht)\b)|\bhat\s+meine\s+rente\s+ue?bernommen\b",
        E,
        guard_writer_subject=True,
        jokeable=True,
    ),
    _r(
        "coercive_control",
        "not_allowed",
        r"\bich\s+darf\s+(?:\w+\s+){0,3}?nicht\s+(?:\w+\s+){0,2}?(?:abschliessen|zumachen|schliessen|arbeiten|raus"
        r"|telefonieren|anrufen|sehen|treffen|besuchen|nehmen)\b",
        E,
        negatable=False,
    ),
    # --- child safety ---------------------------------------------------------------------------------
    _r(
        "child_safety",
        "impaired_driving",
        rf"\bbetrunken\b[^.!?\n]{{0,40}}?\bmit\s+{_KIDS}\s+(?:\w+\s+)?(?:weggefahren|gefahren|losgefahren|abgehauen)\b"
        rf"|\bmit\s+{_KIDS}\b[^.!?\n]{{0,40}}?\bbetrunken\s+(?:\w+\s+)?(?:gefahren|weggefahren|losgefahren)\b",
        U,
        attribution=OTHER,
    ),
    _r(
        "child_safety",
        "rough_and_locked",
        rf"\b(?:grob|gewalttae?tig|brutal)\s+(?:zu|mit)\s+(?:{_KIDS}|ihnen|ihm|ihr)\b|\bsperrt\s+(?:\w+\s+){{0,2}}?"
        rf"{_KIDS}\s+(?:\w+\s+){{0,3}}?ein\b|\b(?:schlae?gt|schlug|haut)\s+(?:\w+\s+){{0,3}}?mit\s+dem\s+gue?rtel\b"
        r"|\b(?:geladene|unverschlossene)\w*\s+(?:waffe|pistole|gewehr)\w*"
        r"|\b(?:nimmt|raucht|konsumiert|spritzt)\s+(?:\w+\s+)?(?:crystal|meth|kokain|heroin|drogen)\b[^.!?\n]{0,60}?kinder",
        E,
        attribution=OTHER,
        urgent_on_timing=True,
    ),
    _r(
        "child_safety",
        "child_fear",
        rf"\b{_KIDS}\b[^.!?\n]{{0,60}}?\b(?:panische|grosse|furchtbare|solche|schreckliche|toe?dliche)\s+angst\s+vor\s+(?:ihm|ihr)\b"
        r"|\bversteckt\s+sich\s+(?:\w+\s+){0,3}?(?:wenn|sobald)\s+(?:er|sie)\b",
        E,
        attribution=OTHER,
    ),
)
