"""Field-level encryption of free text at rest, and hashing of bearer tokens."""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
from pathlib import Path
from typing import Any

from cryptography.fernet import Fernet, InvalidToken

TOKEN_PREFIX = "att_"  # noqa: S105 - a prefix, not a secret


class CipherNotConfiguredError(RuntimeError):
    """Encrypted columns were used before an encryption key was configured."""


class FieldCipher:
    """Fernet (AES-128-CBC + HMAC-SHA256) for note text; keys rotate by listing old ones after."""

    def __init__(self, key: str | bytes) -> None:
        self._key = key if isinstance(key, bytes) else key.encode()
        self._fernet = Fernet(self._key)

    def derive(self, purpose: str) -> str:
        """A secret for ``purpose`` derived from the key (one secret for operators to keep)."""
        return hmac.new(self._key, purpose.encode(), hashlib.sha256).hexdigest()

    def encrypt(self, plaintext: str) -> bytes:
        return self._fernet.encrypt(plaintext.encode("utf-8"))

    def decrypt(self, token: bytes) -> str:
        try:
            return self._fernet.decrypt(token).decode("utf-8")
        except InvalidToken as exc:  # wrong key: say so rather than return garbage
            raise ValueError("stored text cannot be decrypted with the configured key") from exc


_current: list[FieldCipher] = []


def configure_cipher(key: str | bytes) -> FieldCipher:
    """Set the process-wide cipher used by encrypted columns."""
    cipher = FieldCipher(key)
    _current[:] = [cipher]
    return cipher


def current_cipher() -> FieldCipher:
    if not _current:
        raise CipherNotConfiguredError("call configure_cipher() before touching encrypted columns")
    return _current[0]


_SEALED = "enc:"


def seal_text(plaintext: str) -> str:
    """Encrypt a string kept inside JSON (evidence quotes): ``enc:<fernet token>``."""
    return _SEALED + current_cipher().encrypt(plaintext).decode("ascii")


def open_text(value: str) -> str:
    """The plaintext of ``seal_text`` output; older plain values pass through unchanged."""
    if not value.startswith(_SEALED):
        return value
    return current_cipher().decrypt(value[len(_SEALED) :].encode("ascii"))


def seal_spans(spans: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Evidence spans with their quotes (pieces of the partner's note) encrypted."""
    return [{**s, "quote": seal_text(s["quote"])} if s.get("quote") else dict(s) for s in spans]


def open_spans(spans: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [
        {**s, "quote": open_text(s["quote"])} if isinstance(s.get("quote"), str) else dict(s)
        for s in spans
    ]


def dev_key(data_dir: Path) -> str:
    """The development key kept in the data directory (created on first use, mode 0600)."""
    path = data_dir / "secret.key"
    if path.exists():
        return path.read_text().strip()
    data_dir.mkdir(parents=True, exist_ok=True)
    key = Fernet.generate_key().decode()
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as fh:
        fh.write(key)
    return key


def new_token() -> str:
    """A fresh bearer token (shown once, stored only as a hash)."""
    return TOKEN_PREFIX + secrets.token_urlsafe(32)


def hash_token(token: str) -> str:
    # Tokens carry 256 random bits, so a fast hash is enough; no password stretching needed.
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def tokens_match(token: str, stored_hash: str) -> bool:
    return hmac.compare_digest(hash_token(token), stored_hash)
