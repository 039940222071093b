"""Token budgets: prompts cut to fit a small context window, and what gives way first."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from service.classify.llm_backend import LLMClassifier
from service.coaching.composer import TipInput
from service.coaching.llm_writer import TIP_MAX_TOKENS, LLMTipWriter
from service.coaching.resources import resources_for
from service.lib.llm import LLMGateway
from service.lib.llm_budget import TokenBudget, fit_values, shorten
from service.retrieval.search import RetrievedCard
from service.taxonomy import RiskLevel
from tests.support.scripted_llm import ScriptedLLM

KNOWLEDGE = Path(__file__).resolve().parents[2] / "knowledge" / "resources"
TIP = {"title": "A pause", "why": "You wrote it was tense.", "steps": ["Pause."],
       "tonight": "Breathe.", "question": None, "partner_view": None, "citations": ["c1"]}  # fmt: skip


@given(st.text(min_size=0, max_size=400), st.integers(min_value=20, max_value=400),
       st.sampled_from(["head", "tail", "ends"]))  # fmt: skip
def test_shorten_never_grows_past_the_limit(text: str, limit: int, keep: Any) -> None:
    out = shorten(text, limit, keep)
    assert out == text if len(text) <= limit else len(out) <= limit


def test_shorten_keeps_the_start_and_end_of_a_long_text() -> None:
    text = "START " + "middle " * 200 + "END"
    out = shorten(text, 100)
    assert out.startswith("START") and out.endswith("END") and "[…]" in out


def test_fit_values_cuts_in_order_and_respects_floors() -> None:
    values = {"cards": "c" * 1000, "checkin": "w " * 500, "tag": "x"}
    out = fit_values(values, [("cards", 300, "head"), ("checkin", 200, "ends")], over_by=600)
    assert len(out["cards"]) <= 400 and out["checkin"] == values["checkin"]
    out = fit_values(values, [("cards", 300, "head"), ("checkin", 200, "ends")], over_by=5000)
    assert 250 <= len(out["cards"]) <= 300 and len(out["checkin"]) <= 200


def test_the_estimate_learns_only_towards_more_tokens() -> None:
    budget = TokenBudget(4096)
    messages = [{"role": "user", "content": "x" * 4000}]
    before = budget.estimate(messages)
    budget.observe(messages, 800)  # 5 chars per token: easier than assumed, ignored
    assert budget.estimate(messages) == before
    budget.observe(messages, 2008)  # 2 chars per token: learnt
    assert budget.estimate(messages) >= 2000


def card(i: int) -> RetrievedCard:
    return RetrievedCard(id=f"c{i}", title=f"Card {i}", summary="s " * 150, kind="strategy",
                         score=1.0, patterns=[], burnout_signals=[], contraindications=[],
                         stages=[], steps=["a step " * 20] * 5, evidence=[], dense_rank=1,
                         text_rank=1, reason="")  # fmt: skip


def test_tip_prompt_is_cut_to_the_context_window_keeping_the_checkins_ends() -> None:
    text = "We argued about money. " + "It went on and on. " * 300 + "I left the room."
    with ScriptedLLM() as llm:
        llm.json(TIP)
        gateway = LLMGateway(llm.base_url, "m", "k", timeout=2, context_tokens=2048)
        tip = TipInput(checkin_id="x", mood=2, connection=2, risk_level=RiskLevel.NONE,
                       risk_categories=[], patterns=[], burnout_signals=[],
                       cards=[card(1), card(2), card(3)], resources=resources_for(KNOWLEDGE, "en-US"))  # fmt: skip
        LLMTipWriter(gateway).coaching(tip, checkin_text=text)
        sent = llm.requests[0]
        chars = sum(len(m["content"]) for m in sent.messages)
        assert chars / gateway.budget.chars_per_token + sent.body["max_tokens"] <= 2048
        user = sent.content_of("user")
        assert "We argued about money." in user and "I left the room." in user
        assert "[…]" in user and sent.body["max_tokens"] <= TIP_MAX_TOKENS


def test_classifier_text_is_cut_only_in_its_middle() -> None:
    text = "I am fine. " + "Work was long. " * 900 + "I have the pills ready tonight."
    labels = {"risk_level": "urgent", "risk_categories": ["self_harm"], "patterns": [],
              "burnout_signals": [], "evidence": []}  # fmt: skip
    with ScriptedLLM() as llm:
        llm.json(labels)
        gateway = LLMGateway(llm.base_url, "m", "k", timeout=2, context_tokens=4096)
        LLMClassifier(gateway).classify(text)
        user = llm.requests[0].content_of("user")
        assert "I have the pills ready tonight." in user and "I am fine." in user


def test_tip_prompt_lists_the_fitting_strategy_first() -> None:
    """Qwen2.5-1.5B cited the card it met first that looked relevant (grounding-012: the
    warning-signs checklist): the cards it must cite from lead the list."""
    signs = replace(card(1), id="signs", kind="warning_signs", patterns=["secrecy"])
    other = replace(card(2), id="other", patterns=["codependency"])
    truth = replace(card(3), id="truth", patterns=["secrecy"])
    with ScriptedLLM() as llm:
        llm.json(TIP | {"citations": ["truth"]})
        gateway = LLMGateway(llm.base_url, "m", "k", timeout=2, context_tokens=8192)
        tip = TipInput(checkin_id="x", mood=2, connection=2, risk_level=RiskLevel.NONE,
                       risk_categories=[], patterns=["secrecy"], burnout_signals=[],
                       cards=[signs, other, truth], resources=resources_for(KNOWLEDGE, "en-US"))  # fmt: skip
        LLMTipWriter(gateway).coaching(tip, checkin_text="I hid a credit card from him.")
        user = llm.requests[0].content_of("user")
    assert user.index("[truth]") < user.index("[signs]") < user.index("[other]")
