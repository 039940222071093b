"""The HTTP contract: auth, caller scoping, couples, pagination and problem responses."""

from __future__ import annotations

from typing import Any

import pytest

from tests.integration.conftest import auth, make_user

pytestmark = pytest.mark.integration

PROBLEM = "application/problem+json"


def test_health_and_readiness(client: Any) -> None:
    assert client.get("/v1/healthz").status_code == 200
    ready = client.get("/v1/readyz")
    assert ready.status_code == 200
    assert ready.json()["checks"] == {"database": "ok", "redis": "ok"}


def test_openapi_schema_is_served(client: Any) -> None:
    schema = client.get("/schema/openapi.json")
    assert schema.status_code == 200
    assert "/v1/checkins" in schema.json()["paths"]


@pytest.mark.parametrize("header", [None, "Bearer nope", "Basic abc", "Bearer "])
def test_missing_or_bad_token_is_401_problem(client: Any, header: str | None) -> None:
    headers = {"Authorization": header} if header is not None else {}
    response = client.post("/v1/checkins", json={"text": "hi"}, headers=headers)
    assert response.status_code == 401
    assert response.headers["content-type"].startswith(PROBLEM)
    assert response.json()["status"] == 401


def test_partner_b_cannot_read_partner_a_checkin(client: Any, database: Any) -> None:
    a, b = make_user(database, "a"), make_user(database, "b")
    couple = client.post("/v1/couples", headers=auth(a)).json()
    joined = client.post(
        "/v1/couples/join", json={"invite_code": couple["invite_code"]}, headers=auth(b)
    )
    assert joined.status_code == 200 and joined.json()["partners"] == 2
    checkin_id = client.post(
        "/v1/checkins", json={"text": "private thoughts about us"}, headers=auth(a)
    ).json()["id"]

    as_b = client.get(f"/v1/checkins/{checkin_id}", headers=auth(b))
    assert as_b.status_code == 404
    assert as_b.headers["content-type"].startswith(PROBLEM)
    assert client.get("/v1/checkins", headers=auth(b)).json()["items"] == []
    assert client.get(f"/v1/checkins/{checkin_id}", headers=auth(a)).status_code == 200


def test_couple_invite_is_single_use_and_one_couple_per_user(client: Any, database: Any) -> None:
    a, b, c = (make_user(database, n) for n in "abc")
    code = client.post("/v1/couples", headers=auth(a)).json()["invite_code"]
    assert client.post("/v1/couples", headers=auth(a)).status_code == 409
    assert (
        client.post("/v1/couples/join", json={"invite_code": code}, headers=auth(b)).status_code
        == 200
    )
    third = client.post("/v1/couples/join", json={"invite_code": code}, headers=auth(c))
    assert third.status_code == 404  # the code is gone once the couple is complete
    unknown = client.post("/v1/couples/join", json={"invite_code": "ZZZZZ-ZZZZZ"}, headers=auth(c))
    assert unknown.status_code == 404


def test_coach_cannot_post_checkins(client: Any, database: Any) -> None:
    coach = make_user(database, "coach", role="coach")
    response = client.post("/v1/checkins", json={"text": "hello"}, headers=auth(coach))
    assert response.status_code == 403


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"text": ""},
        {"text": "   "},
        {"text": "x" * 4001},
        {"text": "ok", "mood": 0},
        {"text": "ok", "mood": 6},
        {"text": "ok", "mood": "3"},
        {"text": "ok", "connection": 2.5},
        {"text": "ok", "locale": "english please"},
        {"text": "ok", "unexpected": 1},
        {"text": 42},
        [],
    ],
)
def test_bad_checkins_are_400_problems_and_write_nothing(
    client: Any, database: Any, body: Any
) -> None:
    token = make_user(database, "val")
    response = client.post("/v1/checkins", json=body, headers=auth(token))
    assert response.status_code == 400, response.text
    assert response.headers["content-type"].startswith(PROBLEM)
    assert client.get("/v1/checkins", headers=auth(token)).json()["items"] == []


def test_malformed_json_is_a_400_problem(client: Any, database: Any) -> None:
    token = make_user(database, "js")
    response = client.post(
        "/v1/checkins",
        content=b'{"text": "unterminated',
        headers={**auth(token), "Content-Type": "application/json"},
    )
    assert response.status_code == 400
    assert response.headers["content-type"].startswith(PROBLEM)


def test_oversized_body_is_rejected(client: Any, database: Any) -> None:
    token = make_user(database, "big")
    response = client.post("/v1/checkins", json={"text": "x" * 200_000}, headers=auth(token))
    assert response.status_code in (400, 413)
    assert response.headers["content-type"].startswith(PROBLEM)


def test_unknown_checkin_id_and_bad_uuid(client: Any, database: Any) -> None:
    token = make_user(database, "id")
    missing = client.get("/v1/checkins/00000000-0000-0000-0000-000000000000", headers=auth(token))
    assert missing.status_code == 404
    bad = client.get("/v1/checkins/not-a-uuid", headers=auth(token))
    assert bad.status_code in (400, 404)
    assert bad.headers["content-type"].startswith(PROBLEM)


def test_listing_is_paginated_newest_first(client: Any, database: Any) -> None:
    token = make_user(database, "pager")
    ids = [
        client.post("/v1/checkins", json={"text": f"note {i}"}, headers=auth(token)).json()["id"]
        for i in range(5)
    ]
    page1 = client.get("/v1/checkins?limit=2", headers=auth(token)).json()
    page2 = client.get(
        f"/v1/checkins?limit=2&cursor={page1['next_cursor']}", headers=auth(token)
    ).json()
    page3 = client.get(
        f"/v1/checkins?limit=2&cursor={page2['next_cursor']}", headers=auth(token)
    ).json()
    seen = [i["id"] for p in (page1, page2, page3) for i in p["items"]]
    assert seen == list(reversed(ids))
    assert page3["next_cursor"] is None
    assert "text" not in page1["items"][0]  # lists carry no note text
    bad = client.get("/v1/checkins?cursor=%%%", headers=auth(token))
    assert bad.status_code in (400, 422)
    assert client.get("/v1/checkins?limit=0", headers=auth(token)).status_code == 400


def test_relationship_stage_is_set_on_the_couple_and_validated(client: Any, database: Any) -> None:
    token = make_user(database, "stage-a")
    created = client.post("/v1/couples", json={"stage": "early"}, headers=auth(token))
    assert created.status_code == 201 and created.json()["stage"] == "early"
    updated = client.patch("/v1/couples/current", json={"stage": "long_term"}, headers=auth(token))
    assert updated.status_code == 200 and updated.json()["stage"] == "long_term"
    bad = client.patch("/v1/couples/current", json={"stage": "forever"}, headers=auth(token))
    assert bad.status_code == 400
    loner = make_user(database, "stage-b")
    assert (
        client.patch("/v1/couples/current", json={"stage": "mid"}, headers=auth(loner)).status_code
        == 404
    )
