"""What an answer may draw on and what it must never echo, shared by tips and chat."""

from __future__ import annotations

import uuid

from sqlalchemy import select
from sqlalchemy.orm import Session

from service.coaching.resources import LocaleResources
from service.persistence.models import CheckIn
from service.retrieval.search import RetrievedCard


def partner_private_texts(
    session: Session, *, couple_id: uuid.UUID | None, user_id: uuid.UUID, limit: int = 20
) -> tuple[str, ...]:
    """The other partner's recent private check-ins: what no output may ever echo."""
    if couple_id is None:
        return ()
    rows = session.scalars(
        select(CheckIn)
        .where(
            CheckIn.couple_id == couple_id,
            CheckIn.user_id != user_id,
            CheckIn.shared_with_partner.is_(False),
        )
        .order_by(CheckIn.created_at.desc())
        .limit(limit)
    )
    return tuple(r.text for r in rows)


def card_text(cards: list[RetrievedCard], resources: LocaleResources) -> str:
    """The retrieved cards' and resources' words: an answer may use them freely."""
    parts = [f"{c.title}\n{c.summary}\n" + "\n".join(c.steps) for c in cards]
    parts += [r.name for r in (*resources.crisis, *resources.domestic_violence)]
    return "\n".join(parts)


def resource_names(resources: LocaleResources) -> tuple[str, ...]:
    return tuple(r.name for r in (*resources.crisis, *resources.domestic_violence))
