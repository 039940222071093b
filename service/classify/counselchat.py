"""How the classifier reads real questions people sent to therapists (CounselChat)."""

from __future__ import annotations

import csv
import random
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from service.classify.classifier import CheckInText, ClassificationResult, Classifier

DEFAULT_CSV = (
    Path(__file__).resolve().parents[3]
    / "shared"
    / "external"
    / "counsel-chat"
    / "counsel_chat.csv"
)
LEVELS = ("none", "concern", "elevated", "urgent")
FOCUS_TOPICS = ("domestic-violence", "self-harm", "depression")


@dataclass(frozen=True)
class Question:
    id: str
    topics: tuple[str, ...]  # a question can be filed under several topics
    split: str
    text: str


def load_questions(path: Path = DEFAULT_CSV) -> list[Question]:
    """One row per distinct question (the file repeats a question for every answer)."""
    seen: dict[str, Question] = {}
    with path.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            qid = row["questionID"]
            topic = row.get("topic") or "unknown"
            if qid in seen:
                if topic not in seen[qid].topics:
                    old = seen[qid]
                    seen[qid] = Question(old.id, (*old.topics, topic), old.split, old.text)
                continue
            title = (row.get("questionTitle") or "").strip()
            body = (row.get("questionText") or "").strip()
            text = body if title and title in body else f"{title}. {body}".strip(". ")
            seen[qid] = Question(qid, (topic,), row.get("split") or "", text)
    return list(seen.values())


def distribution(pairs: list[tuple[Question, ClassificationResult]]) -> dict[str, dict[str, int]]:
    table: dict[str, Counter[str]] = defaultdict(Counter)
    for question, result in pairs:
        for topic in question.topics:
            table[topic][str(result.risk_level)] += 1
    return {topic: {lvl: counts[lvl] for lvl in LEVELS} for topic, counts in sorted(table.items())}


def analyse(
    classifier: Classifier, questions: list[Question], *, sample: int = 20
) -> dict[str, Any]:
    results = classifier.classify_batch([CheckInText(q.text, locale="en-US") for q in questions])
    pairs = list(zip(questions, results, strict=True))
    test = [(q, r) for q, r in pairs if q.split == "test"]
    focus = {
        topic: {
            "levels": dict(Counter(str(r.risk_level) for q, r in pairs if topic in q.topics)),
            "categories": dict(
                Counter(c for q, r in pairs if topic in q.topics for c in r.risk_categories)
            ),
            "questions": sum(topic in q.topics for q, _ in pairs),
            "asked": sum(1 for q, r in pairs if topic in q.topics and r.ask_safety),
        }
        for topic in FOCUS_TOPICS
    }
    rng = random.Random(20261126)  # noqa: S311 - a reproducible sample, not a secret
    picked = rng.sample(test, min(sample, len(test)))
    # What a person reads: every test-split question read elevated or worse, and every
    # question filed under a focus topic (all splits), with the full text and the reading.
    to_read = [
        _reading(q, r)
        for q, r in pairs
        if (q.split == "test" and str(r.risk_level) in ("elevated", "urgent"))
        or any(t in FOCUS_TOPICS for t in q.topics)
    ]
    return {
        "questions": len(pairs),
        "backend": classifier.backend,
        "test_split": {
            "questions": len(test),
            "by_topic": distribution(test),
            "asked": sum(1 for _, r in test if r.ask_safety),
            "asked_by_kind": dict(Counter(str(r.ask_kind) for _, r in test if r.ask_safety)),
        },
        "all_splits": {"by_topic": distribution(pairs)},
        "focus_topics_all_splits": focus,
        "to_read": to_read,
        "sample": [
            {
                "id": q.id,
                "topics": list(q.topics),
                "text": q.text[:600],
                "risk_level": str(r.risk_level),
                "risk_categories": r.risk_categories,
                "patterns": r.patterns,
                "burnout_signals": r.burnout_signals,
                "evidence": [e["quote"] for e in r.evidence if e.get("quote")][:6],
            }
            for q, r in picked
        ],
    }


def _reading(question: Question, result: ClassificationResult) -> dict[str, Any]:
    return {
        "id": question.id,
        "split": question.split,
        "topics": list(question.topics),
        "risk_level": str(result.risk_level),
        "risk_categories": result.risk_categories,
        "risk_score": None if result.risk_score is None else round(result.risk_score, 3),
        "ask": result.ask_kind if result.ask_safety else None,
        "rules": sorted({str(e["rule"]) for e in result.evidence if e.get("start", -1) >= 0
                         and "." in str(e.get("rule", "")) and str(e["rule"]).count(".") >= 2}),
        "text": question.text,
    }  # fmt: skip
