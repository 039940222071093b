"""One chat turn: safety first, retrieval every turn, a streamed and guarded answer.

``prepare`` runs before any byte is sent (so bad input is a clean 4xx): it authenticates, runs
the rule-based safety detector on the message before any model sees it, stores the message,
opens an escalation when needed and retrieves cards. ``run`` then yields events: ``meta``,
``delta`` (guarded sentence by sentence), ``replace`` (the guard stopped a model answer; here
is the fallback) and ``done``. Elevated and urgent messages never reach a model.
"""

from __future__ import annotations

import hashlib
import re
import time
import uuid
from collections.abc import Callable, Generator, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import structlog
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from service.accounts.service import Accounts
from service.classify.classifier import CheckInText, Classifier, classify_with_deadline
from service.classify.provider import local_classifier
from service.classify.taxonomy import BurnoutSignal, Pattern
from service.coaching.composer import (
    BURNOUT_PHRASES,
    PATTERN_PHRASES,
    TipInput,
    fitting_first,
    resource_block,
)
from service.coaching.grounding import card_text, partner_private_texts, resource_names
from service.coaching.guard import GuardContext, Output, check
from service.coaching.llm_writer import format_cards
from service.coaching.policy import ResponseMode, ResponsePlan, plan_for
from service.coaching.resources import LocaleResources, resources_for
from service.conversations.memory import WINDOW, Turn, fold, format_turns
from service.conversations.service import Conversations
from service.errors import InvalidInputError
from service.knowledge.embedder import Embedder
from service.lib.db import Database
from service.lib.llm import LLMError, LLMGateway
from service.lib.prompts import load_prompt
from service.persistence.models import Escalation, Generation, Message
from service.retrieval.search import Query, RetrievedCard, search

log = structlog.get_logger(__name__)
MAX_MESSAGE = 4000
OFFLINE_VERSION = "offline-chat-1"
LABEL_IDS = frozenset({*(str(p) for p in Pattern), *(str(b) for b in BurnoutSignal)})
_SENTENCE_END = re.compile(r"(?<=[.!?…])\s+|\n+")
_CITATION = re.compile(r"\[([a-z0-9][a-z0-9-]{1,79})\]")
_OPENERS = (
    "Thanks for telling me.",
    "That sounds like a lot to hold.",
    "I hear you.",
    "It makes sense that this is on your mind.",
)
_QUESTIONS = (
    "What feels like the smallest step you could take this week?",
    "How do you think your partner would describe the same moment?",
    "What would help you feel a little more connected right now?",
)
_CARE = "How are you holding up, really? If it would help to talk to someone, the services below are there."


_Reply = tuple[str, list[str], str, str]  # text, citations, backend, prompt version


@dataclass(frozen=True)
class ChatEvent:
    type: str  # meta | delta | replace | done
    data: dict[str, Any]


@dataclass
class PreparedTurn:
    conversation_id: uuid.UUID
    message_id: uuid.UUID
    seq: int
    text: str
    plan: ResponsePlan
    cards: list[RetrievedCard]
    resources: LocaleResources
    guard: GuardContext
    history: list[Turn]
    summary: str | None
    patterns: list[str] = field(default_factory=list)  # patterns and burnout signals read
    prompt_messages: list[dict[str, str]] | None = None
    escalation_id: uuid.UUID | None = None
    attempts: list[dict[str, Any]] = field(default_factory=list)


class ChatEngine:
    """Chat turns for the API; the embedder and the model gateway are made on first use."""

    def __init__(
        self,
        db: Database,
        *,
        embedder: Callable[[], Embedder],
        gateway: Callable[[], LLMGateway | None],
        knowledge_dir: Path,
        k: int = 3,
        classifier: Callable[[], Classifier] | None = None,
        classify_timeout: float = 20.0,
    ) -> None:
        self.db = db
        self._embedder = embedder
        self._gateway = gateway
        # The local classifier (rules first, then the local model, which may only raise): no
        # generating model sees a message before this has read it.
        self._classifier = classifier or (lambda: local_classifier(self._embedder()))
        self.classify_timeout = classify_timeout
        self.knowledge_dir = knowledge_dir
        self.k = k

    def warm_up(self) -> None:
        """Load the embedding model now rather than on the first message."""
        self._embedder()

    def prepare(self, token: str | None, conversation_id: uuid.UUID, text: str) -> PreparedTurn:
        text = text.strip()
        if not text:
            raise InvalidInputError("text must not be empty")
        if len(text) > MAX_MESSAGE:
            raise InvalidInputError(f"text must be at most {MAX_MESSAGE} characters")
        with self.db.unit_of_work() as session:
            caller = Accounts(session).authenticate(token)
            conversation = Conversations(session).get(caller, conversation_id)
            # Before any model: the rule-based detector on the raw message.
            reading = classify_with_deadline(
                self._classifier(),
                CheckInText(text, None, None, conversation.locale),
                timeout=self.classify_timeout,
            )
            plan = plan_for(reading.risk_level, reading.risk_categories)
            seq = (
                session.scalar(
                    select(func.max(Message.seq)).where(Message.conversation_id == conversation.id)
                )
                or 0
            ) + 1
            history = _history(session, conversation.id, conversation.summarized_upto)
            message = Message(
                conversation_id=conversation.id,
                seq=seq,
                role="user",
                content=text,
                risk_level=str(plan.risk_level),
                risk_categories=list(plan.categories),
            )
            session.add(message)
            session.flush()
            escalation_id = None
            if plan.escalate:
                escalation = Escalation(
                    message_id=message.id,
                    couple_id=conversation.couple_id,
                    user_id=caller.id,
                    severity=str(plan.risk_level),
                    categories=list(plan.categories),
                    evidence={
                        "spans": [e for e in reading.evidence if e.get("label") not in LABEL_IDS],
                        "backend": reading.backend,
                        "source": "chat",
                    },
                    status="open",
                )
                session.add(escalation)
                session.flush()
                escalation_id = escalation.id
                log.warning("escalation opened from chat", severity=str(plan.risk_level))
            cards: list[RetrievedCard] = []
            if plan.mode in (ResponseMode.COACHING, ResponseMode.COACHING_WITH_CARE):
                cards = search(
                    session,
                    self._embedder(),
                    Query(
                        text=text,
                        risk_categories=list(plan.blocked_categories),
                        patterns=reading.patterns,
                        burnout_signals=reading.burnout_signals,
                        k=self.k,
                    ),
                )
            resources = resources_for(self.knowledge_dir / "resources", conversation.locale)
            guard = GuardContext(
                risk_level=plan.risk_level,
                risk_categories=plan.categories,
                retrieved_ids=frozenset(c.id for c in cards),
                own_text="\n".join([text, *(t.content for t in history if t.role == "user")]),
                allowed_text=card_text(cards, resources),
                private_partner_texts=partner_private_texts(
                    session, couple_id=caller.couple_id, user_id=caller.id
                ),
                resource_names=resource_names(resources) if plan.escalate else (),
            )
            return PreparedTurn(
                conversation_id=conversation.id,
                message_id=message.id,
                seq=seq,
                text=text,
                plan=plan,
                cards=cards,
                resources=resources,
                guard=guard,
                history=history,
                summary=conversation.summary,
                patterns=[*reading.patterns, *reading.burnout_signals],
                escalation_id=escalation_id,
            )

    def run(self, turn: PreparedTurn) -> Iterator[ChatEvent]:
        """The answer as events; the assistant message is stored before ``done``."""
        yield ChatEvent(
            "meta",
            {
                "conversation_id": str(turn.conversation_id),
                "message_id": str(turn.message_id),
                "risk_level": str(turn.plan.risk_level),
                "risk_categories": list(turn.plan.categories),
                "escalated": turn.escalation_id is not None,
            },
        )
        citations: list[str] = []
        if turn.plan.escalate:
            reply, backend, version, kind = (
                _safety_reply(turn),
                "offline",
                OFFLINE_VERSION,
                "safety",
            )
            yield ChatEvent("delta", {"text": reply})
        else:
            kind = "chat"
            gateway = self._gateway()
            result = yield from (
                self._stream_model(turn, gateway) if gateway is not None else self._offline(turn)
            )
            reply, citations, backend, version = result
        extra: dict[str, Any] = {}
        if turn.plan.mode == ResponseMode.COACHING_WITH_CARE:
            extra = {
                "check_in_question": _CARE,
                "resources": [r.as_dict() for r in turn.resources.crisis],
            }
        if turn.plan.escalate:
            _, block = resource_block(_tip_input(turn))
            extra = {
                k: block[k] for k in ("emergency", "resources", "locale_resources", "coach_alerted")
            }
        answer_id = self._store(turn, reply, citations, backend, version, kind)
        yield ChatEvent(
            "done",
            {
                "message": {
                    "id": str(answer_id),
                    "role": "assistant",
                    "kind": kind,
                    "content": reply,
                    "citations": citations,
                    "backend": backend,
                    "prompt_version": version,
                    **extra,
                },
            },
        )

    def _offline(self, turn: PreparedTurn) -> Generator[ChatEvent, None, _Reply]:
        reply, citations = offline_reply(turn)
        verdict = check(Output("chat", texts=(reply,), citations=citations), turn.guard)
        turn.attempts.append(_attempt("offline", OFFLINE_VERSION, verdict.as_dict()))
        for sentence in _sentences(reply):
            yield ChatEvent("delta", {"text": sentence})
        return reply, citations, "offline", OFFLINE_VERSION

    def _stream_model(
        self, turn: PreparedTurn, gateway: LLMGateway
    ) -> Generator[ChatEvent, None, _Reply]:
        chat_prompt, guidelines = load_prompt("chat"), load_prompt("guidelines")
        version = f"{chat_prompt.ref}+{guidelines.ref}"
        messages = chat_prompt.render(
            tag=uuid.uuid4().hex[:12],
            stage="unknown",
            summary=turn.summary or "(none yet)",
            cards=format_cards(turn.cards),
            turns=format_turns(turn.history, turn.text),
        )
        messages[0]["content"] = f"{guidelines.system}\n\n{messages[0]['content']}"
        shown: list[str] = []
        buffer = ""
        started = time.perf_counter()
        stream = gateway.stream_text(messages, temperature=0.5)
        failure: dict[str, Any] | None = None
        try:
            for delta in stream:
                buffer += delta
                *complete, buffer = _SENTENCE_END.split(buffer)
                for sentence in filter(None, (s.strip() for s in complete)):
                    failure = _sentence_failure(sentence, turn.guard)
                    if failure:
                        break
                    shown.append(sentence)
                    yield ChatEvent("delta", {"text": sentence})
                if failure:
                    break
            if not failure and buffer.strip():
                failure = _sentence_failure(buffer.strip(), turn.guard)
                if not failure:
                    shown.append(buffer.strip())
                    yield ChatEvent("delta", {"text": buffer.strip()})
        except LLMError as exc:
            failure = {"passed": False, "violations": [], "error": str(exc)[:300]}
        finally:
            stream.close()
        reply = " ".join(shown)
        citations = list(dict.fromkeys(_CITATION.findall(reply)))
        if not failure:
            verdict = check(Output("chat", texts=(reply,), citations=citations), turn.guard)
            failure = None if verdict.passed else verdict.as_dict()
        usage = {
            "model": stream.model,
            "prompt_tokens": stream.prompt_tokens,
            "completion_tokens": stream.completion_tokens,
            "latency_ms": round((time.perf_counter() - started) * 1000),
        }
        if failure is None:
            turn.attempts.append(
                _attempt("llm", version, {"passed": True, "violations": []}, **usage)
            )
            return reply, citations, "llm", version
        outcome = "error" if failure.get("error") else "rejected"
        turn.attempts.append(_attempt("llm", version, failure, outcome=outcome, **usage))
        log.warning("chat answer replaced by the offline reply", outcome=outcome)
        reply, citations = offline_reply(turn)
        verdict = check(Output("chat", texts=(reply,), citations=citations), turn.guard)
        turn.attempts.append(_attempt("offline", OFFLINE_VERSION, verdict.as_dict()))
        yield ChatEvent("replace", {"text": reply})
        return reply, citations, "offline", OFFLINE_VERSION

    def _store(
        self,
        turn: PreparedTurn,
        reply: str,
        citations: list[str],
        backend: str,
        version: str,
        kind: str,
    ) -> uuid.UUID:
        with self.db.unit_of_work() as session:
            answer = Message(
                conversation_id=turn.conversation_id,
                seq=turn.seq + 1,
                role="assistant",
                content=reply,
                kind=kind,
                citations=citations,
                backend=backend,
                prompt_version=version,
            )
            session.add(answer)
            session.flush()
            retrieved = sorted(turn.guard.retrieved_ids)
            for number, attempt in enumerate(turn.attempts, 1):
                row = {**attempt, "verdict": {**attempt["verdict"], "retrieved": retrieved}}
                session.add(Generation(message_id=answer.id, purpose="chat", attempt=number, **row))
            _roll_summary(session, turn.conversation_id)
            return answer.id


def offline_reply(turn: PreparedTurn) -> tuple[str, list[str]]:
    """A deterministic, grounded reply from the best card (``backend: offline``)."""
    seed = hashlib.sha256(str(turn.message_id).encode()).digest()
    opener = _OPENERS[seed[0] % len(_OPENERS)]
    question = _QUESTIONS[seed[1] % len(_QUESTIONS)]
    if not turn.cards:
        return f"{opener} Could you tell me a bit more about what happened and how it felt?", []
    detected = set(turn.patterns)
    card = fitting_first(turn.cards, detected)[0]
    seen = [PATTERN_PHRASES[p] for p in turn.patterns if p in PATTERN_PHRASES]
    seen += [BURNOUT_PHRASES[b] for b in turn.patterns if b in BURNOUT_PHRASES]
    reflection = f" It sounds like {seen[0]} is part of this." if seen else ""
    step = card.steps[0] if card.steps else card.summary
    idea = f"One idea from “{card.title}”: {step[0].lower()}{step[1:]}"
    reply = f"{opener}{reflection} {idea} {question}"
    return reply, [card.id]


def _safety_reply(turn: PreparedTurn) -> str:
    res = turn.resources
    first = (
        f"If you are in danger right now, call {res.emergency_number}. "
        if res.emergency_number
        else ""
    )
    if turn.plan.danger_from_partner or "child_safety" in turn.plan.categories:
        return (
            f"{first}What you describe sounds frightening, and it is not your fault. The services "
            "below can help you think through options safely, at your own pace. A coach from our "
            "team has been alerted."
        )
    return (
        f"{first}I'm really glad you told me. You don't have to carry this alone: please reach "
        "out to one of the services below now. A coach from our team has been alerted."
    )


def _sentence_failure(sentence: str, guard: GuardContext) -> dict[str, Any] | None:
    citations = tuple(_CITATION.findall(sentence))
    verdict = check(Output("chat", texts=(sentence,), citations=citations), guard)
    return None if verdict.passed else verdict.as_dict()


def _sentences(text: str) -> list[str]:
    return [s.strip() for s in _SENTENCE_END.split(text) if s.strip()]


def _attempt(backend: str, version: str, verdict: dict[str, Any], **extra: Any) -> dict[str, Any]:
    outcome = extra.pop("outcome", "accepted" if verdict.get("passed") else "rejected")
    return {
        "backend": backend,
        "prompt_version": version,
        "verdict": verdict,
        "outcome": outcome,
        **extra,
    }


def _history(session: Session, conversation_id: uuid.UUID, summarized_upto: int) -> list[Turn]:
    rows = session.scalars(
        select(Message)
        .where(Message.conversation_id == conversation_id, Message.seq > summarized_upto)
        .order_by(Message.seq.desc())
        .limit(WINDOW)
    )
    return [Turn(m.seq, m.role, m.content, tuple(m.citations)) for m in reversed(list(rows))]


def _roll_summary(session: Session, conversation_id: uuid.UUID) -> None:
    """Fold turns that left the memory window into the conversation's rolling summary."""
    from service.persistence.models import Conversation

    conversation = session.get(Conversation, conversation_id, with_for_update=True)
    if conversation is None:
        return
    last = (
        session.scalar(
            select(func.max(Message.seq)).where(Message.conversation_id == conversation_id)
        )
        or 0
    )
    upto = last - WINDOW
    if upto <= conversation.summarized_upto:
        return
    older = session.scalars(
        select(Message)
        .where(
            Message.conversation_id == conversation_id,
            Message.seq > conversation.summarized_upto,
            Message.seq <= upto,
        )
        .order_by(Message.seq)
    )
    turns = [Turn(m.seq, m.role, m.content, tuple(m.citations)) for m in older]
    conversation.summary = fold(conversation.summary, turns)
    conversation.summarized_upto = upto


def _tip_input(turn: PreparedTurn) -> TipInput:
    return TipInput(
        checkin_id=str(turn.message_id),
        mood=None,
        connection=None,
        risk_level=turn.plan.risk_level,
        risk_categories=list(turn.plan.categories),
        patterns=[],
        burnout_signals=[],
        cards=[],
        resources=turn.resources,
    )
