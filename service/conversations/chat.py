"""One chat turn: safety first, retrieval every turn, a streamed and guarded answer.

``prepare`` runs before any byte is sent (so bad input is a clean 4xx): it authenticates, runs
the rule-based safety detector on the message before any model sees it, stores the message,
opens an escalation when needed and retrieves cards. ``run`` then yields events: ``meta``,
``delta`` (guarded sentence by sentence), ``replace`` (the guard stopped a model answer; here
is the fallback) and ``done``. Elevated and urgent messages never reach a model.
"""

from __future__ import annotations

import re
import time
import uuid
from collections.abc import Callable, Generator, Iterator
from pathlib import Path
from typing import Any

import structlog
from sqlalchemy import func, select

from service.accounts.service import Accounts
from service.classify.classifier import CheckInText, Classifier, classify_with_deadline
from service.classify.provider import local_classifier
from service.coaching.composer import resource_block
from service.coaching.grounding import card_text, partner_private_texts, resource_names
from service.coaching.guard import GuardContext, Output, check
from service.coaching.llm_writer import format_cards
from service.coaching.policy import ResponseMode, plan_for
from service.coaching.resources import resources_for
from service.conversations.asking import (
    ask_in_chat,
    escalated_level,
    home_question_open,
    read_answer,
)
from service.conversations.history import cited_earlier, load_history, roll_summary
from service.conversations.memory import format_turns
from service.conversations.replies import (
    CARE,
    OFFLINE_VERSION,
    offline_reply,
    safety_reply,
    tip_input,
)
from service.conversations.service import Conversations
from service.conversations.turn import ChatEvent, PreparedTurn
from service.errors import InvalidInputError
from service.integrations.events import ESCALATION_OPENED, escalation_event
from service.knowledge.embedder import Embedder
from service.lib import metrics
from service.lib.crypto import seal_spans
from service.lib.db import Database
from service.lib.llm import LLMError, LLMGateway
from service.lib.llm_budget import Keep, fit_values
from service.lib.prompts import Prompt, load_prompt
from service.persistence.models import Escalation, Generation, Message
from service.retrieval.search import Query, RetrievedCard, search
from service.safety_questions.service import AskingConfig, individual_plan
from service.taxonomy import LABEL_IDS, RiskLevel

log = structlog.get_logger(__name__)
MAX_MESSAGE = 4000
CHAT_MAX_TOKENS = 350
_CHAT_CUTS: tuple[tuple[str, int, Keep], ...] = (
    ("turns", 900, "tail"), ("summary", 200, "tail"), ("cards", 500, "head"),
)  # fmt: skip
_SENTENCE_END = re.compile(r"(?<=[.!?…])\s+|\n+")
_CITATION = re.compile(r"\[([a-z0-9][a-z0-9-]{1,79})\]")
# Small models sometimes start with the transcript's speaker label ("Coach: …", "Partner: …").
# ... or, done with their answer, go on writing the transcript: the partner's next line, the
# closing marker ("… [reflect-then-act] Partner (new message): Any other… <<<END CHAT 66…>>>").
_TRANSCRIPT_GOES_ON = re.compile(
    r"<<<|(?:^|(?<=[.!?…\]])\s|\n)\s*(?:Partner|Coach)\b[^:.!?\n]{0,24}:"
)
_SPEAKER_LABEL = re.compile(r"^\s*(?:coach|partner|assistant)\s*(?:\([^)]{0,20}\))?\s*:\s*", re.I)
_Reply = tuple[str, list[str], str, str]  # text, citations, backend, prompt version


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
        asking: AskingConfig | None = None,
    ) -> None:
        self.db = db
        self.asking = asking or AskingConfig(knowledge_dir)
        self._embedder = embedder
        self._gateway = gateway
        # The local classifier (rules first, then the local model, which may only raise): no
        # generating model sees a message before this has read it.
        self._classifier = classifier or (lambda: local_classifier(self._embedder()))
        self.classify_timeout = classify_timeout
        self.knowledge_dir = knowledge_dir
        self.k = k

    def warm_up(self) -> None:
        """Load the encoders and the classifier now rather than on the first message (and
        before the API freezes its long-lived objects out of the collector's way)."""
        self._embedder().embed(["warm up"])
        self._classifier()

    def prepare(self, token: str | None, conversation_id: uuid.UUID, text: str) -> PreparedTurn:
        text = text.strip()
        if not text:
            raise InvalidInputError("text must not be empty")
        if len(text) > MAX_MESSAGE:
            raise InvalidInputError(f"text must be at most {MAX_MESSAGE} characters")
        with self.db.unit_of_work() as session:
            caller = Accounts(session).authenticate(token)
            conversation = Conversations(session).get(caller, conversation_id)
            # An answer to the safety question asked in this conversation acts first.
            answered = read_answer(session, self.asking, caller, conversation, text)
            # Before any model: the rule-based detector on the raw message.
            reading = classify_with_deadline(
                self._classifier(),
                CheckInText(text, None, None, conversation.locale),
                timeout=self.classify_timeout,
            )
            plan = plan_for(reading.risk_level, reading.risk_categories)
            raised = escalated_level(answered)
            if answered is not None and answered.escalation is not None and raised is not None:
                plan = plan_for(
                    RiskLevel.highest(plan.risk_level, raised),
                    {*plan.categories, *answered.escalation.categories},
                )
            seq = (
                session.scalar(
                    select(func.max(Message.seq)).where(Message.conversation_id == conversation.id)
                )
                or 0
            ) + 1
            history = load_history(session, conversation.id, conversation.summarized_upto)
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
            if raised is not None and answered is not None and answered.escalation is not None:
                escalation_id = answered.escalation.id  # opened by the "yes"
            elif plan.escalate:
                escalation = Escalation(
                    message_id=message.id,
                    couple_id=conversation.couple_id,
                    user_id=caller.id,
                    severity=str(plan.risk_level),
                    categories=list(plan.categories),
                    evidence={
                        "spans": seal_spans(
                            [e for e in reading.evidence if e.get("label") not in LABEL_IDS]
                        ),
                        "backend": reading.backend,
                        "source": "chat",
                    },
                    status="open",
                )
                session.add(escalation)
                session.flush()
                escalation_event(session, ESCALATION_OPENED, escalation)
                escalation_id = escalation.id
                log.warning("escalation opened from chat", severity=str(plan.risk_level))
            resources = resources_for(self.knowledge_dir / "resources", conversation.locale)
            question = None
            if not plan.escalate and answered is None:
                question = ask_in_chat(
                    session, self.asking, caller, reading,
                    message_id=message.id, locale=conversation.locale, resources=resources,
                )  # fmt: skip
            # While a home- or child-safety question is open: individual coaching only.
            individual = home_question_open(session, caller.id) and not plan.escalate
            if individual:
                plan = individual_plan(plan)
            cards: list[RetrievedCard] = []
            citable: frozenset[str] = frozenset()
            if plan.mode in (ResponseMode.COACHING, ResponseMode.COACHING_WITH_CARE):
                citable = cited_earlier(session, conversation.id, set(plan.blocked_categories))
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
            guard = GuardContext(
                risk_level=plan.risk_level,
                risk_categories=plan.categories,
                retrieved_ids=frozenset(c.id for c in cards) | citable,
                own_text="\n".join([text, *(t.content for t in history if t.role == "user")]),
                allowed_text=card_text(cards, resources),
                private_partner_texts=partner_private_texts(
                    session, couple_id=caller.couple_id, user_id=caller.id
                ),
                resource_names=resource_names(resources) if plan.escalate else (),
                individual_only=individual,
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
                safety_question=question,
                answered=(
                    {"id": str(answered.question.id), "answer": answered.question.answer}
                    if answered is not None
                    else None
                ),
                acknowledgement=answered.message if answered is not None else None,
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
                **({"answered_question": turn.answered} if turn.answered else {}),
            },
        )
        citations: list[str] = []
        if turn.plan.escalate:
            reply, backend, version, kind = (
                safety_reply(turn),
                "offline",
                OFFLINE_VERSION,
                "safety",
            )
            yield ChatEvent("delta", {"text": reply})
        elif turn.acknowledgement:  # "no" or "prefer not": say thank you, nothing more
            reply, citations, backend, version, kind = (
                turn.acknowledgement,
                [],
                "offline",
                OFFLINE_VERSION,
                "chat",
            )
            verdict = check(Output("chat", texts=(reply,), citations=()), turn.guard)
            turn.attempts.append(_attempt("offline", OFFLINE_VERSION, verdict.as_dict()))
            yield ChatEvent("delta", {"text": reply})
        else:
            kind = "chat"
            gateway = self._gateway()
            result = yield from (
                self._stream_model(turn, gateway) if gateway is not None else self._offline(turn)
            )
            reply, citations, backend, version = result
        extra: dict[str, Any] = {}
        if turn.plan.mode == ResponseMode.COACHING_WITH_CARE or turn.acknowledgement:
            extra = {
                "check_in_question": CARE,
                "resources": [r.as_dict() for r in turn.resources.crisis],
            }
            if turn.acknowledgement:
                del extra["check_in_question"]
        if turn.safety_question:  # the direct question replaces the generic one
            extra = {"safety_question": turn.safety_question}
        if turn.plan.escalate:
            _, block = resource_block(tip_input(turn))
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
        messages = chat_messages(
            gateway,
            chat_prompt,
            guidelines,
            summary=turn.summary or "(none yet)",
            cards=format_cards(turn.cards),
            turns=format_turns(turn.history, turn.text),
        )
        shown: list[str] = []
        buffer = ""
        started = time.perf_counter()
        stream = gateway.stream_text(messages, temperature=0.5, max_tokens=CHAT_MAX_TOKENS)
        failure: dict[str, Any] | None = None
        try:
            labelled = True  # until the first words are seen: a speaker label is dropped
            ended = False  # the model went on past its answer: the rest is not shown
            for delta in stream:
                buffer += delta
                if labelled and (len(buffer) > 24 or _SENTENCE_END.search(buffer)):
                    buffer, labelled = _SPEAKER_LABEL.sub("", buffer, count=1), False
                if not labelled and (beyond := _TRANSCRIPT_GOES_ON.search(buffer)):
                    buffer, ended = buffer[: beyond.start()], True
                *complete, buffer = _SENTENCE_END.split(buffer)
                for sentence in filter(None, (s.strip() for s in complete)):
                    if _echoes(sentence, turn.guard.own_text):
                        continue
                    failure = _sentence_failure(sentence, turn.guard)
                    if failure:
                        break
                    shown.append(sentence)
                    yield ChatEvent("delta", {"text": sentence})
                if failure or ended:
                    break
            if stream.finish_reason == "length" and shown and not ended:
                buffer = ""  # cut off at the token budget: drop the half sentence
            if labelled:
                buffer = _SPEAKER_LABEL.sub("", buffer, count=1)
                if beyond := _TRANSCRIPT_GOES_ON.search(buffer):
                    buffer = buffer[: beyond.start()]
            if _echoes(buffer.strip(), turn.guard.own_text):
                buffer = ""
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
            verdict_ok: dict[str, Any] = {"passed": True, "violations": []}
            if stream.usage_estimated:  # the server reported no usage (llama-cpp-python)
                verdict_ok["usage_estimated"] = True
            turn.attempts.append(_attempt("llm", version, verdict_ok, **usage))
            return reply, citations, "llm", version
        outcome = "error" if failure.get("error") else "rejected"
        turn.attempts.append(_attempt("llm", version, failure, outcome=outcome, **usage))
        log.warning("chat answer replaced by the offline reply", outcome=outcome)
        metrics.model_fallback("chat", outcome)
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
            roll_summary(session, turn.conversation_id)
            return answer.id


def chat_messages(
    gateway: LLMGateway, prompt: Prompt, guidelines: Prompt, **values: str
) -> list[dict[str, str]]:
    """The chat prompt; in a small context window the oldest turns, the summary and card
    details give way, in that order (the new message is the last line of ``turns``)."""
    tag = uuid.uuid4().hex[:12]

    def render(values: dict[str, str]) -> list[dict[str, str]]:
        messages = prompt.render(tag=tag, stage="unknown", **values)
        messages[0]["content"] = f"{guidelines.system}\n\n{messages[0]['content']}"
        return messages

    messages = render(values)
    room = gateway.prompt_chars(CHAT_MAX_TOKENS, len(messages))
    over = sum(len(m["content"]) for m in messages) - room if room is not None else 0
    return render(fit_values(values, _CHAT_CUTS, over)) if over > 0 else messages


def _sentence_failure(sentence: str, guard: GuardContext) -> dict[str, Any] | None:
    citations = tuple(_CITATION.findall(sentence))
    verdict = check(Output("chat", texts=(sentence,), citations=citations), guard)
    return None if verdict.passed else verdict.as_dict()


def _words(text: str) -> str:
    return " ".join(re.findall(r"\w+", text.lower()))


def _echoes(sentence: str, own_text: str) -> bool:
    """A sentence of four or more words that the partner wrote themselves, word for word.
    Qwen2.5-1.5B opened 6 of 10 measured chat answers by repeating the partner's message."""
    words = _words(sentence)
    return words.count(" ") >= 3 and words in _words(own_text)


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
