"""The caller's own settings: consent for their coach to read their words."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any

from litestar import Controller, get, patch
from litestar.di import NamedDependency
from litestar.params import Body
from pydantic import BaseModel, ConfigDict, StrictBool
from sqlalchemy.orm import Session

from service.api.auth import Call
from service.api.openapi import problems
from service.errors import ForbiddenError
from service.persistence.models import User


CONSENT = "Only partners give or withdraw consent."


class ConsentBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

    coach_can_read_text: StrictBool


def consent_view(user: User) -> dict[str, Any]:
    return {
        "coach_can_read_text": user.coach_can_read_text,
        "updated_at": user.consent_updated_at.isoformat() if user.consent_updated_at else None,
    }


def _partner(user: User) -> User:
    if user.role != "partner":
        raise ForbiddenError("only partners give or withdraw consent")
    return user


def me_view(user: User) -> dict[str, Any]:
    """What every client needs first: who the caller is, their couple, locale and consents."""
    return {
        "id": str(user.id),
        "name": user.name,
        "role": user.role,
        "couple_id": str(user.couple_id) if user.couple_id else None,
        "locale": user.locale,
        "consents": {"coach_can_read_text": user.coach_can_read_text},
    }


class MeController(Controller):
    path = "/v1/me"
    tags = ["me"]  # noqa: RUF012

    @get("/")
    async def read_me(self, call: NamedDependency[Call]) -> dict[str, Any]:
        """The caller: id, name, role, couple, locale and consents."""
        return await call.run(lambda s, user: me_view(user))

    @get("/consent", opt=problems({403: CONSENT}))
    async def read_consent(self, call: NamedDependency[Call]) -> dict[str, Any]:
        """What you allow your coach: `coach_can_read_text` (default false)."""
        return await call.run(lambda s, user: consent_view(_partner(user)))

    @patch("/consent", opt=problems({403: CONSENT}))
    async def set_consent(
        self, call: NamedDependency[Call], data: Annotated[ConsentBody, Body()]
    ) -> dict[str, Any]:
        """Let your coach read your check-ins' text and the quotes behind their labels (true),
        or stop it (false) — effective from the next page your coach opens. Without it your
        coach sees labels, levels and trends only."""

        def change(session: Session, user: User) -> dict[str, Any]:
            _partner(user).coach_can_read_text = data.coach_can_read_text
            user.consent_updated_at = datetime.now(UTC)
            session.flush()
            return consent_view(user)

        return await call.run(change)
