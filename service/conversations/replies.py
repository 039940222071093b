"""Replies that need no model: the offline chat answer and the safety reply."""

from __future__ import annotations

import hashlib

from service.coaching.composer import (
    BURNOUT_PHRASES,
    PATTERN_PHRASES,
    TipInput,
    fitting_first,
)
from service.coaching.guard import suggests_joint_work
from service.conversations.turn import PreparedTurn

OFFLINE_VERSION = "offline-chat-1"
_OPENERS = (
    "Thanks for telling me.",
    "That sounds like a lot to hold.",
    "I hear you.",
    "It makes sense that this is on your mind.",
)
_QUESTIONS = (
    "What feels like the smallest step you could take this week?",
    "How do you think your partner would describe the same moment?",
    "What would help you feel a little more connected right now?",
)
CARE = "How are you holding up, really? If it would help to talk to someone, the services below are there."


# While a home- or child-safety question is open: nothing that involves the other partner.
_ALONE_QUESTION = "What would help you feel a little steadier this week?"


def offline_reply(turn: PreparedTurn) -> tuple[str, list[str]]:
    """A deterministic, grounded reply from the best card (``backend: offline``)."""
    seed = hashlib.sha256(str(turn.message_id).encode()).digest()
    opener = _OPENERS[seed[0] % len(_OPENERS)]
    question = _QUESTIONS[seed[1] % len(_QUESTIONS)]
    if not turn.cards:
        return f"{opener} Could you tell me a bit more about what happened and how it felt?", []
    detected = set(turn.patterns)
    if turn.guard.individual_only:
        return _individual_reply(turn, opener, detected)
    card = fitting_first(turn.cards, detected)[0]
    seen = [PATTERN_PHRASES[p] for p in turn.patterns if p in PATTERN_PHRASES]
    seen += [BURNOUT_PHRASES[b] for b in turn.patterns if b in BURNOUT_PHRASES]
    reflection = f" It sounds like {seen[0]} is part of this." if seen else ""
    step = card.steps[0] if card.steps else card.summary
    idea = f"One idea from “{card.title}”: {step[0].lower()}{step[1:]}"
    reply = f"{opener}{reflection} {idea} {question}"
    return reply, [card.id]


def _individual_reply(turn: PreparedTurn, opener: str, detected: set[str]) -> tuple[str, list[str]]:
    for card in fitting_first(turn.cards, detected):
        step = next((s for s in card.steps if not suggests_joint_work(s)), None)
        if step:
            idea = f"One idea from “{card.title}”: {step[0].lower()}{step[1:]}"
            return f"{opener} {idea} {_ALONE_QUESTION}", [card.id]
    return f"{opener} Could you tell me a bit more about how you are doing?", []


def safety_reply(turn: PreparedTurn) -> str:
    res = turn.resources
    first = (
        f"If you are in danger right now, call {res.emergency_number}. "
        if res.emergency_number
        else ""
    )
    if turn.plan.danger_from_partner or "child_safety" in turn.plan.categories:
        return (
            f"{first}What you describe sounds frightening, and it is not your fault. The services "
            "below can help you think through options safely, at your own pace. A coach from our "
            "team has been alerted."
        )
    return (
        f"{first}I'm really glad you told me. You don't have to carry this alone: please reach "
        "out to one of the services below now. A coach from our team has been alerted."
    )


def tip_input(turn: PreparedTurn) -> TipInput:
    return TipInput(
        checkin_id=str(turn.message_id),
        mood=None,
        connection=None,
        risk_level=turn.plan.risk_level,
        risk_categories=list(turn.plan.categories),
        patterns=[],
        burnout_signals=[],
        cards=[],
        resources=turn.resources,
    )
