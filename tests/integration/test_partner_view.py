"""A partner sees only what the other chose to share, and never a note about danger."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.integration.conftest import auth, drain, make_user

pytestmark = pytest.mark.integration

PROBLEM = "application/problem+json"
ORDINARY = "We cooked pasta together and watched a film, lovely night"
PRIVATE = "I'm not sure I still want this, I haven't told anyone yet"
VIOLENT = "He pushed me into the wall last night and said next time he'll really hurt me"


def _couple(client: Any, database: Any) -> tuple[str, str]:
    a, b = make_user(database, "ana"), make_user(database, "ben")
    code = client.post("/v1/couples", headers=auth(a)).json()["invite_code"]
    joined = client.post("/v1/couples/join", json={"invite_code": code}, headers=auth(b))
    assert joined.status_code == 200
    return a, b


def _checkin(client: Any, token: str, text: str, *, shared: bool, mood: int = 3) -> str:
    response = client.post(
        "/v1/checkins",
        json={"text": text, "mood": mood, "connection": 3, "shared_with_partner": shared},
        headers=auth(token),
    )
    assert response.status_code == 202
    return str(response.json()["id"])


def _partner_items(client: Any, token: str, query: str = "") -> list[dict[str, Any]]:
    response = client.get(f"/v1/partner/checkins{query}", headers=auth(token))
    assert response.status_code == 200, response.text
    return list(response.json()["items"])


def test_only_shared_safe_checkins_reach_the_other_partner(
    client: Any, database: Any, knowledge_base: Path, job_context: Any
) -> None:
    a, b = _couple(client, database)
    ordinary = _checkin(client, a, ORDINARY, shared=True, mood=4)
    private = _checkin(client, a, PRIVATE, shared=False)
    violent = _checkin(client, a, VIOLENT, shared=True, mood=1)

    # Not yet checked for danger: nothing is shown, even what was shared.
    assert _partner_items(client, b) == []
    drain(job_context)

    # The pipeline did see the danger (so hiding it is the rule working, not a gap).
    own = client.get(f"/v1/checkins/{violent}", headers=auth(a)).json()
    assert own["classification"]["risk_level"] in ("elevated", "urgent")

    items = _partner_items(client, b)
    assert [i["id"] for i in items] == [ordinary]
    assert items[0]["text"] == ORDINARY
    assert items[0]["mood"] == 4 and items[0]["connection"] == 3
    assert set(items[0]) == {"id", "created_at", "mood", "connection", "text"}
    body = client.get("/v1/partner/checkins", headers=auth(b)).text
    assert PRIVATE not in body and VIOLENT not in body
    assert private not in body and violent not in body

    # The writer does not see their own notes in the partner view either.
    assert _partner_items(client, a) == []


def test_the_view_goes_both_ways_and_pages(
    client: Any, database: Any, knowledge_base: Path, job_context: Any
) -> None:
    a, b = _couple(client, database)
    from_b = [_checkin(client, b, f"{ORDINARY} number {n}", shared=True) for n in range(3)]
    drain(job_context)
    page1 = client.get("/v1/partner/checkins?limit=2", headers=auth(a)).json()
    page2 = client.get(
        f"/v1/partner/checkins?limit=2&cursor={page1['next_cursor']}", headers=auth(a)
    ).json()
    seen = [i["id"] for i in page1["items"] + page2["items"]]
    assert seen == list(reversed(from_b))
    assert page2["next_cursor"] is None


def test_without_a_couple_the_list_is_empty(
    client: Any, database: Any, knowledge_base: Path, job_context: Any
) -> None:
    loner = make_user(database, "solo")
    _checkin(client, loner, ORDINARY, shared=True)
    drain(job_context)
    assert _partner_items(client, loner) == []


def test_non_partners_and_bad_queries_get_problems(client: Any, database: Any) -> None:
    coach = make_user(database, "coach", role="coach")
    forbidden = client.get("/v1/partner/checkins", headers=auth(coach))
    assert forbidden.status_code == 403
    assert forbidden.headers["content-type"].startswith(PROBLEM)
    assert client.get("/v1/partner/checkins").status_code == 401
    partner = make_user(database, "p")
    assert client.get("/v1/partner/checkins?limit=0", headers=auth(partner)).status_code == 400
    bad_cursor = client.get("/v1/partner/checkins?cursor=%%%", headers=auth(partner))
    assert bad_cursor.status_code in (400, 422)
    assert bad_cursor.headers["content-type"].startswith(PROBLEM)


def test_a_shared_note_of_fear_stays_private(
    client: Any, database: Any, knowledge_base: Path, job_context: Any
) -> None:
    a, b = _couple(client, database)
    _checkin(client, a, "My partner scares me sometimes when he drinks.", shared=True)
    drain(job_context)
    assert _partner_items(client, b) == []
