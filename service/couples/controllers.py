"""HTTP endpoints for couples."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any, Literal

from litestar import Controller, Response, delete, patch, post
from litestar.di import NamedDependency
from litestar.params import FromPath, JSONBody
from pydantic import BaseModel, ConfigDict, Field, field_validator
from sqlalchemy.orm import Session

from service.api.auth import Call
from service.api.fields import words
from service.api.openapi import problems
from service.couples.service import Couples, CoupleView
from service.couples.unpair import leave_couple

Stage = Literal["early", "mid", "long_term"]


PARTNERS = "Only partners belong to couples."
NO_COUPLE = "You are not in a couple."


class CoupleBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

    stage: Stage | None = Field(
        default=None, description="Relationship stage, used to tailor tips: early, mid, long_term."
    )


class JoinBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

    invite_code: words(32, min_length=4)  # type: ignore[valid-type]


class CoachAssignmentBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

    coach_id: uuid.UUID = Field(description="The coach's user id.")

    @field_validator("coach_id", mode="before")
    @classmethod
    def _parse_uuid(cls, value: object) -> object:
        # JSON has no UUID type; strict validation would refuse every string otherwise.
        return uuid.UUID(value) if isinstance(value, str) else value


def _couples(session: Session) -> Couples:
    from service.settings import get_settings

    return Couples(session, invite_ttl=timedelta(days=get_settings().invite_code_ttl_days))


def _invite_view(view: CoupleView) -> dict[str, Any]:
    """A couple with its invite code: the code always comes with the time it stops working."""
    expires = view.invite_expires_at
    return {
        "id": view.id,
        "invite_code": view.invite_code,
        "invite_expires_at": expires.isoformat() if expires else None,
        "partners": view.partners,
        "stage": view.stage,
    }


class CoupleController(Controller):
    path = "/v1/couples"
    tags = ["couples"]  # noqa: RUF012

    @post(
        "/", status_code=201, opt=problems({403: PARTNERS, 409: "You already belong to a couple."})
    )
    async def create(
        self,
        call: NamedDependency[Call],
        data: JSONBody[CoupleBody | None] = None,
    ) -> dict[str, Any]:
        """Create the caller's couple and get an invite code for the other partner: good once,
        until `invite_expires_at` (INVITE_CODE_TTL_DAYS, 7 by default)."""
        view = await call.run(
            lambda s, user: _couples(s).create(user, stage=data.stage if data else None)
        )
        return _invite_view(view)

    @post(
        "/current/invite",
        status_code=201,
        opt=problems({403: PARTNERS, 404: NO_COUPLE, 409: "Your couple already has two partners."}),
    )
    async def renew_invite(self, call: NamedDependency[Call]) -> dict[str, Any]:
        """A fresh invite code for your couple while you are its only partner (the last one
        expired, or was lost); the previous code stops working."""
        return _invite_view(await call.run(lambda s, user: _couples(s).renew_invite(user)))

    @patch("/current", opt=problems({403: PARTNERS, 404: NO_COUPLE}))
    async def update_current(
        self,
        data: JSONBody[CoupleBody],
        call: NamedDependency[Call],
    ) -> dict[str, Any]:
        """Set the relationship stage of the caller's couple (either partner may)."""
        view = await call.run(lambda s, user: Couples(s).set_stage(user, data.stage))
        return {"id": view.id, "partners": view.partners, "stage": view.stage}

    @delete("/current", status_code=204, opt=problems({403: PARTNERS, 404: NO_COUPLE}))
    async def leave(self, call: NamedDependency[Call]) -> None:
        """Leave your couple (unpair). Each partner keeps their own history; nothing either of
        you shared is shown to anyone you pair with later, nor to each other if you pair
        again."""
        await call.run(leave_couple)

    @post(
        "/join",
        status_code=200,
        opt=problems(
            {
                403: PARTNERS,
                404: "The invite code is expired, used or unknown (one answer for all three).",
                409: "You are in a couple already, or this one has two partners.",
            }
        ),
    )
    async def join(
        self,
        data: JSONBody[JoinBody],
        call: NamedDependency[Call],
    ) -> dict[str, Any]:
        """Join the couple that owns this invite code."""
        view = await call.run(lambda s, user: Couples(s).join(user, data.invite_code))
        return {"id": view.id, "partners": view.partners}

    @post(
        "/{couple_id:uuid}/coaches",
        status_code=201,
        opt=problems({400: "`coach_id` is not a coach.", 403: "Only admins assign coaches."}),
    )
    async def assign_coach(
        self,
        couple_id: FromPath[uuid.UUID],
        data: JSONBody[CoachAssignmentBody],
        call: NamedDependency[Call],
    ) -> Response[dict[str, Any]]:
        """Assign a coach to the couple (admins only); repeating it changes nothing (200)."""
        created = await call.run(
            lambda s, user: Couples(s).assign_coach(
                user, couple_id=couple_id, coach_id=data.coach_id
            )
        )
        body = {"couple_id": str(couple_id), "coach_id": str(data.coach_id), "created": created}
        return Response(body, status_code=201 if created else 200)
