"""A partner's own data: everything stored about them, to take out (export) and to erase.

Both walk the same tables by the person's id, not through their account row, so an export
taken after an erasure shows what is really left: nothing. Erasure removes the rows in one
transaction; what Redis holds about them (queued, finished and failed jobs naming their
check-ins, messages or deliveries) goes right after the commit.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import structlog
from redis import Redis
from rq.exceptions import NoSuchJobError
from rq.job import Job
from sqlalchemy import Select, delete, func, or_, select, update
from sqlalchemy.orm import Session

from service.accounts.views import consent_view, me_view
from service.checkins.service import checkin_view
from service.dashboard.audit import record as audit
from service.dashboard.rollups import compute_rollups
from service.lib.crypto import open_spans
from service.persistence.models import (
    ApiToken,
    AuditEntry,
    CheckIn,
    Conversation,
    Couple,
    Escalation,
    EscalationNote,
    Generation,
    IdempotencyKey,
    IntegrationUser,
    Message,
    OutboxEvent,
    SafetyQuestion,
    User,
    WebhookDelivery,
    WebhookReceipt,
)

log = structlog.get_logger(__name__)

EXPORT_FORMAT = "attune-export/1"


def _iso(value: datetime | None) -> str | None:
    return None if value is None else value.isoformat()


def _ids(session: Session, query: Select[Any]) -> list[uuid.UUID]:
    return list(session.scalars(query))


@dataclass
class Footprint:
    """The ids of everything that belongs to one person, gathered before anything is removed."""

    user_id: uuid.UUID
    checkins: list[uuid.UUID] = field(default_factory=list)
    conversations: list[uuid.UUID] = field(default_factory=list)
    messages: list[uuid.UUID] = field(default_factory=list)
    escalations: list[uuid.UUID] = field(default_factory=list)
    questions: list[uuid.UUID] = field(default_factory=list)

    @classmethod
    def of(cls, session: Session, user_id: uuid.UUID) -> Footprint:
        checkins = _ids(session, select(CheckIn.id).where(CheckIn.user_id == user_id))
        conversations = _ids(
            session, select(Conversation.id).where(Conversation.user_id == user_id)
        )
        messages = _ids(
            session, select(Message.id).where(Message.conversation_id.in_(conversations))
        )
        escalations = _ids(
            session,
            select(Escalation.id).where(
                or_(
                    Escalation.user_id == user_id,
                    Escalation.checkin_id.in_(checkins),
                    Escalation.message_id.in_(messages),
                )
            ),
        )
        questions = _ids(
            session, select(SafetyQuestion.id).where(SafetyQuestion.user_id == user_id)
        )
        return cls(user_id, checkins, conversations, messages, escalations, questions)

    def subjects(self) -> list[uuid.UUID]:
        """Everything an outbox event can be about."""
        return [
            self.user_id,
            *self.checkins,
            *self.conversations,
            *self.messages,
            *self.escalations,
            *self.questions,
        ]

    def names(self) -> set[str]:
        """The ids as they appear in job ids and job arguments."""
        return {str(i) for i in self.subjects()}


# ---------------------------------------------------------------------------------- export


def export_account(session: Session, user_id: uuid.UUID) -> dict[str, Any]:
    """Everything stored about ``user_id`` as one JSON-ready object (empty once erased)."""
    user = session.get(User, user_id)
    checkins = list(
        session.scalars(
            select(CheckIn).where(CheckIn.user_id == user_id).order_by(CheckIn.created_at)
        )
    )
    return {
        "format": EXPORT_FORMAT,
        "exported_at": datetime.now(UTC).isoformat(),
        "account": None if user is None else _account(user),
        "consents": None if user is None or user.role != "partner" else consent_view(user),
        "checkins": [_checkin(c) for c in checkins],
        "conversations": _conversations(session, user_id),
        "safety_questions": _questions(session, user_id),
        "escalations": _escalations(session, user_id, [c.id for c in checkins]),
        "integrations": [
            {
                "integration_id": str(m.integration_id),
                "external_user_id": m.external_user_id,
                "origin": m.origin,
                "created_at": _iso(m.created_at),
            }
            for m in session.scalars(
                select(IntegrationUser).where(IntegrationUser.user_id == user_id)
            )
        ],
        # Never the token itself (only its hash is kept), nor the hash.
        "tokens": [
            {
                "id": str(t.id),
                "name": t.name,
                "created_at": _iso(t.created_at),
                "expires_at": _iso(t.expires_at),
                "last_used_at": _iso(t.last_used_at),
            }
            for t in session.scalars(
                select(ApiToken).where(ApiToken.user_id == user_id).order_by(ApiToken.created_at)
            )
        ],
        # What they did in the dashboard (coaches and admins): logins, reads, actions.
        "activity": [
            {
                "action": a.action,
                "subject_type": a.subject_type,
                "subject_id": a.subject_id,
                "ip": a.ip,
                "user_agent": a.user_agent,
                "created_at": _iso(a.created_at),
            }
            for a in session.scalars(
                select(AuditEntry).where(AuditEntry.actor_id == user_id).order_by(AuditEntry.id)
            )
        ],
    }


def is_empty(export: dict[str, Any]) -> bool:
    """True when an export holds nothing about anyone (what an erasure must leave)."""
    return export["account"] is None and not any(
        export[key]
        for key in (
            "checkins",
            "conversations",
            "safety_questions",
            "escalations",
            "integrations",
            "tokens",
            "activity",
        )
    )


def _account(user: User) -> dict[str, Any]:
    return {**me_view(user), "created_at": _iso(user.created_at), "username": user.username}


def _checkin(checkin: CheckIn) -> dict[str, Any]:
    view = checkin_view(checkin)
    view["shared_with_partner"] = checkin.shared_with_partner
    view["couple_id"] = str(checkin.couple_id) if checkin.couple_id else None
    reading = checkin.classification
    if reading is not None and view.get("classification") is not None:
        spans = (reading.evidence or {}).get("spans", [])
        view["classification"]["evidence"] = open_spans([s for s in spans if isinstance(s, dict)])
    return view


def _conversations(session: Session, user_id: uuid.UUID) -> list[dict[str, Any]]:
    out = []
    for conversation in session.scalars(
        select(Conversation)
        .where(Conversation.user_id == user_id)
        .order_by(Conversation.created_at)
    ):
        messages = session.scalars(
            select(Message).where(Message.conversation_id == conversation.id).order_by(Message.seq)
        )
        out.append(
            {
                "id": str(conversation.id),
                "locale": conversation.locale,
                "created_at": _iso(conversation.created_at),
                "summary": conversation.summary,
                "messages": [
                    {
                        "id": str(m.id),
                        "seq": m.seq,
                        "role": m.role,
                        "kind": m.kind,
                        "content": m.content,
                        "risk_level": m.risk_level,
                        "risk_categories": list(m.risk_categories or []),
                        "citations": list(m.citations or []),
                        "created_at": _iso(m.created_at),
                    }
                    for m in messages
                ],
            }
        )
    return out


def _questions(session: Session, user_id: uuid.UUID) -> list[dict[str, Any]]:
    return [
        {
            "id": str(q.id),
            "kind": q.kind,
            "locale": q.locale,
            "status": q.status,
            "answer": q.answer,
            "note": q.note,
            "asked_at": _iso(q.asked_at),
            "answered_at": _iso(q.answered_at),
            "checkin_id": str(q.checkin_id) if q.checkin_id else None,
            "message_id": str(q.message_id) if q.message_id else None,
        }
        for q in session.scalars(
            select(SafetyQuestion)
            .where(SafetyQuestion.user_id == user_id)
            .order_by(SafetyQuestion.asked_at)
        )
    ]


def _escalations(
    session: Session, user_id: uuid.UUID, checkin_ids: list[uuid.UUID]
) -> list[dict[str, Any]]:
    rows = session.scalars(
        select(Escalation)
        .where(or_(Escalation.user_id == user_id, Escalation.checkin_id.in_(checkin_ids)))
        .order_by(Escalation.created_at)
    )
    out = []
    for e in rows:
        notes = session.scalars(
            select(EscalationNote)
            .where(EscalationNote.escalation_id == e.id)
            .order_by(EscalationNote.created_at, EscalationNote.id)
        )
        spans = (e.evidence or {}).get("spans", [])
        out.append(
            {
                "id": str(e.id),
                "severity": e.severity,
                "categories": list(e.categories or []),
                "status": e.status,
                "created_at": _iso(e.created_at),
                "acknowledged_at": _iso(e.acknowledged_at),
                "resolved_at": _iso(e.resolved_at),
                "checkin_id": str(e.checkin_id) if e.checkin_id else None,
                "message_id": str(e.message_id) if e.message_id else None,
                "evidence": open_spans([s for s in spans if isinstance(s, dict)]),
                # The coach's words about this person are theirs to see; who wrote them is the
                # coach's own data and stays out.
                "coach_notes": [
                    {"action": n.action, "note": n.note, "created_at": _iso(n.created_at)}
                    for n in notes
                ],
            }
        )
    return out


# ----------------------------------------------------------------------------------- erase


@dataclass
class Erasure:
    """What an erasure removed, by kind (counts only: the audit record keeps this)."""

    rows: dict[str, int] = field(default_factory=dict)
    job_names: set[str] = field(default_factory=set)

    def count(self, kind: str, n: int) -> None:
        self.rows[kind] = self.rows.get(kind, 0) + n


def erase_account(session: Session, user_id: uuid.UUID) -> Erasure:
    """Remove every row about ``user_id`` in the caller's transaction; leave one audit row
    that names no one. The other partner keeps their own data and their couple (anyone who
    joins it later sees nothing shared before: service/checkins/partner_view.py). Call
    ``purge_jobs`` with ``job_names`` after the commit."""
    user = session.get(User, user_id, with_for_update=True)
    footprint = Footprint.of(session, user_id)
    erasure = Erasure(job_names=footprint.names())
    couple_id = user.couple_id if user is not None else None
    role = user.role if user is not None else "unknown"

    # Outbox events and their webhook copies carry ids (and, under text:read, the words):
    # found by what they are about, the check-in, or the partner they concern.
    subjects = footprint.subjects()
    events = _ids(
        session,
        select(OutboxEvent.id).where(
            or_(
                OutboxEvent.aggregate_id.in_(subjects),
                OutboxEvent.checkin_id.in_(footprint.checkins),
                OutboxEvent.payload["user_id"].astext == str(user_id),
            )
        ),
    )
    deliveries = _ids(
        session,
        select(WebhookDelivery.id).where(
            or_(
                WebhookDelivery.event_id.in_(events),
                WebhookDelivery.checkin_id.in_(footprint.checkins),
            )
        ),
    )
    erasure.job_names |= {str(d) for d in deliveries}
    erasure.count(
        "webhook_deliveries", _delete(session, WebhookDelivery, WebhookDelivery.id, deliveries)
    )
    erasure.count("outbox_events", _delete(session, OutboxEvent, OutboxEvent.id, events))
    erasure.count(
        "webhook_receipts",
        _rows(
            session.execute(
                delete(WebhookReceipt).where(
                    WebhookReceipt.response["id"].astext.in_([str(c) for c in footprint.checkins])
                )
            )
        ),
    )
    erasure.count(
        "idempotency_keys",
        _rows(session.execute(delete(IdempotencyKey).where(IdempotencyKey.caller_id == user_id))),
    )
    erasure.count(
        "generations",
        session.scalar(
            select(func.count())
            .select_from(Generation)
            .where(
                or_(
                    Generation.checkin_id.in_(footprint.checkins),
                    Generation.message_id.in_(footprint.messages),
                )
            )
        )
        or 0,
    )
    # Escalations about them that are not theirs by user_id (a chat message's, say) go too.
    erasure.count("escalations", _delete(session, Escalation, Escalation.id, footprint.escalations))
    erasure.count("checkins", len(footprint.checkins))
    erasure.count("conversations", len(footprint.conversations))
    erasure.count("messages", len(footprint.messages))
    erasure.count("safety_questions", len(footprint.questions))
    if user is not None:
        # Their own dashboard activity stays as the record of what was read and done, but no
        # longer says by whom or from where (actor_id goes with the row's foreign key).
        erasure.count(
            "audit_rows_anonymised",
            _rows(
                session.execute(
                    update(AuditEntry)
                    .where(AuditEntry.actor_id == user_id)
                    .values(ip=None, user_agent=None)
                )
            ),
        )
        if user.username:
            session.execute(
                update(AuditEntry)
                .where(
                    AuditEntry.action == "login_failed",
                    AuditEntry.details["username"].astext == user.username,
                )
                .values(details={}, ip=None, user_agent=None)
            )
        # Cascades: check-ins (readings, tips, generations), conversations (messages),
        # safety questions, integration mappings, dashboard sessions, tokens.
        session.delete(user)
        session.flush()
        erasure.count("users", 1)
    if couple_id is not None:
        _recompute_rollups(session, couple_id)
    audit(
        session,
        actor_id=None,
        actor_role=role,
        action="account_erased",
        subject_type="account",
        details={"rows": dict(sorted(erasure.rows.items()))},
    )
    session.flush()
    return erasure


def _recompute_rollups(session: Session, couple_id: uuid.UUID) -> None:
    """The couple's weekly numbers without the erased partner, over the couple's whole life."""
    created = session.scalar(select(Couple.created_at).where(Couple.id == couple_id))
    if created is None:
        return
    weeks = max(1, (datetime.now(UTC) - created) // timedelta(weeks=1) + 2)
    compute_rollups(session, couple_ids=[couple_id], weeks=weeks)


def _delete(session: Session, model: type[Any], column: Any, ids: Iterable[Any]) -> int:
    ids = list(ids)
    if not ids:
        return 0
    return _rows(session.execute(delete(model).where(column.in_(ids))))


def _rows(result: Any) -> int:
    return int(result.rowcount)


def purge_jobs(redis: Redis, names: set[str]) -> int:
    """Delete every RQ job (queued, running, finished, failed, scheduled) whose id or
    arguments name one of ``names``; returns how many went."""
    if not names:
        return 0
    removed = 0
    for key in redis.scan_iter(match="rq:job:*", count=500):
        job_id = key.decode().removeprefix("rq:job:")
        if ":" in job_id:  # rq:job:<id>:dependents and the like
            continue
        try:
            job = Job.fetch(job_id, connection=redis)
        except NoSuchJobError:
            continue
        except Exception:  # an unreadable job is checked by its id alone
            job = None
        if not _names_any(job_id, job, names):
            continue
        if job is not None:
            job.delete(remove_from_queue=True)
        else:
            redis.delete(key)
        removed += 1
    log.info("erasure.jobs_purged", jobs=removed)
    return removed


def _names_any(job_id: str, job: Job | None, names: set[str]) -> bool:
    if any(name in job_id for name in names):
        return True
    if job is None:
        return False
    try:
        args = list(job.args or ())
    except Exception:  # arguments that cannot be read are judged by the id
        return False
    flat: list[Any] = []
    for arg in args:
        flat.extend(arg if isinstance(arg, list | tuple) else [arg])
    return any(str(a) in names for a in flat)
