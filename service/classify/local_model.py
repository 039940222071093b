"""The shipped local classifier: linear heads over shared features, stored as arrays + JSON."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
from scipy import sparse

from service.classify.features import Featurizer, TfidfBlock

ARTIFACT_DIR = Path(__file__).resolve().parent / "artifacts"
ARTIFACT_NAME = "local-classifier"

# Risk heads: cumulative levels (so thresholds can be tuned for recall) plus categories.
RISK_HEADS = ["concern_plus", "elevated_plus", "urgent"]


@dataclass
class LinearHeads:
    """Independent logistic heads: one weight row, bias and decision threshold per id."""

    ids: list[str]
    coef: npt.NDArray[np.float32]
    intercept: npt.NDArray[np.float32]
    thresholds: npt.NDArray[np.float32]

    def proba(self, features: sparse.csr_matrix) -> npt.NDArray[np.float32]:
        logits = features @ self.coef.T + self.intercept
        return np.asarray(1.0 / (1.0 + np.exp(-logits)), dtype=np.float32)

    def decide(self, proba: npt.NDArray[np.float32]) -> npt.NDArray[np.bool_]:
        return np.asarray(proba >= self.thresholds, dtype=np.bool_)


@dataclass
class LocalModel:
    version: str
    featurizer: Featurizer
    labels: LinearHeads
    risk: LinearHeads
    metadata: dict[str, Any] = field(default_factory=dict)

    def save(self, directory: Path = ARTIFACT_DIR, name: str = ARTIFACT_NAME) -> Path:
        directory.mkdir(parents=True, exist_ok=True)
        arrays = {
            "word_idf": self.featurizer.word.idf,
            "char_idf": self.featurizer.char.idf,
            "labels_coef": self.labels.coef.astype(np.float16),
            "labels_intercept": self.labels.intercept,
            "labels_thresholds": self.labels.thresholds,
            "risk_coef": self.risk.coef.astype(np.float16),
            "risk_intercept": self.risk.intercept,
            "risk_thresholds": self.risk.thresholds,
        }
        np.savez_compressed(directory / f"{name}.npz", **arrays)  # type: ignore[arg-type]
        meta = {
            "version": self.version,
            "labels": self.labels.ids,
            "risk_heads": self.risk.ids,
            "word": {
                **self.featurizer.word.to_json(),
                "vocabulary": _sorted_vocab(self.featurizer.word),
            },
            "char": {
                **self.featurizer.char.to_json(),
                "vocabulary": _sorted_vocab(self.featurizer.char),
            },
            "metadata": self.metadata,
        }
        path = directory / f"{name}.json"
        path.write_text(json.dumps(meta, ensure_ascii=False, indent=0, sort_keys=True))
        return path

    @classmethod
    def load(cls, directory: Path = ARTIFACT_DIR, name: str = ARTIFACT_NAME) -> LocalModel:
        meta = json.loads((directory / f"{name}.json").read_text(encoding="utf-8"))
        with np.load(directory / f"{name}.npz") as data:
            arrays = {k: data[k] for k in data.files}

        def block(key: str) -> TfidfBlock:
            spec = meta[key]
            vocab = {term: i for i, term in enumerate(spec["vocabulary"])}
            return TfidfBlock(
                analyzer=spec["analyzer"],
                ngram_range=(int(spec["ngram_range"][0]), int(spec["ngram_range"][1])),
                vocabulary=vocab,
                idf=arrays[f"{key}_idf"].astype(np.float32),
            )

        def heads(prefix: str, ids: list[str]) -> LinearHeads:
            return LinearHeads(
                ids=ids,
                coef=arrays[f"{prefix}_coef"].astype(np.float32),
                intercept=arrays[f"{prefix}_intercept"].astype(np.float32),
                thresholds=arrays[f"{prefix}_thresholds"].astype(np.float32),
            )

        return cls(
            version=meta["version"],
            featurizer=Featurizer(word=block("word"), char=block("char")),
            labels=heads("labels", meta["labels"]),
            risk=heads("risk", meta["risk_heads"]),
            metadata=meta.get("metadata", {}),
        )


def _sorted_vocab(block: TfidfBlock) -> list[str]:
    """The vocabulary as a list ordered by column index (compact and deterministic)."""
    terms = [""] * len(block.vocabulary)
    for term, index in block.vocabulary.items():
        terms[index] = term
    return terms
