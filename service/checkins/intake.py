"""Taking in a check-in: the row and its outbox event in one statement, one round trip.

A check-in answered with 202 is never lost and never left without its outbox event: both rows
come from one ``INSERT … WITH`` statement, which Postgres applies atomically on its own, so the
API runs it without BEGIN/COMMIT round trips. The writer is found in the same statement — by id
when their token is in the caller cache, by token hash when it is not — so a partner who just
joined a couple is never filed under a stale one, and a first check-in of the day costs the
same single round trip as the next one.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Boolean, DateTime, LargeBinary, SmallInteger, String, Uuid, bindparam, text
from sqlalchemy.orm import Session
from sqlalchemy.types import TypeEngine

from service.accounts.callers import UNKNOWN_TOKEN, Caller, CallerCache
from service.errors import ForbiddenError, UnauthenticatedError
from service.lib.crypto import current_cipher, hash_token
from service.lib.db import AsyncDatabase

TOPIC_CHECKIN_RECEIVED = "checkin.received"

# Casts: in INSERT … SELECT, Postgres cannot infer a parameter's type from the target column.
# The final LEFT JOINs tell the three outcomes apart without a second query: no row (no such
# writer), a row without a check-in (the writer is not a partner), or the stored check-in.
_SQL = """
WITH writer AS (
    {writer}
){touch}, checkin AS (
    INSERT INTO checkins (id, user_id, couple_id, text, mood, connection, locale, status,
                          shared_with_partner, created_at, updated_at)
    SELECT CAST(:id AS uuid), writer.id, writer.couple_id, CAST(:text AS bytea),
           CAST(:mood AS smallint), CAST(:connection AS smallint),
           COALESCE(CAST(:locale AS varchar), writer.locale), 'received',
           CAST(:shared AS boolean), CAST(:now AS timestamptz), CAST(:now AS timestamptz)
    FROM writer WHERE writer.role = 'partner'
    RETURNING id, user_id, created_at
), event AS (
    INSERT INTO outbox_events (topic, aggregate_id, checkin_id, payload, created_at, attempts)
    SELECT CAST(:topic AS varchar), checkin.id, checkin.id,
           jsonb_build_object('user_id', checkin.user_id), checkin.created_at, 0
    FROM checkin
    RETURNING aggregate_id, created_at
)
SELECT event.aggregate_id, event.created_at,
       writer.id AS writer_id, writer.role, writer.name, writer.locale,
       writer.token_id, writer.token_expires_at
FROM writer LEFT JOIN event ON true
"""
# By id: the caller cache already resolved (and checked the expiry of) the token.
_BY_ID = _SQL.format(
    writer="SELECT id, role, name, couple_id, locale, CAST(NULL AS uuid) AS token_id,"
    " CAST(NULL AS timestamptz) AS token_expires_at FROM users WHERE id = CAST(:user_id AS uuid)",
    touch="",
)
# By token: a live token only (an expired one finds no writer: 401), and its last use noted at
# most once an hour (callers.LAST_USED_RESOLUTION) in the same statement.
_BY_TOKEN = _SQL.format(
    writer="SELECT u.id, u.role, u.name, u.couple_id, u.locale, t.id AS token_id,"
    " t.expires_at AS token_expires_at, t.last_used_at"
    " FROM api_tokens t JOIN users u ON u.id = t.user_id"
    " WHERE t.token_hash = CAST(:token_hash AS varchar)"
    " AND (t.expires_at IS NULL OR t.expires_at > CAST(:now AS timestamptz))",
    touch=""", touched AS (
    UPDATE api_tokens SET last_used_at = CAST(:now AS timestamptz) FROM writer
    WHERE api_tokens.id = writer.token_id AND (writer.last_used_at IS NULL
          OR writer.last_used_at < CAST(:now AS timestamptz) - interval '1 hour')
)""",
)
_BINDS: dict[str, TypeEngine[Any]] = {
    "id": Uuid(),
    "user_id": Uuid(),
    "token_hash": String(),
    "text": LargeBinary(),
    "mood": SmallInteger(),
    "connection": SmallInteger(),
    "locale": String(),
    "shared": Boolean(),
    "now": DateTime(timezone=True),
    "topic": String(),
}


@dataclass(frozen=True)
class _Statement:
    """One statement for both drivers: named for SQLAlchemy, positional ($1 …) for asyncpg."""

    sql: str

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(re.findall(r":(\w+)", self.sql)))

    @property
    def driver_sql(self) -> str:
        names = self.names
        return re.sub(r":(\w+)", lambda m: f"${names.index(m.group(1)) + 1}", self.sql)

    def orm(self) -> Any:
        return text(self.sql).bindparams(*(bindparam(n, type_=_BINDS[n]) for n in self.names))


_STATEMENTS = {"id": _Statement(_BY_ID), "token": _Statement(_BY_TOKEN)}
_DRIVER_SQL = {key: s.driver_sql for key, s in _STATEMENTS.items()}
_NAMES = {key: s.names for key, s in _STATEMENTS.items()}
_ORM = {key: s.orm() for key, s in _STATEMENTS.items()}


@dataclass(frozen=True)
class NewCheckIn:
    text: str
    mood: int | None = None
    connection: int | None = None
    locale: str | None = None
    shared_with_partner: bool = False


@dataclass(frozen=True)
class AcceptedCheckIn:
    id: uuid.UUID
    created_at: datetime
    status: str = "received"

    @property
    def link(self) -> str:
        return f"/v1/checkins/{self.id}"


def _params(data: NewCheckIn, **writer: Any) -> dict[str, Any]:
    return {
        "id": uuid.uuid4(),
        "text": current_cipher().encrypt(data.text),  # sealed before it leaves the process
        "mood": data.mood,
        "connection": data.connection,
        "locale": data.locale,
        "shared": data.shared_with_partner,
        "now": datetime.now(UTC),
        "topic": TOPIC_CHECKIN_RECEIVED,
        **writer,
    }


def _accepted(row: Any) -> AcceptedCheckIn:
    if row is None:  # unknown, revoked or expired token, or an account deleted after caching
        raise UnauthenticatedError(UNKNOWN_TOKEN)
    if row["aggregate_id"] is None:
        raise ForbiddenError("only partners send check-ins")
    return AcceptedCheckIn(id=row["aggregate_id"], created_at=row["created_at"])


async def accept(
    db: AsyncDatabase, callers: CallerCache, token: str | None, data: NewCheckIn
) -> AcceptedCheckIn:
    """Store a partner's check-in and its outbox event (the API's path: one round trip)."""
    if not token:
        raise UnauthenticatedError("missing bearer token")
    token_hash = hash_token(token)
    cached = callers.get(token_hash)
    if cached is not None and cached.role != "partner":
        raise ForbiddenError("only partners send check-ins")
    key, params = (
        ("id", _params(data, user_id=cached.id))
        if cached is not None
        else ("token", _params(data, token_hash=token_hash))
    )
    async with db.driver() as conn:
        row = await conn.fetchrow(_DRIVER_SQL[key], *(params[n] for n in _NAMES[key]))
    if cached is None and row is not None:
        caller = Caller(
            id=row["writer_id"],
            role=row["role"],
            name=row["name"],
            locale=row["locale"],
            token_id=row["token_id"],
        )
        callers.put(token_hash, caller, expires_at=row["token_expires_at"])
    return _accepted(row)


def accept_sync(session: Session, *, writer_id: uuid.UUID, data: NewCheckIn) -> AcceptedCheckIn:
    """The same statement inside a caller's transaction (CLI, benchmarks, tests)."""
    row = session.execute(_ORM["id"], _params(data, user_id=writer_id)).mappings().first()
    return _accepted(row)
