"""The caller's own account: who they are, their consents, their data to take out or erase."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any

import anyio
from litestar import Controller, Request, delete, get, patch
from litestar.datastructures import State
from litestar.di import NamedDependency
from litestar.params import Body
from pydantic import BaseModel, ConfigDict, StrictBool
from sqlalchemy.orm import Session

from service.accounts.privacy import erase_account, export_account, purge_jobs
from service.accounts.views import consent_view, me_view, require_partner
from service.api.auth import Call
from service.api.openapi import problems
from service.persistence.models import User

CONSENT = "Only partners give or withdraw consent."


class ConsentBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

    coach_can_read_text: StrictBool


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
        return await call.run(lambda s, user: consent_view(require_partner(user)))

    @patch("/consent", opt=problems({403: CONSENT}))
    async def set_consent(
        self, call: NamedDependency[Call], data: Annotated[ConsentBody, Body()]
    ) -> dict[str, Any]:
        """Let your coach read your check-ins' text and the quotes behind their labels (true),
        or stop it (false) — effective from the next page your coach opens. Without it your
        coach sees labels, levels and trends only."""

        def change(session: Session, user: User) -> dict[str, Any]:
            require_partner(user).coach_can_read_text = data.coach_can_read_text
            user.consent_updated_at = datetime.now(UTC)
            session.flush()
            return consent_view(user)

        return await call.run(change)

    @get("/export")
    async def export(self, call: NamedDependency[Call]) -> dict[str, Any]:
        """Everything stored about you, as JSON: your account and consents, check-ins with
        their readings and tips, chats, safety questions and your answers, escalations about
        you with the coaches' notes, integration links. Nothing about your partner."""
        return await call.run(lambda s, user: export_account(s, user.id))

    @delete("/", status_code=204)
    async def erase(self, call: NamedDependency[Call], request: Request[Any, Any, Any]) -> None:
        """Erase your account and everything stored about you, at once and for good: check-ins,
        readings, tips, chats, safety questions, escalations, webhook copies, queued jobs. Your
        couple is dissolved; your partner keeps their own data. Your token stops working.
        Export first if you want a copy."""
        state: State = request.app.state
        erasure = await call.run(lambda s, user: erase_account(s, user.id))
        state.callers.forget(call.caller.id)
        await anyio.to_thread.run_sync(purge_jobs, state.redis, erasure.job_names)
