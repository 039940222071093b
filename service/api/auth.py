"""Who is calling: the bearer token, and the caller it resolves to (cached briefly)."""

from __future__ import annotations

from typing import Any

from litestar import Request
from litestar.datastructures import State
from litestar.di import NamedDependency

from service.accounts.callers import Caller, resolve_caller
from service.lib.db import AsyncDatabase


def provide_bearer_token(request: Request[Any, Any, Any]) -> str | None:
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    return token.strip()


def provide_async_db(state: State) -> AsyncDatabase:
    db: AsyncDatabase = state.adb
    return db


async def provide_caller(state: State, token: NamedDependency[str | None]) -> Caller:
    """The authenticated caller; a missing or unknown token is a 401 problem."""
    return await resolve_caller(state.adb, state.callers, token)
