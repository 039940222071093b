"""Settling one's affairs, and a household child hurt by an adult, are read as risk."""

from __future__ import annotations

import pytest

from service.safety.detector import assess_risk
from service.taxonomy import RiskLevel


@pytest.mark.parametrize(
    ("text", "category"),
    [
        ("gave my guitar to my cousin, I won't need it where I'm going", "self_harm"),
        ("Gave the car to my brother. I won't be needing it after Friday.", "self_harm"),
        ("Sorted my affairs and wrote everyone letters.", "self_harm"),
        ("my mom slaps my kids when she babysits and leaves marks", "child_safety"),
        ("my stepdad hits our son when I am at work", "child_safety"),
    ],
)
def test_quiet_signals_are_elevated(text: str, category: str) -> None:
    risk = assess_risk(text)
    assert risk.level.at_least(RiskLevel.ELEVATED)
    assert category in {str(c) for c in risk.categories}


@pytest.mark.parametrize(
    "text",
    [
        "gave my old laptop to my niece, I don't need it since I got the new one",
        "gave away my winter coats, I won't need them anymore now that we moved to Queensland",
        "I am putting my affairs in order with the lawyer after dad died",
        "Grandpa threw our son the ball and he caught it",
        "He would never hit our kids",
    ],
)
def test_ordinary_versions_are_not(text: str) -> None:
    assert not assess_risk(text).level.at_least(RiskLevel.ELEVATED)
