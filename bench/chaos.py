"""Chaos: a steady stream of check-ins while the stack is broken in four ways, then the count.

Run: `.venv/bin/python bench/chaos.py [--n 500] [--rate 8]`. Starts an embedded PostgreSQL +
Redis in a temp dir, migrates, ingests knowledge/strategies, creates couples, and runs the
real processes — the API (`attune serve`), one pipeline worker (`attune worker`) and the
scheduler (`attune scheduler`) — under a small supervisor that restarts whichever exits, as a
process manager (systemd, Docker's restart policy) would. A client thread posts N check-ins
at a steady rate (everyday ones and ones at risk, in English, German, French and Spanish),
each with its own `Idempotency-Key`, retrying on errors as a real client does. While it
does, in turn:

1. the worker is killed with SIGKILL while it runs a job;
2. Redis is killed with SIGKILL, then started again on the same data (AOF);
3. the API is restarted (SIGTERM, start again);
4. every Postgres connection is terminated (`pg_terminate_backend`).

Afterwards it waits for the pipeline to finish and counts, per submission: accepted (202),
processed (tip ready), lost (accepted, never processed), duplicated check-ins/tips/escalations
(more than one for one submission), every check-in read as elevated or urgent has exactly
one escalation; and `max_recovery_s`, the longest time from a fault until the service worked
again: the API had accepted a check-in and the pipeline had written a tip, both after the
fault (the backlog a fault leaves behind is worked off afterwards; the run waits for it). The last line printed is one JSON object
`{"accepted", "processed", "lost", "duplicated_tips", "duplicated_escalations",
"max_recovery_s"}` (more fields before it); the exit code is non-zero unless lost = 0,
duplicated = 0 and every at-risk check-in has exactly one escalation.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import queue
import re
import signal
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("HF_HUB_OFFLINE", "1")

import httpx  # noqa: E402
from cryptography.fernet import Fernet  # noqa: E402
from sqlalchemy import text  # noqa: E402

from service.lib.db import Database  # noqa: E402

TEXTS = (
    "He was on his phone through the whole dinner again and I felt invisible.",
    "We cooked together tonight and laughed about our first date.",
    "We only talk about bills and the kids lately, it feels like we're roommates.",
    "I'm so tired I snap at her for nothing, and then I feel awful about it.",
    "He's outside the door screaming that he'll kill me tonight, I'm hiding in the bathroom",
    "She checks my phone every night and I'm not allowed to see my friends anymore.",
    "Wir haben endlich über das Geld geredet und es lief besser als gedacht.",
    "Il m'a frappée hier soir et j'ai peur de rentrer à la maison.",
    "Después de la discusión nos abrazamos y pedimos perdón.",
    "I don't see the point of anything anymore, everyone would be better off without me.",
    "We took a walk after work and held hands for the first time in weeks.",
    "He threw a glass at the wall when I said I wanted to visit my sister, I'm scared.",
)
FAULTS = ("worker_kill", "redis_restart", "api_restart", "pg_terminate")


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


# --- the processes --------------------------------------------------------------------------


@dataclass
class Supervisor:
    """The API, the worker and the scheduler; restarts whichever exits (a process manager)."""

    env: dict[str, str]
    logs: Path
    port: int
    procs: dict[str, subprocess.Popen[bytes]] = field(default_factory=dict)
    restarts: dict[str, int] = field(default_factory=dict)
    paused: set[str] = field(default_factory=set)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def command(self, name: str) -> list[str]:
        if name == "api":
            return ["serve", "--port", str(self.port), "--workers", "1"]
        return [name]

    def start(self, name: str) -> None:
        out = (self.logs / f"{name}.log").open("ab")
        self.procs[name] = subprocess.Popen(
            [sys.executable, "-m", "service.cli.main", *self.command(name)],
            env=self.env, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT,
            preexec_fn=_die_with_parent,
        )  # fmt: skip

    def watch(self) -> None:
        """Restart what died (not what a fault is holding down)."""
        with self.lock:
            for name, proc in list(self.procs.items()):
                if proc.poll() is not None and name not in self.paused:
                    self.restarts[name] = self.restarts.get(name, 0) + 1
                    log(f"  supervisor: {name} exited ({proc.returncode}); restarting")
                    self.start(name)

    def stop_all(self) -> None:
        from service.cli.up import stop_processes

        stop_processes(list(self.procs.values()), grace=20)


def _die_with_parent() -> None:
    """Linux: the child gets SIGTERM when this process dies, however it dies."""
    import ctypes

    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


def wait_ready(port: int, timeout: float = 180) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/v1/readyz", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.3)
    raise RuntimeError("the API did not become ready")


def wait_worker(redis_url: str, timeout: float = 300) -> None:
    from rq import Worker

    from service.lib.queue import connect_redis

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with contextlib.suppress(Exception):  # Redis may be restarting
            if Worker.count(connection=connect_redis(redis_url)) >= 1:
                return
        time.sleep(0.3)
    raise RuntimeError("no worker registered in time")


# --- the client -------------------------------------------------------------------------------


@dataclass
class Submission:
    n: int
    token: str
    text: str
    accepted_id: str | None = None
    accepted_at: float | None = None
    accepted_wall: float | None = None
    attempts: int = 0
    answers: dict[str, int] = field(default_factory=dict)  # status code (or error) -> count


def send(base: str, sub: Submission, deadline_s: float = 900) -> None:
    """POST until answered 202, with the same Idempotency-Key every time (a careful client)."""
    body = {"text": sub.text, "mood": 1 + sub.n % 5, "connection": 1 + (sub.n * 3) % 5}
    headers = {"Authorization": f"Bearer {sub.token}", "Idempotency-Key": f"chaos-{sub.n}"}
    until = time.monotonic() + deadline_s
    while time.monotonic() < until:
        sub.attempts += 1
        try:
            answer = httpx.post(f"{base}/v1/checkins", json=body, headers=headers, timeout=10)
            key = str(answer.status_code)
            sub.answers[key] = sub.answers.get(key, 0) + 1
            if answer.status_code == 202:
                sub.accepted_id = answer.json()["id"]
                sub.accepted_at = time.monotonic()
                sub.accepted_wall = time.time()
                return
        except httpx.HTTPError as exc:
            key = type(exc).__name__
            sub.answers[key] = sub.answers.get(key, 0) + 1
        time.sleep(0.2)


# --- faults -------------------------------------------------------------------------------


def worker_kill(sup: Supervisor, redis_url: str, tmp: Path, services: Any) -> None:
    """SIGKILL the worker while a job runs (waits up to 15 s for one to start)."""
    from rq import Queue
    from rq.registry import StartedJobRegistry

    from service.lib.queue import QUEUE_NAMES, connect_redis

    redis = connect_redis(redis_url)
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        busy = sum(len(StartedJobRegistry(queue=Queue(q, connection=redis))) for q in QUEUE_NAMES)
        if busy:
            break
        time.sleep(0.02)
    with sup.lock:
        sup.procs["worker"].send_signal(signal.SIGKILL)
        sup.procs["worker"].wait(10)
    log(f"  fault: worker killed with SIGKILL{' mid-job' if busy else ' (no job running)'}")


def redis_restart(sup: Supervisor, redis_url: str, tmp: Path, services: Any) -> None:
    from service.lib.embedded import EmbeddedRedis
    from service.lib.queue import connect_redis

    pid = int(connect_redis(redis_url).info()["process_id"])
    os.kill(pid, signal.SIGKILL)
    while _alive(pid):
        time.sleep(0.05)
    log("  fault: redis-server killed with SIGKILL")
    time.sleep(1.0)
    services.redis = EmbeddedRedis(tmp.resolve() / "redis")  # stopped with the rest at the end
    services.redis.start()
    log("  redis-server started again on the same data")


def api_restart(sup: Supervisor, redis_url: str, tmp: Path, services: Any) -> None:
    with sup.lock:
        sup.paused.add("api")
        proc = sup.procs["api"]
        proc.send_signal(signal.SIGTERM)
        proc.wait(30)
        log("  fault: API stopped (SIGTERM); starting it again")
        sup.start("api")
        sup.paused.discard("api")


def pg_terminate(db: Database) -> None:
    with db.engine.connect() as conn:
        killed = conn.execute(
            text(
                "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity"
                " WHERE pid <> pg_backend_pid() AND datname = current_database()"
            )
        ).scalar_one()
    log(f"  fault: {killed} Postgres connections terminated")


def _alive(pid: int) -> bool:
    # The embedded redis-server is this process's child: reap it, or it lives on as a zombie.
    with contextlib.suppress(ChildProcessError):
        if os.waitpid(pid, os.WNOHANG)[0] == pid:
            return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


# --- the count ------------------------------------------------------------------------------


def count(db: Database, subs: list[Submission]) -> dict[str, Any]:
    ref = re.compile(r"\(ref (\d+)\)$")
    with db.engine.connect() as conn:
        rows = conn.execute(
            text(
                "SELECT c.id, c.text, c.status, c.created_at,"
                " (SELECT count(*) FROM tips t WHERE t.checkin_id = c.id) AS tips,"
                " (SELECT count(*) FROM escalations e WHERE e.checkin_id = c.id) AS escalations,"
                " cl.risk_level"
                " FROM checkins c LEFT JOIN classifications cl ON cl.checkin_id = c.id"
            )
        ).all()
    from service.lib.crypto import current_cipher

    by_n: dict[int, list[Any]] = {}
    for row in rows:
        words = current_cipher().decrypt(bytes(row.text))
        match = ref.search(words)
        if match:
            by_n.setdefault(int(match.group(1)), []).append(row)
    accepted = [s for s in subs if s.accepted_id]
    processed = sum(1 for s in accepted if any(r.tips for r in by_n.get(s.n, [])))
    lost = [s.n for s in accepted if not any(r.tips for r in by_n.get(s.n, []))]
    dup_checkins = sum(1 for s in accepted if len(by_n.get(s.n, [])) > 1)
    dup_tips = sum(1 for s in accepted if sum(r.tips for r in by_n.get(s.n, [])) > 1)
    dup_escalations = sum(1 for s in accepted if sum(r.escalations for r in by_n.get(s.n, [])) > 1)
    at_risk = [r for rs in by_n.values() for r in rs if r.risk_level in ("elevated", "urgent")]
    missing_escalation = sum(1 for r in at_risk if r.escalations != 1)
    return {
        "submitted": len(subs),
        "accepted": len(accepted),
        "processed": processed,
        "lost": len(lost),
        "lost_refs": lost[:20],
        "duplicated_checkins": dup_checkins,
        "duplicated_tips": dup_tips,
        "duplicated_escalations": dup_escalations,
        "at_risk": len(at_risk),
        "at_risk_without_exactly_one_escalation": missing_escalation,
        "client_retries": sum(s.attempts - 1 for s in subs),
        "client_answers": {
            k: sum(s.answers.get(k, 0) for s in subs)
            for k in sorted({k for s in subs for k in s.answers})
        },
    }


def recovered_at(db: Database, subs: list[Submission], after_wall: float) -> float | None:
    """When the service worked again after a fault at ``after_wall``: the API had accepted a
    check-in *and* the pipeline had written a tip, both after the fault (wall-clock seconds).
    A backlog left by the fault does not count against recovery: any tip counts."""
    accepted = [s.accepted_wall for s in subs if s.accepted_wall and s.accepted_wall >= after_wall]
    with db.engine.connect() as conn:
        tip = conn.execute(
            text("SELECT extract(epoch FROM min(created_at)) FROM tips"
                 " WHERE created_at >= to_timestamp(:after)"),
            {"after": after_wall},
        ).scalar()  # fmt: skip
    if not accepted or tip is None:
        return None
    return max(min(accepted), float(tip))


# --- the run ---------------------------------------------------------------------------------


def run(n: int, rate: float, tmp: Path) -> dict[str, Any]:
    from service.accounts.service import Accounts
    from service.couples.service import Couples
    from service.lib.crypto import configure_cipher
    from service.lib.embedded import EmbeddedServices
    from service.persistence import migrate

    key = Fernet.generate_key().decode()
    configure_cipher(key)
    services = EmbeddedServices(tmp)
    db_url, redis_url = services.start(database_url=None, redis_url=None)
    migrate.upgrade(db_url)
    db = Database.connect(db_url)
    port = _free_port()
    env = {
        **os.environ,
        "DATABASE_URL": db_url, "REDIS_URL": redis_url, "ENCRYPTION_KEY": key,
        "DATA_DIR": str(tmp), "ENVIRONMENT": "test", "LOG_LEVEL": "warning",
        "WORKER_PROCESSES": "1", "API_WORKERS": "1", "HF_HUB_OFFLINE": "1",
        # Recovery from a lost job is the sweeper's: make its deadline fit a short run.
        "STUCK_AFTER_SECONDS": "15", "JOB_TIMEOUT_SECONDS": "60",
        # Rate limits on, so that their Redis round trip lives through the Redis kill (they
        # fail open), but out of reach of the --rate this sends at from 127.0.0.1.
        "RATE_LIMIT_ENABLED": "true", "RATE_LIMIT_WRITES_PER_MINUTE": "100000",
        "RATE_LIMIT_WRITES_PER_IP_PER_MINUTE": "100000",
    }  # fmt: skip
    sup = Supervisor(env, tmp, port)
    try:
        log("ingesting the knowledge base")
        subprocess.run([sys.executable, "-m", "service.cli.main", "kb", "ingest"], env=env,
                       cwd=ROOT, check=True, stdout=subprocess.DEVNULL)  # fmt: skip
        tokens = []
        with db.unit_of_work() as session:
            for c in range(max(2, n // 25)):
                a = Accounts(session).create(f"chaos-a{c}")
                b = Accounts(session).create(f"chaos-b{c}")
                view = Couples(session).create(a.user)
                Couples(session).join(b.user, str(view.invite_code))
                tokens += [a.token, b.token]
        log("starting the API, a worker and the scheduler")
        for name in ("api", "worker", "scheduler"):
            sup.start(name)
        wait_ready(port)
        wait_worker(redis_url)
        base = f"http://127.0.0.1:{port}"
        subs = [
            Submission(i, tokens[i % len(tokens)], f"{TEXTS[i % len(TEXTS)]} (ref {i})")
            for i in range(n)
        ]
        fault_at = {int(n * f): name for f, name in zip((0.15, 0.35, 0.55, 0.75), FAULTS,
                                                        strict=True)}  # fmt: skip
        recoveries: list[tuple[str, float]] = []
        faults: queue.Queue[str | None] = queue.Queue()
        stop_watch = threading.Event()
        injectors = {"worker_kill": worker_kill, "redis_restart": redis_restart,
                     "api_restart": api_restart}  # fmt: skip

        # Children die with the *thread* that started them (PR_SET_PDEATHSIG, here and in the
        # embedded servers), so every start happens on one of two threads that live to the end.
        def watchdog() -> None:
            while not stop_watch.wait(0.5):
                sup.watch()

        def injector() -> None:
            while (name := faults.get()) is not None:
                t0 = time.time()
                try:
                    if name == "pg_terminate":
                        pg_terminate(db)
                    else:
                        injectors[name](sup, redis_url, tmp, services)
                    recoveries.append((name, t0))
                except Exception as exc:  # a fault that could not be injected fails the run
                    log(f"  fault {name} could not be injected: {exc!r}")
                finally:
                    faults.task_done()
            faults.task_done()
            stop_watch.wait()  # what this thread started must outlive the run

        threading.Thread(target=watchdog, daemon=True).start()
        fault_thread = threading.Thread(target=injector, daemon=True)
        fault_thread.start()
        log(f"sending {n} check-ins at {rate:g}/s")
        started = time.monotonic()
        senders: list[threading.Thread] = []
        for i, sub in enumerate(subs):
            if i in fault_at:
                faults.put(fault_at[i])
            thread = threading.Thread(target=send, args=(base, sub), daemon=True)
            thread.start()
            senders.append(thread)
            time.sleep(max(0.0, started + (i + 1) / rate - time.monotonic()))
        faults.put(None)
        faults.join()
        for thread in senders:
            thread.join(900)
        log(f"sent; {sum(1 for s in subs if s.accepted_id)}/{n} accepted; waiting for the pipeline")
        deadline = time.monotonic() + 240
        while time.monotonic() < deadline:
            summary = count(db, subs)
            if summary["lost"] == 0:
                break
            time.sleep(1.0)
        stop_watch.set()
        summary = count(db, subs)
        worst = 0.0
        for name, t0 in recoveries:
            first = recovered_at(db, subs, t0)
            took = (first - t0) if first is not None else float("inf")
            log(f"  recovery after {name}: {took:.1f} s")
            worst = max(worst, took)
        summary["faults"] = [name for name, _ in recoveries]
        summary["restarts"] = dict(sup.restarts)
        summary["max_recovery_s"] = round(worst, 1) if worst != float("inf") else None
        return summary
    finally:
        sup.stop_all()
        db.dispose()
        services.stop()
        keep = Path(tempfile.gettempdir()) / "attune-chaos-logs"
        keep.mkdir(exist_ok=True)
        for path in tmp.glob("*.log"):
            (keep / path.name).write_bytes(path.read_bytes())


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--n", type=int, default=500, help="check-ins to send")
    parser.add_argument("--rate", type=float, default=8.0, help="check-ins per second")
    args = parser.parse_args()
    if args.n < 20:
        parser.error("--n must be at least 20 (four faults need room)")
    # SIGTERM (a timeout, a CI cancel) unwinds like Ctrl-C, so the servers are stopped.
    signal.signal(signal.SIGTERM, lambda *_: (_ for _ in ()).throw(KeyboardInterrupt()))
    with tempfile.TemporaryDirectory(prefix="attune-chaos-") as tmp:
        summary = run(args.n, args.rate, Path(tmp))
    ok = (
        summary["lost"] == 0
        and summary["duplicated_checkins"] == 0
        and summary["duplicated_tips"] == 0
        and summary["duplicated_escalations"] == 0
        and summary["at_risk_without_exactly_one_escalation"] == 0
        and len(summary["faults"]) == len(FAULTS)
    )
    log(json.dumps(summary))
    log("PASS" if ok else "FAIL")
    last = ("accepted", "processed", "lost", "duplicated_tips", "duplicated_escalations",
            "max_recovery_s")  # fmt: skip
    print(json.dumps({k: summary[k] for k in last}))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
