"""`attune kb ...` commands."""

from __future__ import annotations

import json
from typing import Any

import click
from rich.console import Console

from service.cli.progress import StepProgress
from service.cli.runtime import DatabaseHandle, database
from service.knowledge.cards import CardError, StrategyCard, load_cards
from service.knowledge.embedder import Embedder, get_embedder
from service.knowledge.ingest import IngestReport, ingest, needs_ingest
from service.settings import Settings

err = Console(stderr=True)


def embedder_for(settings: Settings) -> Embedder:
    return get_embedder(
        settings.embedding_model,
        base_url=settings.llm_base_url,
        api_key=settings.llm_api_key.get_secret_value() if settings.llm_api_key else None,
        dim=settings.embedding_dim,
    )


def run_ingest(
    settings: Settings, db_handle: DatabaseHandle, *, show_progress: bool = True
) -> IngestReport:
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
    with StepProgress("ingesting cards", total, console=err, enabled=show_progress,
                      log_every=5.0) as progress:  # fmt: skip

        def step(action: str, card: StrategyCard) -> None:
            progress.advance(note=f"{action}: {card.id}")

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


def _ensure_ingested(settings: Settings, handle: DatabaseHandle) -> None:
    """Searching an empty or stale knowledge base would mislead: ingest first if needed."""
    from service.knowledge.ingest import needs_ingest

    with handle.db.unit_of_work() as session:
        stale = needs_ingest(
            session, settings.knowledge_dir / "strategies", settings.embedding_model
        )
    if stale:
        err.print("knowledge base is not up to date; ingesting first")
        run_ingest(settings, handle, show_progress=err.is_terminal)


def search_command(
    settings: Settings,
    text: str | None,
    jsonl: str | None,
    risks: tuple[str, ...],
    k: int,
    as_json: bool,
) -> int:
    from service.cli.classify import open_input
    from service.retrieval.search import Query, search

    if (text is None) == (jsonl is None):
        raise click.UsageError("give either TEXT or --jsonl FILE (not both)")
    errors = 0
    with database(settings) as handle:
        _ensure_ingested(settings, handle)
        embedder = embedder_for(settings)
        if text is not None:
            with handle.db.unit_of_work() as session:
                found = search(session, embedder, Query(text=text, risk_categories=risks, k=k))
            if as_json:
                for card in found:
                    click.echo(json.dumps(card.as_dict(), ensure_ascii=False))
            else:
                _print_ranking(text, found)
            return 0
        assert jsonl is not None
        with open_input(jsonl) as source:
            for number, line in enumerate(source, 1):
                if not line.strip():
                    continue
                query, problem = _parse_query(line, number)
                if query is None:
                    errors += 1
                    err.print(f"[red]skipped[/red] {problem}")
                    click.echo(json.dumps({"query_id": None, "error": problem}))
                    continue
                qid, qtext, qrisks = query
                with handle.db.unit_of_work() as session:
                    found = search(
                        session, embedder, Query(text=qtext, risk_categories=qrisks or risks, k=k)
                    )
                click.echo(
                    json.dumps({"query_id": qid, "results": [c.as_dict() for c in found]},
                               ensure_ascii=False)
                )  # fmt: skip
    return errors


def _parse_query(line: str, number: int) -> tuple[tuple[Any, str, tuple[str, ...]] | None, str]:
    from service.taxonomy import RiskCategory

    try:
        row = json.loads(line)
    except json.JSONDecodeError as exc:
        return None, f"line {number}: not JSON ({exc.msg})"
    if not isinstance(row, dict) or "id" not in row:
        return None, f"line {number}: expected an object with 'id' and 'text'"
    text = row.get("text")
    if not isinstance(text, str) or not text.strip():
        return None, f"line {number}: 'text' must be a non-empty string"
    risks = row.get("risk_categories") or []
    known = {str(c) for c in RiskCategory}
    if not isinstance(risks, list) or not set(risks) <= known:
        return None, f"line {number}: 'risk_categories' must be a list of {sorted(known)}"
    return (row["id"], text, tuple(risks)), ""


def _print_ranking(text: str, found: list[Any]) -> None:
    from rich.console import Console
    from rich.table import Table

    table = Table(title=f"cards for: {text[:70]}")
    for column in ("#", "id", "score", "why", "contraindications"):
        table.add_column(column)
    for position, card in enumerate(found, 1):
        table.add_row(str(position), card.id, f"{card.score:.4f}", card.reason,
                      ", ".join(card.contraindications) or "-")  # fmt: skip
    Console().print(table)


def eval_retrieval_command(settings: Settings, split: str, with_classifier: bool) -> dict[str, Any]:
    from datetime import UTC, datetime

    from service.cli.classify import REPORTS_DIR
    from service.retrieval.evaluation import evaluate, load_queries

    queries = load_queries(split=split)
    if not queries:
        raise click.ClickException(f"no queries in split {split!r}")
    with database(settings) as handle:
        _ensure_ingested(settings, handle)
        embedder = embedder_for(settings)
        boosts = None
        if with_classifier:
            from service.classify.classifier import CheckInText
            from service.classify.provider import build_classifier

            classifier = build_classifier(settings, embedder)

            def boosts(qs: list[Any]) -> list[tuple[list[str], list[str]]]:
                results = classifier.classify_batch([CheckInText(q.text) for q in qs])
                return [(r.patterns, r.burnout_signals) for r in results]

        progress = StepProgress("searching", len(queries), console=err, transient=True,
                                log_every=10.0)  # fmt: skip
        with progress, handle.db.unit_of_work() as session:
            report = evaluate(session, embedder, queries, boosts=boosts,
                              progress=lambda: progress.advance())  # fmt: skip
    report.update({"split": split, "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
                   "embedding_model": settings.embedding_model})  # fmt: skip
    from rich.console import Console
    from rich.table import Table

    table = Table(title=f"retrieval on {split} ({report['queries']} queries)")
    for column in ("mode", "recall@1", "recall@3", "MRR"):
        table.add_column(column, justify="right" if column != "mode" else "left")
    for mode, s in report["modes"].items():
        table.add_row(mode, f"{s['recall@1']:.3f}", f"{s['recall@3']:.3f}", f"{s['mrr']:.3f}")
    Console().print(table)
    by_language = Table(title="recall@3 by the language the check-in is written in")
    modes = list(report["modes"])
    for column in ("language", "queries", *modes):
        by_language.add_column(column, justify="right" if column != "language" else "left")
    for lang, row in report["by_language"].items():
        by_language.add_row(
            lang, str(row["queries"]), *(f"{row[m]['recall@3']:.3f}" for m in modes)
        )
    Console().print(by_language)
    REPORTS_DIR.mkdir(parents=True, exist_ok=True)
    out = REPORTS_DIR / f"retrieval-{split}.json"
    out.write_text(json.dumps(report, indent=2, ensure_ascii=False))
    click.echo(f"report written to {out}")
    return report
