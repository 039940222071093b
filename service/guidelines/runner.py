"""Runs guideline cases through the real service path: API → outbox → RQ worker → stored output.

Each case gets fresh users (and a couple when the other partner is involved), posts through
the Litestar app in-process, lets a real RQ worker run the pipeline on a real Redis, then reads
the stored output back through the API and the database.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from litestar.testing import TestClient
from sqlalchemy import select

from service.accounts.service import Accounts
from service.api.app import create_app
from service.classify.classifier import CheckInText, ClassificationResult
from service.classify.provider import local_classifier
from service.coaching.llm_writer import LLMTipWriter
from service.coaching.resources import load_directory
from service.conversations.chat import ChatEngine
from service.guidelines.assertions import HARD_RULES, Failure, Observed, check_case
from service.guidelines.cases import Case
from service.guidelines.judge import Judge
from service.lib.llm import LLMGateway
from service.persistence.models import Couple, Escalation, Generation, KnowledgeCard
from workers.context import JobContext
from workers.runtime import drain, relay_once

_STRING_FIELDS = ("title", "why", "tonight", "question", "partner_view", "message",
                  "check_in_question", "evidence", "content")  # fmt: skip


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
        writer = self._user(f"eval-{case.id}-{tag}", case.locale)
        other = None
        if case.other_partner or case.stage:
            other = self._user(f"eval-{case.id}-{tag}-partner", case.locale)
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
        seen = self._checkin(case, writer) if case.checkin else self._chat(case, writer)
        seen.other_private = private
        if other is not None:
            seen.partner_view = client.get("/v1/partner/checkins", headers=_auth(other)).text
        seen.card_tags = self.card_tags
        return seen

    def _checkin(self, case: Case, token: str) -> Observed:
        client = self._client
        assert client is not None and case.checkin is not None
        posted = client.post("/v1/checkins", json=case.checkin.model_dump(exclude_none=True),
                             headers=_auth(token))  # fmt: skip
        _ok(posted, "check-in")
        checkin_id = posted.json()["id"]
        self._drain()
        view = client.get(f"/v1/checkins/{checkin_id}", headers=_auth(token)).json()
        if view.get("status") != "tip_ready":
            raise RuntimeError(f"check-in not answered (status {view.get('status')})")
        tip, c = view["tip"], view["classification"]
        with self.ctx.db.unit_of_work() as session:
            escalation = session.scalar(
                select(Escalation).where(Escalation.checkin_id == checkin_id)
            )
            retrieved = self._retrieved(session, Generation.checkin_id == checkin_id)
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
            own_text=case.checkin.text,
        )

    def _chat(self, case: Case, token: str) -> Observed:
        client = self._client
        assert client is not None and case.chat is not None
        created = client.post(
            "/v1/conversations", json={"locale": case.locale}, headers=_auth(token)
        )
        _ok(created, "conversation")
        url = f"/v1/conversations/{created.json()['id']}/messages"
        answer: dict[str, Any] = {}
        for text in case.chat:
            response = client.post(url, json={"text": text}, headers=_auth(token))
            _ok(response, "chat message")
            answer = response.json()
        message = answer["message"]
        with self.ctx.db.unit_of_work() as session:
            escalation = session.scalar(
                select(Escalation).where(Escalation.message_id == uuid.UUID(answer["message_id"]))
            )
            retrieved = self._retrieved(session, Generation.message_id == uuid.UUID(message["id"]))
            esc = _escalation_view(escalation)
        return Observed(
            kind=message["kind"],
            text=_flatten(message),
            body=message,
            citations=list(message["citations"]),
            retrieved=retrieved,
            risk_level=answer["risk_level"],
            risk_categories=list(answer.get("risk_categories", [])),
            patterns=[],
            escalation=esc,
            own_text="\n".join(case.chat),
        )

    def _retrieved(self, session: Any, where: Any) -> list[str]:
        rows = list(session.scalars(select(Generation).where(where).order_by(Generation.id)))
        self._attempts = [
            {"backend": g.backend, "outcome": g.outcome, "prompt_version": g.prompt_version,
             "violations": g.verdict.get("violations", []), "error": g.verdict.get("error")}
            for g in rows
        ]  # fmt: skip
        return list(rows[-1].verdict.get("retrieved", [])) if rows else []

    def _user(self, name: str, locale: str) -> str:
        with self.ctx.db.unit_of_work() as session:
            return Accounts(session).create(name, locale=locale).token

    def _drain(self) -> None:
        relay_once(self.ctx)
        drain(self.ctx)


def _auth(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def _ok(response: Any, what: str) -> None:
    if response.status_code >= 400:
        raise RuntimeError(f"{what}: HTTP {response.status_code} {response.text[:200]}")


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
    return {"severity": row.severity, "categories": list(row.categories), "status": row.status}


def _output_view(seen: Observed) -> dict[str, Any]:
    return {
        "kind": seen.kind,
        "risk_level": seen.risk_level,
        "risk_categories": seen.risk_categories,
        "patterns": seen.patterns,
        "citations": seen.citations,
        "retrieved": seen.retrieved,
        "escalation": seen.escalation,
        "body": seen.body,
    }
