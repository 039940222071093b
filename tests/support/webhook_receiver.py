"""A real webhook receiver for tests: uvicorn in a thread, verifying every request with the
Standard Webhooks library, failing the first attempts of each message on demand; and a
compressed clock for the delivery schedule."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import pytest
from standardwebhooks import Webhook, WebhookVerificationError

from tests.support.http_server import serve

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


@pytest.fixture
def receiver() -> Iterator[tuple[Receiver, str]]:
    """A receiver on a free port, and its URL; stopped cleanly after the test."""
    app = Receiver()
    with serve(app, lifespan="off") as base_url:
        yield app, f"{base_url}/hooks"


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
