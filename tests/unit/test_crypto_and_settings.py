"""Secrets: tokens are stored hashed, note text is encrypted, production refuses weak config."""

from __future__ import annotations

from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError

from service.lib.crypto import FieldCipher, dev_key, hash_token, new_token, tokens_match
from service.settings import Settings

KEY = Fernet.generate_key()


@given(st.text())
def test_cipher_round_trips_any_text(plaintext: str) -> None:
    cipher = FieldCipher(KEY)
    token = cipher.encrypt(plaintext)
    assert cipher.decrypt(token) == plaintext
    if len(plaintext) >= 4:
        assert plaintext.encode() not in token


def test_wrong_key_is_an_error_not_garbage() -> None:
    token = FieldCipher(KEY).encrypt("hello")
    with pytest.raises(ValueError, match="decrypted"):
        FieldCipher(Fernet.generate_key()).decrypt(token)


def test_tokens_are_random_and_only_their_hash_matches() -> None:
    a, b = new_token(), new_token()
    assert a != b and a.startswith("att_")
    assert tokens_match(a, hash_token(a))
    assert not tokens_match(b, hash_token(a))


def test_dev_key_is_created_once_private(tmp_path: Path) -> None:
    first = dev_key(tmp_path)
    assert dev_key(tmp_path) == first
    assert (tmp_path / "secret.key").stat().st_mode & 0o077 == 0


@pytest.mark.parametrize("key", [None, "changeme", ""])
def test_production_refuses_placeholder_key(key: str | None) -> None:
    with pytest.raises(ValidationError, match="ENCRYPTION_KEY"):
        Settings(
            environment="production",
            database_url="postgresql://db/attune",
            redis_url="redis://redis:6379/0",
            encryption_key=key,  # type: ignore[arg-type]
        )


def test_production_refuses_embedded_servers() -> None:
    with pytest.raises(ValidationError, match="DATABASE_URL"):
        Settings(environment="production", encryption_key=KEY.decode())  # type: ignore[arg-type]


def test_development_defaults_start_embedded_servers() -> None:
    settings = Settings(_env_file=None)  # type: ignore[call-arg]
    assert settings.embedded
