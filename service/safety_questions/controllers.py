"""HTTP endpoint for answering a safety question (the rules live in service.py)."""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Annotated, Any, Literal

from litestar import Controller, post
from litestar.di import NamedDependency
from litestar.params import Body, FromPath
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy.orm import Session

from service.api.auth import Call
from service.api.openapi import problems
from service.checkins.service import tip_view
from service.coaching.resources import resources_for
from service.persistence.models import User
from service.safety_questions.service import MAX_NOTE, AskingConfig, question_view


class AnswerBody(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    answer: Literal["yes", "no", "prefer_not"]
    # Optional words of the partner's own ("I have a plan for tonight"): read by the safety
    # rules for the escalation's severity, stored encrypted, never logged.
    note: str | None = Field(default=None, max_length=MAX_NOTE)


class SafetyQuestionView(BaseModel):
    """The ``safety_question`` object a tip or chat reply carries."""

    id: str
    kind: Literal["self_harm", "safety_at_home", "child_safety"]
    text: str = Field(description="The question, in the partner's language (en/de/fr/es).")
    answers: list[Literal["yes", "no", "prefer_not"]]
    answer_labels: dict[str, str]
    privacy_note: str
    resources: list[dict[str, Any]] = Field(description="The locale's contacts, listed quietly.")
    locale_resources: str
    status: Literal["open", "answered", "expired"]
    answer: Literal["yes", "no", "prefer_not"] | None
    links: dict[str, str]


class AnswerResponse(BaseModel):
    question: SafetyQuestionView
    escalated: bool = Field(description="A coach was alerted (yes).")
    escalation_severity: Literal["elevated", "urgent"] | None
    message: str | None = Field(description="What the partner reads back after no/prefer_not.")
    response: dict[str, Any] | None = Field(
        description="The check-in's response after the answer (the safety response after yes)."
    )


def knowledge_dir(asking: AskingConfig) -> Path:
    if asking.knowledge_dir is None:
        raise RuntimeError("the API's AskingConfig needs the knowledge directory")
    return asking.knowledge_dir


class SafetyQuestionController(Controller):
    path = "/v1/safety-questions"
    tags = ["safety questions"]  # noqa: RUF012

    @post(
        "/{question_id:uuid}/answer",
        status_code=200,
        opt=problems({409: "The question has already been answered."}),
    )
    async def answer(
        self,
        question_id: FromPath[uuid.UUID],
        data: Annotated[AnswerBody, Body()],
        call: NamedDependency[Call],
        asking: NamedDependency[AskingConfig],
    ) -> AnswerResponse:
        """Answer a safety question you were asked (yes: a coach is alerted at once and the
        response becomes the safety response; no: noted, nothing else happens; prefer_not:
        your coach sees that a question is open). Anyone else's question: 404."""

        def record(session: Session, user: User) -> AnswerResponse:
            outcome = asking.service(session).answer(user, question_id, data.answer, data.note)
            q = outcome.question
            resources = resources_for(knowledge_dir(asking) / "resources", q.locale)
            esc = outcome.escalation
            severity = esc.severity if esc is not None else None
            escalated = severity in ("elevated", "urgent")
            return AnswerResponse.model_validate(
                {
                    "question": question_view(q, resources),
                    "escalated": escalated,
                    "escalation_severity": severity if escalated else None,
                    "message": outcome.message or None,
                    "response": tip_view(outcome.tip) if outcome.tip is not None else None,
                }
            )

        return await call.run(record)
