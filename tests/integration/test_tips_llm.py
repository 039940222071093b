"""Tips written by a model through the gateway, against a scripted OpenAI-compatible server.

The real path runs: API → outbox → RQ worker → classifier → retrieval → openai client over HTTP
→ guard → stored tip and one ``generations`` row per attempt.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from service.coaching.llm_writer import LLMTipWriter
from service.lib.llm import LLMGateway
from service.persistence.models import Generation
from tests.integration.conftest import auth, drain, make_user
from tests.support.scripted_llm import ScriptedLLM

pytestmark = pytest.mark.integration

PHONES = "He was on his phone through the whole dinner again and I felt invisible."
TECH_CARD = "technology-as-a-bridge"


def _tip(**overrides: Any) -> dict[str, Any]:
    tip = {
        "title": "Phones down for one meal",
        "why": "You felt invisible while the phone came first at dinner.",
        "steps": [
            "Agree on one phone-free meal a day.",
            "Put both phones in another room before you sit down.",
        ],
        "tonight": "Ask for ten phone-free minutes after dinner.",
        "question": "What would make dinner feel like our time?",
        "partner_view": "He may not notice how often he reaches for it; that is a habit, not a verdict on you.",
        "citations": [TECH_CARD],
    }
    tip.update(overrides)
    return tip


@pytest.fixture
def llm() -> Iterator[ScriptedLLM]:
    with ScriptedLLM(model="scripted-coach") as server:
        yield server


@pytest.fixture
def llm_context(job_context: Any, llm: ScriptedLLM) -> Any:
    gateway = LLMGateway(
        llm.base_url, llm.model, "test-key", timeout=1.0, max_retries=2, sleep=lambda _: None
    )
    job_context._tip_writer = LLMTipWriter(gateway)
    yield job_context
    gateway.close()


def _submit(client: Any, database: Any, text: str, **extra: Any) -> tuple[str, str]:
    token = make_user(database, "noor", locale=extra.pop("user_locale", "en-US"))
    posted = client.post("/v1/checkins", json={"text": text, **extra}, headers=auth(token))
    assert posted.status_code == 202
    return token, str(posted.json()["id"])


def _view(client: Any, token: str, checkin_id: str) -> dict[str, Any]:
    response = client.get(f"/v1/checkins/{checkin_id}", headers=auth(token))
    assert response.status_code == 200
    return dict(response.json())


def _generations(database: Any, checkin_id: str) -> list[Generation]:
    with database.unit_of_work() as session:
        rows = session.scalars(
            select(Generation).where(Generation.checkin_id == checkin_id).order_by(Generation.id)
        )
        return list(rows)


def test_structured_tip_from_the_model_is_stored_with_prompt_version_and_tokens(
    client: Any, database: Any, knowledge_base: Path, llm_context: Any, llm: ScriptedLLM
) -> None:
    llm.json(_tip(), usage=(420, 96))
    token, checkin_id = _submit(client, database, PHONES, mood=2, connection=2)
    drain(llm_context)

    tip = _view(client, token, checkin_id)["tip"]
    assert tip["backend"] == "llm"
    assert tip["prompt_version"] == "tip@v2+guidelines@v1"
    assert tip["citations"] == [TECH_CARD]
    assert 2 <= len(tip["steps"]) <= 4 and tip["tonight"] and tip["why"]
    request = llm.requests[0]
    assert request.body["response_format"]["json_schema"]["name"] == "tip"
    assert "No diagnosis" in request.content_of("system")  # the guidelines go first
    assert PHONES in request.content_of("user")
    assert f"[{TECH_CARD}]" in request.content_of("user")  # retrieved cards are in the prompt
    (row,) = _generations(database, checkin_id)
    assert (row.outcome, row.backend, row.prompt_tokens, row.completion_tokens) == (
        "accepted", "llm", 420, 96,
    )  # fmt: skip
    assert row.verdict["passed"] is True and row.model == "scripted-coach"


def test_429_and_500_are_retried_then_the_answer_is_used(
    client: Any, database: Any, knowledge_base: Path, llm_context: Any, llm: ScriptedLLM
) -> None:
    llm.status(429, headers={"retry-after": "0"}).status(500).json(_tip())
    token, checkin_id = _submit(client, database, PHONES)
    drain(llm_context)
    assert _view(client, token, checkin_id)["tip"]["backend"] == "llm"
    assert len(llm.requests) == 3
    assert [g.outcome for g in _generations(database, checkin_id)] == ["accepted"]


def test_timeout_falls_back_to_the_offline_composer(
    client: Any, database: Any, knowledge_base: Path, llm_context: Any, llm: ScriptedLLM
) -> None:
    for _ in range(3):  # the first call and both retries time out (client timeout 1 s)
        llm.json(_tip(), delay=1.6)
    token, checkin_id = _submit(client, database, PHONES)
    drain(llm_context)
    tip = _view(client, token, checkin_id)["tip"]
    assert tip["backend"] == "offline"
    assert TECH_CARD in tip["citations"]
    rows = _generations(database, checkin_id)
    assert [(g.backend, g.outcome) for g in rows] == [("llm", "error"), ("offline", "accepted")]
    assert "unavailable" in rows[0].verdict["error"]


def test_guard_rejection_regenerates_once_then_falls_back(
    client: Any, database: Any, knowledge_base: Path, llm_context: Any, llm: ScriptedLLM
) -> None:
    llm.json(_tip(citations=["made-up-card"]))
    llm.json(_tip(why="Honestly he sounds like a narcissist, and he does not care about you."))
    token, checkin_id = _submit(client, database, PHONES)
    drain(llm_context)
    tip = _view(client, token, checkin_id)["tip"]
    assert tip["backend"] == "offline"
    assert "narcissist" not in str(tip)
    rows = _generations(database, checkin_id)
    assert [(g.backend, g.outcome) for g in rows] == [
        ("llm", "rejected"), ("llm", "rejected"), ("offline", "accepted"),
    ]  # fmt: skip
    rules = [sorted({v["rule"] for v in g.verdict["violations"]}) for g in rows[:2]]
    assert rules == [["grounding"], ["no_blame", "no_diagnosis"]]


def test_a_rejected_answer_is_replaced_by_a_good_regeneration(
    client: Any, database: Any, knowledge_base: Path, llm_context: Any, llm: ScriptedLLM
) -> None:
    llm.json(_tip(steps=["Put phones away."]))  # one step: not a usable tip
    llm.json(_tip())
    token, checkin_id = _submit(client, database, PHONES)
    drain(llm_context)
    assert _view(client, token, checkin_id)["tip"]["backend"] == "llm"
    assert [g.outcome for g in _generations(database, checkin_id)] == ["rejected", "accepted"]


def test_malformed_output_is_regenerated(
    client: Any, database: Any, knowledge_base: Path, llm_context: Any, llm: ScriptedLLM
) -> None:
    llm.text("Sure! Here is a tip: put the phones away.")
    llm.json(_tip())
    token, checkin_id = _submit(client, database, PHONES)
    drain(llm_context)
    assert _view(client, token, checkin_id)["tip"]["backend"] == "llm"
    assert [g.outcome for g in _generations(database, checkin_id)] == ["error", "accepted"]


def test_urgent_risk_never_reaches_the_model(
    client: Any, database: Any, knowledge_base: Path, llm_context: Any, llm: ScriptedLLM
) -> None:
    text = "I have the pills counted out and I'm taking them tonight after everyone is asleep."
    token, checkin_id = _submit(client, database, text)
    drain(llm_context)
    tip = _view(client, token, checkin_id)["tip"]
    assert tip["kind"] == "safety" and tip["backend"] == "offline"
    assert tip["citations"] == []
    assert llm.requests == []


def test_violence_gets_a_model_message_but_only_individual_steps_and_resources_first(
    client: Any, database: Any, knowledge_base: Path, llm_context: Any, llm: ScriptedLLM
) -> None:
    joint = {
        "message": "I'm so sorry this is happening. It is not your fault.",
        "steps": ["Sit down together tonight and talk it through calmly."],
        "citations": [],
    }
    alone = {
        "message": "I'm so sorry this is happening. It is not your fault, and you deserve to be safe.",
        "steps": ["Save the helpline number under a name only you know."],
        "citations": [],
    }
    llm.json(joint).json(alone)
    text = "He shoved me against the fridge last week and said he'd break my arm if I tell anyone."
    token, checkin_id = _submit(client, database, text, locale="en-GB")
    drain(llm_context)
    tip = _view(client, token, checkin_id)["tip"]
    assert tip["kind"] == "safety" and tip["backend"] == "llm"
    assert tip["prompt_version"] == "escalation@v1+guidelines@v1"
    assert tip["resources"][0]["name"].startswith("National Domestic Abuse Helpline")
    assert tip["steps"] == alone["steps"]
    rows = _generations(database, checkin_id)
    assert [g.outcome for g in rows] == ["rejected", "accepted"]
    assert rows[0].verdict["violations"][0]["rule"] == "ipv_rules"


def test_the_model_never_receives_the_other_partners_private_text(
    client: Any, database: Any, knowledge_base: Path, llm_context: Any, llm: ScriptedLLM
) -> None:
    token_a = make_user(database, "ola")
    token_b = make_user(database, "pia")
    code = client.post("/v1/couples", headers=auth(token_a)).json()["invite_code"]
    assert client.post(
        "/v1/couples/join", json={"invite_code": code}, headers=auth(token_b)
    ).is_success
    secret = "Booked the Lisbon flat with Marguerite for the saxophone retreat, he must not know."
    client.post("/v1/checkins", json={"text": secret}, headers=auth(token_b))
    llm.json(_tip(why="Maybe plan a saxophone evening like the Lisbon one."))  # leaks: rejected
    llm.json(_tip())
    posted = client.post("/v1/checkins", json={"text": PHONES}, headers=auth(token_a))
    checkin_id = posted.json()["id"]
    # The partner's own check-in is answered offline (the script has two replies for A only).
    llm_context._tip_writer = None
    drain(llm_context)  # B's check-in first: composer
    llm_context._tip_writer = LLMTipWriter(
        LLMGateway(llm.base_url, llm.model, "k", timeout=1.0, max_retries=0)
    )
    from workers.jobs import advise_checkin

    with database.unit_of_work() as session:
        from service.persistence.models import Tip

        session.execute(Tip.__table__.delete().where(Tip.checkin_id == checkin_id))
        session.execute(Generation.__table__.delete().where(Generation.checkin_id == checkin_id))
    advise_checkin(checkin_id)
    for request in llm.requests:
        assert "Marguerite" not in str(request.body) and "Lisbon" not in str(request.body)
    rows = _generations(database, checkin_id)
    assert [g.outcome for g in rows] == ["rejected", "accepted"]
    assert rows[0].verdict["violations"][0]["rule"] == "no_leak"
    assert "Lisbon" not in str(_view(client, token_a, checkin_id)["tip"])
