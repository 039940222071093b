"""Creating users and resolving bearer tokens to callers."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from service.accounts.callers import UNKNOWN_TOKEN, token_is_live
from service.accounts.tokens import Tokens
from service.errors import InvalidInputError, NotFoundError, UnauthenticatedError
from service.lib.crypto import hash_token
from service.persistence.models import ApiToken, User

ROLES = ("partner", "coach", "admin", "integration")


@dataclass(frozen=True)
class NewUser:
    user: User
    token: str  # shown once; only its hash is stored


class Accounts:
    def __init__(self, session: Session) -> None:
        self.session = session

    def create(self, name: str, *, role: str = "partner", locale: str = "en-US") -> NewUser:
        """A user with one token (named "default", no expiry)."""
        name = name.strip()
        if not name or len(name) > 120:
            raise InvalidInputError("name must be 1-120 characters")
        if role not in ROLES:
            raise InvalidInputError(f"role must be one of {', '.join(ROLES)}")
        user = User(name=name, role=role, locale=locale)
        self.session.add(user)
        self.session.flush()
        return NewUser(user, Tokens(self.session).issue(user.id).token)

    def rotate_token(self, user_id: uuid.UUID) -> str:
        """A new token for the user in place of all their tokens; the old ones stop working at
        once in the database, and in running API processes once their caller cache lets them
        go (AUTH_CACHE_TTL_SECONDS)."""
        if self.session.get(User, user_id) is None:
            raise NotFoundError("user not found")
        tokens = Tokens(self.session)
        tokens.revoke_all(user_id)
        return tokens.issue(user_id).token

    def authenticate(self, token: str | None) -> User:
        if not token:
            raise UnauthenticatedError("missing bearer token")
        user = self.session.scalar(
            select(User)
            .join(ApiToken, ApiToken.user_id == User.id)
            .where(ApiToken.token_hash == hash_token(token), token_is_live(datetime.now(UTC)))
        )
        if user is None:
            raise UnauthenticatedError(UNKNOWN_TOKEN)
        return user
