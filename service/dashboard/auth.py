"""Dashboard logins: passwords (argon2), server-side sessions and the login throttle.

Only coaches and admins have passwords; partners and integrations cannot log in here (they
have bearer tokens for the API, which the dashboard never accepts). A session is a random
token in an HttpOnly cookie; the database keeps its hash, so logging out, changing the
password or removing the account ends every session at once.
"""

from __future__ import annotations

import hashlib
import secrets
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from redis import Redis
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from service.errors import InvalidInputError, NotFoundError
from service.persistence.models import DashboardSession, User

DASHBOARD_ROLES = ("coach", "admin")
MIN_PASSWORD = 12
MAX_PASSWORD = 256
SESSION_COOKIE = "attune_dashboard"

_hasher = PasswordHasher()
# Checked when the username is unknown, so that a wrong name costs as long as a wrong password.
_DUMMY_HASH = _hasher.hash(secrets.token_urlsafe(16))


@dataclass(frozen=True)
class DashboardUser:
    """Who is logged in (as read at the start of the request)."""

    id: uuid.UUID
    name: str
    role: str

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def set_password(session: Session, name: str, password: str) -> User:
    """Give the coach or admin called ``name`` a dashboard password (their login name is
    ``name``); every existing dashboard session of theirs ends."""
    if not MIN_PASSWORD <= len(password) <= MAX_PASSWORD:
        raise InvalidInputError(
            f"the password must be {MIN_PASSWORD}-{MAX_PASSWORD} characters long"
        )
    users = list(session.scalars(select(User).where(User.name == name)))
    if not users:
        raise NotFoundError(f"no user called {name!r}")
    if len(users) > 1:
        raise InvalidInputError(f"{len(users)} users are called {name!r}; rename one first")
    user = users[0]
    if user.role not in DASHBOARD_ROLES:
        raise InvalidInputError("only coaches and admins can log in to the dashboard")
    taken = session.scalar(select(User.id).where(User.username == name, User.id != user.id))
    if taken is not None:
        raise InvalidInputError(f"the login name {name!r} is taken")
    user.username = name
    user.password_hash = _hasher.hash(password)
    session.execute(delete(DashboardSession).where(DashboardSession.user_id == user.id))
    session.flush()
    return user


def check_password(session: Session, username: str, password: str) -> User | None:
    """The coach or admin these credentials belong to, or None (same time either way)."""
    user = session.scalar(select(User).where(User.username == username))
    stored = user.password_hash if user is not None else None
    try:
        _hasher.verify(stored or _DUMMY_HASH, password)
    except (VerificationError, InvalidHashError):
        return None
    if user is None or stored is None or user.role not in DASHBOARD_ROLES:
        return None
    if _hasher.check_needs_rehash(stored):
        user.password_hash = _hasher.hash(password)
    return user


def open_session(session: Session, user: User, *, hours: float, ip: str | None) -> str:
    """A new session for ``user``; returns the cookie value (shown to nobody else)."""
    token = secrets.token_urlsafe(32)
    now = datetime.now(UTC)
    session.add(
        DashboardSession(
            token_hash=_digest(token),
            user_id=user.id,
            created_at=now,
            expires_at=now + timedelta(hours=hours),
            ip=ip,
        )
    )
    session.flush()
    return token


def session_user(session: Session, token: str | None) -> DashboardUser | None:
    """The logged-in coach or admin behind a cookie, or None (unknown, expired, demoted)."""
    if not token or len(token) > 128:
        return None
    row = session.execute(
        select(User.id, User.name, User.role)
        .join(DashboardSession, DashboardSession.user_id == User.id)
        .where(
            DashboardSession.token_hash == _digest(token),
            DashboardSession.expires_at > datetime.now(UTC),
        )
    ).first()
    if row is None or row.role not in DASHBOARD_ROLES:
        return None
    return DashboardUser(id=row.id, name=row.name, role=row.role)


def close_session(session: Session, token: str | None) -> None:
    if token:
        session.execute(
            delete(DashboardSession).where(DashboardSession.token_hash == _digest(token))
        )


@dataclass(frozen=True)
class LoginThrottle:
    """Failed logins counted in Redis per login name and per address, in a fixed window:
    past the limit, logins are refused (429) until the window ends, even with the right
    password, so that guessing does not pay. Redis is shared, so every API process counts
    together."""

    per_name: int = 5
    per_address: int = 20
    window_seconds: int = 15 * 60

    def _keys(self, username: str, ip: str | None) -> list[tuple[str, int]]:
        name = hashlib.sha256(username.strip().lower().encode()).hexdigest()[:32]
        keys = [(f"attune:login-failures:name:{name}", self.per_name)]
        if ip:
            keys.append((f"attune:login-failures:ip:{ip}", self.per_address))
        return keys

    def retry_after(self, redis: Redis, username: str, ip: str | None) -> int | None:
        """Seconds until logins are accepted again, or None if they are now."""
        for key, limit in self._keys(username, ip):
            count = redis.get(key)
            if count is not None and int(count) >= limit:
                ttl = int(redis.ttl(key))
                return max(ttl, 1)
        return None

    def failed(self, redis: Redis, username: str, ip: str | None) -> None:
        pipe = redis.pipeline()
        for key, _ in self._keys(username, ip):
            # The window starts at the first failure (SET NX EX; INCR keeps the expiry).
            pipe.set(key, 0, ex=self.window_seconds, nx=True)
            pipe.incr(key)
        pipe.execute()

    def succeeded(self, redis: Redis, username: str) -> None:
        redis.delete(self._keys(username, None)[0][0])
