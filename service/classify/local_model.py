"""The shipped local classifier: linear heads over shared features, stored as arrays + JSON.

Three layers of heads:
- ``labels``: patterns and burnout signals, read from the whole text;
- ``risk`` and ``chunk_risk``: risk levels and categories read from the whole text, and the
  levels read from each chunk of a few sentences (a long text is as risky as its worst part);
- ``calibration``: one small logistic model per risk level over the two readings, whose output
  is a calibrated probability; its decision thresholds come from a stated cost.
"""

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
LOGIT_CLIP = 12.0


def logit(p: npt.NDArray[np.float32]) -> npt.NDArray[np.float32]:
    q = np.clip(p, 1e-6, 1 - 1e-6)
    return np.asarray(np.clip(np.log(q / (1 - q)), -LOGIT_CLIP, LOGIT_CLIP), dtype=np.float32)


def sigmoid(x: npt.NDArray[np.float32]) -> npt.NDArray[np.float32]:
    return np.asarray(1.0 / (1.0 + np.exp(-x)), dtype=np.float32)


@dataclass
class LinearHeads:
    """Independent logistic heads: one weight row, bias and decision threshold per id."""

    ids: list[str]
    coef: npt.NDArray[np.float32]
    intercept: npt.NDArray[np.float32]
    thresholds: npt.NDArray[np.float32]

    def proba(
        self, features: sparse.csr_matrix | npt.NDArray[np.float32]
    ) -> npt.NDArray[np.float32]:
        return sigmoid(np.asarray(features @ self.coef.T + self.intercept, dtype=np.float32))

    def decide(self, proba: npt.NDArray[np.float32]) -> npt.NDArray[np.bool_]:
        return np.asarray(proba >= self.thresholds, dtype=np.bool_)


def meta_features(
    document: npt.NDArray[np.float32],
    worst_chunk: npt.NDArray[np.float32],
    longform: npt.NDArray[np.bool_],
) -> npt.NDArray[np.float32]:
    """What the calibration layer sees for one risk level: the whole-text and worst-chunk
    readings as log-odds, each with its own weight for long texts (where the chunk reading
    matters more). No bare "is long" term: length alone must not raise the risk."""
    long = longform.astype(np.float32)
    d, c = logit(document), logit(worst_chunk)
    return np.column_stack([d, c, d * long, c * long]).astype(np.float32)


@dataclass
class LocalModel:
    version: str
    featurizer: Featurizer
    labels: LinearHeads
    risk: LinearHeads
    chunk_risk: LinearHeads
    calibration: LinearHeads  # ids RISK_HEADS; coef over meta_features; thresholds on its output
    metadata: dict[str, Any] = field(default_factory=dict)

    def calibrated(
        self,
        document: npt.NDArray[np.float32],
        worst_chunk: npt.NDArray[np.float32],
        longform: npt.NDArray[np.bool_],
    ) -> npt.NDArray[np.float32]:
        """Calibrated probabilities, one column per RISK_HEADS id."""
        out = np.zeros((document.shape[0], len(RISK_HEADS)), dtype=np.float32)
        for j in range(len(RISK_HEADS)):
            meta = meta_features(document[:, j], worst_chunk[:, j], longform)
            out[:, j] = sigmoid(meta @ self.calibration.coef[j] + self.calibration.intercept[j])
        return out

    @property
    def ask_threshold(self) -> float:
        """Calibrated elevated+ probability from which an uncertain reading is asked about
        (service/classify/asking.py); without one (an older artefact) nothing is asked."""
        ask = self.metadata.get("risk_thresholds", {}).get("ask", {})
        return float(ask.get("threshold", self.calibration.thresholds[1]))

    def save(self, directory: Path = ARTIFACT_DIR, name: str = ARTIFACT_NAME) -> Path:
        directory.mkdir(parents=True, exist_ok=True)
        arrays: dict[str, Any] = {
            "word_idf": self.featurizer.word.idf,
            "char_idf": self.featurizer.char.idf,
        }
        for prefix, heads in self._heads().items():
            arrays[f"{prefix}_coef"] = heads.coef.astype(
                np.float32 if prefix == "calibration" else np.float16
            )
            arrays[f"{prefix}_intercept"] = heads.intercept
            arrays[f"{prefix}_thresholds"] = heads.thresholds
        np.savez_compressed(directory / f"{name}.npz", **arrays)
        meta = {
            "version": self.version,
            "labels": self.labels.ids,
            "risk_heads": self.risk.ids,
            "chunk_risk_heads": self.chunk_risk.ids,
            "calibration_heads": self.calibration.ids,
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

    def _heads(self) -> dict[str, LinearHeads]:
        return {
            "labels": self.labels,
            "risk": self.risk,
            "chunk_risk": self.chunk_risk,
            "calibration": self.calibration,
        }

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
            chunk_risk=heads("chunk_risk", meta["chunk_risk_heads"]),
            calibration=heads("calibration", meta["calibration_heads"]),
            metadata=meta.get("metadata", {}),
        )


def _sorted_vocab(block: TfidfBlock) -> list[str]:
    """The vocabulary as a list ordered by column index (compact and deterministic)."""
    terms = [""] * len(block.vocabulary)
    for term, index in block.vocabulary.items():
        terms[index] = term
    return terms
