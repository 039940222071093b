"""assess_risk: rules first, then context, then the mood number. Pure Python, no model."""

from __future__ import annotations

import bisect
import re
import unicodedata
from dataclasses import dataclass, replace
from functools import cache

from service.safety import cues
from service.safety.addressed import addressed_spans
from service.safety.context import ContextAnalyser, Cue
from service.safety.language import active_languages, detect_language
from service.safety.lexicons import ALL_RULES
from service.safety.lexicons.de import self_injury as de_self_injury
from service.safety.lexicons.en import self_injury as en_self_injury
from service.safety.lexicons.es import self_injury as es_self_injury
from service.safety.lexicons.fr import self_injury as fr_self_injury
from service.safety.mentions import Referent, quoted_spans
from service.safety.model import RULES_VERSION, ContextSpan, EvidenceSpan, RiskAssessment
from service.safety.normalize import NormalizedText, normalize
from service.safety.rule import Kind, Rule
from service.taxonomy import RiskCategory, RiskLevel

# Every lexicon is loaded; ``active_languages`` decides per text which of them run, and keeps
# them all on for short or mixed-language texts (people switch languages mid-message).
_VERY_LOW_MOOD = 1

# Self-injury: an act (cutting, burning, hitting oneself), elevated on its own. Only suicidal
# thoughts plus a means, or a means of suicide named with the act, make it urgent.
_SELF_INJURY_RULES = frozenset(
    r.rule_id
    for module in (en_self_injury, de_self_injury, fr_self_injury, es_self_injury)
    for r in module.RULES
) | frozenset(
    {
        "en.self_harm.self_harm_word",
        "en.self_harm.self_harm_noun",
        "en.self_harm.hiding_cuts",
        "en.self_harm.hurts_own_body",
        "en.self_harm.hurt_my_body",
        "de.self_harm.self_injury",
        "de.self_harm.ritzen",
        "fr.self_harm.hurt_myself",
        "fr.self_harm.self_injury",
        "es.self_harm.hurt_myself",
        "es.self_harm.self_injury",
        "es.self_harm.cuts_and_burns",
    }
)
# Consented contact (a sport, a self-defence class, children's play-fighting) is not violence.
_CONTACT_CATEGORIES = (
    RiskCategory.PARTNER_VIOLENCE,
    RiskCategory.CHILD_SAFETY,
    RiskCategory.COERCIVE_CONTROL,
)


@dataclass(frozen=True)
class Finding:
    rule_id: str
    start: int  # normalised offsets; -1 for the mood number
    end: int
    level: RiskLevel
    category: RiskCategory | None
    third_party: bool = False
    kind: Kind = Kind.NONE
    capped: bool = False  # lowered by a past-resolved or joking context
    absorbs: bool = False

    @property
    def label(self) -> str:
        if self.third_party:
            return "third_party"
        if self.rule_id.startswith("num."):
            return "mood"
        if self.category is not None and self.level.at_least(RiskLevel.ELEVATED):
            return self.category.value
        return "concern"


@cache
def _own_negations(rule: Rule) -> frozenset[str]:
    """Negation words a pattern spells out itself, e.g. "not" in "about not being here"."""
    source = rule.pattern.pattern
    return frozenset(t for t in cues.NEGATION_TOKENS if re.search(rf"\b{t}\b", source))


def _cap(level: RiskLevel, ceiling: RiskLevel) -> RiskLevel:
    return level if ceiling.at_least(level) else ceiling


@dataclass(frozen=True)
class Defusal:
    """A rule match that context explained away or capped, and why."""

    kind: str  # idiom | media | hypothetical | banter | past_resolved | third_party
    start: int
    end: int
    rule_id: str


def _judge(
    rule: Rule, start: int, end: int, ctx: ContextAnalyser, defused: list[Defusal]
) -> list[Finding]:
    """Apply the context rules to one match; an empty list means the match does not count.

    Every match that context drops or caps is recorded in ``defused``: the same context then
    limits what a model alone may raise (``service/classify/decision.py``).
    """

    def because(kind: str) -> None:
        defused.append(Defusal(kind, start, end, rule.rule_id))

    if rule.guard_writer_subject and ctx.writer_is_subject(start):
        return []
    for kind, applies in (
        ("idiom", ctx.in_idiom(start, end)),
        ("media", ctx.in_media(start)),
        ("hypothetical", ctx.hypothetical(start)),
    ):
        if applies:
            because(kind)
            return []
    if rule.negatable and ctx.negated(start, end, _own_negations(rule)):
        # Not a defusing context for the model: "not suicidal but I wouldn't mind if a bus hit
        # me" denies one word and says the rest; the rest is for the model to read.
        return []
    if rule.category in _CONTACT_CATEGORIES and ctx.sport_or_play(start):
        # A sparring partner's chokehold, brothers play-fighting: consented, like banter.
        because("banter")
        return []
    level, capped, extra = rule.level, False, []
    if rule.urgent_on_timing and (cue := ctx.timing_near(start, end)) is not None:
        level = RiskLevel.URGENT
        extra.append(cue)
    controls = rule.category is RiskCategory.COERCIVE_CONTROL
    if (rule.jokeable or controls) and ctx.joking(start):
        because("banter")
        if rule.category is not RiskCategory.SELF_HARM:
            return []
        # Jokes about killing oneself still deserve a gentle check-in.
        level, capped, extra = _cap(level, RiskLevel.CONCERN), True, []
    if ctx.past_resolved(start, end):
        because("past_resolved")
        level, capped, extra = _cap(level, RiskLevel.CONCERN), True, []
    referent = ctx.referent(
        start, rule.attribution, end, own_harm=rule.category is RiskCategory.SELF_HARM
    )
    if referent is Referent.THIRD:
        because("third_party")
        return [
            Finding(
                rule.rule_id,
                start,
                end,
                RiskLevel.CONCERN,
                None,
                third_party=True,
                absorbs=rule.absorbs,
            )
        ]
    category = rule.category
    if referent is Referent.CHILD and category is not None:
        category = RiskCategory.CHILD_SAFETY
    if category is RiskCategory.SELF_HARM and ctx.threat_to_writer(start, end, rule.attribution):
        # "He texted 'if you leave I'll kill myself'": a threat aimed at the writer.
        category = RiskCategory.COERCIVE_CONTROL
    found = Finding(
        rule.rule_id,
        start,
        end,
        level,
        category,
        kind=rule.kind,
        capped=capped,
        absorbs=rule.absorbs,
    )
    return [found] + [_cue_finding(c, level, category) for c in extra]


def _cue_finding(cue: Cue, level: RiskLevel, category: RiskCategory | None) -> Finding:
    return Finding(f"{cue.lang}.context.{cue.kind}", cue.start, cue.end, level, category)


def _apply_means(findings: list[Finding], ctx: ContextAnalyser) -> list[Finding]:
    """Thoughts of suicide plus a means or plan anywhere in the text are imminent danger.

    Self-injury (cutting, burning...) is an act, not a plan: it becomes urgent only next to
    thoughts of suicide, or with a means of suicide in its own sentence (a blade or a lighter
    named near cutting is how it was done, not a means).
    """
    elevated = [
        f
        for f in findings
        if f.category is RiskCategory.SELF_HARM and f.level is RiskLevel.ELEVATED
    ]
    means = [c for c in ctx.means if not any(f.start <= c.start < f.end for f in elevated)]
    if not elevated or not means:
        return findings
    suicidal = [f for f in elevated if f.rule_id not in _SELF_INJURY_RULES]
    if suicidal:
        ideation, used = elevated, means
    else:
        used = [
            c
            for c in means
            if not cues.INJURY_TOOLS.fullmatch(ctx.text, c.start, c.end)
            and any(f.start >= 0 and ctx.same_sentence(f.start, c.start) for f in elevated)
        ]
        ideation = [
            f
            for f in elevated
            if f.start >= 0 and any(ctx.same_sentence(f.start, c.start) for c in used)
        ]
    if not ideation or not used:
        return findings
    upgraded = [replace(f, level=RiskLevel.URGENT) if f in ideation else f for f in findings]
    return upgraded + [_cue_finding(c, RiskLevel.URGENT, RiskCategory.SELF_HARM) for c in used]


def _apply_child_means(findings: list[Finding], ctx: ContextAnalyser) -> list[Finding]:
    """A child of the household talking of killing themself with a means in the same sentence
    ("screamed 'I'm going to kill myself' and locked himself in with my pills") is a child in
    danger now."""
    child = [
        f
        for f in findings
        if f.category is RiskCategory.CHILD_SAFETY
        and ".self_harm." in f.rule_id
        and f.level is RiskLevel.ELEVATED
        and f.start >= 0
    ]
    used = [
        c
        for c in ctx.means
        if not cues.INJURY_TOOLS.fullmatch(ctx.text, c.start, c.end)
        and any(
            ctx.same_sentence(f.start, c.start) and not f.start <= c.start < f.end for f in child
        )
    ]
    if not used:
        return findings
    near = [f for f in child if any(ctx.same_sentence(f.start, c.start) for c in used)]
    upgraded = [replace(f, level=RiskLevel.URGENT) if f in near else f for f in findings]
    return upgraded + [_cue_finding(c, RiskLevel.URGENT, RiskCategory.CHILD_SAFETY) for c in used]


_DANGER_CATEGORIES = (
    RiskCategory.PARTNER_VIOLENCE,
    RiskCategory.COERCIVE_CONTROL,
    RiskCategory.CHILD_SAFETY,
)


def _apply_danger_now(findings: list[Finding], ctx: ContextAnalyser) -> list[Finding]:
    """Violence or control plus a sign it is happening now ("he's outside") is imminent danger."""
    harm = [
        f
        for f in findings
        if f.category in _DANGER_CATEGORIES
        and f.level is RiskLevel.ELEVATED
        and not f.third_party
        and not f.capped
    ]
    cues_now = list(ctx.danger_now)
    if not harm or not cues_now:
        return findings
    upgraded = [replace(f, level=RiskLevel.URGENT) if f in harm else f for f in findings]
    category = harm[0].category
    return upgraded + [_cue_finding(c, RiskLevel.URGENT, category) for c in cues_now]


def _apply_mood(findings: list[Finding], mood: int | None, ctx: ContextAnalyser) -> list[Finding]:
    """Mood 1 is at least concern; with hopelessness in the text it is elevated self-harm risk,
    unless the hopelessness is about the couple or the job ("hopeless, same row again, he says
    we should give up") with no word about living or dying near it."""
    if mood is None or mood > _VERY_LOW_MOOD:
        return findings
    out = [
        replace(f, level=RiskLevel.ELEVATED, category=RiskCategory.SELF_HARM)
        if f.kind is Kind.HOPELESS
        and not f.third_party
        and not f.capped
        and not f.level.at_least(RiskLevel.ELEVATED)
        and not (f.start >= 0 and ctx.hopeless_about_relationship(f.start))
        else f
        for f in findings
    ]
    hopeless = any(f.kind is Kind.HOPELESS and f.level is RiskLevel.ELEVATED for f in out)
    level = RiskLevel.ELEVATED if hopeless else RiskLevel.CONCERN
    category = RiskCategory.SELF_HARM if hopeless else None
    return [*out, Finding("num.mood.very_low", -1, -1, level, category)]


def _dedupe(findings: list[Finding]) -> list[Finding]:
    """Drop a finding contained in another with the same label and at least its level."""
    absorbing = [f for f in findings if f.absorbs]
    findings = [
        f
        for f in findings
        if f.absorbs or not any(a.start <= f.start and f.end <= a.end for a in absorbing)
    ]
    ordered = sorted(findings, key=lambda f: (f.start, -(f.end - f.start), -f.level.rank))
    kept: list[Finding] = []
    for f in ordered:
        covered = any(
            k.label == f.label
            and k.start <= f.start
            and f.end <= k.end
            and k.level.at_least(f.level)
            for k in kept
        )
        if not covered:
            kept.append(f)
    return kept


def _evidence(f: Finding, text: str, norm: NormalizedText) -> EvidenceSpan:
    if f.start < 0:
        return EvidenceSpan(f.label, -1, -1, "mood=1", f.rule_id)
    start, end = norm.original_span(f.start, f.end)
    # Keep trailing combining accents inside the quote ("e" + U+0301).
    while end < len(text) and unicodedata.combining(text[end]):
        end += 1
    return EvidenceSpan(f.label, start, end, text[start:end], f.rule_id)


def assess_risk(
    text: str,
    *,
    mood: int | None = None,
    connection: int | None = None,
    locale: str | None = None,
) -> RiskAssessment:
    """Rule-first, high-recall safety reading of a check-in.

    ``connection`` is accepted for symmetry with check-ins but never changes the level: a
    distant couple is not by itself a safety signal. Numbers only ever raise a level.
    """
    norm = normalize(text)
    languages = active_languages(text, locale)
    ctx = ContextAnalyser(norm.text, languages, _normalised_spans(quoted_spans(text), norm))
    findings: list[Finding] = []
    defused: list[Defusal] = []
    for rule in ALL_RULES:
        if rule.language not in languages:
            continue
        for m in rule.pattern.finditer(norm.text):
            if m.end() > m.start():
                findings.extend(_judge(rule, m.start(), m.end(), ctx, defused))
    findings = _apply_child_means(_apply_means(_apply_mood(findings, mood, ctx), ctx), ctx)
    findings = _dedupe(_apply_danger_now(findings, ctx))
    own = [f for f in findings if not f.third_party]
    level = RiskLevel.highest(*(f.level for f in own))
    if not own and findings:
        level = RiskLevel.CONCERN
    categories = sorted(
        {
            f.category
            for f in own
            if f.category is not None and f.level.at_least(RiskLevel.ELEVATED)
        },
        key=lambda c: c.value,
    )
    evidence = sorted(
        (_evidence(f, text, norm) for f in findings),
        key=lambda e: (e.start < 0, e.start, e.end, e.rule),
    )
    return RiskAssessment(
        level=level,
        categories=tuple(categories),
        evidence=tuple(evidence),
        third_party=bool(findings) and not own,
        language=detect_language(text, locale),
        rules_version=RULES_VERSION,
        defusing=_defusing(defused, ctx, norm, languages),
        present_danger=_present_danger(own, ctx, norm),
    )


def _normalised_spans(
    spans: tuple[tuple[int, int], ...], norm: NormalizedText
) -> tuple[tuple[int, int], ...]:
    """Map spans of the original text onto the normalised text."""
    out = []
    for a, b in spans:
        start, end = bisect.bisect_left(norm.starts, a), bisect.bisect_left(norm.starts, b)
        if end > start:
            out.append((start, end))
    return tuple(out)


def _span(kind: str, start: int, end: int, rule: str, norm: NormalizedText) -> ContextSpan:
    a, b = norm.original_span(start, end)
    return ContextSpan(kind, a, b, rule)


def _defusing(
    defused: list[Defusal], ctx: ContextAnalyser, norm: NormalizedText, languages: frozenset[str]
) -> tuple[ContextSpan, ...]:
    spans = {_span(d.kind, d.start, d.end, d.rule_id, norm) for d in defused}
    spans |= {_span(k, a, b, f"context.{k}", norm) for k, a, b in ctx.figurative_spans()}
    spans |= {_span(k, a, b, r, norm) for k, a, b, r in addressed_spans(norm.text, languages)}
    return tuple(sorted(spans, key=lambda c: (c.start, c.end, c.kind)))


def _present_danger(
    own: list[Finding], ctx: ContextAnalyser, norm: NormalizedText
) -> tuple[ContextSpan, ...]:
    """Signs the danger is present now: a means of self-harm, "he's outside", an urgent
    finding of the writer's own. Any of them lifts the limit a defusing context sets."""
    spans = {_span("means", c.start, c.end, f"{c.lang}.context.means", norm) for c in ctx.means}
    spans |= {
        _span("danger_now", c.start, c.end, f"{c.lang}.context.danger_now", norm)
        for c in ctx.danger_now
    }
    spans |= {
        _span("urgent_finding", f.start, f.end, f.rule_id, norm)
        for f in own
        if f.level is RiskLevel.URGENT and f.start >= 0
    }
    return tuple(sorted(spans, key=lambda c: (c.start, c.end, c.kind)))
