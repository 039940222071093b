"""GET /v1/me: who the caller is, for every role; nothing about anyone else."""

from __future__ import annotations

from typing import Any

import pytest

from service.lib.db import Database
from tests.integration.conftest import auth, make_user

pytestmark = pytest.mark.integration


def test_a_partner_sees_themselves_their_couple_and_consents(
    client: Any, database: Database
) -> None:
    ana = make_user(database, "ana", locale="de-DE")
    ben = make_user(database, "ben")
    couple = client.post("/v1/couples", headers=auth(ana)).json()
    client.post("/v1/couples/join", json={"invite_code": couple["invite_code"]}, headers=auth(ben))
    client.patch("/v1/me/consent", json={"coach_can_read_text": True}, headers=auth(ana))

    me = client.get("/v1/me", headers=auth(ana))
    assert me.status_code == 200
    body = me.json()
    assert set(body) == {"id", "name", "role", "couple_id", "locale", "consents"}
    assert (body["name"], body["role"], body["locale"]) == ("ana", "partner", "de-DE")
    assert body["couple_id"] == couple["id"]
    assert body["consents"] == {"coach_can_read_text": True}
    other = client.get("/v1/me", headers=auth(ben)).json()
    assert other["id"] != body["id"] and other["consents"] == {"coach_can_read_text": False}
    assert "ana" not in str(other)


@pytest.mark.parametrize("role", ["coach", "admin"])
def test_other_roles_see_themselves_too(client: Any, database: Database, role: str) -> None:
    token = make_user(database, f"a-{role}", role=role)
    body = client.get("/v1/me", headers=auth(token)).json()
    assert body["role"] == role and body["couple_id"] is None


def test_without_a_valid_token_it_is_401(client: Any, database: Database) -> None:
    assert client.get("/v1/me").status_code == 401
    assert client.get("/v1/me", headers=auth("att_not-a-token")).status_code == 401
