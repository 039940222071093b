"""Check-ins through the pipeline in micro-batches, at the encoders' pace.

One job takes up to WORKER_BATCH_SIZE check-ins (whatever the relay found pending; it never
waits for a batch to fill) and runs the same stages as one check-in alone
(service/checkins/pipeline.py: the same locks, idempotency, escalation in the classification's
transaction, safety questions, guard), in this order:

1. The safety rules read every text. Check-ins the rules read as urgent are classified,
   escalated and answered with the safety response, and committed, before anything else in
   the batch is embedded.
2. The rest is classified in one pass: one call per encoder for all texts, the model heads on
   the matrix. If the pass fails, each check-in is classified alone, so a check-in that breaks
   the classifier fails closed (treated as at risk) alone.
3. Advice: the retrieval encoder embeds the texts that need retrieval in one call (or reuses
   the classifier's vectors when it is the same encoder), in a thread, while the
   classifications are written; then each check-in gets its tip, elevated before the rest.

Each check-in's writes run in a savepoint: one check-in's failure does not undo the others'.
If any check-in could not be finished the job raises at the end, so RQ retries it (with
backoff, then the failed-job registry); finished check-ins are skipped on the retry.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import AbstractContextManager, contextmanager, nullcontext
from dataclasses import dataclass, field, replace
from functools import partial
from pathlib import Path
from typing import Any

import numpy as np
import structlog
from sqlalchemy import select
from sqlalchemy.orm import Session

from service.checkins.pipeline import (
    DEFAULT_ASKING,
    StageOutcome,
    advise_stage,
    classify_stage,
    retrieval_query,
)
from service.classify.classifier import (
    CheckInText,
    ClassificationResult,
    Classifier,
    classify_many_with_deadline,
)
from service.coaching.llm_writer import LLMTipWriter
from service.knowledge.embedder import Embedder, SharedVectors, Vectors
from service.persistence.models import CheckIn, Classification, Tip
from service.retrieval.search import Query, RetrievedCard, search
from service.safety import assess_risk
from service.safety_questions.service import AskingConfig
from service.taxonomy import RiskLevel

log = structlog.get_logger(__name__)

UnitOfWork = Callable[[], AbstractContextManager[Session]]


class BatchIncompleteError(RuntimeError):
    """Some check-ins of a batch could not be finished; the job is retried for them."""


@dataclass(frozen=True)
class BatchDeps:
    """What a batch needs besides the database."""

    classifier: Classifier
    embedder: Embedder  # the knowledge base's encoder: retrieval queries
    knowledge_dir: Path
    k: int = 3
    writer: LLMTipWriter | None = None
    classify_timeout: float = 20.0
    asking: AskingConfig = DEFAULT_ASKING


@dataclass
class BatchReport:
    classified: dict[uuid.UUID, StageOutcome] = field(default_factory=dict)
    advised: dict[uuid.UUID, StageOutcome] = field(default_factory=dict)
    urgent_first: list[uuid.UUID] = field(default_factory=list)
    failed: dict[uuid.UUID, str] = field(default_factory=dict)
    seconds: dict[str, float] = field(default_factory=dict)  # time per phase (logs, bench)


@dataclass(frozen=True)
class _Pending:
    checkin_id: uuid.UUID
    item: CheckInText
    classified: RiskLevel | None  # None: not classified yet
    tipped: bool


def run_batch(
    unit_of_work: UnitOfWork, checkin_ids: Iterable[uuid.UUID], deps: BatchDeps
) -> BatchReport:
    """Take the check-ins through classify → (escalate, ask) → retrieve → tip, once each."""
    report = BatchReport()
    pending = _load(unit_of_work, sorted(set(checkin_ids)))
    shared = deps.embedder.scope() if isinstance(deps.embedder, SharedVectors) else nullcontext()
    with shared:
        _run(unit_of_work, pending, deps, report)
    if report.failed:
        raise BatchIncompleteError(
            f"{len(report.failed)} of {len(pending)} check-ins not finished: "
            + ", ".join(f"{cid} ({why})" for cid, why in sorted(report.failed.items()))
        )
    return report


def _run(
    unit_of_work: UnitOfWork, pending: list[_Pending], deps: BatchDeps, report: BatchReport
) -> None:
    with _timed(report, "rules"):
        # The rules read every text first; their reading is handed on to the classifier.
        to_classify = [_with_rules(p) for p in pending if p.classified is None]
    urgent = [p for p in to_classify if p.item.rules and p.item.rules.level == RiskLevel.URGENT]
    if urgent:
        # The urgent path first, on its own: committed before the rest is embedded.
        _write_classifications(unit_of_work, urgent, _classify(urgent, deps, report), deps, report)
        _advise(unit_of_work, [p.checkin_id for p in urgent], {}, deps, report)
        report.urgent_first = [p.checkin_id for p in urgent]
    done = set(report.urgent_first)
    rest = [p for p in to_classify if p.checkin_id not in done]
    results = _classify(rest, deps, report)
    risk = {p.checkin_id: p.classified for p in pending if p.classified is not None}
    risk |= {p.checkin_id: r.risk_level for p, r in zip(rest, results, strict=True)}
    to_advise = [p for p in pending if not p.tipped and p.checkin_id not in done]
    # Urgent check-ins get the safety response only: nothing to retrieve, nothing to embed.
    searching = [p for p in to_advise if risk[p.checkin_id] != RiskLevel.URGENT]
    # Retrieval runs ahead in a thread while the classifications are written and the tips
    # composed: the encoder computes outside the GIL and the searches wait on Postgres, so on
    # two cores the two halves overlap instead of taking turns.
    fresh = {p.checkin_id: r for p, r in zip(rest, results, strict=True)}
    queries = {
        p.checkin_id: retrieval_query(p.item.text, str(r.risk_level), r.risk_categories,
                                      r.patterns, r.burnout_signals, k=deps.k)
        for p in searching if (r := fresh.get(p.checkin_id)) is not None
    }  # fmt: skip
    ahead = _RetrievalAhead(unit_of_work, deps.embedder, searching, queries, at_risk_first=risk)
    _write_classifications(unit_of_work, rest, results, deps, report)
    with _timed(report, "embed_wait"):
        vectors = ahead.vectors()
    classified = [
        p for p in to_advise if p.checkin_id in report.classified or p.classified is not None
    ]
    at_risk = [p.checkin_id for p in classified if risk[p.checkin_id].at_least(RiskLevel.ELEVATED)]
    others = [p.checkin_id for p in classified if p.checkin_id not in set(at_risk)]
    for group in (at_risk, others):
        _advise(unit_of_work, group, vectors, deps, report, ahead.cards)


class _RetrievalAhead:
    """The batch's retrieval vectors (one encoder call) and its searches, run in a thread in
    the order the tips will be written (at risk first); a tip takes its cards when ready."""

    def __init__(
        self,
        unit_of_work: UnitOfWork,
        embedder: Embedder,
        searching: list[_Pending],
        queries: dict[uuid.UUID, Query],
        *,
        at_risk_first: dict[uuid.UUID, RiskLevel],
    ) -> None:
        self.queries = queries
        self.found: dict[uuid.UUID, Future[list[RetrievedCard]]] = {c: Future() for c in queries}
        order = sorted(
            queries, key=lambda c: not at_risk_first[c].at_least(RiskLevel.ELEVATED)
        )  # stable: arrival order within each group
        self._ready: Future[dict[uuid.UUID, Vectors]] = Future()
        self._task = _encoder_pool.submit(self._run, unit_of_work, embedder, searching, order)

    def _run(
        self,
        unit_of_work: UnitOfWork,
        embedder: Embedder,
        searching: list[_Pending],
        order: list[uuid.UUID],
    ) -> dict[uuid.UUID, Vectors]:
        try:
            matrix = _embed(embedder, [p.item.text for p in searching])
            vectors = {p.checkin_id: matrix[n] for n, p in enumerate(searching)}
        except BaseException as exc:  # the batch fails and is retried
            futures: list[Future[Any]] = [self._ready, *self.found.values()]
            for future in futures:
                future.set_exception(exc)
            raise
        self._ready.set_result(vectors)
        try:
            with unit_of_work() as session:
                for cid in order:
                    self.found[cid].set_result(
                        search(session, embedder, self.queries[cid], vector=vectors[cid])
                    )
        except BaseException as exc:  # the tips then search for themselves
            log.warning("retrieval ahead failed; tips search on their own", error=repr(exc))
            for future in self.found.values():
                if not future.done():
                    future.set_exception(exc)
        return vectors

    def vectors(self) -> dict[uuid.UUID, Vectors]:
        return self._ready.result()

    def cards(self, checkin_id: uuid.UUID, query: Query) -> list[RetrievedCard] | None:
        """The cards found ahead for this check-in, if its query is the one searched."""
        future = self.found.get(checkin_id)
        if future is None or self.queries[checkin_id] != query:
            return None
        try:
            return future.result()
        except Exception:
            return None


_encoder_pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="retrieval-encoder")


def _embed(embedder: Embedder, texts: list[str]) -> Vectors:
    return embedder.embed(texts) if texts else np.zeros((0, embedder.dim), dtype=np.float32)


@contextmanager
def _timed(report: BatchReport, phase: str) -> Iterator[None]:
    started = time.perf_counter()
    try:
        yield
    finally:
        report.seconds[phase] = report.seconds.get(phase, 0.0) + time.perf_counter() - started


def _load(unit_of_work: UnitOfWork, ids: list[uuid.UUID]) -> list[_Pending]:
    with unit_of_work() as session:
        rows = session.execute(
            select(CheckIn.id, CheckIn.text, CheckIn.mood, CheckIn.connection, CheckIn.locale)
            .where(CheckIn.id.in_(ids))
            .order_by(CheckIn.created_at, CheckIn.id)
        ).all()
        found = select(Classification.checkin_id, Classification.risk_level).where(
            Classification.checkin_id.in_(ids)
        )
        classified: dict[uuid.UUID, str] = {row[0]: row[1] for row in session.execute(found)}
        tipped = set(session.scalars(select(Tip.checkin_id).where(Tip.checkin_id.in_(ids))))
    if len(rows) < len(ids):
        log.warning("check-ins vanished before their batch ran", missing=len(ids) - len(rows))
    return [
        _Pending(
            checkin_id=row.id,
            item=CheckInText(row.text, row.mood, row.connection, row.locale),
            classified=RiskLevel(classified[row.id]) if row.id in classified else None,
            tipped=row.id in tipped,
        )
        for row in rows
    ]


def _with_rules(p: _Pending) -> _Pending:
    i = p.item
    try:
        rules = assess_risk(i.text, mood=i.mood, connection=i.connection, locale=i.locale)
    except Exception:  # the classification stage fails closed for this one
        log.exception("safety rules failed in the urgent pre-pass", checkin_id=str(p.checkin_id))
        return p
    return replace(p, item=replace(i, rules=rules))


def _classify(
    pending: list[_Pending], deps: BatchDeps, report: BatchReport
) -> list[ClassificationResult]:
    """One pass over the batch: one call per encoder, the heads on the matrix."""
    if not pending:
        return []
    with _timed(report, "classify"):
        return classify_many_with_deadline(
            deps.classifier, [p.item for p in pending], timeout=deps.classify_timeout
        )


def _write_classifications(
    unit_of_work: UnitOfWork,
    pending: list[_Pending],
    results: list[ClassificationResult],
    deps: BatchDeps,
    report: BatchReport,
) -> None:
    if not pending:
        return
    with _timed(report, "write"), unit_of_work() as session:
        for p, result in zip(pending, results, strict=True):
            record = partial(
                classify_stage,
                checkin_id=p.checkin_id,
                classifier=deps.classifier,
                asking=deps.asking,
                result=result,
            )
            outcome = _each(session, p.checkin_id, report, record)
            if outcome is not None:
                report.classified[p.checkin_id] = outcome


def _advise(
    unit_of_work: UnitOfWork,
    ids: list[uuid.UUID],
    vectors: dict[uuid.UUID, Vectors],
    deps: BatchDeps,
    report: BatchReport,
    cards: Callable[[uuid.UUID, Query], list[RetrievedCard] | None] | None = None,
) -> None:
    if not ids:
        return
    with _timed(report, "advise"), unit_of_work() as session:
        for cid in ids:
            advise = partial(
                advise_stage,
                checkin_id=cid,
                embedder=deps.embedder,
                knowledge_dir=deps.knowledge_dir,
                k=deps.k,
                writer=deps.writer,
                query_vector=vectors.get(cid),
                prefetched=partial(cards, cid) if cards is not None else None,
            )
            outcome = _each(session, cid, report, advise)
            if outcome is not None:
                report.advised[cid] = outcome


def _each(
    session: Session,
    checkin_id: uuid.UUID,
    report: BatchReport,
    stage: Callable[[Session], StageOutcome | None],
) -> StageOutcome | None:
    """One check-in's stage in a savepoint: its failure is recorded, the others' work stays."""
    try:
        with session.begin_nested():
            return stage(session)
    except Exception as exc:
        log.exception("check-in failed in its batch", checkin_id=str(checkin_id))
        report.failed[checkin_id] = type(exc).__name__
        return None
