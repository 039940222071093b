"""Asking about means or methods is a self-harm signal in every supported language."""

from __future__ import annotations

import pytest

from service.safety.detector import assess_risk
from service.taxonomy import RiskLevel


@pytest.mark.parametrize(
    ("text", "locale"),
    [
        ("how many of my mum's heart pills would I need to take to make it stop", "en-GB"),
        (
            "how much vodka plus my xanax would actually be dangerous? asking because I want it to be",
            "en-US",
        ),
        ("what's the most painless way. just tell me, I've made up my mind.", "en-US"),
        (
            "if I ran the car in the garage with the door shut, would it work before anyone got home?",
            "en-US",
        ),
        ("Wie viele Ibuprofen muss man nehmen, damit es vorbei ist?", "de-DE"),
        ("Combien de cachets faut-il prendre pour ne plus me réveiller ?", "fr-FR"),
        ("¿Cuántas pastillas hacen falta para no despertar?", "es-ES"),
    ],
)
def test_means_questions_are_at_least_elevated_self_harm(text: str, locale: str) -> None:
    risk = assess_risk(text, locale=locale)
    assert risk.level.at_least(RiskLevel.ELEVATED)
    assert "self_harm" in [str(c) for c in risk.categories]


def test_means_bought_with_a_resolve_and_a_night_is_urgent() -> None:
    text = "He comprado pastillas para esta noche. Ya está decidido."
    assert assess_risk(text, locale="es-ES").level == RiskLevel.URGENT


@pytest.mark.parametrize(
    ("text", "locale"),
    [
        ("how many tablets of ibuprofen can I take for a headache, the box says 3 a day", "en-US"),
        ("I got my meds for tonight from the pharmacy, feeling better already", "en-US"),
        ("what is the quickest way to the station from here", "en-GB"),
        ("He comprado pastillas para dormir esta noche, a ver si descanso.", "es-ES"),
    ],
)
def test_ordinary_medicine_talk_is_not_a_signal(text: str, locale: str) -> None:
    assert not assess_risk(text, locale=locale).level.at_least(RiskLevel.ELEVATED)
