"""Prometheus metrics: every metric Attune exposes is defined here (docs/operations.md).

Labels only ever take values from closed sets: route templates, status codes, queue names,
stage names, risk levels, severities, guard rule ids, outcomes. Never an id, a token, a name or
a partner's words: a label value becomes a time series that anyone who can scrape can read.

Several processes (API workers, RQ workers) count into one ``/metrics``: with
``PROMETHEUS_MULTIPROC_DIR`` set, each process writes its samples to files there and the API
sums them at scrape time (prometheus-client's multiprocess mode). Unset, one process serves its
own in-memory registry (tests, a single ``attune serve``). Every metric here has labels, so no
sample exists before its first use: that lets ``use_multiprocess_dir`` switch a process that
imported this module already. There are no live gauges (what is "now" is read at scrape time),
so a stopped process needs no ``mark_process_dead``: its counts stay in the sums, as they should.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import structlog
from prometheus_client import REGISTRY, CollectorRegistry, Counter, Histogram, values
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.exposition import generate_latest
from prometheus_client.multiprocess import MultiProcessCollector
from redis import Redis
from rq import Queue

from service.lib.queue import QUEUE_NAMES
from service.taxonomy import RiskLevel

log = structlog.get_logger(__name__)

# The classic text format: every Prometheus version reads it.
CONTENT_TYPE = "text/plain; version=0.0.4"  # Litestar adds "; charset=utf-8" to text/*
MULTIPROC_ENV = "PROMETHEUS_MULTIPROC_DIR"  # read by prometheus-client itself, hence not a setting

RISK_LEVELS = tuple(str(level) for level in RiskLevel)
SEVERITIES = ("urgent", "elevated", "concern")
QUEUE_STATES = ("queued", "started", "scheduled", "failed")

# Buckets sized to what each one measures: requests in milliseconds, a check-in's way to its
# tip in seconds (a batch waits for the relay and the encoders), a coach's answer in minutes.
_REQUEST_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30)
_END_TO_END_BUCKETS = (0.5, 1, 2, 3, 5, 7.5, 10, 15, 20, 30, 60, 120, 300, 600, 1800)
_STAGE_BUCKETS = (0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60)
_MODEL_BUCKETS = (0.1, 0.25, 0.5, 1, 2, 4, 8, 15, 30, 60)
_ACK_BUCKETS = (60, 300, 600, 900, 1800, 3600, 7200, 14400, 28800, 86400, 259200)

HTTP_REQUESTS = Counter(
    "attune_http_requests",
    "HTTP requests answered, by route template and status.",
    ["method", "route", "status"],
)
HTTP_REQUEST_SECONDS = Histogram(
    "attune_http_request_duration_seconds",
    "Time to answer an HTTP request (a streamed chat answer: until its last byte).",
    ["method", "route", "status"],
    buckets=_REQUEST_BUCKETS,
)
CHECKINS_CLASSIFIED = Counter(
    "attune_checkins_classified",
    "Check-ins classified, by risk level.",
    ["risk_level"],
)
CHECKIN_END_TO_END_SECONDS = Histogram(
    "attune_checkin_end_to_end_seconds",
    "From a check-in's 202 to its tip_ready, by risk level.",
    ["risk_level"],
    buckets=_END_TO_END_BUCKETS,
)
PIPELINE_STAGE_SECONDS = Histogram(
    "attune_pipeline_stage_seconds",
    "Time one micro-batch spent in each pipeline stage.",
    ["stage"],
    buckets=_STAGE_BUCKETS,
)
ESCALATIONS_OPENED = Counter(
    "attune_escalations_opened",
    "Coach escalations opened (or reopened by a safety answer), by severity.",
    ["severity"],
)
ESCALATION_ACKNOWLEDGE_SECONDS = Histogram(
    "attune_escalation_acknowledge_seconds",
    "From an escalation being opened to a coach acknowledging it, by severity.",
    ["severity"],
    buckets=_ACK_BUCKETS,
)
MODEL_REQUESTS = Counter(
    "attune_model_requests",
    "Calls to the chat model endpoint, by purpose and outcome.",
    ["purpose", "outcome"],
)
MODEL_REQUEST_SECONDS = Histogram(
    "attune_model_request_duration_seconds",
    "Time of a call to the chat model endpoint, retries included.",
    ["purpose", "outcome"],
    buckets=_MODEL_BUCKETS,
)
MODEL_TOKENS = Counter(
    "attune_model_tokens",
    "Tokens the model endpoint reported, by purpose and kind (prompt or completion).",
    ["purpose", "kind"],
)
MODEL_FALLBACKS = Counter(
    "attune_model_fallbacks",
    "Answers the offline composer wrote because the model's could not be used.",
    ["purpose", "reason"],
)
GUARD_REJECTIONS = Counter(
    "attune_guard_rejections",
    "Outputs the guard rejected, by the rule they broke.",
    ["rule"],
)
WEBHOOK_ATTEMPTS = Counter(
    "attune_webhook_attempts",
    "Outbound webhook delivery attempts, by outcome.",
    ["outcome"],
)


def observe_request(method: str, route: str, status: int, seconds: float) -> None:
    status_label = str(status)
    HTTP_REQUESTS.labels(method, route, status_label).inc()
    HTTP_REQUEST_SECONDS.labels(method, route, status_label).observe(seconds)


def checkin_classified(risk_level: str) -> None:
    CHECKINS_CLASSIFIED.labels(risk_level).inc()


def tip_ready(risk_level: str, created_at: datetime) -> None:
    """A check-in's tip is written: how long since the check-in came in."""
    CHECKIN_END_TO_END_SECONDS.labels(risk_level).observe(_since(created_at))


def stage_times(seconds: Mapping[str, float]) -> None:
    for stage, spent in seconds.items():
        PIPELINE_STAGE_SECONDS.labels(stage).observe(spent)


def escalation_opened(severity: str) -> None:
    ESCALATIONS_OPENED.labels(severity).inc()


def escalation_acknowledged(severity: str, opened_at: datetime, at: datetime) -> None:
    ESCALATION_ACKNOWLEDGE_SECONDS.labels(severity).observe((at - opened_at).total_seconds())


def model_call(
    purpose: str,
    outcome: str,
    seconds: float,
    *,
    prompt_tokens: int = 0,
    completion_tokens: int = 0,
) -> None:
    MODEL_REQUESTS.labels(purpose, outcome).inc()
    MODEL_REQUEST_SECONDS.labels(purpose, outcome).observe(seconds)
    if prompt_tokens:
        MODEL_TOKENS.labels(purpose, "prompt").inc(prompt_tokens)
    if completion_tokens:
        MODEL_TOKENS.labels(purpose, "completion").inc(completion_tokens)


def model_fallback(purpose: str, reason: str) -> None:
    MODEL_FALLBACKS.labels(purpose, reason).inc()


def guard_rejected(rules: Iterable[str]) -> None:
    for rule in rules:
        GUARD_REJECTIONS.labels(rule).inc()


def webhook_attempt(outcome: str) -> None:
    WEBHOOK_ATTEMPTS.labels(outcome).inc()


def _since(moment: datetime) -> float:
    return max(0.0, (datetime.now(UTC) - moment).total_seconds())


@dataclass(frozen=True)
class OpenEscalations:
    """Escalations not yet acknowledged, of one severity: how many, and since when."""

    count: int
    oldest: datetime


class ScrapeTimeCollector:
    """What is read at scrape time rather than counted: queue depths from Redis and open
    escalations (read by the caller from Postgres). A backend that does not answer leaves its
    metrics out of this scrape instead of failing it."""

    def __init__(
        self, redis: Redis | None, open_escalations: Mapping[str, OpenEscalations] | None
    ) -> None:
        self.redis = redis
        self.open_escalations = open_escalations

    def collect(self) -> Iterator[Metric]:
        if self.redis is not None:
            yield from self._queues(self.redis)
        if self.open_escalations is not None:
            yield from self._escalations(self.open_escalations)

    def _queues(self, redis: Redis) -> Iterator[Metric]:
        # One round trip: a list length and three sorted-set sizes per queue, no cleanup (a
        # scrape must not write to Redis; the workers clean their registries).
        pipe = redis.pipeline(transaction=False)
        for name in QUEUE_NAMES:
            queue = Queue(name, connection=redis)
            pipe.llen(queue.key)
            for registry in (
                queue.started_job_registry,
                queue.scheduled_job_registry,
                queue.failed_job_registry,
            ):
                pipe.zcard(registry.key)
        try:
            counts = pipe.execute()
        except Exception as exc:  # Redis down: the alert is on absent queue metrics
            log.warning("metrics: could not read the queues", error=type(exc).__name__)
            return
        jobs = GaugeMetricFamily(
            "attune_queue_jobs",
            "RQ jobs per queue: waiting (queued), running (started), waiting for a retry "
            "(scheduled), given up (failed registry).",
            labels=["queue", "state"],
        )
        per_queue = len(QUEUE_STATES)
        for n, name in enumerate(QUEUE_NAMES):
            for state, count in zip(
                QUEUE_STATES, counts[n * per_queue : (n + 1) * per_queue], strict=True
            ):
                jobs.add_metric([name, state], float(count))
        yield jobs

    def _escalations(self, found: Mapping[str, OpenEscalations]) -> Iterator[Metric]:
        now = datetime.now(UTC)
        count = GaugeMetricFamily(
            "attune_escalations_open",
            "Escalations no coach has acknowledged yet, by severity.",
            labels=["severity"],
        )
        oldest = GaugeMetricFamily(
            "attune_escalation_oldest_open_seconds",
            "Age of the oldest escalation no coach has acknowledged yet (0: none), by severity.",
            labels=["severity"],
        )
        for severity in SEVERITIES:
            seen = found.get(severity)
            count.add_metric([severity], float(seen.count if seen else 0))
            age = (now - seen.oldest).total_seconds() if seen else 0.0
            oldest.add_metric([severity], max(0.0, age))
        yield count
        yield oldest


def multiprocess_dir() -> str | None:
    return os.environ.get(MULTIPROC_ENV) or os.environ.get(MULTIPROC_ENV.lower()) or None


def exposition(
    redis: Redis | None = None,
    open_escalations: Mapping[str, OpenEscalations] | None = None,
) -> bytes:
    """The text a scrape of ``/metrics`` gets: every process's counters and histograms, then
    what is read now. Blocking (files, Redis): call it from a thread."""
    registry = CollectorRegistry(auto_describe=False)
    directory = multiprocess_dir()
    if directory:
        MultiProcessCollector(registry, path=directory)  # type: ignore[no-untyped-call]
    else:
        registry.register(REGISTRY)
    registry.register(ScrapeTimeCollector(redis, open_escalations))
    return generate_latest(registry)


def use_multiprocess_dir(directory: Path) -> Path:
    """Create (or empty) ``directory`` and count into it from this process and its children.

    Emptied at start: the files of an earlier run hold that run's totals, and a restart
    resets counters in Prometheus's eyes anyway. prometheus-client reads the variable when
    first imported; this process imported it already, so its value class is switched too
    (no sample exists before a metric's first use: see the module docstring)."""
    directory.mkdir(parents=True, exist_ok=True)
    for stale in directory.glob("*.db"):  # only the library's files: never a stranger's
        stale.unlink()
    os.environ[MULTIPROC_ENV] = str(directory)
    values.ValueClass = values.get_value_class()  # type: ignore[no-untyped-call]
    return directory


def share_between_processes() -> None:
    """Several API processes with no directory configured (``attune serve --workers N``): a
    private temporary one, so that a scrape sums them all instead of asking whichever answers."""
    if not multiprocess_dir():
        use_multiprocess_dir(Path(tempfile.mkdtemp(prefix="attune-metrics-")))
