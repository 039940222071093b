"""Dashboard logins: coaches and admins only, CSRF on every form, sessions that end, a
throttle on guessing, and partners' consent switch."""

from __future__ import annotations

import re
from typing import Any

import pytest
from sqlalchemy import func, select

from service.dashboard.auth import SESSION_COOKIE, set_password
from service.lib.db import Database
from service.persistence.models import AuditEntry, DashboardSession, User
from tests.integration.conftest import auth, make_user

pytestmark = pytest.mark.integration

PASSWORD = "correct horse battery staple"


def coach(database: Database, name: str = "carla", role: str = "coach") -> str:
    token = make_user(database, name, role=role)
    with database.unit_of_work() as session:
        set_password(session, name, PASSWORD)
    return token


def csrf(client: Any) -> str:
    page = client.get("/dashboard/login")
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")  # a browser must render it
    match = re.search(r'name="_csrf_token" value="([^"]+)"', page.text)
    assert match, "the login form carries Litestar's CSRF field"
    return match.group(1)


def login(client: Any, username: str, password: str) -> Any:
    token = csrf(client)
    return client.post(
        "/dashboard/login",
        data={"username": username, "password": password, "_csrf_token": token},
        follow_redirects=False,
    )


def audit_actions(database: Database) -> list[str]:
    with database.unit_of_work() as session:
        return list(session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)))


def test_a_coach_logs_in_and_out(client: Any, database: Database) -> None:
    coach(database)
    assert client.get("/dashboard/queue", follow_redirects=False).headers["location"] == (
        "/dashboard/login"
    )
    answer = login(client, "carla", PASSWORD)
    assert answer.status_code == 303 and answer.headers["location"] == "/dashboard/queue"
    cookie = answer.headers["set-cookie"]
    assert f"{SESSION_COOKIE}=" in cookie and "HttpOnly" in cookie
    assert "SameSite=lax" in cookie or "samesite=lax" in cookie.lower()
    assert "Secure" not in cookie  # not production
    assert client.get("/dashboard/login", follow_redirects=False).status_code in (302, 303, 307)

    out = client.post("/dashboard/logout", data={"_csrf_token": client.cookies["csrftoken"]},
                      follow_redirects=False)  # fmt: skip
    assert out.status_code == 303
    with database.unit_of_work() as session:
        assert session.scalar(select(func.count()).select_from(DashboardSession)) == 0
    assert audit_actions(database) == ["login", "logout"]


@pytest.mark.parametrize("who", ["wrong password", "unknown name", "partner", "no password"])
def test_only_coaches_and_admins_with_the_right_password_get_in(
    client: Any, database: Database, who: str
) -> None:
    coach(database)
    make_user(database, "pat")  # a partner
    make_user(database, "nopass", role="coach")
    username, password = {
        "wrong password": ("carla", "not the password at all"),
        "unknown name": ("nobody", PASSWORD),
        "partner": ("pat", PASSWORD),
        "no password": ("nopass", PASSWORD),
    }[who]
    answer = login(client, username, password)
    assert answer.status_code == 401
    assert answer.headers["content-type"].startswith("text/html")
    assert "do not match" in answer.text
    assert SESSION_COOKIE not in answer.headers.get("set-cookie", "")
    assert audit_actions(database) == ["login_failed"]


def test_partners_cannot_set_a_password_and_their_tokens_open_nothing(
    client: Any, database: Database
) -> None:
    from service.errors import InvalidInputError

    token = make_user(database, "pat")
    with database.unit_of_work() as session, pytest.raises(InvalidInputError):
        set_password(session, "pat", PASSWORD)
    page = client.get("/dashboard/queue", headers=auth(token), follow_redirects=False)
    assert page.status_code in (302, 303, 307) and page.headers["location"] == "/dashboard/login"
    client.cookies.set(SESSION_COOKIE, token)  # a bearer token as a cookie is no session
    assert client.get("/dashboard/queue", follow_redirects=False).headers["location"] == (
        "/dashboard/login"
    )


def test_form_posts_without_the_csrf_token_are_refused(client: Any, database: Database) -> None:
    coach(database)
    csrf(client)  # the cookie is there, the form field is not
    answer = client.post(
        "/dashboard/login", data={"username": "carla", "password": PASSWORD},
        follow_redirects=False,
    )  # fmt: skip
    assert answer.status_code == 403
    forged = client.post(
        "/dashboard/login",
        data={"username": "carla", "password": PASSWORD, "_csrf_token": "forged"},
        follow_redirects=False,
    )
    assert forged.status_code == 403
    assert audit_actions(database) == []


def test_guessing_is_throttled_even_for_the_right_password(
    client: Any, database: Database, redis: Any
) -> None:
    coach(database)
    for _ in range(5):
        assert login(client, "carla", "wrong guess number x").status_code == 401
    blocked = login(client, "carla", PASSWORD)
    assert blocked.status_code == 429
    assert int(blocked.headers["retry-after"]) > 0
    redis.flushdb()
    assert login(client, "carla", PASSWORD).status_code == 303


def test_a_new_password_ends_open_sessions(client: Any, database: Database) -> None:
    coach(database)
    assert login(client, "carla", PASSWORD).status_code == 303
    with database.unit_of_work() as session:
        set_password(session, "carla", "another long password 2")
    assert client.get("/dashboard/queue", follow_redirects=False).status_code in (302, 303, 307)


def test_static_assets_are_versioned_and_cached(client: Any, database: Database) -> None:
    page = client.get("/dashboard/login")
    css = re.search(r'href="(/dashboard/static/app\.css\?v=[0-9a-f]{12})"', page.text)
    assert css
    asset = client.get(css.group(1))
    assert asset.status_code == 200 and "max-age=31536000" in asset.headers["cache-control"]
    assert "no-store" in page.headers["cache-control"]


def test_partners_switch_their_consent(client: Any, database: Database) -> None:
    token = make_user(database, "pat")
    assert client.get("/v1/me/consent", headers=auth(token)).json()["coach_can_read_text"] is False
    on = client.patch("/v1/me/consent", json={"coach_can_read_text": True}, headers=auth(token))
    assert on.status_code == 200 and on.json()["coach_can_read_text"] is True
    with database.unit_of_work() as session:
        assert session.scalar(select(User.coach_can_read_text).where(User.name == "pat"))
    bad = client.patch("/v1/me/consent", json={"coach_can_read_text": "yes"}, headers=auth(token))
    assert bad.status_code == 400
    coach_token = coach(database)
    refused = client.patch(
        "/v1/me/consent", json={"coach_can_read_text": True}, headers=auth(coach_token)
    )
    assert refused.status_code == 403


def test_an_unknown_dashboard_page_is_an_html_not_found_page(client: Any) -> None:
    answer = client.get("/dashboard/no-such-page")
    assert answer.status_code == 404
    assert answer.headers["content-type"].startswith("text/html")
    assert "This page does not exist." in answer.text
    api = client.get("/v1/no-such-route")
    assert api.status_code == 404 and api.headers["content-type"].startswith(
        "application/problem+json"
    )
