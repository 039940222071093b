"""The dashboard's web plumbing: templates, static assets, CSRF, who is looking, and the one
way a page records what it showed (the audit log).

Pages are server-rendered Jinja templates with htmx for partial updates; no build step. The
router carries its own CSRF middleware (Litestar's: cookie ``csrftoken``, form field
``_csrf_token``, header ``x-csrftoken``), so the bearer-token JSON API is untouched by it.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from litestar import Request, Response
from litestar.config.csrf import CSRFConfig
from litestar.datastructures import CacheControlHeader
from litestar.exceptions import NotFoundException
from litestar.middleware import DefineMiddleware
from litestar.middleware.csrf import CSRFMiddleware
from litestar.plugins.jinja import JinjaTemplateEngine
from litestar.response import Redirect, Template
from litestar.static_files import create_static_files_router
from litestar.template.config import TemplateConfig
from sqlalchemy.orm import Session

from service.dashboard import audit
from service.dashboard.auth import SESSION_COOKIE, DashboardUser, session_user
from service.errors import DomainError, NotFoundError
from service.lib.db import AsyncDatabase

T = TypeVar("T")
HERE = Path(__file__).resolve().parent
TEMPLATES = HERE / "templates"
STATIC = HERE / "static"
STATIC_PATH = "/dashboard/static"


def asset_version() -> str:
    """A digest of the static files: their URLs change when they do, so they can be cached
    for a year."""
    digest = hashlib.sha256()
    for path in sorted(STATIC.iterdir()):
        digest.update(path.name.encode() + path.read_bytes())
    return digest.hexdigest()[:12]


def template_config() -> TemplateConfig[JinjaTemplateEngine]:
    version = asset_version()

    def setup(engine: JinjaTemplateEngine) -> None:
        engine.engine.globals["asset"] = lambda name: f"{STATIC_PATH}/{name}?v={version}"
        engine.engine.globals["severity_rank"] = {"urgent": 0, "elevated": 1, "concern": 2}

    return TemplateConfig(directory=TEMPLATES, engine=JinjaTemplateEngine, engine_callback=setup)


def static_router() -> Any:
    return create_static_files_router(
        path=STATIC_PATH,
        directories=[STATIC],
        cache_control=CacheControlHeader(max_age=365 * 24 * 3600, public=True),
        include_in_schema=False,
    )


def csrf_middleware(secret: str, *, secure: bool) -> DefineMiddleware:
    config = CSRFConfig(secret=secret, cookie_secure=secure, cookie_samesite="lax")
    return DefineMiddleware(CSRFMiddleware, config=config)


class LoginRequiredError(Exception):
    """No valid dashboard session: pages redirect to the login form."""


def client_ip(request: Request[Any, Any, Any]) -> str | None:
    return request.client.host if request.client else None


@dataclass(frozen=True)
class Visit:
    """A dashboard request by a logged-in coach or admin: run work in one transaction, and
    record what it read or did in the audit log of the same transaction."""

    viewer: DashboardUser
    db: AsyncDatabase
    ip: str | None
    user_agent: str | None

    async def run(self, work: Callable[[Session], T]) -> T:
        return await self.db.run(work)

    def audit(self, session: Session, action: str, **fields: Any) -> None:
        audit.record(
            session,
            actor_id=self.viewer.id,
            actor_role=self.viewer.role,
            action=action,
            ip=self.ip,
            user_agent=self.user_agent,
            **fields,
        )


async def provide_visit(request: Request[Any, Any, Any]) -> Visit:
    """The logged-in coach or admin (partners and integrations have no dashboard login)."""
    db: AsyncDatabase = request.app.state.adb
    token = request.cookies.get(SESSION_COOKIE)
    viewer = await db.run(lambda session: session_user(session, token)) if token else None
    if viewer is None:
        raise LoginRequiredError
    return Visit(viewer, db, client_ip(request), request.headers.get("user-agent"))


def on_login_required(request: Request[Any, Any, Any], _: LoginRequiredError) -> Response[Any]:
    if request.headers.get("hx-request"):  # an htmx poll after logout: reload into the form
        return Response("", status_code=401, headers={"HX-Redirect": "/dashboard/login"})
    return Redirect(path="/dashboard/login")


def on_not_found(request: Request[Any, Any, Any], exc: Exception) -> Response[Any]:
    detail = exc.detail if isinstance(exc, DomainError) else "This page does not exist."
    return page(request, "error.html", {"status": 404, "title": "Not found", "detail": detail},
                status_code=404)  # fmt: skip


def on_domain_error(request: Request[Any, Any, Any], exc: DomainError) -> Response[Any]:
    context = {"status": exc.status, "title": exc.title, "detail": exc.detail}
    return page(request, "error.html", context, status_code=exc.status)


def page(
    request: Request[Any, Any, Any],
    name: str,
    context: dict[str, Any],
    *,
    status_code: int = 200,
) -> Template:
    """A rendered page; never cached (it shows people's data)."""
    return Template(
        template_name=name,
        context=context,
        status_code=status_code,
        media_type="text/html",  # handlers may return Any (page or redirect): say what it is
        headers={"Cache-Control": "no-store"},
    )


EXCEPTION_HANDLERS: dict[Any, Any] = {
    LoginRequiredError: on_login_required,
    NotFoundError: on_not_found,
    NotFoundException: on_not_found,
    DomainError: on_domain_error,
}
