"""A real webhook receiver for tests: uvicorn in a thread, verifying every request with the
Standard Webhooks library, failing the first attempts of each message on demand; and a
compressed clock for the delivery schedule."""

from __future__ import annotations

import asyncio
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import pytest
import uvicorn
from standardwebhooks import Webhook, WebhookVerificationError

# --- the receiver -------------------------------------------------------------------------


@dataclass
class Received:
    path: str
    headers: dict[str, str]
    body: bytes
    verified: bool
    status: int


@dataclass
class Receiver:
    """An ASGI endpoint: answers ``fail_first`` 500s per message, then ``status``."""

    secret: str = ""
    fail_first: int = 0
    status: int = 200
    by_path: dict[str, tuple[str, int]] = field(default_factory=dict)  # path: (secret, status)
    delay: float = 0.0  # seconds before answering (a slow receiver)
    requests: list[Received] = field(default_factory=list)

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        assert scope["type"] == "http"
        body = b""
        while True:
            message = await receive()
            body += message.get("body", b"")
            if not message.get("more_body"):
                break
        headers = {k.decode("latin-1"): v.decode("latin-1") for k, v in scope["headers"]}
        secret, status = self.by_path.get(scope["path"], (self.secret, self.status))
        try:
            Webhook(secret).verify(body, headers)
            verified = True
        except WebhookVerificationError:
            verified = False
        seen = sum(1 for r in self.requests if r.headers["webhook-id"] == headers["webhook-id"])
        status = 500 if seen < self.fail_first else status
        self.requests.append(Received(scope["path"], headers, body, verified, status))
        if self.delay:
            await asyncio.sleep(self.delay)
        text = f"failure {seen + 1}: try later" if status == 500 else f"answer {status}"
        await send({"type": "http.response.start", "status": status,
                    "headers": [(b"content-type", b"text/plain")]})  # fmt: skip
        await send({"type": "http.response.body", "body": text.encode()})


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def receiver() -> Iterator[tuple[Receiver, str]]:
    """A receiver on a free port, and its URL; stopped cleanly after the test."""
    app = Receiver()
    port = _free_port()
    config = uvicorn.Config(
        app, host="127.0.0.1", port=port, lifespan="off", log_level="warning",
        timeout_graceful_shutdown=2,
    )  # fmt: skip
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, name="webhook-receiver", daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        assert thread.is_alive() and time.monotonic() < deadline, "receiver did not start"
        time.sleep(0.01)
    yield app, f"http://127.0.0.1:{port}/hooks"
    server.should_exit = True
    thread.join(10)
    assert not thread.is_alive()


class FakeClock:
    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> FakeClock:
    """The time deliveries are scheduled by, for the scheduler and the jobs alike."""
    import workers.jobs

    fake = FakeClock(datetime.now(UTC).replace(microsecond=0))
    monkeypatch.setattr(workers.jobs, "webhook_clock", fake)
    return fake
