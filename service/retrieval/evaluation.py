"""Retrieval quality on labelled queries: recall@1, recall@3 and MRR per search mode."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from service.knowledge.embedder import Embedder
from service.retrieval.search import Mode, Query, search

DATA_DIR = Path(__file__).resolve().parents[2] / "evals" / "data"
# English queries, then check-ins written in German, French and Spanish (the cards are English).
QUERY_FILES = ("retrieval.jsonl", "retrieval_multilingual.jsonl")
DEPTH = 10  # ranks looked at for MRR


@dataclass(frozen=True)
class LabelledQuery:
    id: str
    text: str
    relevant: frozenset[str]
    risk_categories: tuple[str, ...]
    split: str
    language: str = "en"


def load_queries(
    split: str = "heldout", files: tuple[str, ...] = QUERY_FILES, directory: Path = DATA_DIR
) -> list[LabelledQuery]:
    out = []
    for name in files:
        path = directory / name
        for line in path.read_text(encoding="utf-8").splitlines():
            if not line.strip():
                continue
            row = json.loads(line)
            if split != "all" and row.get("split") != split:
                continue
            out.append(
                LabelledQuery(
                    str(row["id"]), row["text"], frozenset(row["relevant"]),
                    tuple(row.get("risk_categories", [])), row.get("split", ""),
                    str(row.get("locale") or "en").split("-")[0],
                )
            )  # fmt: skip
    return out


def first_relevant_rank(ranked: list[str], relevant: frozenset[str]) -> int | None:
    for position, card_id in enumerate(ranked, 1):
        if card_id in relevant:
            return position
    return None


def score(ranks: list[int | None]) -> dict[str, float]:
    n = max(1, len(ranks))
    return {
        "recall@1": round(sum(r is not None and r <= 1 for r in ranks) / n, 4),
        "recall@3": round(sum(r is not None and r <= 3 for r in ranks) / n, 4),
        "mrr": round(sum(1.0 / r for r in ranks if r is not None) / n, 4),
    }


Boosts = Callable[[list[LabelledQuery]], list[tuple[list[str], list[str]]]]


def evaluate(
    session: Session,
    embedder: Embedder,
    queries: list[LabelledQuery],
    *,
    boosts: Boosts | None = None,
    progress: Callable[[], None] | None = None,
) -> dict[str, Any]:
    """Scores for dense, text, hybrid (RRF) and, with ``boosts``, hybrid as the pipeline runs it
    (patterns and burnout signals from the classifier boosting matching cards)."""
    labels = boosts(queries) if boosts else [([], [])] * len(queries)
    modes: list[tuple[str, Mode, bool]] = [
        ("dense", "dense", False), ("text", "text", False), ("hybrid", "hybrid", False),
    ]  # fmt: skip
    if boosts:
        modes.append(("hybrid+classifier", "hybrid", True))
    ranks: dict[str, list[int | None]] = {name: [] for name, _, _ in modes}
    misses: list[dict[str, Any]] = []
    for query, (patterns, burnout) in zip(queries, labels, strict=True):
        for name, mode, boosted in modes:
            found = search(
                session,
                embedder,
                Query(
                    text=query.text,
                    risk_categories=query.risk_categories,
                    patterns=patterns if boosted else (),
                    burnout_signals=burnout if boosted else (),
                    k=DEPTH,
                    mode=mode,
                ),
            )
            rank = first_relevant_rank([c.id for c in found], query.relevant)
            ranks[name].append(rank)
            if name == modes[-1][0] and (rank is None or rank > 3):
                misses.append({"id": query.id, "text": query.text,
                               "relevant": sorted(query.relevant),
                               "got": [c.id for c in found[:3]]})  # fmt: skip
        if progress:
            progress()
    languages = sorted({q.language for q in queries})
    return {
        "queries": len(queries),
        "modes": {name: score(r) for name, r in ranks.items()},
        "by_language": {
            lang: {
                "queries": sum(q.language == lang for q in queries),
                **{
                    name: score([r for q, r in zip(queries, rs, strict=True) if q.language == lang])
                    for name, rs in ranks.items()
                },
            }
            for lang in languages
        },
        "misses_of_best_mode": misses,
    }
