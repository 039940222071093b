"""HTTP endpoints for the coach escalation queue (the rules live in service.py)."""

from __future__ import annotations

import uuid
from typing import Annotated, Any, Literal

from litestar import Controller, get, post
from litestar.di import NamedDependency
from litestar.params import Body, FromPath, QueryParameter
from pydantic import BaseModel, ConfigDict, Field

from service.accounts.service import Accounts
from service.escalations.service import MAX_PAGE, Escalations, escalation_view
from service.lib.db import Database

Status = Literal["open", "acknowledged", "resolved"]


class HandlingBody(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    # Accepted for clients that send one; there is no place to keep it yet, so it is not
    # stored (and never logged: it may describe the partner's situation).
    note: str | None = Field(default=None, max_length=1000)


class EscalationController(Controller):
    path = "/v1/escalations"
    tags = ["escalations"]  # noqa: RUF012

    @get("/", sync_to_thread=True)
    def list_queue(
        self,
        db: NamedDependency[Database],
        token: NamedDependency[str | None],
        status: Annotated[Status | None, QueryParameter()] = None,
        limit: Annotated[int, QueryParameter(ge=1, le=MAX_PAGE)] = 20,
        cursor: Annotated[str | None, QueryParameter(max_length=200)] = None,
    ) -> dict[str, Any]:
        """The caller's escalation queue: urgent first, then oldest first."""
        with db.unit_of_work() as session:
            caller = Accounts(session).authenticate(token)
            rows, next_cursor = Escalations(session).list(
                caller, status=status, limit=limit, cursor=cursor
            )
            return {"items": [escalation_view(r) for r in rows], "next_cursor": next_cursor}

    @get("/{escalation_id:uuid}", sync_to_thread=True)
    def read(
        self,
        escalation_id: FromPath[uuid.UUID],
        db: NamedDependency[Database],
        token: NamedDependency[str | None],
    ) -> dict[str, Any]:
        """One escalation of an assigned couple (admins: any)."""
        with db.unit_of_work() as session:
            caller = Accounts(session).authenticate(token)
            return escalation_view(Escalations(session).get(caller, escalation_id))

    @post("/{escalation_id:uuid}/acknowledge", status_code=200, sync_to_thread=True)
    def acknowledge(
        self,
        escalation_id: FromPath[uuid.UUID],
        db: NamedDependency[Database],
        token: NamedDependency[str | None],
        data: Annotated[HandlingBody | None, Body()] = None,
    ) -> dict[str, Any]:
        """open -> acknowledged; anything else is a 409 naming the current status."""
        with db.unit_of_work() as session:
            caller = Accounts(session).authenticate(token)
            return escalation_view(Escalations(session).acknowledge(caller, escalation_id))

    @post("/{escalation_id:uuid}/resolve", status_code=200, sync_to_thread=True)
    def resolve(
        self,
        escalation_id: FromPath[uuid.UUID],
        db: NamedDependency[Database],
        token: NamedDependency[str | None],
        data: Annotated[HandlingBody | None, Body()] = None,
    ) -> dict[str, Any]:
        """open or acknowledged -> resolved; anything else is a 409 naming the current status."""
        with db.unit_of_work() as session:
            caller = Accounts(session).authenticate(token)
            return escalation_view(Escalations(session).resolve(caller, escalation_id))
