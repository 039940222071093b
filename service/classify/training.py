"""Training the local classifier reproducibly (`attune classify train`).

Fixed seeds, fixed data files and a fixed split: the same inputs give the same artefact.
Decision thresholds come from out-of-fold predictions on the training split only; the
held-out split is never seen here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
from scipy import sparse
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import KFold

from service.classify.dataset import (
    BURNOUT_IDS,
    CATEGORY_IDS,
    PATTERN_IDS,
    Example,
    fingerprint,
    label_matrix,
)
from service.classify.features import Featurizer, TfidfBlock
from service.classify.local_model import RISK_HEADS, LinearHeads, LocalModel
from service.knowledge.embedder import Embedder

SEED = 20261126
LABEL_C = 4.0
RISK_C = 4.0
FOLDS = 5
# Safety thresholds buy as much recall as a false-alarm budget allows (out-of-fold, model
# alone): a missed crisis is the worst failure, a hotline for a happy couple the second worst.
MAX_FALSE_ALARM_ELEVATED = 0.03
MAX_FALSE_ALARM_URGENT = 0.01

Progress = Callable[[str], None]


@dataclass
class TrainingResult:
    model: LocalModel
    report: dict[str, Any]


def fit_block(
    texts: list[str], analyzer: str, ngram_range: tuple[int, int], max_features: int
) -> TfidfBlock:
    vectorizer = TfidfVectorizer(
        analyzer=analyzer,
        ngram_range=ngram_range,
        sublinear_tf=True,
        min_df=2,
        max_features=max_features,
        lowercase=True,
    )
    vectorizer.fit(texts)
    return TfidfBlock(
        analyzer=analyzer,  # type: ignore[arg-type]
        ngram_range=ngram_range,
        vocabulary={str(k): int(v) for k, v in vectorizer.vocabulary_.items()},
        idf=vectorizer.idf_.astype(np.float32),
    )


def _fit_heads(
    features: sparse.csr_matrix, targets: npt.NDArray[np.int8], c: float
) -> tuple[npt.NDArray[np.float32], npt.NDArray[np.float32]]:
    coef = np.zeros((targets.shape[1], features.shape[1]), dtype=np.float32)
    intercept = np.zeros(targets.shape[1], dtype=np.float32)
    for j in range(targets.shape[1]):
        y = targets[:, j]
        if y.min() == y.max():  # a label absent from training: never predicted
            intercept[j] = -20.0
            continue
        model = LogisticRegression(C=c, max_iter=4000, class_weight="balanced")
        model.fit(features, y)
        coef[j] = model.coef_[0]
        intercept[j] = model.intercept_[0]
    return coef, intercept


def _sigmoid(x: npt.NDArray[np.float32]) -> npt.NDArray[np.float32]:
    return np.asarray(1.0 / (1.0 + np.exp(-x)), dtype=np.float32)


def out_of_fold(
    features: sparse.csr_matrix, targets: npt.NDArray[np.int8], c: float
) -> npt.NDArray[np.float32]:
    proba = np.zeros(targets.shape, dtype=np.float32)
    for train_idx, test_idx in KFold(FOLDS, shuffle=True, random_state=SEED).split(targets):
        coef, intercept = _fit_heads(features[train_idx], targets[train_idx], c)
        proba[test_idx] = _sigmoid(features[test_idx] @ coef.T + intercept)
    return proba


def best_f1_threshold(proba: npt.NDArray[np.float32], y: npt.NDArray[np.int8]) -> float:
    """The out-of-fold F1-best threshold, kept in a moderate band and shrunk toward the middle.

    Per-label optima from ~50 positives are noisy, and real writing (longer, messier than the
    training texts) scores lower: an extreme threshold would mostly cost recall there.
    """
    best, best_t = -1.0, 0.5
    for t in np.arange(0.3, 0.625, 0.025):
        pred = proba >= t
        tp = float((pred & (y == 1)).sum())
        f1 = 2 * tp / max(1.0, float(pred.sum() + (y == 1).sum()))
        if f1 > best + 1e-9:
            best, best_t = f1, float(t)
    return round(0.5 * best_t + 0.5 * 0.45, 4)


def risk_targets(examples: list[Example]) -> npt.NDArray[np.int8]:
    levels = [e.risk_level for e in examples]
    heads = np.array(
        [
            [lvl != "none" for lvl in levels],
            [lvl in ("elevated", "urgent") for lvl in levels],
            [lvl == "urgent" for lvl in levels],
        ],
        dtype=np.int8,
    ).T
    return np.hstack([heads, label_matrix(examples, CATEGORY_IDS, "risk_categories")])


def recall_threshold(
    proba: npt.NDArray[np.float32], y: npt.NDArray[np.int8], *, max_false_alarm: float
) -> tuple[float, dict[str, float]]:
    """The lowest threshold (most recall) whose out-of-fold false-alarm rate stays in budget.

    The model is tuned on its own, without the rules: the rules were written while reading the
    training texts, so on them they look perfect, which says nothing about new writing.
    """
    negatives = max(1, int((y == 0).sum()))
    positives = max(1, int(y.sum()))
    chosen, stats = 0.99, {"oof_recall": 0.0, "oof_false_alarm": 0.0}
    for t in np.arange(0.99, 0.02, -0.01):
        pred = proba >= t
        false_alarm = float((pred & (y == 0)).sum()) / negatives
        if false_alarm > max_false_alarm:
            break
        recall = float((pred & (y == 1)).sum()) / positives
        chosen, stats = (
            float(t),
            {"oof_recall": round(recall, 4), "oof_false_alarm": round(false_alarm, 4)},
        )
    return chosen, stats


def train(
    examples: list[Example], embedder: Embedder, *, progress: Progress | None = None
) -> TrainingResult:
    say = progress or (lambda _msg: None)
    texts = [e.text for e in examples]
    moods = [e.mood for e in examples]
    conns = [e.connection for e in examples]
    say(f"embedding {len(texts)} training texts")
    embeddings = embedder.embed(texts)
    featurizer = Featurizer(
        word=fit_block(texts, "word", (1, 2), 8000),
        char=fit_block(texts, "char_wb", (3, 5), 12000),
    )
    base = featurizer.transform(texts, embeddings, moods, conns)
    # Patterns and burnout are read from the words alone: with the mood/connection columns
    # left empty their weights stay zero, so a low score cannot switch a pattern on or off.
    no_scores: list[int | None] = [None] * len(texts)
    text_only = featurizer.transform(texts, embeddings, no_scores, no_scores)

    label_ids = PATTERN_IDS + BURNOUT_IDS
    y_labels = np.hstack(
        [label_matrix(examples, PATTERN_IDS, "patterns"),
         label_matrix(examples, BURNOUT_IDS, "burnout_signals")]
    )  # fmt: skip
    y_risk = risk_targets(examples)

    say("cross-validating pattern and burnout heads (5 folds)")
    oof_labels = out_of_fold(text_only, y_labels, LABEL_C)
    label_thresholds = np.array(
        [best_f1_threshold(oof_labels[:, j], y_labels[:, j]) for j in range(len(label_ids))],
        dtype=np.float32,
    )
    say("cross-validating risk heads (5 folds)")
    oof_risk = out_of_fold(base, y_risk, RISK_C)
    risk_thresholds = np.full(y_risk.shape[1], 0.5, dtype=np.float32)
    hi_t, hi_stats = recall_threshold(
        oof_risk[:, 1], y_risk[:, 1], max_false_alarm=MAX_FALSE_ALARM_ELEVATED
    )
    risk_thresholds[1] = hi_t
    urgent_t, urgent_stats = recall_threshold(
        oof_risk[:, 2], y_risk[:, 2], max_false_alarm=MAX_FALSE_ALARM_URGENT
    )
    risk_thresholds[2] = urgent_t
    risk_thresholds[0] = best_f1_threshold(oof_risk[:, 0], y_risk[:, 0])
    for j in range(3, y_risk.shape[1]):
        risk_thresholds[j] = best_f1_threshold(oof_risk[:, j], y_risk[:, j])

    say("fitting final heads on the whole training split")
    label_coef, label_bias = _fit_heads(text_only, y_labels, LABEL_C)
    risk_coef, risk_bias = _fit_heads(base, y_risk, RISK_C)
    model = LocalModel(
        version=f"local-{fingerprint(examples)}",
        featurizer=featurizer,
        labels=LinearHeads(label_ids, label_coef, label_bias, label_thresholds),
        risk=LinearHeads(RISK_HEADS + CATEGORY_IDS, risk_coef, risk_bias, risk_thresholds),
        metadata={
            "training_examples": len(examples),
            "data_fingerprint": fingerprint(examples),
            "embedding_model": embedder.model_id,
            "seed": SEED,
            "label_c": LABEL_C,
            "risk_c": RISK_C,
            "elevated_plus_threshold": hi_stats,
            "urgent_threshold": urgent_stats,
        },
    )
    return TrainingResult(
        model, {"thresholds": dict(zip(model.risk.ids, risk_thresholds.tolist(), strict=True))}
    )
