"""Creating a couple and joining it with an invite code."""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from service.errors import ConflictError, ForbiddenError, NotFoundError
from service.persistence.models import Couple, User

MAX_PARTNERS = 2
_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O or 1/I: codes get read aloud


def new_invite_code() -> str:
    raw = "".join(secrets.choice(_ALPHABET) for _ in range(10))
    return f"{raw[:5]}-{raw[5:]}"


@dataclass(frozen=True)
class CoupleView:
    id: str
    invite_code: str | None
    partners: int


class Couples:
    def __init__(self, session: Session) -> None:
        self.session = session

    def create(self, caller: User) -> CoupleView:
        _require_partner(caller)
        if caller.couple_id is not None:
            raise ConflictError("you already belong to a couple", couple_id=str(caller.couple_id))
        couple = Couple(invite_code=new_invite_code())
        self.session.add(couple)
        self.session.flush()
        caller.couple_id = couple.id
        self.session.flush()
        return CoupleView(str(couple.id), couple.invite_code, 1)

    def join(self, caller: User, invite_code: str) -> CoupleView:
        _require_partner(caller)
        code = invite_code.strip().upper()
        couple = self.session.scalar(
            select(Couple).where(Couple.invite_code == code).with_for_update()
        )
        if couple is None:
            raise NotFoundError("no couple has this invite code")
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
        couple.invite_code = None  # single use: the couple is complete
        self.session.flush()
        return CoupleView(str(couple.id), None, (members or 0) + 1)


def _require_partner(caller: User) -> None:
    if caller.role != "partner":
        raise ForbiddenError("only partners can create or join a couple")
