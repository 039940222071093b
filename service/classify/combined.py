"""The LLM backend in service: the local classifier first (rules + risk heads), then the model.

The LLM adds patterns and burnout signals to the local model's; it can never take away what
the rules and the local model found. If the LLM is unavailable or answers badly, the local
result stands, with a note saying so.

What the model's risk reading may change is one small table, the decision table's rules
(service/classify/decision.py) applied to a second reader (docs/classifier.md; one test per
row in tests/unit/test_llm_backed_classifier.py). "Local" is the rules and the local model:

| row | the model reads | local level | rules' context | result |
|---|---|---|---|---|
| L1 | at or below the local level | any | any | the local reading stands (never lowered) |
| L2 | above, local already `elevated`+ | `elevated` | any | the model's level (`urgent`), its categories added |
| L3 | `concern` | `none` | any | the local reading stands; noted |
| L4 | `elevated`+ | below `elevated` | a present-danger cue | the model's level and categories (an escalation) |
| L5 | `elevated`+ | below `elevated` | a defusing context, no cue | the local reading stands (D5: at most `concern`); noted |
| L6 | `elevated`+ | below `elevated` | neither | at least `concern`, and the partner is asked (A8) about the model's category; a "yes" escalates, `urgent` if the model read urgent |

Why: measured with Qwen2.5-Coder-1.5B on 100 held-out texts (docs/llm.md), a model allowed to
raise freely read 31 of 69 everyday texts as `concern` and escalated 9 — "I'm gonna strangle
the cat" (banter), "Ich bin tot 😂", a murder-mystery party, a crime novel's search history —
false alarms 5 % → 14 %. A second reader that disagrees with the first is an uncertain reading,
and an uncertain reading is asked about, not assumed (DESIGN: ask, don't assume).
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, replace

import structlog

from service.classify.asking import kind_for
from service.classify.classifier import CheckInText, ClassificationResult, LocalClassifier
from service.classify.llm_backend import LLMClassifier, LLMLabels
from service.lib.llm import LLMError
from service.safety import RiskAssessment, assess_risk
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
        ruled = [
            item
            if item.rules is not None
            else replace(
                item,
                rules=assess_risk(
                    item.text, mood=item.mood, connection=item.connection, locale=item.locale
                ),
            )
            for item in items
        ]
        return [
            self._one(item, base)
            for item, base in zip(ruled, self.local.classify_batch(ruled), strict=True)
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
        assert item.rules is not None  # classify_batch read every text with the rules
        risk = llm_risk(item.rules, base, labels)
        level = risk.level
        categories = set(base.risk_categories)
        if level.at_least(RiskLevel.ELEVATED) and risk.row in ("L2", "L4"):
            categories |= set(labels.risk_categories)
        if not level.at_least(RiskLevel.ELEVATED):
            categories = set()
        # The model adds to the local model's reading; it never takes a label away. Replacing
        # it lost what the measured local model saw whenever a small model read less or wrong:
        # Qwen2.5-1.5B copied classify@v1's empty example for 100 of 100 texts, and with v2
        # read phones on the sofa as turning away + irritability without technoference, so
        # the tip's cards missed the point (docs/llm.md).
        patterns = set(base.patterns) | set(labels.patterns)
        burnout = set(base.burnout_signals) | set(labels.burnout_signals)
        notes = list(base.notes) + ([risk.note] if risk.note else [])
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
            ask_safety=risk.ask_kind is not None,
            ask_kind=risk.ask_kind,
            ask_row=risk.ask_row,
            danger_now=risk.danger_now,
            patterns=sorted(patterns),
            burnout_signals=sorted(burnout),
            notes=notes,
            evidence=evidence,
            backend=self.backend,
            model_version=combined_version(labels.model, labels.prompt_ref, base.model_version),
        )


@dataclass(frozen=True)
class LLMRisk:
    level: RiskLevel
    row: str
    ask_kind: str | None
    ask_row: str
    danger_now: bool
    note: str = ""


def llm_risk(rules: RiskAssessment, base: ClassificationResult, labels: LLMLabels) -> LLMRisk:
    """The table in this module's docstring: what the model's risk reading changes."""
    local = base.risk_level
    keep = LLMRisk(local, "L1", base.ask_kind if base.ask_safety else None, base.ask_row,
                   base.danger_now)  # fmt: skip
    read = labels.risk_level
    if read.rank <= local.rank:
        return keep
    if local.at_least(RiskLevel.ELEVATED):
        # an escalation answers what a question would have asked (row A1)
        return LLMRisk(read, "L2", None, "A1", False)
    if not read.at_least(RiskLevel.ELEVATED):
        return replace(keep, row="L3", note=f"llm read {read}; local reading kept (L3)")
    if rules.present_danger:
        return LLMRisk(read, "L4", None, "A1", False)
    if rules.defusing:
        return replace(keep, row="L5", note=f"llm read {read} in a defused text; not raised (L5)")
    kind = base.ask_kind if base.ask_safety else kind_for(labels.risk_categories)
    return LLMRisk(
        RiskLevel.highest(local, RiskLevel.CONCERN),
        "L6",
        kind,
        base.ask_row if base.ask_safety else "A8",
        base.danger_now or read == RiskLevel.URGENT,
        note=f"llm read {read}; the partner is asked (L6)",
    )
