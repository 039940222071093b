"""`attune up` ended the ways a user's tools end it: its parent killed (make, timeout, a process
manager), a SIGTERM passed on, kill -9. Nothing may outlive it for more than a few seconds,
the next `attune up` must start without help, and earlier check-ins must still be there."""

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
import psutil
import pytest

pytestmark = [pytest.mark.integration, pytest.mark.slow, pytest.mark.timeout(600)]

ATTUNE = [sys.executable, "-m", "service.cli.main"]
# A parent that neither handles SIGTERM nor passes it on: it dies and `up` is orphaned.
NAIVE_PARENT = "import subprocess, sys; subprocess.Popen(sys.argv[1:]).wait()"
# An owner's servers and children must be gone this soon after it is killed.
CRASH_CLEANUP_SECONDS = 10.0


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
    return {**env, "HF_HUB_OFFLINE": "1", "WORKER_PROCESSES": "1", "API_WORKERS": "1", **extra}


def _up_args(data_dir: Path, port: int) -> list[str]:
    return [*ATTUNE, "up", "--data-dir", str(data_dir), "--port", str(port)]


@pytest.fixture(scope="module")
def ingested(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A stopped data directory with the schema and the knowledge base in place. Each test
    starts from a copy, so that only one pays for embedding the cards."""
    template = tmp_path_factory.mktemp("template") / "data"
    subprocess.run(
        [*ATTUNE, "kb", "ingest", "--data-dir", str(template)],
        check=True, capture_output=True, env=_env(), timeout=500,
    )  # fmt: skip
    return template


def _data_dir(ingested: Path, tmp_path: Path) -> Path:
    # cp -a keeps pgdata's owner (the embedded server's own user when run as root).
    subprocess.run(["cp", "-a", str(ingested), str(tmp_path / "data")], check=True)
    return tmp_path / "data"


def _wait_healthy(port: int, up: psutil.Process, log: Path) -> None:
    deadline = time.monotonic() + 240
    while time.monotonic() < deadline:
        assert up.is_running() and up.status() != psutil.STATUS_ZOMBIE, log.read_text()[-3000:]
        with contextlib.suppress(httpx.HTTPError):  # not listening yet
            if httpx.get(f"http://127.0.0.1:{port}/v1/healthz", timeout=1).status_code == 200:
                return
        time.sleep(0.5)
    raise AssertionError("attune up never became healthy:\n" + log.read_text()[-3000:])


def _only_child(parent: psutil.Process) -> psutil.Process:
    deadline = time.monotonic() + 30
    while not (children := parent.children()):
        assert time.monotonic() < deadline, "the parent never started attune up"
        time.sleep(0.05)
    return children[0]


def _post_checkin(data_dir: Path, port: int) -> tuple[dict[str, str], str]:
    token = subprocess.run(
        [*ATTUNE, "users", "create", "sam", "--quiet", "--data-dir", str(data_dir)],
        check=True, capture_output=True, text=True, env=_env(),
    ).stdout.strip()  # fmt: skip
    headers = {"Authorization": f"Bearer {token}"}
    posted = httpx.post(
        f"http://127.0.0.1:{port}/v1/checkins",
        json={"text": "We argued about money again and went to bed without talking."},
        headers=headers,
    )
    assert posted.status_code == 202, posted.text
    return headers, str(posted.json()["id"])


def _assert_checkin_kept(port: int, headers: dict[str, str], checkin_id: str) -> None:
    again = httpx.get(f"http://127.0.0.1:{port}/v1/checkins/{checkin_id}", headers=headers)
    assert again.status_code == 200, again.text
    assert again.json()["id"] == checkin_id


def _owned(up: psutil.Process, data_dir: Path) -> list[psutil.Process]:
    """`up`, everything it started (workers, scheduler, redis, watchdog) and the postmaster
    with its backends (started through pg_ctl, so not `up`'s descendant)."""
    procs = [up, *up.children(recursive=True)]
    postmaster = psutil.Process(
        int((data_dir / "pgdata" / "postmaster.pid").read_text().split()[0])
    )
    return [*procs, postmaster, *postmaster.children(recursive=True)]


def _mentions(proc: psutil.Process, data_dir: Path) -> bool:
    with contextlib.suppress(psutil.Error):
        if any(str(data_dir) in arg for arg in proc.cmdline()):
            return True
        return proc.environ().get("DATA_DIR") == str(data_dir)
    return False


def _running(procs: list[psutil.Process], data_dir: Path) -> list[str]:
    """What still runs for ``data_dir``: the recorded processes and any other process naming
    it on its command line or in DATA_DIR."""
    candidates = {*procs, *(p for p in psutil.process_iter() if _mentions(p, data_dir))}
    left = []
    for proc in candidates:
        with contextlib.suppress(psutil.Error):  # gone while we looked: that is the point
            if proc.is_running() and proc.status() != psutil.STATUS_ZOMBIE:
                left.append(f"{proc.pid} {' '.join(proc.cmdline())[:120]}")
    return sorted(left)


def _wait_all_gone(procs: list[psutil.Process], data_dir: Path, within: float) -> float:
    started = time.monotonic()
    while left := _running(procs, data_dir):
        assert time.monotonic() - started < within, f"still running after {within} s: {left}"
        time.sleep(0.1)
    return time.monotonic() - started


def test_parent_killed_then_sigterm_through_make_then_up_again(
    ingested: Path, tmp_path: Path
) -> None:
    data_dir, log, port = _data_dir(ingested, tmp_path), tmp_path / "up.log", _free_port()

    # 1. The parent dies of SIGTERM and passes nothing on: `up` notices it is orphaned.
    parent = subprocess.Popen(
        [sys.executable, "-c", NAIVE_PARENT, *_up_args(data_dir, port)],
        stdout=log.open("ab"), stderr=subprocess.STDOUT, env=_env(), start_new_session=True,
    )  # fmt: skip
    try:
        up = _only_child(psutil.Process(parent.pid))
        _wait_healthy(port, up, log)
        headers, checkin_id = _post_checkin(data_dir, port)
        owned = _owned(up, data_dir)
    except BaseException:
        os.killpg(parent.pid, signal.SIGINT)
        raise
    parent.send_signal(signal.SIGTERM)
    assert parent.wait(10) == -signal.SIGTERM
    took = _wait_all_gone(owned, data_dir, within=20.0)
    print(f"orphaned attune up and its servers gone {took:.1f} s after its parent died")
    text = log.read_text()
    assert "the process that started attune up" in text, text[-2000:]
    assert text.rstrip().endswith("attune: stopped"), text[-2000:]
    assert "stopping what it left running" not in text  # `up` cleaned up, not its watchdog

    # 2. `make run` stopped the way the issue reports it: SIGTERM to make, which passes it on.
    makefile = tmp_path / "Makefile"
    makefile.write_text(f"run:\n\t{' '.join(_up_args(data_dir, port))}\n")
    before = len(log.read_text())
    make = subprocess.Popen(
        ["make", "-s", "-f", str(makefile), "run"],
        stdout=log.open("ab"), stderr=subprocess.STDOUT, env=_env(), start_new_session=True,
    )  # fmt: skip
    try:
        up = _only_child(psutil.Process(make.pid))
        _wait_healthy(port, up, log)
        _assert_checkin_kept(port, headers, checkin_id)
        owned = _owned(up, data_dir)
    finally:
        make.send_signal(signal.SIGTERM)
        make.wait(60)
    assert _running(owned, data_dir) == [], "make returned before attune up had stopped"
    text = log.read_text()[before:]
    assert "attune: stopped" in text, text[-2000:]
    assert "stopping what it left running" not in text


def test_kill_9_then_up_again_and_a_second_up_is_refused(ingested: Path, tmp_path: Path) -> None:
    data_dir, log, port = _data_dir(ingested, tmp_path), tmp_path / "up.log", _free_port()

    def start(**env: str) -> subprocess.Popen[bytes]:
        return subprocess.Popen(
            _up_args(data_dir, port), stdout=log.open("ab"), stderr=subprocess.STDOUT,
            env=_env(**env), start_new_session=True,
        )  # fmt: skip

    # Two API processes: uvicorn's, which `up` does not start itself, must not linger either.
    up = start(API_WORKERS="2")
    try:
        _wait_healthy(port, psutil.Process(up.pid), log)
        headers, checkin_id = _post_checkin(data_dir, port)

        # A second `up` on the same directory is refused at once, naming the first.
        started = time.monotonic()
        second = subprocess.run(
            [*ATTUNE, "up", "--data-dir", str(data_dir), "--port", str(_free_port())],
            capture_output=True, text=True, env=_env(), timeout=120,
        )  # fmt: skip
        assert second.returncode == 1, second.stdout + second.stderr
        assert f"pid {up.pid}" in second.stderr, second.stderr
        assert time.monotonic() - started < 30
        assert httpx.get(f"http://127.0.0.1:{port}/v1/healthz").status_code == 200

        owned = _owned(psutil.Process(up.pid), data_dir)
        assert len([p for p in owned if "multiprocessing" in " ".join(p.cmdline())]) >= 2
    except BaseException:
        os.killpg(up.pid, signal.SIGINT)
        raise
    up.kill()
    up.wait(5)
    took = _wait_all_gone(owned, data_dir, within=CRASH_CLEANUP_SECONDS)
    print(f"everything of the killed attune up gone {took:.1f} s after kill -9")

    up = start()
    try:
        _wait_healthy(port, psutil.Process(up.pid), log)
        _assert_checkin_kept(port, headers, checkin_id)
        owned = _owned(psutil.Process(up.pid), data_dir)
    finally:
        up.send_signal(signal.SIGTERM)  # as `timeout` or a process manager stops it
        up.wait(60)
    assert up.returncode == 0, log.read_text()[-3000:]
    assert _running(owned, data_dir) == []
