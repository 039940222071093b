"""Process management for `attune up`, `serve`, `worker` and `scheduler`."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator

import click
import structlog
import uvicorn
from litestar import Litestar
from redis import Redis
from rq import Worker

from service.api.app import create_app, default_chat_engine
from service.cli.runtime import configure_encryption
from service.lib import metrics
from service.lib.db import Database
from service.lib.embedded import EmbeddedServiceError, EmbeddedServices
from service.lib.ownership import die_with_parent
from service.lib.queue import connect_redis
from service.persistence import migrate
from service.settings import Settings

log = structlog.get_logger(__name__)
WORKER_READY_TIMEOUT = 180.0
_SUPERVISOR_PID = "ATTUNE_API_SUPERVISOR_PID"


def serve_api(settings: Settings) -> None:
    """The API on ``settings.api_workers`` processes (uvicorn's supervisor above several)."""
    assert settings.database_url and settings.redis_url  # checked by the caller
    if settings.api_workers > 1:
        # Each process builds its app from the environment, like `attune serve` in a container.
        os.environ.update(_child_env(settings))
        metrics.share_between_processes()  # one /metrics for them all (docs/operations.md)
        os.environ[_SUPERVISOR_PID] = str(os.getpid())
        uvicorn.run(
            "service.cli.up:api_from_environment",
            factory=True,
            host=settings.host,
            port=settings.port,
            workers=settings.api_workers,
            log_config=None,
            access_log=False,
        )
        return
    configure_encryption(settings)
    db = Database.connect(settings.database_url)
    redis = connect_redis(settings.redis_url)
    app = _api(settings, db, redis)
    config = uvicorn.Config(
        app, host=settings.host, port=settings.port, log_config=None, access_log=False
    )
    try:
        uvicorn.Server(config).run()
    finally:
        db.dispose()
        redis.close()


def api_from_environment() -> Litestar:
    """One API process of several (uvicorn's factory): settings from the environment."""
    from service.lib.logging import configure_logging
    from service.settings import get_settings

    _exit_with_supervisor()
    settings = get_settings()
    configure_logging(
        settings.log_level, json=settings.log_json, cache=settings.environment != "test"
    )
    assert settings.database_url and settings.redis_url
    configure_encryption(settings)
    return _api(
        settings, Database.connect(settings.database_url), connect_redis(settings.redis_url)
    )


def _exit_with_supervisor() -> None:
    """An API process of several must not outlive uvicorn's supervisor (`up` or `serve`),
    even one killed with SIGKILL: nothing else would stop it."""
    die_with_parent()
    supervisor = os.environ.get(_SUPERVISOR_PID)
    if supervisor and os.getppid() != int(supervisor):  # it died before prctl took effect
        sys.exit(1)


def _api(settings: Settings, db: Database, redis: Redis) -> Litestar:
    chat = default_chat_engine(db)
    # Before serving, not in a thread: the app freezes every object alive at start-up out of
    # the collector's way (create_app), and the encoders bring half a million of them. Loaded
    # later, each full collection would walk them all: pauses of 100-300 ms mid-request.
    try:
        chat.warm_up()
    except Exception:  # chat loads them on its first message instead; check-ins need none
        log.exception("could not load the chat encoders at start-up")
    return create_app(db, redis, chat)


def _child_env(settings: Settings) -> dict[str, str]:
    """What a child process needs to find the same services and data as this one."""
    assert settings.database_url and settings.redis_url
    return {
        "DATABASE_URL": settings.database_url,
        "REDIS_URL": settings.redis_url,
        "DATA_DIR": str(settings.data_dir.resolve()),
        "WORKER_PROCESSES": str(settings.worker_processes),
        "API_WORKERS": str(settings.api_workers),
    }


def run_worker(settings: Settings, *, burst: bool = False, name: str | None = None) -> None:
    from workers.context import from_settings, install
    from workers.runtime import make_worker, warm_up

    ctx = install(from_settings(settings))
    log.info("loading the embedding model")
    warm_up(ctx)
    worker = make_worker(ctx, name=name)
    worker.work(burst=burst, with_scheduler=True, logging_level=settings.log_level.upper())


def run_scheduler_process(settings: Settings) -> None:
    from workers.context import from_settings, install
    from workers.runtime import run_scheduler

    ctx = install(from_settings(settings))
    stop = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: stop.set())
    run_scheduler(ctx, stop)


def _spawn(
    command: str, env: dict[str, str], services: EmbeddedServices
) -> subprocess.Popen[bytes]:
    # Linux: the kernel sends SIGTERM if `up` itself is killed hard; the watchdog backs that up.
    child = subprocess.Popen(
        [sys.executable, "-m", "service.cli.main", command],
        env=env,
        preexec_fn=die_with_parent,
    )
    services.guard(child.pid)
    return child


def _wait_for_workers(redis_url: str, workers: list[subprocess.Popen[bytes]]) -> None:
    redis = connect_redis(redis_url)
    deadline = time.monotonic() + WORKER_READY_TIMEOUT
    try:
        while time.monotonic() < deadline:
            if any(worker.poll() is not None for worker in workers):
                raise click.ClickException("a worker exited during start-up; see the log above")
            if Worker.count(connection=redis) >= len(workers):
                return
            time.sleep(0.2)
    finally:
        redis.close()
    raise click.ClickException("the worker did not become ready in time")


def stop_processes(children: list[subprocess.Popen[bytes]], *, grace: float = 20) -> None:
    """SIGTERM to every child still running, then wait; a child past ``grace`` is killed."""
    for child in children:
        if child.poll() is None:
            child.send_signal(signal.SIGTERM)
    for child in children:
        try:
            child.wait(grace)
        except subprocess.TimeoutExpired:
            child.kill()
            child.wait(5)


@contextlib.contextmanager
def _stop_on_signals() -> Iterator[None]:
    """SIGTERM (a process manager, `timeout`, make passing its own on) and SIGHUP (the terminal
    closed) stop `up` as Ctrl-C does: KeyboardInterrupt, then the same orderly shutdown."""
    stop_signals = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)
    previous = {sig: signal.getsignal(sig) for sig in stop_signals}
    signal.signal(signal.SIGINT, signal.default_int_handler)
    # Kept while uvicorn serves: it shuts down gracefully on SIGTERM and then raises it again,
    # which must reach this handler (the default action would end `up` without cleaning up).
    signal.signal(signal.SIGTERM, signal.default_int_handler)
    # As SIGTERM, so that a serving uvicorn shuts down gracefully too.
    signal.signal(signal.SIGHUP, lambda *_: os.kill(os.getpid(), signal.SIGTERM))
    try:
        yield
    finally:
        for sig, handler in previous.items():
            if handler is not None:
                signal.signal(sig, handler)


def _stop_when_orphaned(stopping: threading.Event, poll: float = 0.5) -> None:
    """Stop (as on SIGTERM) once the process that started `up` is gone, unless ``stopping``.

    A parent killed without passing its signal on (a shell script, a supervisor, an IDE)
    leaves `up` running with nobody to stop it, holding the data directory."""
    parent = os.getppid()
    if parent <= 1:  # PID 1 in a container, or already adopted: nobody to outlive
        return

    def watch() -> None:
        while os.getppid() == parent:
            if stopping.wait(poll):
                return  # a signal mid-shutdown would cut the shutdown short
        click.echo(f"attune: the process that started attune up ({parent}) is gone; stopping")
        os.kill(os.getpid(), signal.SIGTERM)

    threading.Thread(target=watch, name="orphan-watch", daemon=True).start()


def run_up(settings: Settings) -> int:
    """Start everything; return the exit code once stopped."""
    stopping = threading.Event()
    with _stop_on_signals():
        _stop_when_orphaned(stopping)
        return _run_up(settings, stopping)


def _run_up(settings: Settings, stopping: threading.Event) -> int:
    data_dir = settings.data_dir.resolve()
    services = EmbeddedServices(data_dir)
    children: list[subprocess.Popen[bytes]] = []
    try:
        click.echo(f"attune: data directory {data_dir}")
        try:
            db_url, redis_url = services.start(
                database_url=settings.database_url, redis_url=settings.redis_url
            )
        except EmbeddedServiceError as exc:
            raise click.ClickException(str(exc)) from None
        click.echo("attune: applying migrations")
        migrate.upgrade(db_url)
        settings = settings.model_copy(
            update={"database_url": db_url, "redis_url": redis_url, "data_dir": data_dir}
        )
        configure_encryption(settings)
        _ingest_if_changed(settings)
        # Every process counts into one directory; the API sums it on /metrics (inherited).
        metrics.use_multiprocess_dir(data_dir / "metrics")
        env = {**os.environ, **_child_env(settings)}
        n = settings.worker_processes
        click.echo(
            f"attune: starting {n} worker{'s' if n > 1 else ''} (loading the embedding model)"
            " and the scheduler"
        )
        workers = [_spawn("worker", env, services) for _ in range(n)]
        children.extend(workers)
        children.append(_spawn("scheduler", env, services))
        _wait_for_workers(redis_url, workers)
        api = settings.api_workers
        click.echo(
            f"attune: API on http://{settings.host}:{settings.port}"
            f" ({api} process{'es' if api > 1 else ''}; Ctrl-C to stop)"
        )
        click.echo(f"attune: coach dashboard on http://{settings.host}:{settings.port}/dashboard")
        serve_api(settings)
        return 0
    except KeyboardInterrupt:
        return 0
    finally:
        stopping.set()
        click.echo("attune: stopping")
        stop_processes(children)
        services.stop()
        click.echo("attune: stopped")


def _ingest_if_changed(settings: Settings) -> None:
    from service.cli.knowledge import run_ingest
    from service.cli.runtime import DatabaseHandle
    from service.knowledge.ingest import needs_ingest

    assert settings.database_url
    db = Database.connect(settings.database_url, pool_size=1)
    try:
        with db.unit_of_work() as session:
            changed = needs_ingest(
                session, settings.knowledge_dir / "strategies", settings.embedding_model
            )
        if not changed:
            click.echo("attune: knowledge base is up to date")
            return
        click.echo("attune: knowledge cards changed; ingesting")
        report = run_ingest(settings, DatabaseHandle(settings.database_url, db))
        click.echo(
            f"attune: knowledge base: {len(report.added)} added, {len(report.updated)} updated, "
            f"{len(report.removed)} removed"
        )
    finally:
        db.dispose()
