"""Resolving where Postgres and Redis are for a CLI command (configured URL or embedded)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from service.lib.crypto import configure_cipher_from
from service.lib.db import Database
from service.lib.embedded import EmbeddedPostgres
from service.persistence import migrate
from service.settings import Settings


def configure_encryption(settings: Settings) -> None:
    configure_cipher_from(settings)


@dataclass
class DatabaseHandle:
    url: str
    db: Database


@contextmanager
def database(settings: Settings, *, apply_migrations: bool = True) -> Iterator[DatabaseHandle]:
    """The configured database, or the embedded one in the data directory (stopped afterwards
    only if this command started it)."""
    embedded = None
    url = settings.database_url
    if url is None:
        embedded = EmbeddedPostgres(settings.data_dir.resolve())
        url = embedded.start()
    db = Database.connect(url, pool_size=2)
    try:
        configure_encryption(settings)
        if apply_migrations:
            migrate.upgrade(url)
        yield DatabaseHandle(url, db)
    finally:
        db.dispose()
        if embedded is not None:
            embedded.stop()
