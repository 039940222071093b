"""What one chat turn carries from preparation (before any byte is sent) to the answer."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import Any

from service.coaching.guard import GuardContext
from service.coaching.policy import ResponsePlan
from service.coaching.resources import LocaleResources
from service.conversations.memory import Turn
from service.retrieval.search import RetrievedCard


@dataclass(frozen=True)
class ChatEvent:
    type: str  # meta | delta | replace | done
    data: dict[str, Any]


@dataclass
class PreparedTurn:
    conversation_id: uuid.UUID
    message_id: uuid.UUID
    seq: int
    text: str
    plan: ResponsePlan
    cards: list[RetrievedCard]
    resources: LocaleResources
    guard: GuardContext
    history: list[Turn]
    summary: str | None
    patterns: list[str] = field(default_factory=list)  # patterns and burnout signals read
    prompt_messages: list[dict[str, str]] | None = None
    escalation_id: uuid.UUID | None = None
    attempts: list[dict[str, Any]] = field(default_factory=list)
    safety_question: dict[str, Any] | None = None  # asked with this reply
    answered: dict[str, Any] | None = None  # this message answered a question: {id, answer}
    acknowledgement: str | None = None  # what a "no" or "prefer not" reads back
