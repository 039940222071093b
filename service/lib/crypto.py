"""Field-level encryption of free text at rest, and hashing of bearer tokens.

Keys rotate: the first key encrypts, every configured key decrypts (MultiFernet), so data
written under an older key stays readable while `attune crypto reencrypt` moves it to the
current one (docs/privacy.md).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import secrets
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cryptography.fernet import Fernet, InvalidToken, MultiFernet

if TYPE_CHECKING:
    from service.settings import Settings

TOKEN_PREFIX = "att_"  # noqa: S105 - a prefix, not a secret
DEV_KEY_FILE = "secret.key"


class CipherNotConfiguredError(RuntimeError):
    """Encrypted columns were used before an encryption key was configured."""


class UndecryptableError(ValueError):
    """Stored text was written under a key that is not configured (or was altered)."""


def _fernet(key: str | bytes, what: str) -> Fernet:
    try:
        return Fernet(key)
    except (ValueError, TypeError):
        raise ValueError(f"{what} is not a Fernet key (32 url-safe base64-encoded bytes)") from None


class FieldCipher:
    """Fernet (AES-128-CBC + HMAC-SHA256) for note text; keys rotate by listing old ones after."""

    def __init__(self, key: str | bytes, *old_keys: str | bytes) -> None:
        self._key = key if isinstance(key, bytes) else key.encode()
        self._fernet = _fernet(self._key, "the encryption key")
        older = [_fernet(k, f"old encryption key #{n}") for n, k in enumerate(old_keys, 1)]
        self._any = MultiFernet([self._fernet, *older])
        self.key_count = 1 + len(older)

    def derive(self, purpose: str) -> str:
        """A secret for ``purpose`` derived from the key (one secret for operators to keep)."""
        return hmac.new(self._key, purpose.encode(), hashlib.sha256).hexdigest()

    def encrypt(self, plaintext: str) -> bytes:
        return self._fernet.encrypt(plaintext.encode("utf-8"))

    def decrypt(self, token: bytes) -> str:
        try:
            return self._any.decrypt(token).decode("utf-8")
        except InvalidToken as exc:  # wrong key: say so rather than return garbage
            raise self._undecryptable() from exc

    def is_current(self, token: bytes) -> bool:
        """True when ``token`` was written under the current (first) key."""
        try:
            self._fernet.decrypt(token)
        except InvalidToken:
            return False
        return True

    def reencrypt(self, token: bytes) -> bytes:
        """``token`` under the current key (its original timestamp kept)."""
        try:
            return self._any.rotate(token)
        except InvalidToken as exc:
            raise self._undecryptable() from exc

    def _undecryptable(self) -> UndecryptableError:
        return UndecryptableError(
            f"stored text cannot be decrypted with the configured key"
            f"{'s' if self.key_count > 1 else ''}: it was written under another key "
            "(list that key in ENCRYPTION_OLD_KEYS) or it was altered"
        )


_current: list[FieldCipher] = []


def configure_cipher(key: str | bytes, old_keys: Sequence[str | bytes] = ()) -> FieldCipher:
    """Set the process-wide cipher used by encrypted columns (``old_keys`` only decrypt)."""
    cipher = FieldCipher(key, *old_keys)
    _current[:] = [cipher]
    return cipher


def configure_cipher_from(settings: Settings) -> FieldCipher:
    """The cipher of ``settings``: ENCRYPTION_KEY, else the development key file; then every
    old key (ENCRYPTION_OLD_KEYS, and the key file's later lines in development)."""
    keys = configured_keys(settings)
    return configure_cipher(keys[0], keys[1:])


def configured_keys(settings: Settings) -> list[str]:
    """Every key ``settings`` name, the one that encrypts first."""
    key = settings.encryption_key.get_secret_value().strip() if settings.encryption_key else ""
    keys = [key] if key else dev_keys(settings.data_dir.resolve())
    return list(dict.fromkeys([*keys, *settings.old_encryption_keys]))


def current_cipher() -> FieldCipher:
    if not _current:
        raise CipherNotConfiguredError("call configure_cipher() before touching encrypted columns")
    return _current[0]


_SEALED = "enc:"
_SEALED_JSON = "enc"


def seal_text(plaintext: str) -> str:
    """Encrypt a string kept inside JSON or a text column: ``enc:<fernet token>``."""
    return _SEALED + current_cipher().encrypt(plaintext).decode("ascii")


def is_sealed_text(value: str) -> bool:
    return value.startswith(_SEALED)


def open_text(value: str) -> str:
    """The plaintext of ``seal_text`` output; older plain values pass through unchanged."""
    if not value.startswith(_SEALED):
        return value
    return current_cipher().decrypt(value[len(_SEALED) :].encode("ascii"))


def reseal_text(value: str) -> str | None:
    """``value`` sealed under the current key, or None when it already is."""
    if not is_sealed_text(value):
        return seal_text(value)
    token = value[len(_SEALED) :].encode("ascii")
    cipher = current_cipher()
    return None if cipher.is_current(token) else _SEALED + cipher.reencrypt(token).decode("ascii")


def seal_json(value: Any) -> dict[str, str]:
    """A JSON value encrypted as a whole, kept as JSON: ``{"enc": "<fernet token>"}``."""
    return {_SEALED_JSON: current_cipher().encrypt(json.dumps(value)).decode("ascii")}


def is_sealed_json(value: Any) -> bool:
    return isinstance(value, dict) and len(value) == 1 and isinstance(value.get(_SEALED_JSON), str)


def open_json(value: Any) -> Any:
    """The value ``seal_json`` sealed; older plain JSON passes through unchanged."""
    if not is_sealed_json(value):
        return value
    return json.loads(current_cipher().decrypt(value[_SEALED_JSON].encode("ascii")))


def reseal_json(value: Any) -> dict[str, str] | None:
    """``value`` sealed under the current key, or None when it already is."""
    if not is_sealed_json(value):
        return seal_json(value)
    token = value[_SEALED_JSON].encode("ascii")
    cipher = current_cipher()
    return None if cipher.is_current(token) else {_SEALED_JSON: cipher.reencrypt(token).decode()}


def seal_spans(spans: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Evidence spans with their quotes (pieces of the partner's note) encrypted."""
    return [
        {**s, "quote": seal_text(s["quote"])}
        if isinstance(s.get("quote"), str) and s["quote"] and not is_sealed_text(s["quote"])
        else dict(s)
        for s in spans
    ]


def open_spans(spans: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [
        {**s, "quote": open_text(s["quote"])} if isinstance(s.get("quote"), str) else dict(s)
        for s in spans
    ]


def new_key() -> str:
    """A fresh Fernet key."""
    return Fernet.generate_key().decode()


def dev_keys(data_dir: Path) -> list[str]:
    """The development keys kept in the data directory, current first (old keys on later
    lines, kept by `attune crypto rotate-key`); created with one key on first use (0600)."""
    path = data_dir / DEV_KEY_FILE
    if not path.exists():
        data_dir.mkdir(parents=True, exist_ok=True)
        key = new_key()
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:  # another process made it just now: use theirs
            return dev_keys(data_dir)
        with os.fdopen(fd, "w") as fh:
            fh.write(key)
        return [key]
    keys = [line.strip() for line in path.read_text().splitlines() if line.strip()]
    if not keys:
        raise ValueError(f"{path} holds no key")
    return keys


def dev_key(data_dir: Path) -> str:
    """The current development key (the first line of ``<data_dir>/secret.key``)."""
    return dev_keys(data_dir)[0]


def write_dev_keys(data_dir: Path, keys: Sequence[str]) -> None:
    """Replace the development key file atomically (a crash leaves the old file or the new
    one, never half of one): ``keys[0]`` encrypts, the rest only decrypt."""
    path = data_dir / DEV_KEY_FILE
    tmp = data_dir / f".{DEV_KEY_FILE}.{os.getpid()}.tmp"
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        with os.fdopen(fd, "w") as fh:
            fh.write("\n".join(keys) + "\n")
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    dir_fd = os.open(data_dir, os.O_RDONLY)
    try:
        os.fsync(dir_fd)  # the rename itself survives a power cut
    finally:
        os.close(dir_fd)


def new_token() -> str:
    """A fresh bearer token (shown once, stored only as a hash)."""
    return TOKEN_PREFIX + secrets.token_urlsafe(32)


def hash_token(token: str) -> str:
    # Tokens carry 256 random bits, so a fast hash is enough; no password stretching needed.
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def tokens_match(token: str, stored_hash: str) -> bool:
    return hmac.compare_digest(hash_token(token), stored_hash)
