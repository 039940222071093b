"""The LLM backend in service: it may raise risk, never lower it; if it fails the local result stands."""

from __future__ import annotations

from typing import Any

import pytest

from service.classify.classifier import CheckInText, LocalClassifier
from service.classify.combined import LLMBackedClassifier
from service.classify.llm_backend import LLMClassifier
from service.classify.local_model import LocalModel
from service.lib.llm import LLMGateway
from service.taxonomy import RiskLevel
from tests.support.scripted_llm import ScriptedLLM


def labels(**overrides: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "risk_level": "none",
        "risk_categories": [],
        "patterns": [],
        "burnout_signals": [],
        "evidence": [],
    }
    return {**base, **overrides}


@pytest.fixture(scope="module")
def local(classifier_embedder: Any) -> LocalClassifier:
    return LocalClassifier(LocalModel.load(), classifier_embedder)


def backed(llm: ScriptedLLM, local: LocalClassifier) -> LLMBackedClassifier:
    gateway = LLMGateway(llm.base_url, llm.model, "test-key", timeout=1.0, max_retries=1,
                         backoff_base=0.01)  # fmt: skip
    return LLMBackedClassifier(LLMClassifier(gateway), local)


def test_llm_labels_patterns_and_cannot_lower_urgent_risk(local: LocalClassifier) -> None:
    text = "I counted out the pills, tonight I'm going to take them all"
    with ScriptedLLM() as llm:
        llm.json(labels(patterns=["vulnerability"], evidence=[{"label": "vulnerability",
                                                               "quote": "counted out"}]))  # fmt: skip
        result = backed(llm, local).classify_batch([CheckInText(text)])[0]
        sent = llm.requests[0].content_of("user")
    assert result.risk_level == RiskLevel.URGENT  # the model said "none": ignored
    assert "self_harm" in result.risk_categories
    assert result.backend == "llm"
    assert text in sent


def test_llm_can_raise_the_level(local: LocalClassifier) -> None:
    text = "we had a nice walk, he held my hand"
    with ScriptedLLM() as llm:
        llm.json(labels(risk_level="elevated", risk_categories=["coercive_control"],
                        patterns=["responsiveness"]))  # fmt: skip
        result = backed(llm, local).classify_batch([CheckInText(text)])[0]
    assert result.risk_level == RiskLevel.ELEVATED
    assert result.risk_categories == ["coercive_control"]
    assert result.patterns == []  # positive labels are dropped under real danger


def test_llm_failure_keeps_the_local_result(local: LocalClassifier) -> None:
    text = "He was on his phone all through dinner again, scrolling TikTok"
    with ScriptedLLM() as llm:
        llm.status(500).status(500)
        result = backed(llm, local).classify_batch([CheckInText(text)])[0]
    assert result.backend == "local"
    assert "technoference" in result.patterns
    assert any("llm unavailable" in n for n in result.notes)


def test_malformed_llm_output_keeps_the_local_result(local: LocalClassifier) -> None:
    with ScriptedLLM() as llm:
        llm.text("this is not json")
        result = backed(llm, local).classify_batch([CheckInText("fine day")])[0]
    assert result.backend == "local"


@pytest.mark.parametrize(
    "model",
    ["gpt-4o-mini", "qwen2.5-coder-1.5b", "meta-llama/Meta-Llama-3.1-70B-Instruct-Turbo-2024"],
)
def test_the_stored_model_version_fits_its_column_whatever_the_model_name(model: str) -> None:
    # Found with the real Qwen2.5 server: "qwen2.5-coder-1.5b|classify@v1|local-…+safety-rules-4"
    # is 68 characters; every classification failed to store (StringDataRightTruncation).
    from service.classify.combined import combined_version
    from service.persistence.models import Classification

    width = Classification.__table__.c.model_version.type.length
    version = combined_version(model, "classify@v1", "local-9fd6e28ec071d351+safety-rules-4")
    assert len(version) <= width
    assert "|classify@v1|local-9fd6e28e" in version and version.endswith("+safety-rules-4")
    if len(model) <= 20:  # a usual name stays whole
        assert version.startswith(model + "|")
    else:  # a very long one is cut, with a hash of the whole name
        assert version.startswith(model[:8]) and "~" in version


def test_an_all_empty_model_answer_keeps_the_local_patterns(local: LocalClassifier) -> None:
    # Qwen2.5-1.5B answered classify@v1 with its empty example for every text (docs/llm.md).
    text = "He was on his phone through the whole dinner again and I felt invisible."
    alone = local.classify_batch([CheckInText(text)])[0]
    assert alone.patterns  # the local model reads technoference here
    with ScriptedLLM() as llm:
        llm.json(labels())
        result = backed(llm, local).classify_batch([CheckInText(text)])[0]
    assert result.patterns == sorted(alone.patterns)
    assert any("local ones kept" in n for n in result.notes)


def test_the_classify_prompt_shows_no_empty_answer_to_copy() -> None:
    from service.lib.prompts import load_prompt

    prompt = load_prompt("classify")
    assert prompt.version >= 2 and '"patterns": []' not in prompt.system
    assert load_prompt("classify", 1).version == 1  # kept for the reports that name it


def test_the_model_adds_labels_to_the_local_reading_and_takes_none_away(
    local: LocalClassifier,
) -> None:
    # Qwen2.5-1.5B with classify@v2 read this kind of evening as turning away + irritability
    # only; replacing the local reading lost technoference and the tip cited the wrong cards.
    text = "He was on his phone through the whole dinner again and I felt invisible."
    alone = local.classify_batch([CheckInText(text)])[0]
    assert "technoference" in alone.patterns
    with ScriptedLLM() as llm:
        llm.json(labels(patterns=["turning_away"], burnout_signals=["irritability_or_numbness"]))
        result = backed(llm, local).classify_batch([CheckInText(text)])[0]
    assert set(result.patterns) == {*alone.patterns, "turning_away"}
    assert set(result.burnout_signals) == {*alone.burnout_signals, "irritability_or_numbness"}
    assert not any("local ones kept" in n for n in result.notes)
