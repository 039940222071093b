"""Who is calling: bearer tokens resolved to callers through a short-lived in-process cache.

A check-in costs one round trip to Postgres only if the caller is not looked up every time.
The cache keeps who the caller *is* (id, role, name, locale), keyed by the token's hash, for a
few seconds; what can change under a caller (their couple, their consents) is always read
from the database inside the request. A token revoked elsewhere (the CLI, another API process)
or a deleted account therefore keeps working for at most ``ttl`` seconds in a process that has
seen it recently (documented in the README's configuration table as
``AUTH_CACHE_TTL_SECONDS``); one revoked through this process is dropped from its cache at
once, and no entry outlives its token's expiry.
"""

from __future__ import annotations

import time
import uuid
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session
from sqlalchemy.sql import ColumnElement, Select

from service.errors import UnauthenticatedError
from service.lib.crypto import hash_token
from service.lib.db import AsyncDatabase
from service.persistence.models import ApiToken, User

UNKNOWN_TOKEN = "unknown or revoked token"  # noqa: S105 - expired tokens get these words too
LAST_USED_RESOLUTION = timedelta(hours=1)  # last_used_at is written at most this often


@dataclass(frozen=True)
class Caller:
    """An authenticated caller, as cached: nothing here may change while the token lives."""

    id: uuid.UUID
    role: str
    name: str
    locale: str
    token_id: uuid.UUID | None = None  # the token of this request (None: not through a token)

    def user(self, session: Session) -> User:
        """The caller's current row (couple, consents) in this transaction."""
        user = session.get(User, self.id)
        if user is None:  # deleted while its token sat in the cache
            raise UnauthenticatedError(UNKNOWN_TOKEN)
        return user


def token_is_live(now: datetime) -> ColumnElement[bool]:
    """The token has no expiry, or it lies after ``now``."""
    return or_(ApiToken.expires_at.is_(None), ApiToken.expires_at > now)


def _lookup(token_hash: str, now: datetime) -> Select[Any]:
    """The caller behind a live token, noting its use (at most once an hour) in the same
    statement: a data-modifying CTE runs even though the outer query does not read it."""
    hit = (
        select(
            User.id, User.role, User.name, User.locale,
            ApiToken.id.label("token_id"), ApiToken.expires_at, ApiToken.last_used_at,
        )
        .join(ApiToken, ApiToken.user_id == User.id)
        .where(ApiToken.token_hash == token_hash, token_is_live(now))
        .cte("hit")
    )  # fmt: skip
    touched = (
        update(ApiToken)
        .where(
            ApiToken.id == hit.c.token_id,
            or_(hit.c.last_used_at.is_(None), hit.c.last_used_at < now - LAST_USED_RESOLUTION),
        )
        .values(last_used_at=now)
        .returning(ApiToken.id)
        .cte("touched")
    )
    return select(hit.c.id, hit.c.role, hit.c.name, hit.c.locale, hit.c.token_id,
                  hit.c.expires_at).add_cte(touched)  # fmt: skip


class CallerCache:
    """Token hash -> caller, for ``ttl`` seconds, at most ``max_entries`` (least recent out).

    Only successful lookups are cached: a wrong token always reaches the database.
    """

    def __init__(
        self,
        ttl: float,
        *,
        max_entries: int = 10_000,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.ttl = ttl
        self.max_entries = max_entries
        self.clock = clock
        self._entries: OrderedDict[str, tuple[float, Caller]] = OrderedDict()

    def get(self, token_hash: str) -> Caller | None:
        hit = self._entries.get(token_hash)
        if hit is None:
            return None
        expires, caller = hit
        if expires <= self.clock():
            del self._entries[token_hash]
            return None
        self._entries.move_to_end(token_hash)
        return caller

    def put(self, token_hash: str, caller: Caller, *, expires_at: datetime | None = None) -> None:
        """Keep ``caller`` for ``ttl`` seconds, or until the token expires if that is sooner."""
        ttl = self.ttl
        if expires_at is not None:
            ttl = min(ttl, (expires_at - datetime.now(UTC)).total_seconds())
        if ttl <= 0:
            return
        self._entries[token_hash] = (self.clock() + ttl, caller)
        self._entries.move_to_end(token_hash)
        while len(self._entries) > self.max_entries:
            self._entries.popitem(last=False)

    def forget(self, caller_id: uuid.UUID) -> None:
        """Drop a caller at once in this process (other processes wait out the TTL)."""
        for key in [k for k, (_, c) in self._entries.items() if c.id == caller_id]:
            del self._entries[key]

    def forget_token(self, token_hash: str) -> None:
        """Drop one token at once in this process (other processes wait out the TTL)."""
        self._entries.pop(token_hash, None)

    def __len__(self) -> int:
        return len(self._entries)


async def resolve_caller(db: AsyncDatabase, cache: CallerCache, token: str | None) -> Caller:
    """The caller behind a bearer token, from the cache or with one query."""
    if not token:
        raise UnauthenticatedError("missing bearer token")
    token_hash = hash_token(token)
    caller = cache.get(token_hash)
    if caller is not None:
        return caller
    async with db.autocommit() as conn:
        row = (await conn.execute(_lookup(token_hash, datetime.now(UTC)))).first()
    if row is None:
        raise UnauthenticatedError(UNKNOWN_TOKEN)
    caller = Caller(
        id=row.id, role=row.role, name=row.name, locale=row.locale, token_id=row.token_id
    )
    cache.put(token_hash, caller, expires_at=row.expires_at)
    return caller
