"""Signing secrets in the Standard Webhooks form, and the one place that signs and verifies."""

from __future__ import annotations

import base64
import secrets
from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

from standardwebhooks import Webhook, WebhookVerificationError

SECRET_PREFIX = "whsec_"  # noqa: S105 (a prefix, not a secret)
SECRET_BYTES = 32  # HMAC-SHA256 key: 256 bits


def new_secret() -> str:
    """A fresh signing secret, ``whsec_<base64>`` (shown once, stored encrypted)."""
    return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(SECRET_BYTES)).decode()


def sign(secret: str, msg_id: str, timestamp: datetime, body: bytes) -> str:
    """The ``webhook-signature`` header value (``v1,<base64>``) for ``body``."""
    return Webhook(secret).sign(msg_id=msg_id, timestamp=timestamp, data=body)


def verify(candidates: Iterable[str], body: bytes, headers: Mapping[str, str]) -> bool:
    """True if ``headers`` carry a valid signature of ``body`` by any of ``candidates`` and a
    timestamp within five minutes of now (the library's tolerance)."""
    plain: dict[str, Any] = {k.lower(): v for k, v in headers.items()}
    for secret in candidates:
        try:
            Webhook(secret).verify(body, plain, json_parse=False)
        except WebhookVerificationError:
            continue
        return True
    return False
