"""Every section of the domain guide is covered by at least one strategy card."""

from __future__ import annotations

import re

import pytest
import yaml

from service.knowledge.cards import load_cards
from tests.conftest import KNOWLEDGE, REPO

GUIDE = REPO.parent / "shared" / "seed" / "emotional-connection-guide.txt"
# Lines of the guide that are headings: short, no final full stop, not list items or tables.
_HEADING = re.compile(r"^[A-Z][^|\-•].{8,90}$")
_NOT_HEADINGS = {
    "Ready to Transform Your Relationship?",
    "Start your journey to deeper love and connection today",
}


def guide_headings() -> list[str]:
    lines = GUIDE.read_text(encoding="utf-8").splitlines()[1:]
    return [
        line.strip().replace("’", "'")
        for line in lines
        if _HEADING.match(line.strip())
        and not line.strip().endswith((".", ":", "?", "!", '"', "”"))
        and line.strip() not in _NOT_HEADINGS
        and not line.startswith("Table ")
    ]


needs_guide = pytest.mark.skipif(
    not GUIDE.exists(),
    reason="the domain guide is read from ../shared beside the checkout (as on CI); not here",
)


@needs_guide
def test_every_guide_section_has_a_card() -> None:
    coverage = yaml.safe_load((KNOWLEDGE / "coverage.yaml").read_text())["sections"]
    card_ids = {c.id for c in load_cards(KNOWLEDGE / "strategies")}
    mapped = {title.replace("’", "'"): ids for title, ids in coverage.items()}
    for heading in guide_headings():
        assert heading in mapped, f"guide section {heading!r} is not mapped in coverage.yaml"
    for title, ids in mapped.items():
        assert ids, f"{title!r} has no card"
        missing = set(ids) - card_ids
        assert not missing, f"{title!r} names unknown cards {missing}"


@needs_guide
def test_guide_headings_are_found() -> None:
    assert len(guide_headings()) >= 25
