"""Rate limits on the JSON API, counted in Redis so that every API process counts together.

Three fixed windows, each starting with the first request it counts (``SET NX EX``, then
``INCR``, as the dashboard's LoginThrottle does; Redis 6.2 has no ``EXPIRE NX``):

- writes (POST, PUT, PATCH, DELETE) per bearer token, a minute;
- writes per client address, a minute, token or not;
- failed authentications (401 answers) per client address, 15 minutes. Past that limit every
  request from the address is refused, even with a right token, until the window ends: one
  cannot keep guessing tokens and learn which one works.

A request over a limit gets ``429`` with ``Retry-After`` (the seconds left in its window) and
an RFC 9457 problem body. Everything a request needs is read and counted in one pipelined round
trip, before the handler runs; a 401 is counted after it, in a second round trip paid only by
failures. Health checks, metrics, the schema and the dashboard (which has its own login
throttle) are not limited.

If Redis does not answer, requests pass unthrottled (availability over throttling): a warning
is logged and Redis is left alone for a few seconds, so that an outage does not add a timeout
to every request.
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import structlog
from litestar.types import ASGIApp, HTTPResponseStartEvent, Message, Receive, Scope, Send
from redis import Redis
from redis import asyncio as aioredis
from redis.exceptions import RedisError

from service.api.problems import MEDIA_TYPE
from service.settings import Settings

log = structlog.get_logger(__name__)

WRITES = frozenset({"POST", "PUT", "PATCH", "DELETE"})
LIMITED_PREFIX = "/v1/"
UNLIMITED = frozenset({"/v1/healthz", "/v1/readyz"})
FAIL_OPEN_SECONDS = 5.0  # after Redis failed to answer, leave it alone this long
REDIS_TIMEOUT_SECONDS = 0.5  # a throttle must not become the slow part of a request
_PREFIX = "attune:rate"


@dataclass(frozen=True)
class RateLimits:
    """The limits (RATE_LIMIT_* settings); ``enabled=False`` adds no middleware at all."""

    enabled: bool = True
    writes_per_token: int = 120
    writes_per_ip: int = 1200
    auth_failures_per_ip: int = 50
    write_window_seconds: int = 60
    auth_window_seconds: int = 15 * 60

    @classmethod
    def from_settings(cls, settings: Settings) -> RateLimits:
        return cls(
            enabled=settings.rate_limit_enabled,
            writes_per_token=settings.rate_limit_writes_per_minute,
            writes_per_ip=settings.rate_limit_writes_per_ip_per_minute,
            auth_failures_per_ip=settings.rate_limit_auth_failures_per_ip,
        )


@dataclass(frozen=True)
class _Window:
    key: str
    limit: int
    seconds: int
    what: str  # for the problem's detail


def async_redis_like(redis: Redis) -> aioredis.Redis:
    """An asyncio client for the server ``redis`` talks to (the API's Redis client is sync;
    the throttle runs on every request and must not hold a thread for it)."""
    pool = redis.connection_pool
    kwargs = {
        key: value
        for key, value in pool.connection_kwargs.items()
        if key in {"host", "port", "path", "db", "username", "password"} or key.startswith("ssl_")
    }
    connection_class: type[aioredis.connection.AbstractConnection] = aioredis.Connection
    if "path" in kwargs:
        connection_class = aioredis.UnixDomainSocketConnection
    elif pool.connection_class.__name__ == "SSLConnection":
        connection_class = aioredis.SSLConnection
    return aioredis.Redis(
        connection_pool=aioredis.ConnectionPool(
            connection_class=connection_class,
            socket_timeout=REDIS_TIMEOUT_SECONDS,
            socket_connect_timeout=REDIS_TIMEOUT_SECONDS,
            **kwargs,
        )
    )


class RateLimiter:
    """The middleware and its Redis client (opened and closed with the app)."""

    def __init__(
        self,
        limits: RateLimits,
        connect: Callable[[], aioredis.Redis],
        *,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.limits = limits
        self.connect = connect
        self.clock = clock
        self._redis: aioredis.Redis | None = None
        self._skip_until = 0.0

    async def open(self) -> None:
        # Made on the app's event loop: asyncio connections belong to the loop that opens them.
        if self.limits.enabled:
            self._redis = self.connect()

    async def close(self) -> None:
        if self._redis is not None:
            await self._redis.aclose()
            self._redis = None

    def middleware(self, app: ASGIApp) -> ASGIApp:
        if not self.limits.enabled:
            return app

        async def middleware(scope: Scope, receive: Receive, send: Send) -> None:
            path: str = scope.get("path", "")
            if (
                scope["type"] != "http"  # type: ignore[comparison-overlap]
                or not path.startswith(LIMITED_PREFIX)
                or path in UNLIMITED
            ):
                await app(scope, receive, send)
                return
            ip = _client_ip(scope)
            refused = await self._check(scope, ip)
            if refused is not None:
                await _send_problem(send, *refused)
                return
            status = 500

            async def note_status(message: Message) -> None:
                nonlocal status
                if message["type"] == "http.response.start":
                    status = message["status"]
                await send(message)

            await app(scope, receive, note_status)
            if status == 401:
                await self._count_failure(ip)

        return middleware

    def _windows(self, scope: Scope, ip: str) -> list[_Window]:
        limits = self.limits
        windows = []
        if scope["method"] in WRITES:  # type: ignore[typeddict-item]
            token = _bearer(scope)
            if token is not None:
                digest = hashlib.sha256(token.encode()).hexdigest()[:32]
                windows.append(
                    _Window(f"{_PREFIX}:writes:token:{digest}", limits.writes_per_token,
                            limits.write_window_seconds, "writes with this token")
                )  # fmt: skip
            windows.append(
                _Window(f"{_PREFIX}:writes:ip:{ip}", limits.writes_per_ip,
                        limits.write_window_seconds, "writes from your address")
            )  # fmt: skip
        return windows

    def _failures_key(self, ip: str) -> str:
        return f"{_PREFIX}:auth-failures:ip:{ip}"

    async def _check(self, scope: Scope, ip: str) -> tuple[int, str] | None:
        """(Retry-After, detail) if the request is over a limit; counts it otherwise."""
        redis = self._available()
        if redis is None:
            return None
        windows = self._windows(scope, ip)
        failures = self._failures_key(ip)
        try:
            async with redis.pipeline(transaction=False) as pipe:
                pipe.get(failures)
                pipe.ttl(failures)
                for window in windows:
                    pipe.set(window.key, 0, ex=window.seconds, nx=True)
                    pipe.incr(window.key)
                    pipe.ttl(window.key)
                replies = await pipe.execute()
            failed, failed_ttl = replies[0], replies[1]
            if failed is not None and int(failed) >= self.limits.auth_failures_per_ip:
                return max(int(failed_ttl), 1), (
                    "too many failed authentications from your address; wait before trying again"
                )
            for n, window in enumerate(windows):
                count, ttl = replies[2 + 3 * n + 1], replies[2 + 3 * n + 2]
                if ttl < 0:  # the key outlived its expiry between SET and INCR: give it one
                    await redis.expire(window.key, window.seconds)
                    ttl = window.seconds
                if count > window.limit:
                    return max(int(ttl), 1), (
                        f"more than {window.limit} {window.what} in {window.seconds} seconds"
                    )
        except (RedisError, OSError, TimeoutError) as exc:
            self._fail_open(exc)
        return None

    async def _count_failure(self, ip: str) -> None:
        redis = self._available()
        if redis is None:
            return
        key = self._failures_key(ip)
        try:
            async with redis.pipeline(transaction=False) as pipe:
                pipe.set(key, 0, ex=self.limits.auth_window_seconds, nx=True)
                pipe.incr(key)
                await pipe.execute()
        except (RedisError, OSError, TimeoutError) as exc:
            self._fail_open(exc)

    def _available(self) -> aioredis.Redis | None:
        if self._redis is None or self.clock() < self._skip_until:
            return None
        return self._redis

    def _fail_open(self, exc: BaseException) -> None:
        self._skip_until = self.clock() + FAIL_OPEN_SECONDS
        log.warning(
            "rate limits not applied: Redis does not answer",
            error=type(exc).__name__,
            retry_in_seconds=FAIL_OPEN_SECONDS,
        )


def _client_ip(scope: Scope) -> str:
    # Behind a proxy, uvicorn has already put the X-Forwarded-For address here when the proxy
    # is trusted (FORWARDED_ALLOW_IPS); the header itself is never read, so it cannot be forged.
    client = scope.get("client")
    return str(client[0]) if client else "unknown"


def _bearer(scope: Scope) -> str | None:
    for name, value in scope.get("headers", []):
        if name == b"authorization":
            scheme, _, token = value.decode("latin-1").partition(" ")
            if scheme.lower() == "bearer" and token.strip():
                return token.strip()
    return None


async def _send_problem(send: Send, retry_after: int, detail: str) -> None:
    body: dict[str, Any] = {
        "type": "about:blank",
        "status": 429,
        "title": "Too many requests",
        "detail": detail,
        "retry_after": retry_after,
    }
    payload = json.dumps(body).encode()
    start: HTTPResponseStartEvent = {
        "type": "http.response.start",
        "status": 429,
        "headers": [
            (b"content-type", MEDIA_TYPE.encode()),
            (b"content-length", str(len(payload)).encode()),
            (b"retry-after", str(retry_after).encode()),
        ],
    }
    await send(start)
    await send({"type": "http.response.body", "body": payload, "more_body": False})
