"""HTTP endpoints for check-ins (HTTP types stay here; the domain lives in service.py)."""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from litestar import Controller, Response, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, JSONBody, QueryParameter
from pydantic import BaseModel, ConfigDict, Field, StrictBool, StrictInt

from service.accounts.service import Accounts
from service.checkins.service import CheckIns, NewCheckIn, checkin_view
from service.lib.db import Database

LOCALE_PATTERN = r"^[A-Za-z]{2,3}([-_][A-Za-z0-9]{2,8}){0,2}$"


class CheckInBody(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    text: str = Field(min_length=1, max_length=4000, description="What happened, in your words.")
    mood: Annotated[StrictInt, Field(ge=1, le=5)] | None = None
    connection: Annotated[StrictInt, Field(ge=1, le=5)] | None = None
    locale: str | None = Field(default=None, pattern=LOCALE_PATTERN, max_length=16)
    shared_with_partner: StrictBool = False


class CheckInController(Controller):
    path = "/v1/checkins"
    tags = ["check-ins"]  # noqa: RUF012

    @post("/", status_code=202, sync_to_thread=True)
    def submit(
        self,
        data: JSONBody[CheckInBody],
        db: NamedDependency[Database],
        token: NamedDependency[str | None],
    ) -> Response[dict[str, Any]]:
        """Accept a check-in; it is classified and answered in the background."""
        with db.unit_of_work() as session:
            caller = Accounts(session).authenticate(token)
            checkin = CheckIns(session).submit(
                caller,
                NewCheckIn(
                    text=data.text,
                    mood=data.mood,
                    connection=data.connection,
                    locale=data.locale,
                    shared_with_partner=data.shared_with_partner,
                ),
            )
            link = f"/v1/checkins/{checkin.id}"
            body = {"id": str(checkin.id), "status": checkin.status, "links": {"self": link}}
        return Response(body, status_code=202, headers={"Location": link})

    @get("/{checkin_id:uuid}", sync_to_thread=True)
    def read(
        self,
        checkin_id: FromPath[uuid.UUID],
        db: NamedDependency[Database],
        token: NamedDependency[str | None],
    ) -> dict[str, Any]:
        """One of the caller's own check-ins, with its classification and tip when ready."""
        with db.unit_of_work() as session:
            caller = Accounts(session).authenticate(token)
            return checkin_view(CheckIns(session).get(caller, checkin_id))

    @get("/", sync_to_thread=True)
    def list_own(
        self,
        db: NamedDependency[Database],
        token: NamedDependency[str | None],
        limit: Annotated[int, QueryParameter(ge=1, le=100)] = 20,
        cursor: Annotated[str | None, QueryParameter(max_length=200)] = None,
    ) -> dict[str, Any]:
        """The caller's check-ins, newest first."""
        with db.unit_of_work() as session:
            caller = Accounts(session).authenticate(token)
            rows, next_cursor = CheckIns(session).list(caller, limit=limit, cursor=cursor)
            return {
                "items": [checkin_view(r, detail=False) for r in rows],
                "next_cursor": next_cursor,
            }
