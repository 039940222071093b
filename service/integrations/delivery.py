"""Outbound webhook delivery: one signed POST per attempt, retried on a fixed schedule.

The fan-out (service/integrations/fanout.py) writes ``pending`` deliveries; the scheduler's
:func:`enqueue_due` hands the due ones to RQ and :func:`deliver` (the job) sends one attempt.
No transaction is open while the receiver is being waited for: a slow endpoint holds an HTTP
connection, never a database connection or a row lock.

Every attempt carries the delivery's ``webhook-id`` (receivers dedupe on it), a fresh
``webhook-timestamp`` and the Standard Webhooks signature of the stored body, and is written to
the delivery log (``webhook_attempts``).
"""

from __future__ import annotations

import json
import random
import time
import uuid
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import httpx
import structlog
from redis import Redis
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from service import __version__
from service.errors import ConflictError, NotFoundError
from service.integrations.events import SUBSCRIPTION_DISABLED, record_event
from service.integrations.secrets import sign
from service.lib import metrics
from service.lib.queue import delivery_job_id, enqueue_delivery, waiting_job_ids
from service.persistence.models import (
    Integration,
    WebhookAttempt,
    WebhookDelivery,
    WebhookSubscription,
)

log = structlog.get_logger(__name__)

# Wait after failed attempt n (n = 1..7); the 8th failure is final. ~24.2 h from first to last.
RETRY_DELAYS = (
    timedelta(seconds=10),
    timedelta(minutes=1),
    timedelta(minutes=10),
    timedelta(hours=1),
    timedelta(hours=3),
    timedelta(hours=8),
    timedelta(hours=12),
)
MAX_ATTEMPTS = len(RETRY_DELAYS) + 1
JITTER = 0.10  # ±10 %: receivers that fail together are not all retried in the same second
FAILING_LIMIT = timedelta(hours=24)  # a subscription failing this long is disabled
STALE_SENDING = timedelta(seconds=60)  # past the HTTP timeout: the worker died mid-attempt
SNIPPET_CHARS = 200
USER_AGENT = f"Attune-Webhooks/{__version__}"
TEST_EVENT = "webhook.test"

Clock = Callable[[], datetime]
UnitOfWork = Callable[[], AbstractContextManager[Session]]


def utcnow() -> datetime:
    return datetime.now(UTC)


def retry_delay(attempt: int, *, rng: random.Random | None = None) -> timedelta | None:
    """How long to wait after failed attempt ``attempt`` (1-based), jittered; None: give up."""
    if attempt < 1:
        raise ValueError("attempts are numbered from 1")
    if attempt >= MAX_ATTEMPTS:
        return None
    spread = (rng or random).uniform(-JITTER, JITTER)
    return RETRY_DELAYS[attempt - 1] * (1 + spread)


@dataclass(frozen=True)
class Response:
    """What one POST came to: a status code, or the kind of error that stopped it."""

    status_code: int | None
    latency_ms: int
    snippet: str | None = None
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300


@dataclass(frozen=True)
class _Claim:
    delivery_id: uuid.UUID
    subscription_id: uuid.UUID
    message_id: str
    attempt: int
    url: str
    secret: str
    body: bytes
    started_at: datetime


def post_signed(
    client: httpx.Client, url: str, secret: str, message_id: str, body: bytes, *, timeout: float
) -> Response:
    """POST ``body`` signed with ``secret``; redirects are not followed (a 3xx is a failure)."""
    # The timestamp is the wall clock at sending, whatever clock schedules the retries:
    # receivers reject a signature more than five minutes away from their own time.
    headers = {
        "content-type": "application/json",
        "user-agent": USER_AGENT,
        "webhook-id": message_id,
        "webhook-timestamp": str(int(time.time())),
    }
    sent_at = datetime.fromtimestamp(int(headers["webhook-timestamp"]), UTC)
    headers["webhook-signature"] = sign(secret, message_id, sent_at, body)
    started = time.monotonic()
    try:
        with client.stream(
            "POST", url, content=body, headers=headers, timeout=timeout, follow_redirects=False
        ) as response:
            head = b""
            for chunk in response.iter_bytes():
                head += chunk
                if len(head) >= 4 * SNIPPET_CHARS:  # enough for the snippet; never read it all
                    break
            status = response.status_code
    except httpx.TimeoutException:
        return Response(None, _ms_since(started), error="timeout")
    except httpx.ConnectError:
        return Response(None, _ms_since(started), error="connection failed")
    except (httpx.HTTPError, httpx.InvalidURL) as exc:
        return Response(None, _ms_since(started), error=type(exc).__name__[:SNIPPET_CHARS])
    text = " ".join(head.decode("utf-8", errors="replace").split())
    return Response(status, _ms_since(started), snippet=text[:SNIPPET_CHARS] or None)


def _ms_since(started: float) -> int:
    return round((time.monotonic() - started) * 1000)


def deliver(
    unit_of_work: UnitOfWork,
    client: httpx.Client,
    delivery_id: uuid.UUID,
    *,
    timeout: float,
    clock: Clock = utcnow,
    rng: random.Random | None = None,
) -> str:
    """Make the delivery's next attempt if it is due; returns what happened (``skipped``,
    ``delivered``, ``retrying``, ``failed``, ``cancelled``, ``disabled``)."""
    with unit_of_work() as session:
        claim = _claim(session, delivery_id, now=clock(), timeout=timeout)
    if claim is None:
        return "skipped"
    with structlog.contextvars.bound_contextvars(
        delivery_id=str(delivery_id), subscription_id=str(claim.subscription_id)
    ):
        response = post_signed(
            client, claim.url, claim.secret, claim.message_id, claim.body, timeout=timeout
        )
        with unit_of_work() as session:
            outcome = _record(session, claim, response, now=clock(), rng=rng)
        log.info(
            "webhook attempt", attempt=claim.attempt, status_code=response.status_code,
            error=response.error, latency_ms=response.latency_ms, outcome=outcome,
        )  # fmt: skip
        metrics.webhook_attempt(outcome)
    return outcome


def _claim(
    session: Session, delivery_id: uuid.UUID, *, now: datetime, timeout: float
) -> _Claim | None:
    """Lock a due delivery and mark it ``sending``; None if it is not ours to send now."""
    delivery = session.scalar(
        select(WebhookDelivery)
        .where(WebhookDelivery.id == delivery_id)
        .with_for_update(skip_locked=True)
    )
    if delivery is None or delivery.status not in ("pending", "sending"):
        return None
    if delivery.next_attempt_at is None or delivery.next_attempt_at > now:
        return None
    sub = session.get(WebhookSubscription, delivery.subscription_id)
    integration = session.get(Integration, sub.integration_id) if sub else None
    if (
        sub is None
        or sub.status != "active"
        or integration is None
        or integration.status != "active"
    ):
        delivery.status, delivery.next_attempt_at = "cancelled", None
        return None
    lease = timedelta(seconds=timeout) + STALE_SENDING
    if delivery.status == "sending":
        # Its worker stopped between sending and recording: that attempt's outcome is unknown.
        session.add(
            WebhookAttempt(
                delivery_id=delivery.id,
                attempt=delivery.attempts,
                started_at=delivery.next_attempt_at - lease,
                latency_ms=0,
                error="no outcome recorded (the worker stopped)",
            )
        )
        if delivery.attempts >= MAX_ATTEMPTS:
            delivery.status, delivery.next_attempt_at = "failed", None
            return None
    delivery.status = "sending"
    delivery.attempts += 1
    # A lease: if nothing records an outcome by then, enqueue_due picks the delivery up again.
    delivery.next_attempt_at = now + lease
    return _Claim(
        delivery_id=delivery.id,
        subscription_id=sub.id,
        message_id=delivery.message_id,
        attempt=delivery.attempts,
        url=sub.url,
        secret=sub.secret,
        body=delivery.payload.encode(),
        started_at=now,
    )


def _record(
    session: Session,
    claim: _Claim,
    response: Response,
    *,
    now: datetime,
    rng: random.Random | None,
) -> str:
    """Log the attempt and move the delivery (and maybe its subscription) on."""
    delivery = session.scalar(
        select(WebhookDelivery).where(WebhookDelivery.id == claim.delivery_id).with_for_update()
    )
    sub = session.scalar(
        select(WebhookSubscription)
        .where(WebhookSubscription.id == claim.subscription_id)
        .with_for_update()
    )
    if delivery is None or sub is None:
        return "cancelled"  # deleted (with its log) while we were sending
    session.add(
        WebhookAttempt(
            delivery_id=claim.delivery_id,
            attempt=claim.attempt,
            started_at=claim.started_at,
            status_code=response.status_code,
            latency_ms=response.latency_ms,
            error=response.error,
            response_snippet=response.snippet,
        )
    )
    if delivery.status != "sending" or delivery.attempts != claim.attempt:
        return delivery.status  # redelivered or cancelled meanwhile: only the log changes
    delivery.last_status_code = response.status_code
    if response.ok:
        delivery.status, delivery.delivered_at, delivery.next_attempt_at = "delivered", now, None
        sub.failing_since = None
        return "delivered"
    if response.status_code == 410:
        delivery.status, delivery.next_attempt_at = "cancelled", None
        if sub.status == "active":
            _disable(session, sub, "the receiver answered 410 Gone", now=now, notify=True)
        return "disabled"
    if sub.status != "active":
        delivery.status, delivery.next_attempt_at = "cancelled", None
        return "cancelled"
    if sub.failing_since is None:
        sub.failing_since = claim.started_at
    elif now - sub.failing_since >= FAILING_LIMIT:
        delivery.status, delivery.next_attempt_at = "failed", None
        _disable(session, sub, "failing for 24 hours", now=now, notify=True)
        return "disabled"
    delay = retry_delay(claim.attempt, rng=rng)
    if delay is None:
        delivery.status, delivery.next_attempt_at = "failed", None
        return "failed"
    delivery.status, delivery.next_attempt_at = "pending", now + delay
    return "retrying"


def disable_subscription(
    session: Session,
    sub: WebhookSubscription,
    reason: str,
    *,
    now: datetime | None = None,
    notify: bool = False,
) -> int:
    """Disable ``sub`` and cancel its waiting deliveries; returns how many were cancelled.

    ``notify``: also tell the admin (a warning and a ``subscription.disabled`` event) — for
    disables nobody asked for.
    """
    return _disable(session, sub, reason, now=now or utcnow(), notify=notify)


def _disable(
    session: Session, sub: WebhookSubscription, reason: str, *, now: datetime, notify: bool
) -> int:
    sub.status, sub.disabled_reason = "disabled", reason
    # A delivery already being sent finishes its attempt and is cancelled if it fails.
    cancelled = session.execute(
        update(WebhookDelivery)
        .where(
            WebhookDelivery.subscription_id == sub.id,
            WebhookDelivery.status.in_(("pending", "held")),
        )
        .values(status="cancelled", next_attempt_at=None, updated_at=now)
    ).rowcount  # type: ignore[attr-defined]
    if notify:
        log.warning(
            "webhook subscription disabled", subscription_id=str(sub.id),
            integration_id=str(sub.integration_id), reason=reason, cancelled=cancelled,
        )  # fmt: skip
        record_event(
            session,
            SUBSCRIPTION_DISABLED,
            subject_id=sub.id,
            data={
                "subscription_id": str(sub.id),
                "integration_id": str(sub.integration_id),
                "reason": reason,
            },
        )
    return int(cancelled)


def enqueue_due(
    session: Session, redis: Redis, *, now: datetime, timeout: float, limit: int = 200
) -> int:
    """Enqueue one job per due delivery (and per ``sending`` one whose worker died); returns
    how many jobs were enqueued. Safe to repeat: a job already waiting is not queued again."""
    rows = session.execute(
        select(WebhookDelivery.id, WebhookDelivery.attempts, WebhookDelivery.next_attempt_at)
        .where(
            WebhookDelivery.status.in_(("pending", "sending")),
            WebhookDelivery.next_attempt_at <= now,
        )
        .order_by(WebhookDelivery.next_attempt_at)
        .limit(limit)
    ).all()
    if not rows:
        return 0
    # The job id names the attempt and its due time: the same due attempt is one job however
    # often this runs, and a redelivery or a lease that ran out gets a new one.
    jobs = {delivery_job_id(r.id, r.attempts + 1, r.next_attempt_at): r for r in rows}
    waiting = waiting_job_ids(redis, list(jobs))
    enqueued = 0
    for job_id, row in jobs.items():
        if job_id not in waiting and enqueue_delivery(redis, row.id, job_id, timeout=timeout):
            enqueued += 1
    return enqueued


def redeliver(session: Session, delivery_id: uuid.UUID, *, now: datetime | None = None) -> None:
    """Send a delivery again from the start of the schedule (same ``webhook-id``; the log of
    earlier attempts is kept)."""
    delivery = session.scalar(
        select(WebhookDelivery).where(WebhookDelivery.id == delivery_id).with_for_update()
    )
    if delivery is None:
        raise NotFoundError(f"delivery {delivery_id} not found")
    if delivery.status in ("held", "withheld", "sending"):
        raise ConflictError(
            f"delivery {delivery_id} is {delivery.status}; it cannot be sent again now",
            delivery_status=delivery.status,
        )
    sub = session.get(WebhookSubscription, delivery.subscription_id)
    if sub is None or sub.status != "active":
        raise ConflictError(f"the subscription of delivery {delivery_id} is disabled")
    delivery.status, delivery.attempts = "pending", 0
    delivery.next_attempt_at, delivery.delivered_at = now or utcnow(), None


def webhook_test_body(now: datetime) -> bytes:
    """The body of a ``webhook.test`` message."""
    moment = now.isoformat().replace("+00:00", "Z")
    body = {"type": TEST_EVENT, "timestamp": moment, "data": {"test": True}}
    return json.dumps(body, separators=(",", ":")).encode()


def send_test(
    url: str, secret: str, *, timeout: float, client: httpx.Client | None = None
) -> tuple[str, Response]:
    """Send one signed ``webhook.test`` message to ``url``; returns its message id and how the
    receiver answered (nothing is stored)."""
    message_id = f"msg_{uuid.uuid4().hex}"
    body = webhook_test_body(utcnow())
    if client is not None:
        return message_id, post_signed(client, url, secret, message_id, body, timeout=timeout)
    with httpx.Client() as own:
        return message_id, post_signed(own, url, secret, message_id, body, timeout=timeout)
