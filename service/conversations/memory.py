"""Chat memory: the last few turns verbatim plus a rolling summary of everything before them.

The summary is extractive and deterministic (the partner's own first words of each older
message, and which strategies were suggested), so it never invents anything and costs no model
call. It is stored encrypted like every other free text.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

WINDOW = 6  # messages kept verbatim (three exchanges)
MAX_SUMMARY = 1500
_SNIPPET = 140


@dataclass(frozen=True)
class Turn:
    seq: int
    role: str  # user | assistant
    content: str
    citations: tuple[str, ...] = ()


def format_turns(turns: Sequence[Turn], new_message: str) -> str:
    lines = [f"{'Partner' if t.role == 'user' else 'Coach'}: {t.content}" for t in turns]
    lines.append(f"Partner (new message): {new_message}")
    return "\n".join(lines)


def fold(summary: str | None, older: Sequence[Turn]) -> str:
    """The summary extended with turns that just left the window, trimmed from the front."""
    parts = [summary] if summary else []
    for turn in older:
        if turn.role == "user":
            parts.append(f"Partner said: {_snippet(turn.content)}")
        elif turn.citations:
            parts.append(f"Coach suggested: {', '.join(turn.citations)}")
    text = " | ".join(parts)
    if len(text) > MAX_SUMMARY:
        text = "… " + text[-MAX_SUMMARY:].split(" | ", 1)[-1]
    return text


def _snippet(text: str) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= _SNIPPET else flat[: _SNIPPET - 1].rsplit(" ", 1)[0] + "…"
