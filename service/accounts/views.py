"""How an account is shown to its owner: who they are and what they consent to."""

from __future__ import annotations

from typing import Any

from service.errors import ForbiddenError
from service.persistence.models import User


def consent_view(user: User) -> dict[str, Any]:
    return {
        "coach_can_read_text": user.coach_can_read_text,
        "updated_at": user.consent_updated_at.isoformat() if user.consent_updated_at else None,
    }


def require_partner(user: User) -> User:
    if user.role != "partner":
        raise ForbiddenError("only partners give or withdraw consent")
    return user


def me_view(user: User) -> dict[str, Any]:
    """What every client needs first: who the caller is, their couple, locale and consents."""
    return {
        "id": str(user.id),
        "name": user.name,
        "role": user.role,
        "couple_id": str(user.couple_id) if user.couple_id else None,
        "locale": user.locale,
        "consents": {"coach_can_read_text": user.coach_can_read_text},
    }
