"""Safety questions in chat: the next message read as the answer, and a question asked.

A question asked in a conversation is answered by the partner's next message when that
message is an answer ("yes", "nein", "non", "prefer not to say"...); the message is still
read like any other, so "no, but he hit me yesterday" records the "no" and escalates on what
it says. See ``service/safety_questions/service.py`` for what an answer does.
"""

from __future__ import annotations

import uuid

from sqlalchemy import select
from sqlalchemy.orm import Session

from service.classify.classifier import ClassificationResult
from service.coaching.resources import LocaleResources
from service.persistence.models import Conversation, Message, SafetyQuestion, User
from service.safety_questions.service import (
    AnswerOutcome,
    AskingConfig,
    SafetyQuestions,
    ask_request,
    question_view,
)
from service.safety_questions.wording import parse_answer
from service.taxonomy import RiskLevel


def read_answer(
    session: Session, asking: AskingConfig, caller: User, conversation: Conversation, text: str
) -> AnswerOutcome | None:
    """The message as the answer to the question open in this conversation, if it is one."""
    answer = parse_answer(text)
    if answer is None:
        return None
    question = session.scalar(
        select(SafetyQuestion)
        .join(Message, Message.id == SafetyQuestion.message_id)
        .where(
            SafetyQuestion.user_id == caller.id,
            SafetyQuestion.status == "open",
            Message.conversation_id == conversation.id,
        )
    )
    if question is None:
        return None
    return asking.service(session).answer(caller, question.id, answer, note=text)


def escalated_level(outcome: AnswerOutcome | None) -> RiskLevel | None:
    """The level a "yes" raised the conversation to (None: no escalation from the answer)."""
    esc = outcome.escalation if outcome else None
    if esc is None or esc.severity not in ("elevated", "urgent"):
        return None
    return RiskLevel(esc.severity)


def ask_in_chat(
    session: Session,
    asking: AskingConfig,
    caller: User,
    reading: ClassificationResult,
    *,
    message_id: uuid.UUID,
    locale: str,
    resources: LocaleResources,
) -> dict[str, object] | None:
    """Open a question for an uncertain message; its view for the reply, or None."""
    if not reading.ask_safety or reading.ask_kind is None:
        return None
    question = asking.service(session).maybe_ask(
        caller, ask_request(reading), locale=locale, message_id=message_id
    )
    return question_view(question, resources) if question is not None else None


def home_question_open(session: Session, user_id: uuid.UUID) -> bool:
    """A home- or child-safety question of this partner is waiting for an answer."""
    question = SafetyQuestions(session).open_question(user_id)
    return question is not None and question.kind != "self_harm"
