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


def on_point_ids(
    cards: list[RetrievedCard], patterns: list[str], burnout_signals: list[str]
) -> frozenset[str]:
    """The retrieved cards a coaching tip must cite one of: those written for a detected pattern
    or burnout signal, and among them the strategies when there are any. A warning-signs list,
    a myth or a case study may sit beside a strategy, not stand in for it: Qwen2.5-1.5B cited
    only the warning-signs checklist for hidden credit-card debt (guideline case grounding-012)
    with the strategy for gradual truth-telling retrieved first."""
    detected = {*patterns, *burnout_signals}
    fitting = [c for c in cards if {*c.patterns, *c.burnout_signals} & detected]
    strategies = [c for c in fitting if c.kind == "strategy"]
    return frozenset(c.id for c in strategies or fitting)
