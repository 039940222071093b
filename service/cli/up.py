"""Process management for `attune up`, `serve`, `worker` and `scheduler`."""

from __future__ import annotations

import contextlib
import ctypes
import os
import signal
import subprocess
import sys
import threading
import time

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
from service.lib.queue import connect_redis
from service.persistence import migrate
from service.settings import Settings

log = structlog.get_logger(__name__)
WORKER_READY_TIMEOUT = 180.0


def serve_api(settings: Settings) -> None:
    """The API on ``settings.api_workers`` processes (uvicorn's supervisor above several)."""
    assert settings.database_url and settings.redis_url  # checked by the caller
    if settings.api_workers > 1:
        # Each process builds its app from the environment, like `attune serve` in a container.
        os.environ.update(_child_env(settings))
        metrics.share_between_processes()  # one /metrics for them all (docs/operations.md)
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

    settings = get_settings()
    configure_logging(
        settings.log_level, json=settings.log_json, cache=settings.environment != "test"
    )
    assert settings.database_url and settings.redis_url
    configure_encryption(settings)
    return _api(
        settings, Database.connect(settings.database_url), connect_redis(settings.redis_url)
    )


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


def _die_with_parent() -> None:
    # Linux: children get SIGTERM if `up` itself is killed hard, so nothing is orphaned.
    with contextlib.suppress(Exception):
        libc = ctypes.CDLL("libc.so.6", use_errno=True)
        libc.prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


def _spawn(command: str, env: dict[str, str]) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "service.cli.main", command],
        env=env,
        preexec_fn=_die_with_parent,
    )


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


def run_up(settings: Settings) -> int:
    """Start everything; return the exit code once stopped."""
    data_dir = settings.data_dir.resolve()
    services = EmbeddedServices(data_dir)
    children: list[subprocess.Popen[bytes]] = []
    # SIGTERM behaves like Ctrl-C until uvicorn installs its own handlers.
    previous = signal.signal(signal.SIGTERM, signal.default_int_handler)
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
        workers = [_spawn("worker", env) for _ in range(n)]
        children.extend(workers)
        children.append(_spawn("scheduler", env))
        _wait_for_workers(redis_url, workers)
        api = settings.api_workers
        click.echo(
            f"attune: API on http://{settings.host}:{settings.port}"
            f" ({api} process{'es' if api > 1 else ''}; Ctrl-C to stop)"
        )
        click.echo(f"attune: coach dashboard on http://{settings.host}:{settings.port}/dashboard")
        signal.signal(signal.SIGTERM, previous)
        serve_api(settings)
        return 0
    except KeyboardInterrupt:
        return 0
    finally:
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
