"""Redis connection and RQ queues. Connections are passed explicitly; there is no global one."""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Sequence

from redis import Redis
from rq import Queue, Retry

HIGH = "attune-high"  # urgent risk: safety responses jump the line
DEFAULT = "attune-default"
QUEUE_NAMES = (HIGH, DEFAULT)  # a worker drains HIGH before DEFAULT

CLASSIFY_JOB = "workers.jobs.classify_checkin"
ADVISE_JOB = "workers.jobs.advise_checkin"
BATCH_JOB = "workers.jobs.process_checkins"

# Backoff for transient failures (database restart, model hiccup); then the dead-letter registry.
RETRY = Retry(max=3, interval=[2, 10, 30])


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
        at_front=urgent,
    )


def batch_job_id(checkin_ids: Sequence[uuid.UUID]) -> str:
    """The same set of check-ins always gets the same job id (re-relaying replaces the job)."""
    digest = hashlib.sha256(",".join(sorted(str(c) for c in checkin_ids)).encode()).hexdigest()
    return f"checkins-{len(checkin_ids)}-{digest[:24]}"


def enqueue_batch(redis: Redis, checkin_ids: Sequence[uuid.UUID], *, timeout: int) -> None:
    """One job for a micro-batch of check-ins: the whole pipeline, urgent ones first."""
    Queue(DEFAULT, connection=redis).enqueue_call(
        BATCH_JOB,
        args=([str(c) for c in checkin_ids],),
        job_id=batch_job_id(checkin_ids),
        timeout=timeout,
        retry=RETRY,
        result_ttl=3600,
        failure_ttl=7 * 24 * 3600,
    )
