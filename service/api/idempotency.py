"""Idempotency-Key on creating POSTs (being written: see docs/api/idempotency.md)."""

from __future__ import annotations

from litestar.types import ASGIApp


def idempotency_middleware(app: ASGIApp) -> ASGIApp:
    return app
