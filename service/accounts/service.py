"""Creating users and resolving bearer tokens to callers."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from service.errors import InvalidInputError, NotFoundError, UnauthenticatedError
from service.lib.crypto import hash_token, new_token
from service.persistence.models import User

ROLES = ("partner", "coach", "admin", "integration")


@dataclass(frozen=True)
class NewUser:
    user: User
    token: str  # shown once; only its hash is stored


class Accounts:
    def __init__(self, session: Session) -> None:
        self.session = session

    def create(self, name: str, *, role: str = "partner", locale: str = "en-US") -> NewUser:
        name = name.strip()
        if not name or len(name) > 120:
            raise InvalidInputError("name must be 1-120 characters")
        if role not in ROLES:
            raise InvalidInputError(f"role must be one of {', '.join(ROLES)}")
        token = new_token()
        user = User(name=name, role=role, token_hash=hash_token(token), locale=locale)
        self.session.add(user)
        self.session.flush()
        return NewUser(user, token)

    def rotate_token(self, user_id: uuid.UUID) -> str:
        """A new token for the user; the old one stops working at once in the database, and in
        running API processes once their caller cache lets it go (AUTH_CACHE_TTL_SECONDS)."""
        user = self.session.get(User, user_id)
        if user is None:
            raise NotFoundError("user not found")
        token = new_token()
        user.token_hash = hash_token(token)
        self.session.flush()
        return token

    def authenticate(self, token: str | None) -> User:
        if not token:
            raise UnauthenticatedError("missing bearer token")
        user = self.session.scalar(select(User).where(User.token_hash == hash_token(token)))
        if user is None:
            raise UnauthenticatedError("unknown or revoked token")
        return user
