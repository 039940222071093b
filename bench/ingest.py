"""Check-in ingestion: Attune's `POST /v1/checkins` against its floor, in the same run.

Run: `.venv/bin/python bench/ingest.py [--duration 20] [--rounds 2] [--connections 32]`.
Starts an embedded PostgreSQL 18 + Redis in /tmp/bench-ingest-*, migrates, creates one partner,
then load-tests two servers with wrk (`-t2 -c32`, one short check-in per request), one at a
time on a free port, alternating A B B A ... so that drift on a shared machine falls on both:

- floor: `bench/floor_app.py`, bare Litestar + asyncpg, one INSERT of the same row into the
  same `checkins` table (no auth, no validation, no encryption, no outbox event);
- attune: `attune serve` (authentication, validation, encrypted text, check-in + outbox event
  in one transaction). No worker runs, so check-ins pile up as `received`.

Reports requests/s, p50 and p99 of each, errors, Attune / floor as ratios, checks that every
accepted request left exactly one row (and, for Attune, one outbox event), and judges the
acceptance (>= 0.6 x floor req/s, p99 <= 50 ms, 0 errors). Writes bench/results/ingest.json
and docs/benchmarks/ingest.png.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("HF_HUB_OFFLINE", "1")

import psutil  # noqa: E402
import psycopg  # noqa: E402
from cryptography.fernet import Fernet  # noqa: E402
from ingest_report import Measurement, Target, WrkRun, build_summary, plot, print_report  # noqa: E402
from machine import machine_info  # noqa: E402 - bench/ is on sys.path

from service.lib.embedded import EmbeddedServices  # noqa: E402
from service.persistence.migrate import upgrade  # noqa: E402
from service.settings import default_api_processes  # noqa: E402

WRK = "wrk"
LUA = ROOT / "bench" / "wrk" / "checkin.lua"
STARTUP_TIMEOUT = 120.0


@dataclass(frozen=True)
class Options:
    duration: int
    warmup: int
    connections: int
    threads: int
    server_workers: int
    rounds: int


@dataclass
class Environment:
    """What both servers share: the database, Redis, the key and the partner's token."""

    data_dir: Path
    database_url: str
    redis_url: str
    key: str
    token: str
    user_id: str
    attune_workers_option: bool
    attune_tree: Path
    postgres_pid: int
    attune_extra_env: dict[str, str] = field(default_factory=dict)
    logs: dict[str, Path] = field(default_factory=dict)


def progress(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def libpq_url(url: str) -> str:
    """``postgresql+psycopg://`` -> ``postgresql://`` for psycopg and asyncpg."""
    scheme, sep, rest = url.partition("://")
    return f"{scheme.split('+', 1)[0]}{sep}{rest}"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def require_wrk() -> None:
    if shutil.which(WRK) is None:
        sys.exit("bench/ingest.py needs wrk on PATH: apt-get install wrk")


def wrk_version() -> str:
    out = subprocess.run([WRK, "-v"], capture_output=True, text=True, check=False).stdout
    return out.splitlines()[0] if out else "unknown"


def run_cli(*args: str, env: dict[str, str], tree: Path) -> str:
    proc = subprocess.run(
        [sys.executable, "-m", "service.cli.main", *args],
        cwd=tree,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    if proc.returncode != 0:
        raise RuntimeError(f"attune {' '.join(args)} failed:\n{proc.stderr[-2000:]}")
    return proc.stdout


def attune_env(
    database_url: str, redis_url: str, key: str, data_dir: Path, tree: Path
) -> dict[str, str]:
    return {
        **os.environ,
        "PYTHONPATH": str(tree),  # the checkout under test, ahead of the editable install
        "ENVIRONMENT": "production",
        "DATABASE_URL": database_url,
        "REDIS_URL": redis_url,
        "ENCRYPTION_KEY": key,
        "DATA_DIR": str(data_dir),
        "HF_HUB_OFFLINE": "1",
        # Thousands of writes a second from one token on 127.0.0.1: the rate limits would
        # answer 429; this measures the check-in path itself (docs/benchmarks/ingest.md).
        "RATE_LIMIT_ENABLED": "false",
    }


def prepare(data_dir: Path, database_url: str, redis_url: str, tree: Path) -> Environment:
    """Migrate and create the partner through the CLI (the interface a deployment uses)."""
    upgrade(database_url)
    key = Fernet.generate_key().decode()
    env = attune_env(database_url, redis_url, key, data_dir, tree)
    created = run_cli("users", "create", "bench partner", "--quiet", env=env, tree=tree)
    token = created.strip().splitlines()[-1]
    with psycopg.connect(libpq_url(database_url)) as conn:
        row = conn.execute("SELECT id FROM users WHERE name = 'bench partner'").fetchone()
    assert row is not None, "the partner was not created"
    workers_option = "--workers" in run_cli("serve", "--help", env=env, tree=tree)
    postgres_pid = int((data_dir / "pgdata" / "postmaster.pid").read_text().split()[0])
    return Environment(
        data_dir, database_url, redis_url, key, token, str(row[0]), workers_option, tree,
        postgres_pid,
    )  # fmt: skip


def count_rows(database_url: str) -> tuple[int, int]:
    with psycopg.connect(libpq_url(database_url)) as conn:
        row = conn.execute(
            "SELECT (SELECT count(*) FROM checkins), (SELECT count(*) FROM outbox_events)"
        ).fetchone()
    assert row is not None
    return int(row[0]), int(row[1])


def server_command(target: Target, env: Environment, port: int, workers: int) -> list[str]:
    if target == "floor":
        return [
            sys.executable, "-m", "uvicorn", "bench.floor_app:app",
            "--host", "127.0.0.1", "--port", str(port), "--workers", str(workers),
            "--no-access-log", "--log-level", "warning",
        ]  # fmt: skip
    command = [sys.executable, "-m", "service.cli.main", "serve", "--port", str(port)]
    if env.attune_workers_option:
        command += ["--workers", str(workers)]
    return command


def server_env(target: Target, env: Environment) -> dict[str, str]:
    base = attune_env(env.database_url, env.redis_url, env.key, env.data_dir, env.attune_tree)
    if target == "attune":
        base |= env.attune_extra_env
    if target == "floor":
        base |= {
            "PYTHONPATH": str(ROOT),
            "FLOOR_DATABASE_URL": env.database_url,
            "FLOOR_USER_ID": env.user_id,
        }
    return base


def start_server(
    target: Target, env: Environment, port: int, workers: int
) -> subprocess.Popen[bytes]:
    log_path = env.data_dir / f"{target}.log"
    env.logs[target] = log_path
    with log_path.open("ab") as log_file:
        # Own session: a Ctrl-C reaches only us, and we stop the server in order.
        return subprocess.Popen(
            server_command(target, env, port, workers),
            cwd=ROOT if target == "floor" else env.attune_tree,
            env=server_env(target, env),
            stdout=log_file,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )


def wait_healthy(proc: subprocess.Popen[bytes], url: str, log_path: Path) -> None:
    deadline = time.monotonic() + STARTUP_TIMEOUT
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            tail = log_path.read_text(errors="replace")[-2000:]
            raise RuntimeError(f"server exited with {proc.returncode}:\n{tail}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310 - local URL
                if response.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"{url} did not answer within {STARTUP_TIMEOUT:.0f} s; see {log_path}")


def wait_idle(proc: subprocess.Popen[bytes], limit: float = 60.0) -> float:
    """Wait until the server's processes stop using CPU (Attune loads an embedder in a thread
    at start-up); returns the seconds waited."""
    started = time.monotonic()
    while time.monotonic() - started < limit:
        busy = cpu_seconds(proc.pid)
        time.sleep(1.0)
        if cpu_seconds(proc.pid) - busy < 0.1:  # under 10 % of one core for a second
            break
    return time.monotonic() - started


def cpu_seconds(pid: int) -> float:
    """CPU time used so far by a process and its children, live or exited (uvicorn workers;
    Postgres backends, which end when a pool closes an overflow connection)."""
    total = 0.0
    with contextlib.suppress(psutil.NoSuchProcess):
        root = psutil.Process(pid)
        for process in (root, *root.children(recursive=True)):
            with contextlib.suppress(psutil.NoSuchProcess):
                t = process.cpu_times()
                total += t.user + t.system + t.children_user + t.children_system
    return total


def stop_server(proc: subprocess.Popen[bytes]) -> None:
    if proc.poll() is not None:
        return
    # SIGTERM: uvicorn shuts down gracefully (and stops its workers); a server still starting
    # ends too (SIGINT may be ignored when the benchmark itself runs in the background).
    proc.send_signal(signal.SIGTERM)
    try:
        proc.wait(15)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)  # its own session: only processes we started
        proc.wait(5)


def run_wrk(url: str, seconds: int, opts: Options, token: str) -> WrkRun:
    command = [
        WRK, f"-t{opts.threads}", f"-c{opts.connections}", f"-d{seconds}s", "--latency",
        "--timeout", "5s", "-s", str(LUA), url,
    ]  # fmt: skip
    proc = subprocess.run(
        command,
        env={**os.environ, "ATTUNE_TOKEN": token},
        capture_output=True,
        text=True,
        timeout=seconds + 60,
        check=False,
    )
    lines = [line for line in proc.stdout.splitlines() if line.startswith("WRK_JSON ")]
    if proc.returncode != 0 or not lines:
        raise RuntimeError(f"wrk failed ({proc.returncode}):\n{proc.stdout}\n{proc.stderr}")
    return parse_wrk(json.loads(lines[-1].removeprefix("WRK_JSON ")))


def parse_wrk(raw: dict[str, Any]) -> WrkRun:
    seconds = raw["duration_us"] / 1e6
    errors, latency = raw["errors"], raw["latency_us"]
    return WrkRun(
        requests=raw["requests"],
        seconds=round(seconds, 3),
        requests_per_s=round(raw["requests"] / seconds, 1),
        p50_ms=latency["p50"] / 1000,
        p75_ms=latency["p75"] / 1000,
        p90_ms=latency["p90"] / 1000,
        p99_ms=latency["p99"] / 1000,
        max_ms=latency["max"] / 1000,
        status_errors=errors["status"],
        socket_errors=errors["connect"] + errors["read"] + errors["write"] + errors["timeout"],
    )


def measure(target: Target, round_no: int, env: Environment, opts: Options) -> Measurement:
    port = free_port()
    workers = opts.server_workers if target == "floor" or env.attune_workers_option else 1
    proc = start_server(target, env, port, workers)
    try:
        health = "/healthz" if target == "floor" else "/v1/healthz"
        wait_healthy(proc, f"http://127.0.0.1:{port}{health}", env.logs[target])
        idle_after = wait_idle(proc)
        rows_before, outbox_before = count_rows(env.database_url)
        url = f"http://127.0.0.1:{port}/v1/checkins"
        warm = run_wrk(url, opts.warmup, opts, env.token) if opts.warmup else None
        cpu_before = cpu_seconds(proc.pid), cpu_seconds(env.postgres_pid)
        run = run_wrk(url, opts.duration, opts, env.token)
        cpu = cpu_seconds(proc.pid) - cpu_before[0], cpu_seconds(env.postgres_pid) - cpu_before[1]
    finally:
        stop_server(proc)
    rows_after, outbox_after = count_rows(env.database_url)
    accepted = sum(r.requests - r.status_errors for r in (warm, run) if r is not None)
    progress(
        f"round {round_no} {target:<6} {run.requests_per_s:8.1f} req/s  p50 {run.p50_ms:6.1f} ms"
        f"  p99 {run.p99_ms:6.1f} ms  errors {run.errors}  (idle after {idle_after:.0f} s)"
    )
    return Measurement(
        target=target,
        round=round_no,
        run=run,
        rows_added=rows_after - rows_before,
        outbox_added=outbox_after - outbox_before,
        accepted=accepted,
        server_workers=workers,
        server_cpu_ms_per_request=round(1000 * cpu[0] / max(run.requests, 1), 3),
        postgres_cpu_ms_per_request=round(1000 * cpu[1] / max(run.requests, 1), 3),
    )


def schedule(rounds: int) -> list[tuple[int, Target]]:
    """A B, B A, A B, ...: linear drift over the run falls on both targets alike."""
    order: list[tuple[int, Target]] = []
    for round_no in range(1, rounds + 1):
        pair: tuple[Target, Target] = ("floor", "attune") if round_no % 2 else ("attune", "floor")
        order += [(round_no, pair[0]), (round_no, pair[1])]
    return order


def run_all(env: Environment, opts: Options) -> list[Measurement]:
    order = schedule(opts.rounds)
    measurements = []
    for i, (round_no, target) in enumerate(order, 1):
        progress(
            f"[{i}/{len(order)}] {target}: start, warm up {opts.warmup} s, run {opts.duration} s"
        )
        measurements.append(measure(target, round_no, env, opts))
    return measurements


def tree_commit(tree: Path) -> str:
    """The commit of a git checkout, marked ``+dirty`` with uncommitted changes to service/."""

    def git(*args: str) -> str:
        return subprocess.run(
            ["git", "-C", str(tree), *args], capture_output=True, text=True, check=False
        ).stdout.strip()

    commit = git("rev-parse", "--short", "HEAD")
    if not commit or tree.resolve() != Path(git("rev-parse", "--show-toplevel") or "/").resolve():
        return "unknown (not a git checkout)"
    return commit + ("+dirty" if git("status", "--porcelain", "--", "service") else "")


def build_result(
    ms: list[Measurement],
    env: Environment,
    opts: Options,
    machine: dict[str, Any],
    label: str | None,
) -> dict[str, Any]:
    machine["load_average_at_end"] = [round(x, 2) for x in os.getloadavg()]
    return {
        "command": shlex.join(["python", "bench/ingest.py", *sys.argv[1:]]),
        "machine": machine,
        "options": asdict(opts),
        "load": f"wrk -t{opts.threads} -c{opts.connections} -d{opts.duration}s --latency "
        f"-s bench/wrk/checkin.lua (warm-up {opts.warmup} s per server start)",
        "attune_tree": str(env.attune_tree),
        "attune_version": label or tree_commit(env.attune_tree),
        "attune_extra_env": env.attune_extra_env,
        "attune_server_workers": 1 if not env.attune_workers_option else opts.server_workers,
        "attune_serve_has_workers_option": env.attune_workers_option,
        "worker": "none running: check-ins stay 'received', outbox events pile up",
        **build_summary(ms, opts.connections, wrk_runs=2 if opts.warmup else 1),
        "measurements": [asdict(m) for m in ms],
    }


def env_assignment(text: str) -> tuple[str, str]:
    name, sep, value = text.partition("=")
    if not sep or not name:
        raise argparse.ArgumentTypeError(f"expected NAME=VALUE, got {text!r}")
    return name, value


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=int, default=20, help="seconds of wrk per measurement")
    parser.add_argument("--warmup", type=int, default=3, help="seconds of wrk before each run")
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--threads", type=int, default=2, help="wrk threads")
    parser.add_argument(
        "--server-workers",
        type=int,
        default=default_api_processes(),
        help="server processes each (default: Attune's API_WORKERS default, one per core)",
    )
    parser.add_argument("--rounds", type=int, default=2, help="floor/attune pairs, alternated")
    parser.add_argument(
        "--attune-tree",
        type=Path,
        default=ROOT,
        help="run Attune from this checkout (e.g. a `git archive` of an older commit)",
    )
    parser.add_argument("--attune-label", help="what --attune-tree is (default: its git commit)")
    parser.add_argument(
        "--attune-env",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        type=env_assignment,
        help="extra setting for the Attune server, e.g. AUTH_CACHE_TTL_SECONDS=0 (repeatable)",
    )
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "ingest.json")
    parser.add_argument("--plot", type=Path, default=ROOT / "docs" / "benchmarks" / "ingest.png")
    args = parser.parse_args()
    opts = Options(
        args.duration, args.warmup, args.connections, args.threads, args.server_workers, args.rounds
    )
    require_wrk()
    # SIGTERM unwinds like Ctrl-C, so the servers and the embedded services are stopped.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    machine = machine_info(wrk=wrk_version())

    data_dir = Path(tempfile.mkdtemp(prefix="bench-ingest-", dir="/tmp"))
    services = EmbeddedServices(data_dir)
    failed = False
    try:
        database_url, redis_url = services.start(database_url=None, redis_url=None)
        progress(f"embedded Postgres and Redis in {data_dir}")
        env = prepare(data_dir, database_url, redis_url, args.attune_tree.resolve())
        env.attune_extra_env = dict(args.attune_env)
        if not env.attune_workers_option and opts.server_workers != 1:
            progress("`attune serve` has no --workers option: Attune runs 1 process")
        measurements = run_all(env, opts)
    except Exception:
        failed = True
        raise
    finally:
        services.stop()
        if failed:
            progress(f"failed; the server logs are in {data_dir} (remove it when done)")
        else:  # done, or interrupted
            shutil.rmtree(data_dir, ignore_errors=True)

    result = build_result(measurements, env, opts, machine, args.attune_label)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2) + "\n")
    plot(result, args.plot)
    progress(f"written {args.out} and {args.plot}")
    print_report(result)


if __name__ == "__main__":
    try:
        main()
    except KeyboardInterrupt:
        sys.exit(130)  # servers and embedded services were stopped on the way out
