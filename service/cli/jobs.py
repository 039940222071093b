"""`attune jobs`: the dead-letter registry — jobs that failed for good, and replaying them.

Scripting contract: `attune jobs failed --json` prints one JSON object
``{"jobs": [{"id", "queue", "function", "checkin_ids", "enqueued_at", "failed_at",
"retries_used", "retries_max", "reason"}]}``; `attune jobs replay ID…|--all --json` prints
``{"replayed": [id…], "skipped": [{"id", "reason"}]}``. An unknown id is an error (exit 1) and
nothing is replayed.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

import click

if TYPE_CHECKING:
    from redis import Redis

    from service.lib.failed_jobs import FailedJob

data_dir_option = click.option(
    "--data-dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Where embedded Postgres/Redis keep data [default: ./.attune or $DATA_DIR].",
)
json_option = click.option("--json", "as_json", is_flag=True, help="Print JSON (for scripts).")


@contextmanager
def queue_redis(data_dir: Path | None) -> Iterator[Redis]:
    """REDIS_URL, or the embedded Redis of the data directory: the one `attune up` runs, else
    started for this command (its failed jobs are on disk) and stopped afterwards."""
    from redis.exceptions import ConnectionError as RedisConnectionError

    from service.cli.main import _settings
    from service.lib.embedded import EmbeddedRedis
    from service.lib.queue import connect_redis

    settings = _settings(data_dir)
    embedded = None
    if settings.redis_url is not None:
        redis = connect_redis(settings.redis_url)
    else:
        own = EmbeddedRedis(settings.data_dir.resolve() / "redis")
        redis = connect_redis(own.url)
        try:
            redis.ping()  # `attune up` runs it
        except (RedisConnectionError, OSError):
            redis.close()
            redis = connect_redis(own.start())
            embedded = own
    try:
        yield redis
    finally:
        redis.close()
        if embedded is not None:
            embedded.stop()


@click.group()
def jobs() -> None:
    """Background jobs that failed for good (retries spent): list and replay them."""


@jobs.command("failed")
@json_option
@data_dir_option
def failed_command(as_json: bool, data_dir: Path | None) -> None:
    """List every queue's failed jobs: check-ins, when, retries used and the reason."""
    from service.lib.failed_jobs import failed_jobs

    with queue_redis(data_dir) as redis:
        found = failed_jobs(redis)
    if as_json:
        click.echo(json.dumps({"jobs": [f.as_json() for f in found]}))
        return
    if not found:
        click.echo("no failed jobs")
        return
    for f in found:
        _echo_failed(f)
    click.echo(f"{len(found)} failed job{'s' if len(found) != 1 else ''}; "
               "replay with `attune jobs replay ID` or `--all`")  # fmt: skip


def _echo_failed(f: FailedJob) -> None:
    when = f.failed_at.isoformat(timespec="seconds") if f.failed_at else "?"
    queued = f.enqueued_at.isoformat(timespec="seconds") if f.enqueued_at else "?"
    click.echo(f"{f.id}  {f.function}  {f.queue}")
    click.echo(f"  enqueued {queued}  failed {when}  retries {f.retries_used}/{f.retries_max}")
    if f.checkin_ids:
        click.echo(f"  check-ins: {', '.join(f.checkin_ids)}")
    click.echo(f"  reason: {f.reason}")


@jobs.command("replay")
@click.argument("job_ids", metavar="ID...", nargs=-1)
@click.option("--all", "replay_all", is_flag=True, help="Replay every failed job.")
@json_option
@data_dir_option
def replay_command(
    job_ids: tuple[str, ...], replay_all: bool, as_json: bool, data_dir: Path | None
) -> None:
    """Put failed jobs back on their queues with their retries restored. Safe to repeat: the
    pipeline skips what is already done, and a check-in marked failed goes on to its tip."""
    from service.lib.failed_jobs import UnknownFailedJobError, replay

    if replay_all == bool(job_ids):
        raise click.UsageError("give job ids or --all (not both)")
    with queue_redis(data_dir) as redis:
        try:
            report = replay(redis, None if replay_all else job_ids)
        except UnknownFailedJobError as exc:
            raise click.ClickException(
                f"no failed job with id {exc} (`attune jobs failed` lists them); nothing replayed"
            ) from None
    if as_json:
        click.echo(json.dumps(report.as_json()))
        return
    for job_id in report.replayed:
        click.echo(f"replayed {job_id}")
    for job_id, why in report.skipped.items():
        click.echo(f"skipped {job_id}: {why}")
    if not report.replayed and not report.skipped:
        click.echo("no failed jobs")
