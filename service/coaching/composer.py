"""The offline composer: a deterministic, grounded tip from retrieved cards (``backend: offline``).

It selects and arranges the cards' own steps and wording; it never invents advice the cards do
not hold, and never presents itself as an AI model.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Any

from service.coaching.guard import safe_to_echo, suggests_joint_work
from service.coaching.resources import LocaleResources
from service.retrieval.search import RetrievedCard
from service.taxonomy import SAFETY_CONTRAINDICATED, RiskLevel

BACKEND = "offline"
PROMPT_VERSION = "offline-composer-1"

# Plain-language names for what the classifier saw; never a diagnosis of anyone.
PATTERN_PHRASES = {
    "criticism": "complaints turning into 'you always / you never'",
    "contempt": "sarcasm or eye-rolling creeping in",
    "defensiveness": "conversations turning into defending yourselves",
    "stonewalling": "one of you shutting down or walking away",
    "technoference": "screens crowding into your time together",
    "turning_away": "small reaches for attention going unanswered",
    "emotional_distance": "feeling more like roommates than partners",
    "conflict_escalation": "arguments that escalate without repair",
    "conflict_avoidance": "hard topics left unsaid",
    "intimacy_decline": "affection and touch fading",
    "secrecy": "things being kept out of view",
    "codependency": "carrying your partner's moods as your own",
    "appreciation": "the appreciation you noticed",
    "repair": "the way you found your way back",
    "shared_ritual": "a ritual you're keeping alive",
    "vulnerability": "the openness you showed",
    "responsiveness": "the way you turned toward each other",
}
BURNOUT_PHRASES = {
    "irritability_or_numbness": "running on empty or on a short fuse",
    "resentment_at_requests": "small requests feeling like too much",
    "withdrawal_from_shared_activities": "pulling back from things you used to do together",
    "sleep_disruption": "sleep getting broken",
    "loss_of_humor": "the laughter going quiet",
    "escape_fantasies": "daydreams of getting away",
    "touched_out": "feeling touched-out and overwhelmed",
}
_OPENERS = (
    "From what you shared, {seen} seems to be part of today.",
    "It sounds like {seen} is in the mix right now.",
    "Reading your check-in, {seen} stands out.",
    "What you describe points to {seen}.",
    "There's a thread of {seen} in what you wrote.",
)
_ECHOES = (
    'You wrote "{quote}".',
    'You mentioned "{quote}".',
    'In your words: "{quote}".',
)
_CONFLICT = frozenset(
    {"criticism", "contempt", "defensiveness", "stonewalling", "conflict_escalation",
     "turning_away", "conflict_avoidance", "secrecy"}
)  # fmt: skip
_PARTNER_VIEWS = (
    "Your partner may remember this differently, perhaps feeling criticised or worn out "
    'themselves. A repair can be as simple as: "I think we both got hurt there; can we try '
    'again?"',
    "There is probably a version of this evening in which your partner also felt unheard. "
    "Starting with what you might each have needed makes a repair easier than deciding who "
    "was right.",
    "Your partner is likely to have their own side of this, and it may be about stress rather "
    "than about you. Try opening with one thing you appreciate before the thing you need.",
)
_STAGE_NOTES = {
    "early": "Early on, small habits you start now tend to become how you do things as a couple.",
    "long_term": "After years together, small routines are easy to drop and quick to bring back.",
}
_NEUTRAL_OPENERS = (
    "Thanks for checking in. Small, steady habits keep a connection strong.",
    "Thanks for taking a moment to check in; here is one small thing to build on.",
    "Checking in is itself a good habit. Here is one idea that fits today.",
)
_LOW_SCORE = "You rated {what} low today, so keep this small and gentle."
_QUESTIONS = (
    "What is one small thing I could do this week that would help you feel closer?",
    "When did you last feel really close to me, and what were we doing?",
    "How can I make it easier for you to tell me what you need?",
    "What has been the hardest part of your week, and what would help with it?",
    "Is there something you've been wanting to tell me but haven't found the moment for?",
)


@dataclass(frozen=True)
class ComposedTip:
    kind: str  # "coaching" | "safety"
    title: str
    body: dict[str, Any]
    citations: list[str]
    backend: str = BACKEND
    prompt_version: str = PROMPT_VERSION
    notes: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class TipInput:
    checkin_id: str
    mood: int | None
    connection: int | None
    risk_level: RiskLevel
    risk_categories: list[str]
    patterns: list[str]
    burnout_signals: list[str]
    cards: list[RetrievedCard]
    resources: LocaleResources
    third_party: bool = False
    quotes: tuple[str, ...] = ()  # the writer's own words behind the patterns seen
    stage: str | None = None  # early | mid | long_term
    seeks_verdict: bool = False  # "who's right here?": answer without taking sides
    # A home- or child-safety question is open: steps for the writer alone, nothing joint.
    individual_only: bool = False
    # A safety question goes with this tip: no second, generic check-in question.
    asks_safety: bool = False


def _pick(options: tuple[str, ...], seed: str, salt: str) -> str:
    digest = hashlib.sha256(f"{seed}:{salt}".encode()).digest()
    return options[digest[0] % len(options)]


def compose(tip: TipInput) -> ComposedTip:
    """The partner-facing response for one check-in."""
    categories = set(tip.risk_categories)
    if tip.risk_level == RiskLevel.URGENT:
        return _urgent(tip)
    if tip.risk_level == RiskLevel.ELEVATED:
        return _elevated(tip, categories)
    return _coaching(tip)


def _urgent(tip: TipInput) -> ComposedTip:
    res = tip.resources
    lines = []
    if res.emergency_number:
        lines.append(f"If you are in danger right now, call {res.emergency_number}.")
    crisis = res.domestic_violence if _danger_from_others(tip) else res.crisis
    secondary = res.crisis if _danger_from_others(tip) else res.domestic_violence
    body = {
        "message": "Your safety matters most right now. Please reach out for help immediately.",
        "emergency": lines,
        "resources": [r.as_dict() for r in (*crisis, *secondary)],
        "locale_resources": res.code,
        "coach_alerted": True,
    }
    return ComposedTip("safety", "Please get help now", body, [])


def _danger_from_others(tip: TipInput) -> bool:
    return bool(set(tip.risk_categories) & {"partner_violence", "coercive_control", "child_safety"})


def resource_block(tip: TipInput) -> tuple[str, dict[str, Any]]:
    """Title and body of an elevated-risk response: the locale's resources come first."""
    res = tip.resources
    categories = set(tip.risk_categories)
    if categories & {str(c) for c in SAFETY_CONTRAINDICATED} or "child_safety" in categories:
        resources = [*res.domestic_violence, *res.crisis]
        title = "Your safety comes first"
        message = (
            "What you describe sounds frightening, and it is not your fault. You deserve to be "
            "safe. People at the services below are trained for exactly this and can help you "
            "think through options at your own pace."
        )
    else:
        resources = [*res.crisis, *res.domestic_violence]
        title = "You don't have to carry this alone"
        message = (
            "It sounds like things feel very heavy right now. Talking to someone today can help; "
            "the people at the services below are there to listen, any time."
        )
    body: dict[str, Any] = {
        "message": message,
        "emergency": [f"In an emergency call {res.emergency_number}."]
        if res.emergency_number
        else [],
        "resources": [r.as_dict() for r in resources],
        "steps": [],
        "locale_resources": res.code,
        "coach_alerted": True,
    }
    return title, body


def _elevated(tip: TipInput, categories: set[str]) -> ComposedTip:
    safe_cards = [c for c in tip.cards if not set(c.contraindications) & categories]
    # Individual steps only: nothing here may involve the partner.
    steps = [s for card in safe_cards[:2] for s in card.steps if not suggests_joint_work(s)][:3]
    safe_cards = [c for c in safe_cards[:2] if any(s in c.steps for s in steps)]
    title, body = resource_block(tip)
    body["steps"] = steps
    return ComposedTip("safety", title, body, [c.id for c in safe_cards])


def _coaching(tip: TipInput) -> ComposedTip:
    if not tip.cards and tip.individual_only:
        alone: dict[str, Any] = {
            "why": "Thank you for checking in. Here is one small thing just for you.",
            "steps": ["Take ten minutes today for something that steadies you, on your own terms."],
            "tonight": "Take ten minutes for something that steadies you.",
        }
        return ComposedTip("coaching", "A moment for yourself", alone, [], notes=["no cards"])
    if not tip.cards:
        fallback: dict[str, Any] = {
            "why": "We could not find a strategy that fits this check-in well, so here is a simple one.",
            "steps": [
                "Tonight, ask your partner about the best moment of their day and just listen."
            ],
            "tonight": "Ask about the best moment of their day, and just listen.",
        }
        return ComposedTip(
            "coaching", "One small moment of connection", fallback, [], notes=["no cards"]
        )
    main, *others = fitting_first(tip.cards, {*tip.patterns, *tip.burnout_signals})
    seen = [PATTERN_PHRASES[p] for p in tip.patterns if p in PATTERN_PHRASES]
    seen += [BURNOUT_PHRASES[b] for b in tip.burnout_signals if b in BURNOUT_PHRASES]
    if seen:
        why = _pick(_OPENERS, tip.checkin_id, "open").format(seen=_join(seen[:2]))
    else:
        why = _pick(_NEUTRAL_OPENERS, tip.checkin_id, "open")
    quote = next((q for q in tip.quotes if 8 <= len(q) <= 90 and safe_to_echo(q)), None)
    if quote:
        why = _pick(_ECHOES, tip.checkin_id, "echo").format(quote=quote) + " " + why
    if tip.individual_only:
        return _individual(tip, why, main, others)
    why += f" {main.summary}"
    if tip.stage in _STAGE_NOTES:
        why += " " + _STAGE_NOTES[tip.stage]
    low = [
        name
        for name, v in (("your mood", tip.mood), ("your connection", tip.connection))
        if v and v <= 2
    ]
    if low:
        why += " " + _LOW_SCORE.format(what=" and ".join(low))
    # The best card leads; the runner-up adds one step, so the partner sees two angles.
    steps = list(main.steps[:2] if others and others[0].steps else main.steps[:3])
    citations = [main.id]
    if others and others[0].steps and others[0].steps[0] not in steps:
        steps.append(others[0].steps[0])
        citations.append(others[0].id)
    body: dict[str, Any] = {
        "why": why,
        "steps": steps[:4],
        "tonight": steps[0],
        "question": _pick(_QUESTIONS, tip.checkin_id, "question"),
    }
    if tip.seeks_verdict:
        body["partner_view"] = (
            "I only hear your side, so I won't say who is right; that rarely helps anyway. "
            + _pick(_PARTNER_VIEWS, tip.checkin_id, "view")
        )
    elif set(tip.patterns) & _CONFLICT:
        body["partner_view"] = _pick(_PARTNER_VIEWS, tip.checkin_id, "view")
    if main.evidence:
        ev = main.evidence[0]
        body["evidence"] = f"{ev.get('claim', '')} ({ev.get('source', '')})"
    _care(tip, body)
    return ComposedTip("coaching", main.title, body, citations)


def _care(tip: TipInput, body: dict[str, Any]) -> None:
    """At concern: a gentle check-in question (unless a safety question asks it directly)
    and the locale's resources."""
    if tip.risk_level != RiskLevel.CONCERN:
        return
    if not tip.asks_safety:
        body["check_in_question"] = (
            "How are you holding up, really? Would it help to talk to someone?"
        )
    offered = list(tip.resources.crisis)
    if tip.third_party or tip.individual_only:
        offered += tip.resources.domestic_violence
    body["resources"] = [r.as_dict() for r in offered]


def _individual(
    tip: TipInput, why: str, main: RetrievedCard, others: list[RetrievedCard]
) -> ComposedTip:
    """Coaching for the writer alone: only steps that involve nobody else."""
    # Like the couple's tip: two steps from the best card, one from the runner-up (two angles),
    # but only steps for the writer alone.
    alone = [(c, [s for s in c.steps if not suggests_joint_work(s)]) for c in [main, *others]]
    alone = [(c, steps) for c, steps in alone if steps]
    chosen = [(c, s) for c, steps in alone[:1] for s in steps[:2]]
    chosen += [(c, steps[0]) for c, steps in alone[1:2]]
    if not chosen:
        body: dict[str, Any] = {
            "why": "Thank you for checking in. Here is one small thing just for you.",
            "steps": ["Take ten minutes today for something that steadies you, on your own terms."],
        }
        body["tonight"] = body["steps"][0]
        _care(tip, body)
        return ComposedTip("coaching", "A moment for yourself", body, [], notes=["no cards"])
    steps = [s for _, s in chosen]
    citations = list(dict.fromkeys(c.id for c, _ in chosen))
    lead = chosen[0][0]
    if suggests_joint_work(why):  # an echoed quote or a phrase that points at both of them
        why = "Thank you for telling me how things are."
    if not suggests_joint_work(lead.summary):
        why += f" {lead.summary}"
    body = {"why": why, "steps": steps, "tonight": steps[0]}
    _care(tip, body)
    return ComposedTip("coaching", chosen[0][0].title, body, citations)


def fitting_first(cards: list[RetrievedCard], detected: set[str]) -> list[RetrievedCard]:
    """Retrieval order, but cards written for what the classifier saw come first, strategies
    among them before the rest (the cards a tip must cite one of: grounding.on_point_ids)."""

    def rank(card: RetrievedCard) -> int:
        if not {*card.patterns, *card.burnout_signals} & detected:
            return 2
        return 0 if card.kind == "strategy" else 1

    return sorted(cards, key=rank)


def _join(items: list[str]) -> str:
    return items[0] if len(items) == 1 else f"{items[0]} and {items[1]}"
