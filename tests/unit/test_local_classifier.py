"""The local classifier: the shipped artefact, its decisions, and failing closed."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from service.classify.classifier import (
    CheckInText,
    ClassificationResult,
    LocalClassifier,
    classify_with_deadline,
)
from service.classify.dataset import fingerprint, load_examples, split
from service.classify.local_model import LocalModel
from service.classify.training import train
from service.cli.classify import parse_line
from service.safety import assess_risk
from service.taxonomy import RiskLevel
from tests.conftest import REPO

BATCH_FIELDS = {
    "id", "risk_level", "risk_categories", "patterns", "burnout_signals", "backend", "risk_score",
    "ask_safety", "ask_kind",
}  # fmt: skip


@pytest.fixture(scope="module")
def classifier(classifier_embedder: Any) -> LocalClassifier:
    return LocalClassifier(LocalModel.load(), classifier_embedder)


def test_shipped_artefact_matches_the_training_data() -> None:
    """Rebuild with `attune classify train` whenever evals/data changes."""
    model = LocalModel.load()
    assert model.metadata["data_fingerprint"] == fingerprint(split(load_examples(), "train"))
    assert model.metadata["embedding_model"] == "local:multilingual-e5-small"  # ADR 0004
    assert len(model.labels.ids) == 24
    assert model.risk.ids[:3] == ["concern_plus", "elevated_plus", "urgent"]
    assert (
        model.chunk_risk.ids == model.calibration.ids == ["concern_plus", "elevated_plus", "urgent"]
    )
    thresholds = model.metadata["risk_thresholds"]
    assert thresholds["elevated_plus"]["cost_of_miss"] > 1  # a miss costs more than a false alarm


def test_reads_everyday_patterns_with_evidence(classifier: LocalClassifier) -> None:
    text = "He scrolled TikTok through our whole anniversary dinner and barely looked up at me."
    result = classifier.classify(CheckInText(text, mood=2, connection=2, locale="en-US"))
    assert result.risk_level == RiskLevel.NONE
    assert "technoference" in result.patterns
    spans = [e for e in result.evidence if e["label"] == "technoference"]
    assert spans
    assert all(text[s["start"] : s["end"]] == s["quote"] for s in spans)


def test_urgent_danger_is_urgent(classifier: LocalClassifier) -> None:
    text = "he's outside the bedroom door yelling he'll kill me, I'm hiding in the closet"
    result = classifier.classify(CheckInText(text))
    assert result.risk_level == RiskLevel.URGENT
    assert "partner_violence" in result.risk_categories


def test_patterns_are_read_in_german_french_and_spanish(classifier: LocalClassifier) -> None:
    texts = [
        ("Er sitzt jeden Abend nur am Handy, sogar beim Essen schaut er kaum hoch.", "de-DE"),
        ("Il passe toutes nos soirées sur son téléphone, même au restaurant il scrolle.", "fr-FR"),
        ("Se pasa la cena entera mirando el celular, ni me mira cuando le hablo.", "es-MX"),
    ]
    results = classifier.classify_batch([CheckInText(t, locale=loc) for t, loc in texts])
    for (text, _), result in zip(texts, results, strict=True):
        assert "technoference" in result.patterns, text
        assert result.patterns_read
        assert not any("English only" in note for note in result.notes)


def test_risk_score_is_a_probability_that_orders_danger(classifier: LocalClassifier) -> None:
    calm, danger = classifier.classify_batch(
        [
            CheckInText("We cooked dinner together and laughed about the dog.", 4, 4),
            CheckInText("He said if I leave he'll kill me and he took my passport.", 1, 1),
        ]
    )
    assert calm.risk_score is not None and danger.risk_score is not None
    assert 0.0 <= calm.risk_score < danger.risk_score <= 1.0


def test_model_never_lowers_the_rules(classifier: LocalClassifier) -> None:
    examples = split(load_examples(), "train")[::7]
    results = classifier.classify_batch(
        [CheckInText(e.text, e.mood, e.connection, e.locale) for e in examples]
    )
    for example, result in zip(examples, results, strict=True):
        rules = assess_risk(example.text, mood=example.mood, locale=example.locale)
        assert result.risk_level.rank >= rules.level.rank, example.text


class _Broken:
    backend = "broken"

    def classify_batch(self, items: list[CheckInText]) -> list[ClassificationResult]:
        raise RuntimeError("model file corrupted")


class _Slow:
    backend = "slow"

    def classify_batch(self, items: list[CheckInText]) -> list[ClassificationResult]:
        time.sleep(1.0)
        raise AssertionError("should have timed out")


@pytest.mark.parametrize("broken", [_Broken(), _Slow()])
def test_failure_or_timeout_fails_closed(broken: Any) -> None:
    result = classify_with_deadline(broken, CheckInText("a calm evening"), timeout=0.2)
    assert result.risk_level.at_least(RiskLevel.ELEVATED)
    assert result.backend == "fail-closed"
    # The rules still run and can make it urgent.
    urgent = classify_with_deadline(
        broken, CheckInText("I have the pills ready and I'll take them all tonight"), timeout=0.2
    )
    assert urgent.risk_level == RiskLevel.URGENT


def test_training_is_reproducible(classifier_embedder: Any) -> None:
    examples = split(load_examples(), "train")[:160]
    first = train(examples, classifier_embedder).model
    second = train(examples, classifier_embedder).model
    assert first.version == second.version
    assert np.array_equal(first.labels.coef, second.labels.coef)
    assert np.array_equal(first.risk.thresholds, second.risk.thresholds)


@given(st.text(max_size=200))
@settings(max_examples=200)
def test_batch_line_parser_never_raises(line: str) -> None:
    _ident, item, problem = parse_line(line, 1)
    assert (item is None) == (problem is not None)


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ('{"text": "hi"}', "missing 'id'"),
        ('{"id": 1, "text": ""}', "'text'"),
        ('{"id": 1, "text": "x", "mood": 9}', "'mood'"),
        ('{"id": 1, "text": "x", "mood": "3"}', "'mood'"),
        ("[1, 2]", "expected an object"),
        ("{nope", "not JSON"),
    ],
)
def test_batch_line_parser_names_the_problem(line: str, message: str) -> None:
    _, item, problem = parse_line(line, 7)
    assert item is None
    assert problem is not None
    assert "line 7" in problem
    assert message in problem


def test_classify_jsonl_cli_writes_exactly_the_taxonomy_fields() -> None:
    lines = [
        {"id": "a", "text": "we laughed all evening and he thanked me for dinner", "mood": 5},
        {"id": 2, "text": "I wrote the letters, tomorrow I'll end it", "locale": "en-GB"},
        {"id": "c", "text": "Er hat mich gestern wieder geschlagen.", "locale": "de-DE"},
    ]
    proc = subprocess.run(
        [sys.executable, "-m", "service.cli.main", "classify", "--jsonl", "-"],
        input="\n".join(json.dumps(x) for x in lines) + "\n",
        capture_output=True, text=True, cwd=REPO, timeout=180, check=True,
    )  # fmt: skip
    rows = [json.loads(x) for x in proc.stdout.splitlines()]
    assert [r["id"] for r in rows] == ["a", 2, "c"]
    for row in rows:
        assert BATCH_FIELDS <= set(row) <= BATCH_FIELDS | {"notes"}
        assert row["backend"] == "local"
    assert rows[1]["risk_level"] == "urgent"
    assert rows[1]["ask_safety"] is False and rows[1]["ask_kind"] is None  # escalated instead
    assert rows[2]["risk_level"] in ("elevated", "urgent")
    assert "partner_violence" in rows[2]["risk_categories"]
