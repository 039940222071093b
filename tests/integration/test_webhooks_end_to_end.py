"""Webhooks through the whole real path: a signed check-in in, the pipeline, events out to a
real receiver that fails twice per message — each event arrives once, on schedule, logged."""

from __future__ import annotations

import json
import uuid
from collections import defaultdict
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from service.integrations.delivery import JITTER, RETRY_DELAYS
from service.integrations.events import CHECKIN_EVENTS, EVENT_TYPES
from service.integrations.subscriptions import check_url, subscribe
from service.lib.db import Database
from service.persistence.models import WebhookAttempt, WebhookDelivery
from tests.integration.conftest import auth, drain, make_user
from tests.integration.test_integrations_inbound import make_integration, push, raw, signed
from tests.support.webhook_receiver import FakeClock, Receiver

pytestmark = pytest.mark.integration

SAFE = "We cooked dinner together and laughed about our first date."
URGENT = "He's outside the door screaming that he'll kill me tonight, I'm hiding in the bathroom"


def _subscribe(
    database: Database, integration_id: str, url: str, events: Any, *, coach_side: bool
) -> tuple[uuid.UUID, str]:
    with database.unit_of_work() as session:
        made = subscribe(
            session,
            integration_id=uuid.UUID(integration_id),
            url=check_url(url, allow_private=True),
            events=events,
            coach_side=coach_side,
        )
        return made.subscription.id, made.secret


def _deliveries(database: Database) -> list[WebhookDelivery]:
    with database.unit_of_work() as session:
        return list(session.scalars(select(WebhookDelivery).order_by(WebhookDelivery.event_id)))


def _round(job_context: Any) -> int:
    from workers.runtime import deliver_due_once
    from workers.runtime import drain as run_jobs

    queued = deliver_due_once(job_context)
    run_jobs(job_context)
    return queued


def test_events_reach_a_flaky_receiver_exactly_once_on_schedule_with_a_complete_log(
    client: Any,
    database: Database,
    knowledge_base: Path,
    job_context: Any,
    receiver: tuple[Receiver, str],
    clock: FakeClock,
) -> None:
    app, url = receiver
    app.fail_first = 2  # every message: 500, 500, then 200
    integration_id, secret = make_integration(
        database, "couples-app", ("checkins:write", "events:read")
    )
    app_sub, app_secret = _subscribe(
        database, integration_id, url + "/app", sorted(CHECKIN_EVENTS), coach_side=False
    )
    coach_sub, coach_secret = _subscribe(
        database, integration_id, url + "/coach", EVENT_TYPES, coach_side=True
    )
    app.by_path = {"/hooks/app": (app_secret, 200), "/hooks/coach": (coach_secret, 200)}

    ids = {}
    for user, words in (("u-safe", SAFE), ("u-risk", URGENT)):
        body = raw({"external_user_id": user, "text": words})
        answer = push(client, integration_id, body, signed(secret, body))
        assert answer.status_code == 202, answer.text
        ids[user] = answer.json()["id"]
    drain(job_context)  # relay + pipeline
    admin = make_user(database, "admin", role="admin")
    (escalation,) = client.get("/v1/escalations", headers=auth(admin)).json()["items"]
    assert escalation["checkin_id"] == ids["u-risk"]
    assert client.post(
        f"/v1/escalations/{escalation['id']}/acknowledge", headers=auth(admin)
    ).status_code == 200  # fmt: skip
    drain(job_context)  # relays the events written by the pipeline's last steps and the coach

    # Deliver with a compressed clock: each round jumps to when the next attempts are due.
    clock.now = datetime.now(UTC) + timedelta(seconds=1)
    for round_ in range(3):
        assert _round(job_context) == 8 + 3  # every delivery, each round
        waiting = [d for d in _deliveries(database) if d.status == "pending"]
        if round_ == 2:
            assert waiting == []
            break
        assert len(waiting) == 11
        for delivery in waiting:
            assert delivery.attempts == round_ + 1
            gap = delivery.next_attempt_at - clock.now
            base = RETRY_DELAYS[round_]
            assert base * (1 - JITTER) <= gap <= base * (1 + JITTER), (round_, gap)
        # A second before the first is due, nothing goes.
        clock.now = min(d.next_attempt_at for d in waiting) - timedelta(seconds=1)
        assert _round(job_context) == 0
        clock.now = max(d.next_attempt_at for d in waiting)

    # The receiver: every request verified; per webhook-id three tries, the last one accepted.
    assert app.requests and all(r.verified for r in app.requests)
    tries: dict[str, list[int]] = defaultdict(list)
    for request in app.requests:
        tries[request.headers["webhook-id"]].append(request.status)
    assert all(statuses == [500, 500, 200] for statuses in tries.values())
    accepted = [r for r in app.requests if r.status == 200]
    seen = [(r.path, json.loads(r.body)["type"], json.loads(r.body)["data"].get("checkin_id"))
            for r in accepted]  # fmt: skip
    assert len(seen) == len(set(seen)) == len(tries)  # after dedup by webhook-id: once each

    safe, risk = ids["u-safe"], ids["u-risk"]
    assert sorted(t for p, t, c in seen if p == "/hooks/app") == sorted(CHECKIN_EVENTS)
    assert {c for p, t, c in seen if p == "/hooks/app"} == {safe}  # nothing of the urgent one
    coach = sorted((t, c) for p, t, c in seen if p == "/hooks/coach")
    assert coach == sorted(
        [(t, safe) for t in CHECKIN_EVENTS]
        + [(t, risk) for t in CHECKIN_EVENTS]
        + [("escalation.opened", risk), ("escalation.acknowledged", risk)]
    )
    for request in accepted:
        body = json.loads(request.body)
        assert set(body) == {"type", "timestamp", "data"}
        assert "text" not in body["data"] and "kill" not in request.body.decode()

    # The delivery log: every attempt, with status, latency and the receiver's words.
    deliveries = _deliveries(database)
    assert {d.status for d in deliveries if d.subscription_id == coach_sub} == {"delivered"}
    assert {(d.status, d.checkin_id) for d in deliveries if d.subscription_id == app_sub} == {
        ("delivered", uuid.UUID(safe)),
        ("withheld", uuid.UUID(risk)),
    }
    with database.unit_of_work() as session:
        for delivery in (d for d in deliveries if d.status == "delivered"):
            log = list(
                session.scalars(
                    select(WebhookAttempt)
                    .where(WebhookAttempt.delivery_id == delivery.id)
                    .order_by(WebhookAttempt.attempt)
                )
            )
            assert [a.attempt for a in log] == [1, 2, 3]
            assert [a.status_code for a in log] == [500, 500, 200]
            assert all(a.latency_ms >= 0 and a.response_snippet for a in log)
            assert log[0].response_snippet == "failure 1: try later"
            assert log[2].response_snippet == "answer 200"
