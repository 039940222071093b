"""The audit log: every coach read of a couple, a check-in or evidence, and every action.

One row per event — who (id, role), what (action, subject), when, from where (address, user
agent) — never the words that were read. Admins see it in the dashboard and export it with
`attune audit export --since`.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from service.persistence.models import AuditEntry

# What can be recorded (the `action` column); kept in one place so that exports stay stable.
ACTIONS = frozenset(
    {
        "login",
        "login_failed",
        "logout",
        "read_queue",
        "read_escalation",
        "read_couple",
        "read_checkin",
        "read_evidence",
        "acknowledge",
        "resolve",
        "read_audit",
        "account_erased",
        "couple_left",
    }
)


def record(
    session: Session,
    *,
    actor_id: uuid.UUID | None,
    actor_role: str,
    action: str,
    subject_type: str | None = None,
    subject_id: str | uuid.UUID | None = None,
    couple_id: uuid.UUID | None = None,
    ip: str | None = None,
    user_agent: str | None = None,
    details: dict[str, Any] | None = None,
) -> AuditEntry:
    """Add one audit row in the caller's transaction (so a read that fails leaves none)."""
    if action not in ACTIONS:
        raise ValueError(f"unknown audit action {action!r}")
    entry = AuditEntry(
        actor_id=actor_id,
        actor_role=actor_role,
        action=action,
        subject_type=subject_type,
        subject_id=str(subject_id) if subject_id is not None else None,
        couple_id=couple_id,
        ip=(ip or "")[:64] or None,
        user_agent=(user_agent or "")[:200] or None,
        details=details or {},
    )
    session.add(entry)
    return entry


def entries(
    session: Session, *, since: datetime | None = None, limit: int | None = None
) -> Iterator[AuditEntry]:
    """Audit rows, oldest first (newest first with ``limit``: the dashboard's page)."""
    query = select(AuditEntry)
    if since is not None:
        query = query.where(AuditEntry.created_at >= since)
    if limit is not None:
        query = query.order_by(AuditEntry.id.desc()).limit(limit)
    else:
        query = query.order_by(AuditEntry.id)
    yield from session.scalars(query)


def entry_view(entry: AuditEntry) -> dict[str, Any]:
    return {
        "id": entry.id,
        "at": entry.created_at.isoformat(),
        "actor_id": str(entry.actor_id) if entry.actor_id else None,
        "actor_role": entry.actor_role,
        "action": entry.action,
        "subject_type": entry.subject_type,
        "subject_id": entry.subject_id,
        "couple_id": str(entry.couple_id) if entry.couple_id else None,
        "ip": entry.ip,
        "user_agent": entry.user_agent,
        "details": entry.details,
    }
