"""Who is calling: bearer tokens resolved to callers through a short-lived in-process cache.

A check-in costs one round trip to Postgres only if the caller is not looked up every time.
The cache keeps who the caller *is* (id, role, name, locale), keyed by the token's hash, for a
few seconds; what can change under a caller (their couple, their consents) is always read
from the database inside the request. A revoked token or a deleted account therefore keeps
working for at most ``ttl`` seconds in a process that has seen it recently (documented in the
README's configuration table as ``AUTH_CACHE_TTL_SECONDS``).
"""

from __future__ import annotations

import time
import uuid
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from service.errors import UnauthenticatedError
from service.lib.crypto import hash_token
from service.lib.db import AsyncDatabase
from service.persistence.models import User


@dataclass(frozen=True)
class Caller:
    """An authenticated caller, as cached: nothing here may change while the token lives."""

    id: uuid.UUID
    role: str
    name: str
    locale: str

    def user(self, session: Session) -> User:
        """The caller's current row (couple, consents) in this transaction."""
        user = session.get(User, self.id)
        if user is None:  # deleted while its token sat in the cache
            raise UnauthenticatedError("unknown or revoked token")
        return user


_LOOKUP = select(User.id, User.role, User.name, User.locale)


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

    def put(self, token_hash: str, caller: Caller) -> None:
        if self.ttl <= 0:
            return
        self._entries[token_hash] = (self.clock() + self.ttl, caller)
        self._entries.move_to_end(token_hash)
        while len(self._entries) > self.max_entries:
            self._entries.popitem(last=False)

    def forget(self, caller_id: uuid.UUID) -> None:
        """Drop a caller at once in this process (other processes wait out the TTL)."""
        for key in [k for k, (_, c) in self._entries.items() if c.id == caller_id]:
            del self._entries[key]

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
        row = (await conn.execute(_LOOKUP.where(User.token_hash == token_hash))).first()
    if row is None:
        raise UnauthenticatedError("unknown or revoked token")
    caller = Caller(id=row.id, role=row.role, name=row.name, locale=row.locale)
    cache.put(token_hash, caller)
    return caller
