"""Inbound webhooks: integrations push check-ins, signed with their secret (Standard Webhooks)."""

from __future__ import annotations

import uuid
from typing import Any

from litestar import Controller, Request, Response, post
from litestar.params import FromPath

from service.api.openapi import problems
from service.integrations.inbound import receive_async


class IntegrationCheckInController(Controller):
    path = "/v1/integrations"
    tags = ["integrations"]  # noqa: RUF012

    @post(
        "/{integration_id:uuid}/checkins",
        status_code=202,
        opt={
            "public": True,  # signed with the integration's secret instead of a bearer token
            **problems(
                {
                    400: "The body is not a valid check-in; `errors` lists what is wrong.",
                    401: "The signature is missing, wrong or outside the 5-minute window, or"
                    " the integration does not exist (the same answer, so ids cannot be probed).",
                    403: "The integration is disabled or lacks the `checkins:write` scope.",
                    413: "The body is larger than 64 KiB.",
                    422: "`webhook-id` is too long, or was used before for another body.",
                }
            ),
        },
    )
    async def push_checkin(
        self, request: Request[Any, Any, Any], integration_id: FromPath[uuid.UUID]
    ) -> Response[dict[str, Any]]:
        """A check-in from an integration, for one of its users (`external_user_id`).

        Signed over the raw body with the integration's secret: `webhook-id`,
        `webhook-timestamp` (within 5 minutes), `webhook-signature: v1,<base64 HMAC-SHA256>`.
        A `webhook-id` seen before is answered with the first response. Body: `external_user_id`,
        `text`, and optionally `mood`, `connection`, `locale`, `shared_with_partner`.
        """
        body = await request.body()
        outcome = await receive_async(request.app.state.adb, integration_id, body, request.headers)
        headers = {"Location": outcome.body["links"]["self"]}
        if outcome.replayed:
            headers["Idempotent-Replayed"] = "true"
        return Response(outcome.body, status_code=outcome.status, headers=headers)
