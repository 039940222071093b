"""Producing the partner-facing response: model or offline composer, always through the guard.

With a model configured: write, guard, and on a guard failure (or malformed output) write once
more; if that fails too, or the endpoint is unavailable, fall back to the offline composer.
Every attempt and its verdict is returned for storage. Urgent risk never reaches a model.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

import structlog

from service.coaching.composer import BACKEND as OFFLINE
from service.coaching.composer import PROMPT_VERSION as OFFLINE_VERSION
from service.coaching.composer import ComposedTip, TipInput, compose, resource_block
from service.coaching.guard import GuardContext, Output, Verdict, check
from service.coaching.llm_writer import LLMTipWriter, Written
from service.coaching.policy import ResponseMode, ResponsePlan
from service.lib import metrics
from service.lib.llm import LLMError, LLMOutputError

log = structlog.get_logger(__name__)
MAX_MODEL_ATTEMPTS = 2  # the first answer and one regeneration


@dataclass(frozen=True)
class Attempt:
    """One generation attempt, as stored in ``generations``."""

    purpose: str
    attempt: int
    backend: str
    prompt_version: str
    outcome: str  # accepted | rejected | error
    verdict: dict[str, Any]
    model: str | None = None
    prompt_tokens: int = 0
    completion_tokens: int = 0
    latency_ms: int = 0


@dataclass(frozen=True)
class TipOutcome:
    tip: ComposedTip
    attempts: list[Attempt] = field(default_factory=list)


def guard_view(tip: ComposedTip) -> Output:
    """The composed tip flattened into what the guard reads."""
    body = tip.body
    texts = [
        str(body[k])
        for k in ("why", "tonight", "question", "partner_view", "message", "check_in_question")
        if body.get(k)
    ]
    names = [str(r.get("name", "")) for r in body.get("resources", [])]
    return Output(
        kind=tip.kind,
        title=tip.title,
        texts=texts,
        steps=[str(s) for s in body.get("steps", [])],
        citations=tip.citations,
        extra={"resource_names": names},
    )


def produce_tip(
    tip: TipInput,
    plan: ResponsePlan,
    guard: GuardContext,
    *,
    checkin_text: str,
    writer: LLMTipWriter | None,
) -> TipOutcome:
    """The response to store for one check-in, with every attempt's verdict."""
    purpose = (
        "tip" if plan.mode in (ResponseMode.COACHING, ResponseMode.COACHING_WITH_CARE) else "safety"
    )
    attempts: list[Attempt] = []
    if writer is not None and plan.generate:
        for number in range(1, MAX_MODEL_ATTEMPTS + 1):
            started = time.perf_counter()
            try:
                if plan.mode == ResponseMode.SAFETY:
                    written = writer.elevated(tip, checkin_text=checkin_text)
                else:
                    written = writer.coaching(tip, checkin_text=checkin_text)
            except LLMError as exc:
                ref = (
                    writer.escalation_prompt
                    if plan.mode == ResponseMode.SAFETY
                    else writer.tip_prompt
                ).ref
                attempts.append(_error(purpose, number, writer.gateway.model, ref, exc, started))
                if isinstance(exc, LLMOutputError):
                    continue  # a malformed answer may come out right the second time
                break  # unavailable: the gateway already retried; fall back now
            verdict = check(guard_view(written.tip), guard)
            attempts.append(_written(purpose, number, written, verdict))
            if verdict.passed:
                return TipOutcome(written.tip, attempts)
            log.warning("guard rejected model output", attempt=number, rules=verdict.rules_failed())
    if attempts:  # the model was asked and its answers could not be used
        metrics.model_fallback(purpose, attempts[-1].outcome)
    number = len(attempts) + 1
    composed = compose(tip)
    verdict = check(guard_view(composed), guard)
    attempts.append(_offline(purpose, number, composed, verdict))
    if verdict.passed:
        return TipOutcome(composed, attempts)
    # Should never happen (the evals hold the composer to the guard); show the plainest answer.
    log.error("guard rejected the offline composer", rules=verdict.rules_failed())
    fallback = last_resort(tip, plan)
    attempts.append(_offline(purpose, number + 1, fallback, check(guard_view(fallback), guard)))
    return TipOutcome(fallback, attempts)


def last_resort(tip: TipInput, plan: ResponsePlan) -> ComposedTip:
    """A fixed answer with nothing in it that could break a rule."""
    if plan.escalate:
        title, body = resource_block(tip)
        return ComposedTip("safety", title, body, [], notes=["last resort"])
    body = {
        "why": "Thanks for checking in.",
        "steps": [
            "Take a few minutes today to notice one thing that went well between you.",
            "Say thank you for one small thing, out loud.",
        ],
    }
    return ComposedTip("fallback", "One small step", body, [], notes=["last resort"])


def _written(purpose: str, number: int, written: Written, verdict: Verdict) -> Attempt:
    r = written.result
    return Attempt(
        purpose=purpose,
        attempt=number,
        backend=written.tip.backend,
        prompt_version=written.tip.prompt_version,
        outcome="accepted" if verdict.passed else "rejected",
        verdict=verdict.as_dict(),
        model=r.model,
        prompt_tokens=r.prompt_tokens,
        completion_tokens=r.completion_tokens,
        latency_ms=r.latency_ms,
    )


def _error(
    purpose: str, number: int, model: str, ref: str, exc: LLMError, started: float
) -> Attempt:
    return Attempt(
        purpose=purpose,
        attempt=number,
        backend="llm",
        prompt_version=ref,
        outcome="error",
        verdict={"passed": False, "violations": [], "error": str(exc)[:300]},
        model=model,
        latency_ms=round((time.perf_counter() - started) * 1000),
    )


def _offline(purpose: str, number: int, composed: ComposedTip, verdict: Verdict) -> Attempt:
    return Attempt(
        purpose=purpose,
        attempt=number,
        backend=OFFLINE,
        prompt_version=OFFLINE_VERSION,
        outcome="accepted" if verdict.passed else "rejected",
        verdict=verdict.as_dict(),
    )
