"""A check-in goes in over HTTP and a grounded tip comes out, through a real RQ worker."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from service.persistence.models import CheckIn, OutboxEvent
from tests.integration.conftest import auth, drain, make_user

pytestmark = pytest.mark.integration

CARD_IDS = {p.stem for p in (Path(__file__).parents[2] / "knowledge" / "strategies").glob("*.md")}


def _post(client: Any, token: str, **body: Any) -> Any:
    return client.post("/v1/checkins", json=body, headers=auth(token))


def test_checkin_reaches_tip_ready_with_a_grounded_citation(
    client: Any, database: Any, knowledge_base: Path, job_context: Any
) -> None:
    token = make_user(database, "ana")
    posted = _post(
        client,
        token,
        text="He was on his phone through the whole dinner again and I felt invisible.",
        mood=2,
        connection=2,
    )
    assert posted.status_code == 202
    body = posted.json()
    assert body["status"] == "received"
    assert posted.headers["location"] == f"/v1/checkins/{body['id']}"

    drain(job_context)

    view = client.get(f"/v1/checkins/{body['id']}", headers=auth(token)).json()
    assert view["status"] == "tip_ready"
    assert view["classification"]["risk_level"] == "none"
    tip = view["tip"]
    assert tip["backend"] == "offline"
    assert tip["citations"], "a coaching tip must cite at least one card"
    assert set(tip["citations"]) <= CARD_IDS
    assert 2 <= len(tip["steps"]) <= 4
    assert tip["tonight"]


def test_running_a_job_twice_changes_nothing(
    client: Any, database: Any, knowledge_base: Path, job_context: Any
) -> None:
    from workers.jobs import advise_checkin, classify_checkin

    token = make_user(database, "ben")
    checkin_id = _post(client, token, text="We cooked together and laughed a lot.").json()["id"]
    drain(job_context)
    first = client.get(f"/v1/checkins/{checkin_id}", headers=auth(token)).json()

    assert classify_checkin(checkin_id) == first["classification"]["risk_level"]
    assert advise_checkin(checkin_id) == "tip_ready"
    drain(job_context)
    second = client.get(f"/v1/checkins/{checkin_id}", headers=auth(token)).json()
    assert second == first


def test_checkin_and_outbox_event_are_written_together(client: Any, database: Any) -> None:
    token = make_user(database, "cy")
    checkin_id = _post(client, token, text="quiet evening, fine").json()["id"]
    with database.unit_of_work() as session:
        events = session.scalar(
            select(func.count())
            .select_from(OutboxEvent)
            .where(OutboxEvent.aggregate_id == checkin_id)
        )
        stored = session.get(CheckIn, checkin_id)
    assert events == 1
    assert stored is not None and stored.text == "quiet evening, fine"


def test_text_is_encrypted_at_rest(client: Any, database: Any) -> None:
    from sqlalchemy import text

    token = make_user(database, "dee")
    checkin_id = _post(client, token, text="a distinctive secret sentence").json()["id"]
    with database.unit_of_work() as session:
        raw = session.execute(
            text("SELECT text FROM checkins WHERE id = :id"), {"id": checkin_id}
        ).scalar_one()
    assert b"distinctive" not in bytes(raw)


def test_urgent_checkin_gets_only_the_safety_response(
    client: Any, database: Any, knowledge_base: Path, job_context: Any
) -> None:
    token = make_user(database, "eli", locale="en-GB")
    checkin_id = _post(
        client,
        token,
        text="He is banging on the bathroom door and says he will kill me, I'm hiding in here",
        mood=1,
        locale="en-GB",
    ).json()["id"]
    drain(job_context)
    view = client.get(f"/v1/checkins/{checkin_id}", headers=auth(token)).json()
    assert view["classification"]["risk_level"] == "urgent"
    tip = view["tip"]
    assert tip["kind"] == "safety"
    assert "999" in " ".join(tip["emergency"])
    assert "steps" not in tip  # nothing else generated


def test_a_lost_relay_is_recovered_by_the_sweeper(
    client: Any, database: Any, knowledge_base: Path, job_context: Any
) -> None:
    from datetime import timedelta

    from service.checkins.outbox import sweep_stuck

    token = make_user(database, "flo")
    checkin_id = _post(client, token, text="we keep fighting about money").json()["id"]
    # Simulate an event marked dispatched whose job was lost (e.g. Redis flushed).
    with database.unit_of_work() as session:
        session.query(OutboxEvent).update({"dispatched_at": func.now()})
    with database.unit_of_work() as session:
        assert sweep_stuck(session, older_than=timedelta(seconds=-1)) == 1
    drain(job_context)
    view = client.get(f"/v1/checkins/{checkin_id}", headers=auth(token)).json()
    assert view["status"] == "tip_ready"
