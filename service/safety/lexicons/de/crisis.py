"""German rules for crisis phrasing in both word orders ("er bringt mich um" and "bringt er
mich um", "morgen springe ich"): means plus resolve, jumping, passive death wishes,
strangulation, leaving threats, cover stories, stalking and control (see lexicon_de)."""

from __future__ import annotations

from functools import partial

from service.safety.rule import Attribution, Rule, make_rule
from service.taxonomy import RiskLevel

_r = partial(make_rule, "de")
U, E = RiskLevel.URGENT, RiskLevel.ELEVATED
AUTO = Attribution.AUTO

_PILLS = r"(?:tabletten|pillen|medikamente|schlaftabletten)"
_MEANS = rf"(?:{_PILLS}|strick|seil|waffe|pistole|gewehr|klinge|rasierklingen?|brue?cke|gleise)"
_WEAPON = r"(?:messer|waffe|pistole|gewehr|axt)"
_RESOLVE = (
    r"(?:(?:heute|morgen|diese)\s+nacht\s+)?ist\s+es\s+so\s*weit|(?:mache|tue)\s+ich\s+es\b"
    r"|ich\s+(?:mache|tue)\s+es\s+(?:heute|morgen|jetzt|gleich)|werde\s+ich\s+es\s+tun|ich\s+werde\s+es\s+tun"
    r"|es\s+endet\s+(?:heute|morgen|jetzt)|(?:heute|morgen)\s+endet\s+(?:es|alles)"
)
_FALL = (
    r"(?:(?:die\s+treppe\s+)?(?:hin|runter|herunter|hinunter)?gefallen|gestue?rzt|ausgerutscht|gestolpert"
    r"|(?:gegen|an)\s+(?:die|eine|den|einen)\s+\w+\s+gelaufen)"
)
_TELL = (
    r"(?:sage|sagte|sagen|erzae?hle|erzae?hlte|erzae?hlt|gesagt|behaupte|behauptet|luge|gelogen)"
)
_LEAVE = (
    r"(?:verlasse|verlae?sst|gehe|gehst|weggehe|weggehst|ausziehe|ausziehst|trenne|trennst|anzeige|anzeigst"
    r"|schluss\s+mache|schluss\s+machst)"
)
_KIDS_DE = r"(?:(?:unser\w*|mein\w*|dem|den|das)\s+(?:sohn|tochter|kind|kinder|baby|kleinen|stiefsohn|stieftochter))"
_NOT_TIME = r"(?!\s*\d)(?!\s+(?:den|die|das|meinen|meine|mein|halb|viertel)\b)"

RULES: tuple[Rule, ...] = (
    # --- self-harm ------------------------------------------------------------------------------------
    _r(
        "self_harm",
        "means_and_resolve",
        rf"\b{_MEANS}\b[^\n]{{0,120}}?\b(?:{_RESOLVE})\b|\b(?:{_RESOLVE})\b[^\n]{{0,120}}?\b{_MEANS}\b",
        U,
    ),
    _r(
        "self_harm",
        "means_ready",
        rf"\b{_PILLS}\s+(?:\w+\s+){{0,2}}?(?:liegen|sind|stehen|habe\s+ich)\s+(?:schon\s+|alle\s+|jetzt\s+)?"
        r"(?:bereit|parat|zurechtgelegt|bereitgelegt|griffbereit)\b(?!\s+(?:fue?r|zum|zur)\b)",
        E,
        urgent_on_timing=True,
    ),
    _r(
        "self_harm",
        "jump",
        r"\b(?:springe?|werfe|stue?rze)\s+(?:ich\s+)?(?:mich\s+)?(?:\w+\s+){0,2}?(?:von\s+(?:der|einer|dem)\s+(?:brue?cke"
        r"|dach|hochhaus|balkon|klippe)|vom\s+(?:dach|balkon|hochhaus|turm)|vor\s+(?:den|einen)\s+(?:zug|bus|lkw|laster)"
        r"|aus\s+dem\s+fenster)\b",
        E,
        urgent_on_timing=True,
        jokeable=True,
    ),
    _r(
        "self_harm",
        "better_if_gone",
        r"\bwenn\s+ich\s+(?:einfach\s+|endlich\s+)?(?:nicht\s+mehr\s+(?:da|hier|am\s+leben)|tot|weg|nie\s+geboren)\s+wae?re\b"
        r"|\bwae?re\s+(?:es\s+)?(?:besser|leichter|einfacher)\b[^.!?\n]{0,40}?\bohne\s+mich\b",
        E,
        negatable=False,
    ),
    _r(
        "self_harm",
        "no_will_to_live",
        r"\bkeine\s+(?:kraft|lust|energie|motivation)\s+mehr\s+(?:zu\s+leben|zum\s+leben|weiterzuleben|am\s+leben)\b"
        r"|\bwill\s+(?:nur\s+noch|einfach\s+nur|einfach|nur)?\s*tot\s+sein\b|\blieber\s+tot\b|\blebensmue?de\b"
        r"|\bmue?de\s+(?:vom|zu)\s+leben\b|\bnicht\s+mehr\s+leben\s+(?:will|mag|mo(?:e)?chte)\b"
        r"|\bnicht\s+mehr\s+(?:da|hier|am\s+leben)\s+zu\s+sein\b|\bfue?r\s+immer\s+(?:weg|gehen|einschlafen)\b"
        r"|\b(?:gestorben|tod|verloren|beerdigung|fehlgeburt)\b[^\n]{0,120}?\b(?:zu\s+(?:ihm|ihr)|bei\s+(?:ihm|ihr))\s+"
        r"(?:sein|gehen)\b",
        E,
        negatable=False,
    ),
    _r(
        "self_harm",
        "goodbye_gone",
        r"\bwenn\s+(?:du|ihr|jemand)\s+das\s+liest\b[^.!?\n]{0,40}?\b(?:bin\s+ich|ich\s+bin)\s+(?:schon\s+)?(?:tot|weg"
        r"|nicht\s+mehr\s+(?:da|am\s+leben))\b|\bverabschiede\s+mich\s+von\s+(?:euch|allen|dir)\b",
        U,
        negatable=False,
    ),
    # --- partner violence ---------------------------------------------------------------------------
    _r(
        "partner_violence",
        "strangled",
        r"\b(?:hae?nde?|finger|arm)\s+(?:\w+\s+){0,2}?(?:um|an)\s+(?:den|meinen)\s+hals\b|\b(?:am|beim)\s+hals\s+(?:gepackt"
        r"|genommen|gewue?rgt|festgehalten|zugedrue?ckt)\b|\bkeine\s+luft\s+mehr\s+(?:bekommen|bekam|gekriegt)\b"
        r"|\bdie\s+(?:luft|kehle)\s+(?:\w+\s+)?(?:abgedrue?ckt|zugedrue?ckt)\b|\bmich\s+(?:\w+\s+){0,3}?gewue?rgt\b",
        E,
        urgent_on_timing=True,
    ),
    _r(
        "partner_violence",
        "threat_inverted",
        rf"\b(?:bringt|wird|will|wue?rde)\s+(?:er|sie)\s+mich\s+(?:\w+\s+){{0,2}}?um(?:bringen)?\b{_NOT_TIME}",
        E,
        urgent_on_timing=True,
        jokeable=True,
    ),
    _r(
        "concern",
        "writer_threat_inverted",
        # "..., bring ich ihn um": the writer's own anger, as in lexicon_de's writer_threat.
        rf"\bbringe?\s+ich\s+(?:dich|ihn|sie)\s+um\b{_NOT_TIME}",
        RiskLevel.CONCERN,
        jokeable=True,
    ),
    _r(
        "partner_violence",
        "if_leave",
        rf"\bwenn\s+(?:ich|du)\s+(?:ihn|sie|mich)?\s*(?:jemals\s+|je\s+)?{_LEAVE}\b[^.!?\n]{{0,80}}?\b(?:umbringen"
        rf"|bringt\s+(?:er|sie)\s+mich\s+um|bring\w*\s+(?:ich|er|sie)\s+(?:dich|mich)\s+um{_NOT_TIME}|toe?ten|tot"
        r"|finde\s+ich\s+dich|findet\s+(?:er|sie)\s+mich|wehtun|weh\s+tun|fertig\s*machen|abstechen)\b",
        E,
        negatable=False,
        urgent_on_timing=True,
    ),
    _r(
        "partner_violence",
        "weapon_loose",
        rf"\b(?:er|sie)\s+(?:\w+\s+){{1,4}}?(?:hat|hae?lt|holt)\s+(?:\w+\s+)?(?:ein|das|sein|seine|eine|ihr)\s+{_WEAPON}\b"
        r"(?!\s+(?:gekauft|geschenkt|geschliffen|bestellt))",
        E,
        urgent_on_timing=True,
    ),
    _r(
        "partner_violence",
        "cover_story_plain",
        rf"\b{_TELL}\b[^.!?\n]{{0,60}}?\bich\b[^.!?\n]{{0,40}}?\b{_FALL}\b[^.!?\n]{{0,60}}?\b(?:aber|dabei|in\s+wahrheit"
        r"|eigentlich|obwohl)\s+(?:\w+\s+){0,2}?(?:er|sie)\b"
        rf"|\b{_TELL}\b[^.!?\n]{{0,60}}?\bich\b[^.!?\n]{{0,30}}?\b(?:gegen|an)\s+(?:die|eine|den|einen)\s+(?:tue?r|schrank"
        r"|wand|tue?rrahmen|regal|kante)\w*\s+gelaufen\b",
        E,
    ),
    # --- coercive control ------------------------------------------------------------------------------
    _r(
        "coercive_control",
        "takes_away",
        r"\b(?:nimmt|nahm)\s+mir\s+(?:\w+\s+){0,3}?(?:geld|gehalt|lohn|handy|telefon|pass|reisepass|ausweis|papiere"
        r"|schlue?ssel|autoschlue?ssel|karte|bankkarte|ec-karte|kreditkarte)\s+(?:\w+\s+){0,2}?(?:weg|ab)\b"
        r"|\b(?:pass|reisepass|ausweis|papiere|handy|schlue?ssel|bankkarte|ec-karte|gehalt|geld)\s+(?:\w+\s+){0,3}?"
        r"(?:weggenommen|abgenommen|versteckt|einbehalten|weggeschlossen|abgeknoe?pft)\b",
        E,
        guard_writer_subject=True,
        jokeable=True,
    ),
    _r(
        "coercive_control",
        "stalking",
        r"\b(?:verfolgt|verfolgte|stalkt|stalkte|bespitzelt)\s+mich\b|\btaucht\s+(?:\w+\s+){0,3}?(?:ue?berall|immer\s+wieder"
        r"|sta?e?ndig)\s+(?:\w+\s+)?auf\b|\b(?:ortungs|tracking|spionage|ue?berwachungs|spy)-?\s?apps?\b",
        E,
        guard_writer_subject=True,
    ),
    _r(
        "coercive_control",
        "proof_of_location",
        r"\b(?:fotos?|bilder|selfies?|beweis\w*)\b[^.!?\n]{0,40}?\bwo\s+ich\s+(?:bin|war)\b|\bbeweisen,?\s+wo\s+ich\s+"
        r"(?:bin|war)\b|\bmit\s+wem\s+ich\s+(?:unterwegs\s+)?(?:bin|war)\b[^.!?\n]{0,30}?\b(?:fotos?|beweis\w*)\b",
        E,
    ),
    _r(
        "coercive_control",
        "threats_and_control_more",
        # A threatened suicide used as a leash: "wenn ich Schluss mache, bringt er sich um".
        r"\bwenn\s+ich\b[^.!?\n]{0,60}?\b(?:bringt|tut|wird)\s+(?:er|sie)\s+sich\s+(?:\w+\s+)?(?:um|was\s+an|etwas\s+an)\b"
        r"|\b(?:lae?sst|wird)\s+mich\s+abschieben\b|\bohne\s+(?:ihn|sie)\s+(?:\w+\s+){0,3}?(?:keinen\s+)?aufenthalt\w*"
        r"|\bweiss,?\s+(?:wann|wo)\s+du\s+(?:allein\s+bist|wohnst|bist)\b|\bsteht\s+(?:\w+\s+){0,3}?(?:jeden|jede|fast\s+jeden"
        r"|immer|sta?e?ndig)\s+(?:\w+\s+)?vor\s+(?:meinem|meiner|unserem|unserer)\s+(?:haus|wohnung|tue?r|arbeit)\b"
        r"|\bdarf\s+ich\s+(?:\w+\s+){0,2}?nicht\s+(?:mehr\s+)?(?:\w+\s+)?(?:hin|raus|weg|arbeiten|sehen|treffen)\b"
        r"|\b(?:sehe|siehst)\s+(?:sie|die\s+kinder|ihn|es)\s+nie\s+wieder\b|\b(?:kinder|kind|sohn|tochter)\s+(?:\w+\s+){0,4}?"
        r"nicht\s+(?:mehr\s+)?zurue?ck(?:gebracht|gegeben)\b|\b(?:kontaktverbot|annae?herungsverbot)\b",
        E,
        negatable=False,
        absorbs=True,
        urgent_on_timing=True,
    ),
    _r(
        "partner_violence",
        "violence_more",
        r"\b(?:wirft|warf|schmeisst|schmiss)\s+(?:er|sie)?\s*(?:mit\s+)?(?:\w+\s+){0,3}?nach\s+mir\b"
        r"|\ban\s+den\s+haaren\s+(?:\w+\s+){0,3}?(?:gezogen|gerissen|geschleift|gezerrt)\b"
        r"|\bmein\w*\s+(?:handy|laptop|telefon|sachen|auto|tablet)\s+(?:\w+\s+)?(?:zertrue?mmert|zerschlagen|kaputt\s*gemacht"
        r"|zerstoe?rt|an\s+die\s+wand\s+geworfen)\b",
        E,
        urgent_on_timing=True,
    ),
    _r(
        "child_safety",
        "slap_child",
        rf"\b(?:ohrfeige|backpfeife|schelle|tracht\s+prue?gel)\b[^.!?\n]{{0,40}}?{_KIDS_DE}|{_KIDS_DE}\b[^.!?\n]{{0,40}}?"
        r"\b(?:ohrfeige|backpfeife|schelle|tracht\s+prue?gel)\b",
        E,
        urgent_on_timing=True,
    ),
)
