"""Bearer tokens a user can list, create with an expiry, and revoke: over the API and with
`attune tokens` (the scripting contract), against the real Postgres."""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from click.testing import CliRunner
from litestar.testing import TestClient
from sqlalchemy import func, select, update

from service.accounts.callers import Caller, CallerCache
from service.accounts.service import Accounts
from service.lib.crypto import TOKEN_PREFIX, hash_token
from service.lib.db import Database
from service.persistence.models import ApiToken, CheckIn, User
from tests.integration.conftest import auth, make_user

pytestmark = pytest.mark.integration

CHECKIN = {"text": "We walked to the market and talked the whole way.", "mood": 4}


def _user_id(database: Database, token: str) -> uuid.UUID:
    with database.unit_of_work() as session:
        user_id = session.scalar(
            select(ApiToken.user_id).where(ApiToken.token_hash == hash_token(token))
        )
    assert user_id is not None
    return user_id


def _expire(database: Database, token: str, *, at: datetime) -> None:
    with database.unit_of_work() as session:
        session.execute(
            update(ApiToken).where(ApiToken.token_hash == hash_token(token)).values(expires_at=at)
        )


def _checkins(database: Database) -> int:
    with database.unit_of_work() as session:
        return session.scalar(select(func.count()).select_from(CheckIn)) or 0


def test_a_new_user_has_one_token_listed_without_its_secret(
    client: Any, database: Database
) -> None:
    token = make_user(database, "ana")
    answer = client.get("/v1/me/tokens", headers=auth(token))
    assert answer.status_code == 200
    (view,) = answer.json()["items"]
    assert set(view) == {
        "id", "name", "created_at", "expires_at", "last_used_at", "expired", "current",
    }  # fmt: skip
    assert view["name"] == "default" and view["expires_at"] is None
    assert view["current"] is True and view["expired"] is False
    assert token not in answer.text and hash_token(token) not in answer.text


def test_create_shows_the_token_once_and_it_works_until_revoked_at_once(
    client: Any, database: Database
) -> None:
    first = make_user(database, "ana")
    made = client.post(
        "/v1/me/tokens", json={"name": "phone", "expires_in_days": 30}, headers=auth(first)
    )
    assert made.status_code == 201, made.text
    body = made.json()
    phone = body["token"]
    assert body["name"] == "phone" and body["current"] is False
    expires = datetime.fromisoformat(body["expires_at"])
    assert abs(expires - (datetime.now(UTC) + timedelta(days=30))) < timedelta(minutes=1)

    # The new token is another way in for the same person.
    assert client.get("/v1/me", headers=auth(phone)).json()["name"] == "ana"
    assert client.post("/v1/checkins", json=CHECKIN, headers=auth(phone)).status_code == 202
    listed = client.get("/v1/me/tokens", headers=auth(phone)).json()["items"]
    assert [v["name"] for v in listed] == ["phone", "default"]  # newest first
    assert [v["current"] for v in listed] == [True, False]
    assert phone not in json.dumps(listed)

    # Revoked while this process has it cached: refused at once, on every path.
    assert client.delete(f"/v1/me/tokens/{body['id']}", headers=auth(first)).status_code == 204
    assert client.get("/v1/me", headers=auth(phone)).status_code == 401
    before = _checkins(database)
    refused = client.post("/v1/checkins", json=CHECKIN, headers=auth(phone))
    assert refused.status_code == 401
    assert refused.headers["content-type"].startswith("application/problem+json")
    assert _checkins(database) == before
    # The other token is untouched; revoking twice is "not found".
    assert client.get("/v1/me", headers=auth(first)).status_code == 200
    assert client.delete(f"/v1/me/tokens/{body['id']}", headers=auth(first)).status_code == 404


def test_revoking_the_token_in_use_logs_out_that_client(client: Any, database: Database) -> None:
    token = make_user(database, "ana")
    (view,) = client.get("/v1/me/tokens", headers=auth(token)).json()["items"]
    assert client.delete(f"/v1/me/tokens/{view['id']}", headers=auth(token)).status_code == 204
    assert client.get("/v1/me", headers=auth(token)).status_code == 401


def test_someone_elses_token_is_not_found_and_keeps_working(
    client: Any, database: Database
) -> None:
    ana, ben = make_user(database, "ana"), make_user(database, "ben")
    (bens,) = client.get("/v1/me/tokens", headers=auth(ben)).json()["items"]
    answer = client.delete(f"/v1/me/tokens/{bens['id']}", headers=auth(ana))
    assert answer.status_code == 404
    assert answer.json()["detail"] == "token not found"
    unknown = client.delete(f"/v1/me/tokens/{uuid.uuid4()}", headers=auth(ana))
    assert unknown.json() == answer.json()  # the same answer as a token that exists nowhere
    assert client.get("/v1/me", headers=auth(ben)).status_code == 200
    assert bens["id"] not in client.get("/v1/me/tokens", headers=auth(ana)).text


def test_an_expired_token_is_refused_like_an_unknown_one(client: Any, database: Database) -> None:
    token = make_user(database, "ana")
    spare = client.post("/v1/me/tokens", json={"name": "spare"}, headers=auth(token)).json()
    _expire(database, spare["token"], at=datetime.now(UTC) - timedelta(minutes=1))
    unknown = client.get("/v1/me", headers=auth("att_never-issued")).json()
    for method, path, body in (("GET", "/v1/me", None), ("POST", "/v1/checkins", CHECKIN)):
        answer = client.request(method, path, json=body, headers=auth(spare["token"]))
        assert answer.status_code == 401, path
        assert answer.json()["detail"] == unknown["detail"] == "unknown or revoked token"
    assert _checkins(database) == 0
    # Still listed, marked expired, so that its owner sees why a device stopped working.
    listed = client.get("/v1/me/tokens", headers=auth(token)).json()["items"]
    assert [v["expired"] for v in listed if v["name"] == "spare"] == [True]


@pytest.fixture
def short_cache_app(database: Database, redis: Any) -> Iterator[TestClient[Any]]:
    from service.api.app import create_app

    with TestClient(create_app(database, redis, callers=CallerCache(300))) as client:
        yield client


def test_the_caller_cache_never_outlives_the_tokens_expiry(
    short_cache_app: TestClient[Any], database: Database
) -> None:
    # A cache that would trust a token for 5 minutes; the token has 1.5 seconds left.
    token = make_user(database, "ana")
    _expire(database, token, at=datetime.now(UTC) + timedelta(seconds=1.5))
    assert short_cache_app.get("/v1/me", headers=auth(token)).status_code == 200
    assert (
        short_cache_app.post("/v1/checkins", json=CHECKIN, headers=auth(token)).status_code == 202
    )
    time.sleep(2)
    assert short_cache_app.get("/v1/me", headers=auth(token)).status_code == 401
    assert (
        short_cache_app.post("/v1/checkins", json=CHECKIN, headers=auth(token)).status_code == 401
    )


def test_cache_entries_end_with_the_token() -> None:
    now = [100.0]
    cache = CallerCache(60, clock=lambda: now[0])
    caller = Caller(id=uuid.uuid4(), role="partner", name="ana", locale="en-US")
    cache.put("expired", caller, expires_at=datetime.now(UTC) - timedelta(seconds=1))
    assert cache.get("expired") is None and len(cache) == 0
    cache.put("soon", caller, expires_at=datetime.now(UTC) + timedelta(seconds=5))
    cache.put("later", caller, expires_at=datetime.now(UTC) + timedelta(days=1))
    now[0] += 6
    assert cache.get("soon") is None and cache.get("later") == caller
    cache.forget_token("later")
    assert cache.get("later") is None


def test_last_use_is_noted_once_per_hour_on_both_paths(client: Any, database: Database) -> None:
    token = make_user(database, "ana")
    spare = client.post("/v1/me/tokens", json={"name": "unused"}, headers=auth(token)).json()
    listed = {
        v["name"]: v for v in client.get("/v1/me/tokens", headers=auth(token)).json()["items"]
    }
    assert listed["default"]["last_used_at"] is not None
    assert listed["unused"]["last_used_at"] is None
    # The check-in statement notes it too (a token first seen on that path).
    with database.unit_of_work() as session:
        session.execute(
            update(ApiToken)
            .where(ApiToken.id == uuid.UUID(spare["id"]))
            .values(last_used_at=datetime.now(UTC) - timedelta(hours=2))
        )
    assert (
        client.post("/v1/checkins", json=CHECKIN, headers=auth(spare["token"])).status_code == 202
    )
    with database.unit_of_work() as session:
        used = session.scalar(
            select(ApiToken.last_used_at).where(ApiToken.id == uuid.UUID(spare["id"]))
        )
    assert used is not None and datetime.now(UTC) - used < timedelta(minutes=1)


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"name": ""},
        {"name": "   "},
        {"name": "x" * 81},
        {"name": "phone", "expires_in_days": 0},
        {"name": "phone", "expires_in_days": 3651},
        {"name": "phone", "expires_in_days": "30"},
        {"name": "phone", "scope": "all"},
    ],
)
def test_a_bad_request_creates_nothing(client: Any, database: Database, body: Any) -> None:
    token = make_user(database, "ana")
    answer = client.post("/v1/me/tokens", json=body, headers=auth(token))
    assert answer.status_code == 400, answer.text
    assert answer.headers["content-type"].startswith("application/problem+json")
    assert len(client.get("/v1/me/tokens", headers=auth(token)).json()["items"]) == 1


def test_without_a_token_nothing_is_listed_created_or_revoked(
    client: Any, database: Database
) -> None:
    make_user(database, "ana")
    assert client.get("/v1/me/tokens").status_code == 401
    assert client.post("/v1/me/tokens", json={"name": "x"}).status_code == 401
    assert client.delete(f"/v1/me/tokens/{uuid.uuid4()}").status_code == 401


# --- attune tokens -----------------------------------------------------------------------------


@pytest.fixture
def run(cli_env: dict[str, str]) -> Any:
    from service.cli.main import cli

    def invoke(*args: str) -> Any:
        return CliRunner().invoke(cli, list(args), env=cli_env)

    return invoke


def test_cli_create_json_list_and_revoke(run: Any, client: Any, database: Database) -> None:
    first = make_user(database, "ana")
    user_id = _user_id(database, first)

    made = run("tokens", "create", str(user_id), "--name", "ci", "--expires", "12h", "--json")
    assert made.exit_code == 0, made.output
    printed = json.loads(made.output)
    assert set(printed) == {"id", "token", "expires_at"}
    expires = datetime.fromisoformat(printed["expires_at"])
    assert abs(expires - (datetime.now(UTC) + timedelta(hours=12))) < timedelta(minutes=1)
    assert client.get("/v1/me", headers=auth(printed["token"])).status_code == 200

    forever = json.loads(run("tokens", "create", str(user_id), "--json").output)
    assert forever["expires_at"] is None

    listed = run("tokens", "list", str(user_id), "--json")
    assert listed.exit_code == 0, listed.output
    views = json.loads(listed.output)
    assert {v["name"] for v in views} == {"default", "ci", "cli"}
    assert printed["token"] not in listed.output and forever["token"] not in listed.output
    human = run("tokens", "list", str(user_id))
    assert "ci" in human.output and printed["token"] not in human.output

    revoked = run("tokens", "revoke", printed["id"])
    assert revoked.exit_code == 0, revoked.output
    assert "AUTH_CACHE_TTL_SECONDS" in revoked.output
    # A process that had not cached it (as any API process after the cache TTL) refuses it.
    from service.api.app import create_app

    with TestClient(create_app(database, client.app.state.redis)) as fresh:
        assert fresh.get("/v1/me", headers=auth(printed["token"])).status_code == 401
        assert fresh.get("/v1/me", headers=auth(first)).status_code == 200
    again = run("tokens", "revoke", printed["id"])
    assert again.exit_code != 0 and "token not found" in again.output


@pytest.mark.parametrize("expires", ["5m", "0d", "d", "-1h", "3651d", "soon"])
def test_cli_refuses_an_expiry_it_cannot_read(run: Any, database: Database, expires: str) -> None:
    user_id = _user_id(database, make_user(database, "ana"))
    answer = run("tokens", "create", str(user_id), "--expires", expires, "--json")
    assert answer.exit_code != 0
    assert "Error:" in answer.output and TOKEN_PREFIX not in answer.output
    with database.unit_of_work() as session:
        held = session.scalar(select(func.count()).select_from(ApiToken))
    assert held == 1


def test_cli_unknown_user_is_an_error(run: Any, database: Database) -> None:
    for args in (("create", str(uuid.uuid4())), ("list", str(uuid.uuid4()))):
        answer = run("tokens", *args)
        assert answer.exit_code != 0 and "user not found" in answer.output


def test_users_create_and_rotate_token_use_the_token_table(
    run: Any, client: Any, database: Database
) -> None:
    created = run("users", "create", "bo", "--quiet")
    assert created.exit_code == 0, created.output
    old = created.output.strip()
    user_id = _user_id(database, old)
    extra = json.loads(run("tokens", "create", str(user_id), "--json").output)["token"]
    rotated = run("users", "rotate-token", str(user_id), "--quiet")
    assert rotated.exit_code == 0, rotated.output
    new = rotated.output.strip()
    assert client.get("/v1/me", headers=auth(new)).status_code == 200
    # Rotation replaces every token the user held.
    assert client.get("/v1/me", headers=auth(old)).status_code == 401
    assert client.get("/v1/me", headers=auth(extra)).status_code == 401
    with database.unit_of_work() as session:
        user = session.get(User, user_id)
        assert user is not None
        assert Accounts(session).authenticate(new).id == user_id
        held = session.scalars(select(ApiToken.name).where(ApiToken.user_id == user_id)).all()
    assert held == ["default"]
