"""The pipeline stages a check-in goes through: classify, then advise (retrieve + compose).

Each stage is idempotent: it locks the check-in row, does nothing if its output already exists,
and writes its output and the new status in the caller's transaction.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import structlog
from sqlalchemy import select
from sqlalchemy.orm import Session

from service.classify.classifier import (
    CheckInText,
    ClassificationResult,
    Classifier,
    classify_with_deadline,
)
from service.coaching.composer import TipInput
from service.coaching.framing import seeks_verdict
from service.coaching.grounding import (
    card_text,
    on_point_ids,
    partner_private_texts,
    resource_names,
)
from service.coaching.guard import GuardContext
from service.coaching.llm_writer import LLMTipWriter
from service.coaching.policy import plan_for
from service.coaching.resources import resources_for
from service.coaching.tips import produce_tip
from service.integrations.events import (
    CHECKIN_CLASSIFIED,
    ESCALATION_OPENED,
    TIP_READY,
    escalation_event,
    record_event,
)
from service.integrations.fanout import release_held
from service.knowledge.embedder import Embedder, Vectors
from service.lib import metrics
from service.lib.crypto import open_text, seal_spans
from service.persistence.models import (
    CheckIn,
    Classification,
    Couple,
    Escalation,
    Generation,
    SafetyQuestion,
    Tip,
    User,
)
from service.retrieval.search import Query, RetrievedCard, search
from service.safety_questions.service import (
    AskingConfig,
    SafetyQuestions,
    ask_request,
    individual_plan,
    question_view,
)
from service.taxonomy import LABEL_IDS, RiskLevel

log = structlog.get_logger(__name__)

# Cards already retrieved for a query, or None when the query is not the one prefetched.
Prefetched = Callable[[Query], list[RetrievedCard] | None]


@dataclass(frozen=True)
class StageOutcome:
    checkin_id: uuid.UUID
    status: str
    risk_level: RiskLevel
    skipped: bool = False


def _lock(session: Session, checkin_id: uuid.UUID) -> CheckIn | None:
    return session.scalar(select(CheckIn).where(CheckIn.id == checkin_id).with_for_update())


DEFAULT_ASKING = AskingConfig()


def classify_stage(
    session: Session,
    checkin_id: uuid.UUID,
    *,
    classifier: Classifier,
    timeout: float = 20.0,
    asking: AskingConfig = DEFAULT_ASKING,
    result: ClassificationResult | None = None,
) -> StageOutcome | None:
    """Classify the check-in once; fail closed (treated as at risk) if the classifier breaks.
    An uncertain reading opens a safety question for the writer, in the same transaction.

    ``result``: the check-in's classification already made in a batch (service/checkins/batch.py),
    recorded here under the same lock and idempotency rules."""
    checkin = _lock(session, checkin_id)
    if checkin is None:
        log.warning("check-in vanished before classification", checkin_id=str(checkin_id))
        return None
    existing = session.get(Classification, checkin_id)
    if existing is not None:
        return StageOutcome(checkin_id, checkin.status, RiskLevel(existing.risk_level), True)
    if result is None:
        item = CheckInText(checkin.text, checkin.mood, checkin.connection, checkin.locale)
        result = classify_with_deadline(classifier, item, timeout=timeout)
    session.add(_classification_row(checkin_id, result))
    if result.risk_level.at_least(RiskLevel.ELEVATED):
        # Same transaction as the classification: no dangerous check-in without a coach alert.
        open_escalation(session, checkin, result)
    elif result.ask_safety and result.ask_kind:
        writer = session.get(User, checkin.user_id)
        if writer is not None:
            asking.service(session).maybe_ask(
                writer, ask_request(result), locale=checkin.locale, checkin_id=checkin.id
            )
    checkin.status = "classified"
    record_event(
        session,
        CHECKIN_CLASSIFIED,
        subject_id=checkin.id,
        user_id=checkin.user_id,
        checkin_id=checkin.id,
        data={
            "risk_level": str(result.risk_level),
            "risk_categories": list(result.risk_categories),
            "patterns": list(result.patterns),
            "burnout_signals": list(result.burnout_signals),
        },
    )
    # Webhook deliveries about this check-in that waited for its reading go now, or never.
    release_held(session, checkin.id)
    metrics.checkin_classified(str(result.risk_level))
    return StageOutcome(checkin_id, checkin.status, result.risk_level)


def open_escalation(session: Session, checkin: CheckIn, result: ClassificationResult) -> None:
    """Open the coach escalation for this check-in (at most one per check-in)."""
    if session.scalar(select(Escalation.id).where(Escalation.checkin_id == checkin.id)):
        return
    # The coach sees why: the safety rules' spans and the model's risk note, not pattern cues.
    spans = seal_spans([e for e in result.evidence if e.get("label") not in LABEL_IDS])
    escalation = Escalation(
        id=uuid.uuid4(),
        checkin_id=checkin.id,
        couple_id=checkin.couple_id,
        user_id=checkin.user_id,
        severity=str(result.risk_level),
        categories=list(result.risk_categories),
        evidence={"spans": spans, "backend": result.backend, "notes": result.notes},
        status="open",
    )
    session.add(escalation)
    escalation_event(session, ESCALATION_OPENED, escalation)
    log.warning(
        "escalation opened", checkin_id=str(checkin.id), severity=str(result.risk_level),
        categories=result.risk_categories,
    )  # fmt: skip


def _classification_row(checkin_id: uuid.UUID, result: ClassificationResult) -> Classification:
    return Classification(
        checkin_id=checkin_id,
        risk_level=str(result.risk_level),
        risk_categories=result.risk_categories,
        patterns=result.patterns,
        burnout_signals=result.burnout_signals,
        evidence={
            "spans": seal_spans(result.evidence),  # quotes are the partner's words: encrypted
            "notes": result.notes,
            "third_party": result.third_party,
        },
        language=result.language,
        backend=result.backend,
        model_version=result.model_version,
        risk_score=result.risk_score,
        ask_safety=result.ask_safety,
        ask_kind=result.ask_kind,
    )


def advise_stage(
    session: Session,
    checkin_id: uuid.UUID,
    *,
    embedder: Embedder,
    knowledge_dir: Path,
    k: int = 3,
    writer: LLMTipWriter | None = None,
    query_vector: Vectors | None = None,
    prefetched: Prefetched | None = None,
) -> StageOutcome | None:
    """Retrieve fitting cards and produce the guarded tip (or safety response) once.

    ``query_vector``: the check-in text already embedded with ``embedder`` (a batch embeds its
    texts in one call); without it, retrieval embeds the text itself. ``prefetched``: cards a
    batch already retrieved for a query, or None (then this stage searches)."""
    checkin = _lock(session, checkin_id)
    if checkin is None:
        return None
    c = session.get(Classification, checkin_id)
    if c is None:
        raise RuntimeError(f"check-in {checkin_id} has no classification yet")
    risk = RiskLevel(c.risk_level)
    if session.get(Tip, checkin_id) is not None:
        return StageOutcome(checkin_id, checkin.status, risk, True)
    plan = plan_for(risk, c.risk_categories)
    asked = session.scalar(select(SafetyQuestion).where(SafetyQuestion.checkin_id == checkin_id))
    open_question = SafetyQuestions(session).open_question(checkin.user_id)
    # While a home- or child-safety question is open, nothing joint: the partner may be the risk.
    individual = open_question is not None and open_question.kind != "self_harm"
    if individual and not plan.escalate:
        plan = individual_plan(plan)
    cards = []
    if plan.generate:  # urgent: the safety response only, nothing else generated
        query = retrieval_query(checkin.text, c.risk_level, c.risk_categories, c.patterns,
                                c.burnout_signals, k=k)  # fmt: skip
        found = prefetched(query) if prefetched is not None else None
        cards = (
            found if found is not None else search(session, embedder, query, vector=query_vector)
        )
    resources = resources_for(knowledge_dir / "resources", checkin.locale)
    couple = session.get(Couple, checkin.couple_id) if checkin.couple_id else None
    tip_input = TipInput(
        checkin_id=str(checkin_id),
        mood=checkin.mood,
        connection=checkin.connection,
        risk_level=risk,
        risk_categories=list(c.risk_categories),
        patterns=c.patterns,
        burnout_signals=c.burnout_signals,
        cards=cards,
        resources=resources,
        third_party=bool(c.evidence.get("third_party")),
        quotes=_own_quotes(c.evidence.get("spans", [])),
        stage=couple.stage if couple else None,
        seeks_verdict=seeks_verdict(checkin.text),
        individual_only=individual,
        asks_safety=asked is not None,
    )
    guard = GuardContext(
        risk_level=risk,
        risk_categories=tuple(c.risk_categories),
        retrieved_ids=frozenset(card.id for card in cards),
        on_point_ids=on_point_ids(cards, c.patterns, c.burnout_signals),
        own_text=checkin.text,
        allowed_text=card_text(cards, resources),
        private_partner_texts=partner_private_texts(
            session, couple_id=checkin.couple_id, user_id=checkin.user_id
        ),
        resource_names=resource_names(resources) if plan.escalate else (),
        individual_only=individual,
    )
    outcome = produce_tip(tip_input, plan, guard, checkin_text=checkin.text, writer=writer)
    retrieved = sorted(guard.retrieved_ids)  # kept with each verdict: what it was checked against
    for attempt in outcome.attempts:
        fields = {**attempt.__dict__, "verdict": {**attempt.verdict, "retrieved": retrieved}}
        session.add(Generation(checkin_id=checkin_id, **fields))
    composed = outcome.tip
    body = dict(composed.body)
    if asked is not None and asked.status == "open":
        body["safety_question"] = question_view(asked, resources)
    session.add(
        Tip(
            checkin_id=checkin_id,
            kind=composed.kind,
            title=composed.title,
            body=body,
            citations=composed.citations,
            backend=composed.backend,
            prompt_version=composed.prompt_version,
        )
    )
    checkin.status = "tip_ready"
    record_event(
        session,
        TIP_READY,
        subject_id=checkin.id,
        user_id=checkin.user_id,
        checkin_id=checkin.id,
        data={"kind": composed.kind, "citations": list(composed.citations)},
    )
    session.flush()
    # Counted once written (flushed): a transaction that fails after this is rare, and its
    # retry is counted again.
    metrics.tip_ready(str(risk), checkin.created_at)
    return StageOutcome(checkin_id, checkin.status, risk)


def retrieval_query(
    text: str,
    risk_level: str,
    risk_categories: list[str],
    patterns: list[str],
    burnout_signals: list[str],
    *,
    k: int,
) -> Query:
    """What the advise stage searches for, from the check-in's classification."""
    plan = plan_for(RiskLevel(risk_level), risk_categories)
    return Query(
        text=text,
        risk_categories=list(plan.blocked_categories),
        patterns=list(patterns),
        burnout_signals=list(burnout_signals),
        k=k,
    )


def _own_quotes(spans: list[dict[str, Any]]) -> tuple[str, ...]:
    """The writer's words behind pattern and burnout labels (never safety evidence)."""
    return tuple(
        open_text(str(s["quote"])) for s in spans if s.get("label") in LABEL_IDS and s.get("quote")
    )
