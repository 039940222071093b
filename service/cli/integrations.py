"""`attune integrations`: apps that push check-ins in and receive events (the operator's path).

Scripting contract (docs/api/webhooks.md): `attune integrations create NAME [--scope …] --json`
prints one JSON object `{"id", "secret"}`; the secret (`whsec_<base64>`) is shown only then.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import click
from sqlalchemy.orm import Session

from service.integrations.clients import DEFAULT_SCOPES, SCOPES

data_dir_option = click.option(
    "--data-dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Where embedded Postgres/Redis keep data [default: ./.attune or $DATA_DIR].",
)
json_option = click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")


@contextmanager
def unit_of_work(data_dir: Path | None) -> Iterator[Session]:
    """A transaction on the configured (or embedded) database; domain errors become CLI
    errors with the same message the API would give."""
    # Imported here: main.py imports this module to register the group.
    from service.cli.main import _settings
    from service.cli.runtime import database
    from service.errors import DomainError

    with database(_settings(data_dir)) as handle:
        try:
            with handle.db.unit_of_work() as session:
                yield session
        except DomainError as exc:
            raise click.ClickException(exc.detail) from None


def _run(data_dir: Path | None, work: Callable[[Session], Any]) -> Any:
    with unit_of_work(data_dir) as session:
        return work(session)


@click.group()
def integrations() -> None:
    """Integrations: other apps that push check-ins in (signed) and receive events."""


@integrations.command("create")
@click.argument("name")
@click.option(
    "--scope",
    "scopes",
    multiple=True,
    type=click.Choice(SCOPES),
    help=f"Repeat for each scope [default: {' '.join(DEFAULT_SCOPES)}].",
)
@json_option
@data_dir_option
def create(name: str, scopes: tuple[str, ...], as_json: bool, data_dir: Path | None) -> None:
    """Create an integration; prints its id and signing secret (shown only this once)."""
    from service.integrations.clients import Integrations

    def make(session: Session) -> tuple[str, str, list[str]]:
        made = Integrations(session).create(name, list(scopes or DEFAULT_SCOPES))
        return str(made.integration.id), made.secret, list(made.integration.scopes)

    integration_id, secret, granted = _run(data_dir, make)
    if as_json:
        click.echo(json.dumps({"id": integration_id, "secret": secret}))
        return
    click.echo(f"integration {integration_id} created ({', '.join(granted)})")
    click.echo(f"signing secret (shown once, keep it safe): {secret}")
    click.echo(f"push check-ins to: POST /v1/integrations/{integration_id}/checkins")


@integrations.command("list")
@json_option
@data_dir_option
def list_integrations(as_json: bool, data_dir: Path | None) -> None:
    """Every integration: id, name, scopes, status and how many partners it maps."""
    from service.integrations.clients import Integrations, integration_view

    views = _run(data_dir, lambda s: [integration_view(i, n) for i, n in Integrations(s).list()])
    if as_json:
        click.echo(json.dumps(views))
        return
    if not views:
        click.echo("no integrations yet: attune integrations create NAME")
    for v in views:
        click.echo(
            f"{v['id']}  {v['status']:<8}  {v['name']}  [{', '.join(v['scopes'])}]  "
            f"{v['mapped_users']} partner(s)"
        )


@integrations.command("rotate-secret")
@click.argument("integration_id", type=click.UUID)
@json_option
@data_dir_option
def rotate_secret(integration_id: uuid.UUID, as_json: bool, data_dir: Path | None) -> None:
    """A new signing secret; the old one keeps verifying inbound requests for 24 hours."""
    from service.integrations.clients import Integrations

    secret = _run(data_dir, lambda s: Integrations(s).rotate_secret(integration_id))
    if as_json:
        click.echo(json.dumps({"id": str(integration_id), "secret": secret}))
        return
    click.echo(f"new signing secret (shown once): {secret}")
    click.echo("the previous secret is still accepted for 24 hours")


@integrations.command("disable")
@click.argument("integration_id", type=click.UUID)
@data_dir_option
def disable(integration_id: uuid.UUID, data_dir: Path | None) -> None:
    """Refuse its check-ins and stop sending it events (its data stays)."""
    from service.integrations.clients import Integrations

    _run(data_dir, lambda s: Integrations(s).disable(integration_id))
    click.echo(f"integration {integration_id} disabled")


@integrations.command("link")
@click.argument("integration_id", type=click.UUID)
@click.argument("external_user_id")
@click.argument("user_id", type=click.UUID)
@data_dir_option
def link(
    integration_id: uuid.UUID, external_user_id: str, user_id: uuid.UUID, data_dir: Path | None
) -> None:
    """Map the integration's EXTERNAL_USER_ID to an existing partner USER_ID."""
    from service.integrations.clients import Integrations

    made = _run(data_dir, lambda s: Integrations(s).link(integration_id, external_user_id, user_id))
    state = "linked" if made else "already linked"
    click.echo(f"{external_user_id} {state} to partner {user_id}")
