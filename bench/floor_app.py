"""The floor for check-in ingestion: bare Litestar + asyncpg, one INSERT per request.

It parses the same JSON body as ``POST /v1/checkins`` and inserts the same row into the same
``checkins`` table, and nothing else: no authentication, no validation, no encryption, no
outbox event. Whatever Attune does beyond this is what the ingestion benchmark
(``bench/ingest.py``) measures against it.

Configured by environment (it is launched by the benchmark, not by users):
``FLOOR_DATABASE_URL`` (``postgresql://``; ``+psycopg`` is accepted), ``FLOOR_USER_ID``
(the partner the rows belong to), ``FLOOR_POOL_SIZE`` (asyncpg pool size, default 10).

Run: ``python -m uvicorn bench.floor_app:app --port 8001 --no-access-log``.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from typing import Any

import asyncpg
from litestar import Litestar, Response, get, post
from litestar.datastructures import State

# Same columns CheckIns.submit fills; the text is stored as plain bytes (the column is bytea).
INSERT_CHECKIN = """
INSERT INTO checkins (id, user_id, couple_id, text, mood, connection, locale, status,
                      shared_with_partner, created_at, updated_at)
VALUES ($1, $2, NULL, $3, $4, $5, $6, 'received', $7, $8, $8)
"""


def asyncpg_dsn(url: str) -> str:
    """asyncpg takes libpq URLs only: drop SQLAlchemy's driver suffix."""
    scheme, sep, rest = url.partition("://")
    return f"{scheme.split('+', 1)[0]}{sep}{rest}"


@asynccontextmanager
async def pool_lifespan(app: Litestar) -> AsyncIterator[None]:
    size = int(os.environ.get("FLOOR_POOL_SIZE", "10"))
    pool = await asyncpg.create_pool(
        asyncpg_dsn(os.environ["FLOOR_DATABASE_URL"]), min_size=size, max_size=size
    )
    app.state.pool = pool
    app.state.user_id = uuid.UUID(os.environ["FLOOR_USER_ID"])
    try:
        yield
    finally:
        await pool.close()


@post("/v1/checkins", status_code=202)
async def submit(data: dict[str, Any], state: State) -> Response[dict[str, str]]:
    checkin_id = uuid.uuid4()
    await state.pool.execute(
        INSERT_CHECKIN,
        checkin_id,
        state.user_id,
        str(data["text"]).encode(),
        data.get("mood"),
        data.get("connection"),
        data.get("locale") or "en-US",
        bool(data.get("shared_with_partner", False)),
        datetime.now(UTC),
    )
    return Response({"id": str(checkin_id)}, status_code=202)


@get("/healthz")
async def healthz() -> dict[str, str]:
    return {"status": "ok"}


app = Litestar(route_handlers=[submit, healthz], lifespan=[pool_lifespan])
