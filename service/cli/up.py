"""Process management for `attune up`, `serve`, `worker` and `scheduler`."""

from __future__ import annotations

import contextlib
import ctypes
import gc
import os
import signal
import subprocess
import sys
import threading
import time

import click
import structlog
import uvicorn
from rq import Worker

from service.api.app import create_app, default_chat_engine
from service.cli.runtime import configure_encryption
from service.lib.db import Database
from service.lib.embedded import EmbeddedServiceError, EmbeddedServices
from service.lib.queue import connect_redis
from service.persistence import migrate
from service.settings import Settings

log = structlog.get_logger(__name__)
WORKER_READY_TIMEOUT = 180.0


def serve_api(settings: Settings) -> None:
    assert settings.database_url and settings.redis_url  # checked by the caller
    configure_encryption(settings)
    db = Database.connect(settings.database_url)
    redis = connect_redis(settings.redis_url)
    chat = default_chat_engine(db)

    def warm_up() -> None:
        chat.warm_up()
        # The encoder brings millions of long-lived objects; frozen, the collector stops
        # walking them on every full collection (which otherwise taxes each request).
        gc.collect()
        gc.freeze()

    threading.Thread(target=warm_up, name="chat-warm-up", daemon=True).start()
    app = create_app(db, redis, chat)
    config = uvicorn.Config(
        app, host=settings.host, port=settings.port, log_config=None, access_log=False
    )
    try:
        uvicorn.Server(config).run()
    finally:
        db.dispose()
        redis.close()


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


def _wait_for_worker(redis_url: str, worker: subprocess.Popen[bytes]) -> None:
    redis = connect_redis(redis_url)
    deadline = time.monotonic() + WORKER_READY_TIMEOUT
    try:
        while time.monotonic() < deadline:
            if worker.poll() is not None:
                raise click.ClickException("the worker exited during start-up; see the log above")
            if Worker.count(connection=redis) > 0:
                return
            time.sleep(0.2)
    finally:
        redis.close()
    raise click.ClickException("the worker did not become ready in time")


def _stop_children(children: list[subprocess.Popen[bytes]]) -> None:
    for child in children:
        if child.poll() is None:
            child.send_signal(signal.SIGTERM)
    for child in children:
        try:
            child.wait(20)
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
        env = {**os.environ, "DATABASE_URL": db_url, "REDIS_URL": redis_url}
        env["DATA_DIR"] = str(data_dir)
        click.echo("attune: starting the worker (loading the embedding model) and the scheduler")
        children.append(_spawn("worker", env))
        children.append(_spawn("scheduler", env))
        _wait_for_worker(redis_url, children[0])
        click.echo(f"attune: API on http://{settings.host}:{settings.port} (Ctrl-C to stop)")
        signal.signal(signal.SIGTERM, previous)
        serve_api(settings)
        return 0
    except KeyboardInterrupt:
        return 0
    finally:
        click.echo("attune: stopping")
        _stop_children(children)
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
