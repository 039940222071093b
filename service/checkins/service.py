"""Taking in check-ins and reading them back, always scoped to the caller."""

from __future__ import annotations

import base64
import binascii
import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session, selectinload

from service.checkins.intake import TOPIC_CHECKIN_RECEIVED, AcceptedCheckIn, NewCheckIn, accept_sync
from service.errors import InvalidInputError, NotFoundError
from service.persistence.models import CheckIn, Tip, User

__all__ = ["TOPIC_CHECKIN_RECEIVED", "CheckIns", "NewCheckIn", "checkin_view", "tip_view"]

MAX_PAGE = 100


class CheckIns:
    def __init__(self, session: Session) -> None:
        self.session = session

    def submit(self, caller: User, data: NewCheckIn) -> AcceptedCheckIn:
        """Store the check-in and its outbox event in the caller's transaction (never one alone)."""
        return accept_sync(self.session, writer_id=caller.id, data=data)

    def get(self, caller: User, checkin_id: uuid.UUID) -> CheckIn:
        """The caller's own check-in; anything else is 'not found' (no existence leak)."""
        checkin = self.session.scalar(
            select(CheckIn)
            .where(CheckIn.id == checkin_id, CheckIn.user_id == caller.id)
            .options(
                selectinload(CheckIn.classification),
                selectinload(CheckIn.tip),
                selectinload(CheckIn.safety_question),
            )
        )
        if checkin is None:
            raise NotFoundError("check-in not found")
        return checkin

    def list(
        self, caller: User, *, limit: int = 20, cursor: str | None = None
    ) -> tuple[list[CheckIn], str | None]:
        """The caller's check-ins, newest first, keyset-paginated."""
        if not 1 <= limit <= MAX_PAGE:
            raise InvalidInputError(f"limit must be between 1 and {MAX_PAGE}")
        query = select(CheckIn).where(CheckIn.user_id == caller.id)
        if cursor:
            created, last_id = _decode_cursor(cursor)
            query = query.where(
                or_(
                    CheckIn.created_at < created,
                    and_(CheckIn.created_at == created, CheckIn.id < last_id),
                )
            )
        rows = list(
            self.session.scalars(
                query.order_by(CheckIn.created_at.desc(), CheckIn.id.desc())
                .limit(limit + 1)
                .options(selectinload(CheckIn.tip))
            )
        )
        next_cursor = _encode_cursor(rows[limit - 1]) if len(rows) > limit else None
        return rows[:limit], next_cursor


def _encode_cursor(row: CheckIn) -> str:
    raw = f"{row.created_at.isoformat()}|{row.id}".encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _decode_cursor(cursor: str) -> tuple[datetime, uuid.UUID]:
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        created, last_id = base64.urlsafe_b64decode(padded).decode().split("|")
        return datetime.fromisoformat(created), uuid.UUID(last_id)
    except (ValueError, binascii.Error, UnicodeDecodeError):
        raise InvalidInputError(
            "cursor is not valid; use next_cursor from a previous page"
        ) from None


def checkin_view(checkin: CheckIn, *, detail: bool = True) -> dict[str, Any]:
    """The partner's own view of a check-in."""
    view: dict[str, Any] = {
        "id": str(checkin.id),
        "status": checkin.status,
        "created_at": checkin.created_at.isoformat(),
        "mood": checkin.mood,
        "connection": checkin.connection,
        "locale": checkin.locale,
        "links": {"self": f"/v1/checkins/{checkin.id}"},
    }
    if not detail:
        view["tip_title"] = checkin.tip.title if checkin.tip else None
        return view
    view["text"] = checkin.text
    c = checkin.classification
    view["classification"] = (
        {
            "risk_level": c.risk_level,
            "risk_categories": c.risk_categories,
            "patterns": c.patterns,
            "burnout_signals": c.burnout_signals,
            "language": c.language,
            "backend": c.backend,
            "model_version": c.model_version,
            "risk_score": c.risk_score,
        }
        if c
        else None
    )
    view["tip"] = tip_view(checkin.tip) if checkin.tip else None
    if c is not None:
        view["classification"]["ask_safety"] = c.ask_safety
        view["classification"]["ask_kind"] = c.ask_kind
    return view


def tip_view(t: Tip) -> dict[str, Any]:
    """The partner's response to a check-in; a safety question in it shows its current state."""
    view = {
        "kind": t.kind,
        "title": t.title,
        **t.body,
        "citations": t.citations,
        "backend": t.backend,
        "prompt_version": t.prompt_version,
    }
    asked = t.checkin.safety_question if t.checkin is not None else None
    if isinstance(view.get("safety_question"), dict) and asked is not None:
        view["safety_question"] = {
            **view["safety_question"],
            "status": asked.status,
            "answer": asked.answer,
        }
    return view
