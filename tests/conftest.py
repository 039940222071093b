"""Shared fixtures: real embedded Postgres+pgvector and Redis, started once per test session."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")

pytest_plugins = ["tests.support.scripted_llm", "tests.support.webhook_receiver"]

REPO = Path(__file__).resolve().parent.parent
KNOWLEDGE = REPO / "knowledge"


@pytest.fixture(scope="session")
def backing_services() -> Iterator[tuple[str, str]]:
    """(database_url, redis_url) of servers started for this test session and stopped after."""
    from service.lib.embedded import EmbeddedServices
    from service.persistence import migrate

    with tempfile.TemporaryDirectory(prefix="attune-test-") as tmp:
        services = EmbeddedServices(Path(tmp))
        db_url, redis_url = services.start(database_url=None, redis_url=None)
        try:
            migrate.upgrade(db_url)
            yield db_url, redis_url
        finally:
            services.stop()


@pytest.fixture(scope="session")
def cipher_key() -> str:
    from cryptography.fernet import Fernet

    from service.lib.crypto import configure_cipher

    key = Fernet.generate_key().decode()
    configure_cipher(key)
    return key


@pytest.fixture(scope="session")
def embedder() -> Any:
    """The knowledge base's default encoder (USE multilingual), loaded once per session."""
    from service.knowledge.embedder import get_embedder
    from service.settings import Settings

    return get_embedder(Settings.model_fields["embedding_model"].default)


@pytest.fixture(scope="session")
def classifier_embedder() -> Any:
    """The encoder the shipped classifier was trained with (multilingual-e5-small)."""
    from service.classify.provider import local_model
    from service.knowledge.embedder import get_embedder

    return get_embedder(str(local_model().metadata["embedding_model"]))
