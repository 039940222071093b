"""Outbound webhooks as a receiver sees them: signed, retried on schedule, deduplicable, logged.

A real HTTP receiver (uvicorn in a thread) verifies every request with the Standard Webhooks
library; the scheduler's clock is compressed so a day of retries takes seconds, and the jobs
run on a real RQ worker.
"""

from __future__ import annotations

import json
import random
import uuid
from collections import Counter
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from click.testing import CliRunner
from sqlalchemy import select

from service.errors import ConflictError, InvalidInputError, NotFoundError
from service.integrations.delivery import (
    JITTER,
    MAX_ATTEMPTS,
    RETRY_DELAYS,
    deliver,
    redeliver,
)
from service.integrations.secrets import new_secret
from service.integrations.subscriptions import check_url
from service.lib.db import Database
from service.persistence.models import (
    Integration,
    OutboxEvent,
    WebhookAttempt,
    WebhookDelivery,
    WebhookSubscription,
)
from service.settings import Settings
from tests.integration.conftest import auth, make_user
from tests.support.webhook_receiver import FakeClock, Receiver

pytestmark = pytest.mark.integration

PROBLEM = "application/problem+json"


# --- scheduling -----------------------------------------------------------------------------


@pytest.fixture
def ctx(settings: Settings, database: Database, redis: Any) -> Any:
    """Jobs in this process use the test database and Redis (no models: none are needed),
    and a short HTTP timeout."""
    from workers.context import JobContext, install

    quick = settings.model_copy(update={"webhook_timeout_seconds": 0.5})
    return install(JobContext(settings=quick, db=database, redis=redis))


def _schedule_and_run(ctx: Any) -> int:
    """One scheduler round, then every queued job on a real RQ worker."""
    from workers.runtime import deliver_due_once, drain

    queued = deliver_due_once(ctx)
    assert deliver_due_once(ctx) == 0  # asking again never queues the same attempt twice
    drain(ctx)
    return queued


# --- rows -----------------------------------------------------------------------------------


def _integration(database: Database, *, scopes: tuple[str, ...] = ("events:read",)) -> uuid.UUID:
    with database.unit_of_work() as session:
        row = Integration(
            id=uuid.uuid4(), name="journal", scopes=list(scopes), secret=new_secret(),
            status="active",
        )  # fmt: skip
        session.add(row)
        return row.id


def _subscription(
    database: Database, url: str, *, integration_id: uuid.UUID | None = None
) -> tuple[uuid.UUID, str]:
    integration_id = integration_id or _integration(database)
    secret = new_secret()
    with database.unit_of_work() as session:
        sub = WebhookSubscription(
            id=uuid.uuid4(), integration_id=integration_id, url=url,
            events=["checkin.received", "tip.ready"], secret=secret, status="active",
        )  # fmt: skip
        session.add(sub)
        return sub.id, secret


def _delivery(
    database: Database,
    subscription_id: uuid.UUID,
    *,
    due: datetime | None,
    status: str = "pending",
    event_type: str = "checkin.received",
    attempts: int = 0,
) -> uuid.UUID:
    body = json.dumps(
        {"type": event_type, "timestamp": "2026-01-01T00:00:00Z",
         "data": {"checkin_id": str(uuid.uuid4()), "sequence": 1}},
        separators=(",", ":"),
    )  # fmt: skip
    with database.unit_of_work() as session:
        row = WebhookDelivery(
            id=uuid.uuid4(), subscription_id=subscription_id, event_type=event_type,
            payload=body, status=status, attempts=attempts, next_attempt_at=due,
        )  # fmt: skip
        session.add(row)
        return row.id


def _get(database: Database, model: Any, key: Any) -> Any:
    with database.unit_of_work() as session:
        return session.get(model, key)


def _log(database: Database, delivery_id: uuid.UUID) -> list[WebhookAttempt]:
    with database.unit_of_work() as session:
        return list(
            session.scalars(
                select(WebhookAttempt)
                .where(WebhookAttempt.delivery_id == delivery_id)
                .order_by(WebhookAttempt.id)
            )
        )


def _disabled_events(database: Database) -> list[OutboxEvent]:
    with database.unit_of_work() as session:
        return list(
            session.scalars(select(OutboxEvent).where(OutboxEvent.topic == "subscription.disabled"))
        )


# --- delivery -------------------------------------------------------------------------------


def test_retries_follow_the_schedule_and_each_event_arrives_once(
    receiver: tuple[Receiver, str], database: Database, ctx: Any, clock: FakeClock
) -> None:
    app, url = receiver
    app.fail_first = 2  # 500, 500, then 200
    sub_id, app.secret = _subscription(database, url)
    ids = [_delivery(database, sub_id, due=clock.now) for _ in range(2)]

    for round_ in range(3):
        assert _schedule_and_run(ctx) == 2
        rows = [_get(database, WebhookDelivery, i) for i in ids]
        if round_ == 2:
            break
        for row in rows:
            assert (row.status, row.attempts) == ("pending", round_ + 1)
            gap = row.next_attempt_at - clock.now
            base = RETRY_DELAYS[round_]
            assert base * (1 - JITTER) <= gap <= base * (1 + JITTER)
        assert _get(database, WebhookSubscription, sub_id).failing_since is not None
        # Not a moment early: one second before the first is due, nothing is sent.
        clock.now = min(r.next_attempt_at for r in rows) - timedelta(seconds=1)
        assert _schedule_and_run(ctx) == 0
        clock.now = max(r.next_attempt_at for r in rows)

    assert [r.status for r in rows] == ["delivered", "delivered"]
    assert _get(database, WebhookSubscription, sub_id).failing_since is None
    assert len(app.requests) == 6 and all(r.verified for r in app.requests)
    # A receiver that dedupes by webhook-id sees each event exactly once...
    delivered = Counter(r.headers["webhook-id"] for r in app.requests if r.status == 200)
    assert delivered == {row.message_id: 1 for row in rows}
    for row in rows:
        mine = [r for r in app.requests if r.headers["webhook-id"] == row.message_id]
        # ...since every attempt of one event carries the same id and the same bytes.
        assert len(mine) == 3 and len({r.body for r in mine}) == 1
        assert json.loads(mine[0].body)["type"] == "checkin.received"
        assert mine[0].headers["content-type"] == "application/json"
        assert mine[0].headers["user-agent"].startswith("Attune-Webhooks/")
        log = _log(database, row.id)
        assert [(a.attempt, a.status_code) for a in log] == [(1, 500), (2, 500), (3, 200)]
        assert all(a.latency_ms >= 0 and a.error is None for a in log)
        assert log[0].response_snippet == "failure 1: try later"
        assert log[2].response_snippet == "answer 200"


def test_410_disables_the_subscription_and_cancels_what_waits(
    receiver: tuple[Receiver, str], database: Database, ctx: Any, clock: FakeClock
) -> None:
    app, url = receiver
    app.status = 410
    sub_id, app.secret = _subscription(database, url)
    gone = _delivery(database, sub_id, due=clock.now)
    later = _delivery(database, sub_id, due=clock.now + timedelta(hours=1))
    held = _delivery(database, sub_id, due=None, status="held")

    _schedule_and_run(ctx)

    sub = _get(database, WebhookSubscription, sub_id)
    assert sub.status == "disabled" and "410" in (sub.disabled_reason or "")
    assert _get(database, WebhookDelivery, gone).status == "cancelled"
    assert _get(database, WebhookDelivery, gone).last_status_code == 410
    assert {_get(database, WebhookDelivery, i).status for i in (later, held)} == {"cancelled"}
    assert len(app.requests) == 1
    (event,) = _disabled_events(database)
    assert event.payload["subscription_id"] == str(sub_id)
    assert event.payload["reason"] == sub.disabled_reason


def test_the_integrations_other_subscriptions_hear_of_the_disable(
    receiver: tuple[Receiver, str], database: Database, ctx: Any, clock: FakeClock
) -> None:
    from structlog.testing import capture_logs

    from workers.runtime import relay_once

    app, url = receiver
    integration_id = _integration(database)
    gone_id, gone_secret = _subscription(database, url + "/gone", integration_id=integration_id)
    ops_id, ops_secret = _subscription(database, url + "/ops", integration_id=integration_id)
    with database.unit_of_work() as session:
        session.get(WebhookSubscription, ops_id).events = ["subscription.disabled"]
    app.by_path = {"/hooks/gone": (gone_secret, 410), "/hooks/ops": (ops_secret, 200)}
    _delivery(database, gone_id, due=clock.now)
    with capture_logs() as logs:
        _schedule_and_run(ctx)
    (warning,) = [e for e in logs if e["log_level"] == "warning"]
    assert warning["event"] == "webhook subscription disabled"
    assert warning["subscription_id"] == str(gone_id)
    assert "checkin.received" not in str(logs) and "whsec_" not in str(logs)

    relay_once(ctx)  # the fan-out turns the outbox event into a delivery to the other one
    clock.now = datetime.now(UTC) + timedelta(seconds=1)
    assert _schedule_and_run(ctx) == 1
    told = [r for r in app.requests if r.path == "/hooks/ops"]
    assert len(told) == 1 and told[0].verified
    message = json.loads(told[0].body)
    assert message["type"] == "subscription.disabled"
    assert message["data"]["subscription_id"] == str(gone_id)
    assert message["data"]["reason"] == "the receiver answered 410 Gone"


def test_a_disabled_subscription_gets_nothing(
    receiver: tuple[Receiver, str], database: Database, ctx: Any, clock: FakeClock
) -> None:
    from service.integrations.subscriptions import disable

    app, url = receiver
    sub_id, app.secret = _subscription(database, url)
    waiting = _delivery(database, sub_id, due=clock.now)
    with database.unit_of_work() as session:
        disable(session, sub_id)
    # Written after the disable (say, by a fan-out that read the subscription just before).
    late = _delivery(database, sub_id, due=clock.now)
    _schedule_and_run(ctx)
    assert app.requests == []
    assert {_get(database, WebhookDelivery, i).status for i in (waiting, late)} == {"cancelled"}
    assert _disabled_events(database) == []  # the operator asked for it: nobody to tell


def test_a_disabled_integration_gets_nothing(
    receiver: tuple[Receiver, str], database: Database, ctx: Any, clock: FakeClock
) -> None:
    app, url = receiver
    integration_id = _integration(database)
    sub_id, app.secret = _subscription(database, url, integration_id=integration_id)
    delivery_id = _delivery(database, sub_id, due=clock.now)
    with database.unit_of_work() as session:
        session.get(Integration, integration_id).status = "disabled"
    _schedule_and_run(ctx)
    assert app.requests == []
    assert _get(database, WebhookDelivery, delivery_id).status == "cancelled"


def test_a_receiver_that_times_out_counts_as_a_failure(
    receiver: tuple[Receiver, str], database: Database, ctx: Any, clock: FakeClock
) -> None:
    app, url = receiver
    app.delay = 2.0  # the jobs wait 0.5 s
    sub_id, app.secret = _subscription(database, url)
    delivery_id = _delivery(database, sub_id, due=clock.now)
    _schedule_and_run(ctx)
    row = _get(database, WebhookDelivery, delivery_id)
    assert (row.status, row.attempts, row.last_status_code) == ("pending", 1, None)
    (attempt,) = _log(database, delivery_id)
    assert attempt.error == "timeout" and attempt.status_code is None
    assert 400 <= attempt.latency_ms < 2000
    assert _get(database, WebhookSubscription, sub_id).failing_since == clock.now


def test_failing_for_a_day_disables_and_tells_the_admin(
    receiver: tuple[Receiver, str], database: Database, ctx: Any, clock: FakeClock
) -> None:
    app, url = receiver
    app.fail_first = 99
    integration_id = _integration(database)
    sub_id, app.secret = _subscription(database, url, integration_id=integration_id)
    first = _delivery(database, sub_id, due=clock.now)
    _schedule_and_run(ctx)
    started = clock.now
    assert _get(database, WebhookSubscription, sub_id).failing_since == started

    clock.now = started + timedelta(hours=24, minutes=1)
    second = _delivery(database, sub_id, due=clock.now - timedelta(hours=1))
    _schedule_and_run(ctx)

    sub = _get(database, WebhookSubscription, sub_id)
    assert sub.status == "disabled" and sub.disabled_reason == "failing for 24 hours"
    statuses = {_get(database, WebhookDelivery, i).status for i in (first, second)}
    assert statuses == {"failed", "cancelled"}  # the one that failed last, and the other
    assert len(app.requests) == 2
    (event,) = _disabled_events(database)
    assert event.aggregate_id == sub_id
    assert event.payload == {
        "subscription_id": str(sub_id),
        "integration_id": str(integration_id),
        "reason": "failing for 24 hours",
    }


class _Earliest(random.Random):
    def uniform(self, a: float, b: float) -> float:
        return a


def test_the_eighth_failure_is_final(
    receiver: tuple[Receiver, str], database: Database, ctx: Any, clock: FakeClock
) -> None:
    app, url = receiver
    app.fail_first = 99
    sub_id, app.secret = _subscription(database, url)
    delivery_id = _delivery(database, sub_id, due=clock.now)
    outcomes = []
    with httpx.Client() as client:
        for _ in range(MAX_ATTEMPTS + 1):
            # Every wait at its shortest: the last attempt comes before the 24 h limit.
            outcomes.append(
                deliver(database.unit_of_work, client, delivery_id, timeout=2, clock=clock,
                        rng=_Earliest())
            )  # fmt: skip
            row = _get(database, WebhookDelivery, delivery_id)
            clock.now = row.next_attempt_at or clock.now
    assert outcomes == ["retrying"] * (MAX_ATTEMPTS - 1) + ["failed", "skipped"]
    assert len(app.requests) == MAX_ATTEMPTS
    assert _get(database, WebhookSubscription, sub_id).status == "active"


def test_a_worker_that_died_mid_attempt_is_picked_up_again(
    receiver: tuple[Receiver, str], database: Database, ctx: Any, clock: FakeClock
) -> None:
    app, url = receiver
    sub_id, app.secret = _subscription(database, url)
    # 'sending' whose lease ran out: its worker never recorded an outcome.
    delivery_id = _delivery(
        database, sub_id, due=clock.now - timedelta(seconds=1), status="sending", attempts=1
    )
    _schedule_and_run(ctx)
    assert _get(database, WebhookDelivery, delivery_id).status == "delivered"
    log = _log(database, delivery_id)
    assert [(a.attempt, a.status_code) for a in log] == [(1, None), (2, 200)]
    assert "worker stopped" in (log[0].error or "")


def test_redeliver_sends_the_same_message_again(
    receiver: tuple[Receiver, str], database: Database, ctx: Any, clock: FakeClock
) -> None:
    app, url = receiver
    sub_id, app.secret = _subscription(database, url)
    delivery_id = _delivery(database, sub_id, due=clock.now)
    _schedule_and_run(ctx)
    assert _get(database, WebhookDelivery, delivery_id).status == "delivered"

    clock.now += timedelta(days=2)
    with database.unit_of_work() as session:
        redeliver(session, delivery_id, now=clock.now)
    row = _get(database, WebhookDelivery, delivery_id)
    assert (row.status, row.attempts, row.delivered_at) == ("pending", 0, None)
    assert _schedule_and_run(ctx) == 1
    assert _get(database, WebhookDelivery, delivery_id).status == "delivered"
    assert [r.headers["webhook-id"] for r in app.requests] == [row.message_id] * 2
    assert [a.attempt for a in _log(database, delivery_id)] == [1, 1]  # the log is kept

    held = _delivery(database, sub_id, due=None, status="held")
    with pytest.raises(ConflictError), database.unit_of_work() as session:
        redeliver(session, held)
    with pytest.raises(NotFoundError), database.unit_of_work() as session:
        redeliver(session, uuid.uuid4())


@pytest.mark.parametrize(
    "url",
    [
        "ftp://example.com/x",
        "http:///nohost",
        "https://user:pw@example.com/",
        "http://127.0.0.1:8080/hook",
        "http://10.1.2.3/hook",
        "http://169.254.169.254/latest/meta-data",
        "http://[::1]/hook",
        "http://[::ffff:192.168.0.1]/hook",
        "http://0.0.0.0/",
    ],
)
def test_urls_refused_when_private_addresses_are_off(url: str) -> None:
    with pytest.raises(InvalidInputError):
        check_url(url, allow_private=False)


def test_public_addresses_and_allowed_private_ones_pass() -> None:
    assert check_url("https://93.184.215.14/hook", allow_private=False)
    assert check_url("http://127.0.0.1:9/hook", allow_private=True)


# --- admin API ------------------------------------------------------------------------------


def test_admin_api_is_for_admins_only(client: Any, database: Database) -> None:
    partner = make_user(database, "pat")
    coach = make_user(database, "cora", role="coach")
    admin = make_user(database, "ada", role="admin")
    integration_id = _integration(database)
    paths = [
        "/v1/admin/webhook-deliveries",
        f"/v1/admin/integrations/{integration_id}/subscriptions",
    ]
    for token in (partner, coach):
        for path in paths:
            response = client.get(path, headers=auth(token))
            assert response.status_code == 403
            assert response.headers["content-type"].startswith(PROBLEM)
        refused = client.post(
            paths[1], json={"url": "http://127.0.0.1:9/h", "events": ["tip.ready"]},
            headers=auth(token),
        )  # fmt: skip
        assert refused.status_code == 403
    assert client.get(paths[0]).status_code == 401
    for path in paths:
        assert client.get(path, headers=auth(admin)).status_code == 200


def test_admin_api_subscribes_lists_redelivers_and_disables(
    client: Any, database: Database, clock: FakeClock
) -> None:
    admin = auth(make_user(database, "ada", role="admin"))
    integration_id = _integration(database)
    base = f"/v1/admin/integrations/{integration_id}/subscriptions"

    created = client.post(
        base, json={"url": "http://127.0.0.1:9/hook", "events": ["tip.ready", "checkin.received"]},
        headers=admin,
    )  # fmt: skip
    assert created.status_code == 201, created.text
    body = created.json()
    assert body["secret"].startswith("whsec_")
    assert body["events"] == ["checkin.received", "tip.ready"]
    listed = client.get(base, headers=admin).json()["items"]
    assert [s["id"] for s in listed] == [body["id"]]
    assert "secret" not in listed[0]
    with database.unit_of_work() as session:
        assert session.get(WebhookSubscription, uuid.UUID(body["id"])).secret == body["secret"]

    delivery_id = _delivery(database, uuid.UUID(body["id"]), due=None, status="failed")
    items = client.get(
        "/v1/admin/webhook-deliveries", params={"status": "failed"}, headers=admin
    ).json()["items"]
    assert [d["id"] for d in items] == [str(delivery_id)]
    assert "payload" not in items[0]
    detail = client.get(f"/v1/admin/webhook-deliveries/{delivery_id}", headers=admin).json()
    assert detail["log"] == [] and detail["message_id"] == f"msg_{delivery_id.hex}"
    again = client.post(f"/v1/admin/webhook-deliveries/{delivery_id}/redeliver", headers=admin)
    assert again.status_code == 200 and again.json()["status"] == "pending"

    off = client.post(f"/v1/admin/webhook-subscriptions/{body['id']}/disable", headers=admin)
    assert off.status_code == 200 and off.json()["status"] == "disabled"
    assert _get(database, WebhookDelivery, delivery_id).status == "cancelled"
    refused = client.post(f"/v1/admin/webhook-deliveries/{delivery_id}/redeliver", headers=admin)
    assert refused.status_code == 409


@pytest.mark.parametrize(
    ("body", "status"),
    [
        ({"url": "http://127.0.0.1:9/h", "events": ["no.such"]}, 422),
        ({"url": "gopher://x/h", "events": ["tip.ready"]}, 422),
        ({"url": "http://127.0.0.1:9/h", "events": ["escalation.opened"]}, 422),
        ({"url": "http://127.0.0.1:9/h", "events": ["tip.ready"], "secret": "x"}, 400),
        ({"url": "http://127.0.0.1:9/h", "events": []}, 400),
    ],
)
def test_admin_api_refuses_bad_subscriptions(
    client: Any, database: Database, body: dict[str, Any], status: int
) -> None:
    admin = auth(make_user(database, "ada", role="admin"))
    integration_id = _integration(database)
    response = client.post(
        f"/v1/admin/integrations/{integration_id}/subscriptions", json=body, headers=admin
    )
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith(PROBLEM)


def test_admin_api_unknown_ids_and_unfit_integrations(client: Any, database: Database) -> None:
    admin = auth(make_user(database, "ada", role="admin"))
    body = {"url": "http://127.0.0.1:9/h", "events": ["tip.ready"]}
    missing = uuid.uuid4()
    assert client.post(
        f"/v1/admin/integrations/{missing}/subscriptions", json=body, headers=admin
    ).status_code == 404  # fmt: skip
    assert client.get(f"/v1/admin/webhook-deliveries/{missing}", headers=admin).status_code == 404
    assert client.post(
        f"/v1/admin/webhook-subscriptions/{missing}/disable", headers=admin
    ).status_code == 404  # fmt: skip
    no_scope = _integration(database, scopes=("checkins:write",))
    assert client.post(
        f"/v1/admin/integrations/{no_scope}/subscriptions", json=body, headers=admin
    ).status_code == 409  # fmt: skip


# --- CLI ------------------------------------------------------------------------------------


def test_cli_subscribe_json_prints_id_and_secret(
    database: Database, cli_env: dict[str, str]
) -> None:
    from service.cli.main import cli

    integration_id = _integration(database)
    result = CliRunner().invoke(
        cli,
        ["webhooks", "subscribe", "http://127.0.0.1:9/hook", "--integration",
         str(integration_id), "--events", "tip.ready,checkin.received", "--json"],
        env=cli_env,
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    printed = json.loads(result.output)
    assert set(printed) == {"id", "secret"}
    assert printed["secret"].startswith("whsec_")
    sub = _get(database, WebhookSubscription, uuid.UUID(printed["id"]))
    assert sub.secret == printed["secret"]
    assert sub.events == ["checkin.received", "tip.ready"] and not sub.coach_side

    coach = CliRunner().invoke(
        cli,
        ["webhooks", "subscribe", "http://127.0.0.1:9/coach", "--integration",
         str(integration_id), "--events", "escalation.opened", "--coach-side", "--json"],
        env=cli_env,
    )  # fmt: skip
    assert coach.exit_code == 0, coach.output
    assert _get(database, WebhookSubscription, uuid.UUID(json.loads(coach.output)["id"])).coach_side

    listed = CliRunner().invoke(cli, ["webhooks", "list", "--json"], env=cli_env)
    assert listed.exit_code == 0 and "whsec_" not in listed.output
    assert len(json.loads(listed.output)) == 2


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--events", "tip.ready,nope"], "unknown event(s): nope"),
        (["--events", "escalation.opened"], "coach-side"),
        (["--events", "tip.ready", "--url", "ftp://x/y"], "http:// or https://"),
        (["--events", "tip.ready", "--integration", str(uuid.UUID(int=1))], "not found"),
    ],
)
def test_cli_subscribe_errors_are_clear(
    database: Database, cli_env: dict[str, str], args: list[str], message: str
) -> None:
    from service.cli.main import cli

    url, rest = "http://127.0.0.1:9/hook", list(args)
    integration = str(_integration(database))
    if "--url" in rest:
        url = rest.pop(rest.index("--url") + 1)
        rest.remove("--url")
    if "--integration" not in rest:
        rest += ["--integration", integration]
    result = CliRunner().invoke(cli, ["webhooks", "subscribe", url, *rest], env=cli_env)
    assert result.exit_code != 0
    assert message in result.output and "Traceback" not in result.output
    assert "whsec_" not in result.output


def test_cli_deliveries_redeliver_and_test(
    receiver: tuple[Receiver, str], database: Database, cli_env: dict[str, str]
) -> None:
    from service.cli.main import cli

    app, url = receiver
    sub_id, _ = _subscription(database, url)
    delivery_id = _delivery(database, sub_id, due=None, status="failed")
    with database.unit_of_work() as session:
        session.add(
            WebhookAttempt(
                delivery_id=delivery_id, attempt=1, started_at=datetime.now(UTC),
                status_code=503, latency_ms=12, response_snippet="busy",
            )
        )  # fmt: skip
    runner = CliRunner()
    shown = runner.invoke(cli, ["webhooks", "deliveries", "--json"], env=cli_env)
    assert shown.exit_code == 0, shown.output
    (view,) = json.loads(shown.output)
    assert view["id"] == str(delivery_id) and view["log"][0]["status_code"] == 503
    text = runner.invoke(cli, ["webhooks", "deliveries", "--status", "failed"], env=cli_env)
    assert "503" in text.output and "12 ms" in text.output and "busy" in text.output
    bad = runner.invoke(cli, ["webhooks", "deliveries", "--status", "lost"], env=cli_env)
    assert bad.exit_code != 0 and "unknown status" in bad.output

    again = runner.invoke(cli, ["webhooks", "redeliver", str(delivery_id)], env=cli_env)
    assert again.exit_code == 0, again.output
    assert _get(database, WebhookDelivery, delivery_id).status == "pending"
    missing = runner.invoke(cli, ["webhooks", "redeliver", str(uuid.uuid4())], env=cli_env)
    assert missing.exit_code != 0 and "not found" in missing.output

    app.secret = new_secret()
    tested = runner.invoke(
        cli, ["webhooks", "test", url, "--secret", app.secret, "--json"], env=cli_env
    )
    assert tested.exit_code == 0, tested.output
    answer = json.loads(tested.output)
    assert answer["status_code"] == 200 and answer["delivered"] and "secret" not in answer
    (request,) = app.requests
    assert request.verified and json.loads(request.body)["type"] == "webhook.test"
    assert request.headers["webhook-id"] == answer["message_id"]
