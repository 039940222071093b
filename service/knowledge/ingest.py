"""`attune kb ingest`: validate, chunk, embed and upsert cards; unchanged cards cost nothing."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import delete, select, text, update
from sqlalchemy.orm import Session

from service.knowledge.cards import StrategyCard, load_cards
from service.knowledge.chunking import chunk_card
from service.knowledge.embedder import Embedder
from service.persistence.models import KnowledgeCard, KnowledgeChunk

_INGEST_LOCK = 0x4B_42_49_4E  # "KBIN": concurrent ingests queue up instead of racing

Progress = Callable[[str, StrategyCard], None]


@dataclass
class IngestReport:
    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    chunks_embedded: int = 0

    @property
    def changed(self) -> bool:
        return bool(self.added or self.updated or self.removed)


def stored_hashes(session: Session) -> dict[str, tuple[str, str]]:
    rows = session.execute(
        select(KnowledgeCard.id, KnowledgeCard.content_hash, KnowledgeCard.embedding_model)
    )
    return {row.id: (row.content_hash, row.embedding_model) for row in rows}


def needs_ingest(session: Session, directory: Path, embedding_model: str) -> bool:
    """True when the cards on disk differ from what is stored (cheap: hashes only)."""
    cards = load_cards(directory)
    stored = stored_hashes(session)
    on_disk = {c.id: (c.content_hash, embedding_model) for c in cards}
    return on_disk != stored


def stored_vector_width(session: Session) -> int:
    """The dimension of ``knowledge_chunks.embedding`` as the database has it."""
    width = session.scalar(
        text(
            "SELECT atttypmod FROM pg_attribute "
            "WHERE attrelid = 'knowledge_chunks'::regclass AND attname = 'embedding'"
        )
    )
    return int(width or 0)


def fit_vector_width(session: Session, dim: int) -> bool:
    """The re-embedding migration: when the encoder's width differs from the column's, the
    column and its HNSW index are rebuilt at the new width and every card is marked for
    re-embedding (inside the ingest's transaction, so a failure leaves the old index whole)."""
    if stored_vector_width(session) == dim:
        return False
    session.execute(text("DROP INDEX IF EXISTS ix_knowledge_chunks_embedding_hnsw"))
    session.execute(delete(KnowledgeChunk))
    # dim is an int from the embedder, never user text; DDL cannot take bind parameters.
    session.execute(
        text(f"ALTER TABLE knowledge_chunks ALTER COLUMN embedding TYPE vector({int(dim)})")
    )
    session.execute(
        text(
            "CREATE INDEX ix_knowledge_chunks_embedding_hnsw ON knowledge_chunks "
            "USING hnsw (embedding vector_cosine_ops) WITH (m = 16, ef_construction = 64)"
        )
    )
    session.execute(update(KnowledgeCard).values(embedding_model=""))
    return True


def ingest(
    session: Session,
    directory: Path,
    embedder: Embedder,
    *,
    progress: Progress | None = None,
) -> IngestReport:
    """Bring the stored knowledge base in line with ``directory``, in the caller's transaction."""
    cards = load_cards(directory)  # validate everything before touching the database
    session.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _INGEST_LOCK})
    fit_vector_width(session, embedder.dim)
    stored = stored_hashes(session)
    report = IngestReport()
    for card in cards:
        previous = stored.get(card.id)
        if previous == (card.content_hash, embedder.model_id):
            report.unchanged.append(card.id)
            if progress:
                progress("unchanged", card)
            continue
        report.chunks_embedded += _write_card(session, card, embedder)
        (report.updated if previous else report.added).append(card.id)
        if progress:
            progress("updated" if previous else "added", card)
    gone = sorted(set(stored) - {c.id for c in cards})
    if gone:
        session.execute(delete(KnowledgeCard).where(KnowledgeCard.id.in_(gone)))
        report.removed = gone
    session.flush()
    return report


def _write_card(session: Session, card: StrategyCard, embedder: Embedder) -> int:
    chunks = chunk_card(card)
    vectors = embedder.embed_documents([c.embedding_text(card) for c in chunks])
    session.execute(delete(KnowledgeChunk).where(KnowledgeChunk.card_id == card.id))
    row = session.get(KnowledgeCard, card.id) or KnowledgeCard(id=card.id)
    row.title = card.title
    row.summary = card.summary
    row.kind = card.kind
    row.patterns = [str(p) for p in card.patterns]
    row.burnout_signals = [str(b) for b in card.burnout_signals]
    row.stages = list(card.stages)
    row.contraindications = [str(c) for c in card.contraindications]
    row.steps = {"items": card.steps}
    row.evidence = {"items": [e.model_dump() for e in card.evidence]}
    row.body = card.body
    row.version = card.version
    row.content_hash = card.content_hash
    row.embedding_model = embedder.model_id
    row.source_path = card.source_path
    session.add(row)
    session.flush()
    for chunk, vector in zip(chunks, vectors, strict=True):
        session.add(
            KnowledgeChunk(
                card_id=card.id,
                ordinal=chunk.ordinal,
                title=card.title,
                summary=card.summary,
                heading=chunk.heading,
                content=chunk.content,
                embedding=vector,
            )
        )
    return len(chunks)
