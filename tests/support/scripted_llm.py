"""A real OpenAI-compatible HTTP server that answers from a script, for tests.

The code under test talks to it through the official ``openai`` client over real HTTP, so
timeouts, retries, status handling and SSE streaming all run for real. Usage::

    with ScriptedLLM() as llm:
        llm.json({"ok": True}).status(429).stream(["Hel", "lo"], token_delay=0.05)
        gateway = LLMGateway(llm.base_url, llm.model, "test-key")
        ...
        assert llm.requests[0].body["messages"][1]["content"] == ...

Each ``POST /v1/chat/completions`` (or ``/chat/completions``) takes the next scripted reply;
an exhausted script answers 500 with ``script exhausted`` so that a test notices.
"""

from __future__ import annotations

import json
import threading
import time
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any

import pytest

CHAT_PATHS = frozenset({"/v1/chat/completions", "/chat/completions"})


@dataclass(frozen=True)
class Reply:
    """One scripted answer."""

    status: int = 200
    content: str | None = None
    stream_tokens: tuple[str, ...] | None = None
    token_delay: float = 0.0
    delay: float = 0.0
    raw_body: bytes | None = None
    headers: tuple[tuple[str, str], ...] = ()
    usage: tuple[int, int] | None = None
    finish_reason: str = "stop"
    refusal: str | None = None
    stream_events: tuple[Any, ...] | None = None  # raw SSE data payloads, sent as they are
    stream_usage: bool = True  # False: never a usage chunk (llama-cpp-python)


@dataclass
class RecordedRequest:
    """What the model received, and when (``time.monotonic`` of this process)."""

    path: str
    body: dict[str, Any]
    headers: dict[str, str]
    received_at: float
    token_sent_at: list[float] = field(default_factory=list)

    @property
    def messages(self) -> list[dict[str, Any]]:
        return list(self.body.get("messages", []))

    def content_of(self, role: str) -> str:
        """All message contents of ``role`` joined by newlines."""
        return "\n".join(str(m.get("content", "")) for m in self.messages if m.get("role") == role)


class ScriptedLLM:
    """A threaded HTTP server on 127.0.0.1 with an ephemeral port, answering from a queue."""

    def __init__(
        self,
        model: str = "scripted-model",
        *,
        refuse: frozenset[str] = frozenset(),
    ) -> None:
        """``refuse``: request features answered with the error a server without them sends
        (before the script is consulted): ``json_schema`` (500 as llama-cpp-python),
        ``json_object_schema`` and ``json_object`` (400 naming response_format),
        ``stream_options`` (400), ``max_tokens`` (400 as OpenAI's reasoning models)."""
        self.model = model
        self.refuse = refuse
        self.requests: list[RecordedRequest] = []
        self._script: deque[Reply] = deque()
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None

    # --- lifecycle ------------------------------------------------------------------------

    def start(self) -> ScriptedLLM:
        server = _Server(("127.0.0.1", 0), _Handler)
        server.scripted = self
        self._server = server
        self._thread = threading.Thread(
            target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stopping.set()  # wakes handlers sleeping in a scripted delay
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
        self._server, self._thread = None, None

    def __enter__(self) -> ScriptedLLM:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    @property
    def base_url(self) -> str:
        if self._server is None:
            raise RuntimeError("ScriptedLLM is not started")
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}/v1"

    # --- the script -----------------------------------------------------------------------

    def enqueue(self, *replies: Reply) -> ScriptedLLM:
        with self._lock:
            self._script.extend(replies)
        return self

    def json(
        self, data: Any, *, delay: float = 0.0, usage: tuple[int, int] | None = None
    ) -> ScriptedLLM:
        """Answer with ``data`` serialised as the assistant's content."""
        return self.enqueue(Reply(content=json.dumps(data), delay=delay, usage=usage))

    def text(
        self,
        content: str,
        *,
        delay: float = 0.0,
        usage: tuple[int, int] | None = None,
        finish_reason: str = "stop",
    ) -> ScriptedLLM:
        """Answer with ``content`` verbatim (malformed JSON, prose, ...)."""
        return self.enqueue(
            Reply(content=content, delay=delay, usage=usage, finish_reason=finish_reason)
        )

    def status(
        self, code: int, *, delay: float = 0.0, headers: dict[str, str] | None = None
    ) -> ScriptedLLM:
        """Answer with an OpenAI-style error body and HTTP ``code`` (429, 500, 503, ...)."""
        body = {"error": {"message": f"scripted {code}", "type": "scripted", "code": str(code)}}
        return self.enqueue(
            Reply(
                status=code,
                raw_body=json.dumps(body).encode(),
                delay=delay,
                headers=tuple((headers or {}).items()),
            )
        )

    def raw(self, body: bytes, *, status: int = 200, delay: float = 0.0) -> ScriptedLLM:
        """Answer with ``body`` as the whole HTTP body (a broken response)."""
        return self.enqueue(Reply(status=status, raw_body=body, delay=delay))

    def stream(
        self,
        tokens: list[str],
        *,
        token_delay: float = 0.0,
        delay: float = 0.0,
        usage: tuple[int, int] | None = None,
        stream_usage: bool = True,
        finish_reason: str = "stop",
    ) -> ScriptedLLM:
        """Answer a ``stream: true`` request with one SSE chunk per token, then ``[DONE]``."""
        return self.enqueue(
            Reply(
                stream_tokens=tuple(tokens),
                token_delay=token_delay,
                delay=delay,
                usage=usage,
                stream_usage=stream_usage,
                finish_reason=finish_reason,
            )
        )

    def stream_raw(self, events: list[Any]) -> ScriptedLLM:
        """Answer a stream with these SSE ``data:`` payloads exactly (dicts as JSON), then
        ``[DONE]``: chunk shapes other servers send."""
        return self.enqueue(Reply(stream_tokens=(), stream_events=tuple(events)))

    @property
    def pending(self) -> int:
        with self._lock:
            return len(self._script)

    def _next_reply(self) -> Reply:
        with self._lock:
            if self._script:
                return self._script.popleft()
        return Reply(status=500, raw_body=b'{"error": {"message": "script exhausted"}}')

    def _record(self, request: RecordedRequest) -> None:
        with self._lock:
            self.requests.append(request)


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False
    scripted: ScriptedLLM


class _Handler(BaseHTTPRequestHandler):
    server: _Server

    def log_message(self, format: str, *args: Any) -> None:
        """Silent: the test output is the place for assertions, not access logs."""

    def do_POST(self) -> None:
        scripted = self.server.scripted
        length = int(self.headers.get("content-length") or 0)
        raw = self.rfile.read(length) if length else b""
        try:
            body = json.loads(raw or b"{}")
        except json.JSONDecodeError:
            body = {"_unparsed": raw.decode("utf-8", "replace")}
        record = RecordedRequest(
            path=self.path,
            body=body if isinstance(body, dict) else {"_body": body},
            headers={k.lower(): v for k, v in self.headers.items()},
            received_at=time.monotonic(),
        )
        scripted._record(record)
        if self.path not in CHAT_PATHS:
            self._send(404, b'{"error": {"message": "not found"}}')
            return
        refusal = _refusal(body, scripted.refuse)
        if refusal is not None:
            self._send(*refusal)
            return
        reply = scripted._next_reply()
        if reply.delay and scripted._stopping.wait(reply.delay):
            return
        try:
            if reply.stream_tokens is not None:
                self._stream(reply, record)
            elif reply.raw_body is not None:
                self._send(reply.status, reply.raw_body, reply.headers)
            else:
                completion = _completion(scripted.model, body, reply)
                self._send(reply.status, json.dumps(completion).encode(), reply.headers)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up (a timeout under test); nothing to answer

    def _send(self, status: int, payload: bytes, headers: tuple[tuple[str, str], ...] = ()) -> None:
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        for name, value in headers:
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(payload)

    def _stream(self, reply: Reply, record: RecordedRequest) -> None:
        scripted = self.server.scripted
        model = str(record.body.get("model") or scripted.model)
        tokens = reply.stream_tokens or ()
        self.send_response(reply.status)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Cache-Control", "no-cache")
        self.send_header("Connection", "close")
        self.end_headers()
        if reply.stream_events is not None:
            for event in reply.stream_events:
                data = event if isinstance(event, str) else json.dumps(event)
                self.wfile.write(b"data: " + data.encode() + b"\n\n")
            self.wfile.write(b"data: [DONE]\n\n")
            self.wfile.flush()
            return
        self._event(_chunk(model, {"role": "assistant", "content": ""}))
        for i, token in enumerate(tokens):
            if i and reply.token_delay and scripted._stopping.wait(reply.token_delay):
                return
            self._event(_chunk(model, {"content": token}))
            record.token_sent_at.append(time.monotonic())
        self._event(_chunk(model, {}, finish_reason=reply.finish_reason))
        if reply.stream_usage and (record.body.get("stream_options") or {}).get("include_usage"):
            usage = reply.usage or (_prompt_words(record.body), len(tokens))
            self._event({**_chunk(model, {}), "choices": [], "usage": _usage(*usage)})
        self.wfile.write(b"data: [DONE]\n\n")
        self.wfile.flush()

    def _event(self, payload: dict[str, Any]) -> None:
        self.wfile.write(b"data: " + json.dumps(payload).encode() + b"\n\n")
        self.wfile.flush()


def _refusal(body: dict[str, Any], refuse: frozenset[str]) -> tuple[int, bytes] | None:
    """The error a server lacking a feature of this request would send, if any."""
    fmt = body.get("response_format") or {}
    kind = fmt.get("type")
    if kind == "json_schema" and "json_schema" in refuse:
        # What llama-cpp-python 0.3.36 really sends: its route handler turns the request
        # validation error into a 500 (seen against the real server, docs/llm.md).
        detail = ("1 validation error:\n  {'type': 'literal_error', 'loc': ('body', "
                  "'response_format', 'type'), 'msg': \"Input should be 'text' or "
                  "'json_object'\", 'input': 'json_schema'}")  # fmt: skip
        error = {"message": detail, "type": "internal_server_error", "param": None, "code": None}
        return 500, json.dumps({"error": error}).encode()
    feature = None
    if kind == "json_object":
        feature = "json_object_schema" if "schema" in fmt else "json_object"
    if feature in refuse:
        message = f"response_format {feature} is not supported by this server"
    elif "stream_options" in body and "stream_options" in refuse:
        message = "stream_options is not supported"
    elif "max_tokens" in body and "max_tokens" in refuse:
        message = ("Unsupported parameter: 'max_tokens' is not supported with this model. "
                   "Use 'max_completion_tokens' instead.")  # fmt: skip
    else:
        return None
    return 400, json.dumps(
        {"error": {"message": message, "type": "invalid_request_error"}}
    ).encode()


def _completion(model: str, body: dict[str, Any], reply: Reply) -> dict[str, Any]:
    content = reply.content or ""
    usage = reply.usage or (_prompt_words(body), len(content.split()))
    return {
        "id": "chatcmpl-scripted",
        "object": "chat.completion",
        "created": int(time.time()),
        "model": str(body.get("model") or model),
        "choices": [
            {
                "index": 0,
                "message": {
                    "role": "assistant",
                    "content": reply.content,
                    "refusal": reply.refusal,
                },
                "finish_reason": reply.finish_reason,
                "logprobs": None,
            }
        ],
        "usage": _usage(*usage),
    }


def _chunk(model: str, delta: dict[str, Any], finish_reason: str | None = None) -> dict[str, Any]:
    return {
        "id": "chatcmpl-scripted",
        "object": "chat.completion.chunk",
        "created": int(time.time()),
        "model": model,
        "choices": [{"index": 0, "delta": delta, "finish_reason": finish_reason}],
    }


def _usage(prompt: int, completion: int) -> dict[str, int]:
    return {
        "prompt_tokens": prompt,
        "completion_tokens": completion,
        "total_tokens": prompt + completion,
    }


def _prompt_words(body: dict[str, Any]) -> int:
    """A stand-in token count: words across all message contents."""
    return sum(len(str(m.get("content", "")).split()) for m in body.get("messages", []))


@pytest.fixture
def scripted_llm() -> Iterator[ScriptedLLM]:
    """A started ScriptedLLM, stopped after the test (register via ``pytest_plugins``)."""
    with ScriptedLLM() as server:
        yield server
