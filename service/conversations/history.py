"""Reading the memory window and folding older turns into the rolling summary."""

from __future__ import annotations

import uuid

from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from service.conversations.memory import WINDOW, Turn, fold
from service.persistence.models import Conversation, Message

_STILL_SAFE = text(
    "SELECT id FROM knowledge_cards"
    " WHERE id = ANY(CAST(:ids AS text[])) AND NOT (contraindications && CAST(:blocked AS text[]))"
)


def load_history(session: Session, conversation_id: uuid.UUID, summarized_upto: int) -> list[Turn]:
    rows = session.scalars(
        select(Message)
        .where(Message.conversation_id == conversation_id, Message.seq > summarized_upto)
        .order_by(Message.seq.desc())
        .limit(WINDOW)
    )
    return [Turn(m.seq, m.role, m.content, tuple(m.citations)) for m in reversed(list(rows))]


def cited_earlier(
    session: Session, conversation_id: uuid.UUID, blocked: frozenset[str] | set[str]
) -> frozenset[str]:
    """Cards cited by earlier answers in this conversation that are still safe to cite now.

    A model that sees its earlier answers (and the summary's "Coach suggested: …") refers back
    to those cards; they were retrieved and checked for this conversation, so citing them again
    is grounded — unless what the partner has said since blocks them (a contraindication)."""
    cited = {
        card
        for row in session.scalars(
            select(Message.citations).where(
                Message.conversation_id == conversation_id, Message.role == "assistant"
            )
        )
        for card in row or ()
    }
    if not cited:
        return frozenset()
    rows = session.scalars(_STILL_SAFE, {"ids": sorted(cited), "blocked": sorted(blocked)})
    return frozenset(rows)


def roll_summary(session: Session, conversation_id: uuid.UUID) -> None:
    """Fold turns that left the memory window into the conversation's rolling summary."""
    conversation = session.get(Conversation, conversation_id, with_for_update=True)
    if conversation is None:
        return
    last = (
        session.scalar(
            select(func.max(Message.seq)).where(Message.conversation_id == conversation_id)
        )
        or 0
    )
    upto = last - WINDOW
    if upto <= conversation.summarized_upto:
        return
    older = session.scalars(
        select(Message)
        .where(
            Message.conversation_id == conversation_id,
            Message.seq > conversation.summarized_upto,
            Message.seq <= upto,
        )
        .order_by(Message.seq)
    )
    turns = [Turn(m.seq, m.role, m.content, tuple(m.citations)) for m in older]
    conversation.summary = fold(conversation.summary, turns)
    conversation.summarized_upto = upto
