"""The LLM backend in service: it may raise risk, never lower it; if it fails the local result stands."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest

from service.classify.classifier import CheckInText, ClassificationResult, LocalClassifier
from service.classify.combined import LLMBackedClassifier, llm_risk
from service.classify.llm_backend import LLMClassifier, LLMLabels
from service.classify.local_model import LocalModel
from service.classify.provider import build_classifier
from service.lib.llm import LLMGateway
from service.safety import RiskAssessment
from service.safety.model import ContextSpan
from service.settings import Settings
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


def test_a_danger_only_the_model_reads_is_asked_about_not_escalated(local: LocalClassifier) -> None:
    """Row L6: the rules and the local model read nothing, the model reads danger."""
    text = "we had a nice walk, he held my hand"
    with ScriptedLLM() as llm:
        llm.json(labels(risk_level="elevated", risk_categories=["coercive_control"],
                        patterns=["responsiveness"]))  # fmt: skip
        result = backed(llm, local).classify_batch([CheckInText(text)])[0]
    assert result.risk_level == RiskLevel.CONCERN and result.risk_categories == []
    assert (result.ask_safety, result.ask_kind, result.ask_row) == (True, "safety_at_home", "A8")
    assert not result.danger_now and "responsiveness" in result.patterns
    assert any("(L6)" in n for n in result.notes)


def test_a_defused_text_is_not_raised_by_the_model(local: LocalClassifier) -> None:
    """Row L5: banter the rules recognise and explain away."""
    text = "I could kill him for eating my leftovers lol"
    with ScriptedLLM() as llm:
        llm.json(labels(risk_level="elevated", risk_categories=["partner_violence"]))
        result = backed(llm, local).classify_batch([CheckInText(text)])[0]
    assert result.risk_level == RiskLevel.NONE and not result.ask_safety
    assert any("(L5)" in n for n in result.notes)


BASE = ClassificationResult(risk_level=RiskLevel.NONE, risk_categories=[], patterns=[],
                            burnout_signals=[])  # fmt: skip
RULES = RiskAssessment(level=RiskLevel.NONE, categories=(), evidence=(), third_party=False,
                       language="en", rules_version="t")  # fmt: skip
SPAN = ContextSpan(kind="idiom", start=0, end=3, rule="t")


def read(level: str, *categories: str) -> LLMLabels:
    return LLMLabels(risk_level=RiskLevel(level), risk_categories=list(categories), patterns=[],
                     burnout_signals=[], evidence=[], model="m", prompt_ref="classify@v2",
                     prompt_tokens=0, completion_tokens=0, latency_ms=0)  # fmt: skip


@pytest.mark.parametrize(
    ("row", "local_level", "rules", "model", "level", "ask"),
    [
        ("L1", "urgent", RULES, read("none"), "urgent", None),
        ("L1", "concern", RULES, read("concern"), "concern", None),
        ("L2", "elevated", RULES, read("urgent", "self_harm"), "urgent", None),
        ("L3", "none", RULES, read("concern"), "none", None),
        ("L4", "none", replace(RULES, present_danger=(SPAN,)), read("urgent"), "urgent", None),
        ("L5", "none", replace(RULES, defusing=(SPAN,)), read("elevated"), "none", None),
        ("L5", "concern", replace(RULES, defusing=(SPAN,)), read("urgent"), "concern", None),
        ("L6", "none", RULES, read("elevated", "child_safety"), "concern", "child_safety"),
        ("L6", "none", RULES, read("urgent", "self_harm"), "concern", "self_harm"),
    ],
)
def test_the_model_risk_table_row_by_row(
    row: str, local_level: str, rules: RiskAssessment, model: LLMLabels, level: str,
    ask: str | None,
) -> None:  # fmt: skip
    risk = llm_risk(rules, replace(BASE, risk_level=RiskLevel(local_level)), model)
    assert (risk.row, risk.level, risk.ask_kind) == (row, RiskLevel(level), ask)
    assert risk.danger_now == (row == "L6" and model.risk_level == RiskLevel.URGENT)


def test_a_question_the_local_reading_already_asks_is_kept() -> None:
    asked = replace(BASE, risk_level=RiskLevel.CONCERN, ask_safety=True, ask_kind="self_harm",
                    ask_row="A6")  # fmt: skip
    for model in (read("concern"), read("elevated", "partner_violence")):
        risk = llm_risk(RULES, asked, model)
        assert (risk.ask_kind, risk.ask_row) == ("self_harm", "A6")


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


def test_a_configured_model_writes_but_reads_only_when_asked_to(classifier_embedder: Any) -> None:
    """CLASSIFIER_BACKEND defaults to local: an LLM_BASE_URL alone does not put the model in
    the risk read (docs/llm.md: a measured small model lowered every number)."""
    url = {"llm_base_url": "http://127.0.0.1:9/v1", "llm_model": "m"}
    assert isinstance(build_classifier(Settings(**url), classifier_embedder), LocalClassifier)
    chosen = build_classifier(Settings(**url, classifier_backend="llm"), classifier_embedder)
    assert isinstance(chosen, LLMBackedClassifier)
    auto = build_classifier(Settings(**url, classifier_backend="auto"), classifier_embedder)
    assert isinstance(auto, LLMBackedClassifier)
