"""Every error leaves the API as an RFC 9457 problem response, in this one place."""

from __future__ import annotations

from typing import Any

import structlog
from litestar import Request, Response
from litestar.exceptions import HTTPException, ValidationException
from litestar.status_codes import HTTP_500_INTERNAL_SERVER_ERROR

from service.errors import DomainError
from service.lib.db import DatabaseUnavailableError, is_disconnect

log = structlog.get_logger(__name__)
MEDIA_TYPE = "application/problem+json"


def problem(status: int, title: str, detail: str, **extra: Any) -> Response[dict[str, Any]]:
    body: dict[str, Any] = {"type": "about:blank", "status": status, "title": title}
    if detail:
        body["detail"] = detail
    body.update(extra)
    headers = {"WWW-Authenticate": 'Bearer realm="attune"'} if status == 401 else None
    return Response(body, status_code=status, media_type=MEDIA_TYPE, headers=headers)


def on_domain_error(_: Request[Any, Any, Any], exc: DomainError) -> Response[dict[str, Any]]:
    return problem(exc.status, exc.title, exc.detail, **exc.extra)


def on_validation_error(
    _: Request[Any, Any, Any], exc: ValidationException
) -> Response[dict[str, Any]]:
    errors = exc.extra if isinstance(exc.extra, list) else []
    return problem(400, "Invalid request", "the request did not pass validation", errors=errors)


def on_http_error(request: Request[Any, Any, Any], exc: HTTPException) -> Response[Any]:
    title = {404: "Not found", 405: "Method not allowed", 413: "Request too large"}.get(
        exc.status_code, "Request error"
    )
    if exc.status_code == 404 and request.url.path.startswith("/dashboard/"):
        # A person in a browser, not a client: the dashboard's own "not found" page.
        from service.dashboard.web import page

        context = {"status": 404, "title": title, "detail": "This page does not exist."}
        return page(request, "error.html", context, status_code=404)
    response = problem(exc.status_code, title, str(exc.detail or ""))
    # Litestar's 405 names the path's methods in `Allow` (RFC 9110 requires it): keep it.
    response.headers.update(exc.headers or {})
    return response


def on_unexpected(request: Request[Any, Any, Any], exc: Exception) -> Response[dict[str, Any]]:
    if isinstance(exc, DatabaseUnavailableError) or is_disconnect(exc):
        # Postgres went away mid-request (restart, failover): nothing was committed by this
        # request, the pool reconnects on the next one; the client should retry.
        log.warning("database connection lost", path=request.url.path)
        response = problem(503, "Service unavailable", "the database connection was lost; retry")
        response.headers["Retry-After"] = "1"
        return response
    # The detail stays in the log; the caller learns only that it was not their fault.
    log.error("unhandled error", path=request.url.path, exc_info=exc)
    return problem(
        HTTP_500_INTERNAL_SERVER_ERROR, "Internal error", "something went wrong on our side"
    )


EXCEPTION_HANDLERS: dict[type[Exception], Any] = {
    DomainError: on_domain_error,
    ValidationException: on_validation_error,
    HTTPException: on_http_error,
    Exception: on_unexpected,
}
