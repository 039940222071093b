"""Features for the local classifier: MiniLM sentence embeddings, tf-idf n-grams and cue hits.

The tf-idf transform is re-implemented from stored vocabularies and idf weights so that the
shipped model is plain arrays and JSON (no pickles, no dependence on scikit-learn internals).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import numpy.typing as npt
from scipy import sparse
from sklearn.feature_extraction.text import CountVectorizer

from service.classify.lexicon import BURNOUT_CUES, PATTERN_CUES, find_cues
from service.taxonomy import BurnoutSignal, Pattern

Analyzer = Literal["word", "char_wb"]
EMBEDDING_WEIGHT = 2.0  # puts the unit-length embedding on a par with the tf-idf blocks
CUE_IDS = [str(p) for p in Pattern] + [str(b) for b in BurnoutSignal]
_CUES = PATTERN_CUES + BURNOUT_CUES


@dataclass
class TfidfBlock:
    """Sublinear tf-idf over a fixed vocabulary, identical to scikit-learn's TfidfVectorizer."""

    analyzer: Analyzer
    ngram_range: tuple[int, int]
    vocabulary: dict[str, int]
    idf: npt.NDArray[np.float32]

    def __post_init__(self) -> None:
        self._counter = CountVectorizer(
            analyzer=self.analyzer,
            ngram_range=self.ngram_range,
            vocabulary=self.vocabulary,
            lowercase=True,
        )

    @property
    def width(self) -> int:
        return len(self.vocabulary)

    def transform(self, texts: list[str]) -> sparse.csr_matrix:
        counts = self._counter.transform(texts).astype(np.float32).tocsr()
        counts.data = 1.0 + np.log(counts.data)
        weighted = counts.multiply(self.idf.reshape(1, -1)).tocsr()
        norms = np.sqrt(np.asarray(weighted.multiply(weighted).sum(axis=1)).ravel())
        norms[norms == 0] = 1.0
        return sparse.diags(1.0 / norms).dot(weighted).tocsr()

    def to_json(self) -> dict[str, Any]:
        return {"analyzer": self.analyzer, "ngram_range": list(self.ngram_range)}


def cue_matrix(texts: list[str]) -> npt.NDArray[np.float32]:
    """One column per pattern/burnout id: 1 when a lexicon cue for it occurs in the text."""
    index = {label: i for i, label in enumerate(CUE_IDS)}
    out = np.zeros((len(texts), len(CUE_IDS)), dtype=np.float32)
    for row, text in enumerate(texts):
        for hit in find_cues(text, _CUES):
            out[row, index[hit.label]] = 1.0
    return out


def score_matrix(moods: list[int | None], connections: list[int | None]) -> npt.NDArray[np.float32]:
    """Low/high mood and connection as indicators (missing numbers are all zeros)."""
    out = np.zeros((len(moods), 4), dtype=np.float32)
    for row, (mood, conn) in enumerate(zip(moods, connections, strict=True)):
        if mood is not None:
            out[row, 0] = float(mood <= 2)
            out[row, 1] = float(mood >= 4)
        if conn is not None:
            out[row, 2] = float(conn <= 2)
            out[row, 3] = float(conn >= 4)
    return out


@dataclass
class Featurizer:
    word: TfidfBlock
    char: TfidfBlock

    def transform(
        self,
        texts: list[str],
        embeddings: npt.NDArray[np.float32],
        moods: list[int | None],
        connections: list[int | None],
        extra: npt.NDArray[np.float32] | None = None,
    ) -> sparse.csr_matrix:
        blocks: list[Any] = [
            sparse.csr_matrix(embeddings * EMBEDDING_WEIGHT),
            self.word.transform(texts),
            self.char.transform(texts),
            sparse.csr_matrix(cue_matrix(texts)),
            sparse.csr_matrix(score_matrix(moods, connections)),
        ]
        if extra is not None:
            blocks.append(sparse.csr_matrix(extra))
        return sparse.hstack(blocks).tocsr()
