"""Knowledge-base search latency per mode, next to embedding the query alone (the floor).

Run: `.venv/bin/python bench/retrieval_latency.py [--rounds 3] [--warmup 1]`.
Starts an embedded PostgreSQL 18 + pgvector in /tmp/bench-*, migrates, ingests
knowledge/strategies, then times every query of evals/data/retrieval.jsonl through `search()`
in hybrid, dense and text mode. Prints a table and writes bench/results/retrieval_latency.json.

Every search embeds its query first, so embedding is the in-run baseline: the claim reported is
a ratio ("hybrid search = 1.3x embedding the query"), not an absolute number that only holds on
this machine. Each timed search is a whole unit of work (pool checkout, SET LOCAL, query,
commit), which is what a request pays.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("HF_HUB_OFFLINE", "1")

from machine import machine_info as shared_machine_info  # noqa: E402 - bench/ is on sys.path
from sqlalchemy import text  # noqa: E402
from stats import summarise  # noqa: E402

from service.knowledge.embedder import get_embedder  # noqa: E402
from service.knowledge.ingest import ingest  # noqa: E402
from service.lib.db import Database  # noqa: E402
from service.lib.embedded import EmbeddedPostgres  # noqa: E402
from service.persistence.migrate import upgrade  # noqa: E402
from service.retrieval.search import Query, search  # noqa: E402
from service.settings import Settings  # noqa: E402

MODES = ("hybrid", "dense", "text")
KNOWLEDGE = ROOT / "knowledge" / "strategies"
QUERIES = ROOT / "evals" / "data" / "retrieval.jsonl"


def _torch_threads() -> int:
    import torch

    return int(torch.get_num_threads())


def machine_info() -> dict[str, Any]:
    return shared_machine_info(torch_threads=_torch_threads())


def timed(fn: Callable[[], object]) -> float:
    started = time.perf_counter()
    fn()
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3, help="timed passes over all queries")
    parser.add_argument("--warmup", type=int, default=1, help="untimed passes first")
    parser.add_argument("--limit", type=int, default=0, help="use only the first N queries")
    parser.add_argument(
        "--out", type=Path, default=ROOT / "bench" / "results" / "retrieval_latency.json"
    )
    args = parser.parse_args()

    rows = [json.loads(line) for line in QUERIES.read_text().splitlines() if line.strip()]
    if args.limit:
        rows = rows[: args.limit]
    # Each eval query carries the risk categories it is asked under, so the contraindication
    # filter (and the iterative HNSW scan it relies on) is exercised as in production.
    queries = [(r["text"], tuple(r.get("risk_categories", []))) for r in rows]
    machine = machine_info()

    data_dir = Path(tempfile.mkdtemp(prefix="bench-retrieval-", dir="/tmp"))
    postgres = EmbeddedPostgres(data_dir)
    db: Database | None = None
    try:
        url = postgres.start()
        upgrade(url)
        db = Database.connect(url)
        embedder = get_embedder(Settings.model_fields["embedding_model"].default)
        with db.unit_of_work() as session:
            report = ingest(session, KNOWLEDGE, embedder)
        with db.unit_of_work() as session:
            server = {
                "postgres": session.execute(text("SHOW server_version")).scalar_one(),
                "pgvector": session.execute(
                    text("SELECT extversion FROM pg_extension WHERE extname = 'vector'")
                ).scalar_one(),
                "shared_buffers": session.execute(text("SHOW shared_buffers")).scalar_one(),
            }
            cards = session.execute(text("SELECT count(*) FROM knowledge_cards")).scalar_one()
            chunks = session.execute(text("SELECT count(*) FROM knowledge_chunks")).scalar_one()
        print(f"ingested {len(report.added)} cards, {chunks} chunks; {len(queries)} queries")

        def run_search(query_text: str, risks: tuple[str, ...], mode: str) -> None:
            assert db is not None
            with db.unit_of_work() as session:
                search(session, embedder, Query(text=query_text, risk_categories=risks, mode=mode))  # type: ignore[arg-type]

        measures = ("embed", *MODES)
        samples: dict[str, list[float]] = {m: [] for m in measures}
        for round_no in range(args.warmup + args.rounds):
            warm = round_no < args.warmup
            gc.collect()
            for i, (query_text, risks) in enumerate(queries):
                # Rotate the order per query so no measure always runs right after another
                # (cache and scheduler effects then fall on every measure alike).
                shift = (i + round_no) % len(measures)
                for measure in measures[shift:] + measures[:shift]:
                    if measure == "embed":
                        elapsed = timed(lambda: embedder.embed([query_text]))  # noqa: B023
                    else:
                        elapsed = timed(lambda: run_search(query_text, risks, measure))  # noqa: B023
                    if not warm:
                        samples[measure].append(elapsed)
            print(f"{'warm-up' if warm else 'round'} {round_no + 1} done", file=sys.stderr)
    finally:
        if db is not None:
            db.dispose()
        postgres.stop()
        shutil.rmtree(data_dir, ignore_errors=True)

    stats = {m: summarise(samples[m]) for m in measures}
    embed = stats["embed"]
    ratios = {
        mode: {
            "p50_vs_embed": round(stats[mode]["p50_ms"] / embed["p50_ms"], 3),
            "mean_vs_embed": round(stats[mode]["mean_ms"] / embed["mean_ms"], 3),
            # The fastest sample is the least disturbed by other work on a shared machine.
            "min_vs_embed": round(stats[mode]["min_ms"] / embed["min_ms"], 3),
            "embed_share_of_p50": round(embed["p50_ms"] / stats[mode]["p50_ms"], 3),
            "database_and_fusion_p50_ms": round(stats[mode]["p50_ms"] - embed["p50_ms"], 3),
        }
        for mode in MODES
    }
    machine["load_average_at_end"] = [round(x, 2) for x in os.getloadavg()]
    result = {
        "command": "python bench/retrieval_latency.py " + " ".join(sys.argv[1:]),
        "machine": machine,
        "server": server,
        "knowledge_base": {"cards": cards, "chunks": chunks},
        "queries": len(queries),
        "queries_with_risk_filter": sum(1 for _, r in queries if r),
        "rounds": args.rounds,
        "warmup_rounds": args.warmup,
        "latency": stats,
        "ratio_vs_embedding_the_query": ratios,
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2) + "\n")

    print(f"{'measure':<16}{'p50 ms':>9}{'p99 ms':>9}{'mean ms':>9}{'x embed (p50)':>15}")
    for m in measures:
        s = stats[m]
        ratio = "1.00" if m == "embed" else f"{ratios[m]['p50_vs_embed']:.2f}"
        label = "embed query" if m == "embed" else f"search {m}"
        print(f"{label:<16}{s['p50_ms']:>9.2f}{s['p99_ms']:>9.2f}{s['mean_ms']:>9.2f}{ratio:>15}")
    for mode in MODES:
        r = ratios[mode]
        print(
            f"{mode} search = {r['p50_vs_embed']:.2f}x embedding the query "
            f"(embedding is {r['embed_share_of_p50']:.0%} of its p50; fastest runs "
            f"{r['min_vs_embed']:.2f}x)"
        )
    print(f"written to {args.out.relative_to(ROOT) if args.out.is_relative_to(ROOT) else args.out}")


if __name__ == "__main__":
    main()
