"""How the rules, their context and the model's calibrated scores make one risk level.

The whole combination is this table (docs/classifier.md shows it; tests/unit/test_decision.py
tests each row):

| row | rules found | defusing context (rules) | present-danger cue | the model alone may raise to |
|---|---|---|---|---|
| D1 | level L | any | any | never lowers L: the result is at least L |
| D2 | - | none | - | the level its calibrated scores reach |
| D3 | - | found | yes | the level its scores reach (the cue lifts the limit) |
| D4 | - | found | no | the level the rest of the text reaches, read without the defused sentences |
| D5 | - | found | no, and the rest reads below elevated | at most `concern` |

Defusing contexts are what the rules recognise and explain away: an idiom, banter, fiction or
media, a hypothetical or probing question, a past that is over, someone else's
danger, words aimed at the system. Present-danger cues: a means of self-harm, "he's outside",
an urgent finding of the rules. The model's level comes from thresholds on calibrated
probabilities chosen by a stated cost (``service/classify/training.py``).
"""

from __future__ import annotations

from dataclasses import dataclass

from service.safety import RiskAssessment
from service.taxonomy import RiskLevel


@dataclass(frozen=True)
class Scores:
    """Calibrated probabilities of one text being at least concern, elevated, urgent."""

    concern_plus: float
    elevated_plus: float
    urgent: float


@dataclass(frozen=True)
class Thresholds:
    concern_plus: float
    elevated_plus: float
    urgent: float


@dataclass(frozen=True)
class Decision:
    level: RiskLevel
    model_level: RiskLevel  # what the model was allowed to contribute
    row: str  # which row of the table decided the model's part
    raised: bool  # the model took the level above the rules'


def level_from(scores: Scores, thresholds: Thresholds) -> RiskLevel:
    if scores.elevated_plus >= thresholds.elevated_plus:
        if scores.urgent >= thresholds.urgent:
            return RiskLevel.URGENT
        return RiskLevel.ELEVATED
    if scores.concern_plus >= thresholds.concern_plus:
        return RiskLevel.CONCERN
    return RiskLevel.NONE


def needs_rest_of_text(
    rules: RiskAssessment, scores: Scores, thresholds: Thresholds, ask_threshold: float = 1.0
) -> bool:
    """Whether the decision (or whether to ask, service/classify/asking.py) depends on
    re-reading the text without its defused sentences."""
    return (
        bool(rules.defusing)
        and not rules.present_danger
        and scores.elevated_plus >= min(ask_threshold, thresholds.elevated_plus)
    )


def decide(
    rules: RiskAssessment,
    scores: Scores,
    thresholds: Thresholds,
    rest: Scores | None = None,
) -> Decision:
    """The table above. ``rest``: the scores of the text without its defused sentences
    (None when nothing is left of it)."""
    model = level_from(scores, thresholds)
    if not rules.defusing:
        row = "D2"
    elif rules.present_danger:
        row = "D3"
    elif not model.at_least(RiskLevel.ELEVATED):
        row = "D2"  # the model stays below the limit anyway
    else:
        remaining = level_from(rest, thresholds) if rest is not None else RiskLevel.NONE
        if remaining.at_least(RiskLevel.ELEVATED):
            row, model = "D4", remaining
        else:
            row, model = "D5", RiskLevel.CONCERN
    level = RiskLevel.highest(rules.level, model)
    return Decision(level=level, model_level=model, row=row, raised=level.rank > rules.level.rank)
