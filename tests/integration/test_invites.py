"""Couple invite codes expire (7 days by default), work once, and can be renewed by the partner
who is waiting; an expired, used or unknown code gets one and the same answer."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import func, select, update

from service.couples.service import Couples
from service.lib.db import Database
from service.persistence.models import Couple, User
from tests.integration.conftest import auth, make_user

pytestmark = pytest.mark.integration


def _join(client: Any, token: str, code: str) -> Any:
    return client.post("/v1/couples/join", json={"invite_code": code}, headers=auth(token))


def _members(database: Database, couple_id: str) -> int:
    with database.unit_of_work() as session:
        return (
            session.scalar(
                select(func.count()).select_from(User).where(User.couple_id == couple_id)
            )
            or 0
        )


def _age_invite(database: Database, couple_id: str, *, by: timedelta) -> None:
    """Move the code's expiry back, as if that much time had passed."""
    with database.unit_of_work() as session:
        session.execute(
            update(Couple)
            .where(Couple.id == couple_id)
            .values(invite_expires_at=Couple.invite_expires_at - by)
        )


def test_a_new_code_says_when_it_expires_a_week_out(client: Any, database: Database) -> None:
    ana = make_user(database, "ana")
    couple = client.post("/v1/couples", headers=auth(ana)).json()
    assert couple["invite_code"]
    expires = datetime.fromisoformat(couple["invite_expires_at"])
    assert abs(expires - (datetime.now(UTC) + timedelta(days=7))) < timedelta(minutes=1)


def test_an_expired_code_is_answered_like_an_unknown_one(client: Any, database: Database) -> None:
    ana, ben = make_user(database, "ana"), make_user(database, "ben")
    couple = client.post("/v1/couples", headers=auth(ana)).json()
    _age_invite(database, couple["id"], by=timedelta(days=7, seconds=1))

    expired = _join(client, ben, couple["invite_code"])
    unknown = _join(client, ben, "ZZZZZ-ZZZZZ")
    assert expired.status_code == unknown.status_code == 404
    assert expired.json() == unknown.json()  # nothing tells a guesser which it was
    assert "expired or unknown" in expired.json()["detail"]
    assert expired.headers["content-type"].startswith("application/problem+json")
    assert _members(database, couple["id"]) == 1

    # Just before its expiry the same kind of code still works.
    fresh = client.post("/v1/couples", headers=auth(ben)).json()
    _age_invite(database, fresh["id"], by=timedelta(days=7) - timedelta(minutes=1))
    cleo = make_user(database, "cleo")
    assert _join(client, cleo, fresh["invite_code"]).status_code == 200


def test_a_code_works_once(client: Any, database: Database) -> None:
    ana, ben, cleo = (make_user(database, n) for n in ("ana", "ben", "cleo"))
    couple = client.post("/v1/couples", headers=auth(ana)).json()
    assert _join(client, ben, couple["invite_code"]).status_code == 200
    used = _join(client, cleo, couple["invite_code"])
    assert used.status_code == 404
    assert used.json() == _join(client, cleo, "ZZZZZ-ZZZZZ").json()
    with database.unit_of_work() as session:
        row = session.get(Couple, couple["id"])
        assert row is not None and row.invite_code is None and row.invite_expires_at is None


def test_the_waiting_partner_gets_a_fresh_code_and_the_old_one_stops(
    client: Any, database: Database
) -> None:
    ana, ben = make_user(database, "ana"), make_user(database, "ben")
    couple = client.post("/v1/couples", headers=auth(ana)).json()
    _age_invite(database, couple["id"], by=timedelta(days=8))

    renewed = client.post("/v1/couples/current/invite", headers=auth(ana))
    assert renewed.status_code == 201, renewed.text
    body = renewed.json()
    assert body["id"] == couple["id"] and body["partners"] == 1
    assert body["invite_code"] != couple["invite_code"]
    expires = datetime.fromisoformat(body["invite_expires_at"])
    assert abs(expires - (datetime.now(UTC) + timedelta(days=7))) < timedelta(minutes=1)

    assert _join(client, ben, couple["invite_code"]).status_code == 404
    joined = _join(client, ben, body["invite_code"].lower())  # read aloud, typed in lower case
    assert joined.status_code == 200 and joined.json()["partners"] == 2

    # A complete couple has no code to renew.
    for token in (ana, ben):
        full = client.post("/v1/couples/current/invite", headers=auth(token))
        assert full.status_code == 409
        assert full.json()["detail"] == "this couple already has two partners"


def test_renewing_a_valid_code_replaces_it(client: Any, database: Database) -> None:
    ana, ben = make_user(database, "ana"), make_user(database, "ben")
    couple = client.post("/v1/couples", headers=auth(ana)).json()
    renewed = client.post("/v1/couples/current/invite", headers=auth(ana)).json()
    assert _join(client, ben, couple["invite_code"]).status_code == 404
    assert _join(client, ben, renewed["invite_code"]).status_code == 200


def test_only_a_partner_in_a_couple_renews(client: Any, database: Database) -> None:
    loner = make_user(database, "lou")
    coach = make_user(database, "cora", role="coach")
    alone = client.post("/v1/couples/current/invite", headers=auth(loner))
    assert alone.status_code == 404
    assert client.post("/v1/couples/current/invite", headers=auth(coach)).status_code == 403
    assert client.post("/v1/couples/current/invite").status_code == 401


def test_the_lifetime_is_invite_code_ttl_days(client: Any, database: Database) -> None:
    from service.settings import get_settings, use_settings

    ana = make_user(database, "ana")
    previous = get_settings()
    use_settings(previous.model_copy(update={"invite_code_ttl_days": 0.5}))
    try:
        couple = client.post("/v1/couples", headers=auth(ana)).json()
    finally:
        use_settings(previous)
    left = datetime.fromisoformat(couple["invite_expires_at"]) - datetime.now(UTC)
    assert timedelta(hours=11, minutes=59) < left <= timedelta(hours=12)
    with database.unit_of_work() as session:
        user = session.scalars(select(User).where(User.name == "ana")).one()
        user.couple_id = None
        view = Couples(session, invite_ttl=timedelta(hours=2)).create(user)
    assert view.invite_expires_at is not None
    assert view.invite_expires_at - datetime.now(UTC) <= timedelta(hours=2)
