"""Classify check-ins: rule-first safety, then the local model (or an LLM when configured).

Order matters: the safety rules run first and on their own; a model may raise the risk level
they set, never lower it; and if classification fails or runs out of time, the check-in is
treated as at risk (fail closed), never as fine.
"""

from __future__ import annotations

import concurrent.futures
import re
from dataclasses import dataclass, field, replace
from typing import Any, Protocol

import numpy as np
import numpy.typing as npt
import structlog
from scipy import sparse

from service.classify.lexicon import BURNOUT_CUES, PATTERN_CUES, find_cues
from service.classify.local_model import LocalModel
from service.taxonomy import POSITIVE_PATTERNS, BurnoutSignal, Pattern, RiskLevel
from service.knowledge.embedder import Embedder
from service.safety import RULES_VERSION, RiskAssessment, assess_risk

log = structlog.get_logger(__name__)

PATTERN_SET = {str(p) for p in Pattern}
BURNOUT_SET = {str(b) for b in BurnoutSignal}
ENGLISH_ONLY_NOTE = "patterns and burnout signals are read in English only; text is '{lang}'"


@dataclass(frozen=True)
class CheckInText:
    text: str
    mood: int | None = None
    connection: int | None = None
    locale: str | None = None


@dataclass(frozen=True)
class ClassificationResult:
    risk_level: RiskLevel
    risk_categories: list[str]
    patterns: list[str]
    burnout_signals: list[str]
    evidence: list[dict[str, Any]] = field(default_factory=list)
    language: str = "und"
    third_party: bool = False
    backend: str = "local"
    model_version: str = ""
    notes: list[str] = field(default_factory=list)

    def labels(self) -> dict[str, Any]:
        """The TAXONOMY.md batch fields."""
        return {
            "risk_level": str(self.risk_level),
            "risk_categories": self.risk_categories,
            "patterns": self.patterns,
            "burnout_signals": self.burnout_signals,
            "backend": self.backend,
        }


class Classifier(Protocol):
    backend: str

    def classify_batch(self, items: list[CheckInText]) -> list[ClassificationResult]: ...


def rule_spans(assessment: RiskAssessment) -> list[dict[str, Any]]:
    return [
        {"label": s.label, "start": s.start, "end": s.end, "quote": s.quote, "rule": s.rule}
        for s in assessment.evidence
    ]


class LocalClassifier:
    """The default backend: the shipped linear model over MiniLM + n-gram features."""

    backend = "local"

    def __init__(self, model: LocalModel, embedder: Embedder) -> None:
        self.model = model
        self.embedder = embedder
        self.version = f"{model.version}+{RULES_VERSION}"
        lexical_start = embedder.dim
        lexical_end = lexical_start + model.featurizer.word.width + model.featurizer.char.width
        self._lexical_slice = slice(lexical_start, lexical_end)

    def classify(self, item: CheckInText) -> ClassificationResult:
        return self.classify_batch([item])[0]

    def classify_batch(self, items: list[CheckInText]) -> list[ClassificationResult]:
        if not items:
            return []
        rules = [
            assess_risk(i.text, mood=i.mood, connection=i.connection, locale=i.locale)
            for i in items
        ]
        texts = [i.text for i in items]
        features = self.model.featurizer.transform(
            texts,
            self.embedder.embed(texts),
            [i.mood for i in items],
            [i.connection for i in items],
        )
        label_proba = self.model.labels.proba(features)
        # The risk heads read the text alone, independent of the rules; the two are combined
        # afterwards and the heads can only raise what the rules found.
        risk_proba = self.model.risk.proba(features)
        return [
            self._result(items[n], rules[n], features[n], label_proba[n], risk_proba[n])
            for n in range(len(items))
        ]

    def _result(
        self,
        item: CheckInText,
        rules: RiskAssessment,
        features: sparse.csr_matrix,
        label_proba: npt.NDArray[np.float32],
        risk_proba: npt.NDArray[np.float32],
    ) -> ClassificationResult:
        level, categories, raised = combine_risk(rules, self.model, risk_proba)
        evidence = rule_spans(rules)
        if raised:
            evidence.append(
                {"label": str(level), "start": -1, "end": -1, "quote": "",
                 "rule": f"model.risk p={float(risk_proba[1]):.2f}"}
            )  # fmt: skip
        notes: list[str] = []
        patterns: list[str] = []
        burnout: list[str] = []
        if rules.language in ("en", "und"):
            decided = self.model.labels.decide(label_proba)
            chosen = [(j, lbl) for j, lbl in enumerate(self.model.labels.ids) if decided[j]]
            for _, label in chosen:
                (patterns if label in PATTERN_SET else burnout).append(label)
            evidence += self._label_spans(item.text, chosen)
        else:
            notes.append(ENGLISH_ONLY_NOTE.format(lang=rules.language))
        if level.at_least(RiskLevel.ELEVATED):
            # Under real danger, "positive" relationship labels would only mislead a coach.
            patterns = [p for p in patterns if p not in POSITIVE_PATTERNS]
        return ClassificationResult(
            risk_level=level,
            risk_categories=categories,
            patterns=sorted(patterns),
            burnout_signals=sorted(burnout),
            evidence=evidence,
            language=rules.language,
            third_party=rules.third_party,
            backend=self.backend,
            model_version=self.version,
            notes=notes,
        )

    def _label_spans(self, text: str, chosen: list[tuple[int, str]]) -> list[dict[str, Any]]:
        """Where in the text each label came from: its lexicon cues, else the sentence whose
        words weigh most for the label (a readable span a coach can check)."""
        if not chosen:
            return []
        hits = find_cues(text, PATTERN_CUES + BURNOUT_CUES)
        spans: list[dict[str, Any]] = []
        needs_sentence: list[tuple[int, str]] = []
        for j, label in chosen:
            mine = [h for h in hits if h.label == label][:2]
            spans += [
                {"label": label, "start": h.start, "end": h.end, "quote": h.quote, "rule": "cue"}
                for h in mine
            ]
            if not mine:
                needs_sentence.append((j, label))
        if not needs_sentence:
            return spans
        sentences = sentence_spans(text) or [(0, len(text))]
        best = [0] * len(needs_sentence)
        if len(sentences) > 1:
            # One lexical matrix for all sentences, scored against every label at once.
            parts = [text[a:b] for a, b in sentences]
            lexical = sparse.hstack(
                [self.model.featurizer.word.transform(parts),
                 self.model.featurizer.char.transform(parts)]
            ).tocsr()  # fmt: skip
            rows = [j for j, _ in needs_sentence]
            scores = lexical @ self.model.labels.coef[rows][:, self._lexical_slice].T
            best = [int(i) for i in np.argmax(np.asarray(scores), axis=0)]
        for (_, label), index in zip(needs_sentence, best, strict=True):
            a, b = sentences[index]
            spans.append({"label": label, "start": a, "end": b, "quote": text[a:b],
                          "rule": "model.sentence"})  # fmt: skip
        return spans


_SENTENCE_END = re.compile(r"(?<=[.!?…])\s+|\n+")


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) offsets of the sentences in ``text``, whitespace trimmed."""
    spans: list[tuple[int, int]] = []
    position = 0
    for match in [*_SENTENCE_END.finditer(text), None]:
        end = match.start() if match else len(text)
        chunk = text[position:end]
        if chunk.strip():
            lead = len(chunk) - len(chunk.lstrip())
            spans.append((position + lead, position + len(chunk.rstrip())))
        if match:
            position = match.end()
    return spans


def combine_risk(
    rules: RiskAssessment, model: LocalModel, proba: npt.NDArray[np.float32]
) -> tuple[RiskLevel, list[str], bool]:
    """The rules' level, raised (never lowered) by the model's risk heads."""
    decided = model.risk.decide(proba)
    heads = dict(zip(model.risk.ids, decided.tolist(), strict=True))
    model_level = RiskLevel.NONE
    if heads["concern_plus"]:
        model_level = RiskLevel.CONCERN
    if heads["elevated_plus"]:
        model_level = RiskLevel.ELEVATED
    if heads["urgent"] and heads["elevated_plus"]:
        model_level = RiskLevel.URGENT
    if rules.third_party and not rules.categories:
        # Someone else's danger deserves resources, not an escalation about this couple.
        model_level = min(model_level, RiskLevel.CONCERN, key=lambda lvl: lvl.rank)
    level = RiskLevel.highest(rules.level, model_level)
    categories = {str(c) for c in rules.categories}
    raised = level.rank > rules.level.rank
    if level.at_least(RiskLevel.ELEVATED) and raised:
        cat_ids = model.risk.ids[3:]
        cat_proba = proba[3:]
        picked = {c for c, on in zip(cat_ids, decided[3:].tolist(), strict=True) if on}
        if not picked and not categories:
            picked = {cat_ids[int(np.argmax(cat_proba))]}
        categories |= picked
    if not level.at_least(RiskLevel.ELEVATED):
        categories = set()
    return level, sorted(categories), raised


def fail_closed(reason: str, item: CheckInText | None = None) -> ClassificationResult:
    """What a check-in is treated as when classification fails: at risk, not fine.

    The safety rules are tried once more on their own, so that their categories (and an urgent
    level) still decide which resources come first.
    """
    level, categories, evidence, language = RiskLevel.ELEVATED, [], [], "und"
    if item is not None:
        try:
            rules = assess_risk(
                item.text, mood=item.mood, connection=item.connection, locale=item.locale
            )
            level = RiskLevel.highest(level, rules.level)
            categories = [str(c) for c in rules.categories]
            evidence, language = rule_spans(rules), rules.language
        except Exception:  # the rules failing too leaves the plain fail-closed verdict
            log.exception("safety rules failed during fail-closed classification")
    return ClassificationResult(
        risk_level=level,
        risk_categories=categories,
        patterns=[],
        burnout_signals=[],
        evidence=evidence,
        language=language,
        backend="fail-closed",
        model_version=RULES_VERSION,
        notes=[f"classification failed: {reason}"],
    )


def rules_only(item: CheckInText, reason: str) -> ClassificationResult:
    """The safety rules alone, used when a model backend is unavailable."""
    rules = assess_risk(item.text, mood=item.mood, connection=item.connection, locale=item.locale)
    return ClassificationResult(
        risk_level=rules.level,
        risk_categories=[str(c) for c in rules.categories],
        patterns=[],
        burnout_signals=[],
        evidence=rule_spans(rules),
        language=rules.language,
        third_party=rules.third_party,
        backend="rules",
        model_version=RULES_VERSION,
        notes=[reason],
    )


class RulesClassifier:
    """The safety rules alone (no patterns): a baseline for evals and a last resort."""

    backend = "rules"

    def classify_batch(self, items: list[CheckInText]) -> list[ClassificationResult]:
        return [rules_only(i, "rules-only backend: patterns are not read") for i in items]


_pool = concurrent.futures.ThreadPoolExecutor(max_workers=1, thread_name_prefix="classify")


def classify_with_deadline(
    classifier: Classifier, item: CheckInText, *, timeout: float
) -> ClassificationResult:
    """Classify within ``timeout`` seconds; any failure or overrun fails closed."""
    future = _pool.submit(classifier.classify_batch, [item])
    try:
        return future.result(timeout=timeout)[0]
    except concurrent.futures.TimeoutError:
        log.error("classifier timed out; failing closed", timeout=timeout)
        return fail_closed("timeout", item)
    except Exception as exc:  # any failure must not read as "fine"
        log.exception("classifier failed; failing closed")
        return fail_closed(type(exc).__name__, item)


def with_note(result: ClassificationResult, note: str) -> ClassificationResult:
    return replace(result, notes=[*result.notes, note])
