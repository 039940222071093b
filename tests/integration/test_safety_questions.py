"""Ask, don't assume, through the real path: API -> outbox -> RQ worker -> API.

An uncertain check-in gets a direct safety question in its tip; "yes" opens an escalation the
assigned coach sees at once and turns the response into the safety response; "no" is respected
and not asked again; "prefer not" (or silence) reaches the coach's low-priority lane; the other
partner never learns any of it.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from service.lib.crypto import hash_token
from service.persistence.models import ApiToken, Escalation, SafetyQuestion
from service.safety_questions.wording import KINDS
from tests.integration.conftest import auth, drain, make_user

pytestmark = pytest.mark.integration

# A probing question about what the service does with a disclosure: the rules always read it
# as uncertain (row A3 of the ask table), whatever the model's score.
UNCERTAIN = (
    "what happens if I tell you something bad? like would you call someone? "
    "things have been a lot lately"
)


def _user_id(database: Any, token: str) -> str:
    with database.unit_of_work() as session:
        return str(
            session.scalar(select(ApiToken.user_id).where(ApiToken.token_hash == hash_token(token)))
        )


@pytest.fixture
def couple(client: Any, database: Any, knowledge_base: Path, job_context: Any) -> dict[str, str]:
    """Ana and Ben, a couple; Carla their coach; Dana a coach of nobody; an admin."""
    ana, ben = make_user(database, "ana"), make_user(database, "ben")
    made = client.post("/v1/couples", headers=auth(ana)).json()
    joined = client.post("/v1/couples/join", json={"invite_code": made["invite_code"]},
                         headers=auth(ben))  # fmt: skip
    assert joined.status_code == 200
    admin = make_user(database, "root", role="admin")
    carla = make_user(database, "carla", role="coach")
    dana = make_user(database, "dana", role="coach")
    assigned = client.post(f"/v1/couples/{made['id']}/coaches",
                           json={"coach_id": _user_id(database, carla)}, headers=auth(admin))  # fmt: skip
    assert assigned.status_code == 201, assigned.text
    return {"ana": ana, "ben": ben, "carla": carla, "dana": dana, "admin": admin}


def _checkin(client: Any, job_context: Any, token: str, text: str, **extra: Any) -> dict[str, Any]:
    posted = client.post("/v1/checkins", json={"text": text, **extra}, headers=auth(token))
    assert posted.status_code == 202, posted.text
    drain(job_context)
    view = client.get(f"/v1/checkins/{posted.json()['id']}", headers=auth(token)).json()
    assert view["status"] == "tip_ready"
    return dict(view)


def _ben_sees_nothing(client: Any, couple: dict[str, str], question_id: str) -> None:
    ben = auth(couple["ben"])
    for url in ("/v1/partner/checkins", "/v1/checkins"):
        response = client.get(url, headers=ben)
        assert response.status_code == 200
        assert question_id not in response.text
        assert "safety_question" not in response.text
        assert "things have been a lot lately" not in response.text
    answered = client.post(f"/v1/safety-questions/{question_id}/answer",
                           json={"answer": "no"}, headers=ben)  # fmt: skip
    assert answered.status_code == 404  # his partner's question does not exist for him


def test_uncertain_checkin_is_asked_and_yes_escalates_at_once(
    client: Any, couple: dict[str, str], job_context: Any
) -> None:
    view = _checkin(client, job_context, couple["ana"], UNCERTAIN, shared_with_partner=True)
    assert view["classification"]["ask_safety"] is True
    assert view["classification"]["risk_level"] in ("none", "concern")
    question = view["tip"]["safety_question"]
    assert question["kind"] in KINDS and question["kind"] == view["classification"]["ask_kind"]
    assert question["answers"] == ["yes", "no", "prefer_not"]
    assert question["status"] == "open" and question["text"].endswith("?")
    assert question["resources"], "the locale's resources are listed below the question"
    assert "check_in_question" not in view["tip"]  # one question, not two
    _ben_sees_nothing(client, couple, question["id"])
    assert client.get("/v1/escalations", headers=auth(couple["carla"])).json()["items"] == []

    answered = client.post(f"/v1/safety-questions/{question['id']}/answer",
                           json={"answer": "yes"}, headers=auth(couple["ana"]))  # fmt: skip
    assert answered.status_code == 200, answered.text
    body = answered.json()
    assert body["escalated"] is True and body["escalation_severity"] in ("elevated", "urgent")
    assert body["question"]["status"] == "answered" and body["question"]["answer"] == "yes"
    assert body["response"]["kind"] == "safety"
    assert body["response"]["resources"] and body["response"]["coach_alerted"] is True

    # The assigned coach sees it now (no worker cycle needed); another coach does not.
    queue = client.get("/v1/escalations", headers=auth(couple["carla"])).json()["items"]
    assert [e["checkin_id"] for e in queue] == [view["id"]]
    assert queue[0]["lane"] == "safety" and queue[0]["safety_question"]["answer"] == "yes"
    assert client.get("/v1/escalations", headers=auth(couple["dana"])).json()["items"] == []
    again = client.get(f"/v1/checkins/{view['id']}", headers=auth(couple["ana"])).json()
    assert again["tip"]["kind"] == "safety"
    _ben_sees_nothing(client, couple, question["id"])
    twice = client.post(f"/v1/safety-questions/{question['id']}/answer",
                        json={"answer": "no"}, headers=auth(couple["ana"]))  # fmt: skip
    assert twice.status_code == 409


def test_no_is_respected_and_not_asked_again(
    client: Any, couple: dict[str, str], job_context: Any, database: Any
) -> None:
    first = _checkin(client, job_context, couple["ana"], UNCERTAIN)
    question = first["tip"]["safety_question"]
    answered = client.post(f"/v1/safety-questions/{question['id']}/answer",
                           json={"answer": "no"}, headers=auth(couple["ana"]))  # fmt: skip
    body = answered.json()
    assert body["escalated"] is False and body["message"]
    assert body["response"]["kind"] == "coaching"
    with database.unit_of_work() as session:
        assert session.scalar(select(Escalation)) is None

    second = _checkin(client, job_context, couple["ana"], UNCERTAIN + " again")
    assert second["classification"]["ask_safety"] is True  # the reading still says uncertain
    assert not second["tip"].get("safety_question")  # but a recent "no" covers it
    assert client.get("/v1/escalations", headers=auth(couple["carla"])).json()["items"] == []


def test_a_no_never_lowers_a_clear_escalation(
    client: Any, couple: dict[str, str], job_context: Any
) -> None:
    first = _checkin(client, job_context, couple["ana"], UNCERTAIN)
    qid = first["tip"]["safety_question"]["id"]
    client.post(f"/v1/safety-questions/{qid}/answer", json={"answer": "no"},
                headers=auth(couple["ana"]))  # fmt: skip
    clear = _checkin(client, job_context, couple["ana"],
                     "I have the pills ready and I'm going to take them all tonight")  # fmt: skip
    assert clear["classification"]["risk_level"] == "urgent"
    assert clear["tip"]["kind"] == "safety"
    queue = client.get("/v1/escalations", headers=auth(couple["carla"])).json()["items"]
    assert [e["severity"] for e in queue] == ["urgent"]


def test_prefer_not_and_silence_reach_the_coach_lane(
    client: Any, couple: dict[str, str], job_context: Any, database: Any
) -> None:
    from workers.runtime import expire_once

    first = _checkin(client, job_context, couple["ana"], UNCERTAIN)
    qid = first["tip"]["safety_question"]["id"]
    body = client.post(f"/v1/safety-questions/{qid}/answer", json={"answer": "prefer_not"},
                       headers=auth(couple["ana"])).json()  # fmt: skip
    assert body["escalated"] is False and body["message"]
    queue = client.get("/v1/escalations", headers=auth(couple["carla"])).json()["items"]
    assert [(e["severity"], e["lane"]) for e in queue] == [
        ("concern", "unanswered_safety_question")
    ]

    # Ben's uncertain check-in, left unanswered past the window, reaches the lane too.
    ben = _checkin(client, job_context, couple["ben"], UNCERTAIN)
    assert ben["tip"]["safety_question"]["status"] == "open"
    with database.unit_of_work() as session:
        row = session.scalar(select(SafetyQuestion).where(SafetyQuestion.status == "open"))
        assert row is not None
        row.asked_at = datetime.now(UTC) - timedelta(hours=25)
    assert expire_once(job_context) == 1
    queue = client.get("/v1/escalations", headers=auth(couple["carla"])).json()["items"]
    assert len(queue) == 2 and {e["lane"] for e in queue} == {"unanswered_safety_question"}
    late = client.post(f"/v1/safety-questions/{ben['tip']['safety_question']['id']}/answer",
                       json={"answer": "yes"}, headers=auth(couple["ben"]))  # fmt: skip
    assert late.json()["escalated"] is True  # a late yes still escalates, and is first now
    queue = client.get("/v1/escalations", headers=auth(couple["carla"])).json()["items"]
    assert queue[0]["severity"] in ("elevated", "urgent") and queue[0]["lane"] == "safety"


def test_chat_reads_the_next_message_as_the_answer(
    client: Any, couple: dict[str, str], job_context: Any, database: Any
) -> None:
    ana = auth(couple["ana"])
    conversation = client.post("/v1/conversations", json={"locale": "de-DE"}, headers=ana).json()
    url = f"/v1/conversations/{conversation['id']}/messages"
    first = client.post(url, json={"text": UNCERTAIN}, headers=ana).json()
    question = first["message"]["safety_question"]
    assert question["status"] == "open" and question["answer_labels"]["yes"] == "Ja"
    reply = client.post(url, json={"text": "ja"}, headers=ana).json()
    assert reply["answered_question"] == {"id": question["id"], "answer": "yes"}
    assert reply["message"]["kind"] == "safety" and reply["escalated"] is True
    queue = client.get("/v1/escalations", headers=auth(couple["carla"])).json()["items"]
    assert len(queue) == 1 and queue[0]["source"] == "chat"
    _ben_sees_nothing(client, couple, question["id"])


def test_the_openapi_schema_shows_the_endpoint_and_the_object(client: Any) -> None:
    schema = client.get("/schema/openapi.json").json()
    assert "/v1/safety-questions/{question_id}/answer" in schema["paths"]
    shown = schema["components"]["schemas"]
    view = next(v for k, v in shown.items() if k.endswith("SafetyQuestionView"))
    assert {"id", "kind", "text", "answers", "resources"} <= set(view["properties"])


def test_a_yes_with_a_time_in_the_note_is_urgent(
    client: Any, couple: dict[str, str], job_context: Any
) -> None:
    view = _checkin(client, job_context, couple["ana"], UNCERTAIN)
    qid = view["tip"]["safety_question"]["id"]
    body = client.post(f"/v1/safety-questions/{qid}/answer",
                       json={"answer": "yes", "note": "i've worked out how and it's tonight"},
                       headers=auth(couple["ana"])).json()  # fmt: skip
    assert body["escalation_severity"] == "urgent"
    queue = client.get("/v1/escalations", headers=auth(couple["carla"])).json()["items"]
    assert [e["severity"] for e in queue] == ["urgent"]
    assert "worked out how" not in str(queue)  # the note is the partner's: never in the queue
