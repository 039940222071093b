"""Classify check-ins: rule-first safety, then the local model (or an LLM when configured).

Order matters: the safety rules run first and on their own; a model may raise the risk level
they set, never lower it; and if classification fails or runs out of time, the check-in is
treated as at risk (fail closed), never as fine.
"""

from __future__ import annotations

import concurrent.futures
from dataclasses import dataclass, field, replace
from typing import Any, Protocol

import numpy as np
import numpy.typing as npt
import structlog
from scipy import sparse

from service.classify.asking import decide_ask, rules_ask
from service.classify.chunks import embed_chunked, sentence_spans
from service.classify.dataset import register_of
from service.classify.decision import Scores, Thresholds, decide, needs_rest_of_text
from service.classify.lexicon import BURNOUT_CUES, PATTERN_CUES, find_cues
from service.classify.local_model import RISK_HEADS, LocalModel
from service.knowledge.embedder import MULTILINGUAL_ENCODERS, Embedder
from service.safety import RULES_VERSION, RiskAssessment, assess_risk
from service.safety.model import ContextSpan
from service.taxonomy import POSITIVE_PATTERNS, BurnoutSignal, Pattern, RiskLevel

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
    # The safety rules' reading of exactly these fields, when a caller already made it (a
    # worker batch reads every text with the rules first, to answer urgent ones first).
    rules: RiskAssessment | None = field(default=None, compare=False, repr=False)


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
    # Calibrated probability that the text is elevated or worse (None: no model read it).
    risk_score: float | None = None
    # False when patterns and burnout were not read (a language the model does not cover).
    patterns_read: bool = True
    # Ask the partner directly whether they are safe (service/classify/asking.py), and about
    # what: self_harm | safety_at_home | child_safety.
    ask_safety: bool = False
    ask_kind: str | None = None
    ask_row: str = ""  # the row of the ask table that decided
    # What a "yes" would mean: a sign of danger now was read (urgent escalation on a yes).
    danger_now: bool = False
    rules_found_kind: bool = False  # the rules themselves read the asked-about kind of risk

    def labels(self) -> dict[str, Any]:
        """The TAXONOMY.md batch fields."""
        return {
            "risk_level": str(self.risk_level),
            "risk_categories": self.risk_categories,
            "patterns": self.patterns,
            "burnout_signals": self.burnout_signals,
            "backend": self.backend,
            "risk_score": None if self.risk_score is None else round(self.risk_score, 4),
            "ask_safety": self.ask_safety,
            "ask_kind": self.ask_kind,
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
    """The default backend: rules first, then the shipped linear model over a sentence encoder
    and n-gram features, read whole and in chunks, combined by the decision table."""

    backend = "local"

    def __init__(self, model: LocalModel, embedder: Embedder) -> None:
        self.model = model
        self.embedder = embedder
        self.version = f"{model.version}+{RULES_VERSION}"
        lexical_start = embedder.dim
        lexical_end = lexical_start + model.featurizer.word.width + model.featurizer.char.width
        self._lexical_slice = slice(lexical_start, lexical_end)
        cal = model.calibration.thresholds
        self.thresholds = Thresholds(float(cal[0]), float(cal[1]), float(cal[2]))
        self.ask_threshold = model.ask_threshold
        self.multilingual = embedder.model_id in MULTILINGUAL_ENCODERS

    def classify(self, item: CheckInText) -> ClassificationResult:
        return self.classify_batch([item])[0]

    def read(self, items: list[CheckInText]) -> ModelReading:
        """The model's reading of each text on its own, without the rules."""
        texts = [i.text for i in items]
        chunked = embed_chunked(self.embedder, texts)
        features = self.model.featurizer.transform(
            texts, chunked.documents, [i.mood for i in items], [i.connection for i in items]
        )
        chunk_none: list[int | None] = [None] * len(chunked.texts)
        chunk_features = self.model.featurizer.transform(
            chunked.texts, chunked.chunks, chunk_none, chunk_none
        )
        risk = self.model.risk.proba(features)
        chunk_p = self.model.chunk_risk.proba(chunk_features)
        worst = np.zeros((len(items), len(RISK_HEADS)), dtype=np.float32)
        np.maximum.at(worst, chunked.owner, chunk_p)
        longform = np.array([register_of(t) == "longform" for t in texts], dtype=np.bool_)
        calibrated = self.model.calibrated(risk[:, : len(RISK_HEADS)], worst, longform)
        worst_chunk = [
            chunked.spans[int(idx[np.argmax(chunk_p[idx, 1])])] if len(idx) > 1 else None
            for idx in (chunked.of(n) for n in range(len(items)))
        ]
        return ModelReading(
            label_proba=self.model.labels.proba(features),
            risk_proba=risk,
            calibrated=calibrated,
            worst_chunk=worst_chunk,
        )

    def classify_batch(self, items: list[CheckInText]) -> list[ClassificationResult]:
        if not items:
            return []
        rules = [
            i.rules
            if i.rules is not None
            else assess_risk(i.text, mood=i.mood, connection=i.connection, locale=i.locale)
            for i in items
        ]
        reading = self.read(items)
        scores = [Scores(*(float(x) for x in row)) for row in reading.calibrated]
        rest: dict[int, Scores | None] = {}
        pending = [
            n
            for n in range(len(items))
            if needs_rest_of_text(rules[n], scores[n], self.thresholds, self.ask_threshold)
        ]
        if pending:
            # The text without the sentences the rules explained away, read again (rare).
            remaining = {n: without_spans(items[n].text, rules[n].defusing) for n in pending}
            again = [n for n in pending if remaining[n]]
            rest = dict.fromkeys(pending)
            if again:
                reread = self.read(
                    [replace(items[n], text=remaining[n], rules=None) for n in again]
                )
                for k, n in enumerate(again):
                    rest[n] = Scores(*(float(x) for x in reading_row(reread, k)))
        return [
            self._result(items[n], rules[n], reading, n, scores[n], rest.get(n))
            for n in range(len(items))
        ]

    def _result(
        self,
        item: CheckInText,
        rules: RiskAssessment,
        reading: ModelReading,
        n: int,
        scores: Scores,
        rest: Scores | None,
    ) -> ClassificationResult:
        decision = decide(rules, scores, self.thresholds, rest)
        level = decision.level
        cat_ids = self.model.risk.ids[len(RISK_HEADS) :]
        cat_scores = list(
            zip(cat_ids, (float(x) for x in reading.risk_proba[n][len(RISK_HEADS) :]), strict=True)
        )
        ask = decide_ask(
            level,
            rules,
            score=scores.elevated_plus,
            rest_score=None if rest is None else rest.elevated_plus,
            ask_threshold=self.ask_threshold,
            escalate_threshold=self.thresholds.elevated_plus,
            category_scores=cat_scores,
        )
        categories = {str(c) for c in rules.categories}
        if decision.raised and level.at_least(RiskLevel.ELEVATED):
            categories |= self._model_categories(reading.risk_proba[n], categories)
        if not level.at_least(RiskLevel.ELEVATED):
            categories = set()
        evidence = rule_spans(rules)
        if decision.raised:
            span = reading.worst_chunk[n]
            a, b = span if span else (-1, -1)
            evidence.append(
                {"label": str(level), "start": a, "end": b, "quote": item.text[a:b] if span else "",
                 "rule": f"model.risk p={scores.elevated_plus:.2f} {decision.row}"}
            )  # fmt: skip
        notes: list[str] = []
        patterns: list[str] = []
        burnout: list[str] = []
        read_labels = self.multilingual or rules.language in ("en", "und")
        if read_labels:
            decided = self.model.labels.decide(reading.label_proba[n])
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
            risk_categories=sorted(categories),
            patterns=sorted(patterns),
            burnout_signals=sorted(burnout),
            evidence=evidence,
            language=rules.language,
            third_party=rules.third_party,
            backend=self.backend,
            model_version=self.version,
            notes=notes,
            risk_score=scores.elevated_plus,
            patterns_read=read_labels,
            ask_safety=ask.ask,
            ask_kind=ask.kind,
            ask_row=ask.row,
            danger_now=ask.ask
            and (bool(rules.present_danger) or scores.urgent >= self.thresholds.urgent),
            rules_found_kind=ask.row == "A2",
        )

    def _model_categories(self, proba: npt.NDArray[np.float32], known: set[str]) -> set[str]:
        cat_ids = self.model.risk.ids[len(RISK_HEADS) :]
        cat_proba = proba[len(RISK_HEADS) :]
        decided = cat_proba >= self.model.risk.thresholds[len(RISK_HEADS) :]
        picked = {c for c, on in zip(cat_ids, decided.tolist(), strict=True) if on}
        if not picked and not known:
            picked = {cat_ids[int(np.argmax(cat_proba))]}
        return picked

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


@dataclass(frozen=True)
class ModelReading:
    label_proba: npt.NDArray[np.float32]
    risk_proba: npt.NDArray[np.float32]
    calibrated: npt.NDArray[np.float32]  # one column per RISK_HEADS id
    worst_chunk: list[tuple[int, int] | None]  # the riskiest chunk of a multi-chunk text


def reading_row(reading: ModelReading, n: int) -> list[float]:
    return [float(x) for x in reading.calibrated[n]]


def without_spans(text: str, spans: tuple[ContextSpan, ...]) -> str:
    """The text with every sentence that holds one of ``spans`` left out."""
    kept = [
        text[a:b]
        for a, b in sentence_spans(text)
        if not any(s.start < b and a < s.end for s in spans)
    ]
    return " ".join(kept).strip()


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
    ask = rules_ask(rules)
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
        ask_safety=ask.ask,
        ask_kind=ask.kind,
        ask_row=ask.row,
        danger_now=ask.ask and bool(rules.present_danger),
        rules_found_kind=ask.row == "A2",
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


def batch_deadline(timeout: float, size: int) -> float:
    """The deadline of one pass over ``size`` check-ins: a single check-in's, plus a share of it
    per further check-in (a batch of 32 gets 3x; a pass that slow is a hang, not load)."""
    return timeout * (1.0 + max(0, size - 1) / 16)


def classify_many_with_deadline(
    classifier: Classifier, items: list[CheckInText], *, timeout: float
) -> list[ClassificationResult]:
    """Classify a batch in one pass (one encoder call, the heads on the matrix).

    If the pass fails, each check-in is classified on its own, so that one check-in that breaks
    the classifier fails closed alone; if the pass overruns, every check-in in it fails closed,
    as each would have on its own.
    """
    if not items:
        return []
    future = _pool.submit(classifier.classify_batch, items)
    try:
        results = future.result(timeout=batch_deadline(timeout, len(items)))
        if len(results) != len(items):
            raise RuntimeError(f"{len(results)} results for {len(items)} check-ins")
        return results
    except concurrent.futures.TimeoutError:
        log.error("batch classification timed out; failing closed", size=len(items))
        return [fail_closed("timeout", item) for item in items]
    except Exception as exc:
        if len(items) == 1:
            log.exception("classifier failed; failing closed")
            return [fail_closed(type(exc).__name__, items[0])]
        log.exception("batch classification failed; classifying one by one", size=len(items))
        return [classify_with_deadline(classifier, item, timeout=timeout) for item in items]


def with_note(result: ClassificationResult, note: str) -> ClassificationResult:
    return replace(result, notes=[*result.notes, note])
