"""Check-ins whose pipeline job failed for good (retries spent): marked failed, failing closed.

A check-in the job could not classify gets the fail-closed reading (at risk, not fine) through
the classification stage itself, so its coach escalation opens in the same transaction as ever.
If even that reading cannot be stored (the classification table may be what is broken), the
escalation is opened on its own: a person who may be at risk is never left without a coach
alert. A check-in already classified keeps its reading and its escalation, if any.

A check-in is marked ``failed`` only once it is safe to stop watching it; one whose escalation
could not be written either stays as it was, so the sweeper sends it through again. ``failed``
blocks nothing: a replay (``attune jobs replay``) takes it to ``tip_ready``.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field

import structlog
from sqlalchemy import select
from sqlalchemy.orm import Session

from service.checkins.pipeline import classify_stage, open_escalation
from service.classify.classifier import CheckInText, RulesClassifier, fail_closed
from service.persistence.models import CheckIn, Classification, Tip

log = structlog.get_logger(__name__)


@dataclass
class DeadLetterOutcome:
    failed: list[uuid.UUID] = field(default_factory=list)  # marked failed now
    failed_closed: list[uuid.UUID] = field(default_factory=list)  # no reading: read as at risk
    unprotected: list[uuid.UUID] = field(default_factory=list)  # left for the sweeper


def settle_dead_letter(
    session: Session, checkin_ids: Iterable[uuid.UUID], *, reason: str
) -> DeadLetterOutcome:
    """Mark the unfinished ones of ``checkin_ids`` failed, failing closed where unclassified.

    Idempotent: finished and already failed check-ins are left as they are.
    """
    outcome = DeadLetterOutcome()
    for checkin_id in sorted(set(checkin_ids)):
        checkin = session.scalar(select(CheckIn).where(CheckIn.id == checkin_id).with_for_update())
        if checkin is None or checkin.status == "failed":
            continue
        if session.get(Tip, checkin_id) is not None:
            continue  # finished before the job gave up
        if session.get(Classification, checkin_id) is None:
            if not _fail_closed(session, checkin, reason):
                outcome.unprotected.append(checkin_id)
                continue
            outcome.failed_closed.append(checkin_id)
        checkin.status = "failed"
        outcome.failed.append(checkin_id)
    session.flush()
    return outcome


def _fail_closed(session: Session, checkin: CheckIn, reason: str) -> bool:
    """Store the fail-closed reading and its escalation; failing that, the escalation alone."""
    item = CheckInText(checkin.text, checkin.mood, checkin.connection, checkin.locale)
    # The safety rules are tried once more inside: an urgent text still reads as urgent.
    result = fail_closed(f"job failed after its retries ({reason})", item)
    try:
        with session.begin_nested():
            # The classifier is not called: the reading is given.
            classify_stage(session, checkin.id, classifier=RulesClassifier(), result=result)
        return True
    except Exception:
        log.exception("fail-closed reading not stored; opening the escalation alone",
                      checkin_id=str(checkin.id))  # fmt: skip
    try:
        with session.begin_nested():
            open_escalation(session, checkin, result)
        return True
    except Exception:
        log.exception("no escalation for a failed check-in; left for the sweeper",
                      checkin_id=str(checkin.id))  # fmt: skip
        return False
