"""Request metrics are labelled by route template; several processes add up on one scrape."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from litestar import Litestar, get
from litestar.params import FromPath
from litestar.testing import TestClient
from prometheus_client import REGISTRY
from prometheus_client.parser import text_string_to_metric_families

from service.api.app import request_metrics_middleware
from service.lib import metrics

REPO = Path(__file__).resolve().parents[2]


@get("/things/{thing_id:uuid}")
async def thing(thing_id: FromPath[uuid.UUID]) -> dict[str, str]:
    return {"id": str(thing_id)}


@get("/broken")
async def broken() -> None:
    raise RuntimeError("boom")


def _requests(route: str, status: str) -> float:
    labels = {"method": "GET", "route": route, "status": status}
    return REGISTRY.get_sample_value("attune_http_requests_total", labels) or 0.0


def test_requests_are_counted_by_route_template_and_the_status_the_client_got() -> None:
    app = Litestar([thing, broken], middleware=[request_metrics_middleware])
    ok_before = _requests("/things/{thing_id}", "200")
    failed_before = _requests("/broken", "500")
    with TestClient(app) as client:
        for _ in range(2):
            assert client.get(f"/things/{uuid.uuid4()}").status_code == 200
        assert client.get("/broken").status_code == 500
        assert client.get("/nowhere").status_code == 404  # no route: no label to give it
    assert _requests("/things/{thing_id}", "200") - ok_before == 2
    assert _requests("/broken", "500") - failed_before == 1
    routes = {
        s.labels["route"]
        for family in REGISTRY.collect()
        if family.name == "attune_http_requests"
        for s in family.samples
    }
    assert not any("-" in route for route in routes if route.startswith("/things"))


_COUNT_ONCE = """
import os, sys
from datetime import UTC, datetime
from pathlib import Path
from service.lib import metrics
if sys.argv[1] == "switch":  # imported before the directory was known, as in `attune up`
    metrics.use_multiprocess_dir(Path(os.environ.pop("METRICS_DIR")))
metrics.checkin_classified("none")
metrics.tip_ready("none", datetime.now(UTC))
"""


def _count_once(how: str, directory: Path) -> None:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    env.pop(metrics.MULTIPROC_ENV, None)
    env["METRICS_DIR" if how == "switch" else metrics.MULTIPROC_ENV] = str(directory)
    subprocess.run([sys.executable, "-c", _COUNT_ONCE, how], env=env, check=True, cwd=REPO)


def test_processes_counting_into_one_directory_add_up_on_a_scrape(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    directory = tmp_path / "metrics"
    directory.mkdir()
    (directory / "counter_999999.db").write_bytes(b"stale")
    (directory / "README").write_text("not ours")
    _count_once("switch", directory)  # empties the directory of old samples first
    _count_once("environment", directory)
    assert (directory / "README").exists()
    assert not (directory / "counter_999999.db").exists()

    monkeypatch.setenv(metrics.MULTIPROC_ENV, str(directory))
    text = metrics.exposition().decode()
    samples = {
        (s.name, tuple(sorted(s.labels.items()))): s.value
        for family in text_string_to_metric_families(text)
        for s in family.samples
    }
    assert samples[("attune_checkins_classified_total", (("risk_level", "none"),))] == 2
    assert samples[("attune_checkin_end_to_end_seconds_count", (("risk_level", "none"),))] == 2
