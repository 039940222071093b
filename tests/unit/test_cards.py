"""Strategy cards: the shipped knowledge base is valid, and bad cards are named precisely."""

from __future__ import annotations

from pathlib import Path

import pytest

from service.knowledge.cards import CardError, load_cards, parse_card
from service.knowledge.chunking import chunk_card
from service.taxonomy import BurnoutSignal, Pattern
from tests.conftest import KNOWLEDGE

GOOD = """---
id: tiny
title: A tiny card
summary: Short summary that is long enough.
patterns: [technoference]
steps:
  - "Put the phones in a drawer for dinner."
evidence: []
---
## Why
Body text long enough to be a real card body for the schema check here.
"""


def test_shipped_cards_are_valid_and_cover_the_taxonomy() -> None:
    cards = load_cards(KNOWLEDGE / "strategies")
    assert len(cards) >= 17
    covered_patterns = {p for c in cards for p in c.patterns}
    covered_burnout = {b for c in cards for b in c.burnout_signals}
    assert covered_patterns == set(Pattern)
    assert covered_burnout == set(BurnoutSignal)


def test_every_card_chunks_into_embeddable_pieces() -> None:
    for card in load_cards(KNOWLEDGE / "strategies"):
        chunks = chunk_card(card)
        assert any(c.heading == "Steps" for c in chunks)
        assert sum(c.heading == "Sounds like" for c in chunks) == len(card.situations)
        assert all(len(c.content) <= 1000 for c in chunks)


def test_good_card_parses(tmp_path: Path) -> None:
    path = tmp_path / "tiny.md"
    path.write_text(GOOD)
    card = parse_card(path)
    assert card.patterns == [Pattern.TECHNOFERENCE]
    assert len(card.content_hash) == 64


@pytest.mark.parametrize(
    ("old", "new", "field"),
    [
        ("patterns: [technoference]", "patterns: [phubbing]", "patterns"),
        ("id: tiny", "id: other", "id"),
        ('  - "Put the phones in a drawer for dinner."', "  - hi", "steps"),
        ("summary: Short summary that is long enough.", "", "summary"),
    ],
)
def test_bad_card_error_names_file_and_field(
    tmp_path: Path, old: str, new: str, field: str
) -> None:
    path = tmp_path / "tiny.md"
    path.write_text(GOOD.replace(old, new))
    with pytest.raises(CardError) as err:
        parse_card(path)
    assert str(path) in str(err.value)
    assert f"'{field}" in str(err.value)


def test_missing_front_matter_is_reported(tmp_path: Path) -> None:
    path = tmp_path / "plain.md"
    path.write_text("# just markdown\n")
    with pytest.raises(CardError, match="front matter"):
        parse_card(path)
