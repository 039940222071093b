"""Check-ins pushed by integrations: Standard Webhooks signatures, replay safety, mappings."""

from __future__ import annotations

import asyncio
import json
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from litestar.testing import AsyncTestClient
from sqlalchemy import func, select
from standardwebhooks import Webhook

from service.integrations.clients import Integrations
from service.lib.db import Database
from service.persistence.models import (
    CheckIn,
    IntegrationUser,
    OutboxEvent,
    User,
    WebhookReceipt,
)
from tests.integration.conftest import drain

pytestmark = pytest.mark.integration

BODY = {"external_user_id": "journal-user-17", "text": "We went for a walk and talked.", "mood": 4}


def make_integration(
    database: Database, name: str = "journal", scopes: tuple[str, ...] = ("checkins:write",)
) -> tuple[str, str]:
    with database.unit_of_work() as session:
        made = Integrations(session).create(name, list(scopes))
        return str(made.integration.id), made.secret


def signed(
    secret: str,
    body: bytes,
    *,
    msg_id: str | None = None,
    at: datetime | None = None,
) -> dict[str, str]:
    msg_id = msg_id or f"msg_{uuid.uuid4().hex}"
    at = at or datetime.now(UTC)
    return {
        "webhook-id": msg_id,
        "webhook-timestamp": str(int(at.timestamp())),
        "webhook-signature": Webhook(secret).sign(msg_id, at, body),
        "content-type": "application/json",
    }


def push(client: Any, integration_id: str, body: bytes, headers: dict[str, str]) -> Any:
    return client.post(f"/v1/integrations/{integration_id}/checkins", content=body, headers=headers)


def raw(payload: dict[str, Any]) -> bytes:
    return json.dumps(payload).encode()


def counts(database: Database) -> dict[str, int]:
    with database.unit_of_work() as session:
        return {
            model.__tablename__: session.scalar(select(func.count()).select_from(model)) or 0
            for model in (CheckIn, OutboxEvent, User, IntegrationUser, WebhookReceipt)
        }


NOTHING = {"checkins": 0, "outbox_events": 0, "users": 0, "integration_users": 0,
           "webhook_receipts": 0}  # fmt: skip


def test_a_signed_checkin_is_accepted_processed_and_filed_under_the_mapped_partner(
    client: Any, database: Database, knowledge_base: Path, job_context: Any
) -> None:
    integration_id, secret = make_integration(database)
    body = raw(BODY)
    answer = push(client, integration_id, body, signed(secret, body))
    assert answer.status_code == 202, answer.text
    accepted = answer.json()
    assert accepted["status"] == "received"
    assert answer.headers["location"] == accepted["links"]["self"]

    second = raw({**BODY, "text": "Quiet evening, we cooked together."})
    again = push(client, integration_id, second, signed(secret, second))
    assert again.status_code == 202

    drain(job_context)
    with database.unit_of_work() as session:
        checkins = list(session.scalars(select(CheckIn).order_by(CheckIn.created_at)))
        mapping = session.get(IntegrationUser, (uuid.UUID(integration_id), "journal-user-17"))
        assert mapping is not None and mapping.origin == "first_sight"
        writer = session.get(User, mapping.user_id)
        assert writer is not None and writer.role == "partner"
        assert [c.user_id for c in checkins] == [writer.id, writer.id]
        assert all(c.status == "tip_ready" for c in checkins)
        assert checkins[0].text == BODY["text"] and checkins[0].mood == 4


@pytest.mark.parametrize(
    "tamper",
    ["wrong_secret", "no_signature", "no_id", "no_timestamp", "stale", "future", "altered",
     "unknown_integration", "signature_garbage"],
)  # fmt: skip
def test_a_request_that_is_not_validly_signed_is_refused_and_writes_nothing(
    client: Any, database: Database, tamper: str
) -> None:
    integration_id, secret = make_integration(database)
    body = raw(BODY)
    headers = signed(secret, body)
    target = integration_id
    if tamper == "wrong_secret":
        headers = signed(make_integration(database, "other")[1], body)
    elif tamper == "no_signature":
        del headers["webhook-signature"]
    elif tamper == "no_id":
        del headers["webhook-id"]
    elif tamper == "no_timestamp":
        del headers["webhook-timestamp"]
    elif tamper == "stale":
        headers = signed(secret, body, at=datetime.now(UTC) - timedelta(minutes=6))
    elif tamper == "future":
        headers = signed(secret, body, at=datetime.now(UTC) + timedelta(minutes=6))
    elif tamper == "altered":
        body = raw({**BODY, "text": "We went for a walk and argued."})
    elif tamper == "unknown_integration":
        target = str(uuid.uuid4())
    elif tamper == "signature_garbage":
        headers["webhook-signature"] = "v1,bm90IGEgc2lnbmF0dXJl"
    before = counts(database)
    answer = push(client, target, body, headers)
    assert answer.status_code == 401
    assert answer.headers["content-type"].startswith("application/problem+json")
    assert answer.json()["title"] == "Unauthenticated"
    assert counts(database) == before
    assert before["checkins"] == 0


def test_a_replayed_webhook_id_gets_the_first_answer_and_writes_nothing_new(
    client: Any, database: Database
) -> None:
    integration_id, secret = make_integration(database)
    body = raw(BODY)
    headers = signed(secret, body, msg_id="msg_once")
    first = push(client, integration_id, body, headers)
    assert first.status_code == 202
    after_first = counts(database)

    replay = push(client, integration_id, body, headers)
    assert replay.status_code == 202
    assert replay.content == first.content  # byte for byte
    assert replay.headers["location"] == first.headers["location"]
    assert replay.headers["idempotent-replayed"] == "true"
    # A sender retrying later signs again with a fresh timestamp: still the same answer.
    resent = push(client, integration_id, body, signed(secret, body, msg_id="msg_once"))
    assert resent.json() == first.json()
    assert counts(database) == after_first


def test_a_webhook_id_reused_for_another_body_is_refused(client: Any, database: Database) -> None:
    integration_id, secret = make_integration(database)
    body = raw(BODY)
    assert push(client, integration_id, body, signed(secret, body, msg_id="m1")).status_code == 202
    other = raw({**BODY, "text": "Something else happened today."})
    before = counts(database)
    answer = push(client, integration_id, other, signed(secret, other, msg_id="m1"))
    assert answer.status_code == 422
    assert "webhook-id" in answer.json()["detail"]
    assert counts(database) == before


@pytest.mark.parametrize(
    "payload",
    [
        {"text": "no user"},
        {**BODY, "mood": 7},
        {**BODY, "mood": "4"},
        {**BODY, "text": ""},
        {**BODY, "text": "x" * 4001},
        {**BODY, "locale": "not a locale"},
        {**BODY, "extra": True},
        {**BODY, "external_user_id": ""},
        ["a list"],
    ],
)
def test_an_invalid_body_is_a_400_problem_and_nothing_is_written(
    client: Any, database: Database, payload: Any
) -> None:
    integration_id, secret = make_integration(database)
    body = json.dumps(payload).encode()
    before = counts(database)
    answer = push(client, integration_id, body, signed(secret, body))
    assert answer.status_code == 400, answer.text
    problem = answer.json()
    assert problem["title"] == "Invalid request" and problem["errors"]
    assert counts(database) == before


def test_a_body_that_is_not_json_is_a_400_problem(client: Any, database: Database) -> None:
    integration_id, secret = make_integration(database)
    body = b"text=hello"
    answer = push(client, integration_id, body, signed(secret, body))
    assert answer.status_code == 400
    assert answer.json()["errors"][0]["message"] == "body is not valid JSON"


def test_disabled_or_unscoped_integrations_are_forbidden(client: Any, database: Database) -> None:
    body = raw(BODY)
    reader_id, reader_secret = make_integration(database, "reader", ("events:read",))
    answer = push(client, reader_id, body, signed(reader_secret, body))
    assert answer.status_code == 403
    assert "checkins:write" in answer.json()["detail"]

    integration_id, secret = make_integration(database)
    with database.unit_of_work() as session:
        Integrations(session).disable(uuid.UUID(integration_id))
    assert push(client, integration_id, body, signed(secret, body)).status_code == 403
    assert counts(database)["checkins"] == 0


def test_the_same_external_id_in_two_integrations_is_two_partners(
    client: Any, database: Database
) -> None:
    first_id, first_secret = make_integration(database, "journal")
    second_id, second_secret = make_integration(database, "wearable")
    body = raw(BODY)
    assert push(client, first_id, body, signed(first_secret, body)).status_code == 202
    assert push(client, second_id, body, signed(second_secret, body)).status_code == 202
    with database.unit_of_work() as session:
        owners = set(session.scalars(select(CheckIn.user_id)))
        mappings = list(session.scalars(select(IntegrationUser)))
    assert len(owners) == 2
    assert {m.integration_id for m in mappings} == {uuid.UUID(first_id), uuid.UUID(second_id)}


def test_an_explicit_link_files_checkins_under_the_existing_partner(
    client: Any, database: Database
) -> None:
    from service.accounts.service import Accounts

    integration_id, secret = make_integration(database)
    with database.unit_of_work() as session:
        partner = Accounts(session).create("dana").user.id
        assert Integrations(session).link(uuid.UUID(integration_id), "journal-user-17", partner)
        assert not Integrations(session).link(uuid.UUID(integration_id), "journal-user-17", partner)
    body = raw(BODY)
    assert push(client, integration_id, body, signed(secret, body)).status_code == 202
    with database.unit_of_work() as session:
        assert list(session.scalars(select(CheckIn.user_id))) == [partner]


def test_after_a_rotation_both_secrets_verify_until_the_grace_ends(
    client: Any, database: Database
) -> None:
    integration_id, old = make_integration(database)
    with database.unit_of_work() as session:
        new = Integrations(session).rotate_secret(uuid.UUID(integration_id))
    body = raw(BODY)
    assert push(client, integration_id, body, signed(old, body)).status_code == 202
    assert push(client, integration_id, body, signed(new, body)).status_code == 202
    with database.unit_of_work() as session:
        Integrations(session).rotate_secret(
            uuid.UUID(integration_id), now=datetime.now(UTC) - timedelta(hours=25)
        )  # the grace of the secret it replaced ended an hour ago
    latest_old = new  # `new` is now the previous secret, past its grace
    assert push(client, integration_id, body, signed(latest_old, body)).status_code == 401


def test_concurrent_deliveries_of_one_message_write_one_checkin(
    database: Database, redis: Any
) -> None:
    from service.api.app import create_app

    integration_id, secret = make_integration(database)
    body = raw(BODY)
    headers = signed(secret, body, msg_id="msg_burst")

    async def burst() -> list[Any]:
        async with AsyncTestClient(app=create_app(database, redis)) as client:
            url = f"/v1/integrations/{integration_id}/checkins"
            return await asyncio.gather(
                *(client.post(url, content=body, headers=headers) for _ in range(12))
            )

    answers = asyncio.run(burst())
    assert {a.status_code for a in answers} == {202}
    assert len({a.json()["id"] for a in answers}) == 1
    assert counts(database)["checkins"] == 1
    assert counts(database)["users"] == 1


def test_the_scheduler_forgets_receipts_and_idempotency_keys_past_their_window(
    client: Any, database: Database, job_context: Any
) -> None:
    from sqlalchemy import text

    from workers.runtime import purge_once

    integration_id, secret = make_integration(database)
    for n in range(2):
        body = raw({**BODY, "text": f"evening number {n}"})
        assert push(client, integration_id, body, signed(secret, body)).status_code == 202
    with database.unit_of_work() as session:
        session.execute(
            text(
                "UPDATE webhook_receipts SET created_at = now() - interval '25 hours'"
                " WHERE webhook_id = (SELECT min(webhook_id) FROM webhook_receipts)"
            )
        )
    assert purge_once(job_context) == 1
    assert counts(database)["webhook_receipts"] == 1
