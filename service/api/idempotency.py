"""``Idempotency-Key`` on creating POSTs: the first response is kept per caller and replayed.

The contract clients rely on is docs/api/idempotency.md. In short: a POST with the header claims
``(caller, key)`` in one atomic statement; the one request that holds the claim runs the
handler, and a 2xx answer is stored (encrypted: a chat reply holds a partner's words) before
its last byte reaches the client. Any other request with the same key waits for that answer
and replays it. A failed attempt (4xx, 5xx, an exception) releases the claim: nothing was
created, and a retry must be able to run again, even with a fixed body. So does a 2xx stream
that ended early (the client left): there is no whole answer to replay.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import math
import time
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, cast

import anyio
import structlog
from litestar import Request
from litestar.enums import ScopeType
from litestar.handlers import HTTPRouteHandler
from litestar.types import ASGIApp, HTTPScope, Message, Receive, ReceiveMessage, Scope, Send
from sqlalchemy import delete, func
from sqlalchemy.engine import CursorResult
from sqlalchemy.orm import Session

from service.accounts.callers import resolve_caller
from service.api.auth import bearer_token
from service.api.problems import problem
from service.errors import UnauthenticatedError
from service.lib.crypto import current_cipher
from service.lib.db import AsyncDatabase
from service.persistence.models import IdempotencyKey

log = structlog.get_logger(__name__)

HEADER = b"idempotency-key"
EXEMPT_PREFIX = "/v1/integrations/"  # inbound webhooks deduplicate on their webhook-id
LOCK = timedelta(seconds=60)  # a claim older than this belongs to an attempt that died
WAIT_SECONDS = 30.0  # how long a duplicate waits for the first attempt before a 409
POLL_SECONDS = 0.03
KEPT_HEADERS = frozenset({b"content-type", b"location", b"cache-control"})

# An existing row is taken over only once it has expired, or when it is a claim whose attempt
# died (its lock ran out) for the same request: a dead claim for another body stays a 422,
# since we cannot know whether that attempt created something. The new ``locked_until`` is
# the claim's fencing token: a late attempt whose claim was taken over cannot overwrite it.
_CLAIM = """
INSERT INTO idempotency_keys AS k
    (caller_id, key, fingerprint, state, created_at, locked_until, expires_at)
VALUES ($1, $2, $3, 'running', now(), now() + $4::interval, now() + $5::interval)
ON CONFLICT (caller_id, key) DO UPDATE
SET fingerprint = EXCLUDED.fingerprint, state = 'running', status_code = NULL, headers = NULL,
    body = NULL, created_at = EXCLUDED.created_at, locked_until = EXCLUDED.locked_until,
    expires_at = EXCLUDED.expires_at
WHERE k.expires_at < now()
   OR (k.state = 'running' AND k.locked_until < now() AND k.fingerprint = EXCLUDED.fingerprint)
RETURNING locked_until
"""
_READ = """
SELECT fingerprint, state, status_code, headers::text AS headers, body
FROM idempotency_keys WHERE caller_id = $1 AND key = $2
"""
_STORE = """
UPDATE idempotency_keys SET state = 'done', status_code = $4, headers = $5::jsonb, body = $6
WHERE caller_id = $1 AND key = $2 AND locked_until = $3
"""
_RELEASE = "DELETE FROM idempotency_keys WHERE caller_id = $1 AND key = $2 AND locked_until = $3"


def parse_key(raw: bytes) -> str | None:
    """The key if it is 1 to 255 printable ASCII characters, else None."""
    if not 1 <= len(raw) <= 255 or not raw.isascii():
        return None
    key = raw.decode("ascii")
    return key if key.isprintable() else None


def fingerprint(method: str, path: str, query: bytes, body: bytes) -> str:
    """What makes two requests "the same": method, path, query string and raw body."""
    digest = hashlib.sha256()
    for part in (method.encode(), path.encode(), query, body):
        # Length-prefixed, so that moving bytes between parts changes the digest.
        digest.update(len(part).to_bytes(8, "big") + part)
    return digest.hexdigest()


def purge_expired_idempotency_keys(session: Session) -> int:
    """Delete keys past their window (for the scheduler); returns how many went."""
    result = session.execute(delete(IdempotencyKey).where(IdempotencyKey.expires_at < func.now()))
    return cast("CursorResult[Any]", result).rowcount


def idempotency_middleware(app: ASGIApp) -> ASGIApp:
    """Make POSTs that carry an ``Idempotency-Key`` safe to retry (see the module docstring)."""
    from service.settings import get_settings

    ttl = timedelta(hours=get_settings().idempotency_ttl_hours)

    async def middleware(scope: Scope, receive: Receive, send: Send) -> None:
        # The hot path: a request without the header costs one scan of its headers.
        if scope["type"] == ScopeType.HTTP and scope["method"] == "POST":
            raw = next((v for n, v in scope["headers"] if n == HEADER), None)
            if raw is not None and not scope["path"].startswith(EXEMPT_PREFIX):
                await _keyed(app, scope, receive, send, raw, ttl)
                return
        await app(scope, receive, send)

    return middleware


@dataclass(frozen=True)
class _Claim:
    db: AsyncDatabase
    caller_id: uuid.UUID
    key: str
    fingerprint: str


async def _keyed(
    app: ASGIApp, scope: HTTPScope, receive: Receive, send: Send, raw: bytes, ttl: timedelta
) -> None:
    key = parse_key(raw)
    if key is None:
        detail = "the key must be 1 to 255 printable ASCII characters"
        await _problem(scope, receive, send, 400, "Invalid Idempotency-Key", detail)
        return
    state = scope["litestar_app"].state
    try:
        caller = await resolve_caller(state.adb, state.callers, bearer_token(Request(scope)))
    except UnauthenticatedError:  # the route answers 401 itself; nothing to remember
        await app(scope, receive, send)
        return
    handler = cast("HTTPRouteHandler", scope["route_handler"])
    limit = handler.resolve_request_max_body_size() or math.inf
    messages: list[ReceiveMessage] = []
    chunks: list[bytes] = []
    size, more = 0, True
    while more and size <= limit:
        message = await receive()
        messages.append(message)
        more = message["type"] == "http.request" and message.get("more_body", False)
        if message["type"] == "http.request":
            chunks.append(message["body"])
            size += len(message["body"])
    pending = iter(messages)

    async def replay_body() -> ReceiveMessage:
        return next(pending, None) or await receive()

    # Too large (the app answers 413) or cut off by the client: nothing will be created.
    if size > limit or more or messages[-1]["type"] != "http.request":
        await app(scope, replay_body, send)
        return
    body = b"".join(chunks)
    digest = fingerprint(scope["method"], scope["path"], scope["query_string"], body)
    claim = _Claim(state.adb, caller.id, key, digest)
    await _once(app, scope, replay_body, send, claim, ttl)


async def _once(
    app: ASGIApp, scope: Scope, receive: Receive, send: Send, claim: _Claim, ttl: timedelta
) -> None:
    deadline = time.monotonic() + WAIT_SECONDS
    while True:
        async with claim.db.driver() as conn:
            token = await conn.fetchval(
                _CLAIM, claim.caller_id, claim.key, claim.fingerprint, LOCK, ttl
            )
            row = (
                None
                if token is not None
                else await conn.fetchrow(_READ, claim.caller_id, claim.key)
            )
        if token is not None:
            await _run(app, scope, receive, send, claim, token)
            return
        if row is None:  # the first attempt failed and let go between our two statements
            continue
        if row["fingerprint"] != claim.fingerprint:
            detail = "Idempotency-Key was used with a different request"
            await _problem(scope, receive, send, 422, "Idempotency-Key reused", detail)
            return
        if row["state"] == "done":
            await _replay(send, row)
            return
        if time.monotonic() > deadline:
            detail = "a request with this key is still in progress"
            await _problem(scope, receive, send, 409, "Request in progress", detail)
            return
        await asyncio.sleep(POLL_SECONDS)  # holding no connection while the first one runs


async def _run(
    app: ASGIApp, scope: Scope, receive: Receive, send: Send, claim: _Claim, token: datetime
) -> None:
    """Run the handler under the claim; store a 2xx, release anything else."""
    status, settled = 0, False
    headers: dict[str, str] = {}
    chunks: list[bytes] = []

    async def record(message: Message) -> None:
        nonlocal status, headers, settled
        if message["type"] == "http.response.start":
            status = message["status"]
            headers = {
                n.decode("latin-1").lower(): v.decode("latin-1")
                for n, v in message.get("headers", [])
                if n.lower() in KEPT_HEADERS
            }
        elif message["type"] == "http.response.body" and 200 <= status < 300:
            chunks.append(message.get("body", b""))  # passed on as it comes: SSE streams
            if not message.get("more_body", False):
                settled = True  # created: never release, even if storing fails below
                await _store(claim, token, status, headers, b"".join(chunks))
        await send(message)

    try:
        await app(scope, receive, record)
    finally:
        if not settled:
            with anyio.CancelScope(shield=True):  # a cancelled request must still let go
                async with claim.db.driver() as conn:
                    await conn.execute(_RELEASE, claim.caller_id, claim.key, token)


async def _store(
    claim: _Claim, token: datetime, status: int, headers: dict[str, str], body: bytes
) -> None:
    # Stored before the client sees the last byte, so a retry never misses a success it saw.
    # Our creating routes answer JSON or SSE (UTF-8); "replace" only keeps any other body
    # from turning a success into an error.
    sealed = current_cipher().encrypt(body.decode("utf-8", "replace"))
    try:
        async with claim.db.driver() as conn:
            await conn.execute(
                _STORE, claim.caller_id, claim.key, token, status, json.dumps(headers), sealed
            )
    except Exception:
        # The handler's work is done; the claim stays 'running' until its lock runs out, like
        # a crash at this point would leave it (docs/api/idempotency.md).
        log.exception("idempotent response not stored", status=status)


async def _replay(send: Send, row: Any) -> None:
    body = current_cipher().decrypt(bytes(row["body"])).encode() if row["body"] else b""
    stored: dict[str, str] = json.loads(row["headers"])
    headers = [(n.encode("latin-1"), v.encode("latin-1")) for n, v in stored.items()]
    headers += [(b"content-length", str(len(body)).encode()), (b"idempotent-replayed", b"true")]
    await send({"type": "http.response.start", "status": row["status_code"], "headers": headers})
    await send({"type": "http.response.body", "body": body, "more_body": False})


async def _problem(
    scope: Scope, receive: Receive, send: Send, status: int, title: str, detail: str
) -> None:
    response = problem(status, title, detail)
    await response.to_asgi_response(app=None, request=Request(scope))(scope, receive, send)
