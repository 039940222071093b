"""Small runs of the benchmarks, so that they keep working (the real runs: `make bench`)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import REPO

pytestmark = [pytest.mark.integration, pytest.mark.slow]


def _run(*args: str) -> str:
    proc = subprocess.run(
        [sys.executable, *args], cwd=REPO, capture_output=True, text=True, timeout=600, check=False
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    return proc.stdout


def test_hnsw_scale_smoke(tmp_path: Path) -> None:
    out = tmp_path / "hnsw.json"
    _run("bench/hnsw_scale.py", "--n", "3000", "--queries", "20", "--clusters", "30",
         "--ef-search", "40,100", "--repeat", "1", "--maintenance-work-mem", "256MB",
         "--out", str(out))  # fmt: skip
    result = json.loads(out.read_text())
    recalls = [v["recall_at_10"] for v in result["hnsw_by_ef_search"].values()]
    assert all(0.0 <= r <= 1.0 for r in recalls)
    assert max(recalls) >= 0.9  # a tiny index is near-exact


def test_classify_throughput_smoke(tmp_path: Path) -> None:
    out = tmp_path / "classify.json"
    stdout = _run("bench/classify_throughput.py", "--n", "40", "--repeat", "1", "--batch", "16",
                  "--out", str(out))  # fmt: skip
    assert "classification / embedding cost" in stdout
    assert json.loads(out.read_text())["cost_ratio_vs_embedding"]["single"] > 0


def test_llm_overhead_smoke(tmp_path: Path) -> None:
    out = tmp_path / "overhead.json"
    stdout = _run("bench/llm_overhead.py", "--n", "20", "--warmup", "3", "--out", str(out))
    assert "overhead tip" in stdout
    result = json.loads(out.read_text())
    assert set(result["overhead_vs_bare_client"]) == {"tip", "chat_stream"}
    assert result["timings"]["tip"]["samples"] == 20
