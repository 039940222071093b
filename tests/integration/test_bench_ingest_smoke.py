"""A small run of the ingestion benchmark's floor, so that the harness keeps working.

The full benchmark (`bench/ingest.py`, ~2.5 min) also starts Attune; here one second of wrk
against the floor app checks the server start/stop, the wrk script and its parsing, and that
every accepted request left one row.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path
from types import ModuleType

import psutil
import pytest
from sqlalchemy import text

from service.lib.db import Database
from tests.conftest import REPO
from tests.integration.conftest import make_user

pytestmark = [pytest.mark.integration, pytest.mark.slow]


@pytest.fixture(scope="module")
def ingest() -> ModuleType:
    if shutil.which("wrk") is None:
        pytest.skip("wrk is not installed (apt-get install wrk)")
    sys.path.append(str(REPO / "bench"))  # the benchmarks import each other by file name
    import ingest as module

    return module


def test_floor_accepts_check_ins_and_each_leaves_one_row(
    ingest: ModuleType, database: Database, backing_services: tuple[str, str], tmp_path: Path
) -> None:
    token = make_user(database, "bench partner")
    with database.unit_of_work() as session:
        user_id = session.execute(text("SELECT id FROM users")).scalar_one()
        backend = session.execute(text("SELECT pg_backend_pid()")).scalar_one()
    db_url, redis_url = backing_services
    env = ingest.Environment(
        data_dir=tmp_path, database_url=db_url, redis_url=redis_url, key="unused", token=token,
        user_id=str(user_id), attune_workers_option=False, attune_tree=REPO,
        postgres_pid=psutil.Process(backend).ppid(),
    )  # fmt: skip
    opts = ingest.Options(
        duration=1, warmup=0, connections=8, threads=1, server_workers=1, rounds=1
    )

    from ingest_report import row_check

    measured = ingest.measure("floor", 1, env, opts)

    assert measured.run.requests > 0
    assert measured.run.errors == 0
    assert row_check(measured, opts.connections, wrk_runs=1)["ok"]
    with database.unit_of_work() as session:
        stored = session.execute(text("SELECT text, status FROM checkins LIMIT 1")).one()
    assert bytes(stored.text).decode().startswith("We talked after dinner")
    assert stored.status == "received"
