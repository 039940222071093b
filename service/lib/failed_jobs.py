"""The dead-letter registry: jobs that failed for good (retries spent), listed and replayed.

RQ keeps each queue's failed jobs for their failure_ttl (7 days) with the traceback of the last
attempt. A replay puts a job back on its queue with its retry budget restored; the pipeline's
stages skip finished work, so a replay only does what is missing.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from redis import Redis
from rq.exceptions import InvalidJobOperation
from rq.job import Job, JobStatus
from rq.registry import FailedJobRegistry

from service.lib.queue import BATCH_JOB, DELIVER_JOB, PIPELINE_JOBS, QUEUE_NAMES

# Webhook deliveries keep their own schedule (`attune webhooks redeliver` sends one again).
NOT_REPLAYED = {DELIVER_JOB: "a webhook delivery: use `attune webhooks redeliver DELIVERY_ID`"}


class UnknownFailedJobError(LookupError):
    """No failed job has this id."""


@dataclass(frozen=True)
class FailedJob:
    id: str
    queue: str
    function: str
    checkin_ids: list[str]
    enqueued_at: datetime | None
    failed_at: datetime | None
    retries_used: int
    retries_max: int
    reason: str

    def as_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "queue": self.queue,
            "function": self.function,
            "checkin_ids": self.checkin_ids,
            "enqueued_at": self.enqueued_at.isoformat() if self.enqueued_at else None,
            "failed_at": self.failed_at.isoformat() if self.failed_at else None,
            "retries_used": self.retries_used,
            "retries_max": self.retries_max,
            "reason": self.reason,
        }


@dataclass
class Replay:
    replayed: list[str] = field(default_factory=list)
    skipped: dict[str, str] = field(default_factory=dict)  # job id → why not

    def as_json(self) -> dict[str, Any]:
        return {
            "replayed": self.replayed,
            "skipped": [{"id": i, "reason": why} for i, why in self.skipped.items()],
        }


def checkin_ids_of(job: Job) -> list[str]:
    """The check-ins a pipeline job works on (none for other jobs)."""
    if job.func_name not in PIPELINE_JOBS or not job.args:
        return []
    first = job.args[0]
    return [str(c) for c in first] if job.func_name == BATCH_JOB else [str(first)]


def retry_budget(job: Job) -> int:
    return int(job.meta.get("retry_max", 0))


def reason_of(job: Job) -> str:
    """The last line of the final attempt's traceback: the exception and its message."""
    result = job.latest_result()
    text = (result.exc_string if result is not None else None) or ""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    return lines[-1] if lines else "unknown (no traceback kept)"


def failed_jobs(redis: Redis) -> list[FailedJob]:
    """Every queue's failed jobs, oldest failure first."""
    found = [_describe(job) for job in _failed(redis)]
    return sorted(found, key=lambda f: (f.failed_at is None, f.failed_at or datetime.min, f.id))


def replay(redis: Redis, job_ids: Iterable[str] | None = None) -> Replay:
    """Put failed jobs back on their queues (``None``: all of them) with their retries restored.

    Unknown ids raise before anything is replayed. A job replayed twice at once goes back once.
    """
    failed = {job.id: job for job in _failed(redis)}
    if job_ids is None:
        chosen = list(failed.values())
    else:
        wanted = list(dict.fromkeys(job_ids))
        unknown = [i for i in wanted if i not in failed]
        if unknown:
            raise UnknownFailedJobError(", ".join(unknown))
        chosen = [failed[i] for i in wanted]
    report = Replay()
    for job in chosen:
        if job.func_name in NOT_REPLAYED:
            report.skipped[job.id] = NOT_REPLAYED[job.func_name]
            continue
        # A replay is a fresh start: a blip during it is retried with backoff again.
        job.retries_left = retry_budget(job) or None
        try:
            job.requeue()
        except InvalidJobOperation:  # someone else replayed it just now
            report.skipped[job.id] = "already replayed"
            continue
        report.replayed.append(job.id)
    return report


def _failed(redis: Redis) -> list[Job]:
    ids: list[str] = []
    for name in QUEUE_NAMES:
        ids += FailedJobRegistry(name, connection=redis).get_job_ids()
    jobs = Job.fetch_many(ids, connection=redis) if ids else []
    # A job re-created under the same id (the relay re-sent its batch) may have run since.
    return [j for j in jobs if j is not None and j.get_status(refresh=False) == JobStatus.FAILED]


def _describe(job: Job) -> FailedJob:
    budget = retry_budget(job)
    left = job.retries_left or 0
    return FailedJob(
        id=job.id,
        queue=job.origin,
        function=(job.func_name or "?").rsplit(".", 1)[-1],
        checkin_ids=checkin_ids_of(job),
        enqueued_at=job.created_at,
        failed_at=job.ended_at,
        retries_used=max(0, budget - left),
        retries_max=budget,
        reason=reason_of(job),
    )
