"""Phrase cues for patterns and burnout signals (English).

This is the transparent first stage of classification and the source of evidence spans; the
trained model (issue 3) adds recall on phrasing these cues do not list.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from service.taxonomy import BurnoutSignal, Pattern


@dataclass(frozen=True)
class Cue:
    label: str
    regex: re.Pattern[str]


def _cues(label: str, *phrases: str) -> list[Cue]:
    return [Cue(label, re.compile(p, re.IGNORECASE)) for p in phrases]


PATTERN_CUES: list[Cue] = [
    *_cues(Pattern.CRITICISM, r"\byou (always|never)\b", r"what'?s wrong with (you|him|her)",
           r"\b(he|she|they) (always|never) \w+", r"\b(lazy|selfish|useless)\b"),
    *_cues(Pattern.CONTEMPT, r"\beye ?-?roll", r"\brolled (his|her|their) eyes\b", r"\bmock(ed|s|ing)?\b",
           r"\bsarcas(m|tic)", r"\bdisgust(ed|ing)?\b", r"\bsneer", r"\bpathetic\b"),
    *_cues(Pattern.DEFENSIVENESS, r"\bnot my fault\b", r"\bdefensive\b", r"\bblame[sd]? me\b",
           r"\bturn(ed|s)? it (around )?on me\b", r"\bexcuses?\b", r"\bwhat about when you\b"),
    *_cues(Pattern.STONEWALLING, r"\bsilent treatment\b", r"\bshut(s|ting)? down\b",
           r"\bwalk(ed|s)? out\b", r"\bwon'?t (talk|answer|speak)\b", r"\bignor(es|ed|ing) me\b",
           r"\bstopped (talking|answering)\b", r"\bleft the room\b"),
    *_cues(Pattern.TECHNOFERENCE, r"\b(on|glued to|scroll\w*|checking) (his|her|their|my) phone",
           r"\bphones? (at|during) (dinner|the table|meals?)\b", r"\bscroll(s|ing|ed)?\b",
           r"\b(tv|netflix|laptop|tiktok|instagram|youtube|games?|gaming|ps5|xbox)\b",
           r"\bscreens?\b", r"\bemails? (at|in) (bed|night)\b"),
    *_cues(Pattern.TURNING_AWAY, r"\bdidn'?t (even )?(notice|look up|respond|react)\b",
           r"\bbarely (looked|noticed|answered)\b", r"\bno (response|reaction)\b",
           r"\bbrushed (me|it) off\b", r"\bdidn'?t (ask|care) (about|how)\b"),
    *_cues(Pattern.EMOTIONAL_DISTANCE, r"\broommates?\b", r"\balone together\b",
           r"\bonly (talk|speak) about (logistics|bills|the kids|schedules)\b",
           r"\b(feel|feeling|felt) (so )?(alone|lonely|distant|disconnected)\b", r"\bdrift(ing|ed)\b",
           r"\bstrangers?\b"),
    *_cues(Pattern.CONFLICT_ESCALATION, r"\b(huge|big|another|same) (fight|argument|row)\b",
           r"\bscream(ed|ing)?\b", r"\byell(ed|ing)?\b", r"\bshout(ed|ing)?\b",
           r"\bfight(ing)? (again|every)\b", r"\bargu(e|ing|ed) (again|all the time|constantly)\b"),
    *_cues(Pattern.CONFLICT_AVOIDANCE, r"\bavoid(ing|ed)? (the )?(topic|subject|conversation|talking)\b",
           r"\bdon'?t (want to|wanna) (bring it up|rock the boat)\b", r"\bkeep(ing)? the peace\b",
           r"\bbit my tongue\b", r"\bswept? (it )?under the rug\b", r"\bnever (talk|bring) (about|it up)\b"),
    *_cues(Pattern.INTIMACY_DECLINE, r"\bno (sex|intimacy|affection)\b", r"\bhaven'?t (had sex|kissed|touched)\b",
           r"\bdon'?t (touch|kiss|cuddle)\b", r"\bsleep(ing)? (back to back|in separate)\b",
           r"\bdead bedroom\b", r"\bpulls? away when I\b"),
    *_cues(Pattern.SECRECY, r"\bhid(e|es|ing|den)\b", r"\bsecret(ly|s)?\b", r"\bpassword\b",
           r"\blied? about\b", r"\bbehind my back\b", r"\bdidn'?t tell me\b"),
    *_cues(Pattern.CODEPENDENCY, r"\bresponsible for (his|her|their) (mood|happiness|feelings)\b",
           r"\bcan'?t (be|stand being) (away|apart)\b", r"\bpanic when (he|she|they)'?s? (away|gone|out)\b",
           r"\bno (life|friends) of my own\b", r"\blost myself\b", r"\bconstant reassurance\b"),
    *_cues(Pattern.APPRECIATION, r"\bthank(ed|ful|s)?\b", r"\bgrateful\b", r"\bappreciat\w+",
           r"\bcomplimen\w+", r"\bsweet of (him|her|them)\b", r"\bnoticed (my|that I)\b"),
    *_cues(Pattern.REPAIR, r"\bapologi[sz]\w*", r"\bsaid sorry\b", r"\bmade up\b", r"\bforgave\b",
           r"\btalked it (through|out)\b", r"\bhugged it out\b"),
    *_cues(Pattern.SHARED_RITUAL, r"\bevery (morning|night|evening|sunday|week)\b", r"\britual\b",
           r"\bour (walk|coffee|date night|tradition)\b", r"\bcooked together\b", r"\bdate night\b"),
    *_cues(Pattern.VULNERABILITY, r"\bopened up\b", r"\btold (him|her|them) (how|that) I\b",
           r"\bI'?m (scared|afraid) (that )?we\b", r"\bshared (my|a) (fear|secret|worry)\b",
           r"\bcried in front of\b", r"\bfirst time I (told|said)\b"),
    *_cues(Pattern.RESPONSIVENESS, r"\b(really )?listened\b", r"\bput (his|her|their) phone (down|away)\b",
           r"\bwas there for me\b", r"\bchecked (in )?on me\b", r"\bpaid attention\b", r"\bshowed up\b"),
]  # fmt: skip

BURNOUT_CUES: list[Cue] = [
    *_cues(BurnoutSignal.IRRITABILITY_OR_NUMBNESS, r"\b(so |really )?irritab\w+", r"\bsnap(ped|ping)? at\b",
           r"\bnumb\b", r"\bfeel nothing\b", r"\bon edge\b", r"\beverything annoys me\b"),
    *_cues(BurnoutSignal.RESENTMENT_AT_REQUESTS, r"\bresent\w*", r"\bone more (thing|request)\b",
           r"\bevery (little )?(request|ask)\b", r"\bcan'?t take (one )?more ask"),
    *_cues(BurnoutSignal.WITHDRAWAL_FROM_SHARED_ACTIVITIES, r"\b(skip|skipped|cancel\w*) (our|the) \w+",
           r"\bdon'?t (want|feel like) (doing|going|joining)\b", r"\bstopped (going|joining|doing)\b"),
    *_cues(BurnoutSignal.SLEEP_DISRUPTION, r"\b(can'?t|couldn'?t) sleep\b", r"\binsomnia\b",
           r"\bawake (at|until) \d", r"\bno sleep\b", r"\bbarely slept\b", r"\bup all night\b"),
    *_cues(BurnoutSignal.LOSS_OF_HUMOR, r"\bdon'?t (laugh|find anything funny)\b",
           r"\bstopped laughing\b", r"\bno (jokes|laughter)\b", r"\bsense of humou?r\b"),
    *_cues(BurnoutSignal.ESCAPE_FANTASIES, r"\brun away\b", r"\bone-?way ticket\b",
           r"\bfantasi[sz]\w* about (leaving|escaping|being alone)\b", r"\bjust (leave|disappear) for a while\b"),
    *_cues(BurnoutSignal.TOUCHED_OUT, r"\btouched[- ]out\b", r"\bdon'?t want to be touched\b",
           r"\bcan'?t (stand|bear) being touched\b", r"\bneed (my )?space from (everyone|touch)\b"),
]  # fmt: skip


@dataclass(frozen=True)
class CueHit:
    label: str
    start: int
    end: int
    quote: str


def find_cues(text: str, cues: list[Cue]) -> list[CueHit]:
    hits: list[CueHit] = []
    for cue in cues:
        for match in cue.regex.finditer(text):
            hits.append(CueHit(str(cue.label), match.start(), match.end(), match.group(0)))
    return hits
