"""What a run asked of a model, for eval reports: calls, outcomes, latency and tokens.

A gateway with a ``CallLog`` attached records every call it makes (the same points that
count Prometheus metrics). Nothing of a message's content is kept.
"""

from __future__ import annotations

import threading
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class ModelCall:
    purpose: str  # the schema name (tip, escalation, checkin_labels) or chat
    outcome: str  # ok | bad_output | unavailable | refused
    seconds: float
    prompt_tokens: int = 0
    completion_tokens: int = 0
    usage_estimated: bool = False
    json_mode: str | None = None


class CallLog:
    """Thread-safe list of ``ModelCall``; ``summary()`` gives the report's numbers."""

    def __init__(self) -> None:
        self._calls: list[ModelCall] = []
        self._lock = threading.Lock()

    def record(self, call: ModelCall) -> None:
        with self._lock:
            self._calls.append(call)

    @property
    def calls(self) -> list[ModelCall]:
        with self._lock:
            return list(self._calls)

    def summary(self) -> dict[str, Any]:
        return summarise_calls(self.calls)


def percentile(values: Iterable[float], q: float) -> float | None:
    """Nearest-rank percentile (``q`` in 0-100); None for no values."""
    ordered = sorted(values)
    if not ordered:
        return None
    rank = max(1, -(-len(ordered) * q // 100))
    return ordered[int(rank) - 1]


def summarise_calls(calls: list[ModelCall]) -> dict[str, Any]:
    """Per purpose: calls, outcomes, valid rate, latency p50/p95 (s), tokens."""
    by: dict[str, list[ModelCall]] = defaultdict(list)
    for call in calls:
        by[call.purpose].append(call)
    out: dict[str, Any] = {}
    for purpose, rows in sorted(by.items()):
        ok = [c for c in rows if c.outcome == "ok"]
        answered = [c for c in rows if c.outcome in ("ok", "bad_output")]
        seconds = [c.seconds for c in ok]
        p50, p95 = percentile(seconds, 50), percentile(seconds, 95)
        out[purpose] = {
            "calls": len(rows),
            "outcomes": dict(Counter(c.outcome for c in rows)),
            # of the answers the server sent, how many parsed and matched the schema
            "valid_rate": round(len(ok) / len(answered), 4) if answered else None,
            "latency_p50_s": round(p50, 2) if p50 is not None else None,
            "latency_p95_s": round(p95, 2) if p95 is not None else None,
            "prompt_tokens": sum(c.prompt_tokens for c in ok),
            "completion_tokens": sum(c.completion_tokens for c in ok),
            "mean_prompt_tokens": round(sum(c.prompt_tokens for c in ok) / len(ok)) if ok else 0,
            "mean_completion_tokens": (
                round(sum(c.completion_tokens for c in ok) / len(ok)) if ok else 0
            ),
            "usage_estimated": any(c.usage_estimated for c in ok),
            "json_modes": sorted({c.json_mode for c in rows if c.json_mode}),
        }
    return out


def attempt_stats(outputs: Iterable[Mapping[str, Any]]) -> dict[str, Any]:
    """From stored generation attempts (one list per answered input): what the guard and the
    fallback did. ``outputs``: dicts with an ``attempts`` list as the guideline runner keeps."""
    answers = model_asked = accepted = fallbacks = regenerations = errors = 0
    rules: Counter[str] = Counter()
    error_kinds: Counter[str] = Counter()
    for output in outputs:
        attempts = list(output.get("attempts") or [])
        if not attempts:
            continue
        answers += 1
        llm = [a for a in attempts if a.get("backend") == "llm"]
        if not llm:
            continue
        model_asked += 1
        regenerations += max(0, len(llm) - 1)
        for a in llm:
            if a.get("outcome") == "rejected":
                rules.update({str(v.get("rule")) for v in a.get("violations") or []})
            elif a.get("outcome") == "error":
                errors += 1
                error_kinds[_error_kind(str(a.get("error") or ""))] += 1
        final = attempts[-1]
        if final.get("backend") == "llm" and final.get("outcome") == "accepted":
            accepted += 1
        else:
            fallbacks += 1
    return {
        "answers": answers,
        "model_asked": model_asked,
        "model_accepted": accepted,
        "offline_fallbacks": fallbacks,
        "regenerations": regenerations,
        "model_errors": errors,
        "errors_by_kind": dict(sorted(error_kinds.items())),
        "guard_rejections_by_rule": dict(sorted(rules.items())),
    }


def _error_kind(message: str) -> str:
    lowered = message.lower()
    for needle, kind in (("not json", "not_json"), ("does not match", "schema_mismatch"),
                         ("cut off", "cut_off"), ("context", "too_long"),
                         ("unavailable", "unavailable"), ("timeout", "timeout"),
                         ("refused", "refused"), ("empty", "empty")):  # fmt: skip
        if needle in lowered:
            return kind
    return "other"
