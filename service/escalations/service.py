"""The coach escalation queue: who may see which escalation, and how one is handled.

Every query is scoped by the caller: an admin sees every escalation, a coach only those of
the couples assigned to them, anyone else nothing. An escalation outside the caller's scope
is reported as not found, so that its existence does not leak.
"""

from __future__ import annotations

import base64
import binascii
import builtins
import uuid
from datetime import UTC, datetime
from typing import Any

import structlog
from sqlalchemy import Select, and_, case, func, or_, select
from sqlalchemy.orm import Session

from service.errors import ConflictError, ForbiddenError, InvalidInputError, NotFoundError
from service.integrations.events import (
    ESCALATION_ACKNOWLEDGED,
    ESCALATION_RESOLVED,
    escalation_event,
)
from service.lib import metrics
from service.lib.crypto import open_spans
from service.persistence.models import CoachAssignment, Escalation, EscalationNote, User

log = structlog.get_logger(__name__)

STATUSES = ("open", "acknowledged", "resolved")
MAX_PAGE = 100
MAX_NOTE = 1000
# What a coach may read of an evidence span: where it is and why, never more of the text.
SPAN_FIELDS = ("quote", "start", "end", "label")
# Allowed moves: action -> (statuses it may start from, status it leads to).
TRANSITIONS: dict[str, tuple[frozenset[str], str]] = {
    "acknowledge": (frozenset({"open"}), "acknowledged"),
    "resolve": (frozenset({"open", "acknowledged"}), "resolved"),
}

# Urgent, then elevated, then the low-priority lane (a safety question declined or left
# unanswered: severity concern); the queue index (status, severity, created_at) serves the rest.
SEVERITY_RANK = {"urgent": 0, "elevated": 1, "concern": 2}
_severity_rank = case(
    (Escalation.severity == "urgent", 0), (Escalation.severity == "elevated", 1), else_=2
)


class Escalations:
    def __init__(self, session: Session) -> None:
        self.session = session

    def list(
        self,
        caller: User,
        *,
        status: str | None = None,
        limit: int = 20,
        cursor: str | None = None,
    ) -> tuple[list[Escalation], str | None]:
        """Escalations the caller may see: urgent first, then oldest first, keyset-paginated."""
        if status is not None and status not in STATUSES:
            raise InvalidInputError(f"status must be one of {', '.join(STATUSES)}")
        if not 1 <= limit <= MAX_PAGE:
            raise InvalidInputError(f"limit must be between 1 and {MAX_PAGE}")
        query = _scoped(caller, select(Escalation))
        if status is not None:
            query = query.where(Escalation.status == status)
        if cursor:
            rank, created, last_id = _decode_cursor(cursor)
            query = query.where(
                or_(
                    _severity_rank > rank,
                    and_(_severity_rank == rank, Escalation.created_at > created),
                    and_(
                        _severity_rank == rank,
                        Escalation.created_at == created,
                        Escalation.id > last_id,
                    ),
                )
            )
        rows = list(
            self.session.scalars(
                query.order_by(_severity_rank, Escalation.created_at, Escalation.id).limit(
                    limit + 1
                )
            )
        )
        next_cursor = _encode_cursor(rows[limit - 1]) if len(rows) > limit else None
        return rows[:limit], next_cursor

    def get(self, caller: User, escalation_id: uuid.UUID) -> Escalation:
        """One escalation in the caller's scope; anything else is 'not found'."""
        escalation = self.session.scalar(
            _scoped(caller, select(Escalation)).where(Escalation.id == escalation_id)
        )
        if escalation is None:
            raise NotFoundError("escalation not found")
        return escalation

    def acknowledge(
        self, caller: User, escalation_id: uuid.UUID, *, note: str | None = None
    ) -> Escalation:
        """A coach has seen it and is on it: open -> acknowledged."""
        return self._move(caller, escalation_id, "acknowledge", note)

    def resolve(
        self, caller: User, escalation_id: uuid.UUID, *, note: str | None = None
    ) -> Escalation:
        """Handled: open or acknowledged -> resolved."""
        return self._move(caller, escalation_id, "resolve", note)

    def notes(self, caller: User, escalation_id: uuid.UUID) -> builtins.list[EscalationNote]:
        """The notes coaches left on an escalation in the caller's scope, oldest first."""
        self.get(caller, escalation_id)
        return list(
            self.session.scalars(
                select(EscalationNote)
                .where(EscalationNote.escalation_id == escalation_id)
                .order_by(EscalationNote.id)
            )
        )

    def _move(
        self, caller: User, escalation_id: uuid.UUID, action: str, note: str | None = None
    ) -> Escalation:
        sources, target = TRANSITIONS[action]
        # The row lock makes two coaches acting at once take turns: the second one sees the
        # first one's status and gets a conflict instead of silently overwriting it.
        escalation = self.session.scalar(
            _scoped(caller, select(Escalation))
            .where(Escalation.id == escalation_id)
            .with_for_update(of=Escalation)
        )
        if escalation is None:
            raise NotFoundError("escalation not found")
        if escalation.status not in sources:
            raise ConflictError(
                f"cannot {action} an escalation that is {escalation.status}",
                current_status=escalation.status,
            )
        now = datetime.now(UTC)
        escalation.status = target
        if target == "acknowledged":
            escalation.acknowledged_at = now
        else:
            escalation.resolved_at = now
        escalation.handled_by = caller.id
        if note and note.strip():
            if len(note) > MAX_NOTE:
                raise InvalidInputError(f"a note must be at most {MAX_NOTE} characters")
            self.session.add(
                EscalationNote(
                    escalation_id=escalation.id, author_id=caller.id, action=action,
                    note=note.strip(),
                )
            )  # fmt: skip
        if target == "acknowledged":  # after the checks that may still refuse the move
            metrics.escalation_acknowledged(escalation.severity, escalation.created_at, now)
        escalation_event(
            self.session,
            ESCALATION_ACKNOWLEDGED if target == "acknowledged" else ESCALATION_RESOLVED,
            escalation,
        )
        self.session.flush()
        log.info(
            "escalation handled", escalation_id=str(escalation.id), status=target,
            handled_by=str(caller.id),
        )  # fmt: skip
        return escalation


def open_escalations(session: Session) -> dict[str, metrics.OpenEscalations]:
    """Escalations no coach has acknowledged yet, per severity (the queue index serves it)."""
    rows = session.execute(
        select(Escalation.severity, func.count(), func.min(Escalation.created_at))
        .where(Escalation.status == "open")
        .group_by(Escalation.severity)
    )
    return {severity: metrics.OpenEscalations(count, oldest) for severity, count, oldest in rows}


def _scoped(caller: User, query: Select[Escalation]) -> Select[Escalation]:
    if caller.role == "admin":
        return query
    if caller.role == "coach":
        assigned = select(CoachAssignment.couple_id).where(CoachAssignment.coach_id == caller.id)
        return query.where(Escalation.couple_id.in_(assigned))
    raise ForbiddenError("only coaches and admins can see escalations")


def _encode_cursor(row: Escalation) -> str:
    rank = SEVERITY_RANK.get(row.severity, 2)
    raw = f"{rank}|{row.created_at.isoformat()}|{row.id}".encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _decode_cursor(cursor: str) -> tuple[int, datetime, uuid.UUID]:
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        rank, created, last_id = base64.urlsafe_b64decode(padded).decode().split("|")
        if rank not in ("0", "1", "2"):
            raise ValueError(rank)
        return int(rank), datetime.fromisoformat(created), uuid.UUID(last_id)
    except (ValueError, binascii.Error, UnicodeDecodeError):
        raise InvalidInputError(
            "cursor is not valid; use next_cursor from a previous page"
        ) from None


def escalation_view(escalation: Escalation) -> dict[str, Any]:
    """What a coach sees: why it was raised and where, never the partner's whole note."""
    spans = escalation.evidence.get("spans", []) if escalation.evidence else []
    return {
        "id": str(escalation.id),
        "severity": escalation.severity,
        "categories": list(escalation.categories),
        "status": escalation.status,
        "created_at": escalation.created_at.isoformat(),
        "acknowledged_at": _iso(escalation.acknowledged_at),
        "resolved_at": _iso(escalation.resolved_at),
        "handled_by": _str(escalation.handled_by),
        "couple_id": _str(escalation.couple_id),
        "user_id": _str(escalation.user_id),
        "source": "checkin" if escalation.checkin_id is not None else "chat",
        # "safety": an elevated or urgent reading or a "yes"; "unanswered_safety_question": a
        # question the partner declined or left unanswered (low priority).
        "lane": (escalation.evidence or {}).get("lane", "safety"),
        "safety_question": _question_summary(escalation.evidence or {}),
        "checkin_id": _str(escalation.checkin_id),
        "message_id": _str(escalation.message_id),
        "evidence": {
            "spans": [
                {key: span[key] for key in SPAN_FIELDS if key in span}
                for span in open_spans([s for s in spans if isinstance(s, dict)])
            ]
        },
        "links": {"self": f"/v1/escalations/{escalation.id}"},
    }


def coach_view(session: Session, escalation: Escalation) -> dict[str, Any]:
    """``escalation_view`` as the API gives it to a coach or admin: the evidence quotes are the
    partner's words, shown only while that partner lets their coach read them (as on the
    dashboard); without consent the spans keep where and what, not the words."""
    view = escalation_view(escalation)
    writer = session.get(User, escalation.user_id) if escalation.user_id else None
    consent = bool(writer and writer.coach_can_read_text)
    if not consent:
        view["evidence"]["spans"] = [
            {k: v for k, v in span.items() if k != "quote"} for span in view["evidence"]["spans"]
        ]
    view["evidence"]["quotes_shown"] = consent
    return view


def _question_summary(evidence: dict[str, Any]) -> dict[str, Any] | None:
    q = evidence.get("question")
    if not isinstance(q, dict):
        return None
    return {"id": q.get("id"), "kind": q.get("kind"), "answer": q.get("answer")}


def _iso(value: datetime | None) -> str | None:
    return None if value is None else value.isoformat()


def _str(value: uuid.UUID | None) -> str | None:
    return None if value is None else str(value)
