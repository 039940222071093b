"""An on-disk cache around an embedder, so that experiments re-embed nothing they have seen.

Keys are SHA-256 of (model id, kind, text); the cache lives in ``.cache/embeddings/`` (ignored by
git). Only for benchmarks and training experiments: the service never caches partners' words.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import numpy as np

from service.knowledge.embedder import Embedder, Vectors

CACHE_DIR = Path(__file__).resolve().parents[1] / ".cache" / "embeddings"


class CachedEmbedder:
    def __init__(self, inner: Embedder, directory: Path = CACHE_DIR) -> None:
        self.inner = inner
        self.model_id = inner.model_id
        self.dim = inner.dim
        directory.mkdir(parents=True, exist_ok=True)
        self._path = directory / (inner.model_id.replace(":", "_").replace("/", "_") + ".npz")
        self._store: dict[str, np.ndarray] = {}
        if self._path.exists():
            with np.load(self._path) as data:
                keys = data["keys"]
                vectors = data["vectors"]
            self._store = {str(k): v for k, v in zip(keys, vectors, strict=True)}
        self._dirty = False

    def _key(self, text: str, kind: str) -> str:
        return hashlib.sha256(f"{self.model_id}\0{kind}\0{text}".encode()).hexdigest()[:32]

    def _embed(self, texts: list[str], kind: str) -> Vectors:
        keys = [self._key(t, kind) for t in texts]
        missing = sorted(
            {k: t for k, t in zip(keys, texts, strict=True) if k not in self._store}.items()
        )
        if missing:
            fn = self.inner.embed if kind == "q" else self.inner.embed_documents
            for start in range(0, len(missing), 64):
                block = missing[start : start + 64]
                vectors = fn([t for _, t in block])
                for (k, _), v in zip(block, vectors, strict=True):
                    self._store[k] = v
            self._dirty = True
            self.save()
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for i, k in enumerate(keys):
            out[i] = self._store[k]
        return out

    def embed(self, texts: list[str]) -> Vectors:
        return self._embed(texts, "q")

    def embed_documents(self, texts: list[str]) -> Vectors:
        return self._embed(texts, "d")

    def save(self) -> None:
        if not self._dirty:
            return
        keys = np.array(list(self._store), dtype="U32")
        vectors = np.vstack(list(self._store.values())).astype(np.float32)
        tmp = self._path.with_suffix(".tmp.npz")
        np.savez(tmp, keys=keys, vectors=vectors)
        tmp.replace(self._path)
        self._dirty = False
