"""`attune kb ...` commands."""

from __future__ import annotations

import click
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

from service.cli.runtime import database
from service.knowledge.cards import CardError, StrategyCard, load_cards
from service.knowledge.embedder import get_embedder
from service.knowledge.ingest import IngestReport, ingest, needs_ingest
from service.settings import Settings


def embedder_for(settings: Settings):  # type: ignore[no-untyped-def]
    return get_embedder(
        settings.embedding_model,
        base_url=settings.llm_base_url,
        api_key=settings.llm_api_key.get_secret_value() if settings.llm_api_key else None,
        dim=settings.embedding_dim,
    )


def run_ingest(settings: Settings, db_handle, *, show_progress: bool = True) -> IngestReport:  # type: ignore[no-untyped-def]
    directory = settings.knowledge_dir / "strategies"
    try:
        cards = load_cards(directory)
    except CardError as exc:
        raise click.ClickException(f"the knowledge base has invalid cards:\n{exc}") from None
    with db_handle.db.unit_of_work() as session:
        if not needs_ingest(session, directory, settings.embedding_model):
            # Nothing to embed: skip loading the model (seconds) altogether.
            return IngestReport(unchanged=[c.id for c in cards])
    total = len(cards)
    embedder = embedder_for(settings)
    with Progress(
        TextColumn("[bold]ingesting cards"), BarColumn(), MofNCompleteColumn(),
        TextColumn("{task.description}"), disable=not show_progress, transient=False,
    ) as progress:  # fmt: skip
        task = progress.add_task("", total=total)

        def step(action: str, card: StrategyCard) -> None:
            progress.update(task, advance=1, description=f"{action}: {card.id}")

        with db_handle.db.unit_of_work() as session:
            return ingest(session, directory, embedder, progress=step)


def ingest_command(settings: Settings) -> None:
    with database(settings) as handle:
        report = run_ingest(settings, handle)
    click.echo(
        f"added {len(report.added)}, updated {len(report.updated)}, "
        f"unchanged {len(report.unchanged)}, removed {len(report.removed)}; "
        f"embedded {report.chunks_embedded} chunks"
    )
