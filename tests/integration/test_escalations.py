"""Every elevated or urgent check-in opens exactly one escalation for a coach, with evidence."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from service.classify.classifier import CheckInText, ClassificationResult
from service.lib.crypto import open_spans
from service.persistence.models import Classification, Escalation
from tests.integration.conftest import auth, drain, make_user

pytestmark = pytest.mark.integration


def _post(client: Any, token: str, text: str) -> str:
    response = client.post("/v1/checkins", json={"text": text}, headers=auth(token))
    assert response.status_code == 202
    return str(response.json()["id"])


def _escalations(database: Any, checkin_id: str) -> list[Escalation]:
    with database.unit_of_work() as session:
        return list(session.scalars(select(Escalation).where(Escalation.checkin_id == checkin_id)))


def test_urgent_checkin_opens_one_escalation_with_evidence(
    client: Any, database: Any, knowledge_base: Path, job_context: Any
) -> None:
    from workers.jobs import classify_checkin

    token = make_user(database, "gabi")
    text = "He's outside the door screaming that he'll kill me tonight, I'm hiding in the bathroom"
    checkin_id = _post(client, token, text)
    drain(job_context)
    classify_checkin(checkin_id)  # a re-run must not open a second one
    rows = _escalations(database, checkin_id)
    assert len(rows) == 1
    escalation = rows[0]
    assert escalation.severity == "urgent"
    assert escalation.status == "open"
    assert "partner_violence" in escalation.categories
    raw = escalation.evidence["spans"]
    quotes = [s["quote"] for s in open_spans(raw) if s["start"] >= 0]
    assert quotes
    assert all(q in text for q in quotes)
    # At rest the quotes (the partner's own words) are encrypted like the note itself.
    assert all(s["quote"].startswith("enc:") for s in raw if s.get("quote"))
    assert "kill me" not in str(raw)
    with database.unit_of_work() as session:
        stored = session.get(Classification, checkin_id)
        assert stored is not None and "kill me" not in str(stored.evidence)


def test_ordinary_checkin_opens_none(
    client: Any, database: Any, knowledge_base: Path, job_context: Any
) -> None:
    token = make_user(database, "hal")
    checkin_id = _post(client, token, "We cooked pasta together and watched a film, lovely night")
    drain(job_context)
    assert _escalations(database, checkin_id) == []


class _Broken:
    backend = "broken"

    def classify_batch(self, items: list[CheckInText]) -> list[ClassificationResult]:
        raise RuntimeError("model unavailable")


def test_failed_classification_fails_closed_and_alerts_a_coach(
    client: Any, database: Any, knowledge_base: Path, job_context: Any
) -> None:
    job_context._classifier = _Broken()
    token = make_user(database, "ivy")
    checkin_id = _post(client, token, "long day, not much to say")
    drain(job_context)
    view = client.get(f"/v1/checkins/{checkin_id}", headers=auth(token)).json()
    assert view["classification"]["risk_level"] == "elevated"
    assert view["classification"]["backend"] == "fail-closed"
    assert view["tip"]["kind"] == "safety"  # the safety-aware fallback, not a normal tip
    rows = _escalations(database, checkin_id)
    assert len(rows) == 1
    assert rows[0].severity == "elevated"
