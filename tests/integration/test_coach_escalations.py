"""The coach escalation queue: scoped to assigned couples, urgent first, handled exactly once."""

from __future__ import annotations

import json
import threading
import uuid
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from sqlalchemy import select

from service.errors import ConflictError
from service.escalations.service import Escalations
from service.lib.crypto import hash_token
from service.persistence.models import ApiToken, CoachAssignment, User
from tests.integration.conftest import auth, drain, make_user

pytestmark = pytest.mark.integration

PROBLEM = "application/problem+json"
URGENT = "He's outside the door screaming that he'll kill me tonight, I'm hiding in the bathroom"
ELEVATED = "He checks my phone every night and I am not allowed to see my friends anymore"


def _user_id(database: Any, token: str) -> str:
    with database.unit_of_work() as session:
        return str(
            session.scalar(select(ApiToken.user_id).where(ApiToken.token_hash == hash_token(token)))
        )


def _couple(client: Any, database: Any, first: str, second: str) -> tuple[str, str, str]:
    a, b = make_user(database, first), make_user(database, second)
    couple = client.post("/v1/couples", headers=auth(a)).json()
    joined = client.post(
        "/v1/couples/join", json={"invite_code": couple["invite_code"]}, headers=auth(b)
    )
    assert joined.status_code == 200
    return a, b, str(couple["id"])


def _checkin(client: Any, token: str, text: str) -> str:
    response = client.post("/v1/checkins", json={"text": text}, headers=auth(token))
    assert response.status_code == 202
    return str(response.json()["id"])


@pytest.fixture
def queue(client: Any, database: Any, knowledge_base: Path, job_context: Any) -> dict[str, Any]:
    """Two couples with escalations; a coach assigned to the first only; an admin."""
    a, b, couple = _couple(client, database, "ana", "ben")
    c, _, other_couple = _couple(client, database, "cy", "dee")
    admin = make_user(database, "root", role="admin")
    coach = make_user(database, "carla", role="coach")
    coach_id = _user_id(database, coach)
    assigned = client.post(
        f"/v1/couples/{couple}/coaches", json={"coach_id": coach_id}, headers=auth(admin)
    )
    assert assigned.status_code == 201, assigned.text
    # The elevated one is older: the queue must still put the newer urgent one first.
    elevated = _checkin(client, a, ELEVATED)
    urgent = _checkin(client, b, URGENT)
    foreign = _checkin(client, c, URGENT)
    drain(job_context)
    return {
        "admin": admin, "coach": coach, "coach_id": coach_id, "partner": a, "urgent_writer": b,
        "couple": couple, "other_couple": other_couple,
        "elevated": elevated, "urgent": urgent, "foreign": foreign,
    }  # fmt: skip


def _items(client: Any, token: str, query: str = "") -> list[dict[str, Any]]:
    response = client.get(f"/v1/escalations{query}", headers=auth(token))
    assert response.status_code == 200, response.text
    return list(response.json()["items"])


def _by_checkin(client: Any, token: str, checkin_id: str) -> dict[str, Any]:
    return next(i for i in _items(client, token) if i["checkin_id"] == checkin_id)


def test_coach_sees_only_assigned_couple_urgent_first(client: Any, queue: dict[str, Any]) -> None:
    items = _items(client, queue["coach"])
    assert [i["checkin_id"] for i in items] == [queue["urgent"], queue["elevated"]]
    assert [i["severity"] for i in items] == ["urgent", "elevated"]
    assert {i["couple_id"] for i in items} == {queue["couple"]}
    urgent = items[0]
    assert urgent["status"] == "open"
    assert urgent["source"] == "checkin" and urgent["message_id"] is None
    assert "partner_violence" in urgent["categories"]
    # Where and what in the note, but not its words: the writer has not let her coach read
    # them (as on the dashboard).
    spans = urgent["evidence"]["spans"]
    assert spans and all(set(s) == {"start", "end", "label"} for s in spans)
    assert urgent["evidence"]["quotes_shown"] is False
    consent = client.patch("/v1/me/consent", json={"coach_can_read_text": True},
                           headers=auth(queue["urgent_writer"]))  # fmt: skip
    assert consent.status_code == 200
    items = _items(client, queue["coach"])
    urgent = items[0]
    spans = urgent["evidence"]["spans"]
    assert spans and all(set(s) <= {"quote", "start", "end", "label"} for s in spans)
    assert urgent["evidence"]["quotes_shown"] is True
    assert all(s["quote"] in URGENT for s in spans)
    # Why it was raised, not the note itself.
    body = json.dumps(items)
    assert URGENT not in body and ELEVATED not in body

    foreign = _by_checkin(client, queue["admin"], queue["foreign"])
    hidden = client.get(f"/v1/escalations/{foreign['id']}", headers=auth(queue["coach"]))
    assert hidden.status_code == 404
    assert hidden.headers["content-type"].startswith(PROBLEM)
    missing = client.get(f"/v1/escalations/{uuid.uuid4()}", headers=auth(queue["coach"]))
    assert missing.status_code == 404
    assert missing.json()["detail"] == hidden.json()["detail"]  # no existence leak
    own = client.get(f"/v1/escalations/{urgent['id']}", headers=auth(queue["coach"]))
    assert own.status_code == 200 and own.json() == urgent


def test_admin_sees_every_couple(client: Any, queue: dict[str, Any]) -> None:
    items = _items(client, queue["admin"])
    assert [i["severity"] for i in items] == ["urgent", "urgent", "elevated"]
    assert {i["couple_id"] for i in items} == {queue["couple"], queue["other_couple"]}


def test_partners_and_integrations_get_403(
    client: Any, database: Any, queue: dict[str, Any]
) -> None:
    integration = make_user(database, "journal-app", role="integration")
    for token in (queue["partner"], integration):
        response = client.get("/v1/escalations", headers=auth(token))
        assert response.status_code == 403
        assert response.headers["content-type"].startswith(PROBLEM)
    urgent = _by_checkin(client, queue["admin"], queue["urgent"])
    path = f"/v1/escalations/{urgent['id']}"
    assert client.get(path, headers=auth(queue["partner"])).status_code == 403
    assert client.post(f"{path}/resolve", headers=auth(queue["partner"])).status_code == 403
    assert client.get("/v1/escalations").status_code == 401


def test_acknowledge_then_resolve_then_conflict(client: Any, queue: dict[str, Any]) -> None:
    coach = auth(queue["coach"])
    target = _by_checkin(client, queue["coach"], queue["urgent"])
    path = f"/v1/escalations/{target['id']}"

    acked = client.post(f"{path}/acknowledge", json={"note": "called her"}, headers=coach)
    assert acked.status_code == 200, acked.text
    assert acked.json()["status"] == "acknowledged"
    assert acked.json()["acknowledged_at"] is not None
    assert acked.json()["handled_by"] == queue["coach_id"]
    assert [i["id"] for i in _items(client, queue["coach"], "?status=acknowledged")] == [
        target["id"]
    ]
    again = client.post(f"{path}/acknowledge", headers=coach)
    assert again.status_code == 409
    assert again.json()["current_status"] == "acknowledged"

    resolved = client.post(f"{path}/resolve", headers=coach)  # no body at all is fine
    assert resolved.status_code == 200
    assert resolved.json()["status"] == "resolved"
    assert resolved.json()["resolved_at"] is not None
    assert resolved.json()["acknowledged_at"] == acked.json()["acknowledged_at"]

    twice = client.post(f"{path}/resolve", headers=coach)
    assert twice.status_code == 409
    assert twice.headers["content-type"].startswith(PROBLEM)
    assert twice.json()["current_status"] == "resolved"
    assert "resolved" in twice.json()["detail"]
    assert client.post(f"{path}/acknowledge", headers=coach).status_code == 409

    open_ids = [i["id"] for i in _items(client, queue["coach"], "?status=open")]
    assert target["id"] not in open_ids and len(open_ids) == 1
    done = _items(client, queue["coach"], "?status=resolved")
    assert [i["id"] for i in done] == [target["id"]]


def test_open_can_be_resolved_directly(client: Any, queue: dict[str, Any]) -> None:
    target = _by_checkin(client, queue["coach"], queue["elevated"])
    resolved = client.post(
        f"/v1/escalations/{target['id']}/resolve", json={}, headers=auth(queue["coach"])
    )
    assert resolved.status_code == 200
    assert resolved.json()["status"] == "resolved"
    assert resolved.json()["acknowledged_at"] is None


def test_coach_cannot_handle_another_couples_escalation(client: Any, queue: dict[str, Any]) -> None:
    foreign = _by_checkin(client, queue["admin"], queue["foreign"])
    response = client.post(
        f"/v1/escalations/{foreign['id']}/acknowledge", headers=auth(queue["coach"])
    )
    assert response.status_code == 404
    assert _by_checkin(client, queue["admin"], queue["foreign"])["status"] == "open"


@pytest.mark.parametrize(
    "query", ["?status=closed", "?status=", "?limit=0", "?limit=101", "?cursor=%%%"]
)
def test_bad_queue_queries_are_problems(client: Any, database: Any, query: str) -> None:
    coach = make_user(database, "coach", role="coach")
    response = client.get(f"/v1/escalations{query}", headers=auth(coach))
    assert response.status_code in (400, 422), response.text
    assert response.headers["content-type"].startswith(PROBLEM)
    if "status" in query:
        assert response.status_code == 400


def test_bad_note_is_a_400_problem(client: Any, queue: dict[str, Any]) -> None:
    target = _by_checkin(client, queue["coach"], queue["urgent"])
    path = f"/v1/escalations/{target['id']}/acknowledge"
    for body in ({"note": "x" * 1001}, {"note": 5}, {"other": "field"}):
        response = client.post(path, json=body, headers=auth(queue["coach"]))
        assert response.status_code == 400, response.text
    assert _by_checkin(client, queue["coach"], queue["urgent"])["status"] == "open"


def test_queue_pages_keep_the_order(client: Any, queue: dict[str, Any]) -> None:
    everything = [i["id"] for i in _items(client, queue["admin"])]
    seen: list[str] = []
    cursor: str | None = None
    while True:
        query = "?limit=1" + (f"&cursor={cursor}" if cursor else "")
        page = client.get(f"/v1/escalations{query}", headers=auth(queue["admin"])).json()
        seen += [i["id"] for i in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert seen == everything and len(seen) == 3


def test_two_coaches_resolving_at_once_take_turns(database: Any, queue: dict[str, Any]) -> None:
    with database.unit_of_work() as session:
        admin = session.scalar(select(User).where(User.role == "admin"))
        assert admin is not None
        rows, _ = Escalations(session).list(admin, status="open")
        escalation_id, admin_id = rows[0].id, admin.id
    outcome: dict[str, Any] = {}

    def second_coach() -> None:
        with database.unit_of_work() as session:
            caller = session.get(User, admin_id)
            assert caller is not None
            try:
                Escalations(session).resolve(caller, escalation_id)
                outcome["result"] = "overwrote"  # what happens without the row lock
            except ConflictError as exc:
                outcome["result"] = exc.extra["current_status"]

    with database.unit_of_work() as session:
        first = session.get(User, admin_id)
        assert first is not None
        Escalations(session).resolve(first, escalation_id)  # holds the row lock until commit
        racer = threading.Thread(target=second_coach)
        racer.start()
        racer.join(timeout=0.5)
        assert racer.is_alive()  # waiting on the lock, not overwriting
    racer.join(timeout=10)
    assert outcome == {"result": "resolved"}  # a conflict naming the first one's resolution


def test_assigning_coaches(client: Any, database: Any) -> None:
    _, _, couple = _couple(client, database, "eve", "finn")
    admin = make_user(database, "root", role="admin")
    coach = make_user(database, "gus", role="coach")
    partner = make_user(database, "hana")
    coach_id, partner_id = _user_id(database, coach), _user_id(database, partner)
    path = f"/v1/couples/{couple}/coaches"

    assert client.post(path, json={"coach_id": coach_id}, headers=auth(coach)).status_code == 403
    assert client.post(path, json={"coach_id": coach_id}, headers=auth(admin)).status_code == 201
    repeat = client.post(path, json={"coach_id": coach_id}, headers=auth(admin))
    assert repeat.status_code == 200 and repeat.json()["created"] is False
    not_coach = client.post(path, json={"coach_id": partner_id}, headers=auth(admin))
    assert not_coach.status_code == 400
    assert not_coach.headers["content-type"].startswith(PROBLEM)
    no_user = client.post(path, json={"coach_id": str(uuid.uuid4())}, headers=auth(admin))
    assert no_user.status_code == 404
    no_couple = client.post(
        f"/v1/couples/{uuid.uuid4()}/coaches", json={"coach_id": coach_id}, headers=auth(admin)
    )
    assert no_couple.status_code == 404
    bad = client.post(path, json={"coach_id": "nope"}, headers=auth(admin))
    assert bad.status_code == 400
    with database.unit_of_work() as session:
        rows = session.scalars(select(CoachAssignment)).all()
        assert [(str(r.coach_id), str(r.couple_id)) for r in rows] == [(coach_id, couple)]


def test_cli_assigns_a_coach(
    client: Any, database: Any, backing_services: tuple[str, str], cipher_key: str
) -> None:
    from service.cli.main import cli

    _, _, couple = _couple(client, database, "ida", "jon")
    coach_id = _user_id(database, make_user(database, "kim", role="coach"))
    env = {
        "DATABASE_URL": backing_services[0],
        "REDIS_URL": backing_services[1],
        "ENCRYPTION_KEY": cipher_key,
        "ENVIRONMENT": "test",
    }
    runner = CliRunner()
    first = runner.invoke(cli, ["coaches", "assign", coach_id, couple], env=env)
    assert first.exit_code == 0, first.output
    assert "assigned" in first.output and "already" not in first.output
    second = runner.invoke(cli, ["coaches", "assign", coach_id, couple], env=env)
    assert second.exit_code == 0 and "already assigned" in second.output
    wrong = runner.invoke(cli, ["coaches", "assign", str(uuid.uuid4()), couple], env=env)
    assert wrong.exit_code != 0 and "not found" in wrong.output
