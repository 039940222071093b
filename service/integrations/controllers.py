"""Inbound webhooks: integrations push check-ins, signed (being written)."""

from __future__ import annotations

from litestar import Controller


class IntegrationCheckInController(Controller):
    path = "/v1/integrations"
    tags = ["integrations"]  # noqa: RUF012
