"""The Idempotency-Key header's grammar and the request fingerprint."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from service.api.idempotency import fingerprint, parse_key

PRINTABLE = st.text(st.characters(min_codepoint=0x20, max_codepoint=0x7E), min_size=1, max_size=255)


@given(PRINTABLE)
def test_printable_ascii_keys_up_to_255_characters_are_accepted_unchanged(key: str) -> None:
    assert parse_key(key.encode("ascii")) == key


@given(st.binary(max_size=300))
def test_any_other_bytes_are_refused(raw: bytes) -> None:
    valid = 1 <= len(raw) <= 255 and all(0x20 <= b <= 0x7E for b in raw)
    assert (parse_key(raw) is not None) == valid


def test_the_edges() -> None:
    assert parse_key(b"") is None
    assert parse_key(b"a" * 255) == "a" * 255
    assert parse_key(b"a" * 256) is None
    assert parse_key(b"\x7f") is None and parse_key(b"\x1f") is None
    assert parse_key("ü".encode()) is None


@given(st.binary(), st.binary())
def test_different_bodies_have_different_fingerprints(one: bytes, other: bytes) -> None:
    same = fingerprint("POST", "/v1/checkins", b"", one) == fingerprint(
        "POST", "/v1/checkins", b"", other
    )
    assert same == (one == other)


@given(st.text(max_size=20), st.binary(max_size=20), st.binary(max_size=20))
def test_bytes_cannot_move_between_the_parts_unnoticed(
    path: str, query: bytes, body: bytes
) -> None:
    moved = fingerprint("POST", path, query + body[:1], body[1:])
    assert (moved == fingerprint("POST", path, query, body)) == (body == b"")
    assert len(fingerprint("POST", path, query, body)) == 64
