"""HTTP endpoints for chat: JSON by default, Server-Sent Events for ``text/event-stream``."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from typing import Any

from litestar import Controller, Request, Response, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, JSONBody
from litestar.response import ServerSentEvent
from litestar.response.sse import ServerSentEventMessage
from pydantic import BaseModel, ConfigDict, Field

from service.accounts.service import Accounts
from service.checkins.controllers import LOCALE_PATTERN
from service.conversations.chat import MAX_MESSAGE, ChatEngine
from service.conversations.service import Conversations, conversation_view
from service.conversations.turn import ChatEvent
from service.lib.db import Database


class ConversationBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

    locale: str | None = Field(default=None, pattern=LOCALE_PATTERN, max_length=16)


class MessageBody(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    text: str = Field(min_length=1, max_length=MAX_MESSAGE)


class ConversationController(Controller):
    path = "/v1/conversations"
    tags = ["chat"]  # noqa: RUF012

    @post("/", status_code=201, sync_to_thread=True)
    def create(
        self,
        db: NamedDependency[Database],
        token: NamedDependency[str | None],
        data: JSONBody[ConversationBody | None] = None,
    ) -> Response[dict[str, Any]]:
        """Start a conversation (private to the caller)."""
        with db.unit_of_work() as session:
            caller = Accounts(session).authenticate(token)
            conversation = Conversations(session).create(
                caller, locale=data.locale if data else None
            )
            body = conversation_view(conversation, [])
        return Response(
            body, status_code=201, headers={"Location": f"/v1/conversations/{body['id']}"}
        )

    @get("/{conversation_id:uuid}", sync_to_thread=True)
    def read(
        self,
        conversation_id: FromPath[uuid.UUID],
        db: NamedDependency[Database],
        token: NamedDependency[str | None],
    ) -> dict[str, Any]:
        """The conversation with all its messages."""
        with db.unit_of_work() as session:
            caller = Accounts(session).authenticate(token)
            conversations = Conversations(session)
            conversation = conversations.get(caller, conversation_id)
            return conversation_view(conversation, conversations.messages(caller, conversation_id))

    @post("/{conversation_id:uuid}/messages", status_code=200, sync_to_thread=True)
    def send(
        self,
        request: Request[Any, Any, Any],
        conversation_id: FromPath[uuid.UUID],
        data: JSONBody[MessageBody],
        chat: NamedDependency[ChatEngine],
        token: NamedDependency[str | None],
    ) -> Response[Any]:
        """Send a message; the answer streams as SSE when the client accepts it, else JSON."""
        turn = chat.prepare(token, conversation_id, data.text)  # 4xx here, before any byte
        events = chat.run(turn)
        if "text/event-stream" in request.headers.get("accept", ""):
            return ServerSentEvent(_sse(events), headers={"Cache-Control": "no-store"})
        return Response(_collect(events))


def _sse(events: Iterator[ChatEvent]) -> Iterator[ServerSentEventMessage]:
    for event in events:
        yield ServerSentEventMessage(data=json.dumps(event.data), event=event.type)


def _collect(events: Iterator[ChatEvent]) -> dict[str, Any]:
    meta: dict[str, Any] = {}
    done: dict[str, Any] = {}
    for event in events:
        if event.type == "meta":
            meta = event.data
        elif event.type == "done":
            done = event.data
    return {**meta, **done}
