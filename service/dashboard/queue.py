"""The escalation queue and one escalation: who needs a coach first, and acting on it.

A coach sees the escalations of the couples assigned to them (an admin: all); anything else
is "not found". Evidence quotes are the partner's words: shown only while that partner allows
their coach to read them (checked on every request, so withdrawing consent works at once).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Annotated, Any

from litestar import Controller, Request, get, post
from litestar.di import NamedDependency
from litestar.enums import RequestEncodingType
from litestar.params import Body, FromPath, QueryParameter
from litestar.response import Redirect, Template
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import select
from sqlalchemy.orm import Session

from service.dashboard.web import Visit, page
from service.escalations.service import MAX_NOTE, Escalations, escalation_view
from service.persistence.models import Classification, Escalation, User

LANE_LABELS = {"unanswered_safety_question": "unanswered safety question"}
FILTERS = ("active", "open", "acknowledged", "resolved")
StatusFilter = Annotated[str, QueryParameter(pattern="^(active|open|acknowledged|resolved)$")]


class NoteForm(BaseModel):
    model_config = ConfigDict(extra="ignore", str_strip_whitespace=True)

    note: str = Field(default="", max_length=MAX_NOTE)


def age(moment: datetime, now: datetime | None = None) -> str:
    """ "4 min", "3 h", "2 d": how long someone has been waiting."""
    seconds = max(0, int(((now or datetime.now(UTC)) - moment).total_seconds()))
    if seconds < 60:
        return "just now"
    if seconds < 3600:
        return f"{seconds // 60} min"
    if seconds < 86400:
        return f"{seconds // 3600} h"
    return f"{seconds // 86400} d"


@dataclass(frozen=True)
class QueueRow:
    view: dict[str, Any]
    age: str
    lane_label: str | None


def _caller(session: Session, visit: Visit) -> User:
    user = session.get(User, visit.viewer.id)
    assert user is not None  # the session join found them a moment ago
    return user


def queue_rows(session: Session, visit: Visit, status: str) -> list[QueueRow]:
    """Urgent first, then elevated, then the low-priority lane; oldest first within each."""
    caller = _caller(session, visit)
    escalations = Escalations(session)
    statuses = ("open", "acknowledged") if status == "active" else (status,)
    rows: list[Escalation] = []
    for one in statuses:
        rows += escalations.list(caller, status=one, limit=100)[0]
    rank = {"urgent": 0, "elevated": 1, "concern": 2}
    rows.sort(key=lambda e: (rank.get(e.severity, 3), e.created_at, e.id))
    now = datetime.now(UTC)
    out = []
    for escalation in rows:
        view = escalation_view(escalation)
        out.append(QueueRow(view, age(escalation.created_at, now), LANE_LABELS.get(view["lane"])))
    return out


class QueueController(Controller):
    path = "/dashboard"
    include_in_schema = False

    @get("/queue")
    async def queue(
        self,
        request: Request[Any, Any, Any],
        visit: NamedDependency[Visit],
        status: StatusFilter = "active",
    ) -> Template:
        """The queue, refreshed in place every few seconds."""

        def read(session: Session) -> list[QueueRow]:
            visit.audit(session, "read_queue", details={"status": status})
            return queue_rows(session, visit, status)

        rows = await visit.run(read)
        return page(request, "queue.html", {"viewer": visit.viewer, "nav": "queue",
                                             "rows": rows, "status": status,
                                             "filters": FILTERS})  # fmt: skip

    @get("/queue/rows")
    async def queue_part(
        self,
        request: Request[Any, Any, Any],
        visit: NamedDependency[Visit],
        status: StatusFilter = "active",
    ) -> Template:
        """The queue's rows alone (htmx polling). Not audited per poll: it shows what the page
        already showed, and new escalations carry no words."""
        rows = await visit.run(lambda session: queue_rows(session, visit, status))
        return page(request, "queue_rows.html", {"rows": rows, "status": status})

    @get("/escalations/{escalation_id:uuid}")
    async def escalation(
        self,
        request: Request[Any, Any, Any],
        escalation_id: FromPath[uuid.UUID],
        visit: NamedDependency[Visit],
    ) -> Template:
        """One escalation: why, when, the partner's words if they allow it, notes, actions."""

        def read(session: Session) -> dict[str, Any]:
            escalations = Escalations(session)
            caller = _caller(session, visit)
            escalation = escalations.get(caller, escalation_id)  # outside the scope: 404
            view = escalation_view(escalation)
            writer = session.get(User, escalation.user_id) if escalation.user_id else None
            consent = bool(writer and writer.coach_can_read_text)
            visit.audit(session, "read_escalation", subject_type="escalation",
                        subject_id=escalation.id, couple_id=escalation.couple_id)  # fmt: skip
            if consent and view["evidence"]["spans"]:
                visit.audit(session, "read_evidence", subject_type="escalation",
                            subject_id=escalation.id, couple_id=escalation.couple_id,
                            details={"spans": len(view["evidence"]["spans"])})  # fmt: skip
            labels = None
            if escalation.checkin_id is not None:
                labels = session.scalar(
                    select(Classification).where(Classification.checkin_id == escalation.checkin_id)
                )
            return {
                "viewer": visit.viewer,
                "nav": "queue",
                "e": view,
                "age": age(escalation.created_at),
                "lane_label": LANE_LABELS.get(view["lane"]),
                "consent": consent,
                "labels": labels,
                "notes": [
                    {"action": n.action, "note": n.note, "at": n.created_at,
                     "author": (session.get(User, n.author_id).name  # type: ignore[union-attr]
                                if n.author_id and session.get(User, n.author_id) else "—")}
                    for n in escalations.notes(caller, escalation_id)
                ],
            }  # fmt: skip

        return page(request, "escalation.html", await visit.run(read))

    @post("/escalations/{escalation_id:uuid}/{action:str}", status_code=303)
    async def act(
        self,
        escalation_id: FromPath[uuid.UUID],
        action: FromPath[str],
        visit: NamedDependency[Visit],
        data: Annotated[NoteForm, Body(media_type=RequestEncodingType.URL_ENCODED)],
    ) -> Redirect:
        """Acknowledge or resolve, with an optional note (stored encrypted)."""
        if action not in ("acknowledge", "resolve"):
            from service.errors import NotFoundError

            raise NotFoundError("no such action")

        def move(session: Session) -> None:
            escalations = Escalations(session)
            caller = _caller(session, visit)
            handle = escalations.acknowledge if action == "acknowledge" else escalations.resolve
            escalation = handle(caller, escalation_id, note=data.note or None)
            visit.audit(session, action, subject_type="escalation", subject_id=escalation.id,
                        couple_id=escalation.couple_id,
                        details={"with_note": bool(data.note)})  # fmt: skip

        await visit.run(move)
        return Redirect(path=f"/dashboard/escalations/{escalation_id}", status_code=303)
