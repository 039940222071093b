"""Webhook subscriptions and their delivery log, as the operator manages them (CLI, admin API).

A subscription's signing secret is returned once, when it is created; views never carry it,
nor a delivery's payload (it may hold a partner's words).
"""

from __future__ import annotations

import ipaddress
import socket
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, NewType
from urllib.parse import urlsplit

from sqlalchemy import select
from sqlalchemy.orm import Session

from service.errors import ConflictError, InvalidInputError, NotFoundError
from service.integrations.delivery import disable_subscription
from service.integrations.events import COACH_ONLY_EVENTS, EVENT_TYPES
from service.integrations.secrets import new_secret
from service.persistence.models import (
    Integration,
    WebhookAttempt,
    WebhookDelivery,
    WebhookSubscription,
)

EVENTS_SCOPE = "events:read"
DELIVERY_STATUSES = ("held", "pending", "sending", "delivered", "failed", "withheld", "cancelled")
MAX_URL_CHARS = 2000
MAX_PAGE = 200

# A URL that passed check_url: subscribe() takes nothing else.
CheckedUrl = NewType("CheckedUrl", str)


def check_url(url: str, *, allow_private: bool) -> CheckedUrl:
    """``url`` if it is an http(s) URL with a host (and, unless ``allow_private``, one that
    resolves only to public addresses); otherwise an InvalidInputError saying why.

    Resolving a name blocks: async callers run this in a thread.
    """
    url = url.strip()
    if len(url) > MAX_URL_CHARS:
        raise InvalidInputError(f"the URL is longer than {MAX_URL_CHARS} characters")
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:
        raise InvalidInputError(f"not a valid URL: {exc}") from None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise InvalidInputError("the URL must start with http:// or https:// and name a host")
    if parts.username or parts.password:
        # It would be shown in every listing; receivers authenticate us by the signature.
        raise InvalidInputError("the URL must not carry a user name or password")
    if not allow_private:
        for address in _addresses(parts.hostname, port or 443):
            if _internal(address):
                raise InvalidInputError(
                    f"{parts.hostname} is a loopback, private or link-local address"
                    " (WEBHOOK_ALLOW_PRIVATE_URLS is off)"
                )
    return CheckedUrl(url)


def _addresses(host: str, port: int) -> list[ipaddress.IPv4Address | ipaddress.IPv6Address]:
    try:
        return [ipaddress.ip_address(host)]
    except ValueError:
        pass
    try:
        infos = socket.getaddrinfo(host, port, proto=socket.IPPROTO_TCP)
    except OSError:
        raise InvalidInputError(f"cannot resolve the host {host}") from None
    return [ipaddress.ip_address(str(info[4][0]).split("%")[0]) for info in infos]


def _internal(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return (
        address.is_private
        or address.is_loopback
        or address.is_link_local
        or address.is_reserved
        or address.is_multicast
        or address.is_unspecified
    )


def parse_events(events: Iterable[str]) -> list[str]:
    """Known event names, deduplicated, in catalogue order."""
    wanted = {e.strip() for e in events if e.strip()}
    if not wanted:
        raise InvalidInputError("name at least one event", known=list(EVENT_TYPES))
    unknown = sorted(wanted - set(EVENT_TYPES))
    if unknown:
        raise InvalidInputError(f"unknown event(s): {', '.join(unknown)}", known=list(EVENT_TYPES))
    return [e for e in EVENT_TYPES if e in wanted]


@dataclass(frozen=True)
class NewSubscription:
    subscription: WebhookSubscription
    secret: str  # shown once


def subscribe(
    session: Session,
    *,
    integration_id: uuid.UUID,
    url: CheckedUrl,
    events: Iterable[str],
    coach_side: bool = False,
) -> NewSubscription:
    """A new active subscription of an active integration with the ``events:read`` scope."""
    names = parse_events(events)
    coach_only = sorted(set(names) & COACH_ONLY_EVENTS)
    if coach_only and not coach_side:
        # The fan-out would never send them to it: say so now rather than stay silent.
        raise InvalidInputError(
            f"{', '.join(coach_only)} only go to coach-side subscriptions (coach_side)"
        )
    integration = session.get(Integration, integration_id)
    if integration is None:
        raise NotFoundError(f"integration {integration_id} not found")
    if integration.status != "active":
        raise ConflictError(f"integration {integration_id} is disabled")
    if EVENTS_SCOPE not in integration.scopes:
        raise ConflictError(f"integration {integration_id} lacks the {EVENTS_SCOPE} scope")
    secret = new_secret()
    sub = WebhookSubscription(
        id=uuid.uuid4(),
        integration_id=integration_id,
        url=url,
        events=names,
        coach_side=coach_side,
        secret=secret,
        status="active",
    )
    session.add(sub)
    session.flush()
    return NewSubscription(sub, secret)


def list_subscriptions(
    session: Session, *, integration_id: uuid.UUID | None = None
) -> list[WebhookSubscription]:
    query = select(WebhookSubscription).order_by(WebhookSubscription.created_at)
    if integration_id is not None:
        if session.get(Integration, integration_id) is None:
            raise NotFoundError(f"integration {integration_id} not found")
        query = query.where(WebhookSubscription.integration_id == integration_id)
    return list(session.scalars(query))


def disable(session: Session, subscription_id: uuid.UUID) -> WebhookSubscription:
    """Disable a subscription at the operator's request; its waiting deliveries are cancelled.
    Disabling it again changes nothing."""
    sub = session.scalar(
        select(WebhookSubscription)
        .where(WebhookSubscription.id == subscription_id)
        .with_for_update()
    )
    if sub is None:
        raise NotFoundError(f"subscription {subscription_id} not found")
    if sub.status != "disabled":
        disable_subscription(session, sub, "disabled by an operator")
    return sub


def list_deliveries(
    session: Session,
    *,
    subscription_id: uuid.UUID | None = None,
    status: str | None = None,
    limit: int = 50,
) -> list[WebhookDelivery]:
    """The newest deliveries first."""
    if status is not None and status not in DELIVERY_STATUSES:
        raise InvalidInputError(f"unknown status {status!r}", known=list(DELIVERY_STATUSES))
    query = select(WebhookDelivery).order_by(WebhookDelivery.created_at.desc(), WebhookDelivery.id)
    if subscription_id is not None:
        query = query.where(WebhookDelivery.subscription_id == subscription_id)
    if status is not None:
        query = query.where(WebhookDelivery.status == status)
    return list(session.scalars(query.limit(max(1, min(limit, MAX_PAGE)))))


def get_delivery(session: Session, delivery_id: uuid.UUID) -> WebhookDelivery:
    delivery = session.get(WebhookDelivery, delivery_id)
    if delivery is None:
        raise NotFoundError(f"delivery {delivery_id} not found")
    return delivery


def attempts_of(
    session: Session, delivery_ids: Iterable[uuid.UUID]
) -> dict[uuid.UUID, list[WebhookAttempt]]:
    """The delivery log of each delivery, oldest attempt first."""
    ids = list(delivery_ids)
    found: dict[uuid.UUID, list[WebhookAttempt]] = {i: [] for i in ids}
    if not ids:
        return found
    rows = session.scalars(
        select(WebhookAttempt)
        .where(WebhookAttempt.delivery_id.in_(ids))
        .order_by(WebhookAttempt.started_at, WebhookAttempt.id)
    )
    for row in rows:
        found[row.delivery_id].append(row)
    return found


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment is not None else None


def subscription_view(sub: WebhookSubscription) -> dict[str, Any]:
    return {
        "id": str(sub.id),
        "integration_id": str(sub.integration_id),
        "url": sub.url,
        "events": list(sub.events),
        "coach_side": sub.coach_side,
        "status": sub.status,
        "disabled_reason": sub.disabled_reason,
        "failing_since": _iso(sub.failing_since),
        "created_at": _iso(sub.created_at),
    }


def attempt_view(attempt: WebhookAttempt) -> dict[str, Any]:
    return {
        "attempt": attempt.attempt,
        "started_at": _iso(attempt.started_at),
        "status_code": attempt.status_code,
        "latency_ms": attempt.latency_ms,
        "error": attempt.error,
        "response_snippet": attempt.response_snippet,
    }


def delivery_view(
    delivery: WebhookDelivery, attempts: list[WebhookAttempt] | None = None
) -> dict[str, Any]:
    view: dict[str, Any] = {
        "id": str(delivery.id),
        "subscription_id": str(delivery.subscription_id),
        "message_id": delivery.message_id,
        "event_type": delivery.event_type,
        "event_id": delivery.event_id,
        "checkin_id": str(delivery.checkin_id) if delivery.checkin_id else None,
        "status": delivery.status,
        "attempts": delivery.attempts,
        "next_attempt_at": _iso(delivery.next_attempt_at),
        "last_status_code": delivery.last_status_code,
        "created_at": _iso(delivery.created_at),
        "delivered_at": _iso(delivery.delivered_at),
    }
    if attempts is not None:
        view["log"] = [attempt_view(a) for a in attempts]
    return view
