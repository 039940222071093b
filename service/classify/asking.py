"""When to ask the partner directly whether they are safe: one decision table.

A question is for a signal that is neither clearly absent nor clearly an escalation. The table
(docs/coaching.md shows it; tests/unit/test_asking.py tests each row), first matching row wins:

| row | reading | ask? | about |
|---|---|---|---|
| A1 | level `elevated` or `urgent` (escalated: the safety response answers it) | no | - |
| A2 | the rules found a risk category, or a hopelessness or fear cue, at `concern` | yes | that category (hopelessness: self-harm; fear: home safety, or a child's when the children are scared) |
| A3 | a probing or hypothetical question about what the service does with a disclosure | yes | the model's likeliest category |
| A4 | a defusing context and a present-danger cue, score in the ask band | yes | the model's likeliest category |
| A5 | a defusing context, and the text read without its defused sentences is in the ask band | yes | the model's likeliest category |
| A6 | no defusing context, calibrated score in the ask band | yes | the model's likeliest category |
| A7 | anything else: plain coaching, an idiom or a past with nothing left once it is set aside | no | - |
| A8 | (LLM backend, service/classify/combined.py row L6) the model alone reads `elevated`+ | yes | the model's category |

The ask band is [ask threshold, escalation threshold) on the calibrated probability of
`elevated` or worse; both thresholds come from one stated cost (``training.ask_thresholds``).
Asking does not change the risk level: the level is what was read, the question is what the
service does about an uncertain reading. Whether the partner is then really asked (one open question at a time, a quiet period after a
"no") is decided with their history in ``service/safety_questions``.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from service.safety import RiskAssessment
from service.safety.lexicons import ALL_RULES
from service.safety.rule import Kind
from service.taxonomy import RiskLevel

# Which question a risk category calls for.
KIND_OF_CATEGORY = {
    "self_harm": "self_harm",
    "partner_violence": "safety_at_home",
    "coercive_control": "safety_at_home",
    "child_safety": "child_safety",
}
# Concern cues the rules find that screening follows up with a direct question.
_CUE_KIND = {
    r.rule_id: ("child_safety" if "kids" in r.rule_id else "safety_at_home")
    if r.kind == Kind.FEAR
    else "self_harm"
    for r in ALL_RULES
    if r.kind in (Kind.HOPELESS, Kind.FEAR)
}
# The category of each rule, to ask about what a defused finding was about ("asking for a
# friend: what if someone wants to hurt themselves" asks about self-harm, not home safety).
_RULE_CATEGORY = {r.rule_id: str(r.category) for r in ALL_RULES if r.category is not None}
# When two kinds are read, ask about the one whose miss costs most.
KIND_ORDER = ("self_harm", "safety_at_home", "child_safety")


@dataclass(frozen=True)
class AskDecision:
    ask: bool
    kind: str | None
    row: str


def kind_for(categories: Iterable[str], category_scores: Sequence[tuple[str, float]] = ()) -> str:
    """The question to ask: from named categories first, else the model's likeliest one."""
    kinds = {KIND_OF_CATEGORY[c] for c in categories if c in KIND_OF_CATEGORY}
    for kind in KIND_ORDER:
        if kind in kinds:
            return kind
    ranked = sorted(category_scores, key=lambda cs: -cs[1])
    for category, _ in ranked:
        if category in KIND_OF_CATEGORY:
            return KIND_OF_CATEGORY[category]
    return "self_harm"


def decide_ask(
    level: RiskLevel,
    rules: RiskAssessment,
    *,
    score: float | None,
    rest_score: float | None,
    ask_threshold: float,
    escalate_threshold: float,
    category_scores: Sequence[tuple[str, float]] = (),
) -> AskDecision:
    """The table above. ``score``: the calibrated elevated+ probability of the whole text;
    ``rest_score``: the same for the text without its defused sentences (None: not read)."""

    def in_band(p: float | None) -> bool:
        return p is not None and ask_threshold <= p < escalate_threshold

    rule_cats = [str(c) for c in rules.categories]
    cues = [_CUE_KIND[e.rule] for e in rules.evidence if e.rule in _CUE_KIND]
    if level.at_least(RiskLevel.ELEVATED):
        return AskDecision(False, None, "A1")
    if rule_cats:
        return AskDecision(True, kind_for(rule_cats, category_scores), "A2")
    if cues:
        return AskDecision(True, next(k for k in KIND_ORDER if k in cues), "A2")
    probing = any(s.kind == "probing" for s in rules.defusing)
    # what the defused findings were about comes before the model's guess
    defused = [_RULE_CATEGORY[s.rule] for s in rules.defusing if s.rule in _RULE_CATEGORY]
    if probing:
        return AskDecision(True, kind_for(defused, category_scores), "A3")
    if rules.defusing:
        if rules.present_danger and score is not None and score >= ask_threshold:
            return AskDecision(True, kind_for(defused, category_scores), "A4")
        if in_band(rest_score) or (rest_score is not None and rest_score >= escalate_threshold):
            return AskDecision(True, kind_for((), category_scores), "A5")
        return AskDecision(False, None, "A7")
    if in_band(score):
        return AskDecision(True, kind_for((), category_scores), "A6")
    return AskDecision(False, None, "A7")


def rules_ask(rules: RiskAssessment) -> AskDecision:
    """The table for the rules alone (no model score: rows A1–A3 and A7)."""
    return decide_ask(
        rules.level, rules, score=None, rest_score=None, ask_threshold=1.0, escalate_threshold=1.0
    )
