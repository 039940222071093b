"""Runs guideline cases through the real service path: API → outbox → RQ worker → stored output.

Each case gets fresh users (and a couple when the other partner is involved), posts through
the Litestar app in-process, lets a real RQ worker run the pipeline on a real Redis, then reads
the stored output back through the API and the database.
"""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from litestar.testing import TestClient
from sqlalchemy import or_, select

from service.accounts.service import Accounts
from service.api.app import create_app
from service.classify.classifier import CheckInText, ClassificationResult
from service.classify.provider import local_classifier
from service.coaching.llm_writer import LLMTipWriter
from service.coaching.resources import load_directory
from service.conversations.chat import ChatEngine
from service.guidelines.assertions import (
    HARD_RULES,
    AnswerOutcome,
    Failure,
    Observed,
    PartnerSide,
    check_case,
)
from service.guidelines.cases import Case, CheckInSpec
from service.guidelines.judge import Judge
from service.lib.llm import LLMGateway
from service.persistence.models import Couple, Escalation, Generation, KnowledgeCard
from workers.context import JobContext
from workers.runtime import drain, relay_once

_STRING_FIELDS = ("title", "why", "tonight", "question", "partner_view", "message",
                  "check_in_question", "evidence", "content")  # fmt: skip


@dataclass
class _Trail:
    """Ids a case created, for the other partner's privacy probes."""

    checkins: list[str] = field(default_factory=list)
    conversation: str | None = None
    questions: list[str] = field(default_factory=list)


@dataclass
class CaseResult:
    case: Case
    backend: str
    passed: bool
    failures: list[Failure]
    output: dict[str, Any]
    seconds: float
    error: str | None = None

    @property
    def hard_failed(self) -> bool:
        """Whether a rule that must always hold failed (see ``HARD_RULES``)."""
        return any(f.rule in HARD_RULES for f in self.failures)

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.case.id,
            "guideline": self.case.guideline.value,
            "hard": self.case.hard,
            "description": self.case.description,
            "backend": self.backend,
            "passed": self.passed,
            "hard_failed": self.hard_failed,
            "failures": [f.as_dict() for f in self.failures],
            "input": self.case.model_dump(mode="json", exclude_defaults=True),
            "output": self.output,
            "seconds": round(self.seconds, 3),
            "error": self.error,
        }


class _BrokenClassifier:
    """The classifier of fail-closed cases: every call raises."""

    backend = "broken"

    def classify_batch(self, items: list[CheckInText]) -> list[ClassificationResult]:
        raise RuntimeError("classifier unavailable (eval case setup)")


@dataclass
class GuidelineRunner:
    ctx: JobContext
    backend: str  # offline | llm
    gateway: LLMGateway | None
    knowledge_dir: Path
    judge: Judge | None = None
    _current_gateway: LLMGateway | None = field(default=None, init=False)
    _client: TestClient[Any] | None = field(default=None, init=False)
    _attempts: list[dict[str, Any]] = field(default_factory=list, init=False)

    def __post_init__(self) -> None:
        self._current_gateway = self.gateway
        self.resources = load_directory(self.knowledge_dir / "resources")
        with self.ctx.db.unit_of_work() as session:
            self.card_tags = {
                c.id: {*c.patterns, *c.burnout_signals}
                for c in session.scalars(select(KnowledgeCard))
            }

    @contextmanager
    def open(self) -> Iterator[GuidelineRunner]:
        chat = ChatEngine(
            self.ctx.db,
            embedder=lambda: self.ctx.embedder,
            gateway=lambda: self._current_gateway,
            knowledge_dir=self.knowledge_dir,
            k=self.ctx.settings.retrieval_k,
            classifier=self._chat_classifier,
        )
        with TestClient(app=create_app(self.ctx.db, self.ctx.redis, chat)) as client:
            self._client = client
            try:
                yield self
            finally:
                self._client = None

    def run(self, cases: list[Case], on_result: Callable[[CaseResult], None]) -> list[CaseResult]:
        results = []
        for case in cases:
            result = self.run_case(case)
            results.append(result)
            on_result(result)
        return results

    def run_case(self, case: Case) -> CaseResult:
        started = time.perf_counter()
        try:
            with self._setup(case):
                seen = self._play(case)
            failures = check_case(case, seen, self.resources)
            output = {**_output_view(seen), "attempts": self._attempts}
            if self.judge is not None:
                written = case.checkin.text if case.checkin else "\n".join(case.chat or [])
                output["judge"] = self.judge.score(written, seen.text)
            error = None
        except Exception as exc:  # a crash is a failed case with its reason, not a dead run
            failures = [
                Failure(case.guideline.value, f"the service failed: {type(exc).__name__}: {exc}")
            ]
            output, error = {}, f"{type(exc).__name__}: {exc}"
        return CaseResult(case, self.backend, not failures, failures, output,
                          time.perf_counter() - started, error)  # fmt: skip

    def _chat_classifier(self) -> Any:
        if isinstance(self.ctx._classifier, _BrokenClassifier):
            return self.ctx._classifier
        return local_classifier(self.ctx.embedder)

    @contextmanager
    def _setup(self, case: Case) -> Iterator[None]:
        classifier, writer = self.ctx._classifier, self.ctx._tip_writer
        if case.setup.classifier == "broken":
            self.ctx._classifier = _BrokenClassifier()
        if case.setup.model == "unavailable" and self.backend == "llm":
            dead = LLMGateway(
                "http://127.0.0.1:9/v1", "unavailable", "x", timeout=0.5, max_retries=0
            )
            self.ctx._tip_writer = LLMTipWriter(dead)
            self._current_gateway = dead
        try:
            yield
        finally:
            self.ctx._classifier, self.ctx._tip_writer = classifier, writer
            self._current_gateway = self.gateway

    def _play(self, case: Case) -> Observed:
        client = self._client
        assert client is not None, "use GuidelineRunner.open()"
        tag = uuid.uuid4().hex[:8]
        writer, writer_id = self._user(f"eval-{case.id}-{tag}", case.locale)
        other = None
        if case.other_partner or case.stage:
            other, _ = self._user(f"eval-{case.id}-{tag}-partner", case.locale)
            couple = client.post("/v1/couples", headers=_auth(writer)).json()
            joined = client.post("/v1/couples/join", json={"invite_code": couple["invite_code"]},
                                 headers=_auth(other))  # fmt: skip
            _ok(joined, "join couple")
            if case.stage:
                with self.ctx.db.unit_of_work() as session:
                    row = session.get(Couple, uuid.UUID(str(couple["id"])))
                    assert row is not None
                    row.stage = case.stage
        private: list[str] = []
        for spec in case.other_partner.checkins if case.other_partner else []:
            assert other is not None
            _ok(client.post("/v1/checkins", json=spec.model_dump(exclude_none=True),
                            headers=_auth(other)), "other partner's check-in")  # fmt: skip
            if not spec.shared_with_partner:
                private.append(spec.text)
        self._drain()
        trail = _Trail()
        if case.checkin:
            checkin_id = self._post_checkin(case.checkin, writer)
            trail.checkins.append(checkin_id)
            seen = self._read_checkin(checkin_id, writer, case.checkin.text)
        else:
            seen = self._chat(case, writer, writer_id, trail)
        attempts = self._attempts
        seen.locale = case.locale
        seen.other_private = private
        side = PartnerSide() if other is not None else None
        if side is not None and other is not None:
            side.before_answer = self._partner_lists(other)
        if case.answer is not None:
            seen.answer = self._answer(case, seen, writer, trail)
            if side is not None and other is not None:
                side.after_answer = self._partner_lists(other)
        if case.followup is not None:
            followup_id = self._post_checkin(case.followup, writer)
            trail.checkins.append(followup_id)
            seen.followup = self._read_checkin(followup_id, writer, case.followup.text)
            seen.followup.locale = case.locale
            seen.followup.card_tags = self.card_tags
        for q in (seen.question, seen.followup.question if seen.followup else None):
            if q and q.get("id"):
                trail.questions.append(str(q["id"]))
        if side is not None and other is not None:
            side.views = self._partner_views(other, mine=trail.questions)
            side.probes = self._partner_probes(other, trail)  # last: it tries to answer
            seen.partner = side
            seen.partner_view = side.views.get("partner check-ins", "")
        seen.card_tags = self.card_tags
        self._attempts = attempts
        return seen

    def _post_checkin(self, spec: CheckInSpec, token: str) -> str:
        client = self._client
        assert client is not None
        posted = client.post("/v1/checkins", json=spec.model_dump(exclude_none=True),
                             headers=_auth(token))  # fmt: skip
        _ok(posted, "check-in")
        self._drain()
        return str(posted.json()["id"])

    def _read_checkin(self, checkin_id: str, token: str, own_text: str) -> Observed:
        client = self._client
        assert client is not None
        view = client.get(f"/v1/checkins/{checkin_id}", headers=_auth(token)).json()
        if view.get("status") != "tip_ready":
            raise RuntimeError(f"check-in not answered (status {view.get('status')})")
        tip, c = view["tip"], view["classification"]
        with self.ctx.db.unit_of_work() as session:
            escalation = session.scalar(
                select(Escalation).where(Escalation.checkin_id == uuid.UUID(checkin_id))
            )
            retrieved = self._retrieved(session, Generation.checkin_id == uuid.UUID(checkin_id))
            esc = _escalation_view(escalation)
        body = {
            k: v
            for k, v in tip.items()
            if k not in ("kind", "citations", "backend", "prompt_version")
        }
        return Observed(
            kind=tip["kind"],
            text=_flatten(tip),
            body={**body, "backend": tip["backend"], "prompt_version": tip["prompt_version"]},
            citations=list(tip["citations"]),
            retrieved=retrieved,
            risk_level=c["risk_level"],
            risk_categories=list(c["risk_categories"]),
            patterns=[*c["patterns"], *c["burnout_signals"]],
            escalation=esc,
            own_text=own_text,
            question=tip.get("safety_question") or None,
            ask_safety=c.get("ask_safety"),
            ask_kind=c.get("ask_kind"),
        )

    def _answer(self, case: Case, seen: Observed, token: str, trail: _Trail) -> AnswerOutcome:
        """Answer the check-in's safety question as the partner would, then read it back."""
        client = self._client
        assert client is not None and case.answer is not None and case.checkin is not None
        question = seen.question
        if not question or not question.get("id"):
            return AnswerOutcome(case.answer, None, {}, None, case.answer_note)
        payload: dict[str, Any] = {"answer": case.answer}
        if case.answer_note:
            payload["note"] = case.answer_note
        url = f"/v1/safety-questions/{question['id']}/answer"
        response = client.post(url, json=payload, headers=_auth(token))
        try:
            body = response.json()
        except ValueError:
            body = {"raw": response.text[:500]}
        if not isinstance(body, dict):
            body = {"raw": body}
        self._drain()  # what the answer set off runs within one worker cycle
        after = self._read_checkin(trail.checkins[0], token, case.checkin.text)
        after.locale, after.card_tags = case.locale, self.card_tags
        return AnswerOutcome(case.answer, response.status_code, body, after, case.answer_note)

    def _chat(self, case: Case, token: str, user_id: uuid.UUID, trail: _Trail) -> Observed:
        """Play the turns. With ``expect.answered`` the last message is the answer: the
        Observed is the conversation before it, and its reply is the answer's outcome."""
        client = self._client
        assert client is not None and case.chat is not None
        created = client.post(
            "/v1/conversations", json={"locale": case.locale}, headers=_auth(token)
        )
        _ok(created, "conversation")
        trail.conversation = str(created.json()["id"])
        url = f"/v1/conversations/{trail.conversation}/messages"
        turns: list[tuple[dict[str, Any], dict[str, Any] | None, list[dict[str, Any]]]] = []
        ids: list[uuid.UUID] = []
        for text in case.chat:
            response = client.post(url, json={"text": text}, headers=_auth(token))
            _ok(response, "chat message")
            answer = response.json()
            ids += [uuid.UUID(answer["message_id"]), uuid.UUID(answer["message"]["id"])]
            with self.ctx.db.unit_of_work() as session:
                # Any escalation of this conversation so far: an answered question may be
                # escalated on the answering message or on the one that carried the question.
                escalation = session.scalar(
                    select(Escalation)
                    .where(or_(Escalation.message_id.in_(ids), Escalation.user_id == user_id))
                    .order_by(Escalation.created_at.desc())
                    .limit(1)
                )
                retrieved = self._retrieved(
                    session, Generation.message_id == uuid.UUID(answer["message"]["id"])
                )
                turns.append((answer, _escalation_view(escalation), list(self._attempts)))
            turns[-1][0]["_retrieved"] = retrieved
        split = case.expect.answered is not None
        before = turns[:-1] if split else turns
        question = next(
            (t[0]["message"]["safety_question"] for t in before
             if t[0]["message"].get("safety_question")), None
        )  # fmt: skip
        seen = self._chat_observed(case, *before[-1], question)
        if split:
            last, esc, attempts = turns[-1]
            after = self._chat_observed(case, last, esc, attempts, None)
            seen.answer = AnswerOutcome(str(case.expect.answered),
                                        200 if question else None, last, after, via="chat")  # fmt: skip
            seen.answered = last.get("answered_question") or None
            self._attempts = attempts
        else:
            seen.answered = turns[-1][0].get("answered_question") or None
        return seen

    def _chat_observed(
        self,
        case: Case,
        answer: dict[str, Any],
        escalation: dict[str, Any] | None,
        attempts: list[dict[str, Any]],
        question: dict[str, Any] | None,
    ) -> Observed:
        message = answer["message"]
        self._attempts = attempts
        return Observed(
            kind=message["kind"],
            text=_flatten(message),
            body=message,
            citations=list(message["citations"]),
            retrieved=list(answer.get("_retrieved", [])),
            risk_level=answer["risk_level"],
            risk_categories=list(answer.get("risk_categories", [])),
            patterns=[],
            escalation=escalation,
            own_text="\n".join(case.chat or []),
            question=question,
            ask_safety=answer.get("ask_safety"),
            ask_kind=answer.get("ask_kind"),
            locale=case.locale,
            card_tags=self.card_tags,
        )

    def _partner_lists(self, token: str) -> dict[str, list[str]]:
        """Item ids of the lists the other partner sees (must not change with an answer)."""
        client = self._client
        assert client is not None
        out = {}
        for name, url in (("partner check-ins", "/v1/partner/checkins?limit=100"),
                          ("own check-ins", "/v1/checkins?limit=100")):  # fmt: skip
            response = client.get(url, headers=_auth(token))
            _ok(response, f"other partner's {name}")
            out[name] = [str(item["id"]) for item in response.json()["items"]]
        return out

    def _partner_views(self, token: str, *, mine: list[str]) -> dict[str, str]:
        """Every response the other partner can read, raw, by name (``mine``: the writer's
        question ids)."""
        client = self._client
        assert client is not None
        views = {
            "partner check-ins": client.get("/v1/partner/checkins?limit=100", headers=_auth(token)),
            "own check-ins": client.get("/v1/checkins?limit=100", headers=_auth(token)),
            "escalations": client.get("/v1/escalations", headers=_auth(token)),
        }
        for item in views["own check-ins"].json().get("items", []):
            views[f"own check-in {item['id']}"] = client.get(
                f"/v1/checkins/{item['id']}", headers=_auth(token)
            )
        if mine:  # their own chat must not hint at it either
            created = client.post("/v1/conversations", json={}, headers=_auth(token))
            _ok(created, "other partner's conversation")
            url = f"/v1/conversations/{created.json()['id']}/messages"
            views["chat reply"] = client.post(
                url, json={"text": "we cooked dinner together tonight, any idea for a fun weekend?"},
                headers=_auth(token),
            )  # fmt: skip
        # Their own safety questions (their own check-ins can be uncertain too) are theirs to
        # see; what must not show is the writer's.
        return {name: _without_own_questions(response, mine) for name, response in views.items()}

    def _partner_probes(self, token: str, trail: _Trail) -> dict[str, int]:
        """Requests the other partner must not succeed with: each must be a plain 404."""
        client = self._client
        assert client is not None
        probes: dict[str, int] = {}
        for checkin_id in trail.checkins:
            probes[f"read of check-in {checkin_id}"] = client.get(
                f"/v1/checkins/{checkin_id}", headers=_auth(token)
            ).status_code
        if trail.conversation:
            probes["read of the conversation"] = client.get(
                f"/v1/conversations/{trail.conversation}", headers=_auth(token)
            ).status_code
        for question_id in trail.questions:
            probes[f"answer to question {question_id}"] = client.post(
                f"/v1/safety-questions/{question_id}/answer", json={"answer": "no"},
                headers=_auth(token),
            ).status_code  # fmt: skip
        return probes

    def _retrieved(self, session: Any, where: Any) -> list[str]:
        rows = list(session.scalars(select(Generation).where(where).order_by(Generation.id)))
        self._attempts = [
            {"backend": g.backend, "outcome": g.outcome, "prompt_version": g.prompt_version,
             "violations": g.verdict.get("violations", []), "error": g.verdict.get("error"),
             "purpose": g.purpose, "prompt_tokens": g.prompt_tokens,
             "completion_tokens": g.completion_tokens, "latency_ms": g.latency_ms}
            for g in rows
        ]  # fmt: skip
        return list(rows[-1].verdict.get("retrieved", [])) if rows else []

    def _user(self, name: str, locale: str) -> tuple[str, uuid.UUID]:
        with self.ctx.db.unit_of_work() as session:
            created = Accounts(session).create(name, locale=locale)
            return created.token, created.user.id

    def _drain(self) -> None:
        relay_once(self.ctx)
        drain(self.ctx)


def _auth(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def _ok(response: Any, what: str) -> None:
    if response.status_code >= 400:
        raise RuntimeError(f"{what}: HTTP {response.status_code} {response.text[:200]}")


def _without_own_questions(response: Any, writers: list[str]) -> str:
    """The response body with the reader's own ``safety_question`` objects (and empty ones)
    left out; any of the writer's stays in, to be caught."""

    def strip(node: Any) -> Any:
        if isinstance(node, dict):
            out = {}
            for key, value in node.items():
                own = isinstance(value, dict) and str(value.get("id")) not in writers
                if key == "safety_question" and (value is None or own):
                    continue
                out[key] = strip(value)
            return out
        if isinstance(node, list):
            return [strip(v) for v in node]
        return node

    try:
        body = response.json()
    except ValueError:
        return str(response.text)
    return json.dumps(strip(body), ensure_ascii=False)


def _flatten(payload: dict[str, Any]) -> str:
    """Every partner-facing string of a tip or chat message."""
    parts = [str(payload[k]) for k in _STRING_FIELDS if payload.get(k)]
    parts += [str(s) for s in payload.get("steps", [])]
    parts += [str(s) for s in payload.get("emergency", [])]
    for resource in payload.get("resources", []):
        parts.append(" ".join(str(v) for v in resource.values()))
    return "\n".join(parts)


def _escalation_view(row: Escalation | None) -> dict[str, Any] | None:
    if row is None:
        return None
    return {"severity": row.severity, "categories": list(row.categories), "status": row.status,
            "lane": (row.evidence or {}).get("lane")}  # fmt: skip


def _output_view(seen: Observed) -> dict[str, Any]:
    out: dict[str, Any] = {
        "kind": seen.kind,
        "risk_level": seen.risk_level,
        "risk_categories": seen.risk_categories,
        "patterns": seen.patterns,
        "citations": seen.citations,
        "retrieved": seen.retrieved,
        "escalation": seen.escalation,
        "body": seen.body,
    }
    if seen.ask_safety is not None or seen.question is not None:
        out["ask"] = {"ask_safety": seen.ask_safety, "ask_kind": seen.ask_kind,
                      "question": seen.question, "answered": seen.answered}  # fmt: skip
    if seen.answer is not None:
        a = seen.answer
        out["answer"] = {
            "given": a.given,
            "status_code": a.status_code,
            "response": a.body,
            "after": None if a.after is None else {
                "kind": a.after.kind, "escalation": a.after.escalation,
                "question": a.after.question, "text": a.after.text},
        }  # fmt: skip
    if seen.followup is not None:
        f = seen.followup
        out["followup"] = {"kind": f.kind, "risk_level": f.risk_level,
                           "risk_categories": f.risk_categories, "ask_safety": f.ask_safety,
                           "ask_kind": f.ask_kind, "question": f.question,
                           "escalation": f.escalation, "text": f.text}  # fmt: skip
    if seen.partner is not None:
        out["partner"] = {"probes": seen.partner.probes,
                          "lists_before_answer": seen.partner.before_answer,
                          "lists_after_answer": seen.partner.after_answer}  # fmt: skip
    return out
