"""Unpairing: a partner leaves their couple."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from service.dashboard.audit import record as audit
from service.errors import ForbiddenError, NotFoundError
from service.persistence.models import User


def leave_couple(session: Session, caller: User) -> None:
    """The caller leaves their couple. Each partner keeps their own history; what either shared
    stays out of reach of anyone in a later pairing (see service/checkins/partner_view.py)."""
    if caller.role != "partner":
        raise ForbiddenError("only partners belong to couples")
    couple_id = caller.couple_id
    if couple_id is None:
        raise NotFoundError("you are not in a couple")
    caller.couple_id = None
    caller.couple_joined_at = None
    session.flush()
    remaining = session.scalar(
        select(func.count()).select_from(User).where(User.couple_id == couple_id)
    )
    # Who left is not recorded: the log says the pairing ended, not whose decision it was.
    audit(
        session,
        actor_id=None,
        actor_role="partner",
        action="couple_left",
        subject_type="couple",
        subject_id=couple_id,
        couple_id=couple_id,
        details={"partners_left_in_couple": remaining or 0},
    )
