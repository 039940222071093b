"""Scoring a classifier on labelled check-ins: per-label P/R/F1, risk confusion, safety rates,
the same per language and per register, a reliability table, and every miss and false alarm."""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from typing import Any

from service.classify.classifier import ClassificationResult
from service.classify.dataset import BURNOUT_IDS, CATEGORY_IDS, LEVEL_IDS, PATTERN_IDS, Example

HIGH = ("elevated", "urgent")
LANGUAGES = ("en", "de", "fr", "es")
REGISTERS = ("checkin", "longform")
RELIABILITY_BINS = (0.0, 0.05, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0)


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


def reliability(gold: Sequence[str], scores: Sequence[float | None]) -> list[dict[str, Any]]:
    """Calibration of ``risk_score``: per score bin, the mean score and how often the text
    really was elevated or urgent (a calibrated score has the two close)."""
    rows = []
    pairs = [(s, g in HIGH) for g, s in zip(gold, scores, strict=True) if s is not None]
    for lo, hi in itertools.pairwise(RELIABILITY_BINS):
        inside = [(s, y) for s, y in pairs if lo <= s < hi or (hi == 1.0 and s == 1.0)]
        if not inside:
            continue
        rows.append(
            {
                "bin": f"{lo:.2f}-{hi:.2f}",
                "n": len(inside),
                "mean_score": round(sum(s for s, _ in inside) / len(inside), 4),
                "observed_elevated_plus": round(sum(y for _, y in inside) / len(inside), 4),
            }
        )
    return rows


def _summary(examples: list[Example], results: list[ClassificationResult]) -> dict[str, Any]:
    risk = risk_scores([e.risk_level for e in examples], [str(r.risk_level) for r in results])
    read = [i for i, r in enumerate(results) if r.patterns_read]
    return {
        "examples": len(examples),
        "elevated_or_urgent_recall": risk["elevated_or_urgent_recall"],
        "urgent_recall": risk["urgent_recall"],
        "false_alarm_rate": risk["false_alarm_rate"],
        "support": risk["support"],
        "patterns_micro_f1": label_scores(
            [examples[i].patterns for i in read], [results[i].patterns for i in read], PATTERN_IDS
        )["micro"]["f1"],
        "burnout_micro_f1": label_scores(
            [examples[i].burnout_signals for i in read],
            [results[i].burnout_signals for i in read],
            BURNOUT_IDS,
        )["micro"]["f1"],
        "patterns_read_for": len(read),
    }


def _case(example: Example, result: ClassificationResult) -> dict[str, Any]:
    return {
        "id": example.id,
        "language": example.language,
        "register": example.register,
        "gold": example.risk_level,
        "gold_categories": example.risk_categories,
        "predicted": str(result.risk_level),
        "predicted_categories": result.risk_categories,
        "risk_score": result.risk_score,
        "ask": result.ask_kind if result.ask_safety else None,
        "rules": sorted({str(e.get("rule", "")) for e in result.evidence if e.get("start", 0) >= 0
                         and str(e.get("label")) not in PATTERN_IDS + BURNOUT_IDS}),
        "text": example.text,
    }  # fmt: skip


def ask_loop(examples: list[Example], results: list[ClassificationResult]) -> dict[str, Any]:
    """What each text would get with asking (issue 11's targets): severe texts with neither an
    escalation nor a safety question; benign (`none`) texts asked or escalated."""

    def share(rows: list[tuple[Example, ClassificationResult]], test: Any) -> float:
        return round(sum(1 for e, r in rows if test(r)) / len(rows), 4) if rows else 0.0

    def escalated(r: ClassificationResult) -> bool:
        return str(r.risk_level) in HIGH

    pairs = list(zip(examples, results, strict=True))
    severe = [(e, r) for e, r in pairs if e.risk_level in HIGH]
    benign = [(e, r) for e, r in pairs if e.risk_level == "none"]
    concern = [(e, r) for e, r in pairs if e.risk_level == "concern"]
    groups: dict[str, list[tuple[Example, ClassificationResult]]] = {"all": pairs}
    for lang in LANGUAGES:
        groups[lang] = [(e, r) for e, r in pairs if e.language == lang]
    for register in REGISTERS:
        groups[register] = [(e, r) for e, r in pairs if e.register == register]
    table = {}
    for name, rows in groups.items():
        sev = [(e, r) for e, r in rows if e.risk_level in HIGH]
        ben = [(e, r) for e, r in rows if e.risk_level == "none"]
        table[name] = {
            "severe": len(sev),
            "severe_escalated": share(sev, escalated),
            "severe_asked": share(sev, lambda r: r.ask_safety and not escalated(r)),
            "severe_neither": share(sev, lambda r: not r.ask_safety and not escalated(r)),
            "benign": len(ben),
            "benign_asked": share(ben, lambda r: r.ask_safety),
            "benign_escalated": share(ben, escalated),
        }
    kinds: dict[str, int] = {}
    for _, r in pairs:
        if r.ask_safety:
            kinds[str(r.ask_kind)] = kinds.get(str(r.ask_kind), 0) + 1
    rows_asked: dict[str, int] = {}
    for _, r in pairs:
        if r.ask_safety:
            rows_asked[r.ask_row] = rows_asked.get(r.ask_row, 0) + 1
    return {
        "severe_neither": table["all"]["severe_neither"],
        "benign_asked": table["all"]["benign_asked"],
        "benign_escalated": table["all"]["benign_escalated"],
        "concern_asked": share(concern, lambda r: r.ask_safety),
        "groups": table,
        "asked_by_kind": kinds,
        "asked_by_row": rows_asked,
        "severe_neither_cases": [
            _case(e, r) for e, r in severe if not r.ask_safety and not escalated(r)
        ],
        "benign_asked_cases": [_case(e, r) for e, r in benign if r.ask_safety],
    }


def evaluate(examples: list[Example], results: list[ClassificationResult]) -> dict[str, Any]:
    """The full report for one classifier on one set of examples."""
    read = [i for i, r in enumerate(results) if r.patterns_read]
    gold_levels = [e.risk_level for e in examples]
    by_language = {}
    for lang in LANGUAGES:
        idx = [i for i, e in enumerate(examples) if e.language == lang]
        if idx:
            by_language[lang] = _summary([examples[i] for i in idx], [results[i] for i in idx])
    by_register = {}
    for register in REGISTERS:
        idx = [i for i, e in enumerate(examples) if e.register == register]
        if idx:
            by_register[register] = _summary([examples[i] for i in idx], [results[i] for i in idx])
    misses = [
        _case(e, r)
        for e, r in zip(examples, results, strict=True)
        if (e.risk_level in HIGH and str(r.risk_level) not in HIGH)
        or (e.risk_level == "urgent" and str(r.risk_level) != "urgent")
    ]
    false_alarms = [
        _case(e, r)
        for e, r in zip(examples, results, strict=True)
        if e.risk_level not in HIGH and str(r.risk_level) in HIGH
    ]
    return {
        "examples": len(examples),
        "patterns": label_scores(
            [examples[i].patterns for i in read], [results[i].patterns for i in read], PATTERN_IDS
        ),
        "burnout_signals": label_scores(
            [examples[i].burnout_signals for i in read],
            [results[i].burnout_signals for i in read],
            BURNOUT_IDS,
        ),
        "risk": risk_scores(gold_levels, [str(r.risk_level) for r in results]),
        "risk_categories": label_scores(
            [e.risk_categories for e in examples],
            [r.risk_categories for r in results],
            CATEGORY_IDS,
        ),
        "by_language": by_language,
        "by_register": by_register,
        "reliability": reliability(gold_levels, [r.risk_score for r in results]),
        "examples_scored_for_patterns": len(read),
        "missed_severe": misses,
        "false_alarms": false_alarms,
        "ask": ask_loop(examples, results),
    }
