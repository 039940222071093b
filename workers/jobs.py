"""RQ jobs: take an id, open a unit of work, call the service, commit, enqueue the next step."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from types import TracebackType

import httpx
import structlog
from redis import Redis
from rq.job import Job

from service.checkins.batch import BatchDeps, run_batch
from service.checkins.dead_letters import settle_dead_letter
from service.checkins.pipeline import advise_stage, classify_stage
from service.dashboard.rollups import compute_rollups
from service.integrations.delivery import deliver
from service.lib import metrics
from service.lib.failed_jobs import checkin_ids_of
from service.lib.queue import enqueue_advise
from service.safety_questions.service import AskingConfig
from service.taxonomy import RiskLevel
from workers.context import JobContext, current

log = structlog.get_logger(__name__)


def process_checkins(checkin_ids: list[str]) -> dict[str, str]:
    """A micro-batch of check-ins through the whole pipeline (service/checkins/batch.py);
    returns each finished check-in's status."""
    ctx = current()
    ids = [uuid.UUID(c) for c in checkin_ids]
    with structlog.contextvars.bound_contextvars(batch_size=len(ids), stage="batch"):
        report = run_batch(ctx.db.unit_of_work, ids, batch_deps(ctx))
        metrics.stage_times(report.seconds)
        log.info(
            "batch done", classified=len(report.classified), tips=len(report.advised),
            urgent_first=len(report.urgent_first),
            seconds={k: round(v, 3) for k, v in report.seconds.items()},
        )  # fmt: skip
    return {str(cid): outcome.status for cid, outcome in report.advised.items()}


def batch_deps(ctx: JobContext) -> BatchDeps:
    return BatchDeps(
        classifier=ctx.classifier,
        embedder=ctx.embedder,
        knowledge_dir=ctx.settings.knowledge_dir,
        k=ctx.settings.retrieval_k,
        writer=ctx.tip_writer,
        classify_timeout=ctx.settings.classify_timeout_seconds,
        asking=asking_config(ctx),
    )


def asking_config(ctx: JobContext) -> AskingConfig:
    return AskingConfig(
        quiet_hours=ctx.settings.safety_question_quiet_hours,
        answer_hours=ctx.settings.safety_question_answer_hours,
    )


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
                asking=asking_config(ctx),
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


_http: list[httpx.Client] = []


def webhook_client() -> httpx.Client:
    """One HTTP client per worker process: connections to a receiver are reused."""
    if not _http:
        _http.append(httpx.Client(follow_redirects=False))
    return _http[0]


def webhook_clock() -> datetime:
    """What time deliveries are scheduled by (tests replace it to compress a day)."""
    return datetime.now(UTC)


def deliver_webhook(delivery_id: str) -> str:
    """One attempt of an outbound webhook delivery (service/integrations/delivery.py)."""
    ctx = current()
    with structlog.contextvars.bound_contextvars(delivery_id=delivery_id, stage="webhook"):
        return deliver(
            ctx.db.unit_of_work,
            webhook_client(),
            uuid.UUID(delivery_id),
            timeout=ctx.settings.webhook_timeout_seconds,
            clock=webhook_clock,
        )


def compute_weekly_rollups() -> int:
    """Recompute every couple's recent weekly rollups (service/dashboard/rollups.py)."""
    ctx = current()
    with structlog.contextvars.bound_contextvars(stage="rollups"):
        with ctx.db.unit_of_work() as session:
            written = compute_rollups(session)
        log.info("weekly rollups computed", rows_written=written)
    return written


def pipeline_job_failed(
    job: Job,
    connection: Redis,
    exc_type: type[BaseException] | None,
    exc_value: BaseException | None,
    traceback: TracebackType | None,
) -> None:
    """RQ failure callback of the pipeline jobs (service/lib/queue.py): once the job has no
    retry left, its unfinished check-ins are marked failed and fail closed."""
    if job.should_retry:
        return  # RQ runs it again after its backoff; nothing is lost yet
    ids = [uuid.UUID(c) for c in checkin_ids_of(job)]
    if not ids:
        return
    reason = exc_type.__name__ if exc_type else "unknown"
    with structlog.contextvars.bound_contextvars(job_id=job.id, stage="dead_letter"):
        try:
            with current().db.unit_of_work() as session:
                outcome = settle_dead_letter(session, ids, reason=reason)
        except Exception:
            # Not raised: RQ would record this error as the job's failure instead of its own.
            # The check-ins keep their status, so the sweeper sends them through again.
            log.exception("dead-lettered check-ins not settled; the sweeper will retry them")
            return
        log.error(
            "job failed for good; check-ins marked failed", reason=reason,
            failed=[str(c) for c in outcome.failed],
            failed_closed=[str(c) for c in outcome.failed_closed],
            unprotected=[str(c) for c in outcome.unprotected],
        )  # fmt: skip
