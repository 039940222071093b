"""The guard every partner-facing output passes before it is stored or shown.

Each rule has a stable id (used in stored verdicts, eval cases and reports). The checks are
deterministic and cheap (regular expressions and token sets), so they run on every tip and
every chat sentence, whichever backend wrote it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from service.lib import metrics
from service.taxonomy import RiskLevel

# Stable rule ids.
GROUNDING = "grounding"
NO_DIAGNOSIS = "no_diagnosis"
NO_BLAME = "no_blame"
NO_LEAK = "no_leak"
NO_MEANS = "no_means"
IPV_RULES = "ipv_rules"
SAFETY_FIRST = "safety_first"
LENGTH = "length"
STRUCTURE = "structure"
NO_AI_CLAIM = "no_ai_claim"
RULES = (
    GROUNDING, NO_DIAGNOSIS, NO_BLAME, NO_LEAK, NO_MEANS, IPV_RULES, SAFETY_FIRST, LENGTH,
    STRUCTURE, NO_AI_CLAIM,
)  # fmt: skip

MAX_TITLE = 120
MAX_FIELD = 700
MAX_STEP = 400
MAX_TOTAL = 3000
MAX_CHAT = 1800
DANGER_FROM_OTHERS = frozenset({"partner_violence", "coercive_control"})

_I = re.IGNORECASE
_WHO = r"\b(you|he|she|they|your (partner|husband|wife|boyfriend|girlfriend|spouse))"
_BE = r"('re|'s|’re|’s| are| is| seems?( to be)?| sounds?( like)?| might be| may be)\s+"
# Clinical labels about anyone (en/de/fr/es). Naming a feeling is fine; naming a disorder is not.
_DIAGNOSIS = re.compile(
    r"\b(narcissis\w*|narcissist\w*|narziss\w*|narcisis\w*|narcissique\w*|sociopath\w*|"
    r"soziopath\w*|sociópata|psychopath\w*|psicópata|bipolar\w*|bipolaire|borderline|"
    r"personality disorder|persönlichkeitsstörung|trouble de la personnalité|"
    r"trastorno de (la )?personalidad|\bnpd\b|\bbpd\b|\bocd\b|\badhd\b|\bptsd\b|"
    r"schizo\w*|on the (autism )?spectrum|autistic|psychotic|clinically depressed|"
    r"(has|have|got) (clinical )?depression|(is|are|sounds|seems) (a )?(manic|paranoid)|"
    r"(is|are) (an? )?(addict|alcoholic)|mentally ill|"
    r"gaslight\w*|emotionally unavailable|avoidant attachment|anxious attachment|"
    # Attachment typing (Qwen2.5-1.5B wrote "your attachment style" in no_diagnosis-016).
    r"(insecure|disorgani[sz]ed|fearful[- ]avoidant|ambivalent) attachment|"
    r"attachment (style|disorder|type)s?|bindungs(stil|störung|typ)\w*|"
    r"(style|trouble)s? d[e'’] ?l?[’']?attachement|(estilo|trastorno|tipo)s? de apego|"
    # Depression and anxiety as a label for someone (a small real model wrote "your partner is
    # experiencing anxiety and self-harm"); "you feel low", "it makes you anxious" stay fine.
    rf"{_WHO}{_BE}(clinically |severely |probably |maybe )?(depressed|depressive)|"
    r"(suffer(s|ing)?|suffered) from (\w+ ){0,2}(depression|anxiety|panic|burnout)|"
    r"(has|have|got|experiencing) (an? )?(anxiety|depression|panic attacks|"
    r"an? (anxiety|panic|eating|mood) disorder)|"
    r"(anxiety|panic|eating|mood|depressive) disorder|depressive episode|major depression|"
    r"(ist|sind|bist) (wohl |vielleicht )?depressiv|(hat|haben|hast) (eine )?(depression|"
    r"angststörung)|leide[nt]? (an|unter) (einer )?(depression|angststörung)|angststörung|"
    r"(est|es|sont) (en )?(dépressi(f|ve)|en dépression)|fai(t|s|re) une dépression|"
    r"trouble anxieux|tiene(s|n)? (una )?(depresión|ansiedad)|trastorno de ansiedad|"
    r"sufre(s|n)? de (depresión|ansiedad))\b",
    _I,
)
# Blame and side-taking in coaching text (safety responses may say "it is not your fault").
_PERSON = r"(he|she|they|him|her|them|your (partner|husband|wife|boyfriend|girlfriend|spouse))"
_BLAME = re.compile(
    r"\b(it'?s|it is|that'?s|this is) (all |entirely |totally |completely |clearly )?"
    r"(his|her|their|your (partner|husband|wife|boyfriend|girlfriend|spouse)'?s) fault\b|"
    rf"\b{_PERSON}(\s+(is|are|was|were)|'s|'re|’s|’re)\s+(being\s+)?(so |really |very |clearly |obviously |just )?"
    r"(selfish|lazy|toxic|manipulative|cruel|a jerk|an idiot|in the wrong|wrong|immature|"
    r"pathetic|useless|disrespectful|a bad (partner|person)|the problem|to blame|heartless)\b|"
    rf"\b{_PERSON} (doesn'?t|does not|don'?t|do not) (really )?(care about you|love you|"
    r"respect you|deserve you)\b|"
    r"\byou('re| are) (completely |totally |absolutely |100% )?(right|in the right|the victim)"
    r"( here| in this)?\b(?! to\b)|"
    r"\b(you should|you need to|just) (leave|dump|divorce) (him|her|them)\b|"
    r"\bred flags?\b|\bnot your (fault|problem),? (it'?s|it is) (his|hers|theirs)\b",
    _I,
)
# Means or method information for self-harm: quantities, doses, methods, lethality.
_MEANS = re.compile(
    r"\b\d+\s*(mg|milligrams?|grams?|pills|tablets|capsules)\b|"
    r"\b(lethal|fatal|deadly|toxic|overdose) (dose|amount|quantity|level)\b|"
    r"\bhow (many|much) (pills|tablets|paracetamol|tylenol|ibuprofen|insulin)\b|"
    r"\b(noose|hanging yourself|hang yourself|slit|wrists?|carbon monoxide|charcoal|helium|"
    r"exhaust fumes|antifreeze|bleach|painless(ly)? (way|death|method)|"
    r"(jump|jumping) (off|from) (a|the) (bridge|building|roof)|"
    r"(way|ways|method|methods) to (kill|end|hurt|harm) (yourself|your life|oneself))\b",
    _I,
)
# Joint work that must not be suggested when the danger comes from the partner.
_JOINT = re.compile(
    r"\b(together|both of you|the two of you|with your partner|as a couple|couples? "
    r"(exercise|session|ritual|conversation)|ask (him|her|them|your partner)|"
    r"tell (him|her|them|your partner)|talk (to|with) (him|her|them|your partner)|"
    r"your partner('s)? (side|view|perspective)|sit down with|invite (him|her|them|your partner))\b",
    _I,
)
_AI_CLAIM = re.compile(
    r"\b(as an ai|i am an ai|i'm an ai|as a language model|i am a language model|"
    r"i'm a language model|large language model|as an assistant i)\b",
    _I,
)
_WORD = re.compile(r"[^\W\d_][\w'’-]*", re.UNICODE)


@dataclass(frozen=True)
class Violation:
    rule: str
    detail: str

    def as_dict(self) -> dict[str, str]:
        return {"rule": self.rule, "detail": self.detail}


@dataclass(frozen=True)
class Verdict:
    violations: tuple[Violation, ...] = ()

    @property
    def passed(self) -> bool:
        return not self.violations

    def rules_failed(self) -> list[str]:
        return sorted({v.rule for v in self.violations})

    def as_dict(self) -> dict[str, Any]:
        return {"passed": self.passed, "violations": [v.as_dict() for v in self.violations]}


@dataclass(frozen=True)
class GuardContext:
    """What the guard knows about the situation the output answers."""

    risk_level: RiskLevel
    risk_categories: Sequence[str] = ()
    retrieved_ids: frozenset[str] = frozenset()
    # Retrieved cards that address a detected pattern or burnout signal, the strategies among
    # them when there are any (tips only; grounding.on_point_ids): a tip that cites none of
    # them, when there are some, cites cards beside the point.
    on_point_ids: frozenset[str] = frozenset()
    own_text: str = ""  # the writer's own words may be echoed back to them
    allowed_text: str = ""  # retrieved cards and resources: words the output may use
    private_partner_texts: Sequence[str] = ()  # the other partner's private check-ins
    resource_names: Sequence[str] = ()  # crisis / DV services the response must name
    # A home- or child-safety question is open: nothing may involve the other partner.
    individual_only: bool = False


@dataclass(frozen=True)
class Output:
    """A partner-facing output, flattened for checking."""

    kind: str  # coaching | safety | chat
    title: str = ""
    texts: Sequence[str] = ()  # every sentence-bearing field (why, steps, message, ...)
    steps: Sequence[str] = ()
    citations: Sequence[str] = ()
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def all_text(self) -> str:
        return "\n".join([self.title, *self.texts, *self.steps])


def check(output: Output, ctx: GuardContext) -> Verdict:
    """Every rule, every time; the verdict lists each violation with a short reason."""
    found: list[Violation] = []
    found += _grounding(output, ctx)
    text = output.all_text
    # Sentences copied verbatim from the curated cards are vetted ("say: 'You're right that I…'").
    vetted = ctx.allowed_text
    found += _pattern(NO_DIAGNOSIS, _DIAGNOSIS, text, "clinical label", vetted)
    if output.kind != "safety":
        found += _pattern(NO_BLAME, _BLAME, text, "blame or side-taking", vetted)
    found += _pattern(NO_MEANS, _MEANS, text, "means or method detail")
    found += _pattern(NO_AI_CLAIM, _AI_CLAIM, text, "claims to be an AI")
    found += _leak(text, ctx)
    found += _ipv(output, ctx)
    found += _safety_first(output, ctx)
    found += _length(output)
    found += _structure(output)
    verdict = Verdict(tuple(found))
    metrics.guard_rejected(verdict.rules_failed())
    return verdict


def check_sentence(sentence: str, ctx: GuardContext) -> Verdict:
    """The content rules for one streamed chat sentence (before the client sees it)."""
    return check(Output("chat", texts=(sentence,)), ctx)


def safe_to_echo(text: str) -> bool:
    """Whether the writer's own words can be quoted back (no labels, blame or means in them)."""
    return not any(p.search(text) for p in (_DIAGNOSIS, _BLAME, _MEANS))


def suggests_joint_work(text: str) -> bool:
    """Whether ``text`` asks for something done with the partner (never when they are a danger)."""
    return _JOINT.search(text) is not None


def _grounding(output: Output, ctx: GuardContext) -> list[Violation]:
    stray = [c for c in output.citations if c not in ctx.retrieved_ids]
    found = [Violation(GROUNDING, f"cites {c!r}, which was not retrieved") for c in stray]
    if output.kind == "coaching" and ctx.retrieved_ids and not output.citations:
        found.append(Violation(GROUNDING, "a coaching tip with cards retrieved cites none"))
    elif (
        output.kind == "coaching"
        and ctx.on_point_ids
        and not ctx.on_point_ids & set(output.citations)
    ):
        found.append(Violation(GROUNDING, "cites none of the cards that address what was noticed"))
    return found


def _pattern(
    rule: str, pattern: re.Pattern[str], text: str, what: str, vetted: str = ""
) -> list[Violation]:
    for match in pattern.finditer(text):
        if vetted and _sentence_at(text, match.start(), match.end()) in vetted:
            continue
        return [Violation(rule, f"{what}: {match.group(0)!r}")]
    return []


def _sentence_at(text: str, start: int, end: int) -> str:
    """The line or sentence around a match (at least the match itself)."""
    left = max(text.rfind("\n", 0, start), text.rfind(". ", 0, start) + 1, 0)
    right_candidates = [i for i in (text.find("\n", end), text.find(". ", end)) if i != -1]
    right = min(right_candidates) if right_candidates else len(text)
    return text[left:right].strip(" .\n") or text[start:end]


def _leak(text: str, ctx: GuardContext) -> list[Violation]:
    if not ctx.private_partner_texts:
        return []
    allowed = _words(ctx.own_text) | _words(ctx.allowed_text)
    out_words = _words(text)
    out_grams = _ngrams(text, 5)
    own_grams = _ngrams(ctx.own_text, 5) | _ngrams(ctx.allowed_text, 5)
    for private in ctx.private_partner_texts:
        distinctive = {w for w in _words(private) if _distinctive(w)} - allowed
        hit = sorted(distinctive & out_words)
        if hit:
            return [Violation(NO_LEAK, f"uses the other partner's private words {hit[:3]}")]
        shared = (_ngrams(private, 5) & out_grams) - own_grams
        if shared:
            phrase = " ".join(sorted(shared)[0])
            return [Violation(NO_LEAK, f"repeats the other partner's private text {phrase!r}")]
    return []


def _ipv(output: Output, ctx: GuardContext) -> list[Violation]:
    if ctx.individual_only and not set(ctx.risk_categories) & DANGER_FROM_OTHERS:
        match = _JOINT.search(output.all_text)
        return [Violation(IPV_RULES, f"suggests joint work: {match.group(0)!r}")] if match else []
    if not set(ctx.risk_categories) & DANGER_FROM_OTHERS:
        return []
    found: list[Violation] = []
    if output.kind != "safety":
        found.append(Violation(IPV_RULES, f"a {output.kind} answer where the partner is a danger"))
    match = _JOINT.search(output.all_text)
    if match:
        found.append(Violation(IPV_RULES, f"suggests joint work: {match.group(0)!r}"))
    return found


def _safety_first(output: Output, ctx: GuardContext) -> list[Violation]:
    if not ctx.risk_level.at_least(RiskLevel.ELEVATED):
        return []
    if output.kind != "safety":
        return [Violation(SAFETY_FIRST, f"{ctx.risk_level} risk answered with {output.kind}")]
    names = output.extra.get("resource_names", [])
    missing = [n for n in ctx.resource_names if n not in names]
    if ctx.resource_names and missing:
        return [Violation(SAFETY_FIRST, f"resources missing: {missing[:2]}")]
    if ctx.risk_level == RiskLevel.URGENT and output.citations:
        return [Violation(SAFETY_FIRST, "urgent answers carry nothing but the safety response")]
    return []


def _length(output: Output) -> list[Violation]:
    found: list[Violation] = []
    if len(output.title) > MAX_TITLE:
        found.append(Violation(LENGTH, f"title has {len(output.title)} > {MAX_TITLE} chars"))
    limit = MAX_CHAT if output.kind == "chat" else MAX_FIELD
    found += [
        Violation(LENGTH, f"a field has {len(t)} > {limit} chars")
        for t in output.texts
        if len(t) > limit
    ]
    found += [
        Violation(LENGTH, f"a step has {len(s)} > {MAX_STEP} chars")
        for s in output.steps
        if len(s) > MAX_STEP
    ]
    if len(output.all_text) > MAX_TOTAL:
        found.append(Violation(LENGTH, f"{len(output.all_text)} > {MAX_TOTAL} chars in all"))
    return found


def _structure(output: Output) -> list[Violation]:
    if output.kind == "chat":
        return [] if output.all_text.strip() else [Violation(STRUCTURE, "empty answer")]
    if output.kind == "coaching":
        found = []
        if not 2 <= len(output.steps) <= 4:
            found.append(Violation(STRUCTURE, f"{len(output.steps)} steps (want 2-4)"))
        if not output.title.strip() or not any(t.strip() for t in output.texts):
            found.append(Violation(STRUCTURE, "missing title or explanation"))
        return found
    return []


def _words(text: str) -> set[str]:
    return {w.lower().strip("'’-") for w in _WORD.findall(text)}


def _ngrams(text: str, n: int) -> set[tuple[str, ...]]:
    words = [w.lower() for w in _WORD.findall(text)]
    return {tuple(words[i : i + n]) for i in range(len(words) - n + 1)}


# Contractions are grammar, not content: "haven't" in the other partner's note and in a
# composed question is no leak. A possessive keeps its stem's weight ("gregor's" is a name).
_CONTRACTION_ENDINGS = frozenset({"t", "re", "ve", "ll", "d", "m"})


def _distinctive(word: str) -> bool:
    """Words too rare to turn up by chance: names, places, hobbies, private details."""
    stem, apostrophe, ending = word.replace("’", "'").partition("'")
    if apostrophe and ending in _CONTRACTION_ENDINGS:
        return False
    if apostrophe and ending == "s":
        word = stem
    return len(word) >= 4 and word not in _common_words()


@lru_cache(maxsize=1)
def _common_words() -> frozenset[str]:
    return frozenset(_load_common_words())


def _load_common_words() -> Iterable[str]:
    from service.coaching.vocabulary import common_words

    return common_words()
