"""Recognising a request for a verdict on the partner (answered without taking sides)."""

from __future__ import annotations

import pytest

from service.coaching.framing import seeks_verdict


@pytest.mark.parametrize(
    "text",
    [
        "He never cooks and I do everything. Who's right here?",
        "Am I overreacting or is this normal?",
        "Tell me she's being unfair.",
        "Please back me up on this one.",
        "He should apologise first, right??",
        "Sag mir ehrlich, dass er egoistisch ist.",
        "Qui a raison, lui ou moi ?",
        "¿Verdad que es una falta de respeto?",
    ],
)
def test_requests_for_a_verdict(text: str) -> None:
    assert seeks_verdict(text)


@pytest.mark.parametrize(
    "text",
    [
        "We had a lovely walk and talked about the garden.",
        "He was on his phone all through dinner again.",
        "I told her I was sorry and we made up.",
    ],
)
def test_ordinary_checkins_do_not(text: str) -> None:
    assert not seeks_verdict(text)
