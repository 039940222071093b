"""HTTP endpoint for reading what the other partner chose to share (rules in partner_view.py)."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Controller, get
from litestar.di import NamedDependency
from litestar.params import QueryParameter
from sqlalchemy.orm import Session

from service.accounts.callers import Caller
from service.checkins.partner_view import PartnerView, shared_checkin_view
from service.checkins.service import MAX_PAGE
from service.lib.db import AsyncDatabase


class PartnerController(Controller):
    path = "/v1/partner"
    tags = ["check-ins"]  # noqa: RUF012

    @get("/checkins")
    async def shared_checkins(
        self,
        adb: NamedDependency[AsyncDatabase],
        caller: NamedDependency[Caller],
        limit: Annotated[int, QueryParameter(ge=1, le=MAX_PAGE)] = 20,
        cursor: Annotated[str | None, QueryParameter(max_length=200)] = None,
    ) -> dict[str, Any]:
        """The other partner's check-ins that they shared and that are safe to show."""

        def page(session: Session) -> dict[str, Any]:
            rows, next_cursor = PartnerView(session).shared_checkins(
                caller.user(session), limit=limit, cursor=cursor
            )
            return {
                "items": [shared_checkin_view(r) for r in rows],
                "next_cursor": next_cursor,
            }

        return await adb.run(page)
