"""Hybrid retrieval: pgvector HNSW cosine + Postgres full-text, fused by reciprocal rank.

Cards contraindicated for the caller's risk categories are filtered in SQL *and* checked again
here: a joint exercise must never reach someone whose partner is hurting or controlling them.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from sqlalchemy import text
from sqlalchemy.orm import Session

from service.knowledge.embedder import Embedder, Vectors, to_pgvector

Mode = Literal["hybrid", "dense", "text"]

RRF_K = 10  # small: top ranks matter; the usual 60 let a word match outvote meaning (dev queries)
# Full text sees only shared words; check-ins rarely use the cards' words, so its list is the
# weaker voice in the fusion (tuned on the dev queries, never on the held-out ones).
DENSE_WEIGHT = 1.0
TEXT_WEIGHT = 0.1
CANDIDATES = 40  # chunks taken from each list before fusion
TEXT_PREFILTER = 80  # word-matching chunks given the costly cover-density rank (2x CANDIDATES)
PATTERN_BOOST = 0.012  # per classified pattern the card addresses (~ one rank step near the top)
BURNOUT_BOOST = 0.010

_SQL = text(
    """
WITH dense_chunks AS (
    SELECT c.card_id, c.embedding <=> CAST(:qvec AS vector) AS dist
    FROM knowledge_chunks c
    JOIN knowledge_cards k ON k.id = c.card_id
    WHERE NOT (k.contraindications && CAST(:blocked AS text[]))
    ORDER BY c.embedding <=> CAST(:qvec AS vector)
    LIMIT :n
),
dense AS (
    SELECT card_id, min(dist) AS dist, rank() OVER (ORDER BY min(dist)) AS rnk
    FROM dense_chunks GROUP BY card_id
),
q AS (
    -- plainto_tsquery ANDs every word; a check-in is prose, so any shared word should count.
    SELECT replace(plainto_tsquery('english', :qtext)::text, '&', '|')::tsquery AS query
),
text_matches AS (
    -- A check-in's OR-ed words match most chunks; cover density is costly, so it is computed
    -- only for the chunks the cheap frequency rank puts well ahead (docs/retrieval.md).
    SELECT c.card_id, c.tsv
    FROM knowledge_chunks c
    JOIN knowledge_cards k ON k.id = c.card_id
    CROSS JOIN q
    WHERE c.tsv @@ q.query AND NOT (k.contraindications && CAST(:blocked AS text[]))
    ORDER BY ts_rank(c.tsv, q.query, 32) DESC
    LIMIT :prefilter
),
text_chunks AS (
    SELECT t.card_id, ts_rank_cd(t.tsv, q.query, 32) AS score
    FROM text_matches t CROSS JOIN q
    ORDER BY score DESC
    LIMIT :n
),
fts AS (
    SELECT card_id, max(score) AS score, rank() OVER (ORDER BY max(score) DESC) AS rnk
    FROM text_chunks GROUP BY card_id
)
SELECT k.id, k.title, k.summary, k.kind, k.patterns, k.burnout_signals, k.contraindications,
       k.stages, k.steps, k.evidence, d.rnk AS dense_rank, f.rnk AS text_rank,
       d.dist AS dense_distance
FROM knowledge_cards k
LEFT JOIN dense d ON d.card_id = k.id
LEFT JOIN fts f ON f.card_id = k.id
WHERE (d.card_id IS NOT NULL OR f.card_id IS NOT NULL)
  AND NOT (k.contraindications && CAST(:blocked AS text[]))
"""
)


@dataclass(frozen=True)
class RetrievedCard:
    id: str
    title: str
    summary: str
    kind: str
    score: float
    patterns: list[str]
    burnout_signals: list[str]
    contraindications: list[str]
    stages: list[str]
    steps: list[str]
    evidence: list[dict[str, str]]
    dense_rank: int | None
    text_rank: int | None
    reason: str

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "title": self.title,
            "score": round(self.score, 5),
            "patterns": self.patterns,
            "burnout_signals": self.burnout_signals,
            "contraindications": self.contraindications,
            "reason": self.reason,
        }


@dataclass(frozen=True)
class Query:
    text: str
    risk_categories: Sequence[str] = ()
    patterns: Sequence[str] = ()
    burnout_signals: Sequence[str] = ()
    k: int = 3
    mode: Mode = "hybrid"
    blocked: frozenset[str] = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "blocked", frozenset(self.risk_categories))


def search(
    session: Session, embedder: Embedder, query: Query, *, vector: Vectors | None = None
) -> list[RetrievedCard]:
    """The top ``query.k`` cards for ``query``, best first, never a contraindicated one.

    ``vector``: ``query.text`` already embedded with ``embedder`` (a worker batch embeds all its
    texts in one encoder call); without it the text is embedded here."""
    if vector is None:
        vector = embedder.embed([query.text])[0]
    elif vector.shape != (embedder.dim,):
        raise ValueError(
            f"query vector has shape {vector.shape}, the index wants ({embedder.dim},)"
        )
    # Iterative scans keep the HNSW index useful when the filter removes many neighbours.
    session.execute(text("SET LOCAL hnsw.iterative_scan = relaxed_order"))
    session.execute(text("SET LOCAL hnsw.ef_search = 100"))
    rows = session.execute(
        _SQL,
        {
            "qvec": to_pgvector(vector),
            "qtext": query.text,
            "blocked": sorted(query.blocked),
            "n": CANDIDATES,
            "prefilter": TEXT_PREFILTER,
        },
    ).mappings()
    scored = (_score(row, query) for row in rows)
    cards = [c for c in scored if c is not None and not (set(c.contraindications) & query.blocked)]
    cards.sort(key=lambda c: (-c.score, c.id))
    return cards[: query.k]


def _score(row: Any, query: Query) -> RetrievedCard | None:
    dense_rank, text_rank = row["dense_rank"], row["text_rank"]
    if query.mode == "dense":
        if dense_rank is None:
            return None
        score = 1.0 / (RRF_K + dense_rank)
    elif query.mode == "text":
        if text_rank is None:
            return None
        score = 1.0 / (RRF_K + text_rank)
    else:
        score = DENSE_WEIGHT * _rrf(dense_rank) + TEXT_WEIGHT * _rrf(text_rank)
    matched_patterns = sorted(set(row["patterns"]) & set(query.patterns))
    matched_burnout = sorted(set(row["burnout_signals"]) & set(query.burnout_signals))
    if query.mode == "hybrid":
        score += PATTERN_BOOST * len(matched_patterns) + BURNOUT_BOOST * len(matched_burnout)
    return RetrievedCard(
        id=row["id"],
        title=row["title"],
        summary=row["summary"],
        kind=row["kind"],
        score=score,
        patterns=list(row["patterns"]),
        burnout_signals=list(row["burnout_signals"]),
        contraindications=list(row["contraindications"]),
        stages=list(row["stages"]),
        steps=list(row["steps"].get("items", [])),
        evidence=list(row["evidence"].get("items", [])),
        dense_rank=dense_rank,
        text_rank=text_rank,
        reason=_reason(dense_rank, text_rank, matched_patterns, matched_burnout),
    )


def _rrf(rank: int | None) -> float:
    return 0.0 if rank is None else 1.0 / (RRF_K + rank)


def _reason(
    dense_rank: int | None,
    text_rank: int | None,
    patterns: Iterable[str],
    burnout: Iterable[str],
) -> str:
    parts = []
    if dense_rank is not None:
        parts.append(f"meaning match #{dense_rank}")
    if text_rank is not None:
        parts.append(f"word match #{text_rank}")
    if patterns := list(patterns):
        parts.append("addresses " + ", ".join(patterns))
    if burnout := list(burnout):
        parts.append("eases " + ", ".join(burnout))
    return "; ".join(parts)
