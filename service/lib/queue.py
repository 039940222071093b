"""Redis connection and RQ queues. Connections are passed explicitly; there is no global one."""

from __future__ import annotations

import uuid

from redis import Redis
from rq import Queue, Retry

HIGH = "attune-high"  # urgent risk: safety responses jump the line
DEFAULT = "attune-default"
QUEUE_NAMES = (HIGH, DEFAULT)  # a worker drains HIGH before DEFAULT

CLASSIFY_JOB = "workers.jobs.classify_checkin"
ADVISE_JOB = "workers.jobs.advise_checkin"

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
