"""The one gateway to chat models: any OpenAI-compatible endpoint through the official client.

Structured outputs (JSON schema), streaming, token accounting, and our own retries with
backoff and a circuit breaker. Retries live here rather than in the client so that each one
is logged, counted in ``attempts`` and testable. Message content is never logged: only sizes,
latency, token counts and error classes.
"""

from __future__ import annotations

import json
import random
import threading
import time
from collections.abc import Callable, Generator, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal, TypeVar, cast

import openai
import structlog
from openai.types.chat import ChatCompletion, ChatCompletionChunk, ChatCompletionMessageParam

from service.lib import metrics

log = structlog.get_logger(__name__)

T = TypeVar("T")
Messages = Sequence[Mapping[str, str]]

# HTTP statuses worth another try: timeouts, lock conflicts, rate limits, server trouble.
_RETRYABLE_STATUS = frozenset({408, 409, 429})


class LLMError(Exception):
    """Base class of gateway errors; callers fail closed on any of them."""


class LLMUnavailableError(LLMError):
    """The endpoint could not answer: timeouts, connection errors, retries exhausted, breaker open."""


class LLMOutputError(LLMError):
    """The endpoint answered, but not with what was asked (malformed JSON, wrong shape, refusal)."""


STREAM_PURPOSE = "chat"  # the metrics' purpose of streamed answers (only chat streams)


def outcome_of(exc: LLMError) -> str:
    """A failed call's outcome label: down, answered wrongly, or refused the request."""
    if isinstance(exc, LLMUnavailableError):
        return "unavailable"
    if isinstance(exc, LLMOutputError):
        return "bad_output"
    return "refused"


@dataclass(frozen=True)
class LLMResult:
    """A parsed structured answer and what it cost."""

    data: dict[str, Any]
    model: str
    prompt_tokens: int
    completion_tokens: int
    latency_ms: int
    attempts: int


BreakerState = Literal["closed", "open", "half_open"]


class CircuitBreaker:
    """Opens after ``threshold`` consecutive failures; after ``cooldown`` one probe call may pass.

    While open, calls fail at once instead of piling up on an endpoint that is down.
    """

    def __init__(
        self, threshold: int, cooldown: float, *, clock: Callable[[], float] = time.monotonic
    ) -> None:
        if threshold < 1:
            raise ValueError("breaker threshold must be at least 1")
        self._threshold = threshold
        self._cooldown = cooldown
        self._clock = clock
        self._lock = threading.Lock()
        self._failures = 0
        self._opened_at: float | None = None
        self._probing = False

    @property
    def state(self) -> BreakerState:
        with self._lock:
            if self._opened_at is None:
                return "closed"
            if self._probing or self._clock() - self._opened_at >= self._cooldown:
                return "half_open"
            return "open"

    def allow(self) -> None:
        """Let a call through or raise ``LLMUnavailableError`` while open."""
        with self._lock:
            if self._opened_at is None:
                return
            remaining = self._cooldown - (self._clock() - self._opened_at)
            if remaining > 0 or self._probing:
                raise LLMUnavailableError(
                    f"LLM circuit breaker open (retry in {max(remaining, 0.0):.1f}s)"
                )
            self._probing = True  # this caller is the single probe after the cooldown

    def success(self) -> None:
        with self._lock:
            if self._opened_at is not None:
                log.info("llm.breaker_closed")
            self._failures, self._opened_at, self._probing = 0, None, False

    def failure(self) -> None:
        with self._lock:
            self._failures += 1
            if self._probing or self._failures >= self._threshold:
                if self._opened_at is None or self._probing:
                    log.warning("llm.breaker_open", failures=self._failures)
                self._opened_at = self._clock()
            self._probing = False

    def abandon(self) -> None:
        """A call ended without telling anything about the endpoint (e.g. interrupted)."""
        with self._lock:
            self._probing = False


class LLMGateway:
    """Chat completions against one OpenAI-compatible endpoint and model."""

    def __init__(
        self,
        base_url: str,
        model: str,
        api_key: str | None,
        *,
        timeout: float = 20.0,
        max_retries: int = 2,
        breaker_threshold: int = 5,
        breaker_cooldown: float = 30.0,
        backoff_base: float = 0.5,
        backoff_max: float = 8.0,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
        rng: random.Random | None = None,
    ) -> None:
        if max_retries < 0:
            raise ValueError("max_retries must be >= 0")
        self.model = model
        self.max_retries = max_retries
        self.breaker = CircuitBreaker(breaker_threshold, breaker_cooldown, clock=clock)
        self._backoff_base = backoff_base
        self._backoff_max = backoff_max
        self._sleep = sleep
        self._rng = rng or random.Random()  # noqa: S311 - jitter, not security
        # Local servers (Ollama, llama.cpp, vLLM) accept any key, but the client requires one.
        self._client = openai.OpenAI(
            base_url=base_url, api_key=api_key or "unused", timeout=timeout, max_retries=0
        )

    def close(self) -> None:
        self._client.close()

    def complete_json(
        self,
        messages: Messages,
        schema_name: str,
        schema: dict[str, Any],
        *,
        temperature: float | None = 0.0,
    ) -> LLMResult:
        """Ask for a JSON object matching ``schema`` (strict structured output) and parse it.

        Types and required fields are checked here; enum values are left to the caller, which
        knows whether an unknown value can be dropped or must fail.
        """
        started = time.perf_counter()
        try:
            result = self._complete_json(messages, schema_name, schema, temperature=temperature)
        except LLMError as exc:
            metrics.model_call(schema_name, outcome_of(exc), time.perf_counter() - started)
            raise
        metrics.model_call(
            schema_name, "ok", result.latency_ms / 1000,
            prompt_tokens=result.prompt_tokens, completion_tokens=result.completion_tokens,
        )  # fmt: skip
        return result

    def _complete_json(
        self,
        messages: Messages,
        schema_name: str,
        schema: dict[str, Any],
        *,
        temperature: float | None,
    ) -> LLMResult:
        started = time.perf_counter()

        def call() -> ChatCompletion:
            return self._client.chat.completions.create(
                model=self.model,
                messages=_message_params(messages),
                response_format={
                    "type": "json_schema",
                    "json_schema": {"name": schema_name, "schema": schema, "strict": True},
                },
                temperature=openai.omit if temperature is None else temperature,
            )

        completion, attempts = self._with_retries(call, operation="complete_json")
        latency_ms = round((time.perf_counter() - started) * 1000)
        content = _content_of(completion)
        try:
            data = json.loads(content)
        except json.JSONDecodeError as exc:
            raise LLMOutputError(f"model output is not JSON ({exc.msg} at {exc.pos})") from None
        problems = shape_errors(data, schema)
        if problems:
            raise LLMOutputError(f"model output does not match {schema_name}: {problems[:3]}")
        usage = completion.usage
        result = LLMResult(
            data=cast(dict[str, Any], data),
            model=completion.model or self.model,
            prompt_tokens=usage.prompt_tokens if usage else 0,
            completion_tokens=usage.completion_tokens if usage else 0,
            latency_ms=latency_ms,
            attempts=attempts,
        )
        log.info(
            "llm.complete",
            schema=schema_name,
            model=result.model,
            attempts=attempts,
            latency_ms=latency_ms,
            prompt_tokens=result.prompt_tokens,
            completion_tokens=result.completion_tokens,
            request_chars=sum(len(m.get("content", "")) for m in messages),
            response_chars=len(content),
        )
        return result

    def stream_text(self, messages: Messages, *, temperature: float | None = None) -> TextStream:
        """Stream the answer's content deltas; nothing is sent until the stream is iterated.

        Connection failures before the first byte are retried; failures mid-stream are not
        (the caller already showed part of the answer) and raise ``LLMUnavailableError``.
        """
        return TextStream(self, messages, temperature)

    def _with_retries(self, call: Callable[[], T], *, operation: str) -> tuple[T, int]:
        """Run ``call`` under the breaker, retrying transient failures with backoff and jitter."""
        self.breaker.allow()
        attempt = 0
        verdict: Literal["success", "failure", "none"] = "none"
        try:
            while True:
                attempt += 1
                try:
                    value = call()
                except openai.APIStatusError as exc:
                    if not _retryable_status(exc.status_code):
                        verdict = "success"  # the endpoint is up; the request is wrong
                        raise LLMError(
                            f"LLM endpoint refused the request (HTTP {exc.status_code})"
                        ) from exc
                    reason, retry_after = f"http_{exc.status_code}", _retry_after(exc)
                except openai.APIConnectionError as exc:  # includes APITimeoutError
                    reason, retry_after = type(exc).__name__, None
                except (json.JSONDecodeError, openai.APIResponseValidationError) as exc:
                    verdict = "failure"  # 200 with a body that is not a completion: broken proxy
                    raise LLMOutputError("LLM endpoint sent a response that is not JSON") from exc
                else:
                    verdict = "success"
                    return value, attempt
                if attempt > self.max_retries:
                    verdict = "failure"
                    log.warning(
                        "llm.unavailable", operation=operation, attempts=attempt, reason=reason
                    )
                    raise LLMUnavailableError(
                        f"LLM endpoint unavailable after {attempt} attempts ({reason})"
                    )
                delay = self._backoff(attempt, retry_after)
                log.warning(
                    "llm.retry",
                    operation=operation,
                    attempt=attempt,
                    reason=reason,
                    delay_s=round(delay, 3),
                )
                self._sleep(delay)
        finally:
            {"success": self.breaker.success, "failure": self.breaker.failure}.get(
                verdict, self.breaker.abandon
            )()

    def _backoff(self, attempt: int, retry_after: float | None) -> float:
        ceiling = min(self._backoff_max, self._backoff_base * 2.0 ** (attempt - 1))
        delay = ceiling / 2 + self._rng.uniform(0, ceiling / 2)  # "equal jitter"
        if retry_after is not None:
            delay = max(delay, min(retry_after, self._backoff_max))
        return delay


class TextStream(Iterator[str]):
    """Content deltas of one streamed answer; usage and timing are filled in as it ends."""

    def __init__(self, gateway: LLMGateway, messages: Messages, temperature: float | None):
        self._gateway = gateway
        self._messages = messages
        self._temperature = temperature
        self._gen = self._run()
        self.model = gateway.model
        self.prompt_tokens = 0
        self.completion_tokens = 0
        self.attempts = 0
        self.first_delta_ms: int | None = None
        self.latency_ms: int | None = None

    def __iter__(self) -> TextStream:
        return self

    def __next__(self) -> str:
        return next(self._gen)

    def close(self) -> None:
        self._gen.close()

    def _run(self) -> Generator[str, None, None]:
        started = time.perf_counter()
        try:
            yield from self._stream(started)
        except LLMError as exc:
            metrics.model_call(STREAM_PURPOSE, outcome_of(exc), time.perf_counter() - started)
            raise
        metrics.model_call(
            STREAM_PURPOSE, "ok", time.perf_counter() - started,
            prompt_tokens=self.prompt_tokens, completion_tokens=self.completion_tokens,
        )  # fmt: skip

    def _stream(self, started: float) -> Generator[str, None, None]:
        gw = self._gateway

        def call() -> openai.Stream[ChatCompletionChunk]:
            return gw._client.chat.completions.create(
                model=gw.model,
                messages=_message_params(self._messages),
                stream=True,
                stream_options={"include_usage": True},
                temperature=openai.omit if self._temperature is None else self._temperature,
            )

        stream, self.attempts = gw._with_retries(call, operation="stream_text")
        chars = 0
        try:
            for chunk in stream:
                self.model = chunk.model or self.model
                if chunk.usage is not None:
                    self.prompt_tokens = chunk.usage.prompt_tokens
                    self.completion_tokens = chunk.usage.completion_tokens
                for choice in chunk.choices:
                    delta = choice.delta.content
                    if delta:
                        if self.first_delta_ms is None:
                            self.first_delta_ms = round((time.perf_counter() - started) * 1000)
                        chars += len(delta)
                        yield delta
        except openai.APIError as exc:  # read timeouts, dropped connections, error events
            gw.breaker.failure()
            raise LLMUnavailableError(f"LLM stream broke off ({type(exc).__name__})") from exc
        finally:
            stream.close()
        self.latency_ms = round((time.perf_counter() - started) * 1000)
        log.info(
            "llm.stream",
            model=self.model,
            attempts=self.attempts,
            first_delta_ms=self.first_delta_ms,
            latency_ms=self.latency_ms,
            prompt_tokens=self.prompt_tokens,
            completion_tokens=self.completion_tokens,
            response_chars=chars,
        )


def shape_errors(value: Any, schema: Mapping[str, Any], path: str = "$") -> list[str]:
    """Where ``value`` breaks the types/required fields of ``schema`` (paths only, never values)."""
    if "anyOf" in schema:
        branches = [shape_errors(value, s, path) for s in schema["anyOf"]]
        return [] if any(not b for b in branches) else [f"{path}: matches no anyOf branch"]
    expected = schema.get("type")
    if expected is not None:
        allowed = expected if isinstance(expected, list) else [expected]
        if not any(_is_type(value, t) for t in allowed):
            return [f"{path}: expected {'|'.join(allowed)}, got {_json_type(value)}"]
    errors: list[str] = []
    if isinstance(value, dict):
        props: Mapping[str, Any] = schema.get("properties", {})
        errors += [f"{path}.{k}: missing" for k in schema.get("required", []) if k not in value]
        for key, sub in props.items():
            if key in value:
                errors += shape_errors(value[key], sub, f"{path}.{key}")
    elif isinstance(value, list) and isinstance(schema.get("items"), Mapping):
        for i, item in enumerate(value):
            errors += shape_errors(item, schema["items"], f"{path}[{i}]")
    return errors


_JSON_TYPES: dict[str, Callable[[Any], bool]] = {
    "object": lambda v: isinstance(v, dict),
    "array": lambda v: isinstance(v, list),
    "string": lambda v: isinstance(v, str),
    "integer": lambda v: isinstance(v, int) and not isinstance(v, bool),
    "number": lambda v: isinstance(v, int | float) and not isinstance(v, bool),
    "boolean": lambda v: isinstance(v, bool),
    "null": lambda v: v is None,
}


def _is_type(value: Any, name: str) -> bool:
    check = _JSON_TYPES.get(name)
    return check(value) if check else True


def _json_type(value: Any) -> str:
    return next((n for n, check in _JSON_TYPES.items() if check(value)), type(value).__name__)


def _message_params(messages: Messages) -> list[ChatCompletionMessageParam]:
    return [cast(ChatCompletionMessageParam, dict(m)) for m in messages]


def _content_of(completion: ChatCompletion) -> str:
    if not completion.choices:
        raise LLMOutputError("model returned no choices")
    choice = completion.choices[0]
    if choice.message.refusal:
        raise LLMOutputError("model refused to answer")
    if choice.finish_reason == "length":
        raise LLMOutputError("model output was cut off (finish_reason=length)")
    if not choice.message.content:
        raise LLMOutputError("model returned empty content")
    return choice.message.content


def _retryable_status(status: int) -> bool:
    return status in _RETRYABLE_STATUS or status >= 500


def _retry_after(exc: openai.APIStatusError) -> float | None:
    raw = exc.response.headers.get("retry-after")
    try:
        return max(0.0, float(raw)) if raw is not None else None
    except ValueError:
        return None  # an HTTP date; our own backoff is good enough
