"""bench/chaos.py at reduced size: the four faults, nothing lost, nothing doubled."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = [pytest.mark.integration, pytest.mark.slow]

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.timeout(1500)
def test_a_small_chaos_run_loses_and_doubles_nothing() -> None:
    run = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "chaos.py"), "--n", "24", "--rate", "6"],
        cwd=ROOT,
        env={**os.environ, "HF_HUB_OFFLINE": "1"},
        capture_output=True,
        text=True,
        timeout=1200,
    )
    lines = run.stdout.strip().splitlines()
    assert lines, run.stderr[-2000:]
    result = json.loads(lines[-1])
    assert set(result) == {"accepted", "processed", "lost", "duplicated_tips",
                           "duplicated_escalations", "max_recovery_s"}  # fmt: skip
    assert run.returncode == 0, run.stdout[-3000:]
    assert result["accepted"] == 24 and result["processed"] == 24
    assert result["lost"] == 0
    assert result["duplicated_tips"] == 0 and result["duplicated_escalations"] == 0
    assert "worker killed with SIGKILL" in run.stdout and "redis-server killed" in run.stdout
    assert "API stopped" in run.stdout and "Postgres connections terminated" in run.stdout
