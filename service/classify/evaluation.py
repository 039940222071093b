"""Scoring a classifier on labelled check-ins: per-label P/R/F1, risk confusion, safety rates."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from service.classify.classifier import ClassificationResult
from service.classify.dataset import BURNOUT_IDS, CATEGORY_IDS, LEVEL_IDS, PATTERN_IDS, Example

HIGH = ("elevated", "urgent")


def _prf(tp: int, fp: int, fn: int) -> dict[str, float | int]:
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": round(precision, 4), "recall": round(recall, 4), "f1": round(f1, 4),
            "support": tp + fn}  # fmt: skip


def label_scores(
    gold: Sequence[Sequence[str]], pred: Sequence[Sequence[str]], ids: list[str]
) -> dict[str, Any]:
    per: dict[str, Any] = {}
    totals = [0, 0, 0]
    for label in ids:
        tp = sum(label in g and label in p for g, p in zip(gold, pred, strict=True))
        fp = sum(label not in g and label in p for g, p in zip(gold, pred, strict=True))
        fn = sum(label in g and label not in p for g, p in zip(gold, pred, strict=True))
        per[label] = _prf(tp, fp, fn)
        totals = [totals[0] + tp, totals[1] + fp, totals[2] + fn]
    micro = _prf(*totals)
    macro_f1 = sum(float(v["f1"]) for v in per.values()) / max(1, len(per))
    return {"micro": micro, "macro_f1": round(macro_f1, 4), "labels": per}


def risk_scores(gold: Sequence[str], pred: Sequence[str]) -> dict[str, Any]:
    matrix = {g: dict.fromkeys(LEVEL_IDS, 0) for g in LEVEL_IDS}
    for g, p in zip(gold, pred, strict=True):
        matrix[g][p] += 1
    high = [g in HIGH for g in gold]
    flagged = [p in HIGH for p in pred]
    n_high = sum(high)
    n_low = len(gold) - n_high
    urgent = [g == "urgent" for g in gold]
    called_urgent = [p == "urgent" for p in pred]
    return {
        "confusion": matrix,
        "elevated_or_urgent_recall": round(
            sum(h and f for h, f in zip(high, flagged, strict=True)) / max(1, n_high), 4
        ),
        "urgent_recall": round(
            sum(u and c for u, c in zip(urgent, called_urgent, strict=True)) / max(1, sum(urgent)),
            4,
        ),
        "urgent_precision": round(
            sum(u and c for u, c in zip(urgent, called_urgent, strict=True))
            / max(1, sum(called_urgent)),
            4,
        ),
        "false_alarm_rate": round(
            sum((not h) and f for h, f in zip(high, flagged, strict=True)) / max(1, n_low), 4
        ),
        "exact_level_accuracy": round(
            sum(g == p for g, p in zip(gold, pred, strict=True)) / max(1, len(gold)), 4
        ),
        "support": {
            "elevated_or_urgent": n_high,
            "none_or_concern": n_low,
            "urgent": sum(urgent),
        },
    }


def evaluate(examples: list[Example], results: list[ClassificationResult]) -> dict[str, Any]:
    """The full report for one classifier on one set of examples."""
    english = [i for i, r in enumerate(results) if r.language in ("en", "und")]
    return {
        "examples": len(examples),
        "patterns": label_scores(
            [examples[i].patterns for i in english],
            [results[i].patterns for i in english],
            PATTERN_IDS,
        ),
        "burnout_signals": label_scores(
            [examples[i].burnout_signals for i in english],
            [results[i].burnout_signals for i in english],
            BURNOUT_IDS,
        ),
        "risk": risk_scores([e.risk_level for e in examples], [str(r.risk_level) for r in results]),
        "risk_categories": label_scores(
            [e.risk_categories for e in examples],
            [r.risk_categories for r in results],
            CATEGORY_IDS,
        ),
        "english_examples_scored_for_patterns": len(english),
    }
