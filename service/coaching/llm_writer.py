"""Tips and safety messages written by a chat model through the gateway (``backend: llm``).

The model gets this partner's own check-in and the retrieved cards, never the other partner's
text. Resources, emergency numbers and the coach alert are added by code, not by the model.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from typing import Any

from service.coaching.composer import ComposedTip, TipInput, fitting_first, resource_block
from service.lib.llm import LLMGateway, LLMOutputError, LLMResult
from service.lib.llm_budget import Keep, fit_values
from service.lib.prompts import Prompt, load_prompt
from service.retrieval.search import RetrievedCard

BACKEND = "llm"
TIP_MAX_TOKENS = 700
STEP_MAX = 220  # characters in one step (cards' own steps are at most 194)
ESCALATION_MAX_TOKENS = 450
# What gives way when a prompt does not fit a small context: card details first, then the
# middle of a long check-in (its start and end stay).
_CUTS: tuple[tuple[str, int, Keep], ...] = (("cards", 700, "head"), ("checkin", 600, "ends"))


def _text_field(max_length: int, *, nullable: bool = False) -> dict[str, Any]:
    kind: Any = ["string", "null"] if nullable else "string"
    return {"type": kind, "maxLength": max_length}


def _list_of(max_length: int, min_items: int, max_items: int) -> dict[str, Any]:
    return {"type": "array", "items": {"type": "string", "maxLength": max_length},
            "minItems": min_items, "maxItems": max_items}  # fmt: skip


# Length limits: a grammar-constrained server (llama.cpp) enforces them, so that a small
# model cannot write until max_tokens cuts the JSON off; OpenAI's strict mode gets the
# schema without them (service/lib/llm_json.py).
TIP_SCHEMA: dict[str, Any] = {
    "type": "object",
    "additionalProperties": False,
    "required": ["title", "why", "steps", "tonight", "question", "partner_view", "citations"],
    "properties": {
        "title": _text_field(80),
        "why": _text_field(400),
        "steps": _list_of(STEP_MAX, 2, 4),
        "tonight": _text_field(220),
        "question": _text_field(200, nullable=True),
        "partner_view": _text_field(260, nullable=True),
        "citations": _list_of(80, 1, 3),
    },
}
ESCALATION_SCHEMA: dict[str, Any] = {
    "type": "object",
    "additionalProperties": False,
    "required": ["message", "steps", "citations"],
    "properties": {
        "message": _text_field(500),
        "steps": _list_of(STEP_MAX, 0, 3),
        "citations": _list_of(80, 0, 3),
    },
}


@dataclass(frozen=True)
class Written:
    tip: ComposedTip
    result: LLMResult


def prompt_ref(prompt: Prompt, guidelines: Prompt) -> str:
    """What is stored with the output, e.g. ``tip@v1+guidelines@v1``."""
    return f"{prompt.ref}+{guidelines.ref}"


class LLMTipWriter:
    """Writes coaching tips (``tip`` prompt) and elevated-risk messages (``escalation``)."""

    def __init__(self, gateway: LLMGateway) -> None:
        self.gateway = gateway
        self.guidelines = load_prompt("guidelines")
        self.tip_prompt = load_prompt("tip")
        self.escalation_prompt = load_prompt("escalation")

    def coaching(self, tip: TipInput, *, checkin_text: str, temperature: float = 0.4) -> Written:
        prompt = self.tip_prompt
        messages = self._messages(
            prompt,
            TIP_MAX_TOKENS,
            stage=tip.stage or "unknown",
            mood=str(tip.mood or "not given"),
            connection=str(tip.connection or "not given"),
            patterns=", ".join(tip.patterns) or "none",
            burnout_signals=", ".join(tip.burnout_signals) or "none",
            risk_level=str(tip.risk_level),
            # The strategies written for what was noticed first: the one the tip must cite
            # from (grounding.on_point_ids) leads, and a tight budget cuts the others first.
            cards=format_cards(fitting_first(tip.cards, {*tip.patterns, *tip.burnout_signals})),
            checkin=checkin_text,
        )
        result = self.gateway.complete_json(
            messages, "tip", TIP_SCHEMA, temperature=temperature, max_tokens=TIP_MAX_TOKENS
        )
        data = result.data
        body: dict[str, Any] = {
            "why": _text(data["why"]),
            "steps": clean_steps(data["steps"]),
            "tonight": _text(data["tonight"]),
        }
        for key in ("question", "partner_view"):
            if data.get(key):
                body[key] = _text(data[key])
        if tip.risk_level == "concern":
            body["check_in_question"] = (
                "How are you holding up, really? Would it help to talk to someone?"
            )
            body["resources"] = [r.as_dict() for r in tip.resources.crisis]
        composed = ComposedTip(
            "coaching",
            _text(data["title"]),
            body,
            _unique(data["citations"]),
            backend=BACKEND,
            prompt_version=prompt_ref(prompt, self.guidelines),
        )
        return Written(composed, result)

    def elevated(self, tip: TipInput, *, checkin_text: str) -> Written:
        prompt = self.escalation_prompt
        messages = self._messages(
            prompt,
            ESCALATION_MAX_TOKENS,
            risk_level=str(tip.risk_level),
            risk_categories=", ".join(tip.risk_categories) or "unspecified",
            cards=format_cards(tip.cards),
            checkin=checkin_text,
        )
        result = self.gateway.complete_json(
            messages,
            "escalation",
            ESCALATION_SCHEMA,
            temperature=0.2,
            max_tokens=ESCALATION_MAX_TOKENS,
        )
        data = result.data
        message = _text(data["message"])
        if not message:
            raise LLMOutputError("escalation message is empty")
        title, body = resource_block(tip)
        body["message"] = message
        body["steps"] = clean_steps(data["steps"])[:3]
        composed = ComposedTip(
            "safety",
            title,
            body,
            _unique(data["citations"]),
            backend=BACKEND,
            prompt_version=prompt_ref(prompt, self.guidelines),
        )
        return Written(composed, result)

    def _messages(self, prompt: Prompt, max_tokens: int, **values: str) -> list[dict[str, str]]:
        # A fresh boundary tag per request: text that fakes an end marker stays data.
        tag = secrets.token_hex(6)
        rendered = self._render(prompt, tag, values)
        room = self.gateway.prompt_chars(max_tokens, len(rendered))
        over = sum(len(m["content"]) for m in rendered) - room if room is not None else 0
        if over > 0:  # a small context window: shorten what can give way
            rendered = self._render(prompt, tag, fit_values(values, _CUTS, over))
        return rendered

    def _render(self, prompt: Prompt, tag: str, values: dict[str, str]) -> list[dict[str, str]]:
        rendered = prompt.render(tag=tag, **values)
        rendered[0]["content"] = f"{self.guidelines.system}\n\n{rendered[0]['content']}"
        return rendered


def format_cards(cards: list[RetrievedCard]) -> str:
    if not cards:
        return "(none)"
    blocks = []
    for card in cards:
        steps = "\n".join(f"  - {s}" for s in card.steps[:5])
        blocks.append(f"[{card.id}] {card.title}\n  {card.summary}\n  steps:\n{steps}")
    return "\n".join(blocks)


def _text(value: Any) -> str:
    return " ".join(str(value or "").split())


_LIST_MARKER = re.compile(r"^(?:[-*•·]|\d{1,2}[.)])\s+")
_SENTENCE_END = re.compile(r"[.!?…](?=\s|$)")


def clean_steps(values: list[Any], max_length: int = STEP_MAX) -> list[str]:
    """The steps as a partner should read them. What Qwen2.5-1.5B put in ``steps`` in the
    measured runs (docs/llm.md): list markers ("- Choose a slot…"), another field's name as a
    step ("partner_view"), and steps cut mid-word where the grammar's length limit stopped
    them. Markers go; a cut step keeps its complete sentences or is dropped; names go. Fewer
    than two left: the guard's structure rule refuses the tip (regenerated, then offline)."""
    steps = []
    for value in values:
        step = _LIST_MARKER.sub("", _text(value))
        if len(step) >= max_length and not step.endswith((".", "!", "?", "…")):
            ends = [m.end() for m in _SENTENCE_END.finditer(step)]
            step = step[: ends[-1]] if ends else ""
        if len(step) < 12 or step.lower().strip(" .:") in TIP_SCHEMA["properties"]:
            continue
        if step not in steps:
            steps.append(step)
    return steps


def _unique(values: list[Any]) -> list[str]:
    """Card ids in order, without repeats. Small models copy an id as the card list shows it,
    ``[lead-with-kindness]`` (Qwen2.5-1.5B did in 2 of 4 tips, docs/llm.md): the brackets are
    presentation, not the id. The guard still requires every id to be a retrieved card."""
    return list(dict.fromkeys(_card_id(v) for v in values))


def _card_id(value: Any) -> str:
    """``lead-with-kindness``, ``[lead-with-kindness]``, or the id with the card's title after
    it, as the list shows them: ``self-care-under-strain] Look after yourself…`` (Qwen2.5-1.5B
    in the 52-case guideline run: three citations refused as not retrieved)."""
    text = str(value).strip().lstrip("[").strip()
    return text.split("]", 1)[0].strip() if "]" in text else text
