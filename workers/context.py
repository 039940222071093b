"""What jobs need (database, Redis, embedder, settings), built once per worker process."""

from __future__ import annotations

from dataclasses import dataclass

from redis import Redis

from service.classify.classifier import Classifier
from service.classify.provider import build_classifier, gateway_from_settings
from service.coaching.llm_writer import LLMTipWriter
from service.knowledge.embedder import Embedder, SharedVectors, get_embedder
from service.lib.crypto import configure_cipher_from
from service.lib.db import Database
from service.lib.queue import connect_redis
from service.settings import Settings, get_settings


@dataclass
class JobContext:
    settings: Settings
    db: Database
    redis: Redis
    _embedder: Embedder | None = None
    _classifier: Classifier | None = None
    _tip_writer: LLMTipWriter | None = None

    @property
    def tip_writer(self) -> LLMTipWriter | None:
        """The model-backed tip writer, or None for the offline composer (no endpoint set)."""
        if self._tip_writer is None and self.settings.llm_base_url:
            self._tip_writer = LLMTipWriter(gateway_from_settings(self.settings))
        return self._tip_writer

    @property
    def embedder(self) -> Embedder:
        """The knowledge base's encoder. Wrapped so that, inside a batch, a text embedded by
        the classifier with the same encoder is not embedded again for retrieval."""
        if self._embedder is None:
            s = self.settings
            self._embedder = get_embedder(
                s.embedding_model,
                base_url=s.llm_base_url,
                api_key=s.llm_api_key.get_secret_value() if s.llm_api_key else None,
                dim=s.embedding_dim,
            )
        if not isinstance(self._embedder, SharedVectors):
            self._embedder = SharedVectors(self._embedder)
        return self._embedder

    @property
    def classifier(self) -> Classifier:
        if self._classifier is None:
            self._classifier = build_classifier(self.settings, self.embedder)
        return self._classifier


_context: list[JobContext] = []


def install(context: JobContext) -> JobContext:
    """Set the context jobs in this process use (worker start-up and tests call this)."""
    _context[:] = [context]
    return context


def current() -> JobContext:
    if not _context:
        install(from_settings(get_settings()))
    return _context[0]


def from_settings(settings: Settings) -> JobContext:
    if settings.database_url is None or settings.redis_url is None:
        raise RuntimeError("workers need DATABASE_URL and REDIS_URL (attune up sets them)")
    configure_cipher_from(settings)
    return JobContext(
        settings=settings,
        db=Database.connect(settings.database_url),
        redis=connect_redis(settings.redis_url),
    )
