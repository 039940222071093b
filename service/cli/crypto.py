"""`attune crypto`: bring stored text under the current key, and rotate the key.

Scripting contract: `attune crypto reencrypt --json` and `attune crypto rotate-key --json` print
one JSON object ``{"columns": {"<table>.<column>": {"rows", "reencrypted", "sealed", "current",
"skipped"}}, "totals": {…same counts…}}`` (rotate-key adds ``"key_file"`` in development, or
``"encryption_key"`` and ``"encryption_old_keys"`` when ENCRYPTION_KEY is set). Progress goes
to stderr. An undecryptable value is an error (exit 1) naming its table, column and row.
"""

from __future__ import annotations

import json
from dataclasses import fields
from pathlib import Path
from typing import TYPE_CHECKING

import click

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from service.lib.db import Database
    from service.persistence.reencrypt import ColumnCount
    from service.settings import Settings

data_dir_option = click.option(
    "--data-dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Where embedded Postgres/Redis keep data [default: ./.attune or $DATA_DIR].",
)
json_option = click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
batch_option = click.option(
    "--batch-size",
    type=click.IntRange(1, 10_000),
    default=500,
    show_default=True,
    help="Rows read and written per batch.",
)


@click.group()
def crypto() -> None:
    """Encryption at rest: re-encrypt stored text, rotate the key (docs/privacy.md)."""


@crypto.command("reencrypt")
@batch_option
@json_option
@data_dir_option
def reencrypt_command(batch_size: int, as_json: bool, data_dir: Path | None) -> None:
    """Re-encrypt every encrypted column under the current key and seal plaintext left from
    before encryption. Safe to repeat and to run while the service runs; once it reports
    nothing re-encrypted, old keys can be dropped from ENCRYPTION_OLD_KEYS."""
    from service.cli.main import _settings
    from service.cli.runtime import database

    settings = _settings(data_dir)
    with database(settings) as handle:
        counts = _run(handle.db, batch_size, commit_batches=True)
    _report(counts, as_json, extra={})


@crypto.command("rotate-key")
@batch_option
@json_option
@data_dir_option
def rotate_key_command(batch_size: int, as_json: bool, data_dir: Path | None) -> None:
    """Generate a new key and re-encrypt everything under it; old keys keep decrypting.

    Development (no ENCRYPTION_KEY): the new key goes first into <data dir>/secret.key, the
    old ones after it, before any row changes. With ENCRYPTION_KEY: everything is re-encrypted
    in one transaction, and the new key is printed (once) just before it commits: set it as
    ENCRYPTION_KEY, with the old key in ENCRYPTION_OLD_KEYS, on every process."""
    from service.cli.main import _settings

    settings = _settings(data_dir)
    if settings.encryption_key is None:
        _rotate_key_file(settings, batch_size, as_json)
    else:
        _rotate_configured_key(settings, batch_size, as_json)


def _rotate_key_file(settings: Settings, batch_size: int, as_json: bool) -> None:
    from service.cli.runtime import database
    from service.lib.crypto import DEV_KEY_FILE, dev_keys, new_key, write_dev_keys
    from service.lib.ownership import DataDirInUseError, DataDirLock

    data_dir = settings.data_dir.resolve()
    lock = DataDirLock(data_dir)
    try:
        lock.acquire(wait=0)
    except DataDirInUseError as exc:
        # Its processes hold the current key in memory: rows under a new one would be
        # unreadable to them until they restart.
        raise click.ClickException(
            f"{exc}; its processes must restart to learn a new key"
        ) from None
    try:
        old = dev_keys(data_dir)
        # The key file first: from here on a crash leaves every row readable (new key first,
        # old ones after), and `attune crypto reencrypt` finishes the job.
        write_dev_keys(data_dir, [new_key(), *old])
        path = data_dir / DEV_KEY_FILE
        click.echo(f"{path}: a new key first, {len(old)} old key(s) kept after it", err=True)
        with database(settings) as handle:  # reads the file: new key encrypts, old decrypt
            counts = _run(handle.db, batch_size, commit_batches=True)
    finally:
        lock.release()
    _report(counts, as_json, extra={"key_file": str(path)})
    if not as_json:
        click.echo(
            f"the current key is the first line of {path}; the old keys after it still decrypt "
            "and can be removed once `attune crypto reencrypt` reports nothing re-encrypted"
        )


def _rotate_configured_key(settings: Settings, batch_size: int, as_json: bool) -> None:
    from service.cli.runtime import database
    from service.lib.crypto import configure_cipher, configured_keys, new_key

    old = configured_keys(settings)
    key = new_key()
    with database(settings) as handle:
        configure_cipher(key, old)  # the new key encrypts; every old one still decrypts
        session = handle.db.sessions()
        try:
            counts = _run_in(session, batch_size, commit_batches=False)
            # Reported before the commit, so that once it commits the key is already out. A
            # crash before it commits leaves every row under the old key, as if never run.
            extra = {"encryption_key": key, "encryption_old_keys": ",".join(old)}
            _report(counts, as_json, extra=extra)
            if not as_json:
                _print_new_key(key, old)
            session.commit()
        except BaseException:
            session.rollback()
            click.echo("rotation failed: nothing changed; keep the current key", err=True)
            raise
        finally:
            session.close()


def _print_new_key(key: str, old: list[str]) -> None:
    click.echo("New key (shown only now). Set on every process, then restart them:")
    click.echo(f"  ENCRYPTION_KEY={key}")
    click.echo(f"  ENCRYPTION_OLD_KEYS={','.join(old)}")
    click.echo(
        "Processes still on the old key cannot read what was re-encrypted until they restart. "
        "Once `attune crypto reencrypt` reports nothing re-encrypted, ENCRYPTION_OLD_KEYS can go."
    )


def _run(db: Database, batch_size: int, *, commit_batches: bool) -> dict[str, ColumnCount]:
    with db.unit_of_work() as session:
        return _run_in(session, batch_size, commit_batches=commit_batches)


def _run_in(session: Session, batch_size: int, *, commit_batches: bool) -> dict[str, ColumnCount]:
    from service.persistence.reencrypt import ReencryptError, reencrypt_all

    def progress(name: str, rows: int) -> None:
        click.echo(f"  {name}: {rows} rows", err=True)

    try:
        return reencrypt_all(
            session, batch_size=batch_size, commit_batches=commit_batches, progress=progress
        )
    except ReencryptError as exc:
        raise click.ClickException(str(exc)) from None


def _report(counts: dict[str, ColumnCount], as_json: bool, *, extra: dict[str, str]) -> None:
    from service.persistence.reencrypt import ColumnCount

    totals = ColumnCount()
    for count in counts.values():
        for f in fields(ColumnCount):
            setattr(totals, f.name, getattr(totals, f.name) + getattr(count, f.name))
    if as_json:
        columns = {name: count.as_json() for name, count in counts.items()}
        click.echo(json.dumps({"columns": columns, "totals": totals.as_json(), **extra}))
        return
    click.echo(
        f"{totals.rows} values in {len(counts)} columns: {totals.reencrypted} re-encrypted "
        f"from old keys, {totals.sealed} plaintext sealed, {totals.current} already current, "
        f"{totals.skipped} changed meanwhile (run again)"
    )
