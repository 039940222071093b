"""HTTP endpoints for couples."""

from __future__ import annotations

from typing import Any

from litestar import Controller, post
from litestar.di import NamedDependency
from litestar.params import JSONBody
from pydantic import BaseModel, ConfigDict, Field

from service.accounts.service import Accounts
from service.couples.service import Couples
from service.lib.db import Database


class JoinBody(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    invite_code: str = Field(min_length=4, max_length=32)


class CoupleController(Controller):
    path = "/v1/couples"
    tags = ["couples"]  # noqa: RUF012

    @post("/", status_code=201, sync_to_thread=True)
    def create(
        self, db: NamedDependency[Database], token: NamedDependency[str | None]
    ) -> dict[str, Any]:
        """Create the caller's couple and get an invite code for the other partner."""
        with db.unit_of_work() as session:
            caller = Accounts(session).authenticate(token)
            view = Couples(session).create(caller)
        return {"id": view.id, "invite_code": view.invite_code, "partners": view.partners}

    @post("/join", status_code=200, sync_to_thread=True)
    def join(
        self,
        data: JSONBody[JoinBody],
        db: NamedDependency[Database],
        token: NamedDependency[str | None],
    ) -> dict[str, Any]:
        """Join the couple that owns this invite code."""
        with db.unit_of_work() as session:
            caller = Accounts(session).authenticate(token)
            view = Couples(session).join(caller, data.invite_code)
        return {"id": view.id, "partners": view.partners}
