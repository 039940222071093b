"""The outbox relay and the sweeper: no accepted check-in is ever left behind."""

from __future__ import annotations

import math
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from service.checkins.service import TOPIC_CHECKIN_RECEIVED
from service.integrations.fanout import fan_out
from service.persistence.models import CheckIn, OutboxEvent

Dispatch = Callable[[list[OutboxEvent]], None]


def relay_pending(
    session: Session, dispatch: Dispatch, *, limit: int = 400, batch_size: int = 1
) -> int:
    """Hand pending check-ins to ``dispatch`` in batches of at most ``batch_size``, turn
    pending events into webhook deliveries (service/integrations/fanout.py), and mark them
    all sent; concurrent relays skip each other.

    Whatever is pending goes now: a batch never waits to fill. A round's events are split into
    batches of even size (100 pending, 32 per batch: 4 batches of 25, not 32+32+32+4), so that
    several workers finish together. If dispatch fails the transaction rolls back and the events
    stay pending for the next round.
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
    # Only a check-in's arrival is work for the pipeline; every event may be news for webhooks.
    arrivals = [e for e in events if e.topic == TOPIC_CHECKIN_RECEIVED]
    for batch in split_even(arrivals, batch_size):
        dispatch(batch)
    fan_out(session, events, now=now)
    for event in events:
        event.attempts += 1
        event.dispatched_at = now
    session.flush()
    return len(events)


def split_even(events: list[OutboxEvent], batch_size: int) -> list[list[OutboxEvent]]:
    """``events`` in order, in the fewest batches of at most ``batch_size``, sizes within one."""
    if not events:
        return []
    count = math.ceil(len(events) / max(1, batch_size))
    size, extra = divmod(len(events), count)
    batches, start = [], 0
    for n in range(count):
        end = start + size + (1 if n < extra else 0)
        batches.append(events[start:end])
        start = end
    return batches


def sweep_stuck(session: Session, *, older_than: timedelta) -> int:
    """Re-issue events for check-ins stuck mid-pipeline past their deadline."""
    deadline = datetime.now(UTC) - older_than
    stuck = list(
        session.scalars(
            select(CheckIn.id)
            # Not 'failed': a job gave up on those after its retries and they failed closed;
            # an operator replays them (`attune jobs replay`), the sweeper would loop on them.
            .where(CheckIn.status.in_(("received", "classified")), CheckIn.updated_at < deadline)
            .with_for_update(skip_locked=True)
        )
    )
    for checkin_id in stuck:
        session.add(
            OutboxEvent(
                topic=TOPIC_CHECKIN_RECEIVED,
                aggregate_id=checkin_id,
                checkin_id=checkin_id,
                payload={"sweep": True},
            )
        )
    if stuck:
        session.execute(
            update(CheckIn).where(CheckIn.id.in_(stuck)).values(updated_at=datetime.now(UTC))
        )
    session.flush()
    return len(stuck)
