"""Encryption at rest: key rotation in the cipher, the sealed column types, the dev key file."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from cryptography.fernet import Fernet
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy.dialects import postgresql

from service.lib import crypto
from service.lib.crypto import (
    FieldCipher,
    UndecryptableError,
    configure_cipher,
    configured_keys,
    dev_key,
    dev_keys,
    open_json,
    open_spans,
    open_text,
    reseal_json,
    reseal_text,
    seal_json,
    seal_text,
    write_dev_keys,
)
from service.persistence.sealed import EvidenceJSON, SealedJSON, SealedText
from service.settings import Settings

K1, K2, K3 = (Fernet.generate_key().decode() for _ in range(3))
DIALECT = postgresql.dialect()  # type: ignore[no-untyped-call]
WORDS = "You wrote that dinner felt lonely without him"


@pytest.fixture(autouse=True)
def _keep_process_cipher() -> Iterator[None]:
    """These tests reconfigure the process-wide cipher; later tests get theirs back."""
    saved = list(crypto._current)
    yield
    crypto._current[:] = saved


def _store(type_: Any, value: Any) -> Any:
    return type_.process_bind_param(value, DIALECT)


def _load(type_: Any, value: Any) -> Any:
    return type_.process_result_value(value, DIALECT)


# --- the cipher -----------------------------------------------------------------------------


def test_the_first_key_encrypts_and_every_key_decrypts() -> None:
    under_old = FieldCipher(K1).encrypt("written last year")
    cipher = FieldCipher(K2, K1)
    assert cipher.decrypt(under_old) == "written last year"
    fresh = cipher.encrypt("written today")
    assert FieldCipher(K2).decrypt(fresh) == "written today"
    with pytest.raises(UndecryptableError):
        FieldCipher(K1).decrypt(fresh)
    assert cipher.is_current(fresh) and not cipher.is_current(under_old)
    moved = cipher.reencrypt(under_old)
    assert FieldCipher(K2).decrypt(moved) == "written last year"


def test_derived_secrets_follow_the_primary_key_only() -> None:
    assert FieldCipher(K2, K1).derive("csrf") == FieldCipher(K2).derive("csrf")
    assert FieldCipher(K2, K1).derive("csrf") != FieldCipher(K1).derive("csrf")


def test_a_value_under_an_unknown_key_is_a_clear_error() -> None:
    token = FieldCipher(K3).encrypt("hello")
    with pytest.raises(UndecryptableError, match="ENCRYPTION_OLD_KEYS"):
        FieldCipher(K2, K1).decrypt(token)
    with pytest.raises(UndecryptableError, match="configured keys"):
        FieldCipher(K2, K1).reencrypt(token)


def test_a_malformed_old_key_is_named() -> None:
    with pytest.raises(ValueError, match="old encryption key #2 is not a Fernet key"):
        FieldCipher(K1, K2, "not-a-key")


# --- sealed types ---------------------------------------------------------------------------


@given(st.text(min_size=1))
def test_sealed_text_round_trips_and_hides_the_words(words: str) -> None:
    configure_cipher(K1)
    stored = _store(SealedText(), words)
    assert stored.startswith("enc:") and (len(words) < 4 or words not in stored)
    assert _load(SealedText(), stored) == words


def test_sealed_text_reads_legacy_plaintext_and_null_as_they_are() -> None:
    configure_cipher(K1)
    assert _load(SealedText(), "A tip title from before encryption") == (
        "A tip title from before encryption"
    )
    assert _store(SealedText(), None) is None and _load(SealedText(), None) is None


@given(
    st.recursive(
        st.none() | st.booleans() | st.integers() | st.text(),
        lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(), inner, max_size=3),
        max_leaves=10,
    )
)
def test_sealed_json_round_trips_any_document(document: Any) -> None:
    configure_cipher(K1)
    stored = _store(SealedJSON(), {"doc": document})
    assert set(stored) == {"enc"}
    assert _load(SealedJSON(), json.loads(json.dumps(stored))) == {"doc": document}


def test_sealed_json_hides_the_words_and_reads_legacy_json_as_it_is() -> None:
    configure_cipher(K1)
    body = {"why": WORDS, "steps": ["Eat together", "Ask"]}
    stored = _store(SealedJSON(), body)
    assert "dinner" not in json.dumps(stored)
    assert _load(SealedJSON(), stored) == body
    assert _load(SealedJSON(), body) == body  # a body written before encryption
    assert _load(SealedJSON(), {"enc": 3}) == {"enc": 3}  # not a token: plain JSON


def test_evidence_quotes_are_sealed_on_write_once_and_the_rest_stays_readable() -> None:
    configure_cipher(K1)
    evidence = {
        "spans": [{"label": "lonely", "start": 14, "end": 32, "quote": WORDS}, {"rule": "r"}],
        "notes": [],
    }
    stored = _store(EvidenceJSON(), evidence)
    assert WORDS not in json.dumps(stored)
    assert stored["spans"][0]["label"] == "lonely" and stored["spans"][1] == {"rule": "r"}
    assert _store(EvidenceJSON(), stored) == stored  # already sealed: left alone
    assert open_spans(_load(EvidenceJSON(), stored)["spans"])[0]["quote"] == WORDS


def test_resealing_moves_old_keys_seals_plaintext_and_leaves_current_values() -> None:
    configure_cipher(K1)
    old_text, old_json = seal_text(WORDS), seal_json({"why": WORDS})
    configure_cipher(K2, [K1])
    assert reseal_text(seal_text(WORDS)) is None and reseal_json(seal_json([1])) is None
    moved_text, moved_json = reseal_text(old_text), reseal_json(old_json)
    sealed_text, sealed_json = reseal_text(WORDS), reseal_json({"why": WORDS})
    configure_cipher(K2)  # the old key gone: everything resealed reads
    for value in (moved_text, sealed_text):
        assert value is not None and open_text(value) == WORDS
    for doc in (moved_json, sealed_json):
        assert open_json(doc) == {"why": WORDS}


# --- keys from settings and the development key file ----------------------------------------


def test_old_keys_come_from_a_comma_separated_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ENCRYPTION_KEY", K2)
    monkeypatch.setenv("ENCRYPTION_OLD_KEYS", f" {K1}, {K3} ,")
    settings = Settings(_env_file=None)  # type: ignore[call-arg]
    assert settings.old_encryption_keys == [K1, K3]
    assert configured_keys(settings) == [K2, K1, K3]
    assert K1 not in repr(settings)  # a secret, never printed


def test_a_single_line_key_file_still_works(tmp_path: Path) -> None:
    (tmp_path / "secret.key").write_text(K1)  # as written before rotation existed
    assert dev_key(tmp_path) == K1 and dev_keys(tmp_path) == [K1]


def test_the_key_file_holds_the_current_key_first_and_old_ones_after(tmp_path: Path) -> None:
    first = dev_key(tmp_path)  # created on first use
    write_dev_keys(tmp_path, [K2, first])
    assert dev_key(tmp_path) == K2 and dev_keys(tmp_path) == [K2, first]
    assert (tmp_path / "secret.key").stat().st_mode & 0o077 == 0
    assert [p.name for p in tmp_path.iterdir()] == ["secret.key"]  # no temporary file left
    settings = Settings(environment="test", data_dir=tmp_path, encryption_key=None)
    assert configured_keys(settings) == [K2, first]


def test_a_failed_key_file_write_leaves_the_old_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_dev_keys(tmp_path, [K1])

    def crash(*_: Any) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", crash)
    with pytest.raises(OSError, match="disk full"):
        write_dev_keys(tmp_path, [K2, K1])
    assert dev_keys(tmp_path) == [K1]
    assert [p.name for p in tmp_path.iterdir()] == ["secret.key"]
