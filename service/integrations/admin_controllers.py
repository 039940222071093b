"""Admin API for webhook subscriptions and their delivery log (admins only)."""

from __future__ import annotations

import uuid
from functools import partial
from typing import Annotated, Any, Literal

import anyio
from litestar import Controller, get, post
from litestar.di import NamedDependency
from litestar.params import Body, FromPath, QueryParameter
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy.orm import Session

from service.api.auth import Call
from service.api.fields import words
from service.api.openapi import problems
from service.errors import ForbiddenError
from service.integrations import subscriptions as subs
from service.integrations.delivery import redeliver
from service.persistence.models import User
from service.settings import get_settings

DeliveryStatus = Literal[
    "held", "pending", "sending", "delivered", "failed", "withheld", "cancelled"
]


ADMINS = "Only admins manage webhooks."


class SubscriptionBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

    url: words(subs.MAX_URL_CHARS)  # type: ignore[valid-type]
    events: list[str] = Field(min_length=1, max_length=32)
    coach_side: bool = False


def _admin(call: Call) -> None:
    # Checked before any database work: the cached caller knows its role.
    if call.caller.role != "admin":
        raise ForbiddenError("only admins manage webhook subscriptions")


class WebhookAdminController(Controller):
    path = "/v1/admin"
    tags = ["webhooks"]  # noqa: RUF012

    @get("/integrations/{integration_id:uuid}/subscriptions", opt=problems({403: ADMINS}))
    async def list_subscriptions(
        self, integration_id: FromPath[uuid.UUID], call: NamedDependency[Call]
    ) -> dict[str, Any]:
        """An integration's subscriptions (never their secrets)."""
        _admin(call)

        def work(session: Session, _: User) -> dict[str, Any]:
            rows = subs.list_subscriptions(session, integration_id=integration_id)
            return {"items": [subs.subscription_view(s) for s in rows]}

        return await call.run(work)

    @post(
        "/integrations/{integration_id:uuid}/subscriptions",
        status_code=201,
        opt=problems(
            {
                403: ADMINS,
                409: "The integration is disabled or lacks the events scope.",
                422: "The URL is not a public http(s) URL, or an event is unknown (`known`).",
            }
        ),
    )
    async def subscribe(
        self,
        integration_id: FromPath[uuid.UUID],
        call: NamedDependency[Call],
        data: Annotated[SubscriptionBody, Body()],
    ) -> dict[str, Any]:
        """A new subscription; the answer carries its signing secret, shown only this once."""
        _admin(call)
        allow = get_settings().webhook_allow_private_urls
        # Resolving the host may block: off the event loop.
        url = await anyio.to_thread.run_sync(partial(subs.check_url, data.url, allow_private=allow))

        def work(session: Session, _: User) -> dict[str, Any]:
            created = subs.subscribe(
                session,
                integration_id=integration_id,
                url=url,
                events=data.events,
                coach_side=data.coach_side,
            )
            return {**subs.subscription_view(created.subscription), "secret": created.secret}

        return await call.run(work)

    @post(
        "/webhook-subscriptions/{subscription_id:uuid}/disable",
        status_code=200,
        opt=problems({403: ADMINS}),
    )
    async def disable(
        self, subscription_id: FromPath[uuid.UUID], call: NamedDependency[Call]
    ) -> dict[str, Any]:
        """Stop deliveries to a subscription; those waiting are cancelled."""
        _admin(call)
        return await call.run(lambda s, _: subs.subscription_view(subs.disable(s, subscription_id)))

    @get("/webhook-deliveries", opt=problems({403: ADMINS}))
    async def list_deliveries(
        self,
        call: NamedDependency[Call],
        subscription_id: Annotated[uuid.UUID | None, QueryParameter()] = None,
        status: Annotated[DeliveryStatus | None, QueryParameter()] = None,
        limit: Annotated[int, QueryParameter(ge=1, le=subs.MAX_PAGE)] = 50,
    ) -> dict[str, Any]:
        """The newest deliveries first (payloads are never shown)."""
        _admin(call)

        def work(session: Session, _: User) -> dict[str, Any]:
            rows = subs.list_deliveries(
                session, subscription_id=subscription_id, status=status, limit=limit
            )
            return {"items": [subs.delivery_view(d) for d in rows]}

        return await call.run(work)

    @get("/webhook-deliveries/{delivery_id:uuid}", opt=problems({403: ADMINS}))
    async def read_delivery(
        self, delivery_id: FromPath[uuid.UUID], call: NamedDependency[Call]
    ) -> dict[str, Any]:
        """One delivery with every attempt: status, latency, the start of the response."""
        _admin(call)

        def work(session: Session, _: User) -> dict[str, Any]:
            delivery = subs.get_delivery(session, delivery_id)
            return subs.delivery_view(
                delivery, subs.attempts_of(session, [delivery.id])[delivery.id]
            )

        return await call.run(work)

    @post(
        "/webhook-deliveries/{delivery_id:uuid}/redeliver",
        status_code=200,
        opt=problems(
            {403: ADMINS, 409: "The delivery is still under way or its subscription is disabled."}
        ),
    )
    async def redeliver(
        self, delivery_id: FromPath[uuid.UUID], call: NamedDependency[Call]
    ) -> dict[str, Any]:
        """Send a delivery again from the first attempt (same webhook-id); the scheduler picks
        it up within a second."""
        _admin(call)

        def work(session: Session, _: User) -> dict[str, Any]:
            redeliver(session, delivery_id)
            return subs.delivery_view(subs.get_delivery(session, delivery_id))

        return await call.run(work)
