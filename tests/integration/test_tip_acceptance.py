"""Issue 5 acceptance with no model endpoint: the offline composer, the guard and the policy."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from service.coaching.guard import suggests_joint_work
from service.persistence.models import Escalation, Generation
from tests.integration.conftest import auth, drain, make_user

pytestmark = pytest.mark.integration


def _couple(client: Any, database: Any, locale: str) -> tuple[str, str]:
    a, b = make_user(database, "amy", locale=locale), make_user(database, "bo", locale=locale)
    code = client.post("/v1/couples", headers=auth(a)).json()["invite_code"]
    assert client.post("/v1/couples/join", json={"invite_code": code}, headers=auth(b)).is_success
    return a, b


def _tip(client: Any, token: str, checkin_id: str) -> dict[str, Any]:
    view = client.get(f"/v1/checkins/{checkin_id}", headers=auth(token)).json()
    assert view["status"] == "tip_ready", view
    return dict(view["tip"])


def test_phones_at_dinner_gets_a_structured_tip_citing_a_technology_card(
    client: Any, database: Any, knowledge_base: Path, job_context: Any
) -> None:
    token = make_user(database, "cal")
    text = "She was on her phone all through dinner again, I might as well have eaten alone."
    checkin_id = client.post(
        "/v1/checkins", json={"text": text, "mood": 2, "connection": 2}, headers=auth(token)
    ).json()["id"]
    drain(job_context)
    tip = _tip(client, token, checkin_id)
    assert tip["backend"] == "offline" and tip["kind"] == "coaching"
    assert any("technology" in c or "phone" in c for c in tip["citations"])
    assert 2 <= len(tip["steps"]) <= 4 and tip["tonight"] and tip["title"]
    assert "low today" in tip["why"]  # mood and connection were 2
    assert "AI" not in re.findall(r"\bAI\b", str(tip))
    with database.unit_of_work() as session:
        (row,) = session.scalars(select(Generation).where(Generation.checkin_id == checkin_id))
        assert (row.backend, row.outcome, row.verdict["passed"]) == ("offline", "accepted", True)


@pytest.mark.parametrize(
    ("locale", "helpline"),
    [
        ("en-GB", "National Domestic Abuse Helpline"),
        ("en-US", "National Domestic Violence Hotline"),
    ],
)
def test_pushed_and_threatened_gets_dv_resources_no_joint_exercise_and_a_coach(
    client: Any,
    database: Any,
    knowledge_base: Path,
    job_context: Any,
    locale: str,
    helpline: str,
) -> None:
    a, b = _couple(client, database, locale)
    text = (
        "Last night he pushed me against the wardrobe and said if I ever try to leave he'll "
        "make sure I regret it. I'm scared to go home."
    )
    checkin_id = client.post(
        "/v1/checkins", json={"text": text, "shared_with_partner": True}, headers=auth(a)
    ).json()["id"]
    drain(job_context)

    tip = _tip(client, a, checkin_id)
    assert tip["kind"] == "safety"
    assert tip["resources"][0]["name"].startswith(helpline)  # DV help for the locale, first
    assert not any(suggests_joint_work(s) for s in tip.get("steps", []))
    assert not suggests_joint_work(tip["message"])
    with database.unit_of_work() as session:
        (escalation,) = session.scalars(select(Escalation))
        assert escalation.status == "open" and escalation.checkin_id is not None
        assert "partner_violence" in escalation.categories

    # Nothing about it in the other partner's view, though "share" was ticked.
    partner_view = client.get("/v1/partner/checkins", headers=auth(b))
    assert partner_view.status_code == 200
    assert partner_view.json()["items"] == []
    assert "wardrobe" not in partner_view.text
    # And the other partner cannot open it directly.
    assert client.get(f"/v1/checkins/{checkin_id}", headers=auth(b)).status_code == 404
