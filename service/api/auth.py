"""Bearer-token extraction; the token is resolved to a caller inside each unit of work."""

from __future__ import annotations

from typing import Any

from litestar import Request


def provide_bearer_token(request: Request[Any, Any, Any]) -> str | None:
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    return token.strip()
