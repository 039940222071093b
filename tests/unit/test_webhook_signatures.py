"""Webhook signatures (Standard Webhooks): no change to a signed body, id or time verifies."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from service.integrations.secrets import new_secret, sign, verify

SECRET = new_secret()


def headers(body: bytes, *, msg_id: str = "msg_1", at: datetime | None = None) -> dict[str, str]:
    at = at or datetime.now(UTC)
    return {
        "webhook-id": msg_id,
        "webhook-timestamp": str(int(at.timestamp())),
        "webhook-signature": sign(SECRET, msg_id, at, body),
    }


@st.composite
def changed(draw: st.DrawFn) -> tuple[bytes, bytes]:
    """A body and a different one: a byte flipped, inserted, removed, or bytes swapped."""
    body = draw(st.binary(min_size=1, max_size=300))
    kind = draw(st.sampled_from(["flip", "insert", "delete", "append", "truncate"]))
    at = draw(st.integers(0, len(body) - 1))
    if kind == "flip":
        bit = draw(st.integers(0, 7))
        other = body[:at] + bytes([body[at] ^ (1 << bit)]) + body[at + 1 :]
    elif kind == "insert":
        other = body[:at] + draw(st.binary(min_size=1, max_size=4)) + body[at:]
    elif kind == "delete":
        other = body[:at] + body[at + 1 :]
    elif kind == "append":
        other = body + draw(st.binary(min_size=1, max_size=4))
    else:
        other = body[:at]
    return body, other


@settings(max_examples=300, deadline=None)
@given(changed())
def test_no_byte_change_of_a_signed_body_verifies(pair: tuple[bytes, bytes]) -> None:
    body, other = pair
    signed = headers(body)
    assert verify([SECRET], body, signed)
    assert not verify([SECRET], other, signed)


@settings(max_examples=100, deadline=None)
@given(st.binary(max_size=200), st.text(min_size=1, max_size=40).filter(str.isprintable))
def test_the_signature_binds_the_message_id(body: bytes, other_id: str) -> None:
    signed = headers(body, msg_id="msg_original")
    moved = {**signed, "webhook-id": other_id}
    assert verify([SECRET], body, moved) == (other_id == "msg_original")


def test_the_signature_binds_the_timestamp_and_its_window() -> None:
    body = b'{"external_user_id":"u1","text":"hi"}'
    signed = headers(body)
    shifted = {**signed, "webhook-timestamp": str(int(signed["webhook-timestamp"]) + 1)}
    assert not verify([SECRET], body, shifted)
    four_minutes_ago = headers(body, at=datetime.now(UTC) - timedelta(minutes=4))
    assert verify([SECRET], body, four_minutes_ago)
    six_minutes_ago = headers(body, at=datetime.now(UTC) - timedelta(minutes=6))
    assert not verify([SECRET], body, six_minutes_ago)


def test_another_secret_or_no_secret_does_not_verify() -> None:
    body = b"{}"
    signed = headers(body)
    assert not verify([new_secret()], body, signed)
    assert not verify([], body, signed)
    assert verify([new_secret(), SECRET], body, signed)  # e.g. during a rotation


def test_secrets_have_the_standard_webhooks_form() -> None:
    import base64

    secret = new_secret()
    assert secret.startswith("whsec_")
    assert len(base64.b64decode(secret.removeprefix("whsec_"))) == 32
    assert new_secret() != secret
