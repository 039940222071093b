"""The pipeline benchmark's verdict and plot from given numbers (the run itself: `--quick`)."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

from tests.conftest import REPO


def _bench() -> ModuleType:
    spec = importlib.util.spec_from_file_location("bench_pipeline", REPO / "bench" / "pipeline.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("bench_pipeline", module)
    spec.loader.exec_module(module)
    return module


def _result(per_worker_one: float) -> dict[str, Any]:
    return {
        "machine": {"cpus": 2, "cpu_model": "test"},
        "floor": {"single_per_second": 10.0, "batched_per_second": 30.0},
        "pipeline": [
            {"workers": 1, "checkins_per_second": per_worker_one, "per_worker": per_worker_one},
            {"workers": 2, "checkins_per_second": 24.0, "per_worker": 12.0},
        ],
        "end_to_end": {"rate_per_second": 11.0, "duration_seconds": 30, "checkins": 330,
                       "p50_ms": 300.0, "p95_ms": 500.0, "p99_ms": 700.0,
                       "latencies_ms": [300.0, 500.0, 700.0]},
    }  # fmt: skip


def test_the_verdict_is_the_cost_ratio_against_batched_embedding(tmp_path: Path) -> None:
    bench = _bench()
    passing = _result(22.0)  # 30 / 22 = 1.36x the embedding's cost
    table = bench.judge(passing)
    assert passing["ratios"]["pipeline_cost_vs_embedding_batched"] == 1.364
    assert "PASS" in table and "p99 700 ms" in table
    failing = _result(15.0)  # 2x
    assert "FAIL" in bench.judge(failing)
    assert not failing["acceptance"]["pipeline_per_worker_at_least_1_over_1.5_of_embedding_batched"]
    bench.plot(passing, tmp_path / "pipeline.png")
    assert (tmp_path / "pipeline.png").stat().st_size > 10_000
