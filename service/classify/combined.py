"""The LLM backend in service: the local classifier first (rules + risk heads), then the model.

The LLM adds patterns and burnout signals to the local model's and may raise the risk level;
it can never take away what the rules and the local model found. If the LLM is unavailable or answers badly, the
local result stands, with a note saying so.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import replace

import structlog

from service.classify.classifier import CheckInText, ClassificationResult, LocalClassifier
from service.classify.llm_backend import LLMClassifier
from service.lib.llm import LLMError
from service.taxonomy import POSITIVE_PATTERNS, RiskLevel

log = structlog.get_logger(__name__)


MODEL_VERSION_WIDTH = 64  # classifications.model_version is a String(64)
_LONG_HEX = re.compile(r"[0-9a-f]{12,}")


def combined_version(model: str, prompt_ref: str, local_version: str) -> str:
    """``model|prompt|local`` within the column's width. A long model name (an Azure
    deployment, ``org/Model-70B-Instruct``, ``qwen2.5-coder-1.5b``) overflowed it and failed
    every check-in's classification. First the local model's hash is cut to 8 hex digits,
    then the model name, with a hash of the whole name kept."""
    version = f"{model}|{prompt_ref}|{local_version}"
    if len(version) <= MODEL_VERSION_WIDTH:
        return version
    local_version = _LONG_HEX.sub(lambda m: m.group(0)[:8], local_version)
    version = f"{model}|{prompt_ref}|{local_version}"
    if len(version) <= MODEL_VERSION_WIDTH:
        return version
    digest = hashlib.sha256(model.encode()).hexdigest()[:6]
    room = MODEL_VERSION_WIDTH - len(f"~{digest}|{prompt_ref}|{local_version}")
    return f"{model[: max(0, room)]}~{digest}|{prompt_ref}|{local_version}"[:MODEL_VERSION_WIDTH]


class LLMBackedClassifier:
    backend = "llm"

    def __init__(self, llm: LLMClassifier, local: LocalClassifier) -> None:
        self.llm = llm
        self.local = local

    def classify_batch(self, items: list[CheckInText]) -> list[ClassificationResult]:
        return [
            self._one(item, base)
            for item, base in zip(items, self.local.classify_batch(items), strict=True)
        ]

    def _one(self, item: CheckInText, base: ClassificationResult) -> ClassificationResult:
        try:
            labels = self.llm.classify(
                item.text, mood=item.mood, connection=item.connection, locale=item.locale
            )
        except LLMError as exc:
            log.warning(
                "llm classification unavailable; local result stands", error=type(exc).__name__
            )
            return replace(
                base,
                notes=[*base.notes, f"llm unavailable ({type(exc).__name__}); local model used"],
            )
        level = RiskLevel.highest(base.risk_level, labels.risk_level)
        categories = set(base.risk_categories)
        if level.at_least(RiskLevel.ELEVATED):
            categories |= set(labels.risk_categories)
        else:
            categories = set()
        # The model adds to the local model's reading; it never takes a label away. Replacing
        # it lost what the measured local model saw whenever a small model read less or wrong:
        # Qwen2.5-1.5B copied classify@v1's empty example for 100 of 100 texts, and with v2
        # read phones on the sofa as turning away + irritability without technoference, so
        # the tip's cards missed the point (docs/llm.md).
        patterns = set(base.patterns) | set(labels.patterns)
        burnout = set(base.burnout_signals) | set(labels.burnout_signals)
        notes = list(base.notes)
        if not labels.patterns and not labels.burnout_signals:
            notes.append("llm gave no patterns or burnout signals; local ones kept")
        if level.at_least(RiskLevel.ELEVATED):
            patterns -= {str(p) for p in POSITIVE_PATTERNS}
        evidence = list(base.evidence) + [
            {**span, "rule": f"llm:{labels.prompt_ref}"} for span in labels.evidence
        ]
        return replace(
            base,
            risk_level=level,
            risk_categories=sorted(categories),
            # an escalation answers what a question would have asked (row A1)
            ask_safety=base.ask_safety and not level.at_least(RiskLevel.ELEVATED),
            ask_kind=base.ask_kind if not level.at_least(RiskLevel.ELEVATED) else None,
            patterns=sorted(patterns),
            burnout_signals=sorted(burnout),
            notes=notes,
            evidence=evidence,
            backend=self.backend,
            model_version=combined_version(labels.model, labels.prompt_ref, base.model_version),
        )
