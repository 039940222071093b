"""The caller's own bearer tokens: list, create (shown once), revoke."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Annotated, Any

from litestar import Controller, Request, delete, get, post
from litestar.di import NamedDependency
from litestar.params import Body, FromPath
from pydantic import BaseModel, ConfigDict
from sqlalchemy.orm import Session

from service.accounts.tokens import MAX_NAME, MAX_TOKENS_PER_USER, Tokens, token_view
from service.api.auth import Call
from service.api.fields import level, words
from service.api.openapi import problems
from service.persistence.models import User

TokenName = words(MAX_NAME, description="What it is for (a device, a script), shown in lists.")


class NewTokenBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: TokenName  # type: ignore[valid-type]
    # Days until it stops working; omitted or null: until revoked.
    expires_in_days: level(1, 3650) | None = None  # type: ignore[valid-type]


class TokenController(Controller):
    path = "/v1/me/tokens"
    tags = ["me"]  # noqa: RUF012

    @get("/")
    async def list_tokens(self, call: NamedDependency[Call]) -> dict[str, Any]:
        """Your tokens, newest first: id, name, created_at, expires_at, last_used_at (to the
        hour), whether it has expired, and `current: true` for the one this request carries.
        Never a token itself."""
        current = call.caller.token_id

        def read(session: Session, user: User) -> dict[str, Any]:
            rows = Tokens(session).owned_by(user.id)
            return {"items": [token_view(r, current_id=current) for r in rows]}

        return await call.run(read)

    @post(
        "/",
        status_code=201,
        opt=problems({409: f"You hold {MAX_TOKENS_PER_USER} tokens already; revoke one first."}),
    )
    async def create_token(
        self, call: NamedDependency[Call], data: Annotated[NewTokenBody, Body()]
    ) -> dict[str, Any]:
        """A new token for you (another device or script). `token` is shown in this answer
        only; keep it safe."""
        days = data.expires_in_days
        lifetime = timedelta(days=days) if days is not None else None

        def issue(session: Session, user: User) -> dict[str, Any]:
            issued = Tokens(session).issue(user.id, name=data.name, lifetime=lifetime)
            return {**token_view(issued.row), "token": issued.token}

        return await call.run(issue)

    @delete("/{token_id:uuid}", status_code=204)
    async def revoke_token(
        self,
        request: Request[Any, Any, Any],
        call: NamedDependency[Call],
        token_id: FromPath[uuid.UUID],
    ) -> None:
        """Revoke one of your tokens (this one too, if you name it): it stops working at once
        on this server, and within AUTH_CACHE_TTL_SECONDS (10 s by default) on every other API
        process. A token that is not yours is not found."""
        token_hash = await call.run(
            lambda session, user: Tokens(session).revoke(token_id, user_id=user.id)
        )
        request.app.state.callers.forget_token(token_hash)
