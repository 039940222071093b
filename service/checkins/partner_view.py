"""What one partner may read of the other's check-ins: only what was shared and is safe to show.

Sharing is the writer's choice, but it is not enough on its own. A check-in appears only when
all of these hold:

- the writer ticked "share with my partner";
- it was written inside the couple both belong to now, after both had joined it (a partner
  who joins later, or who leaves and comes back, never sees what was shared before);
- it has been classified (unclassified text has not been checked for danger yet);
- the classification is ``none`` or ``concern`` with no risk category;
- no escalation was opened for it, and the writer was not asked a safety question about it
  (whether one was asked is the writer's alone: a shared note that prompted one stays private).

A note about violence, threats or control therefore never reaches the other partner, even
when the writer ticked "share" (DESIGN.md, Safety). The other partner sees the note itself,
mood and connection, never its classification, tip or escalation.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import and_, exists, func, or_, select
from sqlalchemy.orm import Session

from service.checkins.service import MAX_PAGE, _decode_cursor, _encode_cursor
from service.errors import ForbiddenError, InvalidInputError
from service.persistence.models import CheckIn, Classification, Escalation, SafetyQuestion, User

# Only notes with no safety signal at all reach the other partner: "he scares me sometimes"
# (concern) is about that partner, and showing it to them could put the writer at risk.
VISIBLE_RISK_LEVELS = ("none",)


class PartnerView:
    def __init__(self, session: Session) -> None:
        self.session = session

    def shared_checkins(
        self, caller: User, *, limit: int = 20, cursor: str | None = None
    ) -> tuple[list[CheckIn], str | None]:
        """The other partner's shared, safe check-ins, newest first; none without a couple."""
        if caller.role != "partner":
            raise ForbiddenError("only partners have a partner view")
        if not 1 <= limit <= MAX_PAGE:
            raise InvalidInputError(f"limit must be between 1 and {MAX_PAGE}")
        after = _decode_cursor(cursor) if cursor else None
        if caller.couple_id is None:
            return [], None
        # The later of both partners' joining: nothing shared before it is shown.
        since = func.greatest(
            func.coalesce(User.couple_joined_at, CheckIn.created_at),
            func.coalesce(caller.couple_joined_at, User.couple_joined_at, CheckIn.created_at),
        )
        escalated = exists().where(Escalation.checkin_id == CheckIn.id)
        asked = exists().where(SafetyQuestion.checkin_id == CheckIn.id)
        query = (
            select(CheckIn)
            .join(Classification, Classification.checkin_id == CheckIn.id)
            .join(User, User.id == CheckIn.user_id)
            .where(
                User.couple_id == caller.couple_id,
                User.id != caller.id,
                CheckIn.created_at >= since,
                CheckIn.couple_id == caller.couple_id,
                CheckIn.shared_with_partner.is_(True),
                Classification.risk_level.in_(VISIBLE_RISK_LEVELS),
                func.cardinality(Classification.risk_categories) == 0,
                ~escalated,
                ~asked,
                ~Classification.ask_safety,
            )
        )
        if after is not None:
            created, last_id = after
            query = query.where(
                or_(
                    CheckIn.created_at < created,
                    and_(CheckIn.created_at == created, CheckIn.id < last_id),
                )
            )
        rows = list(
            self.session.scalars(
                query.order_by(CheckIn.created_at.desc(), CheckIn.id.desc()).limit(limit + 1)
            )
        )
        next_cursor = _encode_cursor(rows[limit - 1]) if len(rows) > limit else None
        return rows[:limit], next_cursor


def shared_checkin_view(checkin: CheckIn) -> dict[str, Any]:
    """The other partner's view: what was shared, nothing the pipeline made of it."""
    return {
        "id": str(checkin.id),
        "created_at": checkin.created_at.isoformat(),
        "mood": checkin.mood,
        "connection": checkin.connection,
        "text": checkin.text,
    }
