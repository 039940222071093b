"""Check-ins pushed by integrations: signed requests, replay-safe, validated like the API's own.

Order matters: the signature is checked before anything else is read (an unsigned request
learns nothing, not even whether the integration exists), then a ``webhook-id`` seen before is
answered with its first response, then the body is validated, and only then is anything
written — the partner mapping, the check-in with its outbox event and the receipt, in one
transaction.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, StrictBool, StrictInt, ValidationError
from sqlalchemy import text
from sqlalchemy.orm import Session

from service.checkins.intake import NewCheckIn, accept_sync
from service.errors import DomainError, ForbiddenError, InvalidInputError, UnauthenticatedError
from service.integrations.clients import MAX_EXTERNAL_ID, Integrations, signing_secrets
from service.integrations.secrets import verify
from service.lib.db import AsyncDatabase
from service.persistence.models import Integration, WebhookReceipt

LOCALE_PATTERN = r"^[A-Za-z]{2,3}([-_][A-Za-z0-9]{2,8}){0,2}$"
MAX_WEBHOOK_ID = 200
SCOPE = "checkins:write"


class IntegrationCheckInBody(BaseModel):
    """What an integration sends: the /v1/checkins fields plus whose check-in it is."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, strict=True)

    external_user_id: str = Field(
        min_length=1, max_length=MAX_EXTERNAL_ID, description="The writer's id in your app."
    )
    text: str = Field(min_length=1, max_length=4000, description="What happened, in their words.")
    mood: Annotated[StrictInt, Field(ge=1, le=5)] | None = None
    connection: Annotated[StrictInt, Field(ge=1, le=5)] | None = None
    locale: str | None = Field(default=None, pattern=LOCALE_PATTERN, max_length=16)
    shared_with_partner: StrictBool = False


class InvalidBodyError(DomainError):
    """The body did not pass validation: the same 400 problem as the API's own routes."""

    status = 400
    title = "Invalid request"


@dataclass(frozen=True)
class InboundOutcome:
    status: int
    body: dict[str, Any]
    replayed: bool = False


def fingerprint(body: bytes) -> str:
    return hashlib.sha256(body).hexdigest()


def parse_body(body: bytes) -> IntegrationCheckInBody:
    """The validated body, or a 400 problem listing what is wrong (as /v1/checkins does)."""
    try:
        raw = json.loads(body)
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise InvalidBodyError("the request did not pass validation", errors=[
            {"message": "body is not valid JSON", "key": "body", "source": "body"}
        ]) from None  # fmt: skip
    if not isinstance(raw, dict):
        raise InvalidBodyError("the request did not pass validation", errors=[
            {"message": "body must be a JSON object", "key": "body", "source": "body"}
        ])  # fmt: skip
    try:
        return IntegrationCheckInBody.model_validate(raw)
    except ValidationError as exc:
        errors = [
            {"message": e["msg"], "key": ".".join(str(p) for p in e["loc"]) or "body",
             "source": "body"}
            for e in exc.errors(include_url=False, include_input=False)
        ]  # fmt: skip
        raise InvalidBodyError("the request did not pass validation", errors=errors) from None


def authenticate(
    session: Session, integration_id: uuid.UUID, body: bytes, headers: Mapping[str, str]
) -> Integration:
    """The integration whose secret signed this body within the last five minutes.

    An unknown integration and a bad signature get the same answer, so ids cannot be probed.
    """
    integration = session.get(Integration, integration_id)
    if integration is None or not verify(signing_secrets(integration), body, headers):
        raise UnauthenticatedError(
            "webhook signature missing, invalid or outside the 5-minute window"
        )
    if integration.status != "active":
        raise ForbiddenError("this integration is disabled")
    if SCOPE not in integration.scopes:
        raise ForbiddenError(f"this integration lacks the {SCOPE} scope")
    return integration


def _earlier(session: Session, integration_id: uuid.UUID, webhook_id: str) -> WebhookReceipt | None:
    return session.get(WebhookReceipt, (integration_id, webhook_id))


def _replay(receipt: WebhookReceipt, body_fingerprint: str) -> InboundOutcome:
    if receipt.fingerprint != body_fingerprint:
        raise InvalidInputError(
            "this webhook-id was already used for another body; use a new id per message"
        )
    return InboundOutcome(receipt.status_code, dict(receipt.response), replayed=True)


def receive(
    session: Session, integration_id: uuid.UUID, body: bytes, headers: Mapping[str, str]
) -> InboundOutcome:
    """Authenticate, dedupe, validate and store one pushed check-in (one transaction)."""
    integration = authenticate(session, integration_id, body, headers)
    webhook_id = {k.lower(): v for k, v in headers.items()}["webhook-id"]
    if len(webhook_id) > MAX_WEBHOOK_ID:
        raise InvalidInputError(f"webhook-id must be at most {MAX_WEBHOOK_ID} characters")
    digest = fingerprint(body)
    earlier = _earlier(session, integration.id, webhook_id)
    if earlier is not None:
        return _replay(earlier, digest)
    data = parse_body(body)
    # Claim the id first: a concurrent delivery of the same message waits here for this
    # transaction and then finds the receipt (ReplayRace), instead of writing a second check-in.
    claimed = session.execute(
        text(
            "INSERT INTO webhook_receipts (integration_id, webhook_id, fingerprint, status_code,"
            " response, created_at) VALUES (:i, :w, :f, 202, '{}'::jsonb, now())"
            " ON CONFLICT DO NOTHING RETURNING webhook_id"
        ),
        {"i": integration.id, "w": webhook_id, "f": digest},
    ).first()
    if claimed is None:
        raise ReplayRaceError(webhook_id)
    writer = Integrations(session).partner_for(
        integration, data.external_user_id, locale=data.locale or "en-US"
    )
    accepted = accept_sync(
        session,
        writer_id=writer.id,
        data=NewCheckIn(
            text=data.text,
            mood=data.mood,
            connection=data.connection,
            locale=data.locale,
            shared_with_partner=data.shared_with_partner,
        ),
    )
    response = jsonb_order(
        {"id": str(accepted.id), "status": accepted.status, "links": {"self": accepted.link}}
    )
    session.execute(
        text(
            "UPDATE webhook_receipts SET response = CAST(:r AS jsonb)"
            " WHERE integration_id = :i AND webhook_id = :w"
        ),
        {"r": json.dumps(response), "i": integration.id, "w": webhook_id},
    )
    return InboundOutcome(202, response)


def jsonb_order(value: dict[str, Any]) -> dict[str, Any]:
    """``value`` with its keys in the order Postgres' jsonb gives them back (shorter first, then
    bytewise), so that a replayed answer is byte for byte the first one."""
    return {
        k: jsonb_order(v) if isinstance(v, dict) else v
        for k, v in sorted(value.items(), key=lambda kv: (len(kv[0].encode()), kv[0].encode()))
    }


class ReplayRaceError(Exception):
    """Another request with the same webhook-id committed first: answer with its receipt."""


async def receive_async(
    db: AsyncDatabase, integration_id: uuid.UUID, body: bytes, headers: Mapping[str, str]
) -> InboundOutcome:
    """:func:`receive` on the API's engine; a lost race is answered with the winner's receipt."""
    try:
        return await db.run(lambda session: receive(session, integration_id, body, headers))
    except ReplayRaceError as race:
        webhook_id = str(race)

        def replay(session: Session) -> InboundOutcome:
            receipt = _earlier(session, integration_id, webhook_id)
            if receipt is None:  # the winner rolled back: nothing was stored, try again
                return receive(session, integration_id, body, headers)
            return _replay(receipt, fingerprint(body))

        return await db.run(replay)


RECEIPT_TTL_HOURS = 24


def purge_receipts(session: Session, *, older_than_hours: float = RECEIPT_TTL_HOURS) -> int:
    """Forget inbound receipts past their window: a message that old fails the 5-minute
    timestamp check before its id is looked at, so its receipt protects nothing any more."""
    result = session.execute(
        text("DELETE FROM webhook_receipts WHERE created_at < now() - make_interval(hours => :h)"),
        {"h": older_than_hours},
    )
    return int(result.rowcount)  # type: ignore[attr-defined]
