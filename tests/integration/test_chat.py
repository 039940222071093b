"""Chat: JSON and Server-Sent Events, safety before any model, a guard on every sentence.

The SSE test runs the app under a real uvicorn server and reads the stream over HTTP, so that
"the first event arrives before the whole answer exists" is measured, not assumed.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from litestar.testing import TestClient
from sqlalchemy import select

from service.conversations.chat import ChatEngine
from service.lib.llm import LLMGateway
from service.persistence.models import Conversation, Escalation, Generation
from tests.integration.conftest import KNOWLEDGE, auth, make_user
from tests.support.http_server import serve
from tests.support.scripted_llm import ScriptedLLM

pytestmark = pytest.mark.integration

PHONES = "He scrolls his phone through every dinner and I end up eating in silence."
TECH = "technology-as-a-bridge"


@pytest.fixture
def llm() -> Iterator[ScriptedLLM]:
    with ScriptedLLM(model="scripted-chat") as server:
        yield server


def _engine(database: Any, embedder: Any, gateway: LLMGateway | None) -> ChatEngine:
    return ChatEngine(
        database, embedder=lambda: embedder, gateway=lambda: gateway, knowledge_dir=KNOWLEDGE
    )


@pytest.fixture
def offline_chat(
    database: Any, redis: Any, embedder: Any, knowledge_base: Path
) -> Iterator[TestClient[Any]]:
    from service.api.app import create_app

    app = create_app(database, redis, _engine(database, embedder, None))
    with TestClient(app=app) as client:
        yield client


@pytest.fixture
def model_server(
    database: Any, redis: Any, embedder: Any, knowledge_base: Path, llm: ScriptedLLM
) -> Iterator[str]:
    """The API with a model-backed chat, served by uvicorn on a free port."""
    from service.api.app import create_app

    gateway = LLMGateway(llm.base_url, llm.model, "k", timeout=5.0, max_retries=0)
    app = create_app(database, redis, _engine(database, embedder, gateway))
    with serve(app) as base_url:
        yield base_url
    gateway.close()


def _start(client: Any, token: str) -> str:
    response = client.post("/v1/conversations", headers=auth(token))
    assert response.status_code == 201
    return str(response.json()["id"])


def _events(response: httpx.Response) -> Iterator[tuple[str, dict[str, Any], float]]:
    event = None
    for line in response.iter_lines():
        if line.startswith("event:"):
            event = line.split(":", 1)[1].strip()
        elif line.startswith("data:") and event:
            yield event, json.loads(line.split(":", 1)[1]), time.monotonic()
            event = None


def test_json_answer_offline_is_grounded_and_remembered(
    offline_chat: TestClient[Any], database: Any
) -> None:
    token = make_user(database, "rae")
    conversation = _start(offline_chat, token)
    response = offline_chat.post(
        f"/v1/conversations/{conversation}/messages", json={"text": PHONES}, headers=auth(token)
    )
    assert response.status_code == 200
    body = response.json()
    message = body["message"]
    assert message["backend"] == "offline" and message["kind"] == "chat"
    assert TECH in message["citations"]
    assert body["risk_level"] == "none" and body["escalated"] is False
    history = offline_chat.get(f"/v1/conversations/{conversation}", headers=auth(token)).json()
    assert [m["role"] for m in history["messages"]] == ["user", "assistant"]
    assert history["messages"][0]["content"] == PHONES


def test_older_turns_fold_into_a_rolling_summary(
    offline_chat: TestClient[Any], database: Any
) -> None:
    token = make_user(database, "sol")
    conversation = _start(offline_chat, token)
    texts = [
        "We had a fight about the Christmas plans with my parents.",
        PHONES,
        "I feel like we only talk about bills and the kids now.",
        "Last night she hugged me out of nowhere and it felt really good.",
    ]
    for text in texts:
        url = f"/v1/conversations/{conversation}/messages"
        assert offline_chat.post(url, json={"text": text}, headers=auth(token)).status_code == 200
    with database.unit_of_work() as session:
        row = session.scalar(select(Conversation).where(Conversation.id == conversation))
        assert row is not None
        assert row.summarized_upto == 2  # 8 messages, the last 6 kept verbatim
        assert row.summary is not None and "Christmas plans" in row.summary


def test_bad_input_and_other_peoples_conversations(
    offline_chat: TestClient[Any], database: Any
) -> None:
    owner, other = make_user(database, "tia"), make_user(database, "uma")
    conversation = _start(offline_chat, owner)
    url = f"/v1/conversations/{conversation}/messages"
    assert offline_chat.post(url, json={"text": "hi"}, headers=auth(other)).status_code == 404
    assert offline_chat.post(url, json={"text": ""}, headers=auth(owner)).status_code == 400
    assert offline_chat.post(url, json={"txt": "x"}, headers=auth(owner)).status_code == 400
    assert offline_chat.post(url, json={"text": "hi"}).status_code == 401
    missing = "/v1/conversations/00000000-0000-0000-0000-000000000000/messages"
    assert offline_chat.post(missing, json={"text": "hi"}, headers=auth(owner)).status_code == 404


def test_sse_streams_the_first_sentence_before_the_model_has_finished(
    model_server: str, database: Any, llm: ScriptedLLM
) -> None:
    tokens = [
        "Eating in silence ", "while he scrolls ", "sounds lonely. ",
        "One idea is a ", "phone basket ", f"at dinner [{TECH}]. ",
        "What would ", "make dinner ", "feel like yours ", "again?",
    ]  # fmt: skip
    llm.stream(tokens, token_delay=0.25, usage=(300, 40))
    token = make_user(database, "vic")
    with httpx.Client(base_url=model_server, timeout=30) as http:
        conversation = _start(http, token)
        headers = {**auth(token), "Accept": "text/event-stream"}
        with http.stream(
            "POST", f"/v1/conversations/{conversation}/messages", json={"text": PHONES},
            headers=headers,
        ) as response:  # fmt: skip
            assert response.status_code == 200
            assert response.headers["content-type"].startswith("text/event-stream")
            events = list(_events(response))
    kinds = [e[0] for e in events]
    assert kinds[0] == "meta" and kinds[-1] == "done" and "replace" not in kinds
    first_delta_at = next(at for kind, _, at in events if kind == "delta")
    last_token_sent = llm.requests[0].token_sent_at[-1]
    assert first_delta_at < last_token_sent - 1.0  # seconds before the model's last token
    done = events[-1][1]["message"]
    assert done["backend"] == "llm" and done["citations"] == [TECH]
    assert done["prompt_version"] == "chat@v2+guidelines@v1"
    assert "Eating in silence" in done["content"]


def test_a_crisis_message_never_reaches_the_model_and_alerts_a_coach(
    model_server: str, database: Any, llm: ScriptedLLM
) -> None:
    token = make_user(database, "wes", locale="en-GB")
    with httpx.Client(base_url=model_server, timeout=30) as http:
        conversation = _start(http, token)
        response = http.post(
            f"/v1/conversations/{conversation}/messages",
            json={"text": "I've saved up my pills and I'm going to take them all tonight."},
            headers=auth(token),
        )
    body = response.json()
    assert body["risk_level"] == "urgent" and body["escalated"] is True
    message = body["message"]
    assert message["kind"] == "safety" and "999" in message["content"]
    assert message["resources"][0]["name"] == "Samaritans"
    assert llm.requests == []  # the detector ran before any model saw the text
    with database.unit_of_work() as session:
        (row,) = session.scalars(select(Escalation))
        assert row.message_id is not None and row.severity == "urgent"


def test_the_guard_stops_a_bad_sentence_mid_stream_and_replaces_the_answer(
    model_server: str, database: Any, llm: ScriptedLLM
) -> None:
    llm.stream(["That sounds hard. ", "Honestly he sounds like a narcissist. ", "Leave."])
    token = make_user(database, "xan")
    with httpx.Client(base_url=model_server, timeout=30) as http:
        conversation = _start(http, token)
        headers = {**auth(token), "Accept": "text/event-stream"}
        with http.stream(
            "POST", f"/v1/conversations/{conversation}/messages", json={"text": PHONES},
            headers=headers,
        ) as response:  # fmt: skip
            events = list(_events(response))
    shown = " ".join(d["text"] for kind, d, _ in events if kind == "delta")
    assert "narcissist" not in shown
    assert [k for k, _, _ in events].count("replace") == 1
    done = events[-1][1]["message"]
    assert done["backend"] == "offline" and "narcissist" not in done["content"]
    with database.unit_of_work() as session:
        rows = list(session.scalars(select(Generation).order_by(Generation.id)))
    assert [(g.backend, g.outcome) for g in rows] == [("llm", "rejected"), ("offline", "accepted")]
    assert rows[0].verdict["violations"][0]["rule"] == "no_diagnosis"


MONEY = "We argued about money again until midnight and went to bed without a word."


def test_an_answer_may_cite_a_card_cited_earlier_in_the_conversation_but_nothing_else(
    model_server: str, database: Any, llm: ScriptedLLM
) -> None:
    """Found against Qwen2.5-1.5B (docs/llm.md): the model sees its earlier answers and the
    summary's ids, and refers back to an earlier card; 5 of 10 chats fell back offline for it.
    A card this conversation already cited, still safe now, is grounded; an id never cited or
    retrieved here is not."""
    llm.stream([f"A phone basket at dinner could help [{TECH}]. ", "Would he try it?"])
    llm.stream(
        ["Money fights at night drain you both. ", f"The phone basket still helps [{TECH}]."]
    )
    llm.stream(["Try a money talk at breakfast [budget-date-night]."])
    token = make_user(database, "yui")
    with httpx.Client(base_url=model_server, timeout=30) as http:
        conversation = _start(http, token)
        url = f"/v1/conversations/{conversation}/messages"
        first, second, third = (
            http.post(url, json={"text": text}, headers=auth(token)).json()
            for text in (PHONES, MONEY, MONEY + " Again.")
        )
    assert first["message"]["backend"] == "llm" and first["message"]["citations"] == [TECH]
    assert second["message"]["backend"] == "llm" and second["message"]["citations"] == [TECH]
    assert third["message"]["backend"] == "offline"
    assert "budget-date-night" not in third["message"]["content"]
    with database.unit_of_work() as session:
        rows = list(session.scalars(select(Generation).order_by(Generation.id)))
    assert [(g.backend, g.outcome) for g in rows] == [
        ("llm", "accepted"), ("llm", "accepted"), ("llm", "rejected"), ("offline", "accepted")
    ]  # fmt: skip
    assert rows[2].verdict["violations"][0]["rule"] == "grounding"


def test_an_earlier_card_that_is_contraindicated_now_is_not_citable(
    database: Any, knowledge_base: Path
) -> None:
    from service.conversations.history import cited_earlier
    from service.persistence.models import Message

    token = make_user(database, "zed")
    with database.unit_of_work() as session:
        from service.accounts.service import Accounts

        user = Accounts(session).authenticate(token)
        conversation = Conversation(user_id=user.id, couple_id=user.couple_id, locale="en-US")
        session.add(conversation)
        session.flush()
        session.add_all([
            Message(conversation_id=conversation.id, seq=1, role="user", content="phones"),
            Message(conversation_id=conversation.id, seq=2, role="assistant", content="basket",
                    citations=[TECH, "no-such-card"]),
        ])  # fmt: skip
        session.flush()
        assert cited_earlier(session, conversation.id, set()) == {TECH}  # unknown ids: never
        assert cited_earlier(session, conversation.id, {"partner_violence"}) == frozenset()


def test_a_speaker_label_at_the_start_of_a_model_answer_is_dropped(
    model_server: str, database: Any, llm: ScriptedLLM
) -> None:
    """Qwen2.5-1.5B sometimes began with the transcript's label: "Partner: I understand…"."""
    llm.stream(["Coach", ": That sounds ", "lonely. ", f"Try a phone basket [{TECH}]."])
    llm.stream(["Partner (new message):\n", f"A phone basket at dinner [{TECH}]."])
    token = make_user(database, "ada")
    with httpx.Client(base_url=model_server, timeout=30) as http:
        conversation = _start(http, token)
        url = f"/v1/conversations/{conversation}/messages"
        answers = [
            http.post(url, json={"text": PHONES}, headers=auth(token)).json()["message"]
            for _ in range(2)
        ]
    assert answers[0]["content"] == f"That sounds lonely. Try a phone basket [{TECH}]."
    assert answers[1]["content"] == f"A phone basket at dinner [{TECH}]."
    assert {a["backend"] for a in answers} == {"llm"}


def test_an_answer_ends_where_the_model_goes_on_writing_the_transcript(
    model_server: str, database: Any, llm: ScriptedLLM
) -> None:
    """Qwen2.5-1.5B (chat@v2, guideline case chat-001) answered, then wrote the partner's next
    line and the closing marker: "… [reflect-then-act] Partner (new message): Any other …
    <<<END CHAT 6646a6b6f7c4>>>"."""
    llm.stream([f"A phone basket at dinner could help [{TECH}]", " Partner (new ", "message): ",
                "Any other ideas? <<<END CHAT 66>>>"])  # fmt: skip
    llm.stream(["Try a phone basket tonight", f" [{TECH}]. <", "<<END CHAT 66>>>"])
    token = make_user(database, "bea")
    with httpx.Client(base_url=model_server, timeout=30) as http:
        conversation = _start(http, token)
        url = f"/v1/conversations/{conversation}/messages"
        answers = [
            http.post(url, json={"text": PHONES}, headers=auth(token)).json()["message"]
            for _ in range(2)
        ]
    assert answers[0]["content"] == f"A phone basket at dinner could help [{TECH}]"
    assert answers[1]["content"] == f"Try a phone basket tonight [{TECH}]."
    assert {a["backend"] for a in answers} == {"llm"}


def test_sentences_that_only_repeat_the_partner_are_not_shown(
    model_server: str, database: Any, llm: ScriptedLLM
) -> None:
    """Qwen2.5-1.5B (chat@v2) opened most answers by copying the partner's message."""
    llm.stream(["He scrolls his phone through every dinner. ", "That sounds lonely. ",
                f"A phone basket at dinner could help [{TECH}]."])  # fmt: skip
    token = make_user(database, "cai")
    with httpx.Client(base_url=model_server, timeout=30) as http:
        conversation = _start(http, token)
        url = f"/v1/conversations/{conversation}/messages"
        answer = http.post(url, json={"text": PHONES}, headers=auth(token)).json()["message"]
    assert answer["content"] == f"That sounds lonely. A phone basket at dinner could help [{TECH}]."
