"""Idempotency-Key: a retried creating POST returns the first answer and creates nothing twice.

The concurrency and streaming tests run the app under a real uvicorn server and talk to it over
HTTP, so that "one wins, the others get the same answer" and "a keyed SSE answer still streams"
are measured on real sockets, not assumed.
"""

from __future__ import annotations

import asyncio
import json
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from litestar.testing import TestClient
from sqlalchemy import func, select, text

from service.api import idempotency
from service.conversations.chat import ChatEngine
from service.lib.db import Database
from service.lib.llm import LLMGateway
from service.persistence.models import (
    CheckIn,
    Conversation,
    IdempotencyKey,
    Message,
    OutboxEvent,
    SafetyQuestion,
    User,
)
from tests.integration.conftest import KNOWLEDGE, auth, make_user
from tests.support.http_server import serve
from tests.support.scripted_llm import ScriptedLLM

pytestmark = pytest.mark.integration

PROBLEM = "application/problem+json"
CHECKIN = {"text": "We cooked together and laughed about the burnt rice.", "mood": 4}
PHONES = "He scrolls his phone through every dinner and I end up eating in silence."


def keyed(token: str, key: str, **extra: str) -> dict[str, str]:
    return {**auth(token), "Idempotency-Key": key, **extra}


def count(database: Database, model: Any) -> int:
    with database.unit_of_work() as session:
        return session.scalar(select(func.count()).select_from(model)) or 0


def _engine(database: Database, embedder: Any, gateway: LLMGateway | None) -> ChatEngine:
    return ChatEngine(
        database, embedder=lambda: embedder, gateway=lambda: gateway, knowledge_dir=KNOWLEDGE
    )


@pytest.fixture
def offline_chat(
    database: Database, redis: Any, embedder: Any, knowledge_base: Path
) -> Iterator[TestClient[Any]]:
    from service.api.app import create_app

    with TestClient(app=create_app(database, redis, _engine(database, embedder, None))) as client:
        yield client


@pytest.fixture
def llm() -> Iterator[ScriptedLLM]:
    with ScriptedLLM(model="scripted-chat") as server:
        yield server


# -- check-ins ------------------------------------------------------------------------------------


def test_the_same_key_and_body_replays_the_first_answer_and_creates_one_checkin(
    client: TestClient[Any], database: Database
) -> None:
    token = make_user(database, "ana")
    first = client.post("/v1/checkins", json=CHECKIN, headers=keyed(token, "k-1"))
    again = client.post("/v1/checkins", json=CHECKIN, headers=keyed(token, "k-1"))

    assert first.status_code == again.status_code == 202
    assert again.json() == first.json()
    assert again.headers["location"] == first.headers["location"] == first.json()["links"]["self"]
    assert again.headers["content-type"] == first.headers["content-type"]
    assert again.headers["idempotent-replayed"] == "true"
    assert "idempotent-replayed" not in first.headers
    assert (count(database, CheckIn), count(database, OutboxEvent)) == (1, 1)
    # The stored answer is sealed like the notes: no plaintext of it in the row.
    with database.engine.connect() as conn:
        stored = conn.execute(text("SELECT body FROM idempotency_keys")).scalar_one()
    assert first.json()["id"].encode() not in bytes(stored)


def test_another_request_with_the_key_is_a_422_problem_and_writes_nothing(
    client: TestClient[Any], database: Database
) -> None:
    token = make_user(database, "ben")
    assert client.post("/v1/checkins", json=CHECKIN, headers=keyed(token, "k")).status_code == 202
    other = {**CHECKIN, "mood": 2}
    refused = client.post("/v1/checkins", json=other, headers=keyed(token, "k"))
    assert refused.status_code == 422
    assert refused.headers["content-type"].startswith(PROBLEM)
    assert refused.json()["detail"] == "Idempotency-Key was used with a different request"
    # Another route with the same key is another request too.
    assert client.post("/v1/couples", headers=keyed(token, "k")).status_code == 422
    assert (count(database, CheckIn), count(database, OutboxEvent)) == (1, 1)
    with database.unit_of_work() as session:
        assert session.scalar(select(User.couple_id).where(User.name == "ben")) is None


def test_keys_belong_to_their_caller(client: TestClient[Any], database: Database) -> None:
    ana, ben = make_user(database, "ana"), make_user(database, "ben")
    mine = client.post("/v1/checkins", json=CHECKIN, headers=keyed(ana, "shared-key"))
    theirs = client.post("/v1/checkins", json=CHECKIN, headers=keyed(ben, "shared-key"))
    assert mine.status_code == theirs.status_code == 202
    assert mine.json()["id"] != theirs.json()["id"]
    assert "idempotent-replayed" not in theirs.headers
    assert count(database, CheckIn) == 2


def test_without_a_key_every_post_creates(client: TestClient[Any], database: Database) -> None:
    token = make_user(database, "cam")
    ids = {
        client.post("/v1/checkins", json=CHECKIN, headers=auth(token)).json()["id"] for _ in "ab"
    }
    assert len(ids) == 2 and count(database, CheckIn) == 2
    assert count(database, IdempotencyKey) == 0


@pytest.mark.parametrize(
    "key",
    [b"", b"x" * 256, "clé".encode(), b"tab\tin-key"],
    ids=["empty", "too-long", "not-ascii", "control"],
)
def test_a_malformed_key_is_a_400_problem(
    client: TestClient[Any], database: Database, key: bytes
) -> None:
    token = make_user(database, "dee")
    response = client.post(
        "/v1/checkins", json=CHECKIN, headers=[*auth(token).items(), ("Idempotency-Key", key)]
    )
    assert response.status_code == 400
    assert response.headers["content-type"].startswith(PROBLEM)
    assert count(database, CheckIn) == 0


def test_the_longest_key_is_accepted(client: TestClient[Any], database: Database) -> None:
    token = make_user(database, "eve")
    key = "k" * 255
    assert client.post("/v1/checkins", json=CHECKIN, headers=keyed(token, key)).status_code == 202
    again = client.post("/v1/checkins", json=CHECKIN, headers=keyed(token, key))
    assert again.headers["idempotent-replayed"] == "true" and count(database, CheckIn) == 1


def test_a_failed_request_leaves_the_key_free_for_a_fixed_retry(
    client: TestClient[Any], database: Database
) -> None:
    token = make_user(database, "fay")
    invalid = client.post("/v1/checkins", json={"text": ""}, headers=keyed(token, "retry-me"))
    assert invalid.status_code == 400
    assert count(database, IdempotencyKey) == 0
    # A missing token is answered by the route as usual, and nothing is remembered either.
    anonymous = client.post("/v1/checkins", json=CHECKIN, headers={"Idempotency-Key": "retry-me"})
    assert anonymous.status_code == 401

    fixed = client.post("/v1/checkins", json=CHECKIN, headers=keyed(token, "retry-me"))
    assert fixed.status_code == 202 and "idempotent-replayed" not in fixed.headers
    again = client.post("/v1/checkins", json=CHECKIN, headers=keyed(token, "retry-me"))
    assert again.json() == fixed.json() and count(database, CheckIn) == 1


def test_an_expired_key_can_be_used_again(client: TestClient[Any], database: Database) -> None:
    token = make_user(database, "gus")
    first = client.post("/v1/checkins", json=CHECKIN, headers=keyed(token, "old"))
    with database.unit_of_work() as session:
        session.execute(text("UPDATE idempotency_keys SET expires_at = now() - interval '1 s'"))
    other = {**CHECKIN, "text": "A new day, a new check-in."}
    second = client.post("/v1/checkins", json=other, headers=keyed(token, "old"))
    assert second.status_code == 202 and "idempotent-replayed" not in second.headers
    assert second.json()["id"] != first.json()["id"] and count(database, CheckIn) == 2


def test_expired_keys_are_purged(client: TestClient[Any], database: Database) -> None:
    token = make_user(database, "hal")
    for key in ("a", "b"):
        client.post("/v1/checkins", json=CHECKIN, headers=keyed(token, key))
    with database.unit_of_work() as session:
        session.execute(text("UPDATE idempotency_keys SET expires_at = now() WHERE key = 'a'"))
    with database.unit_of_work() as session:
        assert idempotency.purge_expired_idempotency_keys(session) == 1
    with database.unit_of_work() as session:
        assert list(session.scalars(select(IdempotencyKey.key))) == ["b"]
        expires = session.scalar(select(IdempotencyKey.expires_at - IdempotencyKey.created_at))
    assert expires is not None and expires.total_seconds() == pytest.approx(24 * 3600)


def _claim_left_by(database: Database, name: str, key: str, body: bytes, lock: str) -> None:
    """A 'running' claim as an attempt leaves it when its process dies mid-request."""
    digest = idempotency.fingerprint("POST", "/v1/checkins", b"", body)
    with database.unit_of_work() as session:
        user_id = session.scalar(select(User.id).where(User.name == name))
        session.execute(
            text(
                "INSERT INTO idempotency_keys (caller_id, key, fingerprint, state, created_at,"
                " locked_until, expires_at) VALUES (:u, :k, :f, 'running', now(),"
                " now() + CAST(:lock AS interval), now() + interval '1 day')"
            ),
            {"u": user_id, "k": key, "f": digest, "lock": lock},
        )


def test_a_dead_attempts_claim_is_taken_over_once_its_lock_runs_out(
    client: TestClient[Any], database: Database
) -> None:
    token = make_user(database, "ida")
    body = json.dumps(CHECKIN).encode()
    _claim_left_by(database, "ida", "crashed", body, "-1 second")
    headers = keyed(token, "crashed", **{"Content-Type": "application/json"})
    response = client.post("/v1/checkins", content=body, headers=headers)
    assert response.status_code == 202 and count(database, CheckIn) == 1
    # Another body with a dead claim is still refused: that attempt may have created something.
    _claim_left_by(database, "ida", "crashed-2", body, "-1 second")
    other = client.post("/v1/checkins", json={"text": "else"}, headers=keyed(token, "crashed-2"))
    assert other.status_code == 422


def test_a_duplicate_of_a_request_still_running_gives_up_with_a_409(
    client: TestClient[Any], database: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(idempotency, "WAIT_SECONDS", 0.3)
    token = make_user(database, "jon")
    body = json.dumps(CHECKIN).encode()
    _claim_left_by(database, "jon", "busy", body, "1 minute")
    headers = keyed(token, "busy", **{"Content-Type": "application/json"})
    response = client.post("/v1/checkins", content=body, headers=headers)
    assert response.status_code == 409
    assert response.headers["content-type"].startswith(PROBLEM)
    assert response.json()["detail"] == "a request with this key is still in progress"
    assert count(database, CheckIn) == 0


def test_fifty_concurrent_identical_posts_create_one_checkin(
    database: Database, redis: Any
) -> None:
    from service.api.app import create_app

    token = make_user(database, "kim")

    async def burst(base_url: str) -> list[httpx.Response]:
        async with httpx.AsyncClient(base_url=base_url, timeout=60) as http:
            await http.get("/v1/healthz")  # the server is up before the burst starts
            return await asyncio.gather(
                *(
                    http.post("/v1/checkins", json=CHECKIN, headers=keyed(token, "burst"))
                    for _ in range(50)
                )
            )

    with serve(create_app(database, redis)) as base_url:
        responses = asyncio.run(burst(base_url))
        refused = httpx.post(
            f"{base_url}/v1/checkins", json={"text": "other"}, headers=keyed(token, "burst")
        )

    assert {r.status_code for r in responses} == {202}
    assert len({r.content for r in responses}) == 1
    assert len({r.headers["location"] for r in responses}) == 1
    assert sum("idempotent-replayed" in r.headers for r in responses) == 49
    assert (count(database, CheckIn), count(database, OutboxEvent)) == (1, 1)
    assert refused.status_code == 422 and count(database, CheckIn) == 1


# -- other creating routes --------------------------------------------------------------------


def test_creating_a_couple_is_replayed_with_its_201(
    client: TestClient[Any], database: Database
) -> None:
    token = make_user(database, "lea")
    first = client.post("/v1/couples", json={"stage": "mid"}, headers=keyed(token, "c"))
    again = client.post("/v1/couples", json={"stage": "mid"}, headers=keyed(token, "c"))
    assert first.status_code == again.status_code == 201  # without the key: 409, in a couple
    assert again.json() == first.json() and again.headers["idempotent-replayed"] == "true"
    assert client.post("/v1/couples", headers=auth(token)).status_code == 409


def test_starting_a_conversation_is_replayed_with_its_location(
    client: TestClient[Any], database: Database
) -> None:
    token = make_user(database, "max")
    first = client.post("/v1/conversations", headers=keyed(token, "conv"))
    again = client.post("/v1/conversations", headers=keyed(token, "conv"))
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json()
    assert again.headers["location"] == first.headers["location"]
    assert count(database, Conversation) == 1


def test_a_chat_message_is_answered_once_in_json_and_in_sse(
    offline_chat: TestClient[Any], database: Database
) -> None:
    token = make_user(database, "ned")
    conversation = offline_chat.post("/v1/conversations", headers=auth(token)).json()["id"]
    url = f"/v1/conversations/{conversation}/messages"

    first = offline_chat.post(url, json={"text": PHONES}, headers=keyed(token, "m1"))
    again = offline_chat.post(url, json={"text": PHONES}, headers=keyed(token, "m1"))
    assert first.status_code == again.status_code == 200
    assert again.json() == first.json() and again.headers["idempotent-replayed"] == "true"
    assert count(database, Message) == 2  # the user's message and one answer

    sse = keyed(token, "m2", Accept="text/event-stream")
    streamed = offline_chat.post(url, json={"text": PHONES}, headers=sse)
    replayed = offline_chat.post(url, json={"text": PHONES}, headers=sse)
    assert streamed.status_code == replayed.status_code == 200
    assert replayed.headers["content-type"].startswith("text/event-stream")
    assert replayed.headers["cache-control"] == "no-store"
    assert replayed.text == streamed.text and "event: done" in streamed.text
    assert count(database, Message) == 4


def test_a_keyed_sse_answer_still_streams(
    database: Database, redis: Any, embedder: Any, knowledge_base: Path, llm: ScriptedLLM
) -> None:
    from service.api.app import create_app

    tokens = ["Eating in silence ", "sounds lonely. ", "What would ", "make dinner ", "yours?"]
    llm.stream(tokens, token_delay=0.3)
    gateway = LLMGateway(llm.base_url, llm.model, "k", timeout=5.0, max_retries=0)
    token = make_user(database, "oli")
    app = create_app(database, redis, _engine(database, embedder, gateway))
    with serve(app) as base_url, httpx.Client(base_url=base_url, timeout=30) as http:
        conversation = http.post("/v1/conversations", headers=auth(token)).json()["id"]
        headers = keyed(token, "stream", Accept="text/event-stream")
        url = f"/v1/conversations/{conversation}/messages"
        with http.stream("POST", url, json={"text": PHONES}, headers=headers) as response:
            lines = response.iter_lines()
            first_delta_at = next(time.monotonic() for line in lines if line == "event: delta")
            assert "event: done" in list(lines)
        replayed = http.post(url, json={"text": PHONES}, headers=headers)
    # The first sentence reached the client while the model was still writing the rest.
    assert first_delta_at < llm.requests[0].token_sent_at[-1] - 0.5
    assert replayed.headers["idempotent-replayed"] == "true" and "event: done" in replayed.text
    assert len(llm.requests) == 1 and count(database, Message) == 2


def test_answering_a_safety_question_is_replayed(
    client: TestClient[Any], database: Database
) -> None:
    token = make_user(database, "pia")
    with database.unit_of_work() as session:
        user_id = session.scalar(select(User.id).where(User.name == "pia"))
        question = SafetyQuestion(
            id=uuid.uuid4(), user_id=user_id, kind="self_harm", locale="en-US", reason="uncertain"
        )
        session.add(question)
    url = f"/v1/safety-questions/{question.id}/answer"
    first = client.post(url, json={"answer": "no"}, headers=keyed(token, "answer"))
    again = client.post(url, json={"answer": "no"}, headers=keyed(token, "answer"))
    assert first.status_code == again.status_code == 200  # without the key: 409, answered
    assert again.json() == first.json() and again.headers["idempotent-replayed"] == "true"
    assert client.post(url, json={"answer": "no"}, headers=auth(token)).status_code == 409


def test_a_body_over_the_limit_is_refused_by_the_route_and_not_remembered(
    client: TestClient[Any], database: Database
) -> None:
    token = make_user(database, "quin")
    huge = {"text": "x" * (70 * 1024)}
    response = client.post("/v1/checkins", json=huge, headers=keyed(token, "big"))
    assert response.status_code == 413
    assert count(database, IdempotencyKey) == 0 and count(database, CheckIn) == 0
