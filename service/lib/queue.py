"""Redis connection and RQ queues. Connections are passed explicitly; there is no global one."""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Sequence
from datetime import datetime

from redis import Redis
from rq import Callback, Queue, Retry
from rq.exceptions import DuplicateJobError, NoSuchJobError
from rq.job import Job, JobStatus

HIGH = "attune-high"  # urgent risk: safety responses jump the line
DEFAULT = "attune-default"
LOW = "attune-low"  # outbound webhooks: a slow receiver never delays a check-in
QUEUE_NAMES = (HIGH, DEFAULT, LOW)  # a worker drains HIGH, then DEFAULT, then LOW

CLASSIFY_JOB = "workers.jobs.classify_checkin"
ADVISE_JOB = "workers.jobs.advise_checkin"
BATCH_JOB = "workers.jobs.process_checkins"
DELIVER_JOB = "workers.jobs.deliver_webhook"
ROLLUPS_JOB = "workers.jobs.compute_weekly_rollups"
ROLLUPS_EVERY_SECONDS = 600  # the dashboard's weekly numbers are at most this old

# Backoff for transient failures (database restart, model hiccup); then the dead-letter registry.
RETRY = Retry(max=3, interval=[2, 10, 30])
# Called after every failure of a pipeline job; once no retry is left, the check-ins the job
# could not finish are marked failed and fail closed (service/checkins/dead_letters.py).
# By name: service/ never imports workers/.
ON_PIPELINE_FAILURE = Callback("workers.jobs.pipeline_job_failed")
PIPELINE_JOBS = (BATCH_JOB, CLASSIFY_JOB, ADVISE_JOB)


def retry_meta(retry: Retry) -> dict[str, int]:
    """RQ keeps a job's retries left but not its budget; a replay restores it from here."""
    return {"retry_max": retry.max}


def connect_redis(url: str) -> Redis:
    return Redis.from_url(url, socket_timeout=10, socket_connect_timeout=5)


def queues(redis: Redis) -> dict[str, Queue]:
    return {name: Queue(name, connection=redis) for name in QUEUE_NAMES}


def enqueue_classify(redis: Redis, checkin_id: uuid.UUID, *, timeout: int) -> None:
    # Deterministic ids: enqueuing the same stage twice replaces, never duplicates, the job.
    Queue(DEFAULT, connection=redis).enqueue_call(
        CLASSIFY_JOB,
        args=(str(checkin_id),),
        job_id=f"checkin-{checkin_id}-classify",
        timeout=timeout,
        retry=RETRY,
        result_ttl=3600,
        failure_ttl=7 * 24 * 3600,
        on_failure=ON_PIPELINE_FAILURE,
        meta=retry_meta(RETRY),
    )


def enqueue_advise(redis: Redis, checkin_id: uuid.UUID, *, urgent: bool, timeout: int) -> None:
    Queue(HIGH if urgent else DEFAULT, connection=redis).enqueue_call(
        ADVISE_JOB,
        args=(str(checkin_id),),
        job_id=f"checkin-{checkin_id}-advise",
        timeout=timeout,
        retry=RETRY,
        result_ttl=3600,
        failure_ttl=7 * 24 * 3600,
        on_failure=ON_PIPELINE_FAILURE,
        meta=retry_meta(RETRY),
        at_front=urgent,
    )


def batch_job_id(checkin_ids: Sequence[uuid.UUID]) -> str:
    """The same set of check-ins always gets the same job id (re-relaying replaces the job)."""
    digest = hashlib.sha256(",".join(sorted(str(c) for c in checkin_ids)).encode()).hexdigest()
    return f"checkins-{len(checkin_ids)}-{digest[:24]}"


def enqueue_batch(
    redis: Redis, checkin_ids: Sequence[uuid.UUID], *, timeout: int, retry: Retry = RETRY
) -> None:
    """One job for a micro-batch of check-ins: the whole pipeline, urgent ones first.

    ``retry``: RETRY, or retries without waits where no RQ scheduler runs (burst drains, tests).
    """
    Queue(DEFAULT, connection=redis).enqueue_call(
        BATCH_JOB,
        args=([str(c) for c in checkin_ids],),
        job_id=batch_job_id(checkin_ids),
        timeout=timeout,
        retry=retry,
        result_ttl=3600,
        failure_ttl=7 * 24 * 3600,
        on_failure=ON_PIPELINE_FAILURE,
        meta=retry_meta(retry),
    )


def delivery_job_id(delivery_id: uuid.UUID, attempt: int, due: datetime) -> str:
    """One id per attempt of a delivery and the time it fell due."""
    return f"webhook-{delivery_id}-{attempt}-{round(due.timestamp() * 1000)}"


_WAITING = frozenset({JobStatus.QUEUED, JobStatus.STARTED, JobStatus.SCHEDULED, JobStatus.DEFERRED})


def waiting_job_ids(redis: Redis, job_ids: Sequence[str]) -> set[str]:
    """Those of ``job_ids`` queued or running now (one round trip)."""
    jobs = Job.fetch_many(list(job_ids), connection=redis)
    return {j.id for j in jobs if j is not None and j.get_status(refresh=False) in _WAITING}


def enqueue_delivery(redis: Redis, delivery_id: uuid.UUID, job_id: str, *, timeout: float) -> bool:
    """Queue one webhook attempt on LOW; False if a job with ``job_id`` is already waiting.

    No RQ retries: the delivery's own schedule decides when to try again.
    """
    queue = Queue(LOW, connection=redis)
    for _ in range(2):
        try:
            queue.enqueue_call(
                DELIVER_JOB,
                args=(str(delivery_id),),
                job_id=job_id,
                timeout=int(timeout) + 30,  # past the HTTP timeout: the job records the outcome
                result_ttl=300,
                failure_ttl=7 * 24 * 3600,
                unique=True,
            )
        except DuplicateJobError:
            try:
                old = Job.fetch(job_id, connection=redis)
            except NoSuchJobError:
                continue  # expired just now
            if old.get_status() in _WAITING:
                return False
            # It ran and the delivery is still due in the same state (it failed before it
            # could claim it): replace the finished job.
            old.delete()
        else:
            return True
    return False


def rollups_slot(now: datetime) -> int:
    """The time slot ``now`` falls in: one rollup job per slot, whoever asks."""
    return int(now.timestamp()) // ROLLUPS_EVERY_SECONDS


def enqueue_rollups(redis: Redis, *, slot: int) -> bool:
    """Queue the weekly rollups on DEFAULT once for ``slot``; False if that slot's job exists.

    The job id is the slot, and a finished job is kept longer than a slot lasts, so every
    scheduler (and every round of one) asking in the same slot finds it and adds nothing.
    """
    try:
        Queue(DEFAULT, connection=redis).enqueue_call(
            ROLLUPS_JOB,
            job_id=f"rollups-{slot}",
            timeout=600,
            result_ttl=2 * ROLLUPS_EVERY_SECONDS,
            failure_ttl=7 * 24 * 3600,
            unique=True,
        )
    except DuplicateJobError:
        return False
    return True
