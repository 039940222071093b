"""The dashboard's queue and escalation pages: scope, consent-gated evidence, notes, audit."""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import select, text

from service.couples.service import assign_coach
from service.dashboard.auth import set_password
from service.lib.crypto import seal_spans
from service.lib.db import Database
from service.persistence.models import AuditEntry, Escalation, EscalationNote, User
from tests.integration.conftest import auth, make_user
from tests.integration.test_dashboard_login import PASSWORD, login

pytestmark = pytest.mark.integration

QUOTE = "he said he would hurt me"


@dataclass
class World:
    ana: str  # partner tokens
    ben: str
    couple_id: uuid.UUID
    urgent: uuid.UUID
    concern: uuid.UUID
    other: uuid.UUID  # an escalation of another couple


def _user(database: Database, name: str) -> User:
    with database.unit_of_work() as session:
        user = session.scalar(select(User).where(User.name == name))
        assert user is not None
        session.expunge(user)
        return user


def _escalation(
    database: Database, user: User, severity: str, *, minutes_ago: int, lane: str = "safety"
) -> uuid.UUID:
    with database.unit_of_work() as session:
        row = Escalation(
            message_id=None,
            checkin_id=None,
            user_id=user.id,
            couple_id=user.couple_id,
            severity=severity,
            categories=["partner_violence"],
            evidence={"spans": seal_spans([{"quote": QUOTE, "start": 0, "end": len(QUOTE),
                                            "label": "threat"}]), "lane": lane},
            status="open",
            created_at=datetime.now(UTC) - timedelta(minutes=minutes_ago),
        )  # fmt: skip
        # An escalation needs a source; a chat message is the lightest one to make here.
        from service.persistence.models import Conversation, Message

        conversation = Conversation(user_id=user.id, couple_id=user.couple_id, locale="en-US")
        session.add(conversation)
        session.flush()
        message = Message(conversation_id=conversation.id, seq=1, role="user", content=QUOTE)
        session.add(message)
        session.flush()
        row.message_id = message.id
        session.add(row)
        session.flush()
        return row.id


@pytest.fixture
def world(client: Any, database: Database) -> World:
    ana = make_user(database, "ana")
    ben = make_user(database, "ben")
    code = client.post("/v1/couples", headers=auth(ana)).json()["invite_code"]
    client.post("/v1/couples/join", json={"invite_code": code}, headers=auth(ben))
    stranger = make_user(database, "cleo")
    client.post("/v1/couples", headers=auth(stranger))
    make_user(database, "carla", role="coach")
    make_user(database, "dana", role="coach")
    make_user(database, "root", role="admin")
    with database.unit_of_work() as session:
        for name in ("carla", "dana", "root"):
            set_password(session, name, PASSWORD)
    a = _user(database, "ana")
    assert a.couple_id is not None
    with database.unit_of_work() as session:
        assign_coach(session, couple_id=a.couple_id, coach_id=_user(database, "carla").id)
    concern = _escalation(database, a, "concern", minutes_ago=90,
                          lane="unanswered_safety_question")  # fmt: skip
    urgent = _escalation(database, a, "urgent", minutes_ago=5)
    other = _escalation(database, _user(database, "cleo"), "urgent", minutes_ago=1)
    return World(ana, ben, a.couple_id, urgent, concern, other)


def _audit(database: Database) -> list[tuple[str, str | None]]:
    with database.unit_of_work() as session:
        return [(a, s) for a, s in session.execute(
            select(AuditEntry.action, AuditEntry.subject_id).order_by(AuditEntry.id))]  # fmt: skip


def _reads(database: Database) -> list[tuple[str, str | None]]:
    return [row for row in _audit(database) if row[0] not in ("login", "logout")]


def test_the_coach_queue_holds_only_assigned_couples_most_severe_first(
    client: Any, database: Database, world: World
) -> None:
    assert login(client, "carla", PASSWORD).status_code == 303
    page = client.get("/dashboard/queue")
    assert page.status_code == 200
    ids = re.findall(r'data-escalation="([0-9a-f-]+)"', page.text)
    assert ids == [str(world.urgent), str(world.concern)]  # not the other couple's
    assert "unanswered safety question" in page.text
    assert 'hx-trigger="every 3s"' in page.text
    rows = client.get("/dashboard/queue/rows")
    assert re.findall(r'data-escalation="([0-9a-f-]+)"', rows.text) == ids
    assert "<html" not in rows.text  # a fragment for htmx
    assert _reads(database) == [("read_queue", None)]  # polls are not reads of anything new


def test_an_admin_sees_every_couple(client: Any, database: Database, world: World) -> None:
    assert login(client, "root", PASSWORD).status_code == 303
    ids = re.findall(r'data-escalation="([0-9a-f-]+)"', client.get("/dashboard/queue").text)
    assert ids == [str(world.urgent), str(world.other), str(world.concern)]  # oldest first


def test_an_unassigned_coach_gets_not_found_and_nothing_is_read(
    client: Any, database: Database, world: World
) -> None:
    assert login(client, "dana", PASSWORD).status_code == 303
    page = client.get(f"/dashboard/escalations/{world.urgent}")
    assert page.status_code == 404
    assert QUOTE not in page.text
    assert _reads(database) == []
    assert re.findall(r'data-escalation="', client.get("/dashboard/queue").text) == []


def test_evidence_shows_only_while_the_partner_consents(
    client: Any, database: Database, world: World
) -> None:
    assert login(client, "carla", PASSWORD).status_code == 303
    url = f"/dashboard/escalations/{world.urgent}"
    hidden = client.get(url)
    assert hidden.status_code == 200
    assert 'id="evidence-hidden"' in hidden.text and QUOTE not in hidden.text
    assert "partner violence" in hidden.text  # levels and categories without consent

    granted = client.patch("/v1/me/consent", json={"coach_can_read_text": True},
                           headers=auth(world.ana))  # fmt: skip
    assert granted.status_code == 200
    shown = client.get(url)
    assert f"<mark>{QUOTE}</mark>" in shown.text

    client.patch("/v1/me/consent", json={"coach_can_read_text": False}, headers=auth(world.ana))
    again = client.get(url)
    assert QUOTE not in again.text  # withdrawn: hidden from the very next request
    subject = str(world.urgent)
    assert _reads(database) == [
        ("read_escalation", subject),
        ("read_escalation", subject),
        ("read_evidence", subject),
        ("read_escalation", subject),
    ]


def test_acknowledge_and_resolve_with_notes_that_are_kept_encrypted(
    client: Any, database: Database, world: World
) -> None:
    assert login(client, "carla", PASSWORD).status_code == 303
    url = f"/dashboard/escalations/{world.urgent}"
    client.get(url)
    csrf = client.cookies["csrftoken"]
    acked = client.post(f"{url}/acknowledge", data={"note": "Called her, she is safe tonight.",
                                                    "_csrf_token": csrf},
                        follow_redirects=False)  # fmt: skip
    assert acked.status_code == 303 and acked.headers["location"] == url
    resolved = client.post(f"{url}/resolve", data={"note": "Safety plan agreed.",
                                                   "_csrf_token": csrf},
                           follow_redirects=False)  # fmt: skip
    assert resolved.status_code == 303
    final = client.get(url)
    assert 'data-testid="status">resolved<' in final.text
    assert "Called her, she is safe tonight." in final.text and "Safety plan agreed." in final.text
    with database.unit_of_work() as session:
        notes = list(session.scalars(select(EscalationNote).order_by(EscalationNote.id)))
        assert [(n.action, n.note) for n in notes] == [
            ("acknowledge", "Called her, she is safe tonight."),
            ("resolve", "Safety plan agreed."),
        ]
        raw = session.execute(text("SELECT note FROM escalation_notes")).scalars().all()
        assert all(b"safe tonight" not in bytes(r) for r in raw)
    again = client.post(f"{url}/acknowledge", data={"_csrf_token": csrf})
    assert again.status_code == 409 and "resolved" in again.text
    no_csrf = client.post(f"{url}/resolve", data={"note": "x"})
    assert no_csrf.status_code == 403
    subject = str(world.urgent)
    assert _reads(database) == [
        ("read_escalation", subject),
        ("acknowledge", subject),
        ("resolve", subject),
        ("read_escalation", subject),
    ]


def test_the_api_keeps_notes_too(client: Any, database: Database, world: World) -> None:
    admin = make_user(database, "api-admin", role="admin")
    answer = client.post(f"/v1/escalations/{world.concern}/resolve",
                         json={"note": "Talked on the phone."}, headers=auth(admin))  # fmt: skip
    assert answer.status_code == 200
    with database.unit_of_work() as session:
        assert session.scalar(select(EscalationNote.note)) == "Talked on the phone."
