"""A list of very common English words, for telling ordinary words from distinctive ones.

``common_words.txt`` holds about 2,600 of the most frequent English words, in frequency order:
the whole-word entries between ids 1996 and 5000 of the BERT uncased vocabulary (Apache-2.0)
that the MiniLM encoder used to ship with. Kept as a file so the guard does not depend on any
model package. Rarer words (names, places, hobbies) count as distinctive.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

_PATH = Path(__file__).resolve().parent / "common_words.txt"


def common_words() -> Iterable[str]:
    return (w for w in _PATH.read_text(encoding="utf-8").splitlines() if w)
