"""Admin API for webhook subscriptions and deliveries (being written)."""

from __future__ import annotations

from litestar import Controller


class WebhookAdminController(Controller):
    path = "/v1/admin"
    tags = ["webhooks"]  # noqa: RUF012
