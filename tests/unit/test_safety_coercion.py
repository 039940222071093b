"""Sexual coercion and fear of a partner's reaction to "no" are read as control, in context."""

from __future__ import annotations

import pytest

from service.safety.detector import assess_risk
from service.taxonomy import RiskLevel


@pytest.mark.parametrize(
    "text",
    [
        "Last week I gave in because I was afraid of what he'd do if I didn't.",
        "I'm scared of what she'll do if I leave.",
        "He pressured me into sex again after the party.",
        "He tells me I owe him sex because he pays the rent.",
        "Ich habe Angst, was er macht, wenn ich nein sage.",
        "J'ai peur de ce qu'il ferait si je refuse.",
        "Tengo miedo de lo que él haría si le digo que no.",
    ],
)
def test_coercion_is_elevated(text: str) -> None:
    risk = assess_risk(text)
    assert risk.level.at_least(RiskLevel.ELEVATED)
    assert {str(c) for c in risk.categories} & {"coercive_control", "partner_violence"}


@pytest.mark.parametrize(
    "text",
    [
        "I was afraid of what the teacher would do if I didnt hand in my homework.",
        "I gave in because I was scared of missing out on the concert lol",
        "we had sex and it was great, I owe him a thank you card for the flowers",
        "my husband hit me again on saturday",  # past violence: elevated, not urgent
    ],
)
def test_no_false_coercion_or_false_urgency(text: str) -> None:
    risk = assess_risk(text)
    assert "coercive_control" not in {str(c) for c in risk.categories}
    assert risk.level != RiskLevel.URGENT


def test_a_day_ahead_turns_a_method_question_urgent() -> None:
    text = "if I ran the car in the garage with the door shut, would it work? sunday he's away."
    assert assess_risk(text).level == RiskLevel.URGENT
