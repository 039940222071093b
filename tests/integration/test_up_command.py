"""`attune up` as a user runs it: one command, a tip within seconds, a clean Ctrl-C, data kept."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

pytestmark = [pytest.mark.integration, pytest.mark.slow]

ATTUNE = [sys.executable, "-m", "service.cli.main"]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
    env["HF_HUB_OFFLINE"] = "1"
    return env


def _start(data_dir: Path, port: int, log: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [*ATTUNE, "up", "--data-dir", str(data_dir), "--port", str(port)],
        stdout=log.open("ab"),
        stderr=subprocess.STDOUT,
        env=_env(),
        start_new_session=True,  # its own process group, like a terminal job
    )


def _wait_healthy(base: str, proc: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 240
    while time.monotonic() < deadline:
        assert proc.poll() is None, log.read_text()[-3000:]
        with contextlib.suppress(httpx.HTTPError):  # not listening yet
            if httpx.get(f"{base}/v1/healthz", timeout=1).status_code == 200:
                return
        time.sleep(0.5)
    raise AssertionError("attune up never became healthy:\n" + log.read_text()[-3000:])


def _ctrl_c(proc: subprocess.Popen[bytes]) -> None:
    os.killpg(proc.pid, signal.SIGINT)  # what a terminal sends to the foreground job
    proc.wait(60)


def _alive(pid_file: Path) -> bool:
    try:
        pid = int(pid_file.read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def test_up_serves_tips_stops_cleanly_and_keeps_data(tmp_path: Path) -> None:
    data_dir, log = tmp_path / "data", tmp_path / "up.log"
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    proc = _start(data_dir, port, log)
    try:
        _wait_healthy(base, proc, log)
        token = subprocess.run(
            [*ATTUNE, "users", "create", "sam", "--quiet", "--data-dir", str(data_dir)],
            check=True, capture_output=True, text=True, env=_env(),
        ).stdout.strip()  # fmt: skip
        headers = {"Authorization": f"Bearer {token}"}
        posted = httpx.post(
            f"{base}/v1/checkins",
            json={"text": "We only talk about bills and the kids lately, feels like roommates."},
            headers=headers,
        )
        assert posted.status_code == 202
        checkin_id = posted.json()["id"]
        started = time.monotonic()
        while time.monotonic() - started < 10:
            view = httpx.get(f"{base}/v1/checkins/{checkin_id}", headers=headers).json()
            if view["status"] == "tip_ready":
                break
            time.sleep(0.2)
        assert view["status"] == "tip_ready", "no tip within 10 s"
        cards = {p.stem for p in Path("knowledge/strategies").glob("*.md")}
        assert view["tip"]["citations"] and set(view["tip"]["citations"]) <= cards
    finally:
        _ctrl_c(proc)

    assert proc.returncode == 0, log.read_text()[-3000:]
    assert not _alive(data_dir / "pgdata" / "postmaster.pid"), "postgres left running"
    assert not _alive(data_dir / "redis" / "redis.pid"), "redis left running"

    proc = _start(data_dir, port, log)
    try:
        _wait_healthy(base, proc, log)
        again = httpx.get(f"{base}/v1/checkins/{checkin_id}", headers=headers)
        assert again.status_code == 200
        assert again.json()["status"] == "tip_ready"
    finally:
        _ctrl_c(proc)
    assert not _alive(data_dir / "pgdata" / "postmaster.pid")
