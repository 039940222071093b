"""Taking in a check-in: the row and its outbox event in one statement, one round trip.

A check-in answered with 202 is never lost and never left without its outbox event: both rows
come from one ``INSERT … WITH`` statement, which Postgres applies atomically on its own, so the
API runs it without BEGIN/COMMIT round trips. The writer's couple and default locale are read in
the same statement, so a partner who just joined a couple is never filed under a stale one, and
a writer whose account is gone (or is no partner) inserts nothing.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Boolean, DateTime, LargeBinary, SmallInteger, String, Uuid, bindparam, text
from sqlalchemy.orm import Session

from service.errors import ForbiddenError, UnauthenticatedError
from service.lib.crypto import current_cipher
from service.lib.db import AsyncDatabase

TOPIC_CHECKIN_RECEIVED = "checkin.received"

# Casts: in INSERT … SELECT, Postgres cannot infer a parameter's type from the target column.
_SQL = """
WITH writer AS (
    SELECT id, couple_id, locale FROM users
    WHERE id = CAST(:user_id AS uuid) AND role = 'partner'
), checkin AS (
    INSERT INTO checkins (id, user_id, couple_id, text, mood, connection, locale, status,
                          shared_with_partner, created_at, updated_at)
    SELECT CAST(:id AS uuid), writer.id, writer.couple_id, CAST(:text AS bytea),
           CAST(:mood AS smallint), CAST(:connection AS smallint),
           COALESCE(CAST(:locale AS varchar), writer.locale), 'received',
           CAST(:shared AS boolean), CAST(:now AS timestamptz), CAST(:now AS timestamptz)
    FROM writer
    RETURNING id, created_at
)
INSERT INTO outbox_events (topic, aggregate_id, payload, created_at, attempts)
SELECT CAST(:topic AS varchar), checkin.id, CAST('{}' AS jsonb), checkin.created_at, 0
FROM checkin
RETURNING aggregate_id, created_at
"""
_ORDER = ("id", "user_id", "text", "mood", "connection", "locale", "shared", "now", "topic")
# The same statement with asyncpg's positional parameters ($1 …), prepared once per connection.
_DRIVER_SQL = re.sub(r":(\w+)", lambda m: f"${_ORDER.index(m.group(1)) + 1}", _SQL)
_STATEMENT = text(_SQL).bindparams(
    bindparam("id", type_=Uuid()),
    bindparam("user_id", type_=Uuid()),
    bindparam("text", type_=LargeBinary()),
    bindparam("mood", type_=SmallInteger()),
    bindparam("connection", type_=SmallInteger()),
    bindparam("locale", type_=String()),
    bindparam("shared", type_=Boolean()),
    bindparam("now", type_=DateTime(timezone=True)),
    bindparam("topic", type_=String()),
)


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


def _params(writer_id: uuid.UUID, data: NewCheckIn) -> dict[str, Any]:
    return {
        "id": uuid.uuid4(),
        "user_id": writer_id,
        "text": current_cipher().encrypt(data.text),  # sealed before it leaves the process
        "mood": data.mood,
        "connection": data.connection,
        "locale": data.locale,
        "shared": data.shared_with_partner,
        "now": datetime.now(UTC),
        "topic": TOPIC_CHECKIN_RECEIVED,
    }


def _check_role(role: str) -> None:
    if role != "partner":
        raise ForbiddenError("only partners send check-ins")


def _accepted(row: Any) -> AcceptedCheckIn:
    if row is None:  # the account went away (or changed role) after its token was cached
        raise UnauthenticatedError("unknown or revoked token")
    return AcceptedCheckIn(id=row["aggregate_id"], created_at=row["created_at"])


async def accept(
    db: AsyncDatabase, *, writer_id: uuid.UUID, role: str, data: NewCheckIn
) -> AcceptedCheckIn:
    """Store a partner's check-in and its outbox event (the API's path: one round trip)."""
    _check_role(role)
    params = _params(writer_id, data)
    async with db.driver() as conn:
        row = await conn.fetchrow(_DRIVER_SQL, *(params[name] for name in _ORDER))
    return _accepted(row)


def accept_sync(
    session: Session, *, writer_id: uuid.UUID, role: str, data: NewCheckIn
) -> AcceptedCheckIn:
    """The same statement inside a caller's transaction (CLI, benchmarks, tests)."""
    _check_role(role)
    return _accepted(session.execute(_STATEMENT, _params(writer_id, data)).mappings().first())
