"""`attune tokens`: a user's bearer tokens (the operator's path, no token needed).

Scripting contract: `attune tokens create USER_ID [--name N] [--expires 30d|12h|never] --json`
prints one JSON object `{"id", "token", "expires_at"}`; the token is shown only then.
`attune tokens list USER_ID --json` prints a list of `{"id", "name", "created_at",
"expires_at", "last_used_at", "expired", "current"}` (never a token).
"""

from __future__ import annotations

import json
import uuid
from pathlib import Path
from typing import Any

import click
from sqlalchemy.orm import Session

from service.cli.integrations import data_dir_option, json_option, unit_of_work


@click.group()
def tokens() -> None:
    """Bearer tokens: list, create (with a name and an expiry), revoke."""


@tokens.command("list")
@click.argument("user_id", type=click.UUID)
@json_option
@data_dir_option
def list_tokens(user_id: uuid.UUID, as_json: bool, data_dir: Path | None) -> None:
    """USER_ID's tokens, newest first (names and dates; tokens are never shown again)."""
    from service.accounts.tokens import Tokens, token_view
    from service.errors import NotFoundError
    from service.persistence.models import User

    with unit_of_work(data_dir) as session:
        if session.get(User, user_id) is None:
            raise NotFoundError("user not found")
        views = [token_view(row) for row in Tokens(session).owned_by(user_id)]
    if as_json:
        click.echo(json.dumps(views))
        return
    if not views:
        click.echo(f"no tokens: attune tokens create {user_id}")
    for v in views:
        state = "expired" if v["expired"] else f"expires {v['expires_at'] or 'never'}"
        used = v["last_used_at"] or "never"
        click.echo(f"{v['id']}  {v['name']}  created {v['created_at']}  {state}  used {used}")


@tokens.command("create")
@click.argument("user_id", type=click.UUID)
@click.option("--name", default="cli", show_default=True, help="What the token is for.")
@click.option(
    "--expires",
    default="never",
    show_default=True,
    metavar="30d|12h|never",
    help="When it stops working: days (d) or hours (h) from now, or never.",
)
@json_option
@data_dir_option
def create_token(
    user_id: uuid.UUID, name: str, expires: str, as_json: bool, data_dir: Path | None
) -> None:
    """A new token for USER_ID (their other tokens keep working); shown only this once."""
    from service.accounts.tokens import Tokens, parse_lifetime

    def issue(session: Session) -> dict[str, Any]:
        issued = Tokens(session).issue(user_id, name=name, lifetime=parse_lifetime(expires))
        expires_at = issued.row.expires_at
        return {
            "id": str(issued.row.id),
            "token": issued.token,
            "expires_at": expires_at.isoformat() if expires_at else None,
        }

    with unit_of_work(data_dir) as session:
        made = issue(session)
    if as_json:
        click.echo(json.dumps(made))
        return
    click.echo(f"token {made['id']} ({name}), expires {made['expires_at'] or 'never'}")
    click.echo(f"token (shown once, keep it safe): {made['token']}")


@tokens.command("revoke")
@click.argument("token_id", type=click.UUID)
@data_dir_option
def revoke_token(token_id: uuid.UUID, data_dir: Path | None) -> None:
    """Revoke a token. Running API processes that used it in the last AUTH_CACHE_TTL_SECONDS
    may accept it that much longer."""
    from service.accounts.tokens import Tokens

    with unit_of_work(data_dir) as session:
        Tokens(session).revoke(token_id)
    click.echo(f"token {token_id} revoked; running APIs forget it within AUTH_CACHE_TTL_SECONDS")
