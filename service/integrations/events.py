"""The events integrations can subscribe to, and how a change records one.

An event is an outbox row written in the same transaction as the change it describes; the
relay fans it out to matching subscriptions (service/integrations/fanout.py) and RQ jobs
deliver it (service/integrations/delivery.py). ``data`` holds what the fan-out needs to build
the minimal payload: ids, levels, categories — never a partner's words.
"""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy.orm import Session

from service.lib import metrics
from service.persistence.models import Escalation, OutboxEvent

CHECKIN_RECEIVED = "checkin.received"
CHECKIN_CLASSIFIED = "checkin.classified"
TIP_READY = "tip.ready"
ESCALATION_OPENED = "escalation.opened"
ESCALATION_ACKNOWLEDGED = "escalation.acknowledged"
ESCALATION_RESOLVED = "escalation.resolved"
SAFETY_QUESTION_ANSWERED = "safety_question.answered"
SUBSCRIPTION_DISABLED = "subscription.disabled"

# About a check-in: may go to subscriptions that are not coach-side, unless it is at risk.
CHECKIN_EVENTS = frozenset({CHECKIN_RECEIVED, CHECKIN_CLASSIFIED, TIP_READY})
# About someone's safety: only ever to coach-side subscriptions.
COACH_ONLY_EVENTS = frozenset(
    {ESCALATION_OPENED, ESCALATION_ACKNOWLEDGED, ESCALATION_RESOLVED, SAFETY_QUESTION_ANSWERED}
)
# About the integration itself (a subscription of its own was disabled).
INTEGRATION_EVENTS = frozenset({SUBSCRIPTION_DISABLED})
EVENT_TYPES = tuple(sorted(CHECKIN_EVENTS) + sorted(COACH_ONLY_EVENTS) + sorted(INTEGRATION_EVENTS))


def record_event(
    session: Session,
    event_type: str,
    *,
    subject_id: uuid.UUID,
    user_id: uuid.UUID | None = None,
    checkin_id: uuid.UUID | None = None,
    data: dict[str, Any] | None = None,
) -> None:
    """Write ``event_type`` to the outbox in the caller's transaction.

    ``subject_id``: what the event is about (check-in, escalation, question, subscription);
    ``user_id``: the partner it concerns (integrations only hear about partners they map).
    """
    if event_type not in EVENT_TYPES:
        raise ValueError(f"unknown event type {event_type!r}")
    payload: dict[str, Any] = dict(data or {})
    if user_id is not None:
        payload["user_id"] = str(user_id)
    session.add(
        OutboxEvent(
            topic=event_type, aggregate_id=subject_id, checkin_id=checkin_id, payload=payload
        )
    )


def escalation_event(session: Session, event_type: str, escalation: Escalation) -> None:
    """Record an escalation's change (opened, acknowledged, resolved): coach-side only."""
    if escalation.id is None:
        session.flush()
    if event_type == ESCALATION_OPENED:
        # Check-ins, chat and safety answers all open (or reopen) escalations through here.
        metrics.escalation_opened(escalation.severity)
    evidence = escalation.evidence or {}
    record_event(
        session,
        event_type,
        subject_id=escalation.id,
        user_id=escalation.user_id,
        checkin_id=escalation.checkin_id,
        data={
            "escalation_id": str(escalation.id),
            "severity": escalation.severity,
            "categories": list(escalation.categories or []),
            "status": escalation.status,
            "lane": evidence.get("lane", "safety"),
            "source": "checkin" if escalation.checkin_id is not None else "chat",
            "links": {"escalation": f"/v1/escalations/{escalation.id}"},
        },
    )
