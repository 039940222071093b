"""What real OpenAI-compatible servers do differently, against the scripted server.

Each case here was met on a real server (llama-cpp-python 0.3.36 with SmolLM2 and Qwen2.5,
docs/llm.md) or is documented for one (OpenAI's reasoning models, older vLLM/Azure):
no ``json_schema`` response format, no ``stream_options``, no usage in streams, chunks
without ``choices`` or ``delta``, JSON wrapped in prose, answers that run to the context's end.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from service.lib.llm import (
    LLMGateway,
    LLMOutputError,
    LLMPromptTooLongError,
    LLMRequestError,
)
from service.lib.llm_stats import CallLog
from tests.support.scripted_llm import ScriptedLLM

SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {"answer": {"type": "string"}, "score": {"type": "integer"}},
    "required": ["answer", "score"],
    "additionalProperties": False,
}
MESSAGES = [
    {"role": "system", "content": "Answer in JSON."},
    {"role": "user", "content": "how did the evening go"},
]
GOOD = {"answer": "fine", "score": 3}


def gateway(llm: ScriptedLLM, **options: Any) -> LLMGateway:
    options = {"timeout": 2, "max_retries": 0, "backoff_base": 0.01, **options}
    return LLMGateway(llm.base_url, "m", "k", **options)


@pytest.fixture
def llama_cpp_python() -> Iterator[ScriptedLLM]:
    """A server like llama-cpp-python's: json_object (+schema) only, no stream usage."""
    with ScriptedLLM(refuse=frozenset({"json_schema"})) as server:
        yield server


def formats(llm: ScriptedLLM) -> list[Any]:
    return [r.body.get("response_format") for r in llm.requests]


def test_json_schema_refused_falls_back_to_json_object_with_schema_and_remembers(
    llama_cpp_python: ScriptedLLM,
) -> None:
    llm = llama_cpp_python
    llm.json(GOOD).json(GOOD)
    # Its refusal is a 500 with a validation error: not retried, not a breaker failure.
    gw = gateway(llm, max_retries=2, breaker_threshold=1)
    assert gw.complete_json(MESSAGES, "answer", SCHEMA).data == GOOD
    assert gw.complete_json(MESSAGES, "answer", SCHEMA).data == GOOD
    sent = formats(llm)
    # One refused request, then json_object carrying the schema (a grammar on llama.cpp),
    # and the second call goes straight to what works.
    assert [f["type"] for f in sent] == ["json_schema", "json_object", "json_object"]
    assert sent[1]["schema"] == SCHEMA
    assert gw.json_mode == "json_object_schema" and gw.breaker.state == "closed"


def test_length_limits_bind_the_grammar_and_are_left_out_of_strict_json_schema(
    llama_cpp_python: ScriptedLLM,
) -> None:
    limited = {**SCHEMA, "properties": {"answer": {"type": "string", "maxLength": 50},
                                        "score": {"type": "integer"}}}  # fmt: skip
    llama_cpp_python.json(GOOD)
    gateway(llama_cpp_python).complete_json(MESSAGES, "answer", limited)
    strict, grammar = formats(llama_cpp_python)
    assert "maxLength" not in str(strict)  # OpenAI's strict mode refuses length keywords
    assert grammar["schema"]["properties"]["answer"]["maxLength"] == 50


def test_no_structured_output_at_all_asks_in_the_prompt_and_still_validates() -> None:
    refuse = frozenset({"json_schema", "json_object_schema", "json_object"})
    with ScriptedLLM(refuse=refuse) as llm:
        llm.text('Sure! Here is the JSON:\n```json\n{"answer": "ok", "score": 2}\n```').json(
            {"answer": "ok"}
        )
        gw = gateway(llm)
        assert gw.complete_json(MESSAGES, "answer", SCHEMA).data == {"answer": "ok", "score": 2}
        last = llm.requests[-1]
        assert "response_format" not in last.body
        assert '"answer", "score"' in last.content_of("system")  # the keys, in the prompt
        with pytest.raises(LLMOutputError, match="score: missing"):
            gw.complete_json(MESSAGES, "answer", SCHEMA)  # shape still checked
        assert gw.json_mode == "prompt"


def test_a_400_for_another_reason_is_not_taken_for_a_missing_feature() -> None:
    with ScriptedLLM() as llm:
        llm.status(400)
        gw = gateway(llm)
        with pytest.raises(LLMRequestError):
            gw.complete_json(MESSAGES, "answer", SCHEMA)
        assert len(llm.requests) == 1 and gw.json_mode == "json_schema"


@pytest.mark.parametrize(
    "content",
    [
        '{"answer": "fine", "score": 3}',
        '```json\n{"answer": "fine", "score": 3}\n```',
        'Here you go: {"answer": "fine", "score": 3} Hope it helps!',
        # A raw control character inside a string (Qwen2.5-1.5B through llama.cpp's grammar).
        '{"answer": "fi\nne", "score": 3}',
    ],
)
def test_json_inside_prose_or_a_fence_is_read(content: str) -> None:
    with ScriptedLLM() as llm:
        llm.text(content)
        data = gateway(llm).complete_json(MESSAGES, "answer", SCHEMA).data
        assert data == GOOD or data == {"answer": "fi\nne", "score": 3}


def test_every_call_carries_max_tokens_capped_by_the_setting() -> None:
    with ScriptedLLM() as llm:
        llm.json(GOOD).json(GOOD).stream(["Hi."])
        gw = gateway(llm, max_output_tokens=300)
        gw.complete_json(MESSAGES, "answer", SCHEMA)
        gw.complete_json(MESSAGES, "answer", SCHEMA, max_tokens=120)
        list(gw.stream_text(MESSAGES, max_tokens=500))
        assert [r.body["max_tokens"] for r in llm.requests] == [300, 120, 300]


def test_a_small_context_lowers_max_tokens_then_refuses_without_sending() -> None:
    with ScriptedLLM() as llm:
        llm.json(GOOD)
        gw = gateway(llm, context_tokens=600)
        long = [MESSAGES[0], {"role": "user", "content": "word " * 300}]  # ~470 tokens est.
        gw.complete_json(long, "answer", SCHEMA, max_tokens=400)
        assert 64 <= llm.requests[0].body["max_tokens"] < 400
        too_long = [MESSAGES[0], {"role": "user", "content": "word " * 600}]
        with pytest.raises(LLMPromptTooLongError):
            gw.complete_json(too_long, "answer", SCHEMA, max_tokens=400)
        assert len(llm.requests) == 1  # nothing sent that the server would refuse


def test_max_completion_tokens_when_max_tokens_is_refused() -> None:
    with ScriptedLLM(refuse=frozenset({"max_tokens"})) as llm:
        llm.json(GOOD).json(GOOD)
        gw = gateway(llm)
        gw.complete_json(MESSAGES, "answer", SCHEMA, max_tokens=200)
        gw.complete_json(MESSAGES, "answer", SCHEMA, max_tokens=200)
        assert [("max_tokens" in r.body, r.body.get("max_completion_tokens")) for r in
                llm.requests] == [(True, None), (False, 200), (False, 200)]  # fmt: skip


def chunk(choices: Any = None, **extra: Any) -> dict[str, Any]:
    body: dict[str, Any] = {"id": "c", "object": "chat.completion.chunk", "created": 1,
                            "model": "local"}  # fmt: skip
    if choices is not None:
        body["choices"] = choices
    return {**body, **extra}


def test_stream_chunk_shapes_of_other_servers() -> None:
    events = [
        chunk([{"index": 0, "delta": {"role": "assistant"}, "finish_reason": None}]),  # role only
        chunk([]),  # empty choices (keep-alive)
        chunk(),  # no choices key at all
        chunk([{"index": 0, "finish_reason": None}]),  # no delta
        chunk([{"index": 0, "delta": None, "finish_reason": None}]),  # null delta
        chunk([{"index": 0, "delta": {"content": "Hello"}, "finish_reason": None}]),
        chunk([{"index": 1, "delta": {"content": " other"}, "finish_reason": None}]),  # n>1
        chunk([{"index": 0, "delta": {"content": " there."}, "finish_reason": None}]),
        chunk([{"index": 0, "delta": {}, "finish_reason": "stop"}]),
        chunk([], usage={"prompt_tokens": 41, "completion_tokens": 3, "total_tokens": 44}),
    ]
    with ScriptedLLM() as llm:
        llm.stream_raw(events)
        stream = gateway(llm).stream_text(MESSAGES)
        assert "".join(stream) == "Hello there."
        assert (stream.prompt_tokens, stream.completion_tokens) == (41, 3)
        assert stream.finish_reason == "stop" and not stream.usage_estimated


def test_a_stream_without_usage_is_counted_and_marked_estimated() -> None:
    with ScriptedLLM() as llm:
        llm.stream(["One", " two", " three."], stream_usage=False)
        stream = gateway(llm).stream_text(MESSAGES)
        assert "".join(stream) == "One two three."
        assert stream.usage_estimated
        assert stream.completion_tokens == 3 and stream.prompt_tokens > 0


def test_stream_options_refused_streams_without_and_remembers() -> None:
    with ScriptedLLM(refuse=frozenset({"stream_options"})) as llm:
        llm.stream(["A."]).stream(["B."])
        gw = gateway(llm)
        assert "".join(gw.stream_text(MESSAGES)) == "A."
        assert "".join(gw.stream_text(MESSAGES)) == "B."
        assert ["stream_options" in r.body for r in llm.requests] == [True, False, False]
        assert gw.stream_usage is False


def test_a_stream_cut_at_the_budget_says_so() -> None:
    with ScriptedLLM() as llm:
        llm.stream(["It went well.", " Then we"], finish_reason="length")
        stream = gateway(llm).stream_text(MESSAGES, max_tokens=5)
        assert "".join(stream) == "It went well. Then we"
        assert stream.finish_reason == "length"


def test_a_stream_the_caller_stops_still_counts_what_it_cost() -> None:
    # Found with SmolLM2: the guard stopped a chat answer at its first sentence, and the call
    # was counted nowhere (no metric, no call record, 0 tokens in the generation row).
    with ScriptedLLM() as llm:
        llm.stream(["One.", " Two.", " Three."], stream_usage=False)
        gw = gateway(llm)
        gw.calls = CallLog()
        stream = gw.stream_text(MESSAGES)
        assert next(stream) == "One."
        stream.close()
        (call,) = gw.calls.calls
        assert (call.purpose, call.outcome, call.completion_tokens) == ("chat", "ok", 1)
        assert call.prompt_tokens > 0 and call.usage_estimated
        assert stream.closed_early and stream.prompt_tokens == call.prompt_tokens
