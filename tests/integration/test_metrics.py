"""``/metrics`` scraped around real check-ins: what moves, and what never shows up in a label."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy import select

from service.lib.crypto import hash_token
from service.persistence.models import ApiToken, Escalation
from tests.integration.conftest import auth, make_user

pytestmark = pytest.mark.integration

Samples = dict[tuple[str, tuple[tuple[str, str], ...]], float]
UUID = re.compile(r"[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}", re.I)
URGENT = "He's outside the door screaming that he'll kill me tonight, I'm hiding in the bathroom"
ORDINARY = "Quentin forgot our anniversary at Zanzibar again and I felt invisible all evening."


def scrape(client: Any) -> Samples:
    response = client.get("/metrics")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain; version=0.0.4")
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(response.text)
        for sample in family.samples
    }


def value(samples: Samples, name: str, **labels: str) -> float:
    return samples.get((name, tuple(sorted(labels.items()))), 0.0)


def _user_id(database: Any, token: str) -> str:
    with database.unit_of_work() as session:
        return str(
            session.scalar(select(ApiToken.user_id).where(ApiToken.token_hash == hash_token(token)))
        )


def _relay(job_context: Any) -> None:
    from workers.runtime import relay_once

    relay_once(job_context)


def _run_jobs(job_context: Any) -> None:
    from workers.runtime import drain

    drain(job_context)


def test_a_checkin_moves_the_queue_the_end_to_end_histogram_and_the_counters(
    client: Any, database: Any, knowledge_base: Path, job_context: Any
) -> None:
    token = make_user(database, "ana")
    before = scrape(client)
    assert value(before, "attune_queue_jobs", queue="attune-default", state="queued") == 0

    posted = client.post("/v1/checkins", json={"text": ORDINARY}, headers=auth(token))
    assert posted.status_code == 202
    _relay(job_context)
    queued = scrape(client)
    assert value(queued, "attune_queue_jobs", queue="attune-default", state="queued") == 1

    _run_jobs(job_context)
    view = client.get(f"/v1/checkins/{posted.json()['id']}", headers=auth(token)).json()
    assert view["status"] == "tip_ready"
    risk = view["classification"]["risk_level"]
    after = scrape(client)

    def moved(name: str, **labels: str) -> float:
        return value(after, name, **labels) - value(before, name, **labels)

    for state in ("queued", "started", "failed"):
        assert value(after, "attune_queue_jobs", queue="attune-default", state=state) == 0
    assert moved("attune_checkin_end_to_end_seconds_count", risk_level=risk) == 1
    assert moved("attune_checkin_end_to_end_seconds_sum", risk_level=risk) > 0
    assert moved("attune_checkins_classified_total", risk_level=risk) == 1
    assert moved("attune_pipeline_stage_seconds_count", stage="classify") >= 1
    assert moved("attune_pipeline_stage_seconds_count", stage="advise") >= 1
    posts = {"method": "POST", "route": "/v1/checkins", "status": "202"}
    assert moved("attune_http_requests_total", **posts) == 1
    assert moved("attune_http_request_duration_seconds_count", **posts) == 1
    # The view above: its path carried the check-in's id, its label only the template.
    read = {"method": "GET", "route": "/v1/checkins/{checkin_id}", "status": "200"}
    assert moved("attune_http_requests_total", **read) == 1


def test_an_urgent_checkin_shows_as_an_open_escalation_until_a_coach_acknowledges_it(
    client: Any, database: Any, knowledge_base: Path, job_context: Any
) -> None:
    token = make_user(database, "gabi")
    admin = make_user(database, "root", role="admin")
    before = scrape(client)
    client.post("/v1/checkins", json={"text": URGENT}, headers=auth(token))
    _relay(job_context)
    _run_jobs(job_context)
    opened = scrape(client)
    assert value(opened, "attune_escalations_open", severity="urgent") == 1
    assert value(opened, "attune_escalation_oldest_open_seconds", severity="urgent") > 0
    assert (
        value(opened, "attune_escalations_opened_total", severity="urgent")
        - value(before, "attune_escalations_opened_total", severity="urgent")
    ) == 1

    with database.unit_of_work() as session:
        escalation_id = session.scalar(select(Escalation.id))
    acked = client.post(f"/v1/escalations/{escalation_id}/acknowledge", headers=auth(admin))
    assert acked.status_code == 200
    after = scrape(client)
    assert value(after, "attune_escalations_open", severity="urgent") == 0
    assert value(after, "attune_escalation_oldest_open_seconds", severity="urgent") == 0
    count = "attune_escalation_acknowledge_seconds_count"
    assert value(after, count, severity="urgent") - value(before, count, severity="urgent") == 1


def test_no_label_carries_a_token_a_text_or_an_id(
    client: Any, database: Any, knowledge_base: Path, job_context: Any
) -> None:
    from service.api.app import create_app

    token = make_user(database, "Zephyrine")
    admin = make_user(database, "root", role="admin")
    ids = [_user_id(database, token), _user_id(database, admin)]
    for text in (ORDINARY, URGENT):
        posted = client.post("/v1/checkins", json={"text": text}, headers=auth(token))
        ids.append(posted.json()["id"])
    _relay(job_context)
    _run_jobs(job_context)
    for checkin_id in ids[2:]:
        client.get(f"/v1/checkins/{checkin_id}", headers=auth(token))
    with database.unit_of_work() as session:
        escalation_id = str(session.scalar(select(Escalation.id)))
    ids.append(escalation_id)
    client.post(f"/v1/escalations/{escalation_id}/acknowledge", headers=auth(admin))
    unknown = client.get(f"/v1/checkins/{ids[0]}", headers=auth(token))  # a 404 on a route
    assert unknown.status_code == 404
    client.get("/v1/no-such-route/" + ids[0])  # matches no route: not labelled at all

    samples = scrape(client)
    labels = [(name, dict(pairs)) for name, pairs in samples]
    values = {v for _, pairs in labels for v in pairs.values()}
    assert values, "the scrape has labelled samples"
    fragments = [token, token[:12], "Zephyrine", "Quentin", "Zanzibar", "kill me", "bathroom"]
    for label_value in values:
        assert not UUID.search(label_value), label_value
        assert not any(f.lower() in label_value.lower() for f in fragments), label_value
    words = {v for v in values if len(v) >= 4}
    assert not {v for v in words if v in ORDINARY or v in URGENT}
    for checkin_or_user_id in ids:
        assert all(checkin_or_user_id not in v for v in values)
    # Route labels are the app's templates, never a path as requested.
    templates = {route.path_format for route in create_app(database, job_context.redis).routes}
    routes = {pairs["route"] for _, pairs in labels if "route" in pairs}
    assert "/v1/checkins/{checkin_id}" in routes
    assert "/v1/escalations/{escalation_id}/acknowledge" in routes
    assert routes <= templates | {"unmatched"}
