"""`attune users export|erase`: a person's data taken out or erased on their request."""

from __future__ import annotations

import json
import sys
import uuid
from pathlib import Path

import click

# main.py imports this module to register the commands: nothing from it at import time.
data_dir_option = click.option(
    "--data-dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Where embedded Postgres/Redis keep data [default: ./.attune or $DATA_DIR].",
)


@click.command("export")
@click.argument("user_id", type=click.UUID)
@click.option(
    "--output",
    "-o",
    type=click.Path(dir_okay=False, writable=True, path_type=Path),
    default=None,
    help="Write the JSON to this file (mode 0600) instead of standard output.",
)
@data_dir_option
def users_export(user_id: uuid.UUID, output: Path | None, data_dir: Path | None) -> None:
    """Everything stored about USER_ID as JSON (what GET /v1/me/export returns them)."""
    from service.accounts.privacy import export_account, is_empty
    from service.cli.main import _settings
    from service.cli.runtime import database

    with database(_settings(data_dir)) as handle, handle.db.unit_of_work() as session:
        export = export_account(session, user_id)
    if is_empty(export):
        click.echo(f"nothing is stored about {user_id} (no such user, or erased)", err=True)
    text = json.dumps(export, indent=2, ensure_ascii=False) + "\n"
    if output is None:
        sys.stdout.write(text)
        return
    output.touch(mode=0o600)
    output.write_text(text, encoding="utf-8")
    click.echo(f"wrote {output}", err=True)


@click.command("erase")
@click.argument("user_id", type=click.UUID)
@click.option("--yes", is_flag=True, help="Do not ask for confirmation (for scripts).")
@click.option("--json", "as_json", is_flag=True, help="Print what was removed as one JSON object.")
@data_dir_option
def users_erase(user_id: uuid.UUID, yes: bool, as_json: bool, data_dir: Path | None) -> None:
    """Erase USER_ID and everything stored about them (what DELETE /v1/me does). Running APIs
    refuse their tokens within AUTH_CACHE_TTL_SECONDS."""
    from service.accounts.privacy import erase_account, purge_jobs
    from service.cli.jobs import queue_redis
    from service.cli.main import _settings
    from service.cli.runtime import database
    from service.persistence.models import User

    settings = _settings(data_dir)
    with database(settings) as handle, handle.db.unit_of_work() as session:
        user = session.get(User, user_id)
        if user is None:
            raise click.ClickException(f"no user {user_id}")
        if not yes:
            click.confirm(
                f"erase {user.role} {user_id} and everything stored about them, for good?",
                abort=True,
                err=True,
            )
        erasure = erase_account(session, user_id)
    with queue_redis(data_dir) as redis:
        jobs = purge_jobs(redis, erasure.job_names)
    rows = {**erasure.rows, "redis_jobs": jobs}
    if as_json:
        click.echo(json.dumps({"user_id": str(user_id), "removed": rows}, sort_keys=True))
        return
    for kind, count in sorted(rows.items()):
        click.echo(f"{kind:20} {count}")
    click.echo(f"erased {user_id}")
