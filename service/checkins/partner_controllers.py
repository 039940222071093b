"""HTTP endpoint for reading what the other partner chose to share (rules in partner_view.py)."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Controller, get
from litestar.di import NamedDependency
from litestar.params import QueryParameter
from sqlalchemy.orm import Session

from service.api.auth import Call
from service.api.openapi import BAD_CURSOR, problems
from service.checkins.partner_view import PartnerView, shared_checkin_view
from service.checkins.service import MAX_PAGE
from service.persistence.models import User


class PartnerController(Controller):
    path = "/v1/partner"
    tags = ["check-ins"]  # noqa: RUF012

    @get("/checkins", opt=problems({403: "Only partners have a partner view.", 422: BAD_CURSOR}))
    async def shared_checkins(
        self,
        call: NamedDependency[Call],
        limit: Annotated[int, QueryParameter(ge=1, le=MAX_PAGE)] = 20,
        cursor: Annotated[str | None, QueryParameter(max_length=200)] = None,
    ) -> dict[str, Any]:
        """The other partner's check-ins that they shared and that are safe to show."""

        def page(session: Session, user: User) -> dict[str, Any]:
            rows, next_cursor = PartnerView(session).shared_checkins(
                user, limit=limit, cursor=cursor
            )
            return {
                "items": [shared_checkin_view(r) for r in rows],
                "next_cursor": next_cursor,
            }

        return await call.run(page)
