"""Check-ins go through the worker in micro-batches: urgent first, one encoder call per encoder,
one broken check-in fails closed alone, and a batch run twice changes nothing."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from service.classify.classifier import CheckInText, ClassificationResult, LocalClassifier
from service.knowledge.embedder import Vectors
from service.persistence.models import (
    CheckIn,
    Classification,
    Escalation,
    Generation,
    OutboxEvent,
    Tip,
    User,
)
from tests.integration.conftest import make_user

pytestmark = pytest.mark.integration

URGENT = "He is banging on the bathroom door and says he will kill me, I'm hiding in here"
EVERYDAY = [
    "He was on his phone through the whole dinner again and I felt invisible.",
    "We cooked together tonight and laughed about the old flat.",
    "Work is eating me alive and I snap at her over nothing.",
]


@dataclass
class RecordingEmbedder:
    """A real encoder that records every call, and what the database held at that moment."""

    inner: Any
    probe: Any = None  # called before each call; its result is recorded with the texts
    calls: list[tuple[list[str], Any]] = field(default_factory=list)

    @property
    def model_id(self) -> str:
        return str(self.inner.model_id)

    @property
    def dim(self) -> int:
        return int(self.inner.dim)

    def embed(self, texts: list[str]) -> Vectors:
        self.calls.append((list(texts), self.probe() if self.probe else None))
        result: Vectors = self.inner.embed(texts)
        return result

    def embed_documents(self, texts: list[str]) -> Vectors:
        result: Vectors = self.inner.embed_documents(texts)
        return result

    def texts(self) -> list[str]:
        return [t for texts, _ in self.calls for t in texts]


class BreaksOn:
    """The real classifier, except that any pass that holds ``word`` raises."""

    backend = "local"

    def __init__(self, inner: LocalClassifier, word: str) -> None:
        self.inner = inner
        self.word = word

    def classify_batch(self, items: list[CheckInText]) -> list[ClassificationResult]:
        if any(self.word in i.text for i in items):
            raise ValueError("this text breaks the model")
        return self.inner.classify_batch(items)


@pytest.fixture
def recording(
    settings: Any, database: Any, redis: Any, embedder: Any, classifier_embedder: Any
) -> Any:
    """Jobs in this process use recording encoders (the real ones underneath)."""
    from service.classify.provider import local_model
    from workers.context import JobContext, install

    retrieval = RecordingEmbedder(embedder)
    classify = RecordingEmbedder(classifier_embedder)
    ctx = JobContext(
        settings=settings,
        db=database,
        redis=redis,
        _embedder=retrieval,
        _classifier=LocalClassifier(local_model(), classify),
    )
    install(ctx)
    return ctx, classify, retrieval


def _submit(database: Any, token_user: str, texts: list[str], locale: str = "en-GB") -> list[str]:
    """Check-ins and their outbox events, written together as the API writes them."""
    make_user(database, token_user, locale=locale)
    ids = []
    with database.unit_of_work() as session:
        user = session.scalar(select(User).where(User.name == token_user))
        assert user is not None
        for text in texts:
            checkin = CheckIn(user_id=user.id, text=text, locale=locale, status="received")
            session.add(checkin)
            session.flush()
            session.add(OutboxEvent(topic="checkin.received", aggregate_id=checkin.id, payload={}))
            ids.append(str(checkin.id))
    return ids


def _counts(database: Any) -> dict[str, int]:
    with database.unit_of_work() as session:
        return {
            m.__tablename__: session.scalar(select(func.count()).select_from(m)) or 0
            for m in (Classification, Tip, Escalation, Generation)
        }


def _state(database: Any, ids: list[str]) -> dict[str, tuple[str, str | None, str | None]]:
    with database.unit_of_work() as session:
        out = {}
        for cid in ids:
            checkin = session.get(CheckIn, uuid.UUID(cid))
            c = session.get(Classification, uuid.UUID(cid))
            tip = session.get(Tip, uuid.UUID(cid))
            assert checkin is not None
            out[cid] = (checkin.status, c.risk_level if c else None, tip.kind if tip else None)
        return out


def test_relay_hands_pending_checkins_over_as_one_batch(
    database: Any, redis: Any, knowledge_base: Path, recording: Any
) -> None:
    from service.lib.queue import DEFAULT, batch_job_id, queues
    from workers.runtime import relay_once

    ctx, _, _ = recording
    ids = _submit(database, "gil", EVERYDAY)
    assert relay_once(ctx) == 3
    queued = queues(redis)[DEFAULT].job_ids
    assert queued == [batch_job_id([uuid.UUID(i) for i in ids])]


def test_urgent_checkin_is_answered_before_the_rest_is_embedded(
    database: Any, knowledge_base: Path, recording: Any
) -> None:
    from tests.integration.conftest import drain

    ctx, classify, retrieval = recording
    ids = _submit(database, "hal", [*EVERYDAY[:2], URGENT, EVERYDAY[2]])
    urgent_id = uuid.UUID(ids[2])

    def urgent_answered() -> bool:
        with database.unit_of_work() as session:
            tip = session.get(Tip, urgent_id)
            alert = session.scalar(select(Escalation.id).where(Escalation.checkin_id == urgent_id))
            return tip is not None and tip.kind == "safety" and alert is not None

    classify.probe = retrieval.probe = urgent_answered
    drain(ctx)

    state = _state(database, ids)
    assert state[ids[2]] == ("tip_ready", "urgent", "safety")
    assert all(state[i][0] == "tip_ready" for i in ids)
    # The first encoder call reads the urgent text alone; every later call comes after its
    # safety response and coach alert were committed.
    first_texts, answered_then = classify.calls[0]
    assert first_texts == [URGENT] and answered_then is False
    later = classify.calls[1:] + retrieval.calls
    assert later and all(answered for _, answered in later)
    assert URGENT not in retrieval.texts()  # urgent: the safety response only, no retrieval


def test_each_text_goes_through_each_encoder_once_in_one_call(
    database: Any, knowledge_base: Path, recording: Any
) -> None:
    from tests.integration.conftest import drain

    ctx, classify, retrieval = recording
    ids = _submit(database, "ida", EVERYDAY)
    drain(ctx)

    assert all(s[0] == "tip_ready" for s in _state(database, ids).values())
    # Short check-ins are one chunk each: one classifier call, one retrieval call, each text once.
    assert [sorted(texts) for texts, _ in classify.calls] == [sorted(EVERYDAY)]
    assert [sorted(texts) for texts, _ in retrieval.calls] == [sorted(EVERYDAY)]


def test_a_checkin_that_breaks_the_classifier_fails_closed_alone(
    database: Any, knowledge_base: Path, recording: Any
) -> None:
    from tests.integration.conftest import drain

    ctx, _, _ = recording
    ctx._classifier = BreaksOn(ctx.classifier, "BREAKME")
    broken = "Quiet week, nothing much BREAKME happened."
    ids = _submit(database, "jo", [EVERYDAY[0], broken, EVERYDAY[0] + " Again."])
    drain(ctx)

    state = _state(database, ids)
    assert state[ids[0]] == state[ids[2]] == ("tip_ready", "none", "coaching")
    # Treated as at risk: elevated, a coach alert, the safety response.
    assert state[ids[1]] == ("tip_ready", "elevated", "safety")
    with database.unit_of_work() as session:
        backends = {str(c.checkin_id): c.backend for c in session.scalars(select(Classification))}
        alerts = session.scalars(select(Escalation.checkin_id)).all()
    assert backends == {ids[0]: "local", ids[1]: "fail-closed", ids[2]: "local"}
    assert [str(a) for a in alerts] == [ids[1]]


def test_running_a_batch_twice_changes_nothing(
    database: Any, knowledge_base: Path, recording: Any
) -> None:
    from tests.integration.conftest import drain
    from workers.jobs import process_checkins

    ctx, classify, retrieval = recording
    ids = _submit(database, "kit", [EVERYDAY[0], URGENT, EVERYDAY[2]])
    drain(ctx)
    first, counts = _state(database, ids), _counts(database)
    calls = len(classify.calls) + len(retrieval.calls)

    assert process_checkins(ids) == {}  # nothing left to do
    assert process_checkins(list(reversed(ids))) == {}
    assert _state(database, ids) == first
    assert _counts(database) == counts
    assert len(classify.calls) + len(retrieval.calls) == calls  # nothing embedded again
