"""Pieces of the worker's micro-batching that need no servers."""

from __future__ import annotations

import time
import uuid
from typing import Any

import numpy as np
import pytest

from service.checkins.outbox import split_even
from service.classify.classifier import (
    CheckInText,
    ClassificationResult,
    classify_many_with_deadline,
)
from service.knowledge.embedder import SharedVectors, Vectors
from service.lib.queue import batch_job_id
from service.taxonomy import RiskLevel


class CountingEmbedder:
    model_id = "test:counting"
    dim = 4

    def __init__(self) -> None:
        self.calls: list[list[str]] = []

    def embed(self, texts: list[str]) -> Vectors:
        self.calls.append(list(texts))
        return np.array([[len(t), 1.0, 0.0, 0.0] for t in texts], dtype=np.float32).reshape(-1, 4)

    def embed_documents(self, texts: list[str]) -> Vectors:
        return self.embed(texts)


def test_shared_vectors_embed_each_text_once_within_a_scope() -> None:
    inner = CountingEmbedder()
    shared = SharedVectors(inner)
    with shared.scope():
        first = shared.embed(["a", "bb", "a"])
        again = shared.embed(["bb", "ccc"])
    assert inner.calls == [["a", "bb"], ["ccc"]]
    assert np.array_equal(first[1], again[0])
    assert first.shape == (3, 4)


def test_shared_vectors_forget_when_the_scope_ends() -> None:
    inner = CountingEmbedder()
    shared = SharedVectors(inner)
    with shared.scope():
        shared.embed(["a"])
    shared.embed(["a"])
    shared.embed(["a"])
    assert inner.calls == [["a"], ["a"], ["a"]]  # outside a scope nothing is kept
    assert shared._memo is None


@pytest.mark.parametrize(
    ("pending", "size", "expected"),
    [(0, 32, []), (1, 32, [1]), (32, 32, [32]), (33, 32, [17, 16]), (100, 32, [25] * 4),
     (7, 1, [1] * 7)],
)  # fmt: skip
def test_relay_batches_are_even_and_never_over_the_size(
    pending: int, size: int, expected: list[int]
) -> None:
    events: list[Any] = list(range(pending))
    batches = split_even(events, size)
    assert [len(b) for b in batches] == expected
    assert [e for b in batches for e in b] == events  # order kept, nothing lost


def test_batch_job_id_depends_on_the_set_of_checkins_only() -> None:
    a, b = uuid.uuid4(), uuid.uuid4()
    assert batch_job_id([a, b]) == batch_job_id([b, a])
    assert batch_job_id([a]) != batch_job_id([a, b])


class Breaks:
    backend = "test"

    def __init__(self, word: str = "", sleep: float = 0.0) -> None:
        self.word, self.sleep, self.passes = word, sleep, 0

    def classify_batch(self, items: list[CheckInText]) -> list[ClassificationResult]:
        self.passes += 1
        time.sleep(self.sleep)
        if self.word and any(self.word in i.text for i in items):
            raise ValueError("broken")
        return [ClassificationResult(RiskLevel.NONE, [], [], []) for _ in items]


def test_one_broken_checkin_fails_closed_alone() -> None:
    classifier = Breaks("BOOM")
    items = [CheckInText("fine"), CheckInText("BOOM here"), CheckInText("also fine")]
    results = classify_many_with_deadline(classifier, items, timeout=5)
    assert [r.risk_level for r in results] == [RiskLevel.NONE, RiskLevel.ELEVATED, RiskLevel.NONE]
    assert results[1].backend == "fail-closed"
    assert classifier.passes == 4  # the batch, then each on its own


def test_a_batch_that_overruns_fails_closed() -> None:
    classifier = Breaks(sleep=0.5)
    results = classify_many_with_deadline(classifier, [CheckInText("fine")], timeout=0.05)
    assert [r.backend for r in results] == ["fail-closed"]
    assert results[0].risk_level == RiskLevel.ELEVATED
    time.sleep(0.5)  # let the pool's thread finish before the next test uses it
