"""The safety detector on a hand-written dev set of crisis phrasing and hard negatives in four
languages (tests/unit/data/safety_dev_cases.yaml), plus regressions for the context fixes."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from service.safety import assess_risk
from service.safety.language import active_languages
from service.taxonomy import RiskCategory, RiskLevel

_CASES_FILE = Path(__file__).parent / "data" / "safety_dev_cases.yaml"
_LEVELS = {level.value: level for level in RiskLevel}


def _load_cases() -> list[dict[str, Any]]:
    cases: list[dict[str, Any]] = yaml.safe_load(_CASES_FILE.read_text(encoding="utf-8"))
    return cases


_ALL = _load_cases()
# Cases the rules still miss are documented in the file but not asserted.
_ASSERTED = [c for c in _ALL if not c.get("known_gap")]


@pytest.mark.parametrize("case", _ASSERTED, ids=[c["text"][:50] for c in _ASSERTED])
def test_dev_case(case: dict[str, Any]) -> None:
    result = assess_risk(case["text"])
    low = _LEVELS[case.get("min", "none")]
    high = _LEVELS[case.get("max", "urgent")]
    assert result.level.at_least(low), result
    assert high.at_least(result.level), result
    expected = {RiskCategory(c) for c in case.get("cats", [])}
    assert expected <= set(result.categories), result


def test_dev_set_is_balanced_and_multilingual() -> None:
    positives = [c for c in _ALL if "min" in c]
    negatives = [c for c in _ALL if "min" not in c]
    assert len(positives) >= 150 and len(negatives) >= 150
    for lang in ("en", "de", "fr", "es"):
        assert sum(c["lang"] == lang for c in positives) >= 15
        assert sum(c["lang"] == lang for c in negatives) >= 10


@pytest.mark.parametrize(
    ("text", "languages"),
    [
        ("we talked about the week and he said he loves me, it was nice", {"en"}),
        ("Wir haben über die Woche geredet und er hat gesagt, dass er mich liebt", {"en", "de"}),
        ("he said si me voy me mata", {"en", "de", "fr", "es"}),  # too short to rule anything out
        ("ok", {"en", "de", "fr", "es"}),
    ],
)
def test_language_gating(text: str, languages: set[str]) -> None:
    assert set(active_languages(text)) == languages


def test_gating_keeps_french_rules_off_english_text() -> None:
    # "me bat" is the French "beats me"; in English it is batting order.
    text = "my son wanted me to bat first in cricket and we had a great afternoon together"
    assert assess_risk(text).level is RiskLevel.NONE


def test_locale_switches_a_language_on() -> None:
    assert "fr" in active_languages("ok merci", "fr-FR")


@pytest.mark.parametrize(
    "text",
    [
        "I think about not being here a lot lately",  # "not" is part of the danger
        "I don't drink and he hits me",  # a negation does not reach past "and he"
        "Ich halte das nicht mehr aus und will einfach nur sterben",
    ],
)
def test_negation_does_not_swallow_danger(text: str) -> None:
    assert assess_risk(text).level.at_least(RiskLevel.ELEVATED)


def test_ellipsis_does_not_end_the_sentence() -> None:
    # The consent after the pause belongs to the same sentence.
    text = "He reads my emails... when I ask him to proofread my cover letters"
    assert not assess_risk(text).level.at_least(RiskLevel.ELEVATED)


def test_means_and_timing_across_sentences_is_urgent_with_evidence() -> None:
    result = assess_risk("Die Tabletten liegen bereit. Heute Nacht…")
    assert result.level is RiskLevel.URGENT
    assert result.categories == (RiskCategory.SELF_HARM,)
    assert {e.rule for e in result.evidence} >= {"de.self_harm.means_ready", "de.context.timing"}


@pytest.mark.parametrize(
    "text",
    [
        "I'm a paramedic, we had a suicide call tonight and I'm wiped",
        "Ich bin Notfallsanitäterin und hatte heute einen Suizidversuch im Einsatz",
    ],
)
def test_crisis_words_met_at_work_are_someone_elses(text: str) -> None:
    result = assess_risk(text)
    assert result.level is RiskLevel.CONCERN
    assert result.third_party is True


def test_the_writer_at_work_can_still_be_at_risk() -> None:
    result = assess_risk("I'm a nurse and I'm suicidal")
    assert result.level.at_least(RiskLevel.ELEVATED)
    assert RiskCategory.SELF_HARM in result.categories
