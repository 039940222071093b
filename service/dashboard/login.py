"""Logging in and out of the dashboard (coaches and admins; form fields ``username`` and
``password``, plus Litestar's ``_csrf_token``)."""

from __future__ import annotations

from typing import Annotated, Any

import anyio
from litestar import Controller, Request, Response, get, post
from litestar.enums import RequestEncodingType
from litestar.params import Body
from litestar.response import Redirect
from pydantic import BaseModel, ConfigDict, Field
from redis import Redis
from sqlalchemy.orm import Session

from service.dashboard import audit
from service.dashboard.auth import (
    MAX_PASSWORD,
    SESSION_COOKIE,
    LoginThrottle,
    check_password,
    close_session,
    open_session,
    session_user,
)
from service.dashboard.web import client_ip, page
from service.lib.db import AsyncDatabase

THROTTLE = LoginThrottle()


class LoginForm(BaseModel):
    model_config = ConfigDict(extra="ignore")  # _csrf_token travels in the same form

    username: str = Field(default="", max_length=120)
    password: str = Field(default="", max_length=MAX_PASSWORD)


class LoginController(Controller):
    path = "/dashboard"
    include_in_schema = False

    @get("/")
    async def home(self) -> Redirect:
        return Redirect(path="/dashboard/queue")

    @get("/login")
    async def form(self, request: Request[Any, Any, Any]) -> Any:
        """The login form (already logged in: straight to the queue)."""
        db: AsyncDatabase = request.app.state.adb
        token = request.cookies.get(SESSION_COOKIE)
        if token and await db.run(lambda s: session_user(s, token)) is not None:
            return Redirect(path="/dashboard/queue")
        return page(request, "login.html", {"error": None, "username": ""})

    @post("/login", status_code=200)
    async def login(
        self,
        request: Request[Any, Any, Any],
        data: Annotated[LoginForm, Body(media_type=RequestEncodingType.URL_ENCODED)],
    ) -> Any:
        """Check the password; on success a session cookie (HttpOnly, SameSite=Lax, Secure in
        production) and the queue. Too many failures for a name or an address: 429."""
        state = request.app.state
        redis: Redis = state.redis
        ip = client_ip(request)
        username = data.username.strip()
        wait = await anyio.to_thread.run_sync(THROTTLE.retry_after, redis, username, ip)
        if wait is not None:
            return _refused(request, username, 429, "Too many failed attempts. Try again in "
                            f"{max(1, wait // 60)} minute(s).", retry_after=wait)  # fmt: skip
        hours = state.dashboard_session_hours

        def attempt(session: Session) -> str | None:
            user = check_password(session, username, data.password) if username else None
            if user is None:
                audit.record(session, actor_id=None, actor_role="anonymous",
                             action="login_failed", ip=ip, details={"username": username[:120]},
                             user_agent=request.headers.get("user-agent"))  # fmt: skip
                return None
            audit.record(session, actor_id=user.id, actor_role=user.role, action="login", ip=ip,
                         user_agent=request.headers.get("user-agent"))  # fmt: skip
            return open_session(session, user, hours=hours, ip=ip)

        token = await state.adb.run(attempt)
        if token is None:
            await anyio.to_thread.run_sync(THROTTLE.failed, redis, username, ip)
            return _refused(request, username, 401, "That login name and password do not match.")
        await anyio.to_thread.run_sync(THROTTLE.succeeded, redis, username)
        response: Response[Any] = Redirect(path="/dashboard/queue", status_code=303)
        response.set_cookie(
            SESSION_COOKIE,
            token,
            max_age=int(hours * 3600),
            path="/dashboard",
            httponly=True,
            samesite="lax",
            secure=state.dashboard_secure_cookies,
        )
        return response

    @post("/logout", status_code=303)
    async def logout(self, request: Request[Any, Any, Any]) -> Response[Any]:
        token = request.cookies.get(SESSION_COOKIE)
        db: AsyncDatabase = request.app.state.adb
        ip = client_ip(request)

        def end(session: Session) -> None:
            viewer = session_user(session, token)
            if viewer is not None:
                audit.record(session, actor_id=viewer.id, actor_role=viewer.role,
                             action="logout", ip=ip,
                             user_agent=request.headers.get("user-agent"))  # fmt: skip
            close_session(session, token)

        await db.run(end)
        response: Response[Any] = Redirect(path="/dashboard/login", status_code=303)
        response.delete_cookie(SESSION_COOKIE, path="/dashboard")
        return response


def _refused(
    request: Request[Any, Any, Any],
    username: str,
    status: int,
    message: str,
    *,
    retry_after: int | None = None,
) -> Any:
    response = page(request, "login.html", {"error": message, "username": username},
                    status_code=status)  # fmt: skip
    if retry_after is not None:
        response.headers["Retry-After"] = str(retry_after)
    return response
