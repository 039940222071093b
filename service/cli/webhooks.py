"""`attune webhooks`: subscriptions, the delivery log, redelivery and a test message.

Scripting contract: ``attune webhooks subscribe URL --integration ID --events a,b --json``
prints ``{"id", "secret"}`` and nothing else.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

data_dir_option = click.option(
    "--data-dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Where embedded Postgres/Redis keep data [default: ./.attune or $DATA_DIR].",
)
json_option = click.option("--json", "as_json", is_flag=True, help="Print JSON (for scripts).")


@click.group()
def webhooks() -> None:
    """Outbound webhooks: subscriptions, deliveries, tests."""


@webhooks.command("subscribe")
@click.argument("url")
@click.option("--integration", "integration_id", type=click.UUID, required=True)
@click.option("--events", required=True, help="Comma-separated, e.g. checkin.received,tip.ready")
@click.option(
    "--coach-side",
    is_flag=True,
    help="The endpoint is read by coaches only (needed for escalation and safety events).",
)
@json_option
@data_dir_option
def subscribe(
    url: str,
    integration_id: uuid.UUID,
    events: str,
    coach_side: bool,
    as_json: bool,
    data_dir: Path | None,
) -> None:
    """Deliver EVENTS of an integration to URL; prints the signing secret (shown once)."""
    from service.cli.main import _settings
    from service.integrations import subscriptions as subs

    settings = _settings(data_dir)
    with _domain_errors():
        checked = subs.check_url(url, allow_private=settings.webhook_allow_private_urls)
    with _session(data_dir) as session:
        created = subs.subscribe(
            session,
            integration_id=integration_id,
            url=checked,
            events=events.split(","),
            coach_side=coach_side,
        )
        sub_id, names = str(created.subscription.id), list(created.subscription.events)
    if as_json:
        click.echo(json.dumps({"id": sub_id, "secret": created.secret}))
        return
    click.echo(f"subscribed {sub_id} to {', '.join(names)}")
    click.echo(f"signing secret: {created.secret}")
    click.echo("keep it safe: it is shown only once")


@webhooks.command("list")
@click.option("--integration", "integration_id", type=click.UUID, default=None)
@json_option
@data_dir_option
def list_command(integration_id: uuid.UUID | None, as_json: bool, data_dir: Path | None) -> None:
    """Subscriptions (never their secrets)."""
    from service.integrations import subscriptions as subs

    with _session(data_dir) as session:
        views = [
            subs.subscription_view(s)
            for s in subs.list_subscriptions(session, integration_id=integration_id)
        ]
    if as_json:
        click.echo(json.dumps(views, indent=2))
        return
    if not views:
        click.echo("no subscriptions")
    for v in views:
        side = " coach-side" if v["coach_side"] else ""
        reason = f" ({v['disabled_reason']})" if v["disabled_reason"] else ""
        click.echo(f"{v['id']}  {v['status']}{reason}{side}  {v['url']}")
        click.echo(f"    integration {v['integration_id']}  events {', '.join(v['events'])}")


@webhooks.command("disable")
@click.argument("subscription_id", type=click.UUID)
@data_dir_option
def disable_command(subscription_id: uuid.UUID, data_dir: Path | None) -> None:
    """Stop deliveries to a subscription; those waiting are cancelled."""
    from service.integrations import subscriptions as subs

    with _session(data_dir) as session:
        subs.disable(session, subscription_id)
    click.echo(f"subscription {subscription_id} disabled")


@webhooks.command("deliveries")
@click.option("--subscription", "subscription_id", type=click.UUID, default=None)
@click.option(
    "--status",
    default=None,
    help="held, pending, sending, delivered, failed, withheld or cancelled.",
)
@click.option("--limit", type=click.IntRange(1, 200), default=20, show_default=True)
@json_option
@data_dir_option
def deliveries_command(
    subscription_id: uuid.UUID | None,
    status: str | None,
    limit: int,
    as_json: bool,
    data_dir: Path | None,
) -> None:
    """The newest deliveries with every attempt (status, latency, start of the response)."""
    from service.integrations import subscriptions as subs

    with _session(data_dir) as session:
        rows = subs.list_deliveries(
            session, subscription_id=subscription_id, status=status, limit=limit
        )
        log = subs.attempts_of(session, [d.id for d in rows])
        views = [subs.delivery_view(d, log[d.id]) for d in rows]
    if as_json:
        click.echo(json.dumps(views, indent=2))
        return
    if not views:
        click.echo("no deliveries")
    for v in views:
        _echo_delivery(v)


def _echo_delivery(v: dict[str, Any]) -> None:
    due = f"  next {v['next_attempt_at']}" if v["next_attempt_at"] else ""
    click.echo(
        f"{v['id']}  {v['event_type']}  {v['status']}  attempts {v['attempts']}{due}"
        f"  ({v['message_id']}, subscription {v['subscription_id']})"
    )
    for a in v["log"]:
        outcome = a["status_code"] if a["status_code"] is not None else a["error"]
        snippet = f"  {a['response_snippet']!r}" if a["response_snippet"] else ""
        click.echo(
            f"    #{a['attempt']}  {a['started_at']}  {outcome}  {a['latency_ms']} ms{snippet}"
        )


@webhooks.command("redeliver")
@click.argument("delivery_id", type=click.UUID)
@data_dir_option
def redeliver_command(delivery_id: uuid.UUID, data_dir: Path | None) -> None:
    """Send a delivery again from the first attempt (same webhook-id; the log is kept)."""
    from service.integrations.delivery import redeliver

    with _session(data_dir) as session:
        redeliver(session, delivery_id)
    click.echo(f"delivery {delivery_id} is due now; the scheduler sends it within seconds")


@webhooks.command("test")
@click.argument("url")
@click.option("--secret", default=None, help="Sign with this whsec_ secret [default: a new one].")
@json_option
def test_command(url: str, secret: str | None, as_json: bool) -> None:
    """Send one signed webhook.test message to URL and show how it answered."""
    from service.cli.main import _settings
    from service.integrations import subscriptions as subs
    from service.integrations.delivery import send_test
    from service.integrations.secrets import SECRET_PREFIX, new_secret

    settings = _settings()
    generated = secret is None
    if secret is not None and not secret.startswith(SECRET_PREFIX):
        raise click.ClickException(f"the secret must start with {SECRET_PREFIX}")
    key = secret or new_secret()
    with _domain_errors():
        checked = subs.check_url(url, allow_private=settings.webhook_allow_private_urls)
    try:
        message_id, answer = send_test(checked, key, timeout=settings.webhook_timeout_seconds)
    except ValueError:  # a malformed secret (not base64)
        raise click.ClickException("the secret is not a valid whsec_ secret") from None
    result: dict[str, Any] = {
        "message_id": message_id,
        "status_code": answer.status_code,
        "latency_ms": answer.latency_ms,
        "response_snippet": answer.snippet,
        "error": answer.error,
        "delivered": answer.ok,
    }
    if generated:
        result["secret"] = key  # made for this test only: the receiver needs it to verify
    if as_json:
        click.echo(json.dumps(result))
    else:
        outcome = answer.status_code if answer.status_code is not None else answer.error
        click.echo(f"{url}: {outcome} in {answer.latency_ms} ms ({message_id})")
        if answer.snippet:
            click.echo(f"response: {answer.snippet}")
        if generated:
            click.echo(f"signed with a new test secret: {key}")
    if not answer.ok:
        raise SystemExit(1)


@contextmanager
def _domain_errors() -> Iterator[None]:
    """A domain error becomes a clear CLI error (exit 1, no traceback)."""
    from service.errors import DomainError

    try:
        yield
    except DomainError as exc:
        raise click.ClickException(exc.detail) from None


@contextmanager
def _session(data_dir: Path | None) -> Iterator[Session]:
    """One unit of work on the configured database; domain errors become CLI errors."""
    from service.cli.main import _settings
    from service.cli.runtime import database

    settings = _settings(data_dir)
    with _domain_errors(), database(settings) as handle, handle.db.unit_of_work() as session:
        yield session
