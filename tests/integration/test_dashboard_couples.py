"""Couple pages, weekly rollups, the audit page and `attune audit export`: scope, words only
with consent (at once both ways), exactly the audit rows a view should leave, and rollup
numbers that a recompute does not change."""

from __future__ import annotations

import json
import re
import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from markupsafe import escape
from rq import Queue
from sqlalchemy import delete, select

from service.couples.service import assign_coach
from service.dashboard import audit
from service.dashboard.auth import set_password
from service.dashboard.couples import highlight
from service.dashboard.rollups import compute_rollups, week_start
from service.lib.crypto import seal_spans
from service.lib.db import Database
from service.lib.queue import DEFAULT, rollups_slot
from service.persistence.models import (
    AuditEntry,
    CheckIn,
    Classification,
    Escalation,
    Tip,
    User,
    WeeklyRollup,
)
from service.settings import Settings
from tests.integration.conftest import auth, drain, make_user
from tests.integration.test_dashboard_login import PASSWORD, login

pytestmark = pytest.mark.integration

ELEVATED = "He checks my phone every night and I am not allowed to see my friends anymore"


@dataclass
class World:
    ana: str  # partner tokens
    ben: str
    ana_id: uuid.UUID
    ben_id: uuid.UUID
    couple_id: uuid.UUID
    other_couple_id: uuid.UUID  # not the coach's


def _user_id(database: Database, name: str) -> uuid.UUID:
    with database.unit_of_work() as session:
        found = session.scalar(select(User.id).where(User.name == name))
        assert found is not None
        return found


def _couple(client: Any, database: Database, first: str, second: str) -> tuple[str, str, uuid.UUID]:
    a, b = make_user(database, first), make_user(database, second)
    made = client.post("/v1/couples", headers=auth(a)).json()
    joined = client.post(
        "/v1/couples/join", json={"invite_code": made["invite_code"]}, headers=auth(b)
    )
    assert joined.status_code == 200
    return a, b, uuid.UUID(made["id"])


def _dashboard_user(database: Database, name: str, role: str) -> uuid.UUID:
    make_user(database, name, role=role)
    with database.unit_of_work() as session:
        set_password(session, name, PASSWORD)
    return _user_id(database, name)


def _as(client: Any, name: str) -> None:
    """Log the test client in to the dashboard as ``name`` (ending any earlier session)."""
    client.cookies.clear()
    assert login(client, name, PASSWORD).status_code == 303


@pytest.fixture
def world(client: Any, database: Database) -> World:
    """Ana and Ben (assigned to coach Carla), Cy and Dee (nobody's), and admin Root."""
    ana, ben, couple_id = _couple(client, database, "ana", "ben")
    _, _, other = _couple(client, database, "cy", "dee")
    carla = _dashboard_user(database, "carla", "coach")
    _dashboard_user(database, "root", "admin")
    with database.unit_of_work() as session:
        assign_coach(session, couple_id=couple_id, coach_id=carla)
    return World(ana, ben, _user_id(database, "ana"), _user_id(database, "ben"), couple_id, other)


def _checkin(
    database: Database,
    user_id: uuid.UUID,
    couple_id: uuid.UUID,
    *,
    at: datetime,
    mood: int | None = None,
    connection: int | None = None,
    text: str = "An ordinary day.",
    patterns: list[str] | None = None,
    burnout: list[str] | None = None,
    risk: str = "none",
    spans: list[dict[str, Any]] | None = None,
    classified: bool = True,
) -> uuid.UUID:
    with database.unit_of_work() as session:
        row = CheckIn(
            user_id=user_id,
            couple_id=couple_id,
            text=text,
            mood=mood,
            connection=connection,
            locale="en-US",
            status="classified" if classified else "received",
            created_at=at,
        )
        session.add(row)
        session.flush()
        if classified:
            session.add(
                Classification(
                    checkin_id=row.id,
                    risk_level=risk,
                    patterns=patterns or [],
                    burnout_signals=burnout or [],
                    evidence={"spans": seal_spans(spans or [])},
                    backend="test",
                    model_version="test",
                )
            )
        return row.id


def _actions(database: Database) -> list[str]:
    with database.unit_of_work() as session:
        return list(session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)))


def _reads(database: Database) -> list[tuple[str, str | None, dict[str, Any]]]:
    with database.unit_of_work() as session:
        rows = session.scalars(
            select(AuditEntry).where(AuditEntry.action.like("read_%")).order_by(AuditEntry.id)
        )
        return [(r.action, r.subject_id, r.details) for r in rows]


def _consent(client: Any, token: str, allowed: bool) -> None:
    answer = client.patch(
        "/v1/me/consent", json={"coach_can_read_text": allowed}, headers=auth(token)
    )
    assert answer.status_code == 200


# --- the couples list and scope -----------------------------------------------------------


def test_a_coach_lists_only_assigned_couples_and_an_admin_all(
    client: Any, database: Database, world: World
) -> None:
    _checkin(database, world.ana_id, world.couple_id, at=datetime.now(UTC) - timedelta(hours=3))
    _as(client, "carla")
    page = client.get("/dashboard/couples")
    assert page.status_code == 200 and "no-store" in page.headers["cache-control"]
    assert re.findall(r'data-couple="([^"]+)"', page.text) == [str(world.couple_id)]
    assert "ana &amp; ben" in page.text and "cy &amp; dee" not in page.text
    assert "3 h ago" in page.text
    assert 'aria-current="page"' in page.text and "Audit log" not in page.text

    _as(client, "root")
    page = client.get("/dashboard/couples")
    listed = re.findall(r'data-couple="([^"]+)"', page.text)
    assert sorted(listed) == sorted([str(world.couple_id), str(world.other_couple_id)])
    assert listed[0] == str(world.couple_id)  # the one with a recent check-in first
    assert "none yet" in page.text  # cy and dee never checked in
    assert _actions(database) == ["login", "login"]  # lists carry no words: not audited


def test_another_coachs_couple_is_not_found_and_nothing_is_recorded(
    client: Any, database: Database, world: World
) -> None:
    _as(client, "carla")
    hidden = client.get(f"/dashboard/couples/{world.other_couple_id}")
    missing = client.get(f"/dashboard/couples/{uuid.uuid4()}")
    assert hidden.status_code == missing.status_code == 404
    assert "couple not found" in hidden.text
    assert hidden.text == missing.text  # no existence leak
    assert _actions(database) == ["login"]
    client.cookies.clear()
    anonymous = client.get(f"/dashboard/couples/{world.couple_id}", follow_redirects=False)
    assert anonymous.headers["location"] == "/dashboard/login"


def test_an_admin_opens_any_couple_and_a_coach_has_no_audit_page(
    client: Any, database: Database, world: World
) -> None:
    _as(client, "carla")
    assert client.get("/dashboard/audit").status_code == 404
    assert _actions(database) == ["login"]
    _as(client, "root")
    assert client.get(f"/dashboard/couples/{world.other_couple_id}").status_code == 200
    page = client.get("/dashboard/audit")
    assert page.status_code == 200 and 'aria-current="page"' in page.text
    shown = re.findall(r'<td data-label="Action">([^<]+)</td>', page.text)
    assert shown == ["read couple", "login", "login"]  # newest first, not itself
    assert f'href="/dashboard/couples/{world.other_couple_id}"' in page.text
    assert "root" in page.text and "admin" in page.text
    assert _actions(database) == ["login", "login", "read_couple", "read_audit"]


# --- words only with consent ----------------------------------------------------------------


def test_words_show_only_while_the_partner_consents_from_the_very_next_request(
    client: Any, database: Database, world: World, knowledge_base: Path, job_context: Any
) -> None:
    """Through the real pipeline: Ana's check-in is read, escalated, advised; Carla sees
    its labels always and its words only while Ana allows it."""
    sent = client.post(
        "/v1/checkins", json={"text": ELEVATED, "mood": 2, "connection": 1}, headers=auth(world.ana)
    )
    assert sent.status_code == 202
    drain(job_context)
    with database.unit_of_work() as session:
        labels = session.get(Classification, uuid.UUID(sent.json()["id"]))
        assert labels is not None and labels.risk_level == "elevated"
        assert labels.evidence["spans"], "the reading keeps evidence spans"

    _as(client, "carla")
    page = client.get(f"/dashboard/couples/{world.couple_id}")
    assert page.status_code == 200
    assert ELEVATED not in page.text and "<mark" not in page.text
    assert "Text hidden: no consent." in page.text
    assert 'class="badge sev-elevated">elevated' in page.text
    assert "coercive control" in page.text  # the labels stay visible
    assert "mood 2, connection 1" in page.text
    assert _reads(database) == [("read_couple", str(world.couple_id), {"checkins": 1})]

    _consent(client, world.ana, True)
    page = client.get(f"/dashboard/couples/{world.couple_id}")
    quote = re.search(r'<blockquote class="checkin-text">(.*?)</blockquote>', page.text)
    assert quote, "the words are shown at once"
    marked = re.findall(r"<mark[^>]*>(.*?)</mark>", quote.group(1))
    assert marked and all(m in ELEVATED for m in marked)
    assert re.sub(r"<[^>]+>", "", quote.group(1)) == ELEVATED  # the whole text, marks aside
    assert "Text hidden: no consent." not in page.text

    _consent(client, world.ana, False)
    page = client.get(f"/dashboard/couples/{world.couple_id}")
    assert ELEVATED not in page.text and "<mark" not in page.text
    assert "Text hidden: no consent." in page.text
    cid = str(world.couple_id)
    assert _reads(database) == [
        ("read_couple", cid, {"checkins": 1}),
        ("read_couple", cid, {"checkins": 1}),
        ("read_evidence", cid, {"checkins_with_text": 1}),
        ("read_couple", cid, {"checkins": 1}),
    ]
    with database.unit_of_work() as session:
        tip = session.get(Tip, uuid.UUID(sent.json()["id"]))
    if tip is not None:  # the tip the partner got is listed
        assert str(escape(tip.title)) in page.text


def test_consent_is_per_partner_and_words_are_escaped(
    client: Any, database: Database, world: World
) -> None:
    now = datetime.now(UTC)
    words = 'You <b>never</b> listen & then "walk out"'
    start = words.index("never")
    _checkin(
        database,
        world.ana_id,
        world.couple_id,
        at=now - timedelta(hours=2),
        text=words,
        mood=2,
        patterns=["criticism", "stonewalling"],
        burnout=["touched_out"],
        spans=[
            {"quote": "never</b> listen", "start": start, "end": start + 16, "label": "criticism"}
        ],
    )
    _checkin(
        database,
        world.ben_id,
        world.couple_id,
        at=now - timedelta(hours=1),
        text="Ben's private words",
        mood=4,
        connection=3,
    )
    _consent(client, world.ana, True)
    _as(client, "carla")
    page = client.get(f"/dashboard/couples/{world.couple_id}").text
    assert (
        'You &lt;b&gt;<mark title="criticism">never&lt;/b&gt; listen</mark> &amp; then '
        "&#34;walk out&#34;"
    ) in page
    assert "<b>never" not in page
    assert "Ben's private words" not in page and "Ben&#39;s private words" not in page
    assert page.count("Text hidden: no consent.") == 1
    order = re.findall(r'data-checkin="([^"]+)"', page)
    assert len(order) == 2
    assert page.index("touched out") > 0 and "stonewalling" in page
    assert _reads(database)[-1][2] == {"checkins_with_text": 1}


def test_highlight_merges_overlaps_and_skips_spans_that_do_not_fit() -> None:
    text = "we argue and then we argue again"
    spans = [
        {"quote": "argue and", "start": 3, "end": 12, "label": "conflict_escalation"},
        {"quote": "and then", "start": 9, "end": 17, "label": "criticism"},
        {"quote": "argue again", "start": 0, "end": 5, "label": "x"},  # stale offsets: found
        {"quote": "not in the text", "start": -1, "end": -1, "label": "y"},
        {"start": 40, "end": 50, "label": "z"},
    ]
    assert str(highlight(text, spans)) == (
        'we <mark title="conflict escalation, criticism">argue and then</mark> we '
        '<mark title="x">argue again</mark>'
    )
    assert str(highlight("<i>", [])) == "&lt;i&gt;"


# --- weekly rollups ----------------------------------------------------------------------


def _rollups(database: Database, couple_id: uuid.UUID) -> dict[date, WeeklyRollup]:
    with database.unit_of_work() as session:
        rows = session.scalars(select(WeeklyRollup).where(WeeklyRollup.couple_id == couple_id))
        return {r.week_start: r for r in rows}


def test_rollups_count_two_weeks_and_recomputing_changes_nothing(
    client: Any, database: Database, world: World
) -> None:
    w0, w1, w2 = date(2025, 2, 24), date(2025, 3, 3), date(2025, 3, 10)  # Mondays
    now = datetime(2025, 3, 12, 12, tzinfo=UTC)

    def day(week: date, days: int, hour: int = 9) -> datetime:
        return datetime(week.year, week.month, week.day, hour, tzinfo=UTC) + timedelta(days=days)

    a, b, c = world.ana_id, world.ben_id, world.couple_id
    _checkin(database, a, c, at=day(w0, 6, 23), mood=1)  # before the window: only the trend
    first = _checkin(
        database,
        a,
        c,
        at=day(w1, 0, 0),
        mood=2,
        connection=3,
        patterns=["criticism", "stonewalling"],
        burnout=["touched_out"],
    )
    _checkin(database, b, c, at=day(w1, 6, 23), mood=4, patterns=["criticism"])
    _checkin(database, a, c, at=day(w2, 1), mood=4, connection=5, patterns=["repair"])
    _checkin(database, b, c, at=day(w2, 2), connection=3, classified=False)
    _checkin(database, world.ana_id, world.other_couple_id, at=day(w2, 1), mood=1)  # elsewhere
    with database.unit_of_work() as session:
        session.add(
            Escalation(
                checkin_id=first,
                user_id=a,
                couple_id=c,
                severity="elevated",
                categories=[],
                evidence={},
                created_at=day(w1, 0, 1),
            )
        )

    with database.unit_of_work() as session:
        assert compute_rollups(session, couple_ids=[c], weeks=2, now=now) == 2
    rows = _rollups(database, c)
    assert set(rows) == {w1, w2}
    one, two = rows[w1], rows[w2]
    assert (one.checkins, one.mood_mean, one.connection_mean) == (2, 3.0, 3.0)
    assert (one.mood_trend, one.connection_trend) == (2.0, None)  # week 0: mood 1, no connection
    assert one.patterns == {"criticism": 2, "stonewalling": 1}
    assert one.burnout_signals == {"touched_out": 1} and one.escalations == 1
    assert one.partners == {
        str(a): {"checkins": 1, "mood_mean": 2.0, "connection_mean": 3.0},
        str(b): {"checkins": 1, "mood_mean": 4.0, "connection_mean": None},
    }
    assert (two.checkins, two.mood_mean, two.connection_mean) == (2, 4.0, 4.0)
    assert (two.mood_trend, two.connection_trend) == (1.0, 1.0)
    assert two.patterns == {"repair": 1} and two.burnout_signals == {} and two.escalations == 0

    with database.unit_of_work() as session:
        assert compute_rollups(session, couple_ids=[c], weeks=2, now=now) == 0
    again = _rollups(database, c)
    for week in (w1, w2):
        assert again[week].computed_at == rows[week].computed_at  # not even rewritten

    _checkin(database, b, c, at=day(w2, 3), mood=1, burnout=["sleep_disruption"])
    with database.unit_of_work() as session:
        assert compute_rollups(session, couple_ids=[c], weeks=2, now=now) == 1
    changed = _rollups(database, c)
    assert changed[w2].mood_mean == 2.5 and changed[w2].mood_trend == -0.5
    assert changed[w2].burnout_signals == {"sleep_disruption": 1}
    assert changed[w1].computed_at == rows[w1].computed_at

    with database.unit_of_work() as session:  # week 2's check-ins are deleted
        session.execute(
            delete(CheckIn).where(CheckIn.couple_id == c, CheckIn.created_at >= day(w2, 0, 0))
        )
        assert compute_rollups(session, couple_ids=[c], weeks=2, now=now) == 1
    assert set(_rollups(database, c)) == {w1}
    assert week_start(datetime(2025, 3, 9, 23, 59, tzinfo=UTC)) == w1  # Sunday night
    assert week_start(datetime(2025, 3, 10, 0, 0, tzinfo=UTC)) == w2


def test_the_couple_page_shows_the_weekly_rollups_and_the_charts(
    client: Any, database: Database, world: World
) -> None:
    now = datetime.now(UTC)
    monday = datetime.combine(week_start(now), datetime.min.time(), UTC)
    # Placed inside this week and the one before, whatever day the test runs on.
    _checkin(
        database,
        world.ana_id,
        world.couple_id,
        at=monday - timedelta(days=3),
        mood=2,
        connection=2,
        patterns=["technoference"],
    )
    _checkin(
        database,
        world.ana_id,
        world.couple_id,
        at=monday + (now - monday) / 2,
        mood=4,
        connection=None,
        patterns=["technoference", "repair"],
    )
    _checkin(
        database,
        world.ben_id,
        world.couple_id,
        at=monday + (now - monday) / 3,
        mood=3,
        connection=4,
    )
    _as(client, "carla")
    page = client.get(f"/dashboard/couples/{world.couple_id}").text
    assert 'id="weekly-missing"' in page and "Not computed yet" in page

    with database.unit_of_work() as session:
        compute_rollups(session)
    page = client.get(f"/dashboard/couples/{world.couple_id}").text
    this_week = week_start(now).isoformat()
    row = re.search(rf'<tr data-week="{this_week}">(.*?)</tr>', page, re.S)
    assert row, "this week has a row"
    assert "<span>technoference</span> <strong>1</strong>" in row.group(1)
    assert "<span>repair</span> <strong>1</strong>" in row.group(1)
    assert '<td data-label="Mood (change)">3.5 <span class="muted">(+1.5)</span>' in row.group(1)
    # Two charts, each named, described, with a line per partner and its numbers as a table.
    for key in ("mood", "connection"):
        assert f'aria-labelledby="{key}-chart-title {key}-chart-desc"' in page
    mood_desc = re.search(r'<desc id="mood-chart-desc">(.*?)</desc>', page)
    assert mood_desc and "ana: 2 values, latest 4" in mood_desc.group(1)
    assert "ben: 1 value, latest 3" in mood_desc.group(1)
    conn_desc = re.search(r'<desc id="connection-chart-desc">(.*?)</desc>', page)
    assert conn_desc and "ana: 1 value, latest 2" in conn_desc.group(1)  # None skipped
    assert "<summary>Mood as a table</summary>" in page


# --- the scheduler's job and the export -------------------------------------------------


def test_the_scheduler_queues_one_rollup_job_per_slot_and_the_job_computes(
    database: Database, redis: Any, job_context: Any, world: World
) -> None:
    from workers.runtime import rollups_once

    moment = datetime(2025, 3, 12, 12, 1, tzinfo=UTC)
    slot = rollups_slot(moment)
    assert rollups_once(job_context, now=moment) is True
    assert rollups_once(job_context, now=moment + timedelta(minutes=5)) is False  # same slot
    assert Queue(DEFAULT, connection=redis).job_ids == [f"rollups-{slot}"]
    assert rollups_once(job_context, now=moment + timedelta(minutes=10)) is True  # the next one
    assert Queue(DEFAULT, connection=redis).job_ids == [f"rollups-{slot}", f"rollups-{slot + 1}"]

    _checkin(database, world.ana_id, world.couple_id, at=datetime.now(UTC), mood=5)
    drain(job_context)
    rows = _rollups(database, world.couple_id)
    assert [r.mood_mean for r in rows.values()] == [5.0]
    assert rollups_once(job_context, now=moment) is False  # finished, still remembered


@pytest.fixture
def attune(settings: Settings, cipher_key: str, tmp_path: Path) -> Any:
    from service.cli.main import cli

    env = {
        "DATABASE_URL": str(settings.database_url),
        "REDIS_URL": str(settings.redis_url),
        "ENCRYPTION_KEY": cipher_key,
        "ENVIRONMENT": "test",
        "DATA_DIR": str(tmp_path),
    }
    return lambda *args: CliRunner().invoke(cli, list(args), env=env)


def test_audit_export_prints_the_rows_since_as_json_lines(
    attune: Any, database: Database, world: World
) -> None:
    carla = _user_id(database, "carla")
    with database.unit_of_work() as session:
        old = audit.record(
            session,
            actor_id=carla,
            actor_role="coach",
            action="read_couple",
            subject_type="couple",
            subject_id=world.couple_id,
        )
        old.created_at = datetime.now(UTC) - timedelta(hours=2)
        audit.record(
            session,
            actor_id=carla,
            actor_role="coach",
            action="read_couple",
            subject_type="couple",
            subject_id=world.couple_id,
            couple_id=world.couple_id,
            ip="203.0.113.9",
            details={"checkins": 3},
        )
        audit.record(
            session,
            actor_id=carla,
            actor_role="coach",
            action="read_evidence",
            couple_id=world.couple_id,
            details={"checkins_with_text": 1},
        )

    result = attune("audit", "export", "--since", "1h", "--json")
    assert result.exit_code == 0, result.output
    lines = [json.loads(line) for line in result.output.splitlines()]
    with database.unit_of_work() as session:
        expected = [audit.entry_view(e) for e in audit.entries(session)][1:]
    assert lines == json.loads(json.dumps(expected))
    assert [x["action"] for x in lines] == ["read_couple", "read_evidence"]
    assert lines[0]["ip"] == "203.0.113.9" and lines[0]["details"] == {"checkins": 3}

    since_day = attune(
        "audit", "export", "--since", (datetime.now(UTC).date() - timedelta(days=1)).isoformat()
    )
    assert since_day.exit_code == 0 and len(since_day.output.splitlines()) == 3
    bad = attune("audit", "export", "--since", "yesterday")
    assert bad.exit_code == 2
    assert "neither an ISO date/datetime" in bad.output and "24h" in bad.output
