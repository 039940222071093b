"""`attune integrations`: the scripting contract (`create --json` → {"id", "secret"}) and
clear errors."""

from __future__ import annotations

import json
import uuid
from typing import Any

import pytest
from click.testing import CliRunner
from sqlalchemy import text

from service.accounts.service import Accounts
from service.lib.db import Database
from service.persistence.models import Integration, IntegrationUser
from tests.integration.test_integrations_inbound import push, raw, signed

pytestmark = pytest.mark.integration


@pytest.fixture
def run(cli_env: dict[str, str]) -> Any:
    from service.cli.main import cli

    def invoke(*args: str) -> Any:
        return CliRunner().invoke(cli, ["integrations", *args], env=cli_env)

    return invoke


def test_create_json_prints_id_and_secret_once_and_the_secret_signs_checkins(
    run: Any, database: Database, client: Any
) -> None:
    made = run("create", "journal-app", "--scope", "checkins:write", "--scope", "text:read",
               "--json")  # fmt: skip
    assert made.exit_code == 0, made.output
    printed = json.loads(made.output)
    assert set(printed) == {"id", "secret"}
    assert printed["secret"].startswith("whsec_")
    with database.unit_of_work() as session:
        stored = session.get(Integration, uuid.UUID(printed["id"]))
        assert stored is not None
        assert stored.scopes == ["checkins:write", "text:read"]
        raw_secret = session.execute(
            text("SELECT secret FROM integrations WHERE id = :i"), {"i": stored.id}
        ).scalar_one()
    assert printed["secret"].encode() not in bytes(raw_secret)  # encrypted at rest

    body = raw({"external_user_id": "u-1", "text": "A calm evening together."})
    answer = push(client, printed["id"], body, signed(printed["secret"], body))
    assert answer.status_code == 202

    listed = run("list", "--json")
    assert listed.exit_code == 0
    (view,) = json.loads(listed.output)
    assert view["id"] == printed["id"] and view["mapped_users"] == 1
    assert "whsec_" not in listed.output
    human = run("list")
    assert "journal-app" in human.output and "whsec_" not in human.output


def test_default_scopes_and_human_output(run: Any) -> None:
    made = run("create", "wearable")
    assert made.exit_code == 0, made.output
    assert "checkins:write, events:read" in made.output
    assert "whsec_" in made.output and "/v1/integrations/" in made.output


def test_rotate_disable_and_link(run: Any, database: Database, client: Any) -> None:
    printed = json.loads(run("create", "journal-app", "--json").output)
    rotated = run("rotate-secret", printed["id"], "--json")
    assert rotated.exit_code == 0, rotated.output
    new = json.loads(rotated.output)["secret"]
    assert new != printed["secret"] and new.startswith("whsec_")
    body = raw({"external_user_id": "u-1", "text": "Talked it through."})
    for secret in (printed["secret"], new):  # both verify during the grace period
        assert push(client, printed["id"], body, signed(secret, body)).status_code == 202

    with database.unit_of_work() as session:
        partner = Accounts(session).create("dana").user.id
    linked = run("link", printed["id"], "ext-9", str(partner))
    assert linked.exit_code == 0 and "linked" in linked.output
    assert "already linked" in run("link", printed["id"], "ext-9", str(partner)).output
    with database.unit_of_work() as session:
        other = Accounts(session).create("eli").user.id
        mapping = session.get(IntegrationUser, (uuid.UUID(printed["id"]), "ext-9"))
        assert mapping is not None and mapping.origin == "linked"
    clash = run("link", printed["id"], "ext-9", str(other))
    assert clash.exit_code != 0 and "already linked to another partner" in clash.output

    assert run("disable", printed["id"]).exit_code == 0
    assert push(client, printed["id"], body, signed(new, body)).status_code == 403


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["create", "x", "--scope", "admin"], "Invalid value for '--scope'"),
        (["create", " "], "name must be 1-120 characters"),
        (["rotate-secret", str(uuid.UUID(int=7))], "integration not found"),
        (["disable", str(uuid.UUID(int=7))], "integration not found"),
        (["link", str(uuid.UUID(int=7)), "u", str(uuid.UUID(int=8))], "integration not found"),
    ],
)
def test_errors_are_clear(run: Any, args: list[str], message: str) -> None:
    result = run(*args)
    assert result.exit_code != 0
    assert message in result.output and "Traceback" not in result.output
