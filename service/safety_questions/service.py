"""Asking a partner whether they are safe, and acting on the answer.

The reading decides whether a question is called for (``service/classify/asking.py``); this
module decides, with the partner's history, whether it is really asked, and what an answer
does:

- at most one open question per partner (a partial unique index holds it under races);
- after a "no" about one kind, not asked again about that kind for ``quiet_hours`` unless the
  new reading is a new signal (the rules found that kind of risk, a sign of danger now, or a
  score clearly above the one the "no" answered);
- ``yes``: an escalation at once (urgent for a sign of danger now or a plan in the note), and
  the response becomes the safety response, resources first;
- ``no``: recorded, no coach, coaching goes on. A "no" only closes a question that was asked
  because the reading was uncertain: it never lowers a level the rules or a confident model
  set (those were escalated before any question could be asked);
- ``prefer_not``, or no answer within ``answer_hours``: a low-priority coach lane.

The other partner never learns that a question exists: no endpoint, list, count or event of
theirs reads this table.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import structlog
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from service.classify.classifier import ClassificationResult
from service.coaching.composer import TipInput
from service.coaching.grounding import resource_names
from service.coaching.guard import GuardContext
from service.coaching.policy import ResponsePlan, plan_for
from service.coaching.resources import LocaleResources, resources_for
from service.coaching.tips import TipOutcome, produce_tip
from service.errors import ConflictError, InvalidInputError, NotFoundError
from service.integrations.events import (
    ESCALATION_OPENED,
    SAFETY_QUESTION_ANSWERED,
    escalation_event,
    record_event,
)
from service.persistence.models import (
    CheckIn,
    Escalation,
    Generation,
    Message,
    SafetyQuestion,
    Tip,
    User,
)
from service.safety import assess_risk
from service.safety.cues import TIMING
from service.safety.normalize import normalize
from service.safety_questions.wording import (
    ANSWERS,
    acknowledgement,
    answer_labels,
    privacy_note,
    question_text,
)
from service.taxonomy import RiskLevel

log = structlog.get_logger(__name__)

MAX_NOTE = 2000
# A reading this much above the one a "no" answered is a new signal, asked about again.
NEW_SIGNAL_MARGIN = 0.15
LANE_UNANSWERED = "unanswered_safety_question"
# The escalation category a "yes" to each question stands for.
CATEGORY_OF_KIND = {
    "self_harm": "self_harm",
    "safety_at_home": "partner_violence",
    "child_safety": "child_safety",
}


@dataclass(frozen=True)
class AskRequest:
    """A reading that calls for a question (see ``service/classify/asking.py``)."""

    kind: str
    reason: str  # the row of the ask table
    risk_score: float | None
    danger_now: bool = False
    rules_found: bool = False  # the rules themselves read this kind of risk


@dataclass(frozen=True)
class AskingConfig:
    """What asking and answering need from settings; the API, the chat and the worker share it."""

    knowledge_dir: Path | None = None  # resources for the safety response after a "yes"
    quiet_hours: float = 72.0  # no second question about the same thing after a "no"
    answer_hours: float = 24.0  # an unanswered question goes to the coach lane

    def service(self, session: Session) -> SafetyQuestions:
        return SafetyQuestions(
            session,
            quiet_hours=self.quiet_hours,
            answer_hours=self.answer_hours,
            knowledge_dir=self.knowledge_dir,
        )


@dataclass(frozen=True)
class AnswerOutcome:
    question: SafetyQuestion
    escalation: Escalation | None
    tip: Tip | None  # the check-in's response after the answer (None for chat questions)
    message: str  # what the partner reads back


class SafetyQuestions:
    def __init__(
        self,
        session: Session,
        *,
        quiet_hours: float = 72.0,
        answer_hours: float = 24.0,
        knowledge_dir: Path | None = None,
    ) -> None:
        self.session = session
        self.quiet = timedelta(hours=quiet_hours)
        self.answer_window = timedelta(hours=answer_hours)
        self.knowledge_dir = knowledge_dir

    # ------------------------------------------------------------------ asking

    def open_question(self, user_id: uuid.UUID) -> SafetyQuestion | None:
        return self.session.scalar(
            select(SafetyQuestion).where(
                SafetyQuestion.user_id == user_id, SafetyQuestion.status == "open"
            )
        )

    def maybe_ask(
        self,
        user: User,
        request: AskRequest,
        *,
        locale: str,
        checkin_id: uuid.UUID | None = None,
        message_id: uuid.UUID | None = None,
        now: datetime | None = None,
    ) -> SafetyQuestion | None:
        """Open the question unless one is open already or a recent "no" covers it."""
        now = now or datetime.now(UTC)
        if self.open_question(user.id) is not None:
            return None
        last_no = self.session.scalar(
            select(SafetyQuestion)
            .where(
                SafetyQuestion.user_id == user.id,
                SafetyQuestion.kind == request.kind,
                SafetyQuestion.answer == "no",
                SafetyQuestion.answered_at >= now - self.quiet,
            )
            .order_by(SafetyQuestion.answered_at.desc())
            .limit(1)
        )
        if last_no is not None and not _new_signal(request, last_no):
            log.info("safety question not asked again after a recent no", kind=request.kind)
            return None
        question = SafetyQuestion(
            user_id=user.id,
            couple_id=user.couple_id,
            checkin_id=checkin_id,
            message_id=message_id,
            kind=request.kind,
            locale=locale,
            reason=request.reason,
            risk_score=request.risk_score,
            danger_now=request.danger_now,
            status="open",
            asked_at=now,
        )
        try:
            with self.session.begin_nested():
                self.session.add(question)
                self.session.flush()
        except IntegrityError:  # another question of this partner opened meanwhile
            return None
        log.info("safety question asked", kind=request.kind, reason=request.reason)
        return question

    # ------------------------------------------------------------------ answering

    def answer(
        self, caller: User, question_id: uuid.UUID, answer: str, note: str | None = None
    ) -> AnswerOutcome:
        if answer not in ANSWERS:
            raise InvalidInputError(f"answer must be one of {', '.join(ANSWERS)}")
        if note is not None and len(note) > MAX_NOTE:
            raise InvalidInputError(f"note must be at most {MAX_NOTE} characters")
        question = self.session.scalar(
            select(SafetyQuestion)
            .where(SafetyQuestion.id == question_id, SafetyQuestion.user_id == caller.id)
            .with_for_update()
        )
        if question is None:  # someone else's question does not exist for this caller
            raise NotFoundError("safety question not found")
        if question.status == "answered":
            raise ConflictError(
                "this question has already been answered", current_answer=question.answer
            )
        question.status = "answered"
        question.answer = answer
        question.note = note.strip() if note and note.strip() else None
        question.answered_at = datetime.now(UTC)
        escalation: Escalation | None = None
        tip: Tip | None = None
        if answer == "yes":
            escalation = self._escalate(question)
            tip = self._safety_response(question, escalation)
            message = ""
        else:
            if answer == "prefer_not":
                escalation = self._coach_lane(question)
            tip = self._tip_of(question)
            message = acknowledgement(answer, question.locale)
        record_event(
            self.session,
            SAFETY_QUESTION_ANSWERED,
            subject_id=question.id,
            user_id=question.user_id,
            checkin_id=question.checkin_id,
            data={
                "question_id": str(question.id),
                "kind": question.kind,
                "answer": answer,
                "escalation_id": str(escalation.id) if escalation is not None else None,
            },
        )
        self.session.flush()
        log.info("safety question answered", kind=question.kind, answer=answer,
                 escalated=escalation is not None)  # fmt: skip
        return AnswerOutcome(question, escalation, tip, message)

    def _severity(self, question: SafetyQuestion) -> RiskLevel:
        if question.danger_now:
            return RiskLevel.URGENT
        if question.note:
            # The note answers a question about what the partner wrote: read it in that context
            # ("I've worked out how, tonight" after hopelessness is a plan with a time).
            read = assess_risk(f"{self._asked_about(question)}\n{question.note}",
                               locale=question.locale)  # fmt: skip
            if read.level == RiskLevel.URGENT:
                return RiskLevel.URGENT
            # "Yes" to the question plus a time ("tonight", "heute Nacht", "ce soir") is a plan
            # with a time, or danger now: urgent, even in words the rules would not read alone.
            plain = normalize(question.note).text
            if any(pattern.search(plain) for pattern in TIMING.values()):
                return RiskLevel.URGENT
        return RiskLevel.ELEVATED

    def _asked_about(self, question: SafetyQuestion) -> str:
        if question.checkin_id is not None:
            checkin = self.session.get(CheckIn, question.checkin_id)
            return checkin.text if checkin is not None else ""
        message = self.session.get(Message, question.message_id) if question.message_id else None
        return message.content if message is not None else ""

    def _escalate(self, question: SafetyQuestion) -> Escalation:
        severity = str(self._severity(question))
        category = CATEGORY_OF_KIND[question.kind]
        existing = self._escalation_of(question)
        evidence: dict[str, Any] = {
            "spans": [],
            "backend": "safety_question",
            "lane": "safety",
            "question": {"id": str(question.id), "kind": question.kind, "answer": "yes"},
        }
        if existing is not None:  # the unanswered lane, now answered: raised, reopened
            existing.severity = severity
            existing.categories = [category]
            existing.evidence = evidence
            existing.status = "open"
            existing.acknowledged_at = existing.resolved_at = None
            escalation = existing
            # Raised and reopened: for subscribers it is open again, at its new severity.
            escalation_event(self.session, ESCALATION_OPENED, escalation)
        else:
            escalation = self._new_escalation(question, severity, [category], evidence)
        question.escalation_id = escalation.id
        log.warning("escalation opened by a yes", severity=severity, kind=question.kind)
        return escalation

    def _coach_lane(self, question: SafetyQuestion) -> Escalation | None:
        """A declined or unanswered question: a low-priority item for the couple's coach."""
        if self._escalation_of(question) is not None:
            return None
        evidence = {
            "spans": [],
            "backend": "safety_question",
            "lane": LANE_UNANSWERED,
            "question": {"id": str(question.id), "kind": question.kind,
                         "answer": question.answer},
        }  # fmt: skip
        escalation = self._new_escalation(
            question, "concern", [CATEGORY_OF_KIND[question.kind]], evidence
        )
        question.escalation_id = escalation.id
        return escalation

    def _new_escalation(
        self, question: SafetyQuestion, severity: str, categories: list[str], evidence: Any
    ) -> Escalation:
        escalation = Escalation(
            checkin_id=question.checkin_id,
            message_id=question.message_id,
            couple_id=question.couple_id,
            user_id=question.user_id,
            severity=severity,
            categories=categories,
            evidence=evidence,
            status="open",
        )
        self.session.add(escalation)
        self.session.flush()
        escalation_event(self.session, ESCALATION_OPENED, escalation)
        return escalation

    def _escalation_of(self, question: SafetyQuestion) -> Escalation | None:
        if question.checkin_id is not None:
            where = Escalation.checkin_id == question.checkin_id
        else:
            where = Escalation.message_id == question.message_id
        return self.session.scalar(select(Escalation).where(where).with_for_update())

    def _tip_of(self, question: SafetyQuestion) -> Tip | None:
        if question.checkin_id is None:
            return None
        return self.session.get(Tip, question.checkin_id)

    def _safety_response(self, question: SafetyQuestion, escalation: Escalation) -> Tip | None:
        """After a yes, the check-in's response becomes the safety response, resources first."""
        if question.checkin_id is None:
            return None
        checkin = self.session.get(CheckIn, question.checkin_id)
        tip = self.session.get(Tip, question.checkin_id)
        if checkin is None or tip is None or self.knowledge_dir is None:
            return tip
        outcome = safety_response(
            self.knowledge_dir / "resources",
            locale=question.locale,
            severity=RiskLevel(escalation.severity),
            categories=list(escalation.categories),
            checkin=checkin,
        )
        composed = outcome.tip
        tip.kind, tip.title, tip.citations = composed.kind, composed.title, composed.citations
        tip.body = {**composed.body, "safety_question_id": str(question.id)}
        tip.backend, tip.prompt_version = composed.backend, composed.prompt_version
        for attempt in outcome.attempts:
            self.session.add(Generation(checkin_id=checkin.id, **attempt.__dict__))
        return tip

    # ------------------------------------------------------------------ time

    def expire_unanswered(self, now: datetime | None = None) -> int:
        """Questions left open past the answer window go to the coach lane; how many."""
        now = now or datetime.now(UTC)
        stale = list(
            self.session.scalars(
                select(SafetyQuestion)
                .where(
                    SafetyQuestion.status == "open",
                    SafetyQuestion.asked_at < now - self.answer_window,
                )
                .with_for_update(skip_locked=True)
            )
        )
        for question in stale:
            question.status = "expired"
            self._coach_lane(question)
        if stale:
            log.info("unanswered safety questions sent to the coach lane", count=len(stale))
        return len(stale)


def ask_request(result: ClassificationResult) -> AskRequest:
    """What a reading that calls for a question asks about."""
    if result.ask_kind is None:
        raise ValueError("the reading does not call for a question")
    return AskRequest(
        kind=result.ask_kind,
        reason=result.ask_row or "A6",
        risk_score=result.risk_score,
        danger_now=result.danger_now,
        rules_found=result.rules_found_kind,
    )


def _new_signal(request: AskRequest, last_no: SafetyQuestion) -> bool:
    if request.rules_found or request.danger_now:
        return True
    if request.risk_score is None or last_no.risk_score is None:
        return False
    return request.risk_score >= last_no.risk_score + NEW_SIGNAL_MARGIN


def safety_response(
    resources_dir: Path,
    *,
    locale: str,
    severity: RiskLevel,
    categories: list[str],
    checkin: CheckIn | None = None,
) -> TipOutcome:
    """The guarded safety response for a partner who said yes (no model: resources first)."""
    resources = resources_for(resources_dir, locale)
    plan = plan_for(severity, categories)
    tip_input = TipInput(
        checkin_id=str(checkin.id) if checkin else "chat",
        mood=checkin.mood if checkin else None,
        connection=checkin.connection if checkin else None,
        risk_level=severity,
        risk_categories=categories,
        patterns=[],
        burnout_signals=[],
        cards=[],
        resources=resources,
    )
    guard = GuardContext(
        risk_level=severity,
        risk_categories=tuple(categories),
        own_text=checkin.text if checkin else "",
        allowed_text="",
        resource_names=resource_names(resources),
    )
    return produce_tip(tip_input, plan, guard, checkin_text=checkin.text if checkin else "",
                       writer=None)  # fmt: skip


def individual_plan(plan: ResponsePlan) -> ResponsePlan:
    """The plan while a home- or child-safety question is open: nothing joint (the composer
    keeps only steps for the writer alone and the guard rejects joint wording), kept private.
    Cards are not filtered by partner-danger contraindications: the danger is a question,
    not a finding; a "yes" turns the response into the safety response at once."""
    return replace(plan, joint_exercises=False, private=True)


def resources_for_kind(resources: LocaleResources, kind: str) -> list[dict[str, Any]]:
    """The contacts listed quietly below a question: crisis lines for self-harm, domestic
    violence services first for home and child safety."""
    if kind == "self_harm":
        chosen = [*resources.crisis]
    else:
        chosen = [*resources.domestic_violence, *resources.crisis]
    return [r.as_dict() for r in chosen]


def question_view(question: SafetyQuestion, resources: LocaleResources) -> dict[str, Any]:
    """The ``safety_question`` object a tip or chat reply carries."""
    return {
        "id": str(question.id),
        "kind": question.kind,
        "text": question_text(question.kind, question.locale),
        "answers": list(ANSWERS),
        "answer_labels": answer_labels(question.locale),
        "privacy_note": privacy_note(question.locale),
        "resources": resources_for_kind(resources, question.kind),
        "locale_resources": resources.code,
        "status": question.status,
        "answer": question.answer,
        "links": {"answer": f"/v1/safety-questions/{question.id}/answer"},
    }


def expire_questions(session: Session, *, answer_hours: float) -> int:
    return SafetyQuestions(session, answer_hours=answer_hours).expire_unanswered()


__all__ = [
    "LANE_UNANSWERED",
    "AnswerOutcome",
    "AskRequest",
    "AskingConfig",
    "SafetyQuestions",
    "ask_request",
    "expire_questions",
    "individual_plan",
    "question_view",
    "safety_response",
]
