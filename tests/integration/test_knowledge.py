"""Knowledge ingestion and retrieval against the real Postgres + pgvector."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from sqlalchemy import func, select, text

from service.knowledge.cards import load_cards
from service.knowledge.ingest import ingest, stored_vector_width
from service.persistence.models import KnowledgeCard, KnowledgeChunk
from service.retrieval.search import Query, search
from service.taxonomy import RiskCategory
from tests.conftest import KNOWLEDGE, REPO

pytestmark = pytest.mark.integration


class CountingEmbedder:
    """The real embedder, counting how many texts it is asked to embed."""

    def __init__(self, inner: Any) -> None:
        self.inner = inner
        self.model_id = inner.model_id
        self.dim = inner.dim
        self.texts = 0

    def embed(self, texts: list[str]) -> Any:
        self.texts += len(texts)
        return self.inner.embed(texts)

    def embed_documents(self, texts: list[str]) -> Any:
        self.texts += len(texts)
        return self.inner.embed_documents(texts)


def _counts(database: Any) -> tuple[int, int]:
    with database.unit_of_work() as session:
        cards = session.scalar(select(func.count()).select_from(KnowledgeCard)) or 0
        chunks = session.scalar(select(func.count()).select_from(KnowledgeChunk)) or 0
    return cards, chunks


def test_unchanged_knowledge_base_re_embeds_nothing(
    database: Any, embedder: Any, knowledge_base: Path
) -> None:
    counting = CountingEmbedder(embedder)
    with database.unit_of_work() as session:
        report = ingest(session, KNOWLEDGE / "strategies", counting)
    assert counting.texts == 0
    assert report.chunks_embedded == 0
    assert not report.changed
    assert len(report.unchanged) == len(load_cards(KNOWLEDGE / "strategies"))


def test_changed_and_deleted_cards_are_synced(
    database: Any, embedder: Any, knowledge_base: Path, tmp_path: Path
) -> None:
    copy = tmp_path / "strategies"
    shutil.copytree(KNOWLEDGE / "strategies", copy)
    edited = copy / "rituals-of-connection.md"
    edited.write_text(
        edited.read_text().replace("## Why it matters", "## Why it matters\n\nEdited.")
    )
    (copy / "myth-date-nights.md").unlink()
    counting = CountingEmbedder(embedder)
    try:
        with database.unit_of_work() as session:
            report = ingest(session, copy, counting)
        assert report.updated == ["rituals-of-connection"]
        assert report.removed == ["myth-date-nights"]
        assert counting.texts == report.chunks_embedded > 0
        with database.unit_of_work() as session:
            assert session.get(KnowledgeCard, "myth-date-nights") is None
            orphans = session.scalar(
                select(func.count())
                .select_from(KnowledgeChunk)
                .where(KnowledgeChunk.card_id == "myth-date-nights")
            )
        assert orphans == 0
    finally:
        with database.unit_of_work() as session:
            ingest(session, KNOWLEDGE / "strategies", embedder)


class NarrowEmbedder:
    """Another encoder of another width: the real vectors folded to 48 dimensions."""

    model_id = "test:narrow-48"
    dim = 48

    def __init__(self, inner: Any) -> None:
        self.inner = inner

    def _fold(self, vectors: Any) -> Any:
        folded = vectors.reshape(len(vectors), self.dim, -1).sum(axis=2)
        return folded / np.linalg.norm(folded, axis=1, keepdims=True)

    def embed(self, texts: list[str]) -> Any:
        return self._fold(self.inner.embed(texts))

    def embed_documents(self, texts: list[str]) -> Any:
        return self._fold(self.inner.embed_documents(texts))


def test_a_new_encoder_re_embeds_the_knowledge_base_at_its_width(
    database: Any, embedder: Any, knowledge_base: Path
) -> None:
    """Changing EMBEDDING_MODEL needs no manual migration: ingest rebuilds column and index."""
    narrow = NarrowEmbedder(embedder)
    cards, chunks = _counts(database)
    try:
        with database.unit_of_work() as session:
            report = ingest(session, KNOWLEDGE / "strategies", narrow)
        assert len(report.updated) == cards
        with database.unit_of_work() as session:
            assert stored_vector_width(session) == 48
            found = search(session, narrow, Query(text="he is always on his phone", k=3))
            index = session.execute(
                text("SELECT indexdef FROM pg_indexes WHERE indexname = :n"),
                {"n": "ix_knowledge_chunks_embedding_hnsw"},
            ).scalar_one()
        assert len(found) == 3
        assert "hnsw" in index
        assert _counts(database) == (cards, chunks)
    finally:
        with database.unit_of_work() as session:
            ingest(session, KNOWLEDGE / "strategies", embedder)
        with database.unit_of_work() as session:
            assert stored_vector_width(session) == embedder.dim


def test_concurrent_ingests_do_not_duplicate(
    database: Any, embedder: Any, knowledge_base: Path, tmp_path: Path
) -> None:
    copy = tmp_path / "strategies"
    shutil.copytree(KNOWLEDGE / "strategies", copy)
    card = copy / "turn-toward-bids.md"
    card.write_text(card.read_text() + "\nOne more line.\n")
    before = _counts(database)
    errors: list[BaseException] = []

    def run() -> None:
        try:
            with database.unit_of_work() as session:
                ingest(session, copy, embedder)
        except BaseException as exc:  # surfaced below
            errors.append(exc)

    threads = [threading.Thread(target=run) for _ in range(2)]
    try:
        for t in threads:
            t.start()
        for t in threads:
            t.join(120)
        assert not errors
        assert _counts(database)[0] == before[0]
    finally:
        with database.unit_of_work() as session:
            ingest(session, KNOWLEDGE / "strategies", embedder)
    assert _counts(database) == before


def test_no_contraindicated_card_is_ever_returned(
    database: Any, embedder: Any, knowledge_base: Path
) -> None:
    """For every card and every category it is contraindicated for: even a query that is the
    card's own title and summary does not bring it back."""
    cards = load_cards(KNOWLEDGE / "strategies")
    checked = 0
    with database.unit_of_work() as session:
        for card in cards:
            for category in card.contraindications:
                found = search(
                    session,
                    embedder,
                    Query(text=f"{card.title}. {card.summary}", risk_categories=[category], k=30),
                )
                assert card.id not in {c.id for c in found}
                assert all(category not in c.contraindications for c in found)
                checked += 1
            unblocked = search(session, embedder, Query(text=f"{card.title}. {card.summary}", k=3))
            assert card.id in {c.id for c in unblocked}, card.id
    assert checked > 0
    safe = [c for c in cards if not c.contraindications]
    assert len(safe) >= 3


def test_search_returns_scores_and_reasons(
    database: Any, embedder: Any, knowledge_base: Path
) -> None:
    with database.unit_of_work() as session:
        found = search(
            session,
            embedder,
            Query(text="he is glued to his phone at dinner", patterns=["technoference"], k=3),
        )
    assert found
    assert found[0].score >= found[-1].score
    assert all(c.reason for c in found)
    assert any("technoference" in c.patterns for c in found)


def test_kb_search_cli_json(
    backing_services: tuple[str, str], knowledge_base: Path, cipher_key: str
) -> None:
    env = {**os.environ, "DATABASE_URL": backing_services[0], "ENCRYPTION_KEY": cipher_key}
    single = subprocess.run(
        [sys.executable, "-m", "service.cli.main", "kb", "search", "we never laugh any more",
         "--json", "-k", "2", "--risk", "partner_violence"],
        capture_output=True, text=True, env=env, cwd=REPO, timeout=180, check=True,
    )  # fmt: skip
    rows = [json.loads(line) for line in single.stdout.splitlines()]
    assert len(rows) == 2
    for row in rows:
        assert {"id", "title", "score", "patterns", "burnout_signals", "contraindications"} <= set(
            row
        )
        assert str(RiskCategory.PARTNER_VIOLENCE) not in row["contraindications"]
    many = subprocess.run(
        [sys.executable, "-m", "service.cli.main", "kb", "search", "--jsonl", "-", "-k", "1"],
        input='{"id": "q1", "text": "phones at dinner"}\n{"id": "q2", "text": "he hit me", '
        '"risk_categories": ["partner_violence"]}\n{"text": "no id"}\n',
        capture_output=True, text=True, env=env, cwd=REPO, timeout=180,
    )  # fmt: skip
    assert many.returncode == 2  # one bad line
    out = [json.loads(line) for line in many.stdout.splitlines()]
    assert [o.get("query_id") for o in out] == ["q1", "q2", None]
    assert len(out[0]["results"]) == 1
    assert "partner_violence" not in out[1]["results"][0]["contraindications"]
