"""Who is calling: the bearer token, the caller it resolves to (cached briefly), and the one
dependency handlers take to serve them."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from litestar import Request
from litestar.connection import ASGIConnection
from litestar.datastructures import State
from litestar.di import NamedDependency
from litestar.handlers import BaseRouteHandler, HTTPRouteHandler
from sqlalchemy.orm import Session

from service.accounts.callers import Caller, resolve_caller
from service.api.openapi import bearer_authenticated
from service.errors import UnauthenticatedError
from service.lib.db import AsyncDatabase
from service.persistence.models import User

T = TypeVar("T")


@dataclass(frozen=True)
class Call:
    """An authenticated request: who is calling, and the database that serves them."""

    caller: Caller
    db: AsyncDatabase

    async def run(self, work: Callable[[Session, User], T]) -> T:
        """``work(session, user)`` in one transaction, with the caller's current row."""
        return await self.db.run(lambda session: work(session, self.caller.user(session)))


def bearer_token(request: ASGIConnection[Any, Any, Any, Any]) -> str | None:
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    return token.strip()


def require_bearer(
    connection: ASGIConnection[Any, Any, Any, Any], handler: BaseRouteHandler
) -> None:
    """Guard: a route documented as authenticated answers 401 to a request without a bearer
    token before it reads the body (no validation details for anonymous callers). The token
    itself is checked where the handler resolves its caller."""
    documented = isinstance(handler, HTTPRouteHandler) and bearer_authenticated(handler)
    if documented and bearer_token(connection) is None:
        raise UnauthenticatedError("missing bearer token")


def provide_bearer_token(request: Request[Any, Any, Any]) -> str | None:
    return bearer_token(request)


def provide_async_db(state: State) -> AsyncDatabase:
    db: AsyncDatabase = state.adb
    return db


async def provide_call(request: Request[Any, Any, Any]) -> Call:
    """The authenticated call; a missing or unknown token is a 401 problem.

    One dependency on purpose: Litestar resolves sibling dependencies in a task group, which
    costs more than the cached lookup itself on the check-in path.
    """
    state = request.app.state
    return Call(await resolve_caller(state.adb, state.callers, bearer_token(request)), state.adb)


async def provide_caller(state: State, token: NamedDependency[str | None]) -> Caller:
    """The caller alone (chat, which serves the turn on its own engine)."""
    return await resolve_caller(state.adb, state.callers, token)
