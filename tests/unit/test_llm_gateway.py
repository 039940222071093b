"""The LLM gateway against a real OpenAI-compatible HTTP server (scripted), so the real client runs."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from structlog.testing import capture_logs

from service.lib.llm import (
    CircuitBreaker,
    LLMError,
    LLMGateway,
    LLMOutputError,
    LLMUnavailableError,
    shape_errors,
)
from tests.support.scripted_llm import ScriptedLLM

SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        "answer": {"type": "string"},
        "score": {"type": "integer"},
        "tags": {"type": "array", "items": {"type": "string"}},
    },
    "required": ["answer", "score", "tags"],
    "additionalProperties": False,
}
MESSAGES = [
    {"role": "system", "content": "Answer in JSON."},
    {"role": "user", "content": "my private note about last night"},
]
GOOD = {"answer": "yes", "score": 3, "tags": ["a"]}


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def state(gateway: LLMGateway) -> str:
    """The breaker state, read fresh (mypy would otherwise narrow the property)."""
    return gateway.breaker.state


@pytest.fixture
def llm() -> Iterator[ScriptedLLM]:
    with ScriptedLLM(model="scripted-model") as server:
        yield server


@pytest.fixture
def sleeps() -> list[float]:
    return []


@pytest.fixture
def make_gateway(llm: ScriptedLLM, sleeps: list[float]) -> Iterator[Callable[..., LLMGateway]]:
    made: list[LLMGateway] = []

    def make(**overrides: Any) -> LLMGateway:
        options: dict[str, Any] = {
            "timeout": 0.3,
            "max_retries": 2,
            "backoff_base": 0.01,
            "sleep": sleeps.append,  # backoff is observable without waiting
        }
        options.update(overrides)
        gateway = LLMGateway(llm.base_url, "test-model", "test-key", **options)
        made.append(gateway)
        return gateway

    yield make
    for gateway in made:
        gateway.close()


def test_structured_output_is_requested_strictly_and_parsed(
    llm: ScriptedLLM, make_gateway: Callable[..., LLMGateway]
) -> None:
    llm.json(GOOD, usage=(42, 7))
    result = make_gateway().complete_json(MESSAGES, "answer_v1", SCHEMA)

    assert result.data == GOOD
    assert (result.prompt_tokens, result.completion_tokens, result.attempts) == (42, 7, 1)
    assert result.model == "test-model"
    assert result.latency_ms >= 0
    [request] = llm.requests
    assert request.path == "/v1/chat/completions"
    assert request.headers["authorization"] == "Bearer test-key"
    assert request.body["model"] == "test-model"
    assert request.body["messages"] == MESSAGES
    assert request.body["response_format"] == {
        "type": "json_schema",
        "json_schema": {"name": "answer_v1", "schema": SCHEMA, "strict": True},
    }
    assert request.body["temperature"] == 0.0


def test_rate_limit_is_retried_then_succeeds(
    llm: ScriptedLLM, make_gateway: Callable[..., LLMGateway], sleeps: list[float]
) -> None:
    llm.status(429).json(GOOD)
    result = make_gateway().complete_json(MESSAGES, "answer_v1", SCHEMA)
    assert result.data == GOOD
    assert result.attempts == 2
    assert len(llm.requests) == 2
    assert len(sleeps) == 1


def test_retry_after_header_is_honoured(
    llm: ScriptedLLM, make_gateway: Callable[..., LLMGateway], sleeps: list[float]
) -> None:
    llm.status(429, headers={"Retry-After": "0.2"}).json(GOOD)
    make_gateway().complete_json(MESSAGES, "answer_v1", SCHEMA)
    assert sleeps == [pytest.approx(0.2)]


@pytest.mark.parametrize("status", [500, 502, 503])
def test_server_errors_are_retried_then_succeed(
    llm: ScriptedLLM, make_gateway: Callable[..., LLMGateway], status: int
) -> None:
    llm.status(status).status(status).json(GOOD)
    result = make_gateway().complete_json(MESSAGES, "answer_v1", SCHEMA)
    assert result.data == GOOD
    assert result.attempts == 3


def test_backoff_grows_exponentially_with_jitter(
    llm: ScriptedLLM, make_gateway: Callable[..., LLMGateway], sleeps: list[float]
) -> None:
    llm.status(500).status(500).status(500).json(GOOD)
    make_gateway(max_retries=3, backoff_base=0.1).complete_json(MESSAGES, "answer_v1", SCHEMA)
    assert len(sleeps) == 3
    for i, delay in enumerate(sleeps):
        ceiling = 0.1 * 2**i
        assert ceiling / 2 <= delay <= ceiling


def test_backoff_really_waits_by_default(llm: ScriptedLLM) -> None:
    llm.status(503).json(GOOD)
    gateway = LLMGateway(llm.base_url, "m", None, timeout=0.5, backoff_base=0.2)
    started = time.monotonic()
    gateway.complete_json(MESSAGES, "answer_v1", SCHEMA)
    assert time.monotonic() - started >= 0.1
    gateway.close()


def test_retries_exhausted_raise_unavailable(
    llm: ScriptedLLM, make_gateway: Callable[..., LLMGateway]
) -> None:
    llm.status(500).status(500).status(500).json(GOOD)
    with pytest.raises(LLMUnavailableError, match="after 3 attempts"):
        make_gateway().complete_json(MESSAGES, "answer_v1", SCHEMA)
    assert len(llm.requests) == 3
    assert llm.pending == 1


def test_timeouts_raise_unavailable_after_retries(
    llm: ScriptedLLM, make_gateway: Callable[..., LLMGateway]
) -> None:
    for _ in range(3):
        llm.json(GOOD, delay=1.0)
    started = time.monotonic()
    with pytest.raises(LLMUnavailableError, match="APITimeoutError"):
        make_gateway(timeout=0.2).complete_json(MESSAGES, "answer_v1", SCHEMA)
    assert len(llm.requests) == 3
    assert time.monotonic() - started < 1.5


def test_connection_refused_is_unavailable(sleeps: list[float]) -> None:
    with ScriptedLLM() as server:
        url = server.base_url
    gateway = LLMGateway(url, "m", "k", timeout=0.3, max_retries=1, sleep=sleeps.append)
    with pytest.raises(LLMUnavailableError, match="APIConnectionError"):
        gateway.complete_json(MESSAGES, "answer_v1", SCHEMA)
    assert len(sleeps) == 1
    gateway.close()


def test_client_errors_are_not_retried(
    llm: ScriptedLLM, make_gateway: Callable[..., LLMGateway]
) -> None:
    llm.status(400).json(GOOD)
    with pytest.raises(LLMError, match="HTTP 400") as info:
        make_gateway().complete_json(MESSAGES, "answer_v1", SCHEMA)
    assert not isinstance(info.value, LLMUnavailableError)
    assert len(llm.requests) == 1


@pytest.mark.parametrize(
    ("script", "message"),
    [
        (lambda s: s.text('{"answer": "yes", "score": '), "not JSON"),
        (lambda s: s.text("Sure! Here is the JSON you asked for."), "not JSON"),
        (lambda s: s.json({"answer": "yes", "tags": []}), r"\$\.score: missing"),
        (lambda s: s.json({"answer": 1, "score": 2, "tags": []}), r"\$\.answer: expected string"),
        (lambda s: s.json({"answer": "a", "score": True, "tags": []}), "expected integer"),
        (lambda s: s.json({"answer": "a", "score": 1, "tags": [3]}), r"tags\[0\]"),
        (lambda s: s.json(["not", "an", "object"]), "expected object"),
        (lambda s: s.text(""), "empty content"),
        (lambda s: s.text('{"answer": "ye', finish_reason="length"), "cut off"),
        (lambda s: s.raw(b"<html>proxy error</html>"), "not JSON"),
    ],
)
def test_malformed_or_misshapen_output_is_an_output_error(
    llm: ScriptedLLM,
    make_gateway: Callable[..., LLMGateway],
    script: Callable[[ScriptedLLM], object],
    message: str,
) -> None:
    script(llm)
    with pytest.raises(LLMOutputError, match=message):
        make_gateway().complete_json(MESSAGES, "answer_v1", SCHEMA)
    assert len(llm.requests) == 1  # an answer that is wrong is not retried


def test_breaker_opens_after_consecutive_failures_and_closes_after_cooldown(
    llm: ScriptedLLM, make_gateway: Callable[..., LLMGateway]
) -> None:
    clock = FakeClock()
    gateway = make_gateway(max_retries=0, breaker_threshold=3, breaker_cooldown=30.0, clock=clock)
    for _ in range(3):
        llm.status(503)
    for _ in range(3):
        with pytest.raises(LLMUnavailableError, match="after 1 attempts"):
            gateway.complete_json(MESSAGES, "answer_v1", SCHEMA)
    assert state(gateway) == "open"

    # Open: fails at once, without touching the endpoint.
    llm.json(GOOD)
    with pytest.raises(LLMUnavailableError, match="circuit breaker open"):
        gateway.complete_json(MESSAGES, "answer_v1", SCHEMA)
    assert len(llm.requests) == 3

    clock.now += 29.0
    with pytest.raises(LLMUnavailableError, match="circuit breaker open"):
        gateway.complete_json(MESSAGES, "answer_v1", SCHEMA)

    clock.now += 1.0
    assert state(gateway) == "half_open"
    assert gateway.complete_json(MESSAGES, "answer_v1", SCHEMA).data == GOOD
    assert state(gateway) == "closed"
    assert len(llm.requests) == 4


def test_a_failed_probe_reopens_the_breaker(
    llm: ScriptedLLM, make_gateway: Callable[..., LLMGateway]
) -> None:
    clock = FakeClock()
    gateway = make_gateway(max_retries=0, breaker_threshold=1, breaker_cooldown=5.0, clock=clock)
    llm.status(500).status(500)
    with pytest.raises(LLMUnavailableError):
        gateway.complete_json(MESSAGES, "answer_v1", SCHEMA)
    clock.now += 5.0
    with pytest.raises(LLMUnavailableError, match="after 1 attempts"):
        gateway.complete_json(MESSAGES, "answer_v1", SCHEMA)  # the probe, which fails
    assert state(gateway) == "open"
    with pytest.raises(LLMUnavailableError, match="circuit breaker open"):
        gateway.complete_json(MESSAGES, "answer_v1", SCHEMA)
    assert len(llm.requests) == 2


def test_success_resets_the_failure_count(
    llm: ScriptedLLM, make_gateway: Callable[..., LLMGateway]
) -> None:
    gateway = make_gateway(max_retries=0, breaker_threshold=2)
    llm.status(500).json(GOOD).status(500).json(GOOD)
    with pytest.raises(LLMUnavailableError):
        gateway.complete_json(MESSAGES, "answer_v1", SCHEMA)
    gateway.complete_json(MESSAGES, "answer_v1", SCHEMA)
    with pytest.raises(LLMUnavailableError):
        gateway.complete_json(MESSAGES, "answer_v1", SCHEMA)
    assert state(gateway) == "closed"
    assert gateway.complete_json(MESSAGES, "answer_v1", SCHEMA).data == GOOD


def test_only_one_probe_passes_a_half_open_breaker_under_concurrency() -> None:
    clock = FakeClock()
    breaker = CircuitBreaker(threshold=2, cooldown=10.0, clock=clock)
    breaker.failure()
    assert breaker.state == "closed"
    breaker.failure()
    clock.now += 10.0
    passed: list[int] = []
    refused: list[int] = []
    start = threading.Barrier(16)

    def caller(i: int) -> None:
        start.wait()
        try:
            breaker.allow()
        except LLMUnavailableError:
            refused.append(i)
        else:
            passed.append(i)

    threads = [threading.Thread(target=caller, args=(i,)) for i in range(16)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert (len(passed), len(refused)) == (1, 15)
    breaker.success()
    assert breaker.state == "closed"
    breaker.allow()


def test_streaming_yields_deltas_in_order_as_they_arrive(
    llm: ScriptedLLM, make_gateway: Callable[..., LLMGateway]
) -> None:
    tokens = ["Try", " a", " six-second", " kiss", " tonight."]
    llm.stream(tokens, token_delay=0.08, usage=(30, 5))
    stream = make_gateway(timeout=1.0).stream_text(MESSAGES)
    assert llm.requests == []  # nothing is sent before the stream is read

    received: list[tuple[str, float]] = [(delta, time.monotonic()) for delta in stream]

    assert [d for d, _ in received] == tokens
    [request] = llm.requests
    assert request.body["stream"] is True
    assert request.body["stream_options"] == {"include_usage": True}
    # The first delta reached us before the server had even sent the last one.
    assert received[0][1] < request.token_sent_at[-1]
    assert (stream.prompt_tokens, stream.completion_tokens, stream.attempts) == (30, 5, 1)
    assert stream.first_delta_ms is not None
    assert stream.latency_ms is not None
    assert stream.first_delta_ms < stream.latency_ms


def test_streaming_retries_failures_before_the_first_byte(
    llm: ScriptedLLM, make_gateway: Callable[..., LLMGateway]
) -> None:
    llm.status(503).stream(["ok"])
    stream = make_gateway().stream_text(MESSAGES)
    assert "".join(stream) == "ok"
    assert stream.attempts == 2


def test_a_stream_that_stalls_mid_way_raises_unavailable(
    llm: ScriptedLLM, make_gateway: Callable[..., LLMGateway]
) -> None:
    llm.stream(["one", "two"], token_delay=1.0)
    stream = make_gateway(timeout=0.2).stream_text(MESSAGES)
    assert next(stream) == "one"
    with pytest.raises(LLMUnavailableError, match="broke off"):
        next(stream)
    assert len(llm.requests) == 1  # never replayed: part of the answer was already shown


def test_message_content_never_reaches_the_logs(
    llm: ScriptedLLM,
    make_gateway: Callable[..., LLMGateway],
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    llm.status(429).json({"answer": "secret reply text", "score": 1, "tags": []})
    llm.stream(["secret", " streamed", " words"])
    gateway = make_gateway()
    with capture_logs() as logs:
        gateway.complete_json(MESSAGES, "answer_v1", SCHEMA)
        "".join(gateway.stream_text(MESSAGES))
    events = [e["event"] for e in logs]
    assert events == ["llm.retry", "llm.complete", "llm.stream"]
    everything = repr(logs) + caplog.text
    for secret in ("private note", "secret reply", "secret", "streamed"):
        assert secret not in everything
    complete = logs[1]
    assert complete["request_chars"] == sum(len(m["content"]) for m in MESSAGES)
    assert complete["attempts"] == 2


def test_shape_errors_report_paths_not_values() -> None:
    schema = {
        "type": "object",
        "properties": {"x": {"anyOf": [{"type": "string"}, {"type": "null"}]}},
        "required": ["x", "y"],
    }
    assert shape_errors({"x": None, "y": 1}, schema) == []
    assert shape_errors({"x": 5, "y": 1}, schema) == ["$.x: matches no anyOf branch"]
    assert shape_errors({"x": "private words"}, schema) == ["$.y: missing"]
    assert shape_errors(1.5, {"type": ["number", "null"]}) == []
