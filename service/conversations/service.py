"""Conversations, always scoped to the partner who owns them."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from service.errors import ForbiddenError, NotFoundError
from service.persistence.models import Conversation, Message, User


class Conversations:
    def __init__(self, session: Session) -> None:
        self.session = session

    def create(self, caller: User, *, locale: str | None = None) -> Conversation:
        if caller.role != "partner":
            raise ForbiddenError("only partners chat")
        conversation = Conversation(
            user_id=caller.id,
            couple_id=caller.couple_id,
            locale=locale or caller.locale,
            summarized_upto=0,
        )
        self.session.add(conversation)
        self.session.flush()
        return conversation

    def get(self, caller: User, conversation_id: uuid.UUID) -> Conversation:
        """The caller's own conversation; anyone else's is 'not found' (no existence leak)."""
        conversation = self.session.scalar(
            select(Conversation).where(
                Conversation.id == conversation_id, Conversation.user_id == caller.id
            )
        )
        if conversation is None:
            raise NotFoundError("conversation not found")
        return conversation

    def messages(self, caller: User, conversation_id: uuid.UUID) -> list[Message]:
        conversation = self.get(caller, conversation_id)
        return list(
            self.session.scalars(
                select(Message)
                .where(Message.conversation_id == conversation.id)
                .order_by(Message.seq)
            )
        )


def conversation_view(conversation: Conversation, messages: list[Message]) -> dict[str, Any]:
    return {
        "id": str(conversation.id),
        "locale": conversation.locale,
        "created_at": conversation.created_at.isoformat(),
        "messages": [message_view(m) for m in messages],
        "links": {"messages": f"/v1/conversations/{conversation.id}/messages"},
    }


def message_view(m: Message) -> dict[str, Any]:
    return {
        "id": str(m.id),
        "seq": m.seq,
        "role": m.role,
        "kind": m.kind,
        "content": m.content,
        "citations": m.citations,
        "backend": m.backend,
        "prompt_version": m.prompt_version,
        "created_at": m.created_at.isoformat(),
    }
