"""What small local models write, and how the tip writer reads it (found with Qwen2.5-1.5B)."""

from __future__ import annotations

from pathlib import Path

from service.coaching.composer import TipInput
from service.coaching.guard import GuardContext, check
from service.coaching.llm_writer import LLMTipWriter
from service.coaching.resources import resources_for
from service.coaching.tips import guard_view
from service.lib.llm import LLMGateway
from service.lib.prompts import load_prompt
from service.taxonomy import RiskLevel
from tests.support.scripted_llm import ScriptedLLM
from tests.unit.test_llm_budget import card

RESOURCES = Path(__file__).resolve().parents[2] / "knowledge" / "resources"


def _tip(citations: list[str]) -> dict[str, object]:
    return {"title": "A kinder start", "why": "You wrote that it keeps escalating.",
            "steps": ["Start with one kind sentence.", "Ask one direct question."],
            "tonight": "Say one thank-you.", "question": None, "partner_view": None,
            "citations": citations}  # fmt: skip


def _write(citations: list[str]) -> tuple[list[str], bool]:
    with ScriptedLLM() as llm:
        llm.json(_tip(citations))
        tip = TipInput(checkin_id="x", mood=2, connection=2, risk_level=RiskLevel.NONE,
                       risk_categories=[], patterns=[], burnout_signals=[],
                       cards=[card(1), card(2)], resources=resources_for(RESOURCES, "en-US"))  # fmt: skip
        written = LLMTipWriter(LLMGateway(llm.base_url, "m", "k", timeout=2)).coaching(
            tip, checkin_text="It keeps escalating over small things."
        )
    context = GuardContext(risk_level=RiskLevel.NONE, risk_categories=(),
                           retrieved_ids=frozenset({"c1", "c2"}),
                           own_text="It keeps escalating over small things.")  # fmt: skip
    return written.tip.citations, check(guard_view(written.tip), context).passed


def test_card_ids_copied_with_their_brackets_are_read_as_ids() -> None:
    assert _write(["[c1]", " c2 ", "[c1]"]) == (["c1", "c2"], True)


def test_a_bracketed_id_that_was_not_retrieved_is_still_refused() -> None:
    citations, passed = _write(["[c9]"])
    assert citations == ["c9"] and not passed


def test_the_tip_prompt_asks_for_ids_without_brackets_and_keeps_v1() -> None:
    current, first = load_prompt("tip"), load_prompt("tip", 1)
    assert current.version >= 2 and first.version == 1
    assert "without the square brackets" in current.system
    assert current.placeholders == first.placeholders  # same values, so the writer is unchanged
