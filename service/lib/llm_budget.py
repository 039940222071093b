"""Token budgets: what fits a model's context window, estimated without its tokenizer.

Hosted models have room to spare; a local server started with ``--n_ctx 4096`` refuses (or
silently cuts) a prompt plus answer that does not fit, and a small model with no
``max_tokens`` may ramble until the window is full. The estimate is deliberately pessimistic
(fewer characters per token than English text averages) and learns from the ``usage`` the
server reports, only ever towards more tokens per character.
"""

from __future__ import annotations

import math
import threading
from collections.abc import Mapping, Sequence
from typing import Literal

MESSAGE_OVERHEAD = 8  # chat-template tokens around each message (role markers, separators)
MIN_CHARS_PER_TOKEN = 1.5


class TokenBudget:
    """The context window of one model and an estimate of how many tokens a prompt takes."""

    def __init__(self, context_tokens: int | None, *, chars_per_token: float = 3.2) -> None:
        self.context_tokens = context_tokens
        self._chars_per_token = chars_per_token
        self._lock = threading.Lock()

    @property
    def chars_per_token(self) -> float:
        return self._chars_per_token

    def estimate(self, messages: Sequence[Mapping[str, str]]) -> int:
        chars = sum(len(m.get("content", "")) for m in messages)
        return math.ceil(chars / self._chars_per_token) + MESSAGE_OVERHEAD * len(messages)

    def observe(self, messages: Sequence[Mapping[str, str]], prompt_tokens: int) -> None:
        """Learn from the server's count (only towards a more cautious ratio)."""
        if prompt_tokens <= MESSAGE_OVERHEAD * len(messages):
            return
        chars = sum(len(m.get("content", "")) for m in messages)
        ratio = chars / (prompt_tokens - MESSAGE_OVERHEAD * len(messages))
        with self._lock:
            self._chars_per_token = max(MIN_CHARS_PER_TOKEN, min(self._chars_per_token, ratio))

    def output_tokens(self, messages: Sequence[Mapping[str, str]], wanted: int) -> int | None:
        """``wanted``, or what is left of the window if less; None if not even a short answer
        (a quarter of ``wanted``) fits."""
        if self.context_tokens is None:
            return wanted
        left = self.context_tokens - self.estimate(messages)
        return min(wanted, left) if left >= min(wanted, max(64, wanted // 4)) else None

    def prompt_chars(self, output_tokens: int, n_messages: int = 2) -> int | None:
        """Characters of message content that fit beside an answer of ``output_tokens``."""
        if self.context_tokens is None:
            return None
        tokens = self.context_tokens - output_tokens - MESSAGE_OVERHEAD * n_messages
        return max(0, int(tokens * self._chars_per_token))


Keep = Literal["head", "tail", "ends"]
ELLIPSIS = " […] "


def shorten(text: str, max_chars: int, keep: Keep = "ends") -> str:
    """``text`` cut to ``max_chars`` at word boundaries, the cut marked with ``[…]``."""
    if len(text) <= max_chars:
        return text
    room = max(0, max_chars - len(ELLIPSIS))
    if keep == "head":
        return text[:room].rsplit(" ", 1)[0] + ELLIPSIS.rstrip()
    if keep == "tail":
        return ELLIPSIS.lstrip() + text[len(text) - room :].split(" ", 1)[-1]
    head = text[: room // 2].rsplit(" ", 1)[0]
    tail = text[len(text) - (room - room // 2) :].split(" ", 1)[-1]
    return head + ELLIPSIS + tail


def fit_values(
    values: dict[str, str], cuts: Sequence[tuple[str, int, Keep]], over_by: int
) -> dict[str, str]:
    """Shorten ``values`` in the order of ``cuts`` (name, chars kept at least, what to keep)
    until ``over_by`` characters are gone; returns a new dict (as far as the floors allow)."""
    out = dict(values)
    for name, floor, keep in cuts:
        if over_by <= 0:
            break
        text = out[name]
        target = max(floor, len(text) - over_by)
        if target < len(text):
            out[name] = shorten(text, target, keep)
            over_by -= len(text) - len(out[name])
    return out
