"""`attune coaches`: which coach looks after which couple (the operator's path, no token)."""

from __future__ import annotations

import uuid
from pathlib import Path

import click


@click.group()
def coaches() -> None:
    """Coaches and the couples they look after."""


@coaches.command("assign")
@click.argument("coach_id", type=click.UUID)
@click.argument("couple_id", type=click.UUID)
@click.option(
    "--data-dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Where embedded Postgres/Redis keep data [default: ./.attune or $DATA_DIR].",
)
def coaches_assign(coach_id: uuid.UUID, couple_id: uuid.UUID, data_dir: Path | None) -> None:
    """Let COACH_ID see COUPLE_ID's escalations (repeating it changes nothing)."""
    # Imported here: main.py imports this module to register the group.
    from service.cli.main import _settings
    from service.cli.runtime import database
    from service.couples.service import assign_coach
    from service.errors import DomainError

    settings = _settings(data_dir)
    with database(settings) as handle, handle.db.unit_of_work() as session:
        try:
            created = assign_coach(session, couple_id=couple_id, coach_id=coach_id)
        except DomainError as exc:
            raise click.ClickException(exc.detail) from None
    state = "assigned" if created else "already assigned"
    click.echo(f"coach {coach_id} {state} to couple {couple_id}")
