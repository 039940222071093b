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
from service.lib.llm_budget import TokenBudget
from service.lib.llm_json import (
    JSON_MODES,
    JsonMode,
    keys_hint,
    parse_object,
    rejects_format,
    request_fault,
    response_format,
)
from service.lib.llm_json import shape_errors as shape_errors
from service.lib.llm_stats import CallLog, ModelCall

log = structlog.get_logger(__name__)

T = TypeVar("T")
Messages = Sequence[Mapping[str, str]]

TokenParam = Literal["max_tokens", "max_completion_tokens"]
_MAX_TOKENS: TokenParam = "max_tokens"
_MAX_COMPLETION_TOKENS: TokenParam = "max_completion_tokens"

# HTTP statuses worth another try: timeouts, lock conflicts, rate limits, server trouble.
_RETRYABLE_STATUS = frozenset({408, 409, 429})


class LLMError(Exception):
    """Base class of gateway errors; callers fail closed on any of them."""


class LLMUnavailableError(LLMError):
    """The endpoint could not answer: timeouts, connection errors, retries exhausted, breaker open."""


class LLMOutputError(LLMError):
    """The endpoint answered, but not with what was asked (malformed JSON, wrong shape, refusal)."""


class LLMRequestError(LLMError):
    """The endpoint refused the request itself (HTTP 4xx other than 408/409/429)."""


class LLMPromptTooLongError(LLMError):
    """The prompt leaves no room for an answer in the model's context window (not sent)."""


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
        context_tokens: int | None = None,
        max_output_tokens: int = 1024,
        json_mode: JsonMode = "json_schema",
    ) -> None:
        if max_retries < 0:
            raise ValueError("max_retries must be >= 0")
        self.model = model
        self.max_retries = max_retries
        self.max_output_tokens = max_output_tokens
        self.budget = TokenBudget(context_tokens)
        # What this server accepts, learnt from its refusals and kept for the gateway's life.
        self.json_mode: JsonMode = json_mode
        self.stream_usage = True  # stream_options.include_usage
        self.calls: CallLog | None = None  # attach one to record every call (eval reports)
        self.token_param: TokenParam = _MAX_TOKENS
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

    def output_tokens(self, messages: Messages, wanted: int | None) -> int:
        """The answer's token budget: ``wanted`` (capped by the gateway's ceiling) or what the
        context window leaves; ``LLMPromptTooLongError`` if not even a short answer fits."""
        want = min(wanted or self.max_output_tokens, self.max_output_tokens)
        fitted = self.budget.output_tokens(messages, want)
        if fitted is None:
            log.warning("llm.prompt_too_long", estimated=self.budget.estimate(messages),
                        context=self.budget.context_tokens)  # fmt: skip
            raise LLMPromptTooLongError(
                f"prompt of ~{self.budget.estimate(messages)} tokens leaves no room for an "
                f"answer in a {self.budget.context_tokens}-token context"
            )
        return fitted

    def prompt_chars(self, output_tokens: int, n_messages: int = 2) -> int | None:
        """Characters of prompt that fit beside ``output_tokens`` (None: no known limit)."""
        return self.budget.prompt_chars(min(output_tokens, self.max_output_tokens), n_messages)

    def complete_json(
        self,
        messages: Messages,
        schema_name: str,
        schema: dict[str, Any],
        *,
        temperature: float | None = 0.0,
        max_tokens: int | None = None,
    ) -> LLMResult:
        """Ask for a JSON object matching ``schema`` (strict structured output) and parse it.

        Types and required fields are checked here; enum values are left to the caller, which
        knows whether an unknown value can be dropped or must fail. A server without
        ``json_schema`` is asked with the next mode it accepts (``llm_json.JSON_MODES``).
        """
        started = time.perf_counter()
        try:
            result = self._complete_json(
                messages, schema_name, schema, temperature=temperature, max_tokens=max_tokens
            )
        except LLMError as exc:
            self._account(ModelCall(schema_name, outcome_of(exc), time.perf_counter() - started,
                                    json_mode=self.json_mode))  # fmt: skip
            raise
        self._account(ModelCall(schema_name, "ok", result.latency_ms / 1000, result.prompt_tokens,
                                result.completion_tokens, json_mode=self.json_mode))  # fmt: skip
        return result

    def _account(self, call: ModelCall) -> None:
        metrics.model_call(call.purpose, call.outcome, call.seconds,
                           prompt_tokens=call.prompt_tokens,
                           completion_tokens=call.completion_tokens)  # fmt: skip
        if self.calls is not None:
            self.calls.record(call)

    def _complete_json(
        self,
        messages: Messages,
        schema_name: str,
        schema: dict[str, Any],
        *,
        temperature: float | None,
        max_tokens: int | None,
    ) -> LLMResult:
        started = time.perf_counter()
        while True:
            mode, token_param = self.json_mode, self.token_param
            sent = _with_hint(messages, schema) if mode in ("json_object", "prompt") else messages
            limit = self.output_tokens(sent, max_tokens)
            fmt = response_format(mode, schema_name, schema)
            options: dict[str, Any] = {token_param: limit}
            if fmt is not None:
                options["response_format"] = fmt

            def call(sent: Messages = sent, options: dict[str, Any] = options) -> ChatCompletion:
                completion = self._client.chat.completions.create(
                    model=self.model,
                    messages=_message_params(sent),
                    temperature=openai.omit if temperature is None else temperature,
                    **options,
                )
                return cast(ChatCompletion, completion)

            try:
                completion, attempts = self._with_retries(call, operation="complete_json")
                break
            except LLMRequestError as exc:
                if not self._adapt(exc.__cause__, mode=mode, token_param=token_param):
                    raise
        latency_ms = round((time.perf_counter() - started) * 1000)
        content = _content_of(completion)
        try:
            data = parse_object(content)
        except ValueError as exc:
            raise LLMOutputError(f"model output is {exc}") from None
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
        self.budget.observe(sent, result.prompt_tokens)
        log.info(
            "llm.complete",
            schema=schema_name,
            model=result.model,
            json_mode=mode,
            attempts=attempts,
            latency_ms=latency_ms,
            prompt_tokens=result.prompt_tokens,
            completion_tokens=result.completion_tokens,
            max_tokens=limit,
            request_chars=sum(len(m.get("content", "")) for m in sent),
            response_chars=len(content),
        )
        return result

    def _adapt(
        self,
        cause: BaseException | None,
        *,
        mode: JsonMode | None = None,
        token_param: str | None = None,
        stream_usage: bool | None = None,
    ) -> bool:
        """Step past a request feature the server refused; False if there is nothing to drop.

        Only the feature named in the refusal is dropped, and only once per gateway: a
        400 for any other reason (a prompt the server finds too long) is not retried.
        """
        # OpenAI's reasoning models: "Use 'max_completion_tokens' instead".
        if token_param == _MAX_TOKENS and rejects_format(cause, _MAX_COMPLETION_TOKENS):
            self.token_param = _MAX_COMPLETION_TOKENS
            log.warning("llm.server_adapted", feature=_MAX_COMPLETION_TOKENS)
            return True
        if stream_usage and rejects_format(cause, "stream_options", "include_usage"):
            self.stream_usage = False
            log.warning("llm.server_adapted", feature="stream_without_usage")
            return True
        if (
            mode is not None
            and mode != JSON_MODES[-1]
            and rejects_format(cause, "response_format", "json_schema", "json_object")
        ):
            self.json_mode = JSON_MODES[JSON_MODES.index(mode) + 1]
            log.warning("llm.server_adapted", feature="json_mode", json_mode=self.json_mode)
            return True
        return False

    def stream_text(
        self,
        messages: Messages,
        *,
        temperature: float | None = None,
        max_tokens: int | None = None,
    ) -> TextStream:
        """Stream the answer's content deltas; nothing is sent until the stream is iterated.

        Connection failures before the first byte are retried; failures mid-stream are not
        (the caller already showed part of the answer) and raise ``LLMUnavailableError``.
        """
        return TextStream(self, messages, temperature, max_tokens)

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
                    if not _retryable_status(exc.status_code) or request_fault(exc):
                        verdict = "success"  # the endpoint is up; the request is wrong
                        raise LLMRequestError(
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
    """Content deltas of one streamed answer; usage and timing are filled in as it ends.

    Servers stream differently: a role-only first chunk, chunks without ``choices`` or without
    ``delta``, a usage-only last chunk, or no usage at all (llama-cpp-python). Without reported
    usage the counts are estimated (``usage_estimated``): the prompt from its length, the
    answer as one token per content chunk.
    """

    def __init__(
        self,
        gateway: LLMGateway,
        messages: Messages,
        temperature: float | None,
        max_tokens: int | None = None,
    ):
        self._gateway = gateway
        self._messages = messages
        self._temperature = temperature
        self._max_tokens = max_tokens
        self._gen = self._run()
        self.model = gateway.model
        self.prompt_tokens = 0
        self.completion_tokens = 0
        self.usage_estimated = False
        self.closed_early = False
        self.finish_reason: str | None = None
        self._chars = self._deltas = 0
        self._reported = False
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
            elapsed = time.perf_counter() - started
            self._gateway._account(ModelCall(STREAM_PURPOSE, outcome_of(exc), elapsed))
            raise
        except GeneratorExit:  # the caller stopped reading (the guard stopped the answer):
            self.closed_early = True  # the server did answer, and its tokens were spent
            self._gateway._account(ModelCall(
                STREAM_PURPOSE, "ok", time.perf_counter() - started, self.prompt_tokens,
                self.completion_tokens, usage_estimated=self.usage_estimated,
            ))  # fmt: skip
            raise
        self._gateway._account(ModelCall(
            STREAM_PURPOSE, "ok", time.perf_counter() - started, self.prompt_tokens,
            self.completion_tokens, usage_estimated=self.usage_estimated,
        ))  # fmt: skip

    def _open(self) -> openai.Stream[ChatCompletionChunk]:
        gw = self._gateway
        limit = gw.output_tokens(self._messages, self._max_tokens)
        while True:
            usage, token_param = gw.stream_usage, gw.token_param
            options: dict[str, Any] = {token_param: limit}
            if usage:
                options["stream_options"] = {"include_usage": True}

            def call(options: dict[str, Any] = options) -> openai.Stream[ChatCompletionChunk]:
                stream = gw._client.chat.completions.create(
                    model=gw.model,
                    messages=_message_params(self._messages),
                    stream=True,
                    temperature=openai.omit if self._temperature is None else self._temperature,
                    **options,
                )
                return cast(openai.Stream[ChatCompletionChunk], stream)

            try:
                stream, self.attempts = gw._with_retries(call, operation="stream_text")
                return stream
            except LLMRequestError as exc:
                if not gw._adapt(exc.__cause__, token_param=token_param, stream_usage=usage):
                    raise

    def _stream(self, started: float) -> Generator[str, None, None]:
        gw = self._gateway
        stream = self._open()
        self._chars = self._deltas = 0
        self._reported = False
        try:
            for chunk in stream:
                self.model = getattr(chunk, "model", None) or self.model
                usage = getattr(chunk, "usage", None)
                if usage is not None:
                    self._reported = True
                    self.prompt_tokens = getattr(usage, "prompt_tokens", 0) or 0
                    self.completion_tokens = getattr(usage, "completion_tokens", 0) or 0
                for choice in getattr(chunk, "choices", None) or ():
                    if (getattr(choice, "index", 0) or 0) != 0:
                        continue  # only the first answer is ours
                    self.finish_reason = getattr(choice, "finish_reason", None) or (
                        self.finish_reason
                    )
                    delta = getattr(getattr(choice, "delta", None), "content", None)
                    if delta:
                        if self.first_delta_ms is None:
                            self.first_delta_ms = round((time.perf_counter() - started) * 1000)
                        self._chars += len(delta)
                        self._deltas += 1
                        yield delta
        except openai.APIError as exc:  # read timeouts, dropped connections, error events
            gw.breaker.failure()
            raise LLMUnavailableError(f"LLM stream broke off ({type(exc).__name__})") from exc
        finally:
            stream.close()
            self._finish(started)

    def _finish(self, started: float) -> None:
        """Counts and timing, also when the caller stopped reading part-way."""
        gw = self._gateway
        if self._reported:
            gw.budget.observe(self._messages, self.prompt_tokens)
        else:
            self.usage_estimated = True
            self.prompt_tokens = gw.budget.estimate(self._messages)
            self.completion_tokens = self._deltas
        self.latency_ms = round((time.perf_counter() - started) * 1000)
        log.info(
            "llm.stream",
            model=self.model,
            attempts=self.attempts,
            first_delta_ms=self.first_delta_ms,
            latency_ms=self.latency_ms,
            prompt_tokens=self.prompt_tokens,
            completion_tokens=self.completion_tokens,
            usage_estimated=self.usage_estimated,
            finish_reason=self.finish_reason,
            response_chars=self._chars,
        )


def _with_hint(messages: Messages, schema: dict[str, Any]) -> list[dict[str, str]]:
    """The messages with the keys the answer needs added to the system message (for servers
    that do not enforce the schema)."""
    out = [dict(m) for m in messages]
    hint = keys_hint(schema)
    if out and out[0].get("role") == "system":
        out[0]["content"] = f"{out[0]['content']}\n\n{hint}"
    else:
        out.insert(0, {"role": "system", "content": hint})
    return out


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
