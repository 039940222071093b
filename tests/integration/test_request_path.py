"""The async request path: the caller cache and its TTL, and a check-in written as one statement."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from litestar.testing import TestClient
from sqlalchemy import func, select, text

from service.accounts.callers import CallerCache
from service.accounts.service import Accounts
from service.lib.db import Database
from service.persistence.models import CheckIn, OutboxEvent, User
from tests.integration.conftest import auth, make_user

pytestmark = pytest.mark.integration

TTL = 10.0
CHECKIN = {"text": "We talked after dinner and it went better.", "mood": 4}


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


def _client(database: Database, redis: Any, clock: Clock) -> TestClient[Any]:
    from service.api.app import create_app

    return TestClient(create_app(database, redis, callers=CallerCache(TTL, clock=clock)))


@pytest.fixture
def api(database: Database, redis: Any, clock: Clock) -> Iterator[TestClient[Any]]:
    with _client(database, redis, clock) as client:
        yield client


def _user_id(database: Database, name: str) -> uuid.UUID:
    with database.unit_of_work() as session:
        user_id = session.scalar(select(User.id).where(User.name == name))
    assert user_id is not None
    return user_id


def _counts(database: Database) -> tuple[int, int]:
    with database.unit_of_work() as session:
        checkins = session.scalar(select(func.count()).select_from(CheckIn)) or 0
        events = session.scalar(select(func.count()).select_from(OutboxEvent)) or 0
    return checkins, events


def test_a_revoked_token_keeps_working_at_most_the_cache_ttl(
    api: TestClient[Any], database: Database, redis: Any, clock: Clock
) -> None:
    old = make_user(database, "ana")
    assert api.post("/v1/checkins", json=CHECKIN, headers=auth(old)).status_code == 202
    assert api.get("/v1/checkins", headers=auth(old)).status_code == 200
    with database.unit_of_work() as session:
        new = Accounts(session).rotate_token(_user_id(database, "ana"))

    # The documented window: this process resolved the old token less than TTL ago.
    clock.now += TTL - 1
    assert api.post("/v1/checkins", json=CHECKIN, headers=auth(old)).status_code == 202
    # Another API process (its own cache) refuses the old token at once.
    with _client(database, redis, Clock()) as other:
        assert other.post("/v1/checkins", json=CHECKIN, headers=auth(old)).status_code == 401
    # Past the TTL this process refuses it too, on every route, and the new token works.
    clock.now += 2
    assert api.post("/v1/checkins", json=CHECKIN, headers=auth(old)).status_code == 401
    assert api.get("/v1/checkins", headers=auth(old)).status_code == 401
    assert api.post("/v1/checkins", json=CHECKIN, headers=auth(new)).status_code == 202


def test_a_deleted_account_is_refused_even_while_its_token_is_cached(
    api: TestClient[Any], database: Database
) -> None:
    token = make_user(database, "bo")
    assert api.post("/v1/checkins", json=CHECKIN, headers=auth(token)).status_code == 202
    with database.unit_of_work() as session:
        session.execute(text("DELETE FROM users WHERE name = 'bo'"))
    # The statement finds no writer, whatever the cache says: nothing is written.
    before = _counts(database)
    response = api.post("/v1/checkins", json=CHECKIN, headers=auth(token))
    assert response.status_code == 401
    assert response.json()["status"] == 401
    assert _counts(database) == before
    assert api.get("/v1/checkins", headers=auth(token)).status_code == 401


def test_only_partners_check_in_whether_cached_or_not(
    api: TestClient[Any], database: Database
) -> None:
    coach = make_user(database, "cora", role="coach")
    first = api.post("/v1/checkins", json=CHECKIN, headers=auth(coach))  # not cached yet
    assert first.status_code == 403
    assert api.get("/v1/escalations", headers=auth(coach)).status_code == 200  # now cached
    second = api.post("/v1/checkins", json=CHECKIN, headers=auth(coach))
    assert second.status_code == 403
    assert second.headers["content-type"].startswith("application/problem+json")
    assert _counts(database) == (0, 0)


def test_a_check_in_is_filed_under_the_couple_the_writer_is_in_now(
    api: TestClient[Any], database: Database
) -> None:
    a, b = make_user(database, "a"), make_user(database, "b")
    assert api.post("/v1/checkins", json=CHECKIN, headers=auth(b)).status_code == 202  # cached
    couple = api.post("/v1/couples", headers=auth(a)).json()
    joined = api.post("/v1/couples/join", json={"invite_code": couple["invite_code"]},
                      headers=auth(b))  # fmt: skip
    assert joined.status_code == 200
    response = api.post("/v1/checkins", json={**CHECKIN, "locale": "de-DE"}, headers=auth(b))
    assert response.status_code == 202
    with database.unit_of_work() as session:
        row = session.get(CheckIn, uuid.UUID(response.json()["id"]))
        assert row is not None
        assert str(row.couple_id) == couple["id"]
        assert row.locale == "de-DE"
        assert row.text == CHECKIN["text"]  # decrypts: it was sealed on the way in
        raw = session.execute(
            text("SELECT text FROM checkins WHERE id = :id"), {"id": row.id}
        ).scalar_one()
    assert CHECKIN["text"].encode() not in bytes(raw)


def test_the_check_in_and_its_outbox_event_are_never_written_alone(
    api: TestClient[Any], database: Database
) -> None:
    token = make_user(database, "dee")
    accepted = api.post("/v1/checkins", json=CHECKIN, headers=auth(token))
    assert accepted.status_code == 202
    assert accepted.headers["location"] == f"/v1/checkins/{accepted.json()['id']}"
    assert _counts(database) == (1, 1)
    with database.unit_of_work() as session:
        event = session.scalar(select(OutboxEvent))
        assert event is not None and str(event.aggregate_id) == accepted.json()["id"]
        # Make the outbox refuse the next event: the check-in must not stay behind alone.
        session.execute(
            text(
                "CREATE FUNCTION refuse_event() RETURNS trigger LANGUAGE plpgsql AS "
                "$$ BEGIN RAISE EXCEPTION 'outbox unavailable'; END $$"
            )
        )
        session.execute(
            text(
                "CREATE TRIGGER refuse_event BEFORE INSERT ON outbox_events "
                "FOR EACH ROW EXECUTE FUNCTION refuse_event()"
            )
        )
    try:
        failed = api.post("/v1/checkins", json=CHECKIN, headers=auth(token))
        assert failed.status_code == 500
        assert failed.json()["detail"] == "something went wrong on our side"
        assert _counts(database) == (1, 1)
    finally:
        with database.unit_of_work() as session:
            session.execute(text("DROP TRIGGER refuse_event ON outbox_events"))
            session.execute(text("DROP FUNCTION refuse_event()"))
    assert api.post("/v1/checkins", json=CHECKIN, headers=auth(token)).status_code == 202
    assert _counts(database) == (2, 2)


def test_caller_cache_expires_evicts_and_forgets() -> None:
    clock = Clock()
    cache = CallerCache(5, max_entries=2, clock=clock)
    callers = {}
    for name in ("x", "y", "z"):
        from service.accounts.callers import Caller

        callers[name] = Caller(id=uuid.uuid4(), role="partner", name=name, locale="en-US")
        cache.put(name, callers[name])
    assert cache.get("x") is None  # least recently used, evicted at the size limit
    assert cache.get("y") == callers["y"]
    clock.now += 5
    assert cache.get("y") is None  # expired
    cache.put("z", callers["z"])
    cache.forget(callers["z"].id)
    assert cache.get("z") is None and len(cache) == 0
    assert CallerCache(0, clock=clock).get("anything") is None


def test_the_api_recovers_when_postgres_drops_its_connections(
    api: TestClient[Any], database: Database
) -> None:
    # Found by bench/chaos.py: raw pooled asyncpg connections that Postgres had terminated went
    # back to the pool, and every later check-in failed until the API was restarted.
    token = make_user(database, "ana")
    assert api.post("/v1/checkins", json=CHECKIN, headers=auth(token)).status_code == 202
    assert api.get("/v1/checkins", headers=auth(token)).status_code == 200
    with database.engine.connect() as conn:
        killed = conn.execute(
            text(
                "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity"
                " WHERE pid <> pg_backend_pid() AND datname = current_database()"
                " AND backend_type = 'client backend'"
            )
        ).scalar_one()
    assert killed >= 1
    statuses = []
    for _ in range(6):
        answer = api.post("/v1/checkins", json=CHECKIN, headers=auth(token))
        statuses.append(answer.status_code)
        if answer.status_code == 503:
            assert answer.headers["retry-after"] == "1"
            assert answer.json()["title"] == "Service unavailable"
    assert statuses[-3:] == [202, 202, 202], statuses
    assert set(statuses) <= {202, 503}
    reads = [api.get("/v1/checkins", headers=auth(token)).status_code for _ in range(4)]
    assert reads[-2:] == [200, 200] and set(reads) <= {200, 503}
