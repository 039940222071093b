"""Integration fixtures: database, Redis, the ingested knowledge base, an API client, workers."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from litestar.testing import TestClient
from redis import Redis
from sqlalchemy import text

from service.lib.db import Database
from service.lib.queue import connect_redis
from service.settings import Settings
from tests.conftest import KNOWLEDGE

pytestmark = pytest.mark.integration

# Rate limits (on by default) would throttle this suite: hundreds of writes and deliberate 401s
# from one client address. tests/integration/test_rate_limits.py builds apps with its own
# limits; `attune` processes that tests start inherit this.
os.environ.setdefault("RATE_LIMIT_ENABLED", "false")

_TRANSIENT_TABLES = (
    "audit_log, escalation_notes, weekly_rollups, dashboard_sessions,"
    " webhook_attempts, webhook_deliveries, webhook_subscriptions, webhook_receipts,"
    " integration_users, integrations, idempotency_keys,"
    " safety_questions, generations, escalations, messages, conversations, coach_assignments, tips,"
    " classifications, outbox_events, checkins, users, couples"
)


@pytest.fixture(scope="session")
def database(backing_services: tuple[str, str], cipher_key: str) -> Iterator[Database]:
    db = Database.connect(backing_services[0])
    yield db
    db.dispose()


@pytest.fixture(scope="session")
def redis(backing_services: tuple[str, str]) -> Iterator[Redis]:
    client = connect_redis(backing_services[1])
    yield client
    client.close()


@pytest.fixture(scope="session")
def knowledge_base(database: Database, embedder: Any) -> Path:
    """The real cards of knowledge/, ingested once for the session."""
    from service.knowledge.ingest import ingest

    with database.unit_of_work() as session:
        ingest(session, KNOWLEDGE / "strategies", embedder)
    return KNOWLEDGE


@pytest.fixture(autouse=True)
def _isolated(request: pytest.FixtureRequest) -> Iterator[None]:
    """Each integration test starts with no users, check-ins or queued jobs."""
    yield
    if "database" in request.fixturenames:
        db: Database = request.getfixturevalue("database")
        with db.unit_of_work() as session:
            session.execute(text(f"TRUNCATE {_TRANSIENT_TABLES} CASCADE"))
    if "redis" in request.fixturenames:
        request.getfixturevalue("redis").flushdb()


@pytest.fixture
def settings(backing_services: tuple[str, str], cipher_key: str, tmp_path: Path) -> Settings:
    return Settings(
        environment="test",
        database_url=backing_services[0],
        redis_url=backing_services[1],
        encryption_key=cipher_key,  # type: ignore[arg-type]
        data_dir=tmp_path,
        knowledge_dir=KNOWLEDGE,
    )


@pytest.fixture
def cli_env(settings: Settings, cipher_key: str, tmp_path: Path) -> dict[str, str]:
    """The environment an in-process `attune` command needs to use the test services."""
    return {
        "DATABASE_URL": str(settings.database_url),
        "REDIS_URL": str(settings.redis_url),
        "ENCRYPTION_KEY": cipher_key,
        "ENVIRONMENT": "test",
        "DATA_DIR": str(tmp_path),
    }


@pytest.fixture
def client(database: Database, redis: Redis) -> Iterator[TestClient[Any]]:
    from service.api.app import create_app

    with TestClient(app=create_app(database, redis)) as test_client:
        yield test_client


@pytest.fixture
def job_context(settings: Settings, database: Database, redis: Redis, embedder: Any) -> Any:
    """Jobs in this process use the test database, Redis and the loaded embedder."""
    from workers.context import JobContext, install

    return install(JobContext(settings=settings, db=database, redis=redis, _embedder=embedder))


def make_user(database: Database, name: str, role: str = "partner", locale: str = "en-US") -> str:
    from service.accounts.service import Accounts

    with database.unit_of_work() as session:
        return Accounts(session).create(name, role=role, locale=locale).token


def auth(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def drain(job_context: Any) -> None:
    """Relay the outbox and run every queued job to completion with a real RQ worker."""
    from workers.runtime import drain as run_queued_jobs
    from workers.runtime import relay_once

    relay_once(job_context)
    run_queued_jobs(job_context)
