"""Dead letters: a pipeline job that keeps failing is retried, lands in RQ's failed registry with
its check-ins marked failed and failing closed (a coach is alerted), is listed by
`attune jobs failed`, and `attune jobs replay` finishes it exactly once.

The failures are real: a trigger in the test database rejects one check-in's writes, the way a
broken table or a constraint the data no longer fits would. A real RQ worker runs the jobs; the
retries are made without waits (no RQ scheduler runs in a burst drain).
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from rq import Retry
from rq.registry import FailedJobRegistry
from sqlalchemy import func, select, text

from service.lib.db import Database
from service.lib.queue import DEFAULT, batch_job_id, enqueue_batch
from service.persistence.models import CheckIn, Classification, Escalation, Tip, User
from tests.integration.conftest import make_user

pytestmark = pytest.mark.integration

EVERYDAY = "He was on his phone through the whole dinner again and I felt invisible."
CALM = "We cooked together tonight and laughed about the old flat."
URGENT = "He is banging on the bathroom door and says he will kill me, I'm hiding in here"

# Rejects writes for the check-ins listed in dead_letter_probe; counts each rejection in a
# sequence (sequences ignore rollbacks, so every failed attempt is counted).
_FAULT = """
CREATE TABLE dead_letter_probe (checkin_id uuid PRIMARY KEY, even_fail_closed boolean NOT NULL);
CREATE SEQUENCE dead_letter_rejections;
CREATE FUNCTION dead_letter_reject() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM dead_letter_probe p WHERE p.checkin_id = NEW.checkin_id
               AND (p.even_fail_closed OR TG_TABLE_NAME <> 'classifications'
                    OR NEW.backend <> 'fail-closed')) THEN
        PERFORM nextval('dead_letter_rejections');
        RAISE EXCEPTION 'test fault: % for this check-in cannot be written', TG_TABLE_NAME;
    END IF;
    RETURN NEW;
END $$;
"""
_UNDO = """
DROP TRIGGER IF EXISTS dead_letter_reject ON classifications;
DROP TRIGGER IF EXISTS dead_letter_reject ON tips;
DROP FUNCTION IF EXISTS dead_letter_reject();
DROP SEQUENCE IF EXISTS dead_letter_rejections;
DROP TABLE IF EXISTS dead_letter_probe;
"""


class Fault:
    """Writes to a table that fail for chosen check-ins until fixed."""

    def __init__(self, database: Database) -> None:
        self.database = database

    def break_writes(self, table: str, checkin_id: str, *, even_fail_closed: bool = False) -> None:
        assert table in ("classifications", "tips")
        with self.database.unit_of_work() as session:
            session.execute(
                text(
                    f"CREATE TRIGGER dead_letter_reject BEFORE INSERT ON {table}"
                    " FOR EACH ROW EXECUTE FUNCTION dead_letter_reject()"
                )
            )
            session.execute(
                text("INSERT INTO dead_letter_probe VALUES (:c, :f)"),
                {"c": checkin_id, "f": even_fail_closed},
            )

    def fix(self) -> None:
        with self.database.unit_of_work() as session:
            session.execute(text("DELETE FROM dead_letter_probe"))

    def rejections(self) -> int:
        counted = (
            "SELECT CASE WHEN is_called THEN last_value ELSE 0 END FROM dead_letter_rejections"
        )
        with self.database.unit_of_work() as session:
            return int(session.execute(text(counted)).scalar_one())


@pytest.fixture
def fault(database: Database) -> Iterator[Fault]:
    with database.unit_of_work() as session:
        session.execute(text(_UNDO))
        session.execute(text(_FAULT))
    yield Fault(database)
    with database.unit_of_work() as session:
        session.execute(text(_UNDO))


@pytest.fixture
def jobs_cli(cli_env: dict[str, str]) -> Any:
    from service.cli.main import cli

    def invoke(*args: str) -> Any:
        return CliRunner().invoke(cli, ["jobs", *args], env=cli_env)

    return invoke


def _checkins(database: Database, name: str, texts: list[str]) -> list[str]:
    make_user(database, name, locale="en-GB")
    ids = []
    with database.unit_of_work() as session:
        user = session.scalar(select(User).where(User.name == name))
        assert user is not None
        for body in texts:
            checkin = CheckIn(user_id=user.id, text=body, locale="en-GB", status="received")
            session.add(checkin)
            session.flush()
            ids.append(str(checkin.id))
    return ids


def _enqueue(redis: Any, ids: list[str], retry: Retry | None = None) -> str:
    """The job the relay would queue for these check-ins, with retries that do not wait."""
    checkin_ids = [uuid.UUID(i) for i in ids]
    enqueue_batch(redis, checkin_ids, timeout=120, retry=retry or Retry(max=3))
    return batch_job_id(checkin_ids)


def _run_jobs(job_context: Any) -> None:
    from workers.runtime import drain

    drain(job_context)


def _state(database: Database, checkin_id: str) -> dict[str, Any]:
    cid = uuid.UUID(checkin_id)
    with database.unit_of_work() as session:
        checkin = session.get(CheckIn, cid)
        assert checkin is not None
        reading = session.get(Classification, cid)
        tip = session.get(Tip, cid)
        escalations = session.scalars(select(Escalation).where(Escalation.checkin_id == cid)).all()
        return {
            "status": checkin.status,
            "risk": reading.risk_level if reading else None,
            "backend": reading.backend if reading else None,
            "tip": tip.kind if tip else None,
            "escalations": [(e.severity, e.evidence.get("backend")) for e in escalations],
        }


def _counts(database: Database) -> dict[str, int]:
    with database.unit_of_work() as session:
        return {
            m.__tablename__: session.scalar(select(func.count()).select_from(m)) or 0
            for m in (Classification, Tip, Escalation)
        }


def test_a_job_failing_every_retry_is_dead_lettered_fails_closed_and_replays_once(
    database: Database, redis: Any, knowledge_base: Path, job_context: Any, fault: Fault,
    jobs_cli: Any,
) -> None:  # fmt: skip
    from service.checkins.outbox import sweep_stuck
    from workers.jobs import process_checkins

    broken, fine = _checkins(database, "ida", [EVERYDAY, CALM])
    fault.break_writes("classifications", broken)  # the model's reading cannot be stored
    job_id = _enqueue(redis, [broken, fine])
    _run_jobs(job_context)

    # The first run and three retries each failed on the broken check-in; then RQ gave up.
    assert fault.rejections() == 4
    assert FailedJobRegistry(DEFAULT, connection=redis).get_job_ids() == [job_id]
    # Failed, and treated as at risk: the fail-closed reading, a coach alert, no tip yet.
    assert _state(database, broken) == {
        "status": "failed", "risk": "elevated", "backend": "fail-closed", "tip": None,
        "escalations": [("elevated", "fail-closed")],
    }  # fmt: skip
    # Its neighbour in the batch was finished on the first run and is left alone.
    assert _state(database, fine)["status"] == "tip_ready"
    assert _state(database, fine)["escalations"] == []
    # The sweeper leaves dead letters to the operator.
    with database.unit_of_work() as session:
        assert sweep_stuck(session, older_than=timedelta(seconds=-1)) == 0

    listed = jobs_cli("failed", "--json")
    assert listed.exit_code == 0, listed.output
    [entry] = json.loads(listed.output)["jobs"]
    assert entry["id"] == job_id
    assert entry["function"] == "process_checkins"
    assert entry["queue"] == DEFAULT
    assert sorted(entry["checkin_ids"]) == sorted([broken, fine])
    assert entry["retries_used"] == entry["retries_max"] == 3
    assert entry["reason"].startswith("service.checkins.batch.BatchIncompleteError: 1 of 2")
    assert broken in entry["reason"]
    assert entry["enqueued_at"] and entry["failed_at"]
    readable = jobs_cli("failed")
    assert readable.exit_code == 0, readable.output
    assert f"{job_id}  process_checkins  {DEFAULT}" in readable.output
    assert "retries 3/3" in readable.output
    assert "reason: service.checkins.batch.BatchIncompleteError" in readable.output

    fault.fix()
    replayed = jobs_cli("replay", "--all", "--json")
    assert replayed.exit_code == 0, replayed.output
    assert json.loads(replayed.output) == {"replayed": [job_id], "skipped": []}
    _run_jobs(job_context)

    # Processed once: the fail-closed reading kept, one tip, one coach alert; no duplicates.
    assert _state(database, broken) == {
        "status": "tip_ready", "risk": "elevated", "backend": "fail-closed", "tip": "safety",
        "escalations": [("elevated", "fail-closed")],
    }  # fmt: skip
    assert _counts(database) == {"classifications": 2, "tips": 2, "escalations": 1}
    assert json.loads(jobs_cli("failed", "--json").output) == {"jobs": []}

    # Replaying again changes nothing.
    again = jobs_cli("replay", "--all", "--json")
    assert json.loads(again.output) == {"replayed": [], "skipped": []}
    gone = jobs_cli("replay", job_id)
    assert gone.exit_code == 1
    assert f"no failed job with id {job_id}" in gone.output
    assert process_checkins([broken, fine]) == {}
    _run_jobs(job_context)
    assert _counts(database) == {"classifications": 2, "tips": 2, "escalations": 1}
    assert _state(database, broken)["status"] == "tip_ready"


def test_when_no_reading_can_be_stored_the_coach_is_alerted_anyway(
    database: Database, redis: Any, knowledge_base: Path, job_context: Any, fault: Fault,
    jobs_cli: Any,
) -> None:  # fmt: skip
    [broken] = _checkins(database, "jon", [EVERYDAY])
    fault.break_writes("classifications", broken, even_fail_closed=True)
    _enqueue(redis, [broken])
    _run_jobs(job_context)

    assert fault.rejections() == 5  # four runs, then the fail-closed reading itself
    assert _state(database, broken) == {
        "status": "failed", "risk": None, "backend": None, "tip": None,
        "escalations": [("elevated", "fail-closed")],
    }  # fmt: skip

    fault.fix()
    assert jobs_cli("replay", "--all").exit_code == 0
    _run_jobs(job_context)
    # Now read by the model; the coach alert raised while it could not be read stays (one).
    after = _state(database, broken)
    assert after["status"] == "tip_ready"
    assert after["backend"] != "fail-closed" and after["tip"] is not None
    assert after["escalations"] == [("elevated", "fail-closed")]


def test_an_urgent_checkin_whose_answer_cannot_be_stored_keeps_its_coach_alert(
    database: Database, redis: Any, knowledge_base: Path, job_context: Any, fault: Fault,
    jobs_cli: Any,
) -> None:  # fmt: skip
    [urgent] = _checkins(database, "kai", [URGENT])
    fault.break_writes("tips", urgent)
    job_id = _enqueue(redis, [urgent])
    _run_jobs(job_context)

    assert fault.rejections() == 4
    # Classified and escalated on the first run; only the safety response is missing.
    state = _state(database, urgent)
    assert state["status"] == "failed"
    assert state["risk"] == "urgent" and state["tip"] is None
    assert [severity for severity, _ in state["escalations"]] == ["urgent"]

    fault.fix()
    replayed = jobs_cli("replay", job_id)
    assert replayed.exit_code == 0, replayed.output
    assert replayed.output.strip() == f"replayed {job_id}"
    _run_jobs(job_context)
    state = _state(database, urgent)
    assert (state["status"], state["tip"]) == ("tip_ready", "safety")
    assert len(state["escalations"]) == 1


def test_a_failure_with_retries_left_marks_nothing_failed(
    database: Database, redis: Any, knowledge_base: Path, job_context: Any, fault: Fault,
    jobs_cli: Any,
) -> None:  # fmt: skip
    [broken] = _checkins(database, "lea", [EVERYDAY])
    fault.break_writes("classifications", broken)
    # The retry waits a minute (for the RQ scheduler); this drain runs the first attempt only.
    _enqueue(redis, [broken], retry=Retry(max=1, interval=60))
    _run_jobs(job_context)

    assert fault.rejections() == 1
    assert _state(database, broken) == {
        "status": "received", "risk": None, "backend": None, "tip": None, "escalations": []
    }  # fmt: skip
    assert json.loads(jobs_cli("failed", "--json").output) == {"jobs": []}


def test_replay_refuses_unknown_ids_and_needs_ids_or_all(jobs_cli: Any, redis: Any) -> None:
    assert jobs_cli("failed").output.strip() == "no failed jobs"
    unknown = jobs_cli("replay", "checkins-1-nope")
    assert unknown.exit_code == 1
    assert "no failed job with id checkins-1-nope" in unknown.output
    assert "nothing replayed" in unknown.output
    assert jobs_cli("replay").exit_code == 2
    assert jobs_cli("replay", "x", "--all").exit_code == 2
