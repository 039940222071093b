"""From outbox events to webhook deliveries: who may hear of what.

The relay calls :func:`fan_out` in the transaction that marks the events dispatched, so an
event becomes its deliveries exactly once. The rules, in order:

1. A subscription hears only of partners its integration maps (``integration_users``): an
   integration never learns about people it does not already know.
2. Escalation and safety-question events go only to coach-side subscriptions.
3. An event about a check-in goes to a subscription that is not coach-side only once the
   check-in's safety reading is done, and never when it is at risk (elevated or urgent, any
   risk category, or a safety question asked): such an endpoint may be an app the other
   partner also uses. Every such delivery starts ``held``; once the reading is there it is
   released or withheld (:func:`release_held`, the rule in one SQL statement).
4. The partner's text travels only to integrations with the ``text:read`` scope, and only in
   ``checkin.received``.

Payloads are minimal (ids, levels, categories, links) in the Standard Webhooks shape
``{"type", "timestamp", "data"}``; each carries ``occurred_at`` and a ``sequence`` per
check-in, since delivery order is not guaranteed.
"""

from __future__ import annotations

import json
import uuid
from collections import defaultdict
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select, text
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.orm import Session

from service.integrations.events import (
    CHECKIN_EVENTS,
    CHECKIN_RECEIVED,
    COACH_ONLY_EVENTS,
    EVENT_TYPES,
    SUBSCRIPTION_DISABLED,
)
from service.persistence.models import (
    CheckIn,
    Integration,
    IntegrationUser,
    OutboxEvent,
    WebhookDelivery,
    WebhookSubscription,
)

TEXT_SCOPE = "text:read"


def is_webhook_event(event: OutboxEvent) -> bool:
    # A swept check-in re-issues checkin.received for the pipeline: not news to anyone.
    return event.topic in EVENT_TYPES and not (event.payload or {}).get("sweep")


def fan_out(session: Session, events: list[OutboxEvent], *, now: datetime | None = None) -> int:
    """Create the deliveries for ``events``; returns how many were created."""
    news = [e for e in events if is_webhook_event(e)]
    if not news:
        return 0
    topics = sorted({e.topic for e in news})
    subscriptions = list(
        session.scalars(
            select(WebhookSubscription)
            .join(Integration, Integration.id == WebhookSubscription.integration_id)
            .where(
                WebhookSubscription.status == "active",
                Integration.status == "active",
                WebhookSubscription.events.overlap(topics),
            )
        )
    )
    if not subscriptions:
        return 0
    integrations = {
        i.id: i
        for i in session.scalars(
            select(Integration).where(Integration.id.in_({s.integration_id for s in subscriptions}))
        )
    }
    external = _external_ids(session, news, set(integrations))
    sequences = _sequences(session, {e.checkin_id for e in news if e.checkin_id is not None})
    texts: dict[uuid.UUID, str] = {}
    created = 0
    moment = now or datetime.now(UTC)
    for event in news:
        for sub in subscriptions:
            if event.topic not in sub.events:
                continue
            decision = _decide(event, sub, external)
            if decision is None:
                continue
            ext_id, status = decision
            integration = integrations[sub.integration_id]
            words = None
            if (
                event.topic == CHECKIN_RECEIVED
                and TEXT_SCOPE in integration.scopes
                and event.checkin_id is not None
            ):
                words = texts.get(event.checkin_id) or _text(session, event.checkin_id)
                texts[event.checkin_id] = words
            body = payload(event, external_user_id=ext_id, text=words,
                           sequence=sequences.get(event.id))  # fmt: skip
            result = session.execute(
                insert(WebhookDelivery)
                .values(
                    id=uuid.uuid4(),
                    subscription_id=sub.id,
                    event_id=event.id,
                    event_type=event.topic,
                    checkin_id=event.checkin_id,
                    payload=body,
                    status=status,
                    attempts=0,
                    next_attempt_at=moment if status == "pending" else None,
                    created_at=moment,
                    updated_at=moment,
                )
                .on_conflict_do_nothing(index_elements=["subscription_id", "event_id"])
                .returning(WebhookDelivery.id)
            )
            created += len(result.all())
    release_held(session)  # those whose check-in was read meanwhile go now (or never)
    return created


def _decide(
    event: OutboxEvent,
    sub: WebhookSubscription,
    external: dict[tuple[uuid.UUID, uuid.UUID], str],
) -> tuple[str | None, str] | None:
    """(external_user_id, status) of the delivery ``sub`` gets, or None for none."""
    data = event.payload or {}
    if event.topic == SUBSCRIPTION_DISABLED:
        # Told to the integration's other subscriptions, never to the one that stopped.
        same = data.get("integration_id") == str(sub.integration_id)
        return (None, "pending") if same and data.get("subscription_id") != str(sub.id) else None
    user_id = data.get("user_id")
    if user_id is None:
        return None
    ext_id = external.get((sub.integration_id, uuid.UUID(user_id)))
    if ext_id is None:  # rule 1: not a partner this integration knows
        return None
    if event.topic in COACH_ONLY_EVENTS and not sub.coach_side:  # rule 2
        return None
    if event.topic in CHECKIN_EVENTS and not sub.coach_side and event.checkin_id is not None:
        return ext_id, "held"  # rule 3: release_held decides once the reading is in
    return ext_id, "pending"


# Rule 3 in one place: a check-in is at risk for webhooks when its reading is elevated or
# urgent, names any risk category, or led to a safety question.
_RELEASE = text("""
UPDATE webhook_deliveries AS d
SET status = CASE WHEN r.at_risk THEN 'withheld' ELSE 'pending' END,
    next_attempt_at = CASE WHEN r.at_risk THEN NULL ELSE now() END,
    updated_at = now()
FROM (
    SELECT c.checkin_id,
           c.risk_level IN ('elevated', 'urgent')
           OR cardinality(c.risk_categories) > 0
           OR EXISTS (SELECT 1 FROM safety_questions q WHERE q.checkin_id = c.checkin_id)
           AS at_risk
    FROM classifications c
) AS r
WHERE d.status = 'held' AND d.checkin_id = r.checkin_id
  AND (CAST(:checkin_id AS uuid) IS NULL OR d.checkin_id = CAST(:checkin_id AS uuid))
""")


def release_held(session: Session, checkin_id: uuid.UUID | None = None) -> int:
    """Held deliveries whose check-in has been read go out, or never (at risk).

    The classification calls it for its check-in in its own transaction; the relay calls it for
    all after each fan-out, which also catches a classification that committed while the
    relay's round was holding new deliveries it could not yet see.
    """
    session.flush()  # the reading and any safety question must be visible to the statement
    result = session.execute(_RELEASE, {"checkin_id": checkin_id})
    return int(result.rowcount)  # type: ignore[attr-defined]


def payload(
    event: OutboxEvent,
    *,
    external_user_id: str | None,
    text: str | None = None,
    sequence: int | None = None,
) -> str:
    """The exact JSON body a subscription receives for ``event``."""
    data: dict[str, Any] = {
        k: v for k, v in (event.payload or {}).items() if k not in ("user_id", "sweep")
    }
    occurred = event.created_at.astimezone(UTC).isoformat().replace("+00:00", "Z")
    data["event_id"] = f"evt_{event.id}"
    data["occurred_at"] = occurred
    if event.checkin_id is not None:
        data["checkin_id"] = str(event.checkin_id)
        data["sequence"] = sequence or 1
        data.setdefault("links", {})["checkin"] = f"/v1/checkins/{event.checkin_id}"
    if external_user_id is not None:
        data["external_user_id"] = external_user_id
    if text is not None:
        data["text"] = text
    return json.dumps(
        {"type": event.topic, "timestamp": occurred, "data": data},
        ensure_ascii=False,
        separators=(",", ":"),
        sort_keys=True,
    )


def _external_ids(
    session: Session, events: list[OutboxEvent], integration_ids: set[uuid.UUID]
) -> dict[tuple[uuid.UUID, uuid.UUID], str]:
    users = {uuid.UUID(u) for e in events if (u := (e.payload or {}).get("user_id"))}
    if not users or not integration_ids:
        return {}
    rows = session.execute(
        select(IntegrationUser.integration_id, IntegrationUser.user_id,
               IntegrationUser.external_user_id)
        .where(IntegrationUser.user_id.in_(users),
               IntegrationUser.integration_id.in_(integration_ids))
        .order_by(IntegrationUser.created_at)
    ).all()  # fmt: skip
    mapping: dict[tuple[uuid.UUID, uuid.UUID], str] = {}
    for integration_id, user_id, ext in rows:
        mapping.setdefault((integration_id, user_id), ext)  # the first mapping names them
    return mapping


def _sequences(session: Session, checkin_ids: set[uuid.UUID]) -> dict[int, int]:
    """Each webhook event's position among its check-in's events (1, 2, …)."""
    if not checkin_ids:
        return {}
    rows = session.execute(
        select(OutboxEvent.id, OutboxEvent.checkin_id)
        .where(
            OutboxEvent.checkin_id.in_(checkin_ids),
            OutboxEvent.topic.in_(EVENT_TYPES),
            ~OutboxEvent.payload.has_key("sweep"),
        )
        .order_by(OutboxEvent.id)
    ).all()
    counters: dict[uuid.UUID | None, int] = defaultdict(int)
    sequence: dict[int, int] = {}
    for event_id, checkin_id in rows:
        counters[checkin_id] += 1
        sequence[event_id] = counters[checkin_id]
    return sequence


def _text(session: Session, checkin_id: uuid.UUID) -> str:
    checkin = session.get(CheckIn, checkin_id)
    return checkin.text if checkin is not None else ""
