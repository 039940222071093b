"""Start-up of the RQ worker and of the scheduler (outbox relay, sweeper, unanswered safety
questions)."""

from __future__ import annotations

import gc
import os
import threading
from datetime import UTC, datetime, timedelta

import structlog
from rq import SimpleWorker

from service.api.idempotency import purge_expired_idempotency_keys
from service.checkins.outbox import relay_pending, sweep_stuck
from service.classify.classifier import CheckInText
from service.integrations.delivery import enqueue_due
from service.integrations.inbound import purge_receipts
from service.knowledge.embedder import set_encoder_threads
from service.lib.queue import QUEUE_NAMES, enqueue_batch, enqueue_rollups, queues, rollups_slot
from service.persistence.models import OutboxEvent
from service.safety_questions.service import expire_questions
from workers import jobs
from workers.context import JobContext

log = structlog.get_logger(__name__)


def relay_once(ctx: JobContext) -> int:
    """Enqueue the pending outbox events as micro-batch jobs; returns how many were handed over."""

    def dispatch(events: list[OutboxEvent]) -> None:
        ids = list(dict.fromkeys(e.aggregate_id for e in events))  # a swept check-in may repeat
        enqueue_batch(ctx.redis, ids, timeout=ctx.settings.job_timeout_seconds)

    with ctx.db.unit_of_work() as session:
        return relay_pending(session, dispatch, batch_size=ctx.settings.worker_batch_size)


def sweep_once(ctx: JobContext) -> int:
    with ctx.db.unit_of_work() as session:
        return sweep_stuck(session, older_than=timedelta(seconds=ctx.settings.stuck_after_seconds))


def expire_once(ctx: JobContext) -> int:
    """Safety questions unanswered past their window go to the coach lane."""
    with ctx.db.unit_of_work() as session:
        return expire_questions(session, answer_hours=ctx.settings.safety_question_answer_hours)


def purge_once(ctx: JobContext) -> int:
    """Forget idempotency keys and inbound webhook receipts past their window."""
    with ctx.db.unit_of_work() as session:
        keys = purge_expired_idempotency_keys(session)
        receipts = purge_receipts(session)
    return keys + receipts


def deliver_due_once(ctx: JobContext) -> int:
    """Enqueue the webhook deliveries that are due; returns how many jobs were queued."""
    with ctx.db.unit_of_work() as session:
        return enqueue_due(
            session,
            ctx.redis,
            now=jobs.webhook_clock(),
            timeout=ctx.settings.webhook_timeout_seconds,
        )


def rollups_once(ctx: JobContext, now: datetime | None = None) -> bool:
    """Queue the weekly rollups once per time slot; True if this call queued them."""
    return enqueue_rollups(ctx.redis, slot=rollups_slot(now or datetime.now(UTC)))


def run_scheduler(ctx: JobContext, stop: threading.Event) -> None:
    """Relay often, sweep now and then, until ``stop`` is set."""
    sweep_every = max(1, int(30 / ctx.settings.relay_interval_seconds))
    rounds = 0
    log.info("scheduler started")
    while not stop.is_set():
        try:
            sent = relay_once(ctx)
            if sent:
                log.info("relayed outbox events", count=sent)
            deliver_due_once(ctx)
            rounds += 1
            if rounds % sweep_every == 0:
                if swept := sweep_once(ctx):
                    log.warning("re-enqueued stuck check-ins", count=swept)
                expire_once(ctx)
                purge_once(ctx)
                rollups_once(ctx)
        except Exception:
            # Database or Redis blip: keep the loop alive; pending events stay in the outbox.
            log.exception("relay round failed; will retry")
            stop.wait(2.0)
        stop.wait(ctx.settings.relay_interval_seconds)
    log.info("scheduler stopped")


def make_worker(ctx: JobContext, name: str | None = None) -> SimpleWorker:
    # SimpleWorker runs jobs in this process: the embedding model stays loaded between jobs
    # (a forking worker would re-import torch per job).
    qs = queues(ctx.redis)
    return SimpleWorker([qs[n] for n in QUEUE_NAMES], connection=ctx.redis, name=name)


class DrainWorker(SimpleWorker):
    """A burst worker that empties the queues in this process and returns (evals, tests).

    It opens no control channel: nobody can send commands to a worker that lives for one
    drain, and stopping rq's pub/sub thread can wait up to a minute when the thread is between
    subscriptions, once per drain.
    """

    def subscribe(self) -> None:
        return None

    def unsubscribe(self) -> None:
        return None

    def _install_signal_handlers(self) -> None:
        """Leave Ctrl-C to the caller: rq's handlers turn the first one into a warm shutdown
        that waits for the running job (a check-in against a slow local model: minutes)."""


def drain(ctx: JobContext) -> None:
    """Run every queued job now, in this process."""
    qs = queues(ctx.redis)
    DrainWorker([qs[n] for n in QUEUE_NAMES], connection=ctx.redis).work(burst=True)


def encoder_threads(ctx: JobContext) -> int:
    """WORKER_THREADS, or this machine's cores shared among WORKER_PROCESSES."""
    s = ctx.settings
    return s.worker_threads or max(1, (os.cpu_count() or 1) // s.worker_processes)


def warm_up(ctx: JobContext) -> None:
    """Size the encoders' thread pools and load both encoders and the classifier before taking
    jobs, so the first check-in is not slow."""
    set_encoder_threads(encoder_threads(ctx))
    ctx.classifier.classify_batch([CheckInText("warm up")])
    ctx.embedder.embed(["warm up"])
    # The models bring millions of long-lived objects; frozen, the collector stops walking them.
    gc.collect()
    gc.freeze()
