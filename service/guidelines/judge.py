"""Optional LLM-as-judge rubric (grounded, empathetic, non-judgemental, actionable)."""

from __future__ import annotations

import secrets
from typing import Any

from service.lib.llm import LLMError, LLMGateway
from service.lib.prompts import load_prompt

CRITERIA = ("grounded", "empathetic", "non_judgemental", "actionable")
JUDGE_SCHEMA: dict[str, Any] = {
    "type": "object",
    "additionalProperties": False,
    "required": [*CRITERIA, "note"],
    "properties": {**{c: {"type": "integer"} for c in CRITERIA}, "note": {"type": "string"}},
}


class Judge:
    def __init__(self, gateway: LLMGateway) -> None:
        self.gateway = gateway
        self.prompt = load_prompt("judge")

    def score(self, written: str, answer: str) -> dict[str, Any]:
        """Scores 1-5 per criterion, or ``{"error": ...}`` when the judge cannot answer."""
        messages = self.prompt.render(tag=secrets.token_hex(6), input=written, answer=answer)
        try:
            data = self.gateway.complete_json(messages, "judge", JUDGE_SCHEMA).data
        except LLMError as exc:
            return {"error": str(exc)[:200], "prompt_version": self.prompt.ref}
        scores = {c: min(5, max(1, int(data[c]))) for c in CRITERIA}
        return {**scores, "note": str(data["note"])[:300], "prompt_version": self.prompt.ref}


def averages(scored: list[dict[str, Any]]) -> dict[str, float]:
    valid = [s for s in scored if "error" not in s]
    if not valid:
        return {}
    return {c: round(sum(s[c] for s in valid) / len(valid), 2) for c in CRITERIA}
