"""HTTP endpoints for the coach escalation queue (the rules live in service.py)."""

from __future__ import annotations

import uuid
from typing import Annotated, Any, Literal

from litestar import Controller, get, post
from litestar.di import NamedDependency
from litestar.params import Body, FromPath, QueryParameter
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy.orm import Session

from service.api.auth import Call
from service.api.openapi import BAD_CURSOR, problems
from service.escalations.service import MAX_PAGE, Escalations, coach_view
from service.persistence.models import User

Status = Literal["open", "acknowledged", "resolved"]


class HandlingBody(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    # Kept with the escalation, encrypted (never logged: it may describe the partner's
    # situation); coaches see the notes in the dashboard.
    note: str | None = Field(default=None, max_length=1000)


class EscalationController(Controller):
    path = "/v1/escalations"
    tags = ["escalations"]  # noqa: RUF012

    @get("/", opt=problems({403: "Only coaches and admins see escalations.", 422: BAD_CURSOR}))
    async def list_queue(
        self,
        call: NamedDependency[Call],
        status: Annotated[Status | None, QueryParameter()] = None,
        limit: Annotated[int, QueryParameter(ge=1, le=MAX_PAGE)] = 20,
        cursor: Annotated[str | None, QueryParameter(max_length=200)] = None,
    ) -> dict[str, Any]:
        """The caller's escalation queue: urgent first, then oldest first."""

        def page(session: Session, user: User) -> dict[str, Any]:
            rows, next_cursor = Escalations(session).list(
                user, status=status, limit=limit, cursor=cursor
            )
            return {"items": [coach_view(session, r) for r in rows], "next_cursor": next_cursor}

        return await call.run(page)

    @get("/{escalation_id:uuid}", opt=problems({403: "Only coaches and admins see escalations."}))
    async def read(
        self,
        escalation_id: FromPath[uuid.UUID],
        call: NamedDependency[Call],
    ) -> dict[str, Any]:
        """One escalation of an assigned couple (admins: any)."""
        return await call.run(
            lambda s, user: coach_view(s, Escalations(s).get(user, escalation_id))
        )

    @post(
        "/{escalation_id:uuid}/acknowledge",
        status_code=200,
        opt=problems(
            {
                403: "Only coaches and admins see escalations.",
                409: "The escalation is not open; `detail` names its status.",
            }
        ),
    )
    async def acknowledge(
        self,
        escalation_id: FromPath[uuid.UUID],
        call: NamedDependency[Call],
        data: Annotated[HandlingBody | None, Body()] = None,
    ) -> dict[str, Any]:
        """open -> acknowledged; anything else is a 409 naming the current status."""
        note = data.note if data else None
        return await call.run(
            lambda s, user: coach_view(
                s, Escalations(s).acknowledge(user, escalation_id, note=note)
            )
        )

    @post(
        "/{escalation_id:uuid}/resolve",
        status_code=200,
        opt=problems(
            {
                403: "Only coaches and admins see escalations.",
                409: "The escalation is already resolved.",
            }
        ),
    )
    async def resolve(
        self,
        escalation_id: FromPath[uuid.UUID],
        call: NamedDependency[Call],
        data: Annotated[HandlingBody | None, Body()] = None,
    ) -> dict[str, Any]:
        """open or acknowledged -> resolved; anything else is a 409 naming the current status."""
        note = data.note if data else None
        return await call.run(
            lambda s, user: coach_view(s, Escalations(s).resolve(user, escalation_id, note=note))
        )
