"""Rate limits with the real Redis: writes per token and per address, failed authentications per
address (a lockout that even a right token does not lift), 429 with Retry-After and a problem
body, and requests served unthrottled when Redis is down."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import replace
from pathlib import Path
from typing import Any

import httpx
import pytest
from litestar.testing import TestClient
from redis import Redis
from sqlalchemy import func, select
from structlog.testing import capture_logs

from service.api.rate_limits import RateLimits
from service.lib.db import Database
from service.persistence.models import CheckIn
from tests.integration.conftest import auth, make_user
from tests.support.http_server import free_port, serve

pytestmark = pytest.mark.integration

CHECKIN = {"text": "We planned the weekend together and it felt easy.", "mood": 4}
ROOMY = RateLimits(writes_per_token=1000, writes_per_ip=1000, auth_failures_per_ip=1000)

Limited = Callable[..., AbstractContextManager[TestClient[Any]]]


@pytest.fixture
def limited(database: Database, redis: Redis) -> Limited:
    """A client of an app with these limits (the rest generous), on the test Redis."""
    from service.api.app import create_app

    @contextmanager
    def open_client(redis_client: Redis = redis, **limits: Any) -> Iterator[TestClient[Any]]:
        app = create_app(database, redis_client, rate_limits=_limits(**limits))
        with TestClient(app) as client:
            yield client

    return open_client


def _limits(**limits: Any) -> RateLimits:
    return replace(ROOMY, **limits)


def _checkins(database: Database) -> int:
    with database.unit_of_work() as session:
        return session.scalar(select(func.count()).select_from(CheckIn)) or 0


def _assert_throttled(answer: Any, *, window: int, detail: str) -> int:
    assert answer.status_code == 429, answer.text
    assert answer.headers["content-type"].startswith("application/problem+json")
    retry_after = int(answer.headers["retry-after"])
    assert 1 <= retry_after <= window
    body = answer.json()
    assert body["type"] == "about:blank" and body["status"] == 429
    assert body["title"] == "Too many requests" and detail in body["detail"]
    assert body["retry_after"] == retry_after
    assert answer.headers["x-request-id"]  # the usual envelope of every answer
    return retry_after


def test_writes_per_token(limited: Limited, database: Database, redis: Redis) -> None:
    ana, ben = make_user(database, "ana"), make_user(database, "ben")
    with limited(writes_per_token=3) as client:
        for _ in range(3):
            assert client.post("/v1/checkins", json=CHECKIN, headers=auth(ana)).status_code == 202
        refused = client.post("/v1/checkins", json=CHECKIN, headers=auth(ana))
        _assert_throttled(refused, window=60, detail="writes with this token")
        assert _checkins(database) == 3  # the handler never ran
        # Another token from the same address, and reads with this one, are not held back.
        assert client.post("/v1/checkins", json=CHECKIN, headers=auth(ben)).status_code == 202
        assert client.get("/v1/checkins", headers=auth(ana)).status_code == 200
        # Any write counts, not only check-ins.
        refused = client.post("/v1/me/tokens", json={"name": "phone"}, headers=auth(ana))
        assert refused.status_code == 429
    # The counter lives in Redis with the window's expiry (every API process shares it).
    keys = [k.decode() for k in redis.keys("attune:rate:writes:token:*")]
    assert len(keys) == 2 and all(0 < redis.ttl(k) <= 60 for k in keys)
    assert not any(ana in k or ben in k for k in keys)  # tokens are hashed in key names


def test_writes_per_address_whatever_the_token(limited: Limited, database: Database) -> None:
    tokens = [make_user(database, f"p{n}") for n in range(4)]
    with limited(writes_per_ip=3) as client:
        for token in tokens[:3]:
            assert client.post("/v1/checkins", json=CHECKIN, headers=auth(token)).status_code == 202
        refused = client.post("/v1/checkins", json=CHECKIN, headers=auth(tokens[3]))
        _assert_throttled(refused, window=60, detail="writes from your address")
        # Without a token too: the address is over its limit before anyone is asked who it is.
        assert client.post("/v1/checkins", json=CHECKIN).status_code == 429
        assert client.get("/v1/me", headers=auth(tokens[3])).status_code == 200


def test_the_limit_lifts_when_the_window_ends(limited: Limited, database: Database) -> None:
    ana = make_user(database, "ana")
    with limited(writes_per_token=1, write_window_seconds=1) as client:
        assert client.post("/v1/checkins", json=CHECKIN, headers=auth(ana)).status_code == 202
        refused = client.post("/v1/checkins", json=CHECKIN, headers=auth(ana))
        assert _assert_throttled(refused, window=1, detail="in 1 seconds") == 1
        time.sleep(1.2)
        assert client.post("/v1/checkins", json=CHECKIN, headers=auth(ana)).status_code == 202


def test_failed_authentications_lock_the_address_out_even_with_a_right_token(
    limited: Limited, database: Database
) -> None:
    ana = make_user(database, "ana")
    with limited(auth_failures_per_ip=3, auth_window_seconds=2) as client:
        assert client.get("/v1/me", headers=auth("att_guess-1")).status_code == 401
        assert (
            client.post("/v1/checkins", json=CHECKIN, headers=auth("att_guess-2")).status_code
            == 401
        )
        assert client.get("/v1/me").status_code == 401  # no token at all counts as well
        locked = client.get("/v1/me", headers=auth(ana))
        _assert_throttled(locked, window=2, detail="failed authentications")
        assert client.post("/v1/checkins", json=CHECKIN, headers=auth(ana)).status_code == 429
        assert _checkins(database) == 0
        assert client.get("/v1/healthz").status_code == 200  # probes are never throttled
        time.sleep(2.1)
        assert client.get("/v1/me", headers=auth(ana)).status_code == 200


def test_successes_do_not_count_as_failures(limited: Limited, database: Database) -> None:
    ana = make_user(database, "ana")
    with limited(auth_failures_per_ip=2) as client:
        for _ in range(5):
            assert client.get("/v1/me", headers=auth(ana)).status_code == 200
        assert client.get("/v1/me", headers=auth("att_wrong")).status_code == 401
        assert client.get("/v1/me", headers=auth(ana)).status_code == 200


def test_each_client_address_has_its_own_count(database: Database, redis: Redis) -> None:
    # A real server, so that the address is the one the connection comes from.
    from service.api.app import create_app

    ana, ben = make_user(database, "ana"), make_user(database, "ben")
    app = create_app(database, redis, rate_limits=_limits(writes_per_ip=2))
    with serve(app) as base_url:
        here = httpx.Client(base_url=base_url, timeout=10)
        there = httpx.Client(
            base_url=base_url,
            timeout=10,
            transport=httpx.HTTPTransport(local_address="127.0.0.2"),
        )
        with here, there:
            for _ in range(2):
                assert here.post("/v1/checkins", json=CHECKIN, headers=auth(ana)).status_code == 202
            assert here.post("/v1/checkins", json=CHECKIN, headers=auth(ben)).status_code == 429
            assert there.post("/v1/checkins", json=CHECKIN, headers=auth(ben)).status_code == 202
    ips = sorted(k.decode().rsplit(":", 1)[1] for k in redis.keys("attune:rate:writes:ip:*"))
    assert ips == ["127.0.0.1", "127.0.0.2"]


@pytest.mark.parametrize("where", ["unix socket", "tcp port"])
def test_requests_pass_when_redis_is_down(
    limited: Limited, database: Database, tmp_path: Path, where: str
) -> None:
    ana = make_user(database, "ana")
    down = (
        Redis(unix_socket_path=str(tmp_path / "no-redis.sock"))
        if where == "unix socket"
        else Redis(host="127.0.0.1", port=free_port())
    )
    with capture_logs() as logs, limited(redis_client=down, writes_per_token=1) as client:
        for _ in range(3):
            assert client.post("/v1/checkins", json=CHECKIN, headers=auth(ana)).status_code == 202
        assert client.get("/v1/me", headers=auth("att_wrong")).status_code == 401
    assert _checkins(database) == 3
    warnings = [e for e in logs if e["log_level"] == "warning" and "rate limits" in e["event"]]
    assert warnings, logs
    # Once per pause, not once per request: an outage does not flood the log.
    assert len(warnings) == 1
    assert warnings[0]["error"] in {"ConnectionError", "TimeoutError"}


def test_off_means_no_counting(database: Database, redis: Redis) -> None:
    from service.api.app import create_app

    ana = make_user(database, "ana")
    app = create_app(database, redis, rate_limits=_limits(enabled=False, writes_per_token=1))
    with TestClient(app) as client:
        for _ in range(3):
            assert client.post("/v1/checkins", json=CHECKIN, headers=auth(ana)).status_code == 202
    assert redis.keys("attune:rate:*") == []
