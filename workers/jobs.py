"""RQ jobs: take an id, open a unit of work, call the service, commit, enqueue the next step."""

from __future__ import annotations

import uuid

import structlog

from service.checkins.pipeline import advise_stage, classify_stage
from service.lib.queue import enqueue_advise
from service.safety_questions.service import AskingConfig
from service.taxonomy import RiskLevel
from workers.context import current

log = structlog.get_logger(__name__)


def classify_checkin(checkin_id: str) -> str | None:
    ctx = current()
    cid = uuid.UUID(checkin_id)
    with structlog.contextvars.bound_contextvars(checkin_id=checkin_id, stage="classify"):
        with ctx.db.unit_of_work() as session:
            outcome = classify_stage(
                session,
                cid,
                classifier=ctx.classifier,
                timeout=ctx.settings.classify_timeout_seconds,
                asking=AskingConfig(
                    quiet_hours=ctx.settings.safety_question_quiet_hours,
                    answer_hours=ctx.settings.safety_question_answer_hours,
                ),
            )
        if outcome is None:
            return None
        # After commit, so the next stage always sees the classification.
        enqueue_advise(
            ctx.redis,
            cid,
            urgent=outcome.risk_level == RiskLevel.URGENT,
            timeout=ctx.settings.job_timeout_seconds,
        )
        log.info("classified", risk_level=str(outcome.risk_level), skipped=outcome.skipped)
        return str(outcome.risk_level)


def advise_checkin(checkin_id: str) -> str | None:
    ctx = current()
    cid = uuid.UUID(checkin_id)
    with structlog.contextvars.bound_contextvars(checkin_id=checkin_id, stage="advise"):
        with ctx.db.unit_of_work() as session:
            outcome = advise_stage(
                session,
                cid,
                embedder=ctx.embedder,
                knowledge_dir=ctx.settings.knowledge_dir,
                k=ctx.settings.retrieval_k,
                writer=ctx.tip_writer,
            )
        if outcome is None:
            return None
        log.info("tip ready", skipped=outcome.skipped)
        return outcome.status
