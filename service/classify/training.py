"""Training the local classifier reproducibly (`attune classify train`).

Fixed seeds, fixed data files and a fixed split: the same inputs give the same artefact.
Everything chosen from data — label thresholds, the calibration layer, the risk thresholds —
comes from out-of-fold predictions on the training split only; the held-out split is never
seen here.
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

from service.classify.chunks import ChunkedTexts, embed_chunked
from service.classify.dataset import (
    BURNOUT_IDS,
    CATEGORY_IDS,
    PATTERN_IDS,
    Example,
    fingerprint,
    label_matrix,
    register_of,
)
from service.classify.features import Featurizer, TfidfBlock
from service.classify.local_model import RISK_HEADS, LinearHeads, LocalModel, meta_features
from service.knowledge.embedder import Embedder

SEED = 20261126
LABEL_C = 4.0
RISK_C = 4.0
FOLDS = 5
# The stated cost behind the risk thresholds, applied at the prevalence we expect in real use
# (the labelled data over-represents danger on purpose: about one text in five is elevated+).
# - elevated or worse: a missed case (no safety response, no coach alerted) is worth 20 false
#   alarms (a hotline shown and a coach's time spent on someone who did not need it); we expect
#   about 5 % of real check-ins to be elevated or worse;
# - urgent, among texts read elevated or worse: an urgent case read as merely elevated (a coach
#   alerted, but not first in the queue, the crisis line not first) is worth 5 urgent false
#   alarms; about 30 % of elevated-or-worse texts are urgent;
# - concern: a missed concern (no gentle check-in question) is worth 2 needless questions;
#   about 15 % of check-ins carry some distress.
COST_OF_MISS = {"concern_plus": 2.0, "elevated_plus": 20.0, "urgent": 5.0}
PREVALENCE = {"concern_plus": 0.15, "elevated_plus": 0.05, "urgent": 0.30}
# With a question to ask (docs/coaching.md, "Ask, don't assume") an uncertain reading has a
# third outcome besides an escalation and nothing. Its costs, in the same unit (one false
# alarm): asking someone in danger instead of alerting a coach at once is worth a quarter of a
# miss (Wysa reports 82 % of crisis instances confirmed when asked; the rest say no or never
# answer, and the coach lane catches silence a day later); asking someone who is fine is worth
# 0.3 of a false alarm: a kind question and a moment's thought, no hotline, no coach, but while
# a home-safety question is open the couple's coaching is individual only (no joint exercises)
# for up to a day.
ASK_COST = {"severe_asked": 5.0, "benign_asked": 0.3}
# Thresholds are taken from a grid over calibrated probabilities, never below this floor:
# below it the out-of-fold estimate rests on a handful of texts.
THRESHOLD_GRID = np.round(np.arange(0.05, 0.951, 0.01), 2)

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
    features: sparse.csr_matrix | npt.NDArray[np.float32],
    targets: npt.NDArray[np.int8],
    c: float,
    *,
    balanced: bool = True,
    weights: npt.NDArray[np.float32] | None = None,
) -> tuple[npt.NDArray[np.float32], npt.NDArray[np.float32]]:
    coef = np.zeros((targets.shape[1], features.shape[1]), dtype=np.float32)
    intercept = np.zeros(targets.shape[1], dtype=np.float32)
    for j in range(targets.shape[1]):
        y = targets[:, j]
        if y.min() == y.max():  # a label absent from training: never predicted
            intercept[j] = -20.0
            continue
        model = LogisticRegression(
            C=c, max_iter=4000, class_weight="balanced" if balanced else None
        )
        model.fit(features, y, sample_weight=None if weights is None else weights[:, j])
        coef[j] = model.coef_[0]
        intercept[j] = model.intercept_[0]
    return coef, intercept


def _sigmoid(x: npt.NDArray[np.float32]) -> npt.NDArray[np.float32]:
    return np.asarray(1.0 / (1.0 + np.exp(-x)), dtype=np.float32)


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


def group_of(example: Example) -> str:
    """The language and register a text was written in."""
    return f"{example.language if example.language in ('en', 'de', 'fr', 'es') else 'other'}/{example.register}"


def prior_weights(
    targets: npt.NDArray[np.int8], groups: list[str], *, floor: float = 0.03
) -> npt.NDArray[np.float32]:
    """Sample weights that give every language and register the same share of positives.

    The labelled sets were written with more danger in German, French and Spanish and in long
    texts than in English check-ins; unweighted, a head learns "French, or long, means risk"
    (the language and the length are easy to see) instead of reading the words.
    """
    names = np.array(groups)
    weights = np.ones(targets.shape, dtype=np.float32)
    overall = targets.mean(axis=0)
    for group in np.unique(names):
        rows = names == group
        for j in range(targets.shape[1]):
            p = float(np.clip(overall[j], floor, 1 - floor))
            p_group = float(np.clip(targets[rows, j].mean(), floor, 1 - floor))
            positive = targets[rows, j] == 1
            weights[rows, j] = np.where(positive, p / p_group, (1 - p) / (1 - p_group))
    return weights


def level_targets(levels: list[str]) -> npt.NDArray[np.int8]:
    return np.array(
        [
            [lvl != "none" for lvl in levels],
            [lvl in ("elevated", "urgent") for lvl in levels],
            [lvl == "urgent" for lvl in levels],
        ],
        dtype=np.int8,
    ).T.reshape(len(levels), 3)


def risk_targets(examples: list[Example]) -> npt.NDArray[np.int8]:
    return np.hstack(
        [
            level_targets([e.risk_level for e in examples]),
            label_matrix(examples, CATEGORY_IDS, "risk_categories"),
        ]
    )


def cost_threshold(
    proba: npt.NDArray[np.float32],
    y: npt.NDArray[np.int8],
    *,
    cost_of_miss: float,
    prevalence: float,
) -> tuple[float, dict[str, float]]:
    """The threshold with the lowest expected cost per text in real use, from out-of-fold rates:
    cost_of_miss × prevalence × miss rate + (1 − prevalence) × false-alarm rate."""
    positives = max(1, int(y.sum()))
    negatives = max(1, int((y == 0).sum()))
    best: tuple[float, float, dict[str, float]] | None = None
    for t in THRESHOLD_GRID:
        pred = proba >= t
        miss_rate = int((~pred & (y == 1)).sum()) / positives
        false_alarm_rate = int((pred & (y == 0)).sum()) / negatives
        cost = cost_of_miss * prevalence * miss_rate + (1 - prevalence) * false_alarm_rate
        stats = {
            "oof_recall": round(1 - miss_rate, 4),
            "oof_false_alarm": round(false_alarm_rate, 4),
            "expected_cost": round(cost, 5),
        }
        if best is None or cost < best[0] - 1e-12:
            best = (cost, float(t), stats)
    assert best is not None
    return best[1], best[2]


@dataclass
class ChunkData:
    """Chunk-level features and which training text each chunk belongs to."""

    features: sparse.csr_matrix
    owner: npt.NDArray[np.int64]


def worst_chunk(
    proba: npt.NDArray[np.float32], owner: npt.NDArray[np.int64], n_texts: int
) -> npt.NDArray[np.float32]:
    """Per text and head, the highest chunk probability."""
    out = np.zeros((n_texts, proba.shape[1]), dtype=np.float32)
    np.maximum.at(out, owner, proba)
    return out


def fit_chunk_heads(
    chunks: ChunkData,
    texts: npt.NDArray[np.int64],
    targets: npt.NDArray[np.int8],
    c: float,
    weights: npt.NDArray[np.float32],
) -> tuple[npt.NDArray[np.float32], npt.NDArray[np.float32]]:
    """Chunk-level level heads from text-level labels (multiple-instance learning).

    Every chunk of a text below a level is a negative for it. A one-chunk text above it is a
    positive. Of a longer text above it only the chunk the first round scores highest is taken
    as the positive: the rest of a post about danger is often about the weekend.
    """
    chosen = np.isin(chunks.owner, texts)
    features = chunks.features[chosen]
    owner = chunks.owner[chosen]
    counts = np.bincount(owner, minlength=targets.shape[0])
    single = counts[owner] == 1
    coef = np.zeros((targets.shape[1], features.shape[1]), dtype=np.float32)
    intercept = np.zeros(targets.shape[1], dtype=np.float32)
    for j in range(targets.shape[1]):
        y_chunk = targets[owner, j]
        w_chunk = weights[owner, j : j + 1]
        first = single | (y_chunk == 0)
        c0, b0 = _fit_heads(
            features[first], y_chunk[first].reshape(-1, 1), c, weights=w_chunk[first]
        )
        score = np.asarray(features @ c0[0] + b0[0]).ravel()
        keep = first.copy()
        positive_long = np.flatnonzero(~single & (y_chunk == 1))
        best: dict[int, int] = {}
        for i in positive_long:
            text = int(owner[i])
            if text not in best or score[i] > score[best[text]]:
                best[text] = int(i)
        keep[list(best.values())] = True
        c1, b1 = _fit_heads(features[keep], y_chunk[keep].reshape(-1, 1), c, weights=w_chunk[keep])
        coef[j], intercept[j] = c1[0], b1[0]
    return coef, intercept


def ask_thresholds(
    proba: npt.NDArray[np.float32],
    y: npt.NDArray[np.int8],
    *,
    cost_of_miss: float,
    prevalence: float,
) -> tuple[float, float, dict[str, float]]:
    """The (ask, escalate) pair with the lowest expected cost per text, from out-of-fold rates:
    a text at or above the escalation threshold is escalated, one in [ask, escalate) is asked."""
    positives = max(1, int(y.sum()))
    negatives = max(1, int((y == 0).sum()))
    grid = THRESHOLD_GRID
    best: tuple[float, float, float, dict[str, float]] | None = None
    for i, t_ask in enumerate(grid):
        asked_or_more = proba >= t_ask
        for t_esc in grid[i:]:
            escalated = proba >= t_esc
            asked = asked_or_more & ~escalated
            miss = int((~asked_or_more & (y == 1)).sum()) / positives
            severe_asked = int((asked & (y == 1)).sum()) / positives
            false_alarm = int((escalated & (y == 0)).sum()) / negatives
            benign_asked = int((asked & (y == 0)).sum()) / negatives
            cost = prevalence * (cost_of_miss * miss + ASK_COST["severe_asked"] * severe_asked)
            cost += (1 - prevalence) * (false_alarm + ASK_COST["benign_asked"] * benign_asked)
            if best is None or cost < best[0] - 1e-12:
                stats = {
                    "oof_escalated_recall": round(1 - miss - severe_asked, 4),
                    "oof_asked_or_escalated_recall": round(1 - miss, 4),
                    "oof_false_alarm": round(false_alarm, 4),
                    "oof_benign_asked": round(benign_asked, 4),
                    "expected_cost": round(cost, 5),
                }
                best = (cost, float(t_ask), float(t_esc), stats)
    assert best is not None
    return best[1], best[2], best[3]


def _calibration(
    doc: npt.NDArray[np.float32],
    chunk: npt.NDArray[np.float32],
    longform: npt.NDArray[np.bool_],
    targets: npt.NDArray[np.int8],
    weights: npt.NDArray[np.float32],
) -> tuple[npt.NDArray[np.float32], npt.NDArray[np.float32], npt.NDArray[np.float32]]:
    """The calibration layer (fit on out-of-fold readings) and its own out-of-fold output."""
    n_meta = meta_features(doc[:, 0], chunk[:, 0], longform).shape[1]
    coef = np.zeros((len(RISK_HEADS), n_meta), dtype=np.float32)
    intercept = np.zeros(len(RISK_HEADS), dtype=np.float32)
    oof = np.zeros((doc.shape[0], len(RISK_HEADS)), dtype=np.float32)
    folds = list(KFold(FOLDS, shuffle=True, random_state=SEED + 1).split(targets))
    for j in range(len(RISK_HEADS)):
        meta = meta_features(doc[:, j], chunk[:, j], longform)
        y = targets[:, j].reshape(-1, 1)
        w = weights[:, j : j + 1]
        for tr, te in folds:
            c, b = _fit_heads(meta[tr], y[tr], 1.0, balanced=False, weights=w[tr])
            oof[te, j] = _sigmoid(meta[te] @ c[0] + b[0])
        c, b = _fit_heads(meta, y, 1.0, balanced=False, weights=w)
        coef[j], intercept[j] = c[0], b[0]
    return coef, intercept, oof


def featurize(
    featurizer: Featurizer,
    texts: list[str],
    chunked: ChunkedTexts,
    moods: list[int | None],
    connections: list[int | None],
) -> tuple[sparse.csr_matrix, sparse.csr_matrix, sparse.csr_matrix]:
    """Whole-text features (with and without the mood/connection numbers) and chunk features."""
    with_scores = featurizer.transform(texts, chunked.documents, moods, connections)
    none: list[int | None] = [None] * len(texts)
    text_only = featurizer.transform(texts, chunked.documents, none, none)
    chunk_none: list[int | None] = [None] * len(chunked.texts)
    chunk_features = featurizer.transform(chunked.texts, chunked.chunks, chunk_none, chunk_none)
    return with_scores, text_only, chunk_features


def train(
    examples: list[Example], embedder: Embedder, *, progress: Progress | None = None
) -> TrainingResult:
    say = progress or (lambda _msg: None)
    texts = [e.text for e in examples]
    moods = [e.mood for e in examples]
    conns = [e.connection for e in examples]
    say(f"embedding {len(texts)} training texts in chunks")
    chunked = embed_chunked(embedder, texts)
    featurizer = Featurizer(
        word=fit_block(texts, "word", (1, 2), 8000),
        char=fit_block(texts, "char_wb", (3, 5), 12000),
    )
    base, text_only, chunk_features = featurize(featurizer, texts, chunked, moods, conns)
    chunks = ChunkData(chunk_features, chunked.owner)
    longform = np.array([register_of(t) == "longform" for t in texts], dtype=np.bool_)

    label_ids = PATTERN_IDS + BURNOUT_IDS
    y_labels = np.hstack(
        [label_matrix(examples, PATTERN_IDS, "patterns"),
         label_matrix(examples, BURNOUT_IDS, "burnout_signals")]
    )  # fmt: skip
    y_risk = risk_targets(examples)
    y_levels = y_risk[:, : len(RISK_HEADS)]
    w_risk = prior_weights(y_risk, [group_of(e) for e in examples])
    w_levels = w_risk[:, : len(RISK_HEADS)]

    oof_labels = np.zeros(y_labels.shape, dtype=np.float32)
    oof_risk = np.zeros(y_risk.shape, dtype=np.float32)
    oof_chunk = np.zeros(y_levels.shape, dtype=np.float32)
    folds = list(KFold(FOLDS, shuffle=True, random_state=SEED).split(y_risk))
    for k, (tr, te) in enumerate(folds, 1):
        say(f"fold {k}/{FOLDS}: label, risk and chunk heads")
        coef, bias = _fit_heads(text_only[tr], y_labels[tr], LABEL_C)
        oof_labels[te] = _sigmoid(text_only[te] @ coef.T + bias)
        coef, bias = _fit_heads(base[tr], y_risk[tr], RISK_C, weights=w_risk[tr])
        oof_risk[te] = _sigmoid(base[te] @ coef.T + bias)
        coef, bias = fit_chunk_heads(chunks, tr, y_levels, RISK_C, w_levels)
        held = np.isin(chunks.owner, te)
        chunk_p = _sigmoid(np.asarray(chunks.features[held] @ coef.T) + bias)
        oof_chunk[te] = worst_chunk(chunk_p, chunks.owner[held], len(texts))[te]

    label_thresholds = np.array(
        [best_f1_threshold(oof_labels[:, j], y_labels[:, j]) for j in range(len(label_ids))],
        dtype=np.float32,
    )
    say("calibrating the risk levels on out-of-fold readings")
    cal_coef, cal_bias, oof_cal = _calibration(
        oof_risk[:, : len(RISK_HEADS)], oof_chunk, longform, y_levels, w_levels
    )
    cal_thresholds = np.zeros(len(RISK_HEADS), dtype=np.float32)
    threshold_stats: dict[str, Any] = {}
    for j, head in enumerate(RISK_HEADS):
        y = y_levels[:, j]
        proba = oof_cal[:, j]
        if head == "urgent":  # urgent is only decided among texts read elevated or worse
            mask = oof_cal[:, 1] >= cal_thresholds[1]
            proba, y = proba[mask], y[mask]
        if head == "elevated_plus":  # escalate, ask, or neither: one cost decides both
            t_ask, t, stats = ask_thresholds(
                proba, y, cost_of_miss=COST_OF_MISS[head], prevalence=PREVALENCE[head]
            )
            threshold_stats["ask"] = {
                "threshold": t_ask,
                "escalate_threshold": t,
                **{f"cost_{k}": v for k, v in ASK_COST.items()},
                **stats,
            }
        else:
            t, stats = cost_threshold(
                proba, y, cost_of_miss=COST_OF_MISS[head], prevalence=PREVALENCE[head]
            )
        cal_thresholds[j] = t
        threshold_stats[head] = {
            "threshold": t,
            "cost_of_miss": COST_OF_MISS[head],
            "prevalence": PREVALENCE[head],
            **stats,
        }
    # What other stated costs would have chosen (docs/classifier.md shows the trade-off).
    cost_curve = {
        str(c): cost_threshold(
            oof_cal[:, 1], y_levels[:, 1], cost_of_miss=c, prevalence=PREVALENCE["elevated_plus"]
        )
        for c in (5.0, 10.0, 20.0, 50.0)
    }
    threshold_stats["elevated_plus"]["other_costs"] = {
        c: {"threshold": t, **st} for c, (t, st) in cost_curve.items()
    }
    risk_thresholds = np.full(y_risk.shape[1], 0.5, dtype=np.float32)
    for j in range(len(RISK_HEADS), y_risk.shape[1]):
        risk_thresholds[j] = best_f1_threshold(oof_risk[:, j], y_risk[:, j])

    say("fitting final heads on the whole training split")
    label_coef, label_bias = _fit_heads(text_only, y_labels, LABEL_C)
    risk_coef, risk_bias = _fit_heads(base, y_risk, RISK_C, weights=w_risk)
    chunk_coef, chunk_bias = fit_chunk_heads(
        chunks, np.arange(len(texts)), y_levels, RISK_C, w_levels
    )
    model = LocalModel(
        version=f"local-{fingerprint(examples)}",
        featurizer=featurizer,
        labels=LinearHeads(label_ids, label_coef, label_bias, label_thresholds),
        risk=LinearHeads(RISK_HEADS + CATEGORY_IDS, risk_coef, risk_bias, risk_thresholds),
        chunk_risk=LinearHeads(
            list(RISK_HEADS), chunk_coef, chunk_bias, np.full(3, 0.5, dtype=np.float32)
        ),
        calibration=LinearHeads(list(RISK_HEADS), cal_coef, cal_bias, cal_thresholds),
        metadata={
            "training_examples": len(examples),
            "data_fingerprint": fingerprint(examples),
            "embedding_model": embedder.model_id,
            "seed": SEED,
            "label_c": LABEL_C,
            "risk_c": RISK_C,
            "risk_thresholds": threshold_stats,
        },
    )
    return TrainingResult(
        model,
        {
            "thresholds": threshold_stats,
            "oof": {"calibrated": oof_cal, "levels": y_levels, "longform": longform},
        },
    )
