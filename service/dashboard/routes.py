"""The dashboard's routes, under one router with its own CSRF protection and error pages."""

from __future__ import annotations

from typing import Any

from litestar import Router
from litestar.di import Provide

from service.dashboard.couples import CouplePagesController
from service.dashboard.login import LoginController
from service.dashboard.queue import QueueController
from service.dashboard.web import EXCEPTION_HANDLERS, csrf_middleware, provide_visit, static_router


def dashboard_routes(csrf_secret: str, *, secure_cookies: bool) -> list[Any]:
    """Route handlers to mount on the app: the pages (CSRF-protected) and the static assets."""
    pages = Router(
        path="/",
        route_handlers=[LoginController, QueueController, CouplePagesController],
        middleware=[csrf_middleware(csrf_secret, secure=secure_cookies)],
        exception_handlers=EXCEPTION_HANDLERS,
        dependencies={"visit": Provide(provide_visit)},
        include_in_schema=False,
    )
    return [pages, static_router()]
