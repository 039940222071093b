"""German plans told without a crisis word, as in English (lexicons/en/plans.py): a means at
hand plus a time when the writer will be alone ("Das Seil liegt schon im Keller. Heute Abend,
wenn Tim beim Training ist."), and a time named inside the sentence ("ich will heut Nacht
sterben", "ich bring mich heute um"), which the detector's timing reach does not see because
it sits inside the match. Normalised text: ä->a, ö->o, ü->u, ß->ss.
"""

from __future__ import annotations

from functools import partial

from service.safety.rule import Rule, make_rule
from service.taxonomy import RiskLevel

_r = partial(make_rule, "de")
U = RiskLevel.URGENT

MEANS = (
    r"(?:tabletten|pillen|medikamente|medis|schlaftabletten|schlafmittel|schmerzmittel|strick|seil|waffe|pistole"
    r"|gewehr|jagdgewehr|schlauch|holzkohle|gift|rasierklingen)"
)
HELD = (
    rf"(?:\b{MEANS}\s+(?:\w+\s+){{0,6}}?(?:liegt|liegen|ist|sind|hab|habe|han|steht|stehen|hae?ngt)\s+(?:\w+\s+){{0,3}}?"
    r"(?:schon|bereit|versteckt|im|in\s+(?:der|meiner|meinem|meine)|unter|hinter|beim|bei\s+mir)\b"
    rf"|\b(?:hab|habe|han|hatte)\s+(?:ich\s+|i\s+)?(?:\w+\s+){{0,3}}?{MEANS}\s+(?:\w+\s+){{0,8}}?(?:versteckt|gekauft|besorgt"
    r"|gesammelt|bereit|gehortet|beisammen|zusammen|im|in\s+(?:der|meiner|meinem|meine)|unter|hinter|eingesteckt)\b"
    rf"|\b(?:ich\s+)?(?:hab|habe|han)\s+(?:ich\s+|i\s+)?(?:die|meine|alle|genug|jetzt\s+die)\s+{MEANS}\b)"
)
WHEN = (
    r"(?:heute?(?:\s+(?:nacht|abend|fruh|frueh|morgen))?|heut\s+auf\s+d(?:ie)?\s+nacht|morgen(?:\s+(?:fruh|frueh|abend"
    r"|nacht))?|diese\s+nacht|am\s+(?:montag|dienstag|mittwoch|donnerstag|freitag|samstag|sonntag|wochenende)"
    r"|(?:montag|dienstag|mittwoch|donnerstag|freitag|samstag|sonntag)(?:\s+(?:nacht|abend|fruh))?|dieses\s+wochenende"
    r"|nae?chste[nr]?\s+(?:montag|dienstag|mittwoch|donnerstag|freitag|samstag|sonntag|woche)|danach|erst\s+danach)"
)
ALONE = (
    r"(?:(?:wenn|sobald|wae?hrend|bevor|nachdem)\s+(?:\w+\s+){0,5}?(?:schlae?ft|schlafen|weg\s+ist|weg\s+sind|aus\s+dem\s+haus"
    r"|beim\s+\w+|bei\s+(?:der|ihrem|seinem|ihrer|ihren|seinen)\s+\w+|arbeitet|arbeiten|in\s+der\s+arbeit|auf\s+(?:der\s+)?arbeit"
    r"|aufwacht|aufwachen|heimkommt|heimkommen|zurue?ckkommt|zurue?ckkommen|heimgfahrn\s+san|heimgefahren\s+sind"
    r"|unterwegs\s+(?:ist|sind)|auf\s+dienstreise|im\s+dienst)\b|(?:bin\s+ich|ich\s+bin)\s+(?:\w+\s+)?allein\w*)"
)
RESOLVE = (
    r"(?:(?:mach|mache|tu|tue)\s+ich\s+es|ist\s+es\s+(?:vorbei|so\s*weit)|(?:nehm|nehme|schluck|schlucke)\s+ich\s+(?:sie|die"
    r"|alle)|bin\s+ich\s+(?:weg|tot)|geh\s+ich|gang\s+ich|dann\s+(?:hab\s+i|hab\s+ich|ist)\s+(?:endlich\s+)?(?:a\s+|eine\s+)?ruh"
    r"|dass\s+es\s+vorbei\s+ist)"
)
# The time stands on its own ("Tonight, when she's at work.") or comes with a resolve ("I'll do
# it"); "tonight when the kids are asleep I'll take a bath" is not a plan.
TIMED = (
    rf"(?:(?:\b{WHEN}\b[^.!?\n]{{0,40}}?\b{ALONE}|\b{ALONE}[^.!?\n]{{0,40}}?\b{WHEN}\b)"
    rf"(?=(?:\s+\w+){{0,2}}\s*(?:[.!?\n]|$)|[^.!?\n]{{0,40}}?\b{RESOLVE})"
    # ... or the time alone as a sentence: "I've got the pills. Tonight."
    rf"|(?:^|(?<=[.!?\n]))\s*\b{WHEN}\s*(?:[.!?\n]|$))"
)
_TIME_INSIDE = (
    r"(?:heute?(?:\s+(?:nacht|abend))?|morgen(?:\s+fruh)?|diese\s+nacht|jetzt|gleich|nachher|am\s+wochenende"
    r"|in\s+(?:einer|zwei|\d+)\s+(?:stunden?|minuten))"
)

RULES: tuple[Rule, ...] = (
    _r(
        "self_harm",
        "means_held_and_time",
        # The match is the first of the two parts, so a rule that already read the other one keeps
        # its own evidence.
        rf"(?={HELD}[^\n]{{0,200}}?{TIMED}){HELD}|(?={TIMED}[^\n]{{0,200}}?{HELD}){TIMED}",
        U,
        negatable=False,
    ),
    _r(
        "self_harm",
        "time_inside",
        # "ich will heut Nacht sterben", "ich bring mich heute Nacht um": German puts the time
        # between the verb and its end, inside what a rule matches.
        rf"\b(?:will|mo(?:e)?chte?|werde)\s+(?:mich\s+)?(?:\w+\s+){{0,2}}?{_TIME_INSIDE}\s+(?:\w+\s+){{0,2}}?(?:sterben"
        r"|umbringen|toe?ten|das\s+leben\s+nehmen|erhae?ngen|erschiessen)\b"
        rf"|\bbring(?:e)?\s+(?:ich\s+)?mich\s+(?:\w+\s+)?{_TIME_INSIDE}\s+(?:\w+\s+)?um\b(?!\s*\d)"
        r"(?!\s+(?:den|die|das|meinen|meine|mein|halb|viertel)\b)",
        U,
        jokeable=True,
    ),
)
