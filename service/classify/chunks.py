"""Long texts are read in chunks of a few sentences, so that one sentence of danger in the
middle of a forum post is not averaged away (or cut off: encoders stop at 256–512 tokens).

Each chunk is embedded once; the text's own vector is the normalised mean of its chunks'
vectors, so reading a long text costs about the same as embedding it whole.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from service.knowledge.embedder import Embedder

CHUNK_WORDS = 60  # a chunk ends at the sentence that takes it past this many words
_SENTENCE_END = re.compile(r"(?<=[.!?…])\s+|\n+")
_WORD = re.compile(r"\S+")


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) offsets of the sentences in ``text``, whitespace trimmed."""
    spans: list[tuple[int, int]] = []
    position = 0
    for match in [*_SENTENCE_END.finditer(text), None]:
        end = match.start() if match else len(text)
        chunk = text[position:end]
        if chunk.strip():
            lead = len(chunk) - len(chunk.lstrip())
            spans.append((position + lead, position + len(chunk.rstrip())))
        if match:
            position = match.end()
    return spans


def _split_long(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """A run-on "sentence" of many words is cut every CHUNK_WORDS words."""
    words = [(m.start() + start, m.end() + start) for m in _WORD.finditer(text[start:end])]
    return [
        (words[i][0], words[min(i + CHUNK_WORDS, len(words)) - 1][1])
        for i in range(0, len(words), CHUNK_WORDS)
    ]


def chunk_spans(text: str) -> list[tuple[int, int]]:
    """Consecutive sentences grouped into chunks of about CHUNK_WORDS words."""
    pieces: list[tuple[int, int]] = []
    for a, b in sentence_spans(text) or [(0, len(text))]:
        n = len(_WORD.findall(text[a:b]))
        pieces += _split_long(text, a, b) if n > CHUNK_WORDS * 1.5 else [(a, b)]
    chunks: list[tuple[int, int]] = []
    start, words, last_end = -1, 0, 0
    for a, b in pieces:
        n = len(_WORD.findall(text[a:b]))
        if start >= 0 and words + n > CHUNK_WORDS:
            chunks.append((start, last_end))
            start, words = -1, 0
        if start < 0:
            start = a
        words += n
        last_end = b
    if start >= 0:
        chunks.append((start, last_end))
    return chunks or [(0, len(text))]


@dataclass(frozen=True)
class ChunkedTexts:
    """Embeddings of many texts read in chunks."""

    documents: npt.NDArray[np.float32]  # one unit vector per text
    chunks: npt.NDArray[np.float32]  # one unit vector per chunk, all texts in order
    owner: npt.NDArray[np.int64]  # the text each chunk belongs to
    spans: list[tuple[int, int]]  # each chunk's offsets in its text
    texts: list[str]  # each chunk's text

    def of(self, index: int) -> npt.NDArray[np.int64]:
        return np.flatnonzero(self.owner == index)


def embed_chunked(embedder: Embedder, texts: list[str]) -> ChunkedTexts:
    spans_per_text = [chunk_spans(t) for t in texts]
    chunk_texts = [t[a:b] for t, spans in zip(texts, spans_per_text, strict=True) for a, b in spans]
    owner = np.array(
        [i for i, spans in enumerate(spans_per_text) for _ in spans], dtype=np.int64
    ).reshape(-1)
    vectors = embedder.embed(chunk_texts) if chunk_texts else np.zeros((0, embedder.dim))
    vectors = np.asarray(vectors, dtype=np.float32)
    documents = np.zeros((len(texts), embedder.dim), dtype=np.float32)
    np.add.at(documents, owner, vectors)
    norms = np.linalg.norm(documents, axis=1, keepdims=True)
    documents = documents / np.maximum(norms, 1e-12)
    return ChunkedTexts(
        documents=documents.astype(np.float32),
        chunks=vectors,
        owner=owner,
        spans=[s for spans in spans_per_text for s in spans],
        texts=chunk_texts,
    )
