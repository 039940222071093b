"""A user's bearer tokens: issued with a name and an optional expiry, listed, revoked.

Only a token's hash is stored. Issuing shows the token once; listing shows names and dates.
An expired token is refused like an unknown one and stays listed (so its owner sees why a
device stopped working) until it is revoked.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from service.errors import ConflictError, InvalidInputError, NotFoundError
from service.lib.crypto import hash_token, new_token
from service.persistence.models import ApiToken, User

DEFAULT_NAME = "default"
MAX_NAME = 80
MAX_TOKENS_PER_USER = 50  # a person's devices and scripts, not a token per request
MAX_LIFETIME = timedelta(days=3650)


@dataclass(frozen=True)
class IssuedToken:
    row: ApiToken
    token: str  # shown once; only its hash is stored


def token_view(row: ApiToken, *, current_id: uuid.UUID | None = None) -> dict[str, Any]:
    """A token as its owner sees it (never the token or its hash)."""

    def iso(value: datetime | None) -> str | None:
        return value.isoformat() if value else None

    return {
        "id": str(row.id),
        "name": row.name,
        "created_at": row.created_at.isoformat(),
        "expires_at": iso(row.expires_at),
        "last_used_at": iso(row.last_used_at),
        "expired": row.expires_at is not None and row.expires_at <= datetime.now(UTC),
        "current": current_id is not None and row.id == current_id,
    }


class Tokens:
    def __init__(self, session: Session) -> None:
        self.session = session

    def issue(
        self, user_id: uuid.UUID, *, name: str = DEFAULT_NAME, lifetime: timedelta | None = None
    ) -> IssuedToken:
        """A new token for the user, valid for ``lifetime`` (None: until revoked)."""
        name = name.strip()
        if not name or len(name) > MAX_NAME:
            raise InvalidInputError(f"a token's name must be 1-{MAX_NAME} characters")
        if lifetime is not None and not timedelta(0) < lifetime <= MAX_LIFETIME:
            raise InvalidInputError("a token's lifetime must be positive and at most 3650 days")
        if self.session.get(User, user_id) is None:
            raise NotFoundError("user not found")
        held = self.session.scalar(
            select(func.count()).select_from(ApiToken).where(ApiToken.user_id == user_id)
        )
        if (held or 0) >= MAX_TOKENS_PER_USER:
            raise ConflictError(
                f"at most {MAX_TOKENS_PER_USER} tokens per user; revoke one you no longer use"
            )
        token = new_token()
        now = datetime.now(UTC)
        row = ApiToken(
            user_id=user_id,
            token_hash=hash_token(token),
            name=name,
            created_at=now,
            expires_at=now + lifetime if lifetime is not None else None,
        )
        self.session.add(row)
        self.session.flush()
        return IssuedToken(row, token)

    def owned_by(self, user_id: uuid.UUID) -> list[ApiToken]:
        """The user's tokens, newest first (expired ones too, marked as such)."""
        return list(
            self.session.scalars(
                select(ApiToken)
                .where(ApiToken.user_id == user_id)
                .order_by(ApiToken.created_at.desc(), ApiToken.id)
            )
        )

    def revoke(self, token_id: uuid.UUID, *, user_id: uuid.UUID | None = None) -> str:
        """Delete a token (only the user's own when ``user_id`` is given); returns its hash so
        that the caller can drop it from a caller cache. Someone else's token is "not found"."""
        query = delete(ApiToken).where(ApiToken.id == token_id)
        if user_id is not None:
            query = query.where(ApiToken.user_id == user_id)
        token_hash: str | None = self.session.scalar(query.returning(ApiToken.token_hash))
        if token_hash is None:
            raise NotFoundError("token not found")
        return token_hash

    def revoke_all(self, user_id: uuid.UUID) -> list[str]:
        """Delete every token of the user; returns their hashes."""
        return list(
            self.session.scalars(
                delete(ApiToken).where(ApiToken.user_id == user_id).returning(ApiToken.token_hash)
            )
        )


def parse_lifetime(text: str) -> timedelta | None:
    """``30d``, ``12h`` or ``never`` (None) — the CLI's ``--expires``."""
    value = text.strip().lower()
    if value == "never":
        return None
    unit = {"d": "days", "h": "hours"}.get(value[-1:])
    number = value[:-1]
    if unit is None or not number.isdigit() or int(number) == 0:
        raise InvalidInputError("an expiry is a number of days or hours (30d, 12h) or 'never'")
    lifetime = timedelta(**{unit: int(number)})
    if lifetime > MAX_LIFETIME:
        raise InvalidInputError("a token's lifetime must be at most 3650 days")
    return lifetime
