"""Creating a couple and joining it with an invite code."""

from __future__ import annotations

import secrets
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.orm import Session

from service.errors import ConflictError, DomainError, ForbiddenError, NotFoundError
from service.persistence.models import CoachAssignment, Couple, User

MAX_PARTNERS = 2
DEFAULT_INVITE_TTL = timedelta(days=7)  # INVITE_CODE_TTL_DAYS
# The same words whether the code never existed, expired or was used: a guesser learns nothing.
UNKNOWN_CODE = "this invite code is expired or unknown; ask your partner for a new one"
_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O or 1/I: codes get read aloud


def new_invite_code() -> str:
    raw = "".join(secrets.choice(_ALPHABET) for _ in range(10))
    return f"{raw[:5]}-{raw[5:]}"


@dataclass(frozen=True)
class CoupleView:
    id: str
    invite_code: str | None
    partners: int
    stage: str | None = None
    invite_expires_at: datetime | None = None


class Couples:
    def __init__(self, session: Session, *, invite_ttl: timedelta = DEFAULT_INVITE_TTL) -> None:
        self.session = session
        self.invite_ttl = invite_ttl

    def create(self, caller: User, *, stage: str | None = None) -> CoupleView:
        _require_partner(caller)
        if caller.couple_id is not None:
            raise ConflictError("you already belong to a couple", couple_id=str(caller.couple_id))
        couple = Couple(
            invite_code=new_invite_code(),
            invite_expires_at=datetime.now(UTC) + self.invite_ttl,
            stage=stage,
        )
        self.session.add(couple)
        self.session.flush()
        caller.couple_id = couple.id
        caller.couple_joined_at = func.now()
        self.session.flush()
        return CoupleView(
            str(couple.id), couple.invite_code, 1, couple.stage, couple.invite_expires_at
        )

    def set_stage(self, caller: User, stage: str | None) -> CoupleView:
        """Record the relationship stage (early, mid, long_term) that tips are tailored to."""
        _require_partner(caller)
        couple = self.session.get(Couple, caller.couple_id) if caller.couple_id else None
        if couple is None:
            raise NotFoundError("you are not in a couple yet; create or join one first")
        couple.stage = stage
        members = self.session.scalar(
            select(func.count()).select_from(User).where(User.couple_id == couple.id)
        )
        self.session.flush()
        return CoupleView(str(couple.id), couple.invite_code, members or 0, couple.stage)

    def join(self, caller: User, invite_code: str) -> CoupleView:
        _require_partner(caller)
        code = invite_code.strip().upper()
        couple = self.session.scalar(
            select(Couple)
            .where(Couple.invite_code == code, Couple.invite_expires_at > datetime.now(UTC))
            .with_for_update()
        )
        if couple is None:
            raise NotFoundError(UNKNOWN_CODE)
        if caller.couple_id == couple.id:
            raise ConflictError("you are already in this couple")
        if caller.couple_id is not None:
            raise ConflictError("you already belong to another couple")
        members = self.session.scalar(
            select(func.count()).select_from(User).where(User.couple_id == couple.id)
        )
        if (members or 0) >= MAX_PARTNERS:
            raise ConflictError("this couple already has two partners")
        caller.couple_id = couple.id
        caller.couple_joined_at = func.now()
        couple.invite_code = None  # single use: the couple is complete
        couple.invite_expires_at = None
        self.session.flush()
        return CoupleView(str(couple.id), None, (members or 0) + 1)

    def renew_invite(self, caller: User) -> CoupleView:
        """A fresh invite code (and expiry) for the single partner of an incomplete couple; the
        previous code stops working."""
        _require_partner(caller)
        couple = (
            self.session.scalar(
                select(Couple).where(Couple.id == caller.couple_id).with_for_update()
            )
            if caller.couple_id
            else None
        )
        if couple is None:
            raise NotFoundError("you are not in a couple yet; create one first")
        members = self.session.scalar(
            select(func.count()).select_from(User).where(User.couple_id == couple.id)
        )
        if (members or 0) >= MAX_PARTNERS:
            raise ConflictError("this couple already has two partners")
        couple.invite_code = new_invite_code()
        couple.invite_expires_at = datetime.now(UTC) + self.invite_ttl
        self.session.flush()
        return CoupleView(
            str(couple.id), couple.invite_code, members or 0, couple.stage, couple.invite_expires_at
        )

    def assign_coach(self, caller: User, *, couple_id: uuid.UUID, coach_id: uuid.UUID) -> bool:
        """Let a coach look after a couple (admins only); True if the assignment is new."""
        if caller.role != "admin":
            raise ForbiddenError("only admins can assign coaches")
        return assign_coach(self.session, couple_id=couple_id, coach_id=coach_id)


def assign_coach(session: Session, *, couple_id: uuid.UUID, coach_id: uuid.UUID) -> bool:
    """Record that the coach looks after the couple; idempotent. True if it is new.

    No caller check: this is the operator's path (CLI). The API goes through
    ``Couples.assign_coach``, which requires an admin.
    """
    if session.get(Couple, couple_id) is None:
        raise NotFoundError("couple not found")
    coach = session.get(User, coach_id)
    if coach is None:
        raise NotFoundError("user not found")
    if coach.role != "coach":
        raise DomainError(f"user {coach_id} is a {coach.role}, not a coach", role=coach.role)
    # ON CONFLICT: two admins assigning the same coach at once both succeed, once.
    inserted = session.execute(
        insert(CoachAssignment)
        .values(coach_id=coach_id, couple_id=couple_id)
        .on_conflict_do_nothing(index_elements=["coach_id", "couple_id"])
        .returning(CoachAssignment.coach_id)
    ).first()
    return inserted is not None


def _require_partner(caller: User) -> None:
    if caller.role != "partner":
        raise ForbiddenError("only partners can create or join a couple")
