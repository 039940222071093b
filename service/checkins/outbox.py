"""The outbox relay and the sweeper: no accepted check-in is ever left behind."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from service.checkins.service import TOPIC_CHECKIN_RECEIVED
from service.persistence.models import CheckIn, OutboxEvent

Dispatch = Callable[[OutboxEvent], None]


def relay_pending(session: Session, dispatch: Dispatch, *, limit: int = 100) -> int:
    """Hand pending events to ``dispatch`` and mark them sent; concurrent relays skip each other.

    If dispatch fails the transaction rolls back and the events stay pending for the next round.
    """
    events = list(
        session.scalars(
            select(OutboxEvent)
            .where(OutboxEvent.dispatched_at.is_(None))
            .order_by(OutboxEvent.id)
            .limit(limit)
            .with_for_update(skip_locked=True)
        )
    )
    now = datetime.now(UTC)
    for event in events:
        event.attempts += 1
        dispatch(event)
        event.dispatched_at = now
    session.flush()
    return len(events)


def sweep_stuck(session: Session, *, older_than: timedelta) -> int:
    """Re-issue events for check-ins stuck mid-pipeline past their deadline."""
    deadline = datetime.now(UTC) - older_than
    stuck = list(
        session.scalars(
            select(CheckIn.id)
            .where(CheckIn.status.in_(("received", "classified")), CheckIn.updated_at < deadline)
            .with_for_update(skip_locked=True)
        )
    )
    for checkin_id in stuck:
        session.add(
            OutboxEvent(
                topic=TOPIC_CHECKIN_RECEIVED, aggregate_id=checkin_id, payload={"sweep": True}
            )
        )
    if stuck:
        session.execute(
            update(CheckIn).where(CheckIn.id.in_(stuck)).values(updated_at=datetime.now(UTC))
        )
    session.flush()
    return len(stuck)
