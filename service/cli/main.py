"""`attune`: run the service, its workers, migrations, knowledge ingestion and admin tasks."""

from __future__ import annotations

import sys
import uuid
from pathlib import Path

import click
from pydantic import ValidationError

from service.cli.audit import audit
from service.cli.coaches import coaches
from service.cli.crypto import crypto
from service.cli.integrations import integrations
from service.cli.jobs import jobs
from service.cli.llm import llm
from service.cli.privacy import users_erase, users_export
from service.cli.tokens import tokens
from service.cli.webhooks import webhooks
from service.lib.logging import configure_logging
from service.settings import Settings, use_settings


def _settings(data_dir: Path | None = None, **overrides: object) -> Settings:
    values = {k: v for k, v in overrides.items() if v is not None}
    if data_dir is not None:
        values["data_dir"] = data_dir
    try:
        settings = Settings(**values)  # type: ignore[arg-type]
    except ValidationError as exc:
        raise click.ClickException(f"invalid configuration: {exc}") from None
    use_settings(settings)
    configure_logging(
        settings.log_level, json=settings.log_json, cache=settings.environment != "test"
    )
    return settings


backend_option = click.option(
    "--backend",
    type=click.Choice(["auto", "local", "llm", "rules"]),
    default="auto",
    show_default=True,
    help="auto: the LLM when LLM_BASE_URL is set, else the local model.",
)

data_dir_option = click.option(
    "--data-dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Where embedded Postgres/Redis keep data [default: ./.attune or $DATA_DIR].",
)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="attune")
def cli() -> None:
    """Attune: check-ins in, grounded coaching tips out, people at risk kept safe."""


@cli.command()
@click.option("--host", default=None, help="Address to listen on [default: 127.0.0.1].")
@click.option("--port", type=int, default=None, help="Port to listen on [default: 8000].")
@click.option(
    "--workers",
    type=click.IntRange(1, 64),
    default=None,
    help="Pipeline worker processes [default: WORKER_PROCESSES, one per two cores].",
)
@click.option(
    "--api-workers",
    type=click.IntRange(1, 64),
    default=None,
    help="API processes [default: API_WORKERS, one per two cores].",
)
@data_dir_option
def up(
    host: str | None,
    port: int | None,
    workers: int | None,
    api_workers: int | None,
    data_dir: Path | None,
) -> None:
    """Everything on one machine: embedded servers if needed, migrations, knowledge, API,
    the workers and the scheduler. Ctrl-C stops all of it."""
    from service.cli.up import run_up

    settings = _settings(
        data_dir, host=host, port=port, worker_processes=workers, api_workers=api_workers
    )
    sys.exit(run_up(settings))


@cli.command()
@click.option("--host", default=None, help="Address to listen on.")
@click.option("--port", type=int, default=None, help="Port to listen on.")
@click.option(
    "--workers",
    type=click.IntRange(1, 64),
    default=None,
    help="API processes [default: API_WORKERS, one per two cores].",
)
def serve(host: str | None, port: int | None, workers: int | None) -> None:
    """Only the API (split deployments; needs DATABASE_URL and REDIS_URL)."""
    from service.cli.up import serve_api

    settings = _settings(host=host, port=port, api_workers=workers)
    _require_urls(settings)
    serve_api(settings)


@cli.command()
@click.option("--burst", is_flag=True, help="Drain the queues, then exit.")
@click.option("--name", default=None, help="Worker name shown in queue health.")
def worker(burst: bool, name: str | None) -> None:
    """One RQ worker (needs DATABASE_URL and REDIS_URL)."""
    from service.cli.up import run_worker

    settings = _settings()
    _require_urls(settings)
    run_worker(settings, burst=burst, name=name)


@cli.command()
def scheduler() -> None:
    """The outbox relay and the stuck-work sweeper (needs DATABASE_URL and REDIS_URL)."""
    from service.cli.up import run_scheduler_process

    settings = _settings()
    _require_urls(settings)
    run_scheduler_process(settings)


@cli.command()
@data_dir_option
def migrate(data_dir: Path | None) -> None:
    """Apply database migrations."""
    from service.cli.runtime import database

    settings = _settings(data_dir)
    with database(settings):
        click.echo("database is at the latest migration")


@cli.group()
def kb() -> None:
    """The strategy knowledge base."""


@kb.command("ingest")
@data_dir_option
def kb_ingest(data_dir: Path | None) -> None:
    """Validate, embed and store the cards in knowledge/ (unchanged cards are skipped)."""
    from service.cli.knowledge import ingest_command

    ingest_command(_settings(data_dir))


@cli.group(invoke_without_command=True)
@click.option(
    "--jsonl", "jsonl", metavar="FILE", help="Classify one JSON object per line ('-' = stdin)."
)
@backend_option
@click.pass_context
def classify(ctx: click.Context, jsonl: str | None, backend: str) -> None:
    """Classify check-ins: risk, patterns and burnout signals (TAXONOMY.md)."""
    if ctx.invoked_subcommand is not None:
        return
    if jsonl is None:
        raise click.UsageError("give --jsonl FILE (or '-' for stdin), or a subcommand")
    from service.cli.classify import classify_jsonl, open_input

    settings = _settings()
    with open_input(jsonl) as source:
        errors = classify_jsonl(settings, source, sys.stdout, backend)
    if errors:
        sys.exit(2)


@classify.command("train")
@click.option(
    "--encoder",
    default="local:multilingual-e5-small",
    show_default=True,
    help="Bundled sentence encoder the model reads with (docs/adr/0004).",
)
def classify_train(encoder: str) -> None:
    """Retrain the local model on the training split of evals/data/ (reproducible)."""
    from service.cli.classify import train_command

    train_command(_settings(), encoder)


@cli.group("eval")
def eval_group() -> None:
    """Evaluation reports (written under evals/reports/)."""


@eval_group.command("classify")
@click.option(
    "--split",
    "split_name",
    default="heldout",
    show_default=True,
    help="Which split of evals/data/ to score (never trained on: heldout).",
)
@backend_option
@click.option(
    "--sample",
    type=click.IntRange(1),
    default=None,
    help="Only N examples, spread evenly over the split (fixed; for slow model backends).",
)
def eval_classify(split_name: str, backend: str, sample: int | None) -> None:
    """Per-label precision/recall/F1, the risk confusion matrix and safety rates."""
    from service.cli.classify import eval_classify_command

    eval_classify_command(_settings(), split_name, backend, sample)


@eval_group.command("counselchat")
@click.option(
    "--csv",
    "csv_path",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="CounselChat CSV [default: ../shared/external/counsel-chat/counsel_chat.csv].",
)
@backend_option
def eval_counselchat(csv_path: Path | None, backend: str) -> None:
    """Risk levels per topic on real questions to therapists, plus 20 outputs to read."""
    from service.cli.classify import eval_counselchat_command

    eval_counselchat_command(_settings(), csv_path, backend)


@eval_group.command("guidelines")
@click.option(
    "--backend",
    type=click.Choice(["offline", "llm"]),
    default="offline",
    show_default=True,
    help="offline: the composer; llm: the model at LLM_BASE_URL.",
)
@click.option(
    "--cases",
    "pattern",
    default="*",
    show_default=True,
    help="Glob over evals/cases/ file paths, e.g. 'escalation*' or 'no_leak.yaml'.",
)
@click.option(
    "--cases-dir",
    type=click.Path(file_okay=False, exists=True, path_type=Path),
    default=None,
    help="Read cases from this folder instead of evals/cases/.",
)
@click.option(
    "--update-baseline", is_flag=True, help="Store this run's results in evals/baseline.json."
)
@click.option(
    "--judge", is_flag=True, help="Also score answers with the LLM-as-judge rubric (not gating)."
)
@click.option(
    "--case-list",
    type=click.Path(dir_okay=False, exists=True, path_type=Path),
    default=None,
    help="Only the case ids in this file, one a line (e.g. evals/subsets/llm-52.txt).",
)
def eval_guidelines(
    backend: str,
    pattern: str,
    cases_dir: Path | None,
    update_baseline: bool,
    judge: bool,
    case_list: Path | None,
) -> None:
    """Run the guideline cases through the service; exit 1 if a hard rule breaks in any case."""
    from service.cli.guidelines import eval_guidelines_command

    eval_guidelines_command(
        _settings(),
        backend=backend,
        pattern=pattern,
        update_baseline=update_baseline,
        cases_dir=cases_dir,
        judge=judge,
        case_list=case_list,
    )


@eval_group.command("retrieval")
@click.option(
    "--split",
    default="heldout",
    show_default=True,
    type=click.Choice(["heldout", "dev", "all"]),
    help="Which queries to score.",
)
@click.option(
    "--no-classifier",
    is_flag=True,
    help="Skip the pipeline-faithful mode (classifier patterns boosting cards).",
)
@data_dir_option
def eval_retrieval(split: str, no_classifier: bool, data_dir: Path | None) -> None:
    """Recall@1, recall@3 and MRR for dense-only, full-text-only and hybrid retrieval."""
    from service.cli.knowledge import eval_retrieval_command

    eval_retrieval_command(_settings(data_dir), split, not no_classifier)


@kb.command("search")
@click.argument("text", required=False)
@click.option(
    "--jsonl", metavar="FILE", help="Many queries: one {id, text, risk_categories?} per line."
)
@click.option(
    "--risk",
    "risks",
    multiple=True,
    type=click.Choice(["self_harm", "partner_violence", "coercive_control", "child_safety"]),
    help="Risk category of the check-in (repeatable): contraindicated cards are excluded.",
)
@click.option("-k", "k", type=click.IntRange(1, 30), default=3, show_default=True)
@click.option("--json", "as_json", is_flag=True, help="One JSON object per result line.")
@data_dir_option
def kb_search(
    text: str | None,
    jsonl: str | None,
    risks: tuple[str, ...],
    k: int,
    as_json: bool,
    data_dir: Path | None,
) -> None:
    """Show how the knowledge base ranks cards for TEXT (hybrid retrieval)."""
    from service.cli.knowledge import search_command

    if search_command(_settings(data_dir), text, jsonl, risks, k, as_json):
        sys.exit(2)


@cli.group()
def users() -> None:
    """Accounts and their bearer tokens."""


@users.command("create")
@click.argument("name")
@click.option(
    "--role", type=click.Choice(["partner", "coach", "admin", "integration"]), default="partner"
)
@click.option("--locale", default="en-US", show_default=True, help="Decides crisis resources.")
@click.option("--quiet", "-q", is_flag=True, help="Print only the token (for scripts).")
@data_dir_option
def users_create(name: str, role: str, locale: str, quiet: bool, data_dir: Path | None) -> None:
    """Create a user and print their bearer token (shown once)."""
    from service.accounts.service import Accounts
    from service.cli.runtime import database
    from service.errors import DomainError

    settings = _settings(data_dir)
    with database(settings) as handle, handle.db.unit_of_work() as session:
        try:
            created = Accounts(session).create(name, role=role, locale=locale)
        except DomainError as exc:
            raise click.ClickException(exc.detail) from None
        user_id = created.user.id
    if quiet:
        click.echo(created.token)
    else:
        click.echo(f"created {role} {name!r} (id {user_id})")
        click.echo(f"token: {created.token}")
        click.echo("keep it safe: it is shown only once")


@users.command("rotate-token")
@click.argument("user_id", type=click.UUID)
@click.option("--quiet", "-q", is_flag=True, help="Print only the new token (for scripts).")
@data_dir_option
def users_rotate_token(user_id: uuid.UUID, quiet: bool, data_dir: Path | None) -> None:
    """Give a user a new bearer token; the old one is revoked (running APIs forget it within
    AUTH_CACHE_TTL_SECONDS)."""
    from service.accounts.service import Accounts
    from service.cli.runtime import database
    from service.errors import DomainError

    settings = _settings(data_dir)
    with database(settings) as handle, handle.db.unit_of_work() as session:
        try:
            token = Accounts(session).rotate_token(user_id)
        except DomainError as exc:
            raise click.ClickException(exc.detail) from None
    if quiet:
        click.echo(token)
    else:
        click.echo(f"new token: {token}")
        click.echo(
            f"the old token is revoked; running APIs accept it for at most "
            f"{settings.auth_cache_ttl_seconds:g} s more (AUTH_CACHE_TTL_SECONDS)"
        )


@users.command("set-password")
@click.argument("name")
@click.option(
    "--password-stdin",
    "from_stdin",
    is_flag=True,
    help="Read the password from standard input (for scripts; nothing on the command line).",
)
@data_dir_option
def users_set_password(name: str, from_stdin: bool, data_dir: Path | None) -> None:
    """Give coach or admin NAME a dashboard password (login name: NAME). Their open dashboard
    sessions end."""
    from service.cli.runtime import database
    from service.dashboard.auth import MIN_PASSWORD, set_password
    from service.errors import DomainError

    if from_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = click.prompt("password", hide_input=True, confirmation_prompt=True)
    if len(password) < MIN_PASSWORD:
        raise click.ClickException(f"the password must be at least {MIN_PASSWORD} characters long")
    settings = _settings(data_dir)
    with database(settings) as handle:
        try:
            with handle.db.unit_of_work() as session:
                set_password(session, name, password)
        except DomainError as exc:
            raise click.ClickException(exc.detail) from None
    click.echo(f"{name} can log in at /dashboard/login")


users.add_command(users_export)
users.add_command(users_erase)
cli.add_command(audit)
cli.add_command(coaches)
cli.add_command(crypto)
cli.add_command(integrations)
cli.add_command(jobs)
cli.add_command(llm)
cli.add_command(tokens)
cli.add_command(webhooks)


def _require_urls(settings: Settings) -> None:
    if settings.database_url is None or settings.redis_url is None:
        raise click.ClickException(
            "set DATABASE_URL and REDIS_URL, or use `attune up` for the embedded default"
        )


if __name__ == "__main__":
    cli()
