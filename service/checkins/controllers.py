"""HTTP endpoints for check-ins (HTTP types stay here; the domain lives in service.py)."""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from litestar import Controller, Request, Response, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, JSONBody, QueryParameter
from pydantic import BaseModel, ConfigDict, Field, StrictBool
from sqlalchemy.orm import Session

from service.api.auth import Call, bearer_token
from service.api.fields import level, words
from service.api.openapi import BAD_CURSOR, problems
from service.checkins.intake import NewCheckIn, accept
from service.checkins.service import CheckIns, checkin_view
from service.persistence.models import User

LOCALE_PATTERN = r"^[A-Za-z]{2,3}([-_][A-Za-z0-9]{2,8}){0,2}$"


class CheckInBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

    text: words(4000, description="What happened, in your words.")  # type: ignore[valid-type]
    mood: level(1, 5) | None = None  # type: ignore[valid-type]
    connection: level(1, 5) | None = None  # type: ignore[valid-type]
    locale: str | None = Field(default=None, pattern=LOCALE_PATTERN, max_length=16)
    shared_with_partner: StrictBool = False


class CheckInController(Controller):
    path = "/v1/checkins"
    tags = ["check-ins"]  # noqa: RUF012

    @post("/", status_code=202, opt=problems({403: "Only partners send check-ins."}))
    async def submit(
        self, request: Request[Any, Any, Any], data: JSONBody[CheckInBody]
    ) -> Response[dict[str, Any]]:
        """Accept a check-in; it is classified and answered in the background."""
        # The hottest route authenticates inside its one statement (see intake.py), so it
        # takes the token and the engine itself instead of the `call` dependency.
        state = request.app.state
        accepted = await accept(
            state.adb,
            state.callers,
            bearer_token(request),
            NewCheckIn(
                text=data.text,
                mood=data.mood,
                connection=data.connection,
                locale=data.locale,
                shared_with_partner=data.shared_with_partner,
            ),
        )
        link = accepted.link
        body = {"id": str(accepted.id), "status": accepted.status, "links": {"self": link}}
        return Response(body, status_code=202, headers={"Location": link})

    @get("/{checkin_id:uuid}")
    async def read(
        self,
        checkin_id: FromPath[uuid.UUID],
        call: NamedDependency[Call],
    ) -> dict[str, Any]:
        """One of the caller's own check-ins, with its classification and tip when ready."""
        return await call.run(
            lambda session, user: checkin_view(CheckIns(session).get(user, checkin_id))
        )

    @get("/", opt=problems({422: BAD_CURSOR}))
    async def list_own(
        self,
        call: NamedDependency[Call],
        limit: Annotated[int, QueryParameter(ge=1, le=100)] = 20,
        cursor: Annotated[str | None, QueryParameter(max_length=200)] = None,
    ) -> dict[str, Any]:
        """The caller's check-ins, newest first."""

        def page(session: Session, user: User) -> dict[str, Any]:
            rows, next_cursor = CheckIns(session).list(user, limit=limit, cursor=cursor)
            return {
                "items": [checkin_view(r, detail=False) for r in rows],
                "next_cursor": next_cursor,
            }

        return await call.run(page)
