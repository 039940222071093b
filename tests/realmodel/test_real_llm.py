"""The real client against a real llama.cpp server with SmolLM2-135M: tip, chat stream, labels.

Nothing is scripted here: llama-cpp-python 0.3.36 answers (it refuses ``json_schema``, streams
without usage, writes what a 135M model writes). Each path must complete through the real
code, with the model really asked; falling back to the offline composer or the local
classifier where the guard or the schema refuses the answer is allowed, and is what the
measured runs in docs/llm.md count.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import select

from service.classify.classifier import CheckInText
from service.classify.combined import LLMBackedClassifier
from service.classify.llm_backend import LLMClassifier
from service.classify.provider import local_classifier
from service.coaching.llm_writer import LLMTipWriter
from service.conversations.chat import ChatEngine
from service.lib.llm import LLMGateway
from service.lib.llm_stats import CallLog
from service.persistence.models import Generation
from tests.integration.conftest import KNOWLEDGE, auth, drain, make_user
from tests.realmodel.conftest import MODEL, N_CTX
from tests.support.http_server import serve

pytestmark = [pytest.mark.realmodel, pytest.mark.integration, pytest.mark.timeout(1200)]

PHONES = "He was on his phone through the whole dinner again and I felt invisible."


@pytest.fixture
def gateway(real_llm: str) -> Iterator[LLMGateway]:
    gw = LLMGateway(real_llm, MODEL, None, timeout=600, max_retries=0, context_tokens=N_CTX)
    gw.calls = CallLog()
    yield gw
    gw.close()


def answered(gw: LLMGateway, purpose: str) -> list[Any]:
    """Calls the real server answered (valid or not): proof the model was asked."""
    assert gw.calls is not None
    return [c for c in gw.calls.calls if c.purpose == purpose and c.outcome in ("ok", "bad_output")]


def test_a_tip_goes_through_the_pipeline_with_the_real_model(
    client: Any, database: Any, knowledge_base: Path, job_context: Any, gateway: LLMGateway
) -> None:
    job_context._tip_writer = LLMTipWriter(gateway)
    # A CPU model takes minutes here; the pipeline's 2-minute job limit is for hosted ones.
    job_context.settings = job_context.settings.model_copy(update={"job_timeout_seconds": 1800})
    token = make_user(database, "real-tip")
    posted = client.post("/v1/checkins", json={"text": PHONES, "mood": 2, "connection": 2},
                         headers=auth(token))  # fmt: skip
    assert posted.status_code == 202
    drain(job_context)

    view = client.get(f"/v1/checkins/{posted.json()['id']}", headers=auth(token)).json()
    assert view["status"] == "tip_ready"
    tip = view["tip"]
    with database.unit_of_work() as session:
        rows = list(session.scalars(select(Generation).where(
            Generation.checkin_id == posted.json()["id"]).order_by(Generation.id)))  # fmt: skip
    model_rows = [r for r in rows if r.backend == "llm"]
    assert model_rows, "the model was never asked"
    assert answered(gateway, "tip"), "the real server never answered"
    # llama-cpp-python has no json_schema: the gateway learnt that from its refusal.
    assert gateway.json_mode == "json_object_schema"
    for row in model_rows:
        assert row.model == MODEL
        if row.outcome != "error":  # a parsed answer carries the server's token counts
            assert row.prompt_tokens > 500 and row.completion_tokens > 0
    final = rows[-1]
    assert final.outcome == "accepted" and final.backend == tip["backend"]
    if tip["backend"] == "llm":
        assert tip["prompt_version"].startswith("tip@") and tip["citations"]
    else:  # the guard or the schema refused the model: the offline composer answered
        assert tip["backend"] == "offline" and tip["citations"]


def _events(response: httpx.Response) -> Iterator[tuple[str, dict[str, Any]]]:
    event = None
    for line in response.iter_lines():
        if line.startswith("event:"):
            event = line.split(":", 1)[1].strip()
        elif line.startswith("data:") and event:
            yield event, json.loads(line.split(":", 1)[1])
            event = None


def test_a_chat_answer_streams_over_sse_from_the_real_model(
    database: Any, redis: Any, embedder: Any, knowledge_base: Path, gateway: LLMGateway
) -> None:
    from service.api.app import create_app

    engine = ChatEngine(database, embedder=lambda: embedder, gateway=lambda: gateway,
                        knowledge_dir=KNOWLEDGE)  # fmt: skip
    token = make_user(database, "real-chat")
    with serve(create_app(database, redis, engine)) as base_url, httpx.Client(
        base_url=base_url, timeout=900
    ) as http:  # fmt: skip
        conversation = http.post("/v1/conversations", headers=auth(token)).json()["id"]
        headers = {**auth(token), "Accept": "text/event-stream"}
        started = time.monotonic()
        with http.stream("POST", f"/v1/conversations/{conversation}/messages",
                         json={"text": PHONES}, headers=headers) as response:  # fmt: skip
            assert response.status_code == 200
            assert response.headers["content-type"].startswith("text/event-stream")
            events = list(_events(response))
        seconds = time.monotonic() - started
    kinds = [kind for kind, _ in events]
    assert kinds[0] == "meta" and kinds[-1] == "done", kinds
    assert "delta" in kinds or "replace" in kinds
    message = events[-1][1]["message"]
    assert message["content"] and message["backend"] in ("llm", "offline")
    (call,) = answered(gateway, "chat")
    # llama-cpp-python streams no usage: counted per chunk and estimated, and said so.
    assert call.completion_tokens > 0 and call.prompt_tokens > 0 and call.usage_estimated
    assert call.seconds <= seconds
    with database.unit_of_work() as session:
        rows = list(session.scalars(select(Generation).where(
            Generation.message_id == message["id"]).order_by(Generation.id)))  # fmt: skip
    assert rows[0].backend == "llm" and rows[0].model == MODEL and rows[0].completion_tokens > 0
    assert rows[-1].backend == message["backend"]


def test_a_classification_is_read_by_the_real_model(embedder: Any, gateway: LLMGateway) -> None:
    text = ("Work has been brutal and I snap at her over nothing. Last night she asked about "
            "my day and I just stared at my phone.")  # fmt: skip
    backed = LLMBackedClassifier(LLMClassifier(gateway), local_classifier(embedder))
    (result,) = backed.classify_batch([CheckInText(text, 2, 2, "en-US")])
    (call,) = answered(gateway, "checkin_labels")
    if call.outcome == "ok":  # labels within the taxonomy, joined with the local model's
        assert result.backend == "llm" and MODEL in result.model_version
        assert call.prompt_tokens > 1000 and call.completion_tokens > 0
    else:  # the schema refused the answer: the local result stands, with a note
        assert any("LLMOutputError" in n for n in result.notes)
    # The rules and the local model read first; a model can only raise the risk level.
    assert str(result.risk_level) in ("none", "concern", "elevated", "urgent")
