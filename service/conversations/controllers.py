"""HTTP endpoints for chat: JSON by default, Server-Sent Events for ``text/event-stream``."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from typing import Any

import anyio
from litestar import Controller, Request, Response, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, JSONBody
from litestar.response import ServerSentEvent
from litestar.response.sse import ServerSentEventMessage
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy.orm import Session

from service.accounts.callers import Caller
from service.api.auth import Call
from service.api.fields import words
from service.api.openapi import problems
from service.checkins.controllers import LOCALE_PATTERN
from service.conversations.chat import MAX_MESSAGE, ChatEngine
from service.conversations.service import Conversations, conversation_view
from service.conversations.turn import ChatEvent
from service.persistence.models import User


class ConversationBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

    locale: str | None = Field(default=None, pattern=LOCALE_PATTERN, max_length=16)


class MessageBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

    text: words(MAX_MESSAGE)  # type: ignore[valid-type]


class ConversationController(Controller):
    path = "/v1/conversations"
    tags = ["chat"]  # noqa: RUF012

    @post("/", status_code=201, opt=problems({403: "Only partners chat."}))
    async def create(
        self,
        call: NamedDependency[Call],
        data: JSONBody[ConversationBody | None] = None,
    ) -> Response[dict[str, Any]]:
        """Start a conversation (private to the caller)."""

        def start(session: Session, user: User) -> dict[str, Any]:
            conversation = Conversations(session).create(user, locale=data.locale if data else None)
            return conversation_view(conversation, [])

        body = await call.run(start)
        return Response(
            body, status_code=201, headers={"Location": f"/v1/conversations/{body['id']}"}
        )

    @get("/{conversation_id:uuid}")
    async def read(
        self,
        conversation_id: FromPath[uuid.UUID],
        call: NamedDependency[Call],
    ) -> dict[str, Any]:
        """The conversation with all its messages."""

        def view(session: Session, user: User) -> dict[str, Any]:
            user = user
            conversations = Conversations(session)
            conversation = conversations.get(user, conversation_id)
            return conversation_view(conversation, conversations.messages(user, conversation_id))

        return await call.run(view)

    @post("/{conversation_id:uuid}/messages", status_code=200)
    async def send(
        self,
        request: Request[Any, Any, Any],
        conversation_id: FromPath[uuid.UUID],
        data: JSONBody[MessageBody],
        chat: NamedDependency[ChatEngine],
        caller: NamedDependency[Caller],
        token: NamedDependency[str | None],
    ) -> Response[Any]:
        """Send a message; the answer streams as SSE when the client accepts it, else JSON."""
        # A chat turn embeds the message and may call a model: CPU-bound and blocking, so it
        # runs in a worker thread on the sync engine (the caller was resolved above, async).
        turn = await anyio.to_thread.run_sync(chat.prepare, token, conversation_id, data.text)
        events = chat.run(turn)
        if "text/event-stream" in request.headers.get("accept", ""):
            # Litestar iterates a sync generator in a thread, one event at a time.
            return ServerSentEvent(_sse(events), headers={"Cache-Control": "no-store"})
        return Response(await anyio.to_thread.run_sync(_collect, events))


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
