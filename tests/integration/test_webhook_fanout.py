"""Who hears of what: events fanned out to subscriptions, and the partner-privacy rules."""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from service.accounts.service import Accounts
from service.integrations.events import CHECKIN_EVENTS, COACH_ONLY_EVENTS, EVENT_TYPES
from service.integrations.subscriptions import check_url, subscribe
from service.lib.db import Database
from service.persistence.models import (
    CheckIn,
    Classification,
    Escalation,
    IntegrationUser,
    SafetyQuestion,
    WebhookDelivery,
    WebhookSubscription,
)
from tests.integration.conftest import auth, drain, make_user
from tests.integration.test_integrations_inbound import make_integration, push, raw, signed

pytestmark = pytest.mark.integration

SAFE = "We cooked dinner together and laughed about our first date."
URGENT = "He's outside the door screaming that he'll kill me tonight, I'm hiding in the bathroom"
UNCERTAIN = (
    "what happens if I tell you something bad? like would you call someone? "
    "things have been a lot lately"
)
MIXED = [
    SAFE,
    URGENT,
    UNCERTAIN,
    "He was on his phone through the whole dinner again and I felt invisible.",
    "She checks my phone every night and I'm not allowed to see my friends anymore.",
    "I don't see the point of anything anymore, everyone would be better off without me.",
    "We finally talked about the money thing and it went better than I feared.",
    "He threw a glass at the wall when I said I wanted to visit my sister, I'm scared.",
]
PRIVATE_EVENTS = sorted(CHECKIN_EVENTS)


@dataclass
class Setup:
    integration_id: str
    secret: str
    partner_side: uuid.UUID
    coach_side: uuid.UUID


def _subscribe(database: Database, integration_id: str, *, coach_side: bool) -> uuid.UUID:
    events = EVENT_TYPES if coach_side else PRIVATE_EVENTS
    with database.unit_of_work() as session:
        made = subscribe(
            session,
            integration_id=uuid.UUID(integration_id),
            url=check_url("http://127.0.0.1:9/hook", allow_private=True),
            events=events,
            coach_side=coach_side,
        )
        return made.subscription.id


def _setup(
    database: Database, scopes: tuple[str, ...] = ("checkins:write", "events:read")
) -> Setup:
    integration_id, secret = make_integration(database, "couples-app", scopes)
    return Setup(
        integration_id,
        secret,
        partner_side=_subscribe(database, integration_id, coach_side=False),
        coach_side=_subscribe(database, integration_id, coach_side=True),
    )


def _push(client: Any, setup: Setup, text: str, user: str = "u-1") -> str:
    body = raw({"external_user_id": user, "text": text})
    answer = push(client, setup.integration_id, body, signed(setup.secret, body))
    assert answer.status_code == 202, answer.text
    return str(answer.json()["id"])


def _deliveries(database: Database, subscription_id: uuid.UUID) -> list[WebhookDelivery]:
    with database.unit_of_work() as session:
        return list(
            session.scalars(
                select(WebhookDelivery)
                .where(WebhookDelivery.subscription_id == subscription_id)
                .order_by(WebhookDelivery.event_id)
            )
        )


def _at_risk(database: Database, checkin_id: str) -> bool:
    with database.unit_of_work() as session:
        reading = session.get(Classification, uuid.UUID(checkin_id))
        assert reading is not None
        asked = session.scalar(
            select(SafetyQuestion.id).where(SafetyQuestion.checkin_id == uuid.UUID(checkin_id))
        )
        return (
            reading.risk_level in ("elevated", "urgent")
            or bool(reading.risk_categories)
            or asked is not None
        )


def _sent(deliveries: list[WebhookDelivery]) -> list[WebhookDelivery]:
    """Deliveries that went or will go out (not withheld, not held)."""
    return [d for d in deliveries if d.status in ("pending", "sending", "delivered", "failed")]


def test_an_ordinary_checkin_reaches_both_sides_with_minimal_payloads(
    client: Any, database: Database, knowledge_base: Path, job_context: Any
) -> None:
    setup = _setup(database)
    checkin_id = _push(client, setup, SAFE)
    drain(job_context)
    drain(job_context)  # the last events of the pipeline are relayed in a second round

    for sub in (setup.partner_side, setup.coach_side):
        rows = [d for d in _deliveries(database, sub) if str(d.checkin_id) == checkin_id]
        assert [d.event_type for d in rows] == ["checkin.received", "checkin.classified",
                                                 "tip.ready"]  # fmt: skip
        assert all(d.status == "pending" for d in rows)
        bodies = [json.loads(d.payload) for d in rows]
        assert [b["data"]["sequence"] for b in bodies] == [1, 2, 3]
        for delivery, body in zip(rows, bodies, strict=True):
            assert set(body) == {"type", "timestamp", "data"}
            assert body["type"] == delivery.event_type
            data = body["data"]
            assert data["external_user_id"] == "u-1"
            assert data["checkin_id"] == checkin_id
            assert data["occurred_at"] == body["timestamp"]
            assert data["event_id"].startswith("evt_")
            assert "user_id" not in data and "text" not in data
            assert "dinner" not in delivery.payload  # no words without text:read
        assert bodies[1]["data"]["risk_level"] == "none"
        assert bodies[2]["data"]["kind"] == "coaching" and bodies[2]["data"]["citations"]


def test_no_event_about_an_at_risk_checkin_reaches_a_subscription_that_is_not_coach_side(
    client: Any, database: Database, knowledge_base: Path, job_context: Any
) -> None:
    setup = _setup(database)
    ids = [_push(client, setup, text, user=f"u-{n % 3}") for n, text in enumerate(MIXED)]
    for _ in range(3):
        drain(job_context)
    risky = {cid for cid in ids if _at_risk(database, cid)}
    assert len(risky) >= 4, "the mix must hold at-risk check-ins for the test to mean anything"
    assert len(risky) < len(ids)

    partner_side = _deliveries(database, setup.partner_side)
    for delivery in _sent(partner_side):
        assert delivery.event_type in CHECKIN_EVENTS
        assert str(delivery.checkin_id) not in risky, delivery.event_type
    assert all(d.status in ("pending", "withheld") for d in partner_side)
    withheld = {str(d.checkin_id) for d in partner_side if d.status == "withheld"}
    assert withheld <= risky
    safe_received = {str(d.checkin_id) for d in _sent(partner_side)
                     if d.event_type == "checkin.received"}  # fmt: skip
    assert safe_received == set(ids) - risky

    coach_side = _sent(_deliveries(database, setup.coach_side))
    coach_types = {(str(d.checkin_id), d.event_type) for d in coach_side}
    for cid in ids:
        assert (cid, "checkin.received") in coach_types and (cid, "tip.ready") in coach_types
    with database.unit_of_work() as session:
        escalated = {str(c) for c in session.scalars(select(Escalation.checkin_id))}
    assert escalated and escalated <= risky
    assert {cid for cid, t in coach_types if t == "escalation.opened"} == escalated


def test_partners_an_integration_does_not_map_are_never_news_to_it(
    client: Any, database: Database, knowledge_base: Path, job_context: Any
) -> None:
    setup = _setup(database)
    stranger = make_user(database, "stranger")
    assert client.post("/v1/checkins", json={"text": URGENT}, headers=auth(stranger)).status_code
    drain(job_context)
    drain(job_context)
    assert _deliveries(database, setup.partner_side) == []
    assert _deliveries(database, setup.coach_side) == []


def test_text_travels_only_with_the_text_read_scope_and_only_in_checkin_received(
    client: Any, database: Database, knowledge_base: Path, job_context: Any
) -> None:
    setup = _setup(database, ("checkins:write", "events:read", "text:read"))
    checkin_id = _push(client, setup, SAFE)
    drain(job_context)
    drain(job_context)
    for sub in (setup.partner_side, setup.coach_side):
        by_type = {d.event_type: json.loads(d.payload) for d in _deliveries(database, sub)
                   if str(d.checkin_id) == checkin_id}  # fmt: skip
        assert by_type["checkin.received"]["data"]["text"] == SAFE
        assert "text" not in by_type["checkin.classified"]["data"]
        assert "text" not in by_type["tip.ready"]["data"]


def test_coach_actions_and_safety_answers_reach_only_coach_side_subscriptions(
    client: Any, database: Database, knowledge_base: Path, job_context: Any
) -> None:
    setup = _setup(database)
    urgent = _push(client, setup, URGENT, user="u-urgent")
    uncertain = _push(client, setup, UNCERTAIN, user="u-asked")
    drain(job_context)

    admin = make_user(database, "admin", role="admin")
    escalation = client.get("/v1/escalations", headers=auth(admin)).json()["items"][0]
    assert escalation["checkin_id"] == urgent
    acked = client.post(f"/v1/escalations/{escalation['id']}/acknowledge", headers=auth(admin))
    assert acked.status_code == 200, acked.text

    with database.unit_of_work() as session:
        question = session.scalar(
            select(SafetyQuestion).where(SafetyQuestion.checkin_id == uuid.UUID(uncertain))
        )
        assert question is not None
        token = Accounts(session).rotate_token(question.user_id)
    answered = client.post(
        f"/v1/safety-questions/{question.id}/answer", json={"answer": "no"}, headers=auth(token)
    )
    assert answered.status_code == 200, answered.text
    drain(job_context)
    drain(job_context)

    coach_types = [d.event_type for d in _sent(_deliveries(database, setup.coach_side))]
    for expected in ("escalation.opened", "escalation.acknowledged", "safety_question.answered"):
        assert expected in coach_types
    answered_payload = next(
        json.loads(d.payload)
        for d in _deliveries(database, setup.coach_side)
        if d.event_type == "safety_question.answered"
    )
    assert answered_payload["data"]["answer"] == "no"
    assert answered_payload["data"]["external_user_id"] == "u-asked"
    partner_types = {d.event_type for d in _sent(_deliveries(database, setup.partner_side))}
    assert not partner_types & COACH_ONLY_EVENTS
    assert not {str(d.checkin_id) for d in _sent(_deliveries(database, setup.partner_side))} & {
        urgent,
        uncertain,
    }


def test_a_held_delivery_is_released_by_the_relay_when_the_reading_came_in_meanwhile(
    client: Any, database: Database, knowledge_base: Path, job_context: Any
) -> None:
    from service.integrations.fanout import release_held

    setup = _setup(database)
    checkin_id = _push(client, setup, SAFE)
    drain(job_context)
    with database.unit_of_work() as session:
        # As if the relay's round had committed its held delivery after the classification's
        # own release ran: nothing but the relay's next pass can let it go.
        session.execute(
            WebhookDelivery.__table__.update()
            .where(WebhookDelivery.checkin_id == uuid.UUID(checkin_id))
            .values(status="held", next_attempt_at=None)
        )
    with database.unit_of_work() as session:
        assert release_held(session) >= 1
    rows = _deliveries(database, setup.partner_side)
    assert rows and all(d.status == "pending" and d.next_attempt_at for d in rows)


def test_one_delivery_per_event_and_subscription_even_if_the_relay_runs_twice(
    client: Any, database: Database, knowledge_base: Path, job_context: Any
) -> None:
    from service.integrations.fanout import fan_out
    from service.persistence.models import OutboxEvent

    setup = _setup(database)
    _push(client, setup, SAFE)
    drain(job_context)
    drain(job_context)
    before = len(_deliveries(database, setup.coach_side))
    with database.unit_of_work() as session:
        events = list(session.scalars(select(OutboxEvent)))
        assert fan_out(session, events) == 0
    assert len(_deliveries(database, setup.coach_side)) == before


def test_a_disabled_subscription_or_integration_gets_no_new_deliveries(
    client: Any, database: Database, knowledge_base: Path, job_context: Any
) -> None:
    from service.integrations.clients import Integrations

    setup = _setup(database)
    with database.unit_of_work() as session:
        sub = session.get(WebhookSubscription, setup.partner_side)
        assert sub is not None
        sub.status = "disabled"
    _push(client, setup, SAFE)
    drain(job_context)
    drain(job_context)
    assert _deliveries(database, setup.partner_side) == []
    assert _deliveries(database, setup.coach_side)

    with database.unit_of_work() as session:
        Integrations(session).disable(uuid.UUID(setup.integration_id))
        mapped = session.scalar(select(IntegrationUser.user_id))
        assert mapped is not None
        token = Accounts(session).rotate_token(mapped)
    before = len(_deliveries(database, setup.coach_side))
    client.post("/v1/checkins", json={"text": SAFE}, headers=auth(token))
    drain(job_context)
    drain(job_context)
    assert len(_deliveries(database, setup.coach_side)) == before
    with database.unit_of_work() as session:
        assert session.scalar(select(CheckIn.id).where(CheckIn.user_id == mapped)) is not None
