"""Label a check-in with a chat model: structured output restricted to the taxonomy ids.

This backend never decides safety on its own: the rule-first detector runs before it, and the
caller may only use the model's risk level to raise, never to lower, what the rules found.
Gateway errors propagate so that the caller fails closed.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from typing import Any

import structlog

from service.lib.llm import LLMGateway, LLMOutputError
from service.lib.llm_budget import fit_values
from service.lib.prompts import Prompt, load_prompt
from service.taxonomy import BurnoutSignal, Pattern, RiskCategory, RiskLevel

log = structlog.get_logger(__name__)

BACKEND = "llm"
SCHEMA_NAME = "checkin_labels"
MAX_EVIDENCE = 24
MAX_TOKENS = 500

_RISK_CATEGORIES = tuple(c.value for c in RiskCategory)
_PATTERNS = tuple(p.value for p in Pattern)
_BURNOUT = tuple(b.value for b in BurnoutSignal)


def _enum_list(values: tuple[str, ...], max_items: int) -> dict[str, Any]:
    return {"type": "array", "items": {"type": "string", "enum": list(values)},
            "maxItems": max_items}  # fmt: skip


LABELS_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        "risk_level": {"type": "string", "enum": [lvl.value for lvl in RiskLevel]},
        "risk_categories": _enum_list(_RISK_CATEGORIES, len(_RISK_CATEGORIES)),
        "patterns": _enum_list(_PATTERNS, 6),
        "burnout_signals": _enum_list(_BURNOUT, 6),
        "evidence": {
            "type": "array",
            "maxItems": 12,
            "items": {
                "type": "object",
                "properties": {
                    "label": {"type": "string", "enum": [*_RISK_CATEGORIES, *_PATTERNS, *_BURNOUT]},
                    "quote": {"type": "string", "maxLength": 200},
                },
                "required": ["label", "quote"],
                "additionalProperties": False,
            },
        },
    },
    "required": ["risk_level", "risk_categories", "patterns", "burnout_signals", "evidence"],
    "additionalProperties": False,
}
"""Strict structured-output schema: every label is an enum of the exact taxonomy ids. The
length limits bind grammar-constrained servers (llama.cpp) only (service/lib/llm_json.py)."""


@dataclass(frozen=True)
class LLMLabels:
    """What the model said, restricted to known labels and quotes found in the text."""

    risk_level: RiskLevel
    risk_categories: list[str]
    patterns: list[str]
    burnout_signals: list[str]
    evidence: list[dict[str, Any]]
    """``{"label", "quote", "start", "end"}``; ``text[start:end] == quote``."""
    model: str
    prompt_ref: str
    prompt_tokens: int
    completion_tokens: int
    latency_ms: int
    dropped: list[str] = field(default_factory=list)
    """Unknown labels and unverifiable evidence the model gave, for evals (never logged)."""
    backend: str = BACKEND


class LLMClassifier:
    """Classifies check-ins through an ``LLMGateway`` with the versioned ``classify`` prompt."""

    def __init__(self, gateway: LLMGateway, prompt: Prompt | None = None) -> None:
        self.gateway = gateway
        self.prompt = prompt or load_prompt("classify")

    def classify(
        self,
        text: str,
        *,
        mood: int | None = None,
        connection: int | None = None,
        locale: str | None = None,
    ) -> LLMLabels:
        """Label one check-in; raises ``LLMError`` subclasses when the model cannot answer."""
        # A fresh random boundary per call: the text cannot forge the end of its own block.
        boundary = secrets.token_hex(8)
        values = {"text": text, "mood": _scale(mood), "connection": _scale(connection),
                  "locale": locale or "unknown", "boundary": boundary}  # fmt: skip
        messages = self.prompt.render(**values)
        room = self.gateway.prompt_chars(MAX_TOKENS, len(messages))
        over = sum(len(m["content"]) for m in messages) - room if room is not None else 0
        if over > 0:  # a small context window: the middle of a long text gives way (the
            # rules and the local model have read all of it; this backend may only raise)
            messages = self.prompt.render(**fit_values(values, (("text", 400, "ends"),), over))
        schema_name = self.prompt.response_schema or SCHEMA_NAME
        result = self.gateway.complete_json(
            messages, schema_name, LABELS_SCHEMA, max_tokens=MAX_TOKENS
        )
        data = result.data
        dropped: list[str] = []
        level = _risk_level(data.get("risk_level"))
        categories = _known(
            data.get("risk_categories", []), _RISK_CATEGORIES, "risk_category", dropped
        )
        patterns = _known(data.get("patterns", []), _PATTERNS, "pattern", dropped)
        burnout = _known(data.get("burnout_signals", []), _BURNOUT, "burnout_signal", dropped)
        evidence = _evidence(
            text, data.get("evidence", []), {*categories, *patterns, *burnout}, dropped
        )
        labels = LLMLabels(
            risk_level=level,
            risk_categories=categories,
            patterns=patterns,
            burnout_signals=burnout,
            evidence=evidence,
            model=result.model,
            prompt_ref=self.prompt.ref,
            prompt_tokens=result.prompt_tokens,
            completion_tokens=result.completion_tokens,
            latency_ms=result.latency_ms,
            dropped=dropped,
        )
        log.info(
            "classify.llm",
            prompt=self.prompt.ref,
            model=result.model,
            risk_level=str(level),
            risk_categories=categories,
            patterns=patterns,
            burnout_signals=burnout,
            evidence=len(evidence),
            dropped=len(dropped),
            text_chars=len(text),
        )
        return labels


def _scale(value: int | None) -> str:
    return "not given" if value is None else str(value)


def _norm(label: Any) -> str:
    return str(label).strip().lower().replace("-", "_").replace(" ", "_")


def _risk_level(raw: Any) -> RiskLevel:
    try:
        return RiskLevel(_norm(raw))
    except ValueError:
        # A risk level cannot be dropped like a pattern: the caller must fail closed.
        raise LLMOutputError("model returned an unknown risk_level") from None


def _known(raw: Any, allowed: tuple[str, ...], kind: str, dropped: list[str]) -> list[str]:
    """Known ids in the model's order, without duplicates; the rest noted in ``dropped``."""
    out: list[str] = []
    for item in raw if isinstance(raw, list) else []:
        label = _norm(item)
        if label not in allowed:
            dropped.append(f"unknown {kind}: {str(item)[:40]}")
        elif label not in out:
            out.append(label)
    return out


def _evidence(text: str, raw: Any, labels: set[str], dropped: list[str]) -> list[dict[str, Any]]:
    """Keep evidence whose quote really is in ``text`` (the model may paraphrase), with offsets."""
    out: list[dict[str, Any]] = []
    seen: set[tuple[str, int, int]] = set()
    for item in raw if isinstance(raw, list) else []:
        if not isinstance(item, dict):
            continue
        label, quote = _norm(item.get("label", "")), str(item.get("quote", ""))
        if label not in labels:
            dropped.append(f"evidence for a label not given: {label[:40]}")
            continue
        span = _locate(text, quote)
        if span is None:
            dropped.append(f"evidence quote not in text for {label}")
            continue
        start, end = span
        if (label, start, end) in seen:
            continue
        seen.add((label, start, end))
        out.append({"label": label, "quote": text[start:end], "start": start, "end": end})
        if len(out) >= MAX_EVIDENCE:
            break
    return out


def _locate(text: str, quote: str) -> tuple[int, int] | None:
    """Where ``quote`` occurs in ``text``: exactly, else ignoring case when that is safe."""
    quote = quote.strip()
    if not quote:
        return None
    start = text.find(quote)
    if start < 0:
        lowered = text.lower()
        # Only when lower-casing keeps offsets (it can change lengths, e.g. for "İ").
        if len(lowered) == len(text) and len(quote.lower()) == len(quote):
            start = lowered.find(quote.lower())
    return None if start < 0 else (start, start + len(quote))
